"""Shared fixtures: the course's assignments and a freshly built student release."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.course import assignment_ids

ASSIGNMENTS = assignment_ids()

# Kernels started by the tests use one BLAS thread, as graded kernels do: on the course's small
# matrices more threads only fight over the two cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def fresh_release(tmp_path_factory) -> Path:
    """The student release regenerated from ``source/`` into a temporary folder."""
    from autograder.release import release

    out = tmp_path_factory.mktemp("release")
    release(out=out)
    return out
