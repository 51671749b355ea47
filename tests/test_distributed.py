"""Grading on a real Dask cluster (``grade --scheduler``): a scheduler and worker processes
started here, the real sandbox on every worker, nbgrader's gradebook written by the grader.

Every expected grade comes from the local grader's run of the same hand-ins."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.samples import write_demo_submissions
from autograder.sandbox import sandbox_problem
from tests.course_outputs import functions, read_csv, result_files, write_hand_in
from tests.dask_cluster import start_cluster
from tests.grader_process import kill_after, start_grader

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(
        sandbox_problem() is not None, reason=f"sandbox unavailable: {sandbox_problem()}"
    ),
]

IDS = ["01_numpy_basics", "02_logistic_regression"]


@pytest.fixture(scope="module")
def submissions(tmp_path_factory, fresh_release) -> Path:
    """Ten hand-ins of 01 and 02: complete, half done, blank, and two more of 02 each."""
    folder = tmp_path_factory.mktemp("cluster_in")
    write_demo_submissions(folder, IDS)
    graded = functions(IDS[1])
    for k, solved in enumerate([graded[:2], graded[1:]]):
        write_hand_in(folder, f"extra{k}", solved, IDS[1], release=fresh_release)
    return folder


@pytest.fixture(scope="module")
def local(submissions, tmp_path_factory) -> Path:
    """The reference: the local grader, two workers."""
    out = tmp_path_factory.mktemp("local_out")
    assert main(["grade", str(submissions), "--out", str(out), "--workers", "2"]) == 0
    return out


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers, each its own process."""
    running = start_cluster(tmp_path_factory.mktemp("cluster"), workers=2)
    yield running
    running.stop()


def _cell_rows(out: Path) -> list[dict]:
    return sorted(
        read_csv(out / "cell_grades.csv"),
        key=lambda r: (r["student_id"], r["assignment"], r["grade_id"]),
    )


def _grade_rows(out: Path) -> list[dict]:
    rows = sorted(read_csv(out / "grades.csv"), key=lambda r: (r["student_id"], r["assignment"]))
    for row in rows:
        row.pop("feedback", None)  # a path under OUT
    return rows


def _gradebook(out: Path) -> dict:
    """(student, assignment) to score, and how many submissions the gradebook holds."""
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        scores, count = {}, 0
        for assignment in gb.assignments:
            for sub in gb.assignment_submissions(assignment.name):
                count += 1
                scores[sub.student.id, assignment.name] = sub.score
    return {"scores": scores, "submissions": count}


def _runs(address: str) -> int:
    """Hand-ins the cluster's grading plugins ran (all plugins, all workers)."""
    from distributed import Client

    def count(dask_worker) -> int:
        return sum(getattr(p, "runs", 0) for p in dask_worker.plugins.values())

    with Client(address, timeout=30) as client:
        return sum(client.run(count).values())


def _same_as_local(out: Path, local: Path) -> None:
    assert _cell_rows(out) == _cell_rows(local)
    assert _grade_rows(out) == _grade_rows(local)
    ours, theirs = _gradebook(out), _gradebook(local)
    assert ours == theirs
    assert ours["submissions"] == len(_grade_rows(local))  # one each: nothing counted twice


# ------------------------------------------------------------------------------------------
def test_cluster_grades_equal_local_grades(submissions, local, cluster, tmp_path):
    before = _runs(cluster.address)
    out = tmp_path / "out"
    assert main(["grade", str(submissions), "--out", str(out), "--scheduler", cluster.address]) == 0
    _same_as_local(out, local)
    # The notebooks ran on the cluster's workers, not in this process.
    assert _runs(cluster.address) - before == len(_grade_rows(local))
    page = out / "feedback" / "ada" / IDS[1] / f"{IDS[1]}.html"
    assert page.is_file()


