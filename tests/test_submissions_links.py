"""Submissions are read, never followed: links below SUBMISSIONS are not graded, copies are safe.

Real files, symbolic links, hard links and FIFOs in ``tmp_path``. On the code before this change
a hand-in linking to the instructor's notebook, or a student folder linking to a classmate's,
was listed as an ordinary submission (and ``copy_without_following`` / ``snapshot`` did not
exist), so every test here failed.
"""

from __future__ import annotations

import os
import stat
import threading

import pytest

from autograder import submissions as subs_module
from autograder.repair import Unreadable
from autograder.submissions import (
    RefusedFile,
    Submission,
    copy_without_following,
    find_submissions,
    snapshot,
)

A, B = "01_numpy_basics", "02_logistic_regression"
IDS = [A, B]
NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
SECRET = b'{"cells": [], "metadata": {"instructor": "solutions"}, "nbformat": 4}'


def _write(path, data=NOTEBOOK):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def course(tmp_path):
    """SUBMISSIONS with one honest student and every kind of link, plus an instructor source."""
    source = _write(tmp_path / "source" / A / f"{A}.ipynb", SECRET)
    root = tmp_path / "submissions"
    _write(root / "alice" / A / f"{A}.ipynb")
    _write(root / "alice" / B / f"{B}.ipynb")
    # a notebook that is a symbolic link to the instructor's source
    (root / "bob" / A).mkdir(parents=True)
    (root / "bob" / A / f"{A}.ipynb").symlink_to(source)
    # an assignment folder that is a symbolic link to a classmate's
    (root / "carol").mkdir()
    (root / "carol" / A).symlink_to(root / "alice" / A, target_is_directory=True)
    # a whole student folder that is a symbolic link to a classmate's
    (root / "dave").symlink_to(root / "alice", target_is_directory=True)
    # a hard link to the instructor's source
    (root / "erin" / A).mkdir(parents=True)
    os.link(source, root / "erin" / A / f"{A}.ipynb")
    # the only notebook, renamed, and a symbolic link
    (root / "frank" / A).mkdir(parents=True)
    (root / "frank" / A / "mine.ipynb").symlink_to(root / "alice" / A / f"{A}.ipynb")
    # a FIFO: opening it for reading would block the grader
    (root / "gina" / A).mkdir(parents=True)
    os.mkfifo(root / "gina" / A / f"{A}.ipynb")
    # a hard link between two students' files
    _write(root / "hank" / B / f"{B}.ipynb")
    (root / "ivan" / B).mkdir(parents=True)
    os.link(root / "hank" / B / f"{B}.ipynb", root / "ivan" / B / f"{B}.ipynb")
    return {"root": root, "source": source, "tmp": tmp_path}


def _by_key(found):
    return {s.key: s for s in found}


def test_links_and_hard_links_are_rows_with_a_note_never_graded(course):
    found, warnings = find_submissions(course["root"], IDS)
    rows = _by_key(found)
    assert rows["alice", A].notebook == course["root"] / "alice" / A / f"{A}.ipynb"
    assert rows["alice", B].notebook is not None
    expected = {
        ("bob", A): f"not graded: bob/{A}/{A}.ipynb is a symbolic link",
        ("carol", A): f"not graded: carol/{A} is a symbolic link",
        ("dave", A): "not graded: dave is a symbolic link",
        ("dave", B): "not graded: dave is a symbolic link",
        ("erin", A): f"not graded: erin/{A}/{A}.ipynb is a hard link (the file has 2 names)",
        ("frank", A): f"not graded: frank/{A}/mine.ipynb is a symbolic link",
        ("gina", A): f"not graded: gina/{A}/{A}.ipynb is not a regular file",
        ("hank", B): f"not graded: hank/{B}/{B}.ipynb is a hard link (the file has 2 names)",
        ("ivan", B): f"not graded: ivan/{B}/{B}.ipynb is a hard link (the file has 2 names)",
    }
    for key, note in expected.items():
        assert rows[key].notebook is None, key
        assert rows[key].note == note
    assert set(rows) == {("alice", A), ("alice", B), *expected}
    assert [s.key for s in found] == sorted(s.key for s in found)
    assert all(s.root == course["root"] for s in found)
    assert warnings == []


