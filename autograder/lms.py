"""Exports of a learning-management system in and out: Canvas and Moodle.

In: ``grade`` accepts the zip an LMS gives ("Download submissions" in Canvas, "Download all
submissions" in Moodle) or the folder it unpacks to.

* **Canvas** names each file ``{name}_{user_id}_{submission_id}_{original name}``, with
  ``LATE`` after the name for a late hand-in (``doejohn_LATE_12345_67890_...``) and ``-1``,
  ``-2``... before the extension for resubmissions: the latest (highest) counts.
* **Moodle** puts each student's files in a folder ``{Full Name}_{participant id}_
  assignsubmission_file_/``.

The assignment is the file's name (``02_logistic_regression.ipynb``) or ``--assignment``. The
student id is the roster's (``--roster``: a CSV with ``student_id`` and ``lms_id``, the Canvas
user id or Moodle participant id, optionally ``submitted_at``), else ``{name}_{lms id}``.

Out: the grades in the LMS's import format (``canvas_grades.csv``: Canvas's gradebook CSV,
``Student, ID, SIS User ID, SIS Login ID, Section`` then one column per assignment with a
``Points Possible`` row; ``moodle_grades.csv``: Moodle's offline grading worksheet,
``Identifier`` = ``Participant {id}``) and the feedback pages in a zip named as the LMS expects
for a bulk upload (``feedback_upload.zip``).

Archives are unpacked by :func:`safe_extract`: no absolute path, no ``..``, no link, at most
:data:`MAX_MEMBERS` members, :data:`MAX_MEMBER_BYTES` per member and :data:`MAX_TOTAL_BYTES`
in all, counted on the bytes actually inflated (a zip bomb stops at the cap).
"""

from __future__ import annotations

import csv
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from autograder.safe_text import for_csv
from autograder.submissions import RefusedFile, copy_without_following

MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 64 * 2**20
MAX_TOTAL_BYTES = 4 * 2**30

CANVAS = re.compile(
    r"^(?P<name>[^_]+?)(?P<late>_late)?_(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$", re.IGNORECASE
)
RESUBMISSION = re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)$")
MOODLE = re.compile(r"^(?P<name>.+)_(?P<pid>\d+)_assignsubmission_file_?$")


class LmsError(ValueError):
    """An export that cannot be read; the message says why."""


