"""Who may read the grader's output folder: its owner, and a group of teaching assistants.

Without ``--group``, files follow the instructor's umask, except nbgrader's working folder
(``OUT/nbgrader``: copies of every hand-in, the autograded notebooks), which stays private to
the owner (mode 0700). With ``grade --group NAME``, everything under ``OUT`` belongs to the
group ``NAME`` and is readable by it (folders are setgid, so that files nbgrader or formgrader
add later join the group); the working folder and the gradebook stay closed to everyone else.
Nothing is made writable by the group: teaching assistants read, the grader writes.
"""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

#: Folders of ``OUT/nbgrader`` left alone: the sandboxes' own scratch space.
_SKIP = {"scratch"}


def group_id(name: str) -> int:
    """The gid of a group name (or number); :class:`ValueError` if there is no such group."""
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        if name.isdigit():
            return int(name)
        raise ValueError(f"no group named {name!r} on this machine") from None


def private_folder(folder: Path, gid: int | None) -> None:
    """Make ``folder`` (the working folder) the owner's, or the owner's and the group's."""
    if gid is None:
        os.chmod(folder, 0o700)
    else:
        os.chown(folder, -1, gid)
        os.chmod(folder, 0o2750)


def share(out: Path, gid: int | None) -> None:
    """Give the group read access to everything under ``out`` (nothing without a group).

    The working folder ``out/nbgrader`` and ``gradebook.db*`` are closed to others.
    """
    if gid is None:
        return
    out = Path(out)
    private = out / "nbgrader"

    def fix(path: Path, is_dir: bool) -> None:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode) or st.st_uid != os.geteuid():
            return  # links are not followed; files of others (the sandbox's) are not ours
        mode = stat.S_IMODE(st.st_mode) | (0o2050 if is_dir else 0o040)
        mode &= ~0o020  # the group reads, never writes
        inside = path == private or private in path.parents or path.name.startswith("gradebook")
        if inside:
            mode &= ~0o007
        if st.st_gid != gid:
            os.chown(path, -1, gid, follow_symlinks=False)
        os.chmod(path, mode)

    fix(out, True)
    for root, dirs, files in os.walk(out):
        dirs[:] = [d for d in dirs if not (Path(root) == private and d in _SKIP)]
        for name in dirs:
            fix(Path(root) / name, True)
        for name in files:
            fix(Path(root) / name, False)
