"""PostgreSQL for real (issue 12, deliver 5): a real server (tests/postgres_server.py) as the
gradebook of grading, of a resumed run and of two graders running at once."""

from __future__ import annotations

import os
import subprocess
import sys

from autograder.cli import main
from autograder.course import ROOT
from tests.course_outputs import (
    AID,
    assert_one_truth,
    expected_score,
    functions,
    grades,
    nbgrader_export,
    write_hand_in,
)
from tests.postgres_server import postgres  # noqa: F401 (the fixture)


def test_grading_and_resume_on_postgres(postgres, tmp_path):  # noqa: F811
    db = postgres.database()
    subs, out = tmp_path / "in", tmp_path / "out"
    every = functions()
    plan = {"ada": every, "blaise": every[::2], "carmen": []}
    for student, solved in plan.items():
        write_hand_in(subs, student, solved)
    command = ["grade", str(subs), "--out", str(out), "--db", db, "--unsafe", "--workers", "2"]
    assert main(command) == 0
    rows = grades(out)
    assert {k[0]: float(v["score"]) for k, v in rows.items()} == {
        s: expected_score(solved) for s, solved in plan.items()
    }
    assert not (out / "gradebook.db").exists()
    assert_one_truth(out, tmp_path, db)

    results = sorted((out / "nbgrader" / "results").rglob("*.json"))
    stamps = [p.stat().st_mtime_ns for p in results]
    assert main(command) == 0
    assert [p.stat().st_mtime_ns for p in results] == stamps  # nothing graded twice
    assert grades(out) == rows


def test_two_graders_at_once_share_one_gradebook(postgres, tmp_path):  # noqa: F811
    db = postgres.database()
    every = functions()
    plans = {
        "a": {"ada": every, "alan": every[:2]},
        "b": {"blaise": every[::2], "bea": [every[0], every[3]]},
    }
    processes = []
    for name, plan in plans.items():
        for student, solved in plan.items():
            write_hand_in(tmp_path / f"in_{name}", student, solved)
        command = [
            *(sys.executable, "-m", "autograder", "grade", str(tmp_path / f"in_{name}")),
            *("--out", str(tmp_path / f"out_{name}"), "--db", db, "--unsafe", "--workers", "1"),
        ]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        processes.append(
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        )
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err.decode()[-2000:]
    expected = {s: expected_score(p) for plan in plans.values() for s, p in plan.items()}
    exported = nbgrader_export(db, tmp_path)
    assert {k[0]: float(v["score"]) for k, v in exported.items() if k[1] == AID} == expected
    # Either grader, run again, reports the whole gradebook, the other's students included.
    assert (
        main(
            [
                "grade",
                str(tmp_path / "in_a"),
                "--out",
                str(tmp_path / "out_a"),
                "--db",
                db,
                "--unsafe",
            ]
        )
        == 0
    )
    rows = grades(tmp_path / "out_a")
    assert {k[0]: float(v["score"]) for k, v in rows.items()} == expected
