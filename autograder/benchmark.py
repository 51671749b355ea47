"""Grading speed, measured against plain nbgrader on the same files in the same run.

``python -m autograder benchmark`` builds a batch of hand-ins (for every assignment: complete,
one function left unanswered, and blank), then times

1. this grader (sandbox on, ``--workers`` kernels at once, feedback included);
2. plain ``nbgrader generate_assignment`` + ``nbgrader autograde`` on copies of the same files
   (one process, nbgrader's own kernels, hidden checks run inside the student's kernel);
3. the pure compute of the graded notebooks: every code cell of every hand-in as it is graded
   (grade cells restored, so the visible and hidden checks that call the student's functions
   run too) executed in plain Python processes, as many at once as the grader has workers,
   with no kernel, no sandbox and no nbgrader; figures are drawn at the end of each cell as
   grading draws them (``sandbox_shim/grading_figures.py``), and each hidden check runs the
   student's function on the inputs the grader draws for that hand-in.

It prints the three wall times and two ratios: this grader against plain nbgrader (target at
most 0.5 on 2 cores) and against the pure compute (target at most 1.3). The speed of a shared
machine drifts by more than 10 % within minutes, so the grader and the pure compute are timed
``--repeat`` times (3), each grading followed by its pure compute, and the figures are the
medians: of each time, and of the ratio of each grading to the pure compute timed next to it.
Plain nbgrader (minutes) runs once.

Before that it prints how long each notebook takes as a student runs it
(:mod:`autograder.notebook_times`): the instructor notebook run top to bottom headless (target
20 s on 2 cores) and the solved release run with Run All in a student-mode JupyterLab in
headless Chromium (target 30 s), wall time and the kernel's CPU time, with the load average.
``--only notebooks`` or ``--only grading`` runs one part; ``--no-browser`` skips JupyterLab.
Figures only: it asserts nothing, so a noisy machine never fails a build.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.cli import grade_command
from autograder.course import ROOT, SOURCE, assignment_ids
from autograder.exploration import exploration_sources
from autograder.judging import case_seed, draw_cases, encode_cases, plan_grade_cells
from autograder.samples import solution_cells, student_notebook

#: Where the sandbox's modules are: the pure compute draws figures with grading's backend.
SHIM = ROOT / "autograder" / "sandbox_shim"


def build_batch(folder: Path, release: Path, minimum: int = 40) -> list[Path]:
    """Write at least ``minimum`` hand-ins across all assignments under ``folder``."""
    ids = assignment_ids()
    repeats = max(1, math.ceil(minimum / (3 * len(ids))))
    written = []
    for aid in ids:
        functions = list(solution_cells(SOURCE / aid / f"{aid}.ipynb"))
        kinds = {
            "correct": functions,
            "buggy": [f for f in functions if f != functions[len(functions) // 2]],
            "blank": [],
        }
        for kind, solved in kinds.items():
            nb = student_notebook(aid, solved, release=release)
            for k in range(repeats):
                target = folder / f"{kind}-{k}" / aid / f"{aid}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, target)
                written.append(target)
    return written


def time_this_grader(submissions: Path, out: Path, workers: int) -> float:
    """Wall time of ``python -m autograder grade`` on the batch (a fresh process)."""
    start = time.perf_counter()
    subprocess.run(
        grade_command(submissions, out, "--workers", str(workers)),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def support_files(folder: Path) -> list[Path]:
    """The files a release folder gives beside its notebook."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".ipynb")


PLAIN_CONFIG = """\
from autograder.course import nbgrader_config
c = get_config()
c.merge(nbgrader_config({root!r}, "release", "sqlite:///{root}/gradebook.db"))
"""


