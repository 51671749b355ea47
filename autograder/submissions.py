"""Find the submissions to grade, and copy them for grading without following links.

Accepted layout (nbgrader's): ``SUBMISSIONS/<student_id>/<assignment_id>/<assignment_id>.ipynb``.
A folder holding one notebook under another name is graded too, with a note.

Submissions are read, never followed. The grader runs as root, and an unpacked zip or tar
restores links: a hand-in that is a symbolic link to ``source/<id>/<id>.ipynb``, or a student
folder that links to a classmate's, would otherwise be graded as the target. So, below
SUBMISSIONS (the folder the instructor names, which itself may be a link):

* a student folder, assignment folder or notebook that is a **symbolic link** is not graded;
* a notebook that is a **hard link** (a regular file with more than one name: it may be the
  instructor's source or a classmate's file) is not graded;
* a notebook that is not a regular file (a FIFO, a device...) or larger than
  :data:`MAX_NOTEBOOK_BYTES` is not graded.

Each such hand-in still gets its row, with ``notebook=None`` and a note that says why
(``not graded: alice/01_numpy_basics/01_numpy_basics.ipynb is a symbolic link``), so the
instructor sees it; its cells then score zero as "nothing handed in". When a whole student
folder is a link, nothing in it can be seen without following it: that student gets one such row
for every assignment of the batch (the assignments found in the other, real, student folders;
every assignment of the course if there are none).

Discovery only decides what to grade. The bytes are then copied into the grader's own folder
by :func:`copy_without_following` (through :func:`snapshot`), which checks everything again on
the descriptors it reads from, so a file replaced by a link after discovery is refused too.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from autograder.repair import Unreadable
from autograder.safe_text import for_terminal

#: Largest notebook copied for grading, in bytes (the grader's limit per file).
MAX_NOTEBOOK_BYTES = 64 * 2**20

_CHUNK = 1 << 20


class RefusedFile(Unreadable):
    """A hand-in the grader will not read: a link, not a regular file, or too large.

    The message names the file relative to SUBMISSIONS and says why, e.g.
    ``alice/01_numpy_basics/01_numpy_basics.ipynb is a symbolic link``. A subclass of
    :class:`autograder.repair.Unreadable`, so code that handles unreadable notebooks
    handles it too.
    """


@dataclass
class Submission:
    """One student's hand-in of one assignment.

    Attributes
    ----------
    student_id, assignment_id : str
    notebook : Path or None
        The notebook to grade; ``None`` when the folder holds none, or none the grader may
        read (a link...; the note says why).
    note : str
        What the grader had to assume (a renamed notebook) or refuse, shown in the report.
    root : Path or None
        The folder ``notebook`` was found under (SUBMISSIONS, or the grader's private copy
        after :func:`snapshot`): no component of ``notebook`` below it may be a link.
        ``None``: only the notebook itself is checked.
    """

    student_id: str
    assignment_id: str
    notebook: Path | None
    note: str = ""
    root: Path | None = None
    #: When it was handed in (nbgrader's ``timestamp.txt`` or the LMS's time), ``""`` if unknown.
    timestamp: str = ""
    #: nbgrader's ``submission_secret.txt`` of a hand-in that came through the exchange (``""``
    #: if none): ``release_feedback`` names the student's feedback page after it, so it goes
    #: with the hand-in into the grader's ``submitted/``, ``autograded/`` and ``feedback/``.
    secret: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """``(student_id, assignment_id)``."""
        return self.student_id, self.assignment_id


def find_submissions(
    folder: Path, assignment_ids: list[str], limit_bytes: int = MAX_NOTEBOOK_BYTES
) -> tuple[list[Submission], list[str]]:
    """List the submissions under ``folder``, without following any link below it.

    Parameters
    ----------
    folder : Path
        Laid out as nbgrader's ``submitted/``.
    assignment_ids : list of str
        The course's assignments; other folders are skipped with a warning.
    limit_bytes : int
        Larger notebooks are not graded (a row with a note).

    Returns
    -------
    submissions : list of Submission
        Sorted by student, then assignment. Links, hard links and oversized files are rows
        with ``notebook=None`` and a note (see the module's docstring).
    warnings : list of str
        What was skipped, and why; safe to print (no control characters).
    """
    root = Path(folder)
    submissions, warnings, linked_students = [], [], []
    for student in _entries(root):
        if student.name.startswith("."):
            continue
        if student.is_symlink():
            linked_students.append(student.name)
            continue
        if not student.is_dir(follow_symlinks=False):
            continue
        sid = student.name
        for entry in _entries(Path(student.path)):
            aid = entry.name
            if entry.is_symlink():
                if aid in assignment_ids:
                    note = f"not graded: {sid}/{aid} is a symbolic link"
                    submissions.append(Submission(sid, aid, None, note, root))
                else:
                    warnings.append(for_terminal(f"{sid}/{aid}: a symbolic link, not followed"))
                continue
            if not entry.is_dir(follow_symlinks=False):
                continue
            if aid not in assignment_ids:
                warnings.append(for_terminal(f"{sid}/{aid}: not an assignment of this course"))
                continue
            submissions.append(_one_submission(root, sid, aid, limit_bytes))
    batch = sorted({s.assignment_id for s in submissions}) or sorted(assignment_ids)
    for sid in linked_students:
        note = f"not graded: {sid} is a symbolic link"
        submissions.extend(Submission(sid, aid, None, note, root) for aid in batch)
    submissions.sort(key=lambda s: s.key)
    return submissions, warnings


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def _one_submission(root: Path, sid: str, aid: str, limit_bytes: int) -> Submission:
    entries = {
        e.name: e
        for e in _entries(root / sid / aid)
        if e.name.endswith(".ipynb") and not e.is_dir(follow_symlinks=False)
    }
    expected = f"{aid}.ipynb"
    stamp = read_timestamp(root / sid / aid / "timestamp.txt")
    secret = read_secret(root / sid / aid / SECRET_FILE)
    if expected in entries:
        found = _checked(root, sid, aid, entries[expected], "", limit_bytes)
        return replace(found, timestamp=stamp, secret=secret)
    if len(entries) == 1:
        ((name, entry),) = entries.items()
        note = f"graded {name}, the only notebook handed in"
        found = _checked(root, sid, aid, entry, note, limit_bytes)
        return replace(found, timestamp=stamp, secret=secret)
    note = (
        "no notebook handed in"
        if not entries
        else f"{len(entries)} notebooks and none named {expected}"
    )
    return Submission(sid, aid, None, note, root)


def _small_file(path: Path, limit: int) -> str:
    """The text of a small regular file beside a hand-in, ``""`` if there is none.

    Read like a hand-in: never through a link, only a regular file with one name and at most
    ``limit`` bytes.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return ""
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1 or st.st_size > limit:
            return ""
        return os.read(fd, limit).decode("utf-8", "replace")
    finally:
        os.close(fd)


def read_timestamp(path: Path, limit: int = 256) -> str:
    """The time in nbgrader's ``timestamp.txt`` (ISO 8601, UTC), or ``""``.

    Read like a hand-in (:func:`_small_file`); a file that does not hold a time counts as none.
    """
    from nbgrader.utils import parse_utc

    text = _small_file(path, limit).strip()
    try:
        return parse_utc(text).isoformat() if text else ""
    except (ValueError, OverflowError):
        return ""


#: nbgrader's exchange writes it beside each hand-in (``nbgrader submit``).
SECRET_FILE = "submission_secret.txt"
_SECRET = re.compile(r"[0-9A-Za-z_-]{16,256}\n?")


def read_secret(path: Path) -> str:
    """The secret of nbgrader's ``submission_secret.txt``, exactly as written, or ``""``.

    nbgrader names the released feedback page after a hash of this text (as read, not
    stripped). Read like a hand-in (:func:`_small_file`); anything but a token of 16 to 256
    letters, digits, ``-`` and ``_`` (a final newline allowed; ``nbgrader submit`` writes 128
    hex digits) counts as none.
    """
    text = _small_file(path, 320)
    return text if _SECRET.fullmatch(text) else ""


def _checked(
    root: Path, sid: str, aid: str, entry: os.DirEntry, note: str, limit_bytes: int
) -> Submission:
    problem = _problem(entry.stat(follow_symlinks=False), limit_bytes)
    if problem:
        return Submission(sid, aid, None, f"not graded: {sid}/{aid}/{entry.name} {problem}", root)
    return Submission(sid, aid, Path(entry.path), note, root)


def _problem(st: os.stat_result, limit_bytes: int) -> str:
    """Why a file with this (l)stat is not graded, or ``""``."""
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if st.st_nlink > 1:
        return f"is a hard link (the file has {st.st_nlink} names)"
    if st.st_size > limit_bytes:
        return f"is {_amount(st.st_size)}, more than the {_amount(limit_bytes)} accepted"
    return ""


def _amount(size: int) -> str:
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size} bytes"


