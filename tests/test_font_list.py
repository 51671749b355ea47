"""matplotlib's font list for the sandbox: built once per Python environment into the user's
cache folder, whole or not at all, and found there by the next run."""

from __future__ import annotations

import json
import subprocess
import sys

from autograder import sandbox
from autograder.sandbox import build_font_list, font_list_folder


def test_the_list_is_built_once_into_the_users_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = font_list_folder(fallback=tmp_path / "fallback")
    assert folder.parent == tmp_path / "cache" / "course-autograder"
    assert font_list_folder(fallback=tmp_path / "fallback") == folder  # the next run's

    built = build_font_list(folder)
    assert built is not None and built.parent == folder
    fonts = json.loads(built.read_text())["ttflist"]
    assert any(font["name"] == "DejaVu Sans" for font in fonts)  # matplotlib's own
    assert [p.name for p in folder.iterdir()] == [built.name]  # nothing half-built left

    def no_build(*args, **kwargs):
        raise AssertionError("the font list was built again")

    monkeypatch.setattr(subprocess, "run", no_build)
    assert build_font_list(folder) == built

    # Another Python environment (its own matplotlib fonts' paths) gets a list of its own.
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "another-venv"))
    assert font_list_folder(fallback=tmp_path / "fallback") != folder


def test_an_unwritable_cache_falls_back_to_the_course_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert font_list_folder(fallback=tmp_path / "fallback") == tmp_path / "fallback"
    assert sandbox.build_font_list(tmp_path / "fallback") is not None
