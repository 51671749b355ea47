"""Shared fixtures: the course's assignments and a freshly built student release."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from autograder.course import assignment_ids

ASSIGNMENTS = assignment_ids()

#: Test modules that grade in the sandbox, and those that drive a browser: both start kernels.
_SANDBOX = {
    "test_distributed",
    "test_exploration",
    "test_feedback_figures",
    "test_grading",
    "test_grading_fair",
    "test_grading_hostile",
    "test_grading_parallel",
    "test_isolation",
    "test_isolation_cluster",
    "test_sandbox",
    "test_feedback_offline_browser",
}
_BROWSER = {
    "test_explorer_browser",
    "test_explorer_layout_browser",
    "test_feedback_offline_browser",
    "test_formgrader_browser",
    "test_notebook_times_browser",
    "test_student_mode_browser",
}
#: What each test module needs beyond Python, as pytest markers (one table, so that the fast
#: subset for the inner loop, ``pytest -m "not kernel and not sandbox and not browser and not
#: slow"``, stays right as modules are added). ``sandbox`` tests also skip, with the reason,
#: where bubblewrap cannot run; ``browser`` tests where Chromium is missing.
NEEDS = {
    "kernel": {
        "test_bundle",
        "test_class_report",
        "test_course_out_config",
        "test_deadlines",
        "test_explorer",
        "test_failure_messages",
        "test_feedback_summary",
        "test_lms",
        "test_notebook_times",
        "test_notebooks",
        "test_one_truth",
        "test_postgres",
        "test_safe_feedback",
        "test_sharing",
        "test_exchange_users",
    }
    | _SANDBOX
    | _BROWSER,
    "sandbox": _SANDBOX,
    "browser": _BROWSER,
    # Run a second time in CI, as the unprivileged user course-test: where root and an ordinary
    # user take different paths (bubblewrap as root drops to a uid per worker first; an ordinary
    # user's sandbox has only user namespaces) and so could pass as one and fail as the other.
    # The isolation tests grade batches through the grader, so grading as that user is covered.
    "unprivileged": {
        "test_isolation",
        "test_sandbox",
        "test_submissions_links",
    },
    "slow": {
        "test_bundle",
        "test_distributed",
        "test_grading_hostile",
        "test_isolation_cluster",
        "test_postgres",
        "test_exchange_users",
        "test_formgrader_browser",
        "test_notebook_times_browser",
    },
}


#: The name of the test property (``record_property``) whose values are printed at the end of
#: the run: the figures of ``tests/test_notebook_times_browser.py``.
REPORTED = "notebook_time"


def pytest_collection_modifyitems(config, items):
    """Mark every test with what its module needs (see :data:`NEEDS`), and skip, with the
    reason, what this machine cannot run."""
    from autograder.sandbox import sandbox_problem

    missing = {
        "sandbox": sandbox_problem(),
        "browser": None if Path("/usr/bin/chromium").exists() else "/usr/bin/chromium not found",
    }
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        for marker, modules in NEEDS.items():
            if module in modules:
                item.add_marker(getattr(pytest.mark, marker))
                if missing.get(marker):
                    item.add_marker(pytest.mark.skip(reason=f"{marker}: {missing[marker]}"))


def pytest_terminal_summary(terminalreporter):
    lines = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == REPORTED
    ]
    if lines:
        terminalreporter.section("notebook times")
        for line in lines:
            terminalreporter.write_line(line)


# Kernels started by the tests use one BLAS thread, as graded kernels do: on the course's small
# matrices more threads only fight over the two cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@pytest.fixture(scope="module")
def explorer_lab(tmp_path_factory):
    """JupyterLab serving a copy of the explorer's demo notebook as ``demo.ipynb``, and a page
    of headless Chromium: ``(server, page)``, one pair per test module."""
    from autograder.explorer_benchmark import LabServer, browser
    from tests.explorer_page import DEMO

    root = tmp_path_factory.mktemp("lab")
    shutil.copy(DEMO, root / "demo.ipynb")
    with LabServer(root) as server, browser() as page:
        yield server, page


@pytest.fixture(scope="session")
def fresh_release(tmp_path_factory) -> Path:
    """The student release regenerated from ``source/`` into a temporary folder."""
    from autograder.release import release

    out = tmp_path_factory.mktemp("release")
    release(out=out)
    return out
