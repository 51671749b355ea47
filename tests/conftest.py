"""Shared fixtures: the course's assignments and a freshly built student release."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.course import assignment_ids

ASSIGNMENTS = assignment_ids()


@pytest.fixture(scope="session")
def fresh_release(tmp_path_factory) -> Path:
    """The student release regenerated from ``source/`` into a temporary folder."""
    from autograder.release import release

    out = tmp_path_factory.mktemp("release")
    release(out=out)
    return out
