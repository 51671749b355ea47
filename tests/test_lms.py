"""LMS in and out (issue 12, deliver 4): a Canvas zip and a Moodle folder are graded, mapped
to student ids through a roster, the latest resubmission counts, grades come out in the LMS's
import format and feedback as a zip to upload; archives are unpacked safely."""

from __future__ import annotations

import csv
import io
import stat
import zipfile

import nbformat
import pytest

from autograder.cli import main
from autograder.lms import LmsError, safe_extract
from autograder.samples import student_notebook
from tests.course_outputs import AID, expected_score, functions, grades, points


def _nb_bytes(solved) -> bytes:
    return nbformat.writes(student_notebook(AID, solved)).encode()


def _grade(source, out, *extra) -> int:
    return main(["grade", str(source), "--out", str(out), "--unsafe", "--workers", "2", *extra])


def test_canvas_zip_with_roster_resubmission_and_late(tmp_path):
    every, half = functions(), functions()[::2]
    export = tmp_path / "submissions.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr(f"doejohn_12345_67890_{AID}.ipynb", _nb_bytes(half))
        zf.writestr(f"doejohn_12345_67891_{AID}-1.ipynb", _nb_bytes(every))  # the latest
        zf.writestr(f"smithjane_LATE_222_333_{AID}.ipynb", _nb_bytes(half))
        zf.writestr("leeann_444_555_my_work.ipynb", _nb_bytes(every))  # name says nothing
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id\njdoe,12345\njsmith,222\nalee,444\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _grade(export, out, f"--roster={roster}") == 0
    rows = grades(out)
    assert set(rows) == {("jdoe", AID), ("jsmith", AID)}  # leeann's file names no assignment
    assert float(rows[("jdoe", AID)]["score"]) == expected_score(every)
    assert float(rows[("jsmith", AID)]["score"]) == expected_score(half)
    assert "LATE" in rows[("jsmith", AID)]["note"]

    with open(out / "canvas_grades.csv", newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", AID]
    assert table[1][0] == "Points Possible" and float(table[1][5]) == sum(points().values())
    body = {r[1]: float(r[5]) for r in table[2:]}
    assert body == {"12345": expected_score(every), "222": expected_score(half)}
    with zipfile.ZipFile(out / "feedback_upload.zip") as zf:
        names = set(zf.namelist())
    assert names == {"doejohn_12345_67891_feedback.html", "smithjane_LATE_222_333_feedback.html"}

    # --assignment names the assignment of files whose names do not: leeann is graded too.
    assert _grade(export, out, f"--roster={roster}", f"--assignment={AID}") == 0
    assert float(grades(out)[("alee", AID)]["score"]) == expected_score(every)


def test_moodle_folder_without_roster(tmp_path):
    export = tmp_path / "moodle"
    folder = export / "Jane Smith_777_assignsubmission_file_"
    folder.mkdir(parents=True)
    (folder / f"{AID}.ipynb").write_bytes(_nb_bytes(functions()))
    out = tmp_path / "out"
    assert _grade(export, out) == 0
    assert float(grades(out)[("janesmith_777", AID)]["score"]) == sum(points().values())
    with open(out / "moodle_grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["Identifier"] == "Participant 777"
    assert float(rows[0]["Grade"]) == float(rows[0]["Maximum Grade"]) == sum(points().values())
    with zipfile.ZipFile(out / "feedback_upload.zip") as zf:
        assert zf.namelist() == ["Jane Smith_777_assignsubmission_file_/feedback.html"]


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, data)
    return path


@pytest.mark.parametrize("name", ["../evil.ipynb", "/abs.ipynb", "a/../../evil.ipynb"])
def test_paths_out_of_the_archive_are_refused(tmp_path, name):
    archive = _zip(tmp_path / "x.zip", [(name, b"{}")])
    with pytest.raises(LmsError):
        safe_extract(archive, tmp_path / "dest")
    assert not (tmp_path / "evil.ipynb").exists()


def test_links_are_not_unpacked(tmp_path):
    info = zipfile.ZipInfo("link.ipynb")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _zip(tmp_path / "x.zip", [(info, "/etc/passwd"), ("ok.ipynb", b"{}")])
    skipped = safe_extract(archive, tmp_path / "dest")
    assert not (tmp_path / "dest" / "link.ipynb").exists()
    assert (tmp_path / "dest" / "ok.ipynb").is_file() and len(skipped) == 1


def test_zip_bomb_stops_at_the_cap(tmp_path):
    archive = _zip(tmp_path / "bomb.zip", [("big.ipynb", b"\0" * (8 * 2**20))])
    assert archive.stat().st_size < 2**20  # it inflates more than 8 times
    with pytest.raises(LmsError):
        safe_extract(archive, tmp_path / "dest", max_member_bytes=2**20)
    with pytest.raises(LmsError):
        safe_extract(archive, tmp_path / "dest2", max_total_bytes=2**20)


def test_too_many_members_are_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for i in range(11):
            zf.writestr(f"f{i}.ipynb", b"{}")
    (tmp_path / "many.zip").write_bytes(buffer.getvalue())
    with pytest.raises(LmsError):
        safe_extract(tmp_path / "many.zip", tmp_path / "dest", max_members=10)
