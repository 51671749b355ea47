"""The notebook timings of ``python -m autograder benchmark`` (:mod:`autograder.notebook_times`):
the kernel's CPU time read from ``/proc``, the headless run, the kernel found among the lab
server's processes, JupyterLab's time stamps, and the printout's verdicts."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import nbformat
import pytest

from autograder import notebook_times as nt


def _busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_process_cpu_seconds_counts_this_process_work():
    before = nt.process_cpu_seconds(os.getpid())
    _busy(0.3)
    assert 0.2 <= nt.process_cpu_seconds(os.getpid()) - before <= 2.0


def test_headless_run_times_every_cell_and_the_kernel_cpu(tmp_path):
    """A notebook that sleeps 1 s and computes for about 1 s: the wall time counts both, the
    kernel's CPU time only the computation; an error output is reported with its cell."""
    folder = tmp_path / "timed"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# timed"),
        nbformat.v4.new_code_cell("import time\ntime.sleep(1)"),
        nbformat.v4.new_code_cell(
            "end = time.process_time() + 1\nwhile time.process_time() < end:\n    pass"
        ),
        nbformat.v4.new_code_cell("1 / 0"),
    ]
    nbformat.write(nb, folder / "timed.ipynb")
    result = nt.time_headless("timed", tmp_path)
    assert [c.index for c in result.cells] == [1, 2, 3]
    sleep, busy, _ = result.cells
    assert sleep.seconds >= 1 and sleep.cpu < 0.5
    assert busy.cpu >= 0.9
    assert result.wall >= sleep.seconds + busy.seconds
    assert 0.9 <= result.cpu < result.wall
    assert result.errors == ["cell 3: ZeroDivisionError: division by zero"]
    assert result.slowest(1)[0].index in (1, 2)


def test_kernel_pid_is_found_by_its_id_among_the_servers_descendants():
    marker = "kernel-5f0c-test.json"
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)', "
            f"'{marker}'])\n"
            "print(child.pid, flush=True)\n"
            "time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    child = int(parent.stdout.readline())
    try:
        assert nt.kernel_pid(parent.pid, "5f0c-test") == child
        with pytest.raises(LookupError):
            nt.kernel_pid(parent.pid, "no-such-kernel")
    finally:
        os.kill(child, 9)  # the two processes this test started, by their ids
        parent.kill()
        parent.wait()


def test_execution_seconds_from_jupyterlab_time_stamps():
    timing = {
        "iopub.status.busy": "2026-01-05T10:00:00.000Z",
        "iopub.execute_input": "2026-01-05T10:00:00.250Z",
        "shell.execute_reply": "2026-01-05T10:00:03.750Z",
    }
    assert nt._seconds(timing) == pytest.approx(3.5)
    assert nt._seconds({"iopub.execute_input": "2026-01-05T10:00:00Z"}) is None
    assert nt._seconds(None) is None


def test_report_marks_each_figure_against_its_target():
    def run(where, wall, errors=(), unexecuted=0, aid="03_x"):
        cells = [nt.CellTime(7, wall / 2, None, "train()")]
        return nt.NotebookTime(aid, where, wall, wall / 2, 3.0, cells, list(errors), unexecuted)

    fast = nt.report([run("headless", 12.0)], [run("browser", 25.0)])
    row = next(line for line in fast.splitlines() if line.startswith("03_x"))
    assert row.split() == "03_x 12.0 s ok 6.0 s 3.0 25.0 s ok 12.5 s 3.0".split()
    slow = nt.report(
        [run("headless", 20.5), run("headless", 45.0, aid="05_y")],
        [run("browser", 30.5, ["cell 4: NameError: x"], unexecuted=2)],
    )
    assert slow.count("OVER") == 4  # 20.5 > 20, 45 > 20, 30.5 > 30, 65.5 > 60 in all
    assert "ERROR cell 4: NameError: x" in slow and "ERROR 2 code cells did not run" in slow
    assert "cell 7 22.5" in slow
    headless_only = nt.report([run("headless", 12.0)], None)
    assert "Run All" in headless_only.splitlines()[3]  # the header, no figures
    row = next(line for line in headless_only.splitlines() if line.startswith("03_x"))
    assert row.split()[-2:] == ["-", "-"]
