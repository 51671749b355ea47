"""How long each notebook takes as a student runs it: wall time and the kernel's CPU time.

Two ways, both on the notebook a student ends up with (every graded function answered, every
cell run, exploration cells included):

* **headless**: the instructor notebook of ``source/`` executed top to bottom by nbclient, as
  ``tests/notebook_runner.py`` runs it (in a copy of its folder, with the support modules its
  release generates); the wall time counts from the kernel's start to the end of the last cell;
* **in JupyterLab**: a temporary copy of the release with the solutions filled in
  (:func:`autograder.samples.student_notebook`), opened in a student-mode JupyterLab (as
  ``./course lab`` starts it) in headless Chromium, and run with Run All; the wall time counts
  from Run All until every code cell has its execution count and the kernel is idle.

The kernel's CPU time (user + system, of the kernel process and the children it waited for) is
read from ``/proc``: unlike the wall time it barely depends on what else the machine runs, so it
is the figure a test can hold a notebook to. The targets are those of the course (DESIGN.md):
at most :data:`HEADLESS_TARGET` seconds headless on 2 cores, :data:`BROWSER_TARGET` as Run All
in JupyterLab, :data:`TOTAL_TARGET` for the five notebooks together (headless).

``python -m autograder benchmark`` prints these figures (``--only notebooks`` for them alone);
``tests/test_notebook_times_browser.py`` runs the JupyterLab part as a test.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import RELEASE, SOURCE, assignment_ids
from autograder.samples import student_notebook

#: Seconds a notebook may take, run top to bottom headless on 2 cores.
HEADLESS_TARGET = 20.0
#: Seconds a notebook may take as Run All in JupyterLab.
BROWSER_TARGET = 30.0
#: Seconds the five notebooks may take together, headless.
TOTAL_TARGET = 60.0

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class CellTime:
    """One code cell: its index in the notebook, seconds, and its first line."""

    index: int
    seconds: float
    cpu: float | None
    first_line: str


@dataclass
class NotebookTime:
    """One run of one notebook.

    Attributes
    ----------
    assignment : str
    where : str
        ``"headless"`` or ``"browser"``.
    wall : float
        Seconds, as the module docstring says.
    cpu : float
        The kernel's CPU seconds over the same span.
    load : float
        The 1-minute load average when the run started.
    cells : list of CellTime
        Every code cell (in the browser: the kernel's own time stamps of each execution).
    errors : list of str
        ``"cell N: Name: value"`` for every error output.
    unexecuted : int
        Code cells left without an execution count.
    """

    assignment: str
    where: str
    wall: float
    cpu: float
    load: float
    cells: list[CellTime] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unexecuted: int = 0

    def slowest(self, n: int = 3) -> list[CellTime]:
        return sorted(self.cells, key=lambda c: -c.seconds)[:n]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and of the children it waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3 of stat(5); utime, stime, cutime, cstime 14-17.
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / _TICKS


def _first_line(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip()]
    return lines[0][:60] if lines else ""


def _errors(index: int, outputs) -> list[str]:
    return [
        f"cell {index}: {o.get('ename')}: {o.get('evalue')}"
        for o in outputs
        if o.get("output_type") == "error"
    ]


# --- headless ---------------------------------------------------------------------------------
def time_headless(aid: str, source: Path = SOURCE, timeout: int = 600) -> NotebookTime:
    """Run ``source/<aid>/<aid>.ipynb`` top to bottom with nbclient; time it and every cell."""
    from autograder.support_modules import staged_client

    path = Path(source) / aid / f"{aid}.ipynb"
    with tempfile.TemporaryDirectory(prefix="notebook-times-") as work:
        client = staged_client(
            path,
            Path(work),
            source,
            timeout=timeout,
            allow_errors=True,
            extra_arguments=["--IPKernelApp.log_level=50"],  # no start-up warnings
        )
        nb = client.nb
        load = os.getloadavg()[0]
        start = time.perf_counter()
        cells, errors = [], []
        with client.setup_kernel():
            pid = client.km.provisioner.process.pid
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                began, cpu_began = time.perf_counter(), process_cpu_seconds(pid)
                client.execute_cell(cell, index)
                cells.append(
                    CellTime(
                        index,
                        time.perf_counter() - began,
                        process_cpu_seconds(pid) - cpu_began,
                        _first_line(cell.source),
                    )
                )
                errors += _errors(index, cell.outputs)
            # The kernel's whole life, start-up included, as the wall time counts it.
            cpu = process_cpu_seconds(pid)
            wall = time.perf_counter() - start
    return NotebookTime(aid, "headless", wall, cpu, load, cells, errors)


# --- in JupyterLab ----------------------------------------------------------------------------
#: JupyterLab records the kernel's time stamps of every execution in the cell's metadata.
RECORD_TIMING = {"@jupyterlab/notebook-extension:tracker": {"recordTiming": True}}

_FRONT = "window.jupyterapp.shell.currentWidget"

#: True once Run All is over: the kernel is idle and every code cell with code has its
#: execution count, or a cell failed (Run All stops there).
DONE_JS = f"""() => {{
  const w = {_FRONT};
  const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
  if (!k || k.status !== 'idle') return false;
  let failed = false, counted = true;
  for (const c of w.content.widgets) {{
    if (c.model.type !== 'code' || !c.model.sharedModel.getSource().trim()) continue;
    if (c.model.executionCount === null) counted = false;
    const outputs = c.model.outputs;
    for (let i = 0; i < outputs.length; i++) if (outputs.get(i).type === 'error') failed = true;
  }}
  return counted || failed;
}}"""

#: Every code cell of the notebook in front: index, count, errors, timing, first line.
CELLS_JS = f"""() => {{
  const w = {_FRONT};
  return w.content.widgets.map((c, index) => ({{ index, type: c.model.type,
    source: c.model.sharedModel.getSource(),
    count: c.model.type === 'code' ? c.model.executionCount : null,
    outputs: c.model.type === 'code' ? c.model.outputs.toJSON().filter(
      o => o.output_type === 'error').map(o => ({{ output_type: 'error', ename: o.ename,
                                                   evalue: o.evalue }})) : [],
    timing: c.model.getMetadata('execution') || null }}));
}}"""

KERNEL_ID_JS = f"() => {_FRONT}.sessionContext.session.kernel.id"


def student_mode_launcher(folder: Path) -> str:
    """An executable that :class:`~autograder.explorer_benchmark.LabServer` calls as
    ``X -m jupyterlab ARGS``: it starts ``python -m autograder.student_mode ARGS`` instead, so
    the server starts exactly as ``./course lab`` starts it."""
    script = Path(folder) / "student-lab.sh"
    script.write_text(
        f'#!/bin/sh\nshift 2\nexec "{sys.executable}" -m autograder.student_mode "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def solved_release(folder: Path, aids: Iterable[str], release: Path = RELEASE) -> Path:
    """``folder/notebooks``: the release of ``aids`` (support files included) with every graded
    function answered by the instructor's solution."""
    root = Path(folder) / "notebooks"
    for aid in aids:
        shutil.copytree(Path(release) / aid, root / aid)
        nbformat.write(student_notebook(aid, release=release), root / aid / f"{aid}.ipynb")
    return root


def _descendants(pid: int) -> list[int]:
    """Every process under ``pid``, from each process's parent in ``/proc/*/stat`` (the
    ``task/*/children`` lists can miss a child that was just started)."""
    children: dict[int, list[int]] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The name (field 2) may hold spaces and parentheses: the fields after its last ")".
            ppid = int(stat_file.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat_file.parent.name))
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