def time_plain_nbgrader(submissions: Path, course: Path, release: Path) -> float:
    """Wall time of plain nbgrader (generate_assignment, then autograde) on the batch."""
    course.mkdir(parents=True)
    (course / "source").symlink_to(SOURCE, target_is_directory=True)
    shutil.copytree(submissions, course / "submitted")
    # nbgrader's submit hands in the whole fetched folder: the support modules of the release
    # (autograder.support_modules, not in source/, so nbgrader cannot put them back) with it.
    for folder in (course / "submitted").glob("*/*"):
        for path in support_files(release / folder.name):
            shutil.copy(path, folder / path.name)
    (course / "nbgrader_config.py").write_text(PLAIN_CONFIG.format(root=str(course)))
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    ids = sorted({p.name for p in (course / "submitted").glob("*/*")})
    start = time.perf_counter()
    for aid in ids:
        for command in (["generate_assignment", aid, "--force"], ["autograde", aid, "--force"]):
            subprocess.run(
                [sys.executable, "-m", "nbgrader", *command],
                cwd=course,
                env=env,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
    return time.perf_counter() - start


COMPUTE_SCRIPT = r"""
import json, os, sys, tempfile, time, contextlib, io
import matplotlib
# Figures are drawn as grading draws them (PNG at the end of each cell), as Jupyter would.
sys.path.insert(0, sys.argv[1])
matplotlib.use("module://grading_figures")
import grading_figures
import nbformat
import shutil
jobs = json.load(sys.stdin)
total, errors = 0.0, []
def normal(source):
    return "\n".join(x.rstrip() for x in source.replace("\r\n", "\n").split("\n")).strip()
for path, support, skipped, cases in jobs:
    skipped = set(skipped)
    os.environ["AUTOGRADER_CASES"] = cases  # the hidden checks' inputs, as grading gives them
    nb = nbformat.read(path, as_version=4)
    namespace = {"__name__": "__main__"}
    with tempfile.TemporaryDirectory() as work:
        for name in os.listdir(support):
            if not name.endswith(".ipynb"):
                shutil.copy(os.path.join(support, name), work)
        sys.path.insert(0, work)
        os.chdir(work)
        start = time.perf_counter()
        for cell in nb.cells:
            if cell.cell_type != "code" or normal(cell.source) in skipped:
                continue  # the grader does not run exploration cells either
            lines = cell.source.splitlines()
            code = "\n".join(x for x in lines if not x.lstrip().startswith(("%", "!")))
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(code, "<cell>", "exec"), namespace)
            except BaseException as err:  # a cell that raises is timed as it ran, and told
                errors.append([path, nb.cells.index(cell), f"{type(err).__name__}: {err}"[:200]])
            grading_figures.flush()
        total += time.perf_counter() - start
        sys.path.remove(work)
        for name in [m for m, mod in sys.modules.items()
                     if getattr(mod, "__file__", None) and mod.__file__.startswith(work)]:
            del sys.modules[name]
        import matplotlib.pyplot as plt
        plt.close("all")
print(json.dumps({"seconds": total, "errors": errors}))
"""


def hidden_inputs(notebooks: list[Path], folder: Path) -> dict[Path, Path]:
    """For each graded notebook (``.../<student>/<assignment>/<assignment>.ipynb``), a folder
    under ``folder`` with the inputs of its hidden checks, drawn as the grader draws them for
    that student: the pure compute runs the student's functions on them, as grading does."""
    plans, found = {}, {}
    for path in notebooks:
        sid, aid = path.parent.parent.name, path.parent.name
        if aid not in plans:
            plans[aid] = plan_grade_cells(SOURCE / aid / f"{aid}.ipynb")
        target = folder / sid / aid
        target.mkdir(parents=True, exist_ok=True)
        drawn = draw_cases(plans[aid], case_seed(sid, aid))
        for name, text in encode_cases(plans[aid], drawn).items():
            (target / name).write_text(text, encoding="utf-8")
        found[path] = target
    return found


def time_pure_compute(
    notebooks: list[Path], release: Path, workers: int = 1, errors: list | None = None
) -> tuple[float, float]:
    """The notebooks' code cells executed with the grader's parallelism: ``workers`` plain
    Python processes at once (no kernel, no sandbox, no grading), each given every
    ``workers``-th notebook, as the grader's workers share a batch; each beside the files of
    its assignment's folder in ``release``.

    Returns
    -------
    parallel : float
        Seconds until the last process had run its notebooks (the compute's wall time with
        ``workers`` at once, start-up of the processes excluded).
    total : float
        Seconds of compute summed over the processes (the same work in one process).
    """
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    # Each notebook runs beside its assignment's support files, and without the exploration
    # cells of its source notebook, as it does when graded.
    skipped = {
        aid: sorted(exploration_sources(nbformat.read(SOURCE / aid / f"{aid}.ipynb", 4)))
        for aid in {p.parent.name for p in notebooks}
    }
    with tempfile.TemporaryDirectory(prefix="benchmark-cases-") as folder:
        cases = hidden_inputs(notebooks, Path(folder))
        jobs = [
            (str(p), str(release / p.parent.name), skipped[p.parent.name], str(cases[p]))
            for p in notebooks
        ]
        shards = [jobs[i::workers] for i in range(max(1, workers))]
        # The jobs go on stdin: a large batch's list is longer than a command line may be.
        processes = [
            (
                subprocess.Popen(
                    [sys.executable, "-c", COMPUTE_SCRIPT, str(SHIM)],
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                    cwd=ROOT,
                ),
                json.dumps(shard),
            )
            for shard in shards
            if shard
        ]
        for process, shard in processes:  # all started before any is waited for
            process.stdin.write(shard)
            process.stdin.close()
        reports = [json.loads(p.stdout.read().strip().splitlines()[-1]) for p, _ in processes]
        for process, _ in processes:
            process.wait()
    if errors is not None:  # (notebook, cell index, exception) of every cell that raised
        errors.extend(tuple(e) for r in reports for e in r["errors"])
    seconds = [r["seconds"] for r in reports]
    return max(seconds), sum(seconds)


def medians(runs: list[tuple[float, float]]) -> tuple[float, float, float]:
    """The median grading time, pure compute time and ratio of ``runs``, each a pair (this
    grader's wall time, the pure compute's time measured right after it)."""
    if not runs:
        raise ValueError("no run to summarise")
    return (
        statistics.median(ours for ours, _ in runs),
        statistics.median(compute for _, compute in runs),
        statistics.median(ours / compute for ours, compute in runs),
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if any(a == "--scheduler" or a.startswith("--scheduler=") for a in argv):
        from autograder.cluster_benchmark import main as on_cluster  # against a Dask cluster

        return on_cluster(argv)
    parser = argparse.ArgumentParser(prog="python -m autograder benchmark", description=__doc__)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--minimum", type=int, default=40, help="hand-ins in the batch (40)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="gradings and pure computes timed, in pairs (3)"
    )
    parser.add_argument(
        "--only",
        choices=["notebooks", "grading"],
        help="time only the notebooks as students run them, or only grading",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="time the notebooks headless only"
    )
    args = parser.parse_args(argv)

    if args.only != "grading":
        from autograder.notebook_times import measure

        print(measure(browser=not args.no_browser), flush=True)
        if args.only == "notebooks":
            return 0

    from autograder.release import release

    with tempfile.TemporaryDirectory(prefix="grading-benchmark-") as tmp:
        tmp = Path(tmp)
        release(out=tmp / "release")
        notebooks = build_batch(tmp / "submitted", tmp / "release", args.minimum)
        students = len({p.parent.parent.name for p in notebooks})
        print(
            f"batch: {len(notebooks)} hand-ins, {len(assignment_ids())} assignments, "
            f"{students} students (complete, one function missing, blank)",
            flush=True,
        )
        runs = []
        for k in range(max(1, args.repeat)):
            out = tmp / f"ours-{k}"
            ours = time_this_grader(tmp / "submitted", out, args.workers)
            graded = sorted((out / "nbgrader" / "submitted").glob("*/*/*.ipynb"))
            compute, serial = time_pure_compute(graded, tmp / "release", args.workers)
            runs.append((ours, compute))
            print(
                f"run {k + 1}: this grader ({args.workers} workers, sandbox on) {ours:.1f} s, "
                f"pure compute ({args.workers} processes at once) {compute:.1f} s "
                f"(one process: {serial:.1f} s), ratio {ours / compute:.2f}",
                flush=True,
            )
        ours, compute, ratio = medians(runs)
        plain = time_plain_nbgrader(tmp / "submitted", tmp / "plain", tmp / "release")
        print(f"this grader, median of {len(runs)}:              {ours:8.1f} s")
        print(f"plain nbgrader autograde:                  {plain:8.1f} s")
        print(f"pure compute, median of {len(runs)}:             {compute:8.1f} s")
        print(f"ratio to plain nbgrader (target <= 0.5):   {ours / plain:8.2f}")
        print(f"ratio to parallel pure compute (<= 1.3):   {ratio:8.2f} (median of the runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