def safe_extract(
    archive: Path,
    dest: Path,
    max_members: int = MAX_MEMBERS,
    max_member_bytes: int = MAX_MEMBER_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> list[str]:
    """Unpack a zip into ``dest``, refusing anything that could escape it or exhaust the disk.

    Returns
    -------
    list of str
        Members skipped and why (links). Raises :class:`LmsError` for an archive refused as a
        whole (a path out of ``dest``, too many members, too many bytes).
    """
    skipped = []
    dest.mkdir(parents=True, exist_ok=True)
    total = 0
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
        if len(members) > max_members:
            raise LmsError(f"{archive.name} holds {len(members)} files, more than {max_members}")
        for info in members:
            name = info.filename
            path = PurePosixPath(name.replace("\\", "/"))
            if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name):
                raise LmsError(f"{archive.name}: {name!r} points outside the archive")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                skipped.append(f"{name}: a link in the archive, not unpacked")
                continue
            target = dest.joinpath(*path.parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with zf.open(info) as src, open(target, "xb") as out:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    total += len(chunk)
                    if written > max_member_bytes:
                        raise LmsError(f"{archive.name}: {name} inflates beyond the per-file cap")
                    if total > max_total_bytes:
                        raise LmsError(f"{archive.name} inflates beyond {max_total_bytes} bytes")
                    out.write(chunk)
    return skipped


@dataclass
class Entry:
    """One hand-in found in an export."""

    lms: str  # "canvas" or "moodle"
    lms_id: str
    name: str
    assignment: str
    path: Path
    late: bool = False
    submission_id: str = ""
    original: str = ""
    version: int = 0
    student_id: str = ""


@dataclass
class LmsImport:
    """An export turned into nbgrader's layout under ``folder``, and how to answer it."""

    folder: Path
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.entries[0].lms if self.entries else ""

    def annotate(self, submissions):
        """Say on each row what the LMS said (late in Canvas)."""
        late = {(e.student_id, e.assignment) for e in self.entries if e.late}
        return [
            replace(s, note="; ".join(filter(None, [s.note, "marked LATE by Canvas"])))
            if s.key in late
            else s
            for s in submissions
        ]

    def export(self, out: Path, grades) -> dict[str, Path]:
        """Write the grades in the LMS's import format and the feedback zip; return them."""
        by_key = {(g.student_id, g.assignment): g for g in grades}
        mine = [(e, by_key.get((e.student_id, e.assignment))) for e in self.entries]
        paths = {}
        if self.kind == "canvas":
            paths["canvas grades"] = _canvas_csv(out / "canvas_grades.csv", mine)
        elif self.kind == "moodle":
            paths["moodle grades"] = _moodle_csv(out / "moodle_grades.csv", mine)
        if self.entries:
            paths["feedback zip"] = _feedback_zip(out / "feedback_upload.zip", mine, out)
        return paths


def _roster(path: Path | None) -> dict[str, dict]:
    if path is None:
        return {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if not {"student_id", "lms_id"} <= set(reader.fieldnames or []):
            raise LmsError(f"{path} needs the columns student_id and lms_id")
        return {row["lms_id"].strip(): row for row in reader}


def _assignment_of(filename: str, known: list[str], given: str | None) -> str | None:
    stem = Path(filename).stem
    found = RESUBMISSION.match(stem)
    if found and found["stem"] in known:
        stem = found["stem"]
    if stem in known:
        return stem
    return given


def _version(filename: str) -> int:
    found = RESUBMISSION.match(Path(filename).stem)
    return int(found["n"]) if found else 0


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "", name).lower() or "student"


def import_export(
    source: Path,
    workdir: Path,
    known: list[str],
    roster: Path | None = None,
    assignment: str | None = None,
) -> LmsImport:
    """Read a Canvas or Moodle export (a zip or its folder) into nbgrader's layout.

    Parameters
    ----------
    source : Path
        The zip or the unpacked folder.
    workdir : Path
        The grader's own folder: ``unpacked/`` and ``submitted/`` go there (emptied first).
    known : list of str
        The course's assignments.
    roster : Path, optional
        CSV with ``student_id, lms_id`` (and optionally ``submitted_at``).
    assignment : str, optional
        The assignment of every hand-in whose file name does not name one.
    """
    if assignment is not None and assignment not in known:
        raise LmsError(f"{assignment} is not an assignment of this course")
    if workdir.exists():
        shutil.rmtree(workdir)
    result = LmsImport(workdir / "submitted")
    result.folder.mkdir(parents=True)
    folder = source
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise LmsError(f"{source.name} is neither a folder nor a zip")
        folder = workdir / "unpacked"
        result.warnings += safe_extract(source, folder)
    people = _roster(roster)
    entries: list[Entry] = []
    for item in sorted(folder.iterdir()):
        if item.is_symlink() or item.name.startswith("."):
            continue
        moodle = MOODLE.match(item.name) if item.is_dir() else None
        canvas = CANVAS.match(item.name) if item.is_file() else None
        if moodle:
            notebooks = [p for p in sorted(item.iterdir()) if p.suffix == ".ipynb"]
            named = [p for p in notebooks if _assignment_of(p.name, known, None)]
            chosen = named or notebooks
            if len(chosen) != 1:
                result.warnings.append(f"{item.name}: {len(notebooks)} notebooks, none graded")
                continue
            aid = _assignment_of(chosen[0].name, known, assignment)
            entry = Entry("moodle", moodle["pid"], moodle["name"], aid or "", chosen[0])
            entry.original = chosen[0].name
        elif canvas and item.suffix == ".ipynb":
            aid = _assignment_of(canvas["file"], known, assignment)
            entry = Entry(
                "canvas",
                canvas["uid"],
                canvas["name"],
                aid or "",
                item,
                late=bool(canvas["late"]),
                submission_id=canvas["sub"],
                original=canvas["file"],
                version=_version(canvas["file"]),
            )
        else:
            result.warnings.append(
                f"{item.name}: not a notebook handed in through Canvas or Moodle"
            )
            continue
        if not entry.assignment:
            result.warnings.append(f"{item.name}: no assignment in the name; pass --assignment")
            continue
        person = people.get(entry.lms_id)
        if people and person is None:
            result.warnings.append(f"{item.name}: LMS id {entry.lms_id} not in the roster")
            continue
        entry.student_id = (
            person["student_id"].strip() if person else f"{_slug(entry.name)}_{entry.lms_id}"
        )
        entries.append(entry)
    # Resubmissions: the latest counts (Canvas's -1, -2 ... suffix, then the submission id).
    latest: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        key = (entry.student_id, entry.assignment)
        rank = (entry.version, int(entry.submission_id or 0))
        if key not in latest or rank > (latest[key].version, int(latest[key].submission_id or 0)):
            latest[key] = entry
    for (sid, aid), entry in sorted(latest.items()):
        target = result.folder / sid / aid / f"{aid}.ipynb"
        try:
            copy_without_following(entry.path, target, root=folder)
        except RefusedFile as err:
            result.warnings.append(f"{sid}/{aid}: {err}")
            continue
        stamp = (people.get(entry.lms_id) or {}).get("submitted_at", "").strip()
        if stamp:
            (target.parent / "timestamp.txt").write_text(stamp, encoding="utf-8")
        result.entries.append(entry)
    if not result.entries:
        raise LmsError(f"no notebook found in {source.name} ({'; '.join(result.warnings[:3])})")
    return result


def _canvas_csv(path: Path, mine) -> Path:
    assignments = sorted({e.assignment for e, _ in mine})
    people: dict[str, dict] = {}
    maxima: dict[str, float] = {}
    for entry, grade in mine:
        row = people.setdefault(entry.lms_id, {"name": entry.name, "scores": {}})
        if grade is not None:
            row["scores"][entry.assignment] = grade.score
            maxima[entry.assignment] = grade.max_score
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *assignments])
        writer.writerow(
            ["Points Possible", "", "", "", "", *(f"{maxima.get(a, 0):g}" for a in assignments)]
        )
        for lms_id, row in sorted(people.items()):
            scores = [f"{row['scores'][a]:g}" if a in row["scores"] else "" for a in assignments]
            writer.writerow([for_csv(row["name"]), lms_id, "", "", "", *scores])
    return path