def copy_without_following(
    src: Path, dst: Path, limit_bytes: int = MAX_NOTEBOOK_BYTES, *, root: Path | None = None
) -> int:
    """Copy the regular file ``src`` to ``dst`` without following any link below ``root``.

    Safe by itself, whatever happened since discovery: every folder from ``root`` down to
    ``src`` is opened with ``O_DIRECTORY | O_NOFOLLOW`` relative to its parent's descriptor,
    the file with ``O_NOFOLLOW | O_NONBLOCK`` (a FIFO cannot block the grader); the open
    descriptor must be a regular file with one name (``st_nlink == 1``), the same file that was
    checked before opening, at most ``limit_bytes`` long (also while reading). ``dst`` is
    written as a new private file (mode 0600) and renamed into place.

    Parameters
    ----------
    src : Path
        The hand-in, below ``root``.
    dst : Path
        Where the copy goes (the grader's own folder; its parents are created).
    limit_bytes : int
        Largest size accepted.
    root : Path, optional
        The trusted folder (SUBMISSIONS): it may itself be reached through links, nothing
        below it may be. Default ``src.parent``: only ``src`` itself is checked.

    Returns
    -------
    int
        The number of bytes copied.

    Raises
    ------
    RefusedFile
        If a component is a link, the file is not a regular file, has several names, or is
        larger than ``limit_bytes``; the message says which, relative to ``root``.
    """
    src = Path(os.path.abspath(src))
    root = Path(os.path.abspath(root if root is not None else src.parent))
    try:
        parts = src.relative_to(root).parts
    except ValueError:
        raise RefusedFile(f"{src} is not inside {root}") from None
    if not parts or any(p in ("", ".", "..") for p in parts):
        raise RefusedFile(f"{src} is not a file inside {root}")
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOCTTY
    fd = os.open(root, flags | os.O_DIRECTORY)
    try:
        for depth, part in enumerate(parts):
            where = "/".join(parts[: depth + 1])
            try:
                before = os.stat(part, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                raise RefusedFile(f"{where} does not exist") from None
            last = depth == len(parts) - 1
            if stat.S_ISLNK(before.st_mode):
                raise RefusedFile(f"{where} is a symbolic link")
            if not last:
                if not stat.S_ISDIR(before.st_mode):
                    raise RefusedFile(f"{where} is not a folder")
                child = _open(part, flags | os.O_DIRECTORY | os.O_NOFOLLOW, fd, where)
                os.close(fd)
                fd = child
                continue
            problem = _problem(before, limit_bytes)
            if problem:
                raise RefusedFile(f"{where} {problem}")
            child = _open(part, flags | os.O_NOFOLLOW | os.O_NONBLOCK, fd, where)
            os.close(fd)
            fd = child
            opened = os.fstat(fd)
            if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
                raise RefusedFile(f"{where} was replaced while it was being read")
            problem = _problem(opened, limit_bytes)
            if problem:
                raise RefusedFile(f"{where} {problem}")
            return _write_private(fd, Path(dst), limit_bytes, where)
        raise AssertionError("unreachable")
    finally:
        os.close(fd)


def _open(name: str, flags: int, dir_fd: int, where: str) -> int:
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except OSError as err:
        if err.errno in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):
            raise RefusedFile(f"{where} is a symbolic link or not a folder") from None
        raise RefusedFile(f"{where} could not be opened: {err.strerror}") from None