def kernel_pid(server_pid: int, kernel_id: str) -> int:
    """The process of kernel ``kernel_id`` among the processes the server started."""
    for pid in _descendants(server_pid):
        try:
            if kernel_id in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
                return pid
        except OSError:
            continue
    raise LookupError(f"no process of kernel {kernel_id} under the server {server_pid}")


def _seconds(timing: dict | None) -> float | None:
    """Kernel-side seconds of one execution, from JupyterLab's recorded time stamps."""
    from datetime import datetime

    if not timing or "iopub.execute_input" not in timing or "shell.execute_reply" not in timing:
        return None
    began = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
    ended = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    return (ended - began).total_seconds()


def run_all(page, server, aid: str, timeout: float = 600) -> NotebookTime:
    """Open ``<aid>/<aid>.ipynb`` in ``server``'s JupyterLab, Run All, wait until it is over."""
    from autograder.explorer_benchmark import KERNEL_IDLE_JS

    server.delete_kernels()
    page.goto(server.lab_url(f"{aid}/{aid}.ipynb"))
    page.wait_for_function(KERNEL_IDLE_JS, timeout=60_000)
    pid = kernel_pid(server.proc.pid, page.evaluate(KERNEL_ID_JS))
    load = os.getloadavg()[0]
    cpu_began, began = process_cpu_seconds(pid), time.perf_counter()
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function(DONE_JS, polling=100, timeout=timeout * 1000)
    wall = time.perf_counter() - began
    cpu = process_cpu_seconds(pid) - cpu_began
    result = NotebookTime(aid, "browser", wall, cpu, load)
    for cell in page.evaluate(CELLS_JS):
        if cell["type"] != "code" or not cell["source"].strip():
            continue
        if cell["count"] is None:
            result.unexecuted += 1
        result.errors += _errors(cell["index"], cell["outputs"])
        seconds = _seconds(cell["timing"])
        if seconds is not None:
            result.cells.append(CellTime(cell["index"], seconds, None, _first_line(cell["source"])))
    return result


