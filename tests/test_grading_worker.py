"""The grading worker's preload lists name modules that exist (a renamed module would be
skipped silently there, and every notebook would pay for importing it)."""

from __future__ import annotations

import importlib.util
import runpy

import pytest

from autograder.course import ROOT

#: The worker's globals; it serves only when run as a script.
worker = runpy.run_path(str(ROOT / "autograder" / "sandbox_shim" / "grading_worker.py"))


#: First on the worker's path: the shim's own modules (``grading_figures``...).
SHIM = ROOT / "autograder" / "sandbox_shim"


@pytest.mark.parametrize("name", worker["PRELOAD"] + worker["OPTIONAL_PRELOAD"])
def test_every_preloaded_module_exists(name):
    in_shim = "." not in name and (SHIM / f"{name}.py").is_file()
    assert in_shim or importlib.util.find_spec(name) is not None, name
