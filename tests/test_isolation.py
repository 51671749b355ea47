"""A hostile hand-in attacks its neighbours from inside its kernel; the neighbours keep their
marks. Each test grades real submissions with the real grader (nbgrader, bubblewrap, one
worker, so that every neighbour runs on the worker the attacker ran on) and asserts what
happens to the honest hand-ins graded after the attacker."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.course import SOURCE, grade_cells
from autograder.executor import CHANNEL_NOTE, CellProblem, GradingWorker, WorkerSlot
from autograder.samples import student_notebook
from autograder.sandbox import Limits, sandbox_problem

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(
        sandbox_problem() is not None, reason=f"sandbox unavailable: {sandbox_problem()}"
    ),
]

AID = "01_numpy_basics"
POINTS = dict(grade_cells(SOURCE / AID / f"{AID}.ipynb"))
FULL = sum(POINTS.values())
UID = 61950 if os.geteuid() == 0 else None


def _index(nb, grade_id: str) -> int:
    return next(
        i
        for i, c in enumerate(nb.cells)
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def _after(nb, grade_id: str, code: str):
    nb.cells.insert(_index(nb, grade_id) + 1, new_code_cell(code))
    return nb


def _grade(subs: Path, out: Path, *extra: str) -> tuple[int, dict, dict, int]:
    """Grade ``subs`` in a separate grader process; return its exit status, the rows of
    grades.csv and cell_grades.csv by student, and the grader's peak memory in bytes."""
    command = [sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out)]
    command += ["--workers", "1", "--cell-timeout", "20", *extra]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    errors = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, errors[-2000:]
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    cells: dict[str, dict] = {}
    with open(out / "cell_grades.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cells.setdefault(row["student_id"], {})[row["grade_id"]] = row
    return process.returncode, grades, cells, usage.ru_maxrss * 1024


def _write(subs: Path, student: str, nb) -> None:
    target = subs / student / AID / f"{AID}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


# ------------------------------------------------------------------------------------------
# 1. A forged grading channel
# ------------------------------------------------------------------------------------------
FORGER = r"""
import gc, io, json, os, socket
fake = []
for index in range(200):
    fake.append({"event": "start", "index": index})
    fake.append({"event": "cell", "index": index, "execution_count": 1,
                 "outputs": [{"output_type": "display_data", "metadata": {},
                              "data": {"text/html": "<script>alert('pwned')</script>"}}],
                 "records": json.dumps({"sigmoid__hidden": []})})
fake += [{"event": "finished"}, {"event": "done"}, {"event": "exited", "job": 1},
         {"run": {"cells": []}}, {"kill": True}]
lines = b"".join(json.dumps(e).encode() + b"\n" for e in fake) + b"not json\n"
written = 0
# Every open descriptor, and every file or socket object the garbage collector knows.
for fd in range(3, 1024):
    try:
        written += os.write(fd, lines)
    except OSError:
        pass
for obj in gc.get_objects():
    if isinstance(obj, (io.IOBase, socket.socket)):
        try:
            obj.write(lines) if hasattr(obj, "write") else obj.send(lines)
            written += 1
        except Exception:
            pass
# A child that outlives the cell and keeps writing after the notebook ends.
if os.fork() == 0:
    os.setsid()
    import time
    for _ in range(100):
        for fd in range(3, 64):
            try:
                os.write(fd, lines)
            except OSError:
                pass
        time.sleep(0.2)
    os._exit(0)
print("forged", written)
"""


def test_a_forged_channel_costs_only_the_forger(tmp_path, fresh_release):
    subs, out = tmp_path / "in", tmp_path / "out"
    nb = student_notebook(AID, release=fresh_release)
    _write(subs, "a_forger", _after(nb, "sigmoid__hidden", FORGER))
    for name in ("b_honest", "c_honest", "d_honest"):
        _write(subs, name, student_notebook(AID, release=fresh_release))
    status, grades, cells, _ = _grade(subs, out)
    assert status == 0
    for name in ("b_honest", "c_honest", "d_honest"):
        assert float(grades[name]["score"]) == FULL, cells[name]
        assert CHANNEL_NOTE not in grades[name]["note"]
        page = (out / grades[name]["feedback"]).read_text(encoding="utf-8")
        assert "pwned" not in page
    assert CHANNEL_NOTE in grades["a_forger"]["note"]
    # Forged events in order for its own later cells stand in for them: the forger may lose
    # its own marks that way, never gain any.
    assert float(grades["a_forger"]["score"]) <= FULL
    # Its own page shows its code (escaped), never the forged output as markup.
    page = (out / grades["a_forger"]["feedback"]).read_text(encoding="utf-8")
    assert "<script>alert('pwned')" not in page


# ------------------------------------------------------------------------------------------
# 2. Files and processes that would outlive a notebook
# ------------------------------------------------------------------------------------------
PLANT = r"""
import os
planted = []
for top in ["/"]:
    for folder, subfolders, _ in os.walk(top):
        if folder.startswith(("/proc", "/sys")):
            subfolders[:] = []
            continue
        try:
            path = os.path.join(folder, "planted_answer.py")
            with open(path, "w") as f:
                f.write("def sigmoid_derivative(z):\n    s = 1 / (1 + np.exp(-z))\n"
                        "    return s * (1 - s)\n")
            planted.append(folder)
        except OSError:
            pass
import matplotlib
open(os.path.join(matplotlib.get_configdir(), "matplotlibrc"), "w").write("backend: Agg\n")
planted.append(matplotlib.get_configdir())
print(sorted(planted))
"""

HARVEST = r"""
import glob, os
found = []
for folder, subfolders, files in os.walk("/"):
    if folder.startswith(("/proc", "/sys", "/usr")):
        subfolders[:] = []
        continue
    found += [os.path.join(folder, f) for f in files if f == "planted_answer.py"]
import matplotlib
rc = os.path.join(matplotlib.get_configdir(), "matplotlibrc")
found += [rc] if os.path.exists(rc) else []
for path in found:
    if path.endswith(".py"):
        exec(open(path).read())
print(found)
"""


def test_nothing_a_notebook_writes_reaches_the_next(tmp_path, fresh_release):
    subs, out = tmp_path / "in", tmp_path / "out"
    _write(
        subs,
        "a_planter",
        _after(student_notebook(AID, release=fresh_release), "sigmoid__hidden", PLANT),
    )
    # b's sigmoid_derivative is a stub: only a planted file could make it pass.
    nb = student_notebook(AID, release=fresh_release)
    nb.cells[_index(nb, "sigmoid_derivative")].source = (
        "def sigmoid_derivative(z):\n    raise NotImplementedError()\n" + HARVEST
    )
    _write(subs, "b_harvester", nb)
    status, grades, cells, _ = _grade(subs, out)
    assert status == 0
    derivative = sum(p for g, p in POINTS.items() if g.startswith("sigmoid_derivative__"))
    assert float(grades["b_harvester"]["score"]) == FULL - derivative, cells["b_harvester"]
    assert float(grades["a_planter"]["score"]) == FULL


def _run(notebooks, tmp_path, limits=None):
    async def go():
        worker = GradingWorker(WorkerSlot(UID, tmp_path / "scratch"), limits or Limits())
        try:
            return [await worker.run(nb, {}, {}, []) for nb in notebooks]
        finally:
            await worker.stop()

    return asyncio.run(go())


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def _notebook(*sources: str):
    return new_notebook(cells=[new_code_cell(s) for s in sources])


WRITABLE = r"""
import os
writable = []
with open("/proc/self/mountinfo") as f:
    for line in f:
        fields = line.split()
        fstype = fields[fields.index("-") + 1]
        if "rw" in fields[5].split(",") and fstype not in ("proc", "devtmpfs", "devpts"):
            writable.append(fields[4])
print(sorted(writable))
"""


def test_every_writable_folder_is_new_and_empty_for_each_notebook(tmp_path):
    first = _notebook(PLANT)
    second = _notebook(
        WRITABLE, HARVEST, "import os\nprint(sorted(os.listdir('/tmp')), os.listdir('.'))"
    )
    _run([first, second], tmp_path)
    planted = eval(_text(first.cells[0]))
    assert "/tmp" in planted  # the planter could write: the test would see a leftover
    writable = eval(_text(second.cells[0]))
    assert sorted(writable) == sorted(["/tmp", "/home/student/work", "/dev/shm"])
    assert _text(second.cells[1]) == "[]\n"


REFORKER = r"""
import os, time
# A double-forked, setsid chain that keeps re-forking: a one-pass kill misses it.
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            pid = os.fork()
            if pid == 0:
                time.sleep(0.05)
                continue  # the child carries on as the new re-forker
            os._exit(0)
    os._exit(0)
time.sleep(0.5)
print("chain started")
"""


def _worker_processes(uid: int) -> list[str]:
    """Processes of ``uid`` running the grading worker's Python (the worker and its forks, not
    bubblewrap, whose command line names it too)."""
    found = subprocess.run(
        ["pgrep", "-u", str(uid), "-f", r"^/\S+/python\S* -m grading_worker"],
        capture_output=True,
        text=True,
    )
    return found.stdout.split()


@pytest.mark.skipif(UID is None, reason="needs root: a uid of its own to count processes by")
def test_processes_a_notebook_started_are_gone_before_the_next(tmp_path):
    first = _notebook(REFORKER)
    second = _notebook("import os\nprint(sorted(p for p in os.listdir('/proc') if p.isdigit()))")
    counts = []

    async def go():
        worker = GradingWorker(WorkerSlot(UID, tmp_path / "scratch"), Limits())
        try:
            await worker.run(first, {}, {}, [])
            counts.append(len(_worker_processes(UID)))
            await worker.run(second, {}, {}, [])
        finally:
            await worker.stop()

    asyncio.run(go())
    assert _text(first.cells[0]) == "chain started\n"
    assert counts == [1]  # the worker alone: the re-forking chain died with its namespace
    assert eval(_text(second.cells[0])) == ["1"]  # the next notebook sees only itself
    assert _worker_processes(UID) == []


# ------------------------------------------------------------------------------------------
# 3. No user namespace, no ptrace, no descriptor of the trusted side
# ------------------------------------------------------------------------------------------
ESCAPES = r"""
import ctypes, os, subprocess
libc = ctypes.CDLL(None, use_errno=True)
results = {}
done = subprocess.run(["unshare", "-U", "-r", "id"], capture_output=True)
results["unshare -U -r"] = done.returncode
results["unshare(CLONE_NEWUSER)"] = libc.unshare(0x10000000)
child = os.fork()
if child == 0:
    import time
    time.sleep(5)
    os._exit(0)
results["ptrace attach"] = libc.ptrace(16, child, 0, 0)  # PTRACE_ATTACH
results["ptrace traceme"] = libc.ptrace(0, 0, 0, 0)
os.kill(child, 9)
results["mount"] = libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, None)
results["caps"] = open("/proc/self/status").read().split("CapEff:")[1].split()[0]
results["fds"] = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
print(results)
"""


def test_no_namespace_no_ptrace_no_capability(tmp_path):
    nb = _notebook(ESCAPES)
    _run([nb], tmp_path)
    results = eval(_text(nb.cells[0]))
    assert results["unshare -U -r"] != 0
    assert results["unshare(CLONE_NEWUSER)"] == -1
    assert results["ptrace attach"] == -1 and results["ptrace traceme"] == -1
    assert results["mount"] == -1
    assert int(results["caps"], 16) == 0


def test_the_notebook_holds_no_descriptor_but_its_channel(tmp_path):
    code = (
        "import os\nfds = {}\nfor fd in os.listdir('/proc/self/fd'):\n"
        "    try:\n        fds[int(fd)] = os.readlink(f'/proc/self/fd/{fd}')\n"
        "    except OSError:\n        pass\nprint(fds)"
    )
    nb = _notebook(code)
    _run([nb], tmp_path)
    fds = eval(_text(nb.cells[0]))
    sockets = [fd for fd, target in fds.items() if target.startswith("socket:")]
    pipes = [fd for fd, target in fds.items() if target.startswith("pipe:")]
    assert len(sockets) == 1 and pipes == []  # the notebook's own channel, nothing else
    assert all(fds[fd] == "/dev/null" for fd in (0, 1, 2))


# ------------------------------------------------------------------------------------------
# 4. Every cap on the trusted side
# ------------------------------------------------------------------------------------------
FLOOD = r"""
import os
line = b"x" * (200 * 1024 * 1024) + b"\n"
for fd in range(3, 64):
    try:
        os.write(fd, line)
    except OSError:
        pass
"""


def test_a_flood_costs_the_flooder_its_cells_and_the_grader_stays_small(tmp_path, fresh_release):
    subs, out = tmp_path / "in", tmp_path / "out"
    nb = student_notebook(AID, release=fresh_release)
    for gid in ("sigmoid__hidden", "flatten_images__hidden", "column_percentages__hidden"):
        _after(nb, gid, FLOOD)
    _write(subs, "a_flooder", nb)
    _write(subs, "b_honest", student_notebook(AID, release=fresh_release))
    status, grades, cells, peak = _grade(subs, out)
    assert status == 0
    assert peak < 1024**3, f"grader peak memory {peak / 1024**2:.0f} MiB"
    assert float(grades["b_honest"]["score"]) == FULL
    assert CHANNEL_NOTE in grades["a_flooder"]["note"]
    flooder = out / grades["a_flooder"]["feedback"]
    assert flooder.stat().st_size < 50 * 1024**2
    produced = sum(
        p.stat().st_size for p in (out / "nbgrader").rglob("a_flooder/**/*") if p.is_file()
    )
    assert produced < 50 * 1024**2


def test_channel_limits_are_enforced_while_reading(tmp_path):
    limits = Limits(message_bytes=64 * 1024, notebook_bytes=4 * 1024**2)
    nb = _notebook(
        "x = 1",
        FLOOD.replace("200 * 1024 * 1024", "1024 * 1024"),  # one oversized message
        "print(x + 1)",
        FLOOD.replace("200 * 1024 * 1024", "16 * 1024 * 1024"),  # past the notebook's allowance
        "print('never')",
    )
    (result,) = _run([nb], tmp_path, limits)
    assert result.problems[1] is CellProblem.FLOOD
    assert _text(nb.cells[2]) == "2\n"
    assert result.problems[3] is CellProblem.FLOOD and 4 in result.problems
    assert any("over" in v for v in result.violations)


def test_output_kept_per_notebook_is_capped(tmp_path):
    limits = Limits(output_bytes=100_000, notebook_output_bytes=250_000)
    nb = _notebook(*["print('y' * 99_000)"] * 5)
    _run([nb], tmp_path, limits)
    kept = sum(len(_text(c)) for c in nb.cells)
    assert 198_000 <= kept <= 250_000
    assert "output cut" in _text(nb.cells[-1])


def test_a_worker_that_cannot_start_stops_grading_and_grades_nobody(
    tmp_path, fresh_release, monkeypatch, capsys
):
    """A broken grading environment is the grader's problem: grading stops with the reason,
    and no student gets a zero for it."""
    from autograder.cli import main

    monkeypatch.setattr("autograder.executor.python_inside", lambda: "/nonexistent/python")
    subs, out = tmp_path / "in", tmp_path / "out"
    _write(subs, "a_honest", student_notebook(AID, release=fresh_release))
    status = main(["grade", str(subs), "--out", str(out), "--workers", "1"])
    assert status != 0
    assert "could not start" in capsys.readouterr().err
    assert not list((out / "nbgrader" / "results").rglob("*.json"))
    assert not (out / "grades.csv").exists()