def time_in_browser(
    aids: Iterable[str] | None = None, release: Path = RELEASE, timeout: float = 600
) -> list[NotebookTime]:
    """Run All of each notebook in one student-mode JupyterLab (see the module docstring)."""
    from autograder.explorer_benchmark import LabServer, browser

    aids = list(aids or assignment_ids())
    with tempfile.TemporaryDirectory(prefix="notebook-times-lab-") as tmp:
        root = solved_release(Path(tmp), aids, release)
        launcher = student_mode_launcher(Path(tmp))
        with LabServer(root, python=launcher, settings=RECORD_TIMING) as server, browser() as page:
            return [run_all(page, server, aid, timeout) for aid in aids]


def browser_problem() -> str | None:
    """Why JupyterLab cannot be timed in a browser here, or None."""
    from autograder.explorer_benchmark import CHROMIUM

    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


# --- the printout -----------------------------------------------------------------------------
def report(headless: list[NotebookTime], browser: list[NotebookTime] | None) -> str:
    """The table ``python -m autograder benchmark`` prints."""
    by_aid = {t.assignment: t for t in browser or []}

    def figures(t: NotebookTime | None, target: float) -> str:
        if t is None:
            return f"{'-':>8} {'':4} {'-':>8} {'':>5}"
        verdict = "ok" if t.wall <= target else "OVER"
        return f"{t.wall:6.1f} s {verdict:4} {t.cpu:6.1f} s {t.load:5.1f}"

    lines = [
        f"Each notebook as a student runs it ({os.cpu_count()} cores): wall time, the kernel's "
        "CPU time (user + system)",
        "and the 1-minute load average at the start. headless: the instructor notebook run by "
        "nbclient, from its",
        f"kernel's start (target {HEADLESS_TARGET:g} s); Run All: the solved release in a "
        f"student-mode JupyterLab (target {BROWSER_TARGET:g} s).",
        f"{'':30} {'headless':>8} {'':4} {'CPU':>8} {'load':>5}   "
        f"{'Run All':>8} {'':4} {'CPU':>8} {'load':>5}",
    ]
    for t in headless:
        lines.append(
            f"{t.assignment:30} {figures(t, HEADLESS_TARGET)}   "
            f"{figures(by_aid.get(t.assignment), BROWSER_TARGET)}"
        )
    total = sum(t.wall for t in headless)
    lines.append(
        f"{'all, headless':30} {total:6.1f} s {'ok' if total <= TOTAL_TARGET else 'OVER':4} "
        f"{sum(t.cpu for t in headless):6.1f} s        (target {TOTAL_TARGET:g} s)"
    )
    lines.append("slowest cells (seconds; in JupyterLab, the kernel's own time stamps):")
    for t in [*headless, *(browser or [])]:
        slow = ", ".join(f"cell {c.index} {c.seconds:.1f}" for c in t.slowest())
        problems = t.errors + ([f"{t.unexecuted} code cells did not run"] if t.unexecuted else [])
        lines.append(
            f"  {t.assignment:30} {t.where:8} {slow}"
            + "".join(f"\n    ERROR {p}" for p in problems)
        )
    return "\n".join(line.rstrip() for line in lines)


def measure(browser: bool = True, source: Path = SOURCE) -> str:
    """Time every notebook of ``source`` headless and, when ``browser`` and Chromium is here, in
    JupyterLab (on a release built from ``source`` now); return the printout."""
    aids = assignment_ids(source)
    headless = [time_headless(aid, source) for aid in aids]
    in_lab = None
    problem = browser_problem() if browser else None
    if problem is not None:
        print(f"(no JupyterLab figures: {problem})")
    elif browser:
        from autograder.release import release

        with tempfile.TemporaryDirectory(prefix="notebook-times-release-") as tmp:
            release(out=Path(tmp), source=source)
            in_lab = time_in_browser(aids, Path(tmp))
    return report(headless, in_lab)


if __name__ == "__main__":
    print(measure(browser="--no-browser" not in sys.argv))