def test_local_n_starts_a_local_cluster(submissions, local, tmp_path):
    out = tmp_path / "out"
    subs = tmp_path / "in"
    # 01 only (its three hand-ins), to keep the test short.
    for student in ("ada", "blaise", "carmen"):
        src = submissions / student / IDS[0]
        (subs / student / IDS[0]).mkdir(parents=True)
        (subs / student / IDS[0] / f"{IDS[0]}.ipynb").write_bytes(
            (src / f"{IDS[0]}.ipynb").read_bytes()
        )
    assert main(["grade", str(subs), "--out", str(out), "--scheduler", "local:2"]) == 0
    expected = [r for r in _cell_rows(local) if r["assignment"] == IDS[0]]
    assert _cell_rows(out) == expected


def test_killed_worker_and_killed_grader_lose_and_double_nothing(submissions, local, tmp_path):
    running = start_cluster(tmp_path / "cluster", workers=2)
    try:
        from distributed import Client

        out = tmp_path / "out"
        grader = start_grader(
            submissions, out, "--scheduler", running.address, stderr=subprocess.PIPE
        )
        # 1. A worker dies while it runs a hand-in: its hand-ins are graded elsewhere.
        killed = None
        with Client(running.address, timeout=30) as client:
            deadline = time.monotonic() + 300
            while killed is None and time.monotonic() < deadline:
                busy = [w for w, tasks in client.processing().items() if tasks]
                pids = client.run(os.getpid)
                for address in busy:
                    victim = next(p for p in running.workers if p.pid == pids.get(address))
                    victim.kill()
                    victim.wait()
                    killed = address
                    break
                time.sleep(0.1)
        assert killed is not None, "no hand-in ever ran on the cluster"
        # 2. The grader itself is killed after a few hand-ins were recorded.
        kill_after(grader, out, 3, seconds=600)
        done_before = len(result_files(out))
        assert 3 <= done_before < len(_grade_rows(local))
        # 3. The same command resumes with the surviving worker and finishes the batch.
        assert (
            main(["grade", str(submissions), "--out", str(out), "--scheduler", running.address])
            == 0
        )
        _same_as_local(out, local)
    finally:
        running.stop()


def test_an_unreachable_scheduler_is_a_clear_error(submissions, tmp_path, capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    status = main(["grade", str(submissions), "--out", str(tmp_path), "--scheduler", address])
    assert status == 2
    err = capsys.readouterr().err
    assert f"cannot reach the Dask scheduler at {address}" in err
    assert not (tmp_path / "gradebook.db").exists()


def test_a_worker_without_bubblewrap_refuses_jobs(submissions, local, tmp_path, capsys):
    running = start_cluster(tmp_path / "cluster", workers=0)
    try:
        empty = tmp_path / "no-bwrap"
        empty.mkdir()
        running.add_worker(env=dict(os.environ, PATH=str(empty)))
        subs = tmp_path / "in"
        src = submissions / "ada" / IDS[0]
        (subs / "ada" / IDS[0]).mkdir(parents=True)
        (subs / "ada" / IDS[0] / f"{IDS[0]}.ipynb").write_bytes(
            (src / f"{IDS[0]}.ipynb").read_bytes()
        )
        # Alone, it makes grading stop with the reason, before anything is graded.
        out = tmp_path / "out"
        status = main(["grade", str(subs), "--out", str(out), "--scheduler", running.address])
        err = capsys.readouterr().err
        assert status == 2
        assert "no Dask worker" in err and "bubblewrap (bwrap) is not installed" in err
        assert not result_files(out)
        # With a worker that can sandbox, the batch is graded there; the other is named.
        running.add_worker()
        status = main(["grade", str(subs), "--out", str(out), "--scheduler", running.address])
        err = capsys.readouterr().err
        assert status == 0
        assert "refuses grading jobs: bubblewrap (bwrap) is not installed" in err
        expected = [
            r for r in _cell_rows(local) if r["student_id"] == "ada" and r["assignment"] == IDS[0]
        ]
        assert _cell_rows(out) == expected
        assert "this worker refuses grading jobs: the sandbox cannot run" in running.log(0)
    finally:
        running.stop()