MOODLE_COLUMNS = [
    "Identifier",
    "Full name",
    "Email address",
    "Status",
    "Grade",
    "Maximum Grade",
    "Grade can be changed",
    "Last modified (submission)",
    "Last modified (grade)",
    "Feedback comments",
]


def _moodle_csv(path: Path, mine) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(MOODLE_COLUMNS)
        for entry, grade in mine:
            score = f"{grade.score:g}" if grade else ""
            top = f"{grade.max_score:g}" if grade else ""
            comment = f"Autograded: {score} / {top}; see the feedback file." if grade else ""
            writer.writerow(
                [f"Participant {entry.lms_id}", for_csv(entry.name), "", "", score, top, "Yes"]
                + ["", "", comment]
            )
    return path


def _feedback_zip(path: Path, mine, out: Path) -> Path:
    """Feedback pages named for the LMS's bulk upload of feedback files."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, grade in mine:
            if grade is None or grade.feedback is None or not Path(grade.feedback).is_file():
                continue
            if entry.lms == "canvas":
                late = "_LATE" if entry.late else ""
                name = f"{entry.name}{late}_{entry.lms_id}_{entry.submission_id}_feedback.html"
            else:
                name = f"{entry.name}_{entry.lms_id}_assignsubmission_file_/feedback.html"
            zf.write(grade.feedback, name)
    return path
