"""The copy of MathJax beside the feedback pages: every file of the pinned package, hard-linked
where the file system allows it, copied where it does not."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import jupyter_server_mathjax

from autograder.feedback import install_mathjax

SOURCE = Path(jupyter_server_mathjax.__file__).parent / "static"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_mathjax_is_every_file_of_the_package_linked_or_copied(tmp_path, monkeypatch):
    expected = _files(SOURCE)
    assert "MathJax.js" in expected and len(expected) > 100

    linked = install_mathjax(tmp_path / "linked")
    assert _files(linked) == expected
    same_disk = os.stat(tmp_path).st_dev == os.stat(SOURCE).st_dev
    assert ((linked / "MathJax.js").stat().st_ino == (SOURCE / "MathJax.js").stat().st_ino) == (
        same_disk
    )

    def refused(source, target):  # another file system, or protected_hardlinks
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refused)
    copied = install_mathjax(tmp_path / "copied")
    assert _files(copied) == expected
    assert (copied / "MathJax.js").stat().st_ino != (SOURCE / "MathJax.js").stat().st_ino
    assert install_mathjax(tmp_path / "copied") == copied  # there already: left as it is
