"""The copy of MathJax beside the feedback pages: every file of the pinned package, copied,
never linked: ``grade --group`` changes the group and mode of every file under OUT, and through
a hard link it would change the installed package's own files."""

from __future__ import annotations

from pathlib import Path

import jupyter_server_mathjax

from autograder.feedback import install_mathjax

SOURCE = Path(jupyter_server_mathjax.__file__).parent / "static"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_mathjax_is_every_file_of_the_package_copied(tmp_path):
    expected = _files(SOURCE)
    assert "MathJax.js" in expected and len(expected) > 100
    copied = install_mathjax(tmp_path / "feedback")
    assert copied == tmp_path / "feedback" / "mathjax"
    assert _files(copied) == expected
    package = {p.stat().st_ino for p in SOURCE.rglob("*") if p.is_file()}
    assert not package & {p.stat().st_ino for p in copied.rglob("*") if p.is_file()}
    assert install_mathjax(tmp_path / "feedback") == copied  # there already: left as it is