def test_a_linked_student_folder_gets_the_batch_assignments_only(tmp_path):
    root = tmp_path / "submissions"
    _write(root / "alice" / B / f"{B}.ipynb")
    (root / "mallory").symlink_to(root / "alice", target_is_directory=True)
    found, _ = find_submissions(root, IDS)
    assert [(s.key, s.notebook is None) for s in found] == [
        (("alice", B), False),
        (("mallory", B), True),
    ]
    # nothing else to go by: every assignment of the course
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    (lonely / "mallory").symlink_to(root / "alice", target_is_directory=True)
    found, _ = find_submissions(lonely, IDS)
    assert [s.key for s in found] == [("mallory", A), ("mallory", B)]


def test_too_large_a_notebook_is_not_graded(tmp_path):
    root = tmp_path / "submissions"
    _write(root / "alice" / A / f"{A}.ipynb", b" " * 2048)
    (found,), _ = find_submissions(root, IDS, limit_bytes=1024)
    assert found.notebook is None
    assert found.note == (
        f"not graded: alice/{A}/{A}.ipynb is 2048 bytes, more than the 1024 bytes accepted"
    )


def test_warnings_are_safe_to_print(tmp_path):
    root = tmp_path / "submissions"
    (root / "eve" / "\x1b]0;owned\x07x").mkdir(parents=True)
    (root / "eve" / "\x1b[2Jlink").symlink_to(tmp_path)
    _, warnings = find_submissions(root, IDS)
    assert len(warnings) == 2
    for warning in warnings:
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in warning), warning