def _write_private(fd: int, dst: Path, limit_bytes: int, where: str) -> int:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp_fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=".copy-")  # O_EXCL, mode 0600
    copied = 0
    try:
        with os.fdopen(tmp_fd, "wb") as out:
            while chunk := os.read(fd, min(_CHUNK, limit_bytes + 1 - copied)):
                copied += len(chunk)
                if copied > limit_bytes:
                    raise RefusedFile(f"{where} is more than the {_amount(limit_bytes)} accepted")
                out.write(chunk)
        os.replace(tmp, dst)  # replaces a link at dst, never writes through it
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return copied


def snapshot(
    submission: Submission, staging: Path, limit_bytes: int = MAX_NOTEBOOK_BYTES
) -> Submission:
    """The submission with its notebook copied into the grader's private ``staging`` folder.

    Everything the grader reads of a hand-in (its fingerprint, its cells) should come from
    the returned submission, whose ``notebook`` is the private copy
    ``staging/<student>/<assignment>/<name>``. A hand-in refused by
    :func:`copy_without_following` comes back with ``notebook=None`` and the reason in its
    note (``not graded: ... is a symbolic link``).
    """
    if submission.notebook is None:
        return submission
    sid, aid = submission.key
    for name in (sid, aid):
        if not name or "/" in name or "\x00" in name or name in (".", ".."):
            raise ValueError(f"not a usable folder name: {name!r}")
    target = Path(staging) / sid / aid / submission.notebook.name
    try:
        copy_without_following(submission.notebook, target, limit_bytes, root=submission.root)
    except RefusedFile as err:
        note = "; ".join(filter(None, [submission.note, f"not graded: {err}"]))
        return replace(submission, notebook=None, note=note)
    return replace(submission, notebook=target, root=Path(staging))


def stage(submission: Submission, submitted_root: Path) -> Path:
    """Copy a submission into nbgrader's ``submitted/<student>/<assignment>/`` folder, without
    following links (:func:`copy_without_following`).

    Returns
    -------
    Path
        The staged notebook, always named ``<assignment_id>.ipynb`` (absent when there is no
        notebook to grade).

    Raises
    ------
    RefusedFile
        If the notebook is a link, not a regular file, or too large.
    """
    target = submitted_root / submission.student_id / submission.assignment_id
    if target.is_symlink():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    staged = target / f"{submission.assignment_id}.ipynb"
    if submission.notebook is not None:
        copy_without_following(submission.notebook, staged, root=submission.root)
    return staged
