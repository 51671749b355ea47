"""The grading worker's preload lists name modules that exist (a renamed module would be
skipped silently there, and every notebook would pay for importing it)."""

from __future__ import annotations

import importlib.util

import pytest

from autograder.course import ROOT

WORKER = ROOT / "autograder" / "sandbox_shim" / "grading_worker.py"


def _worker():
    spec = importlib.util.spec_from_file_location("grading_worker_under_test", WORKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


worker = _worker()


@pytest.mark.parametrize("name", worker.PRELOAD + worker.OPTIONAL_PRELOAD)
def test_every_preloaded_module_exists(name):
    assert importlib.util.find_spec(name) is not None, name