# --------------------------------------------------------------------------------------------
# copy_without_following
# --------------------------------------------------------------------------------------------
def test_a_regular_file_is_copied_to_a_private_file(course, tmp_path):
    src = course["root"] / "alice" / A / f"{A}.ipynb"
    dst = tmp_path / "private" / "alice" / A / f"{A}.ipynb"
    assert copy_without_following(src, dst, root=course["root"]) == len(NOTEBOOK)
    assert dst.read_bytes() == NOTEBOOK
    assert stat.S_IMODE(dst.stat().st_mode) == 0o600
    assert os.stat(dst).st_nlink == 1


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        (f"bob/{A}/{A}.ipynb", f"bob/{A}/{A}.ipynb is a symbolic link"),
        (f"carol/{A}/{A}.ipynb", f"carol/{A} is a symbolic link"),
        (f"dave/{A}/{A}.ipynb", "dave is a symbolic link"),
        (f"erin/{A}/{A}.ipynb", f"erin/{A}/{A}.ipynb is a hard link (the file has 2 names)"),
        (f"gina/{A}/{A}.ipynb", f"gina/{A}/{A}.ipynb is not a regular file"),
        (f"nobody/{A}/{A}.ipynb", "nobody does not exist"),
    ],
)
def test_links_anywhere_below_the_root_are_refused(course, tmp_path, relative, reason):
    dst = tmp_path / "private" / "x.ipynb"
    result: list = []

    def copy():  # a FIFO would block an open() without O_NONBLOCK: never wait forever
        try:
            copy_without_following(course["root"] / relative, dst, root=course["root"])
        except Exception as err:
            result.append(err)

    thread = threading.Thread(target=copy, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the copy blocked"
    assert len(result) == 1 and isinstance(result[0], RefusedFile)
    assert str(result[0]) == reason
    assert isinstance(result[0], Unreadable)  # the grader's existing "could not read" path
    assert not dst.exists()


def test_the_root_itself_may_be_reached_through_a_link(course, tmp_path):
    alias = tmp_path / "alias"
    alias.symlink_to(course["root"], target_is_directory=True)
    dst = tmp_path / "private.ipynb"
    copy_without_following(alias / "alice" / A / f"{A}.ipynb", dst, root=alias)
    assert dst.read_bytes() == NOTEBOOK


def test_a_file_larger_than_the_limit_is_refused(course, tmp_path):
    src = _write(course["root"] / "zoe" / A / f"{A}.ipynb", b"x" * 4096)
    with pytest.raises(RefusedFile, match="more than"):
        copy_without_following(src, tmp_path / "out.ipynb", 1024, root=course["root"])


def test_a_link_swapped_in_after_discovery_is_refused(course, tmp_path):
    found, _ = find_submissions(course["root"], IDS)
    alice = _by_key(found)["alice", A]
    alice.notebook.unlink()
    alice.notebook.symlink_to(course["source"])  # replaced after discovery
    staged = snapshot(alice, tmp_path / "staging")
    assert staged.notebook is None
    assert staged.note == f"not graded: alice/{A}/{A}.ipynb is a symbolic link"
    assert not (tmp_path / "staging" / "alice" / A / f"{A}.ipynb").exists()


@pytest.mark.parametrize("swap", ["symlink", "hardlink", "folder"])
def test_a_swap_between_the_check_and_the_open_is_refused(course, tmp_path, monkeypatch, swap):
    """The file is checked with lstat, then replaced before it is opened: the descriptor
    checks (O_NOFOLLOW, fstat, same inode, one name) still refuse it."""
    src = course["root"] / "alice" / A / f"{A}.ipynb"
    real_stat = os.stat
    done = []

    def stat_then_swap(path, *args, **kwargs):
        result = real_stat(path, *args, **kwargs)
        target = {"folder": A, "symlink": src.name, "hardlink": src.name}[swap]
        if path == target and not done:
            done.append(True)
            if swap == "symlink":
                src.unlink()
                src.symlink_to(course["source"])
            elif swap == "hardlink":
                src.unlink()
                os.link(course["source"], src)
            else:
                folder = src.parent
                folder.rename(folder.with_name("moved"))
                folder.symlink_to(course["root"] / "erin" / A, target_is_directory=True)
        return result

    monkeypatch.setattr(subs_module.os, "stat", stat_then_swap)
    with pytest.raises(RefusedFile):
        copy_without_following(src, tmp_path / "out.ipynb", root=course["root"])
    assert done
    assert not (tmp_path / "out.ipynb").exists()


def test_a_link_already_at_the_destination_is_replaced_not_written_through(course, tmp_path):
    victim = _write(tmp_path / "victim.txt", b"keep me")
    dst = tmp_path / "private" / "x.ipynb"
    dst.parent.mkdir()
    dst.symlink_to(victim)
    copy_without_following(course["root"] / "alice" / A / f"{A}.ipynb", dst, root=course["root"])
    assert victim.read_bytes() == b"keep me"
    assert not dst.is_symlink() and dst.read_bytes() == NOTEBOOK


def test_snapshot_points_at_the_private_copy(course, tmp_path):
    found, _ = find_submissions(course["root"], IDS)
    alice = _by_key(found)["alice", A]
    staged = snapshot(alice, tmp_path / "staging")
    assert staged.notebook == tmp_path / "staging" / "alice" / A / f"{A}.ipynb"
    assert staged.root == tmp_path / "staging"
    assert staged.notebook.read_bytes() == NOTEBOOK
    assert (staged.key, staged.note) == (alice.key, alice.note)
    # the original changes afterwards: the grader's copy does not
    alice.notebook.write_bytes(b"changed")
    assert staged.notebook.read_bytes() == NOTEBOOK
    # a row that was already refused stays as it is
    bob = _by_key(found)["bob", A]
    assert snapshot(bob, tmp_path / "staging") is bob


def test_snapshot_refuses_ids_that_are_not_folder_names(tmp_path):
    src = _write(tmp_path / "nb.ipynb")
    with pytest.raises(ValueError):
        snapshot(Submission("../x", A, src), tmp_path / "staging")


def test_the_exchange_secret_goes_with_the_hand_in_and_is_read_like_one(tmp_path):
    """nbgrader's ``release_feedback`` names a student's page after ``submission_secret.txt``
    (formgrader's Release feedback failed without it): the grader keeps it, exactly as
    written, through the snapshot; a link, a hard link, a large file or anything but a token
    is not read."""
    token = "0f" * 64  # what nbgrader submit writes: secrets.token_hex(64)
    root = tmp_path / "collected"
    for student in ("alice", "bob", "carol", "dave", "erin"):
        _write(root / student / A / f"{A}.ipynb")
    (root / "alice" / A / "submission_secret.txt").write_text(token)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(token)
    (root / "bob" / A / "submission_secret.txt").symlink_to(outside)
    os.link(outside, root / "carol" / A / "submission_secret.txt")
    (root / "dave" / A / "submission_secret.txt").write_text("not a secret\n<script>")
    (root / "erin" / A / "submission_secret.txt").write_text("a" * 4096)
    found = _by_key(find_submissions(root, IDS)[0])
    assert found["alice", A].secret == token
    assert snapshot(found["alice", A], tmp_path / "staging").secret == token
    for student in ("bob", "carol", "dave", "erin"):
        assert found[student, A].secret == "", student
