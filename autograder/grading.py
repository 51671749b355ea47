"""Grade submissions: repair, sandboxed execution in parallel, outside judging, nbgrader.

For each submission the :class:`Grader`

1. reads and repairs the notebook (:mod:`autograder.repair`) and stages it in nbgrader's
   ``submitted/`` folder, sanitised by nbgrader's own preprocessors;
2. draws the inputs of its hidden checks and runs the notebook in a sandboxed kernel
   (:mod:`autograder.executor`), several submissions at once (``workers``);
3. judges every grade cell in this process (:mod:`autograder.judging`);
4. lets nbgrader's ``autograde`` record the grades in the gradebook (with the judged outputs in
   place of its own execution: :class:`SandboxExecute`) and write the feedback;
5. writes a result file, so that a run killed halfway resumes where it stopped.

Only this process writes the gradebook. :meth:`Grader.grade` is the seam between running
student code and scoring it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    LimitOutput,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from sqlalchemy import event
from sqlalchemy.engine import Engine

from autograder.course import COURSE_ID, SOURCE, grade_cells
from autograder.executor import DIED, TIMEOUT, Execution, GradingWorker, WorkerSlot
from autograder.judging import (
    GradeCellPlan,
    Verdict,
    draw_cases,
    encode_cases,
    judge_cells,
    plan_grade_cells,
    verdict_outputs,
)
from autograder.nbgrader_api import open_api, raise_on_failure
from autograder.repair import Unreadable, read_submission, repair
from autograder.sandbox import Limits
from autograder.submissions import Submission

#: Statuses of a grade cell, as in the course specification.
STATUSES = ("passed", "failed", "error", "timeout", "missing")

#: How long a message in ``cell_grades.csv`` may be.
MESSAGE_LIMIT = 300


#: Unprivileged uids of grading workers: a block of 16 per grader process, so that two
#: graders on one machine never share a user (nor its process limit).
def _first_uid() -> int:
    return 100_000 + (os.getpid() % 100_000) * 16


#: Changes when grading changes in a way that invalidates earlier results of a resumed run.
RESULT_VERSION = 2


@dataclass
class CellGrade:
    """The grade of one grade cell of one submission."""

    student_id: str
    assignment: str
    grade_id: str
    score: float
    max_score: float
    status: str
    message: str = ""


@dataclass
class SubmissionGrade:
    """The grade of one submission, with its cells."""

    student_id: str
    assignment: str
    cells: list[CellGrade] = field(default_factory=list)
    note: str = ""
    feedback: Path | None = None

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)

    def to_json(self) -> dict:
        data = asdict(self)
        data["feedback"] = str(self.feedback) if self.feedback else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> SubmissionGrade:
        cells = [CellGrade(**c) for c in data["cells"]]
        feedback = Path(data["feedback"]) if data.get("feedback") else None
        return cls(data["student_id"], data["assignment"], cells, data.get("note", ""), feedback)


def _feedback_batch(course: Path, db_url: str, assignment_id: str) -> None:
    """Write nbgrader's feedback for every graded hand-in of one assignment."""
    open_api(course, "release", db_url).generate_feedback(assignment_id, force=True)


class _FeedbackWriter:
    """Writes feedback one assignment at a time in a side process (nbgrader's templates load
    once per assignment, and the grading goes on meanwhile). A page nbgrader does not write
    becomes a plain page."""

    CODE = (
        "import sys; from pathlib import Path; from autograder.grading import _feedback_batch; "
        "_feedback_batch(Path(sys.argv[1]), sys.argv[2], sys.argv[3])"
    )

    def __init__(self, course: Path, db_url: str) -> None:
        self.course, self.db_url = course, db_url
        self.processes: list[subprocess.Popen] = []

    def schedule(self, assignment_id: str) -> None:
        command = [sys.executable, "-c", self.CODE, str(self.course), self.db_url, assignment_id]
        self.processes.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )

    def wait(self) -> None:
        for process in self.processes:
            process.wait()


@event.listens_for(Engine, "connect")
def _quick_sqlite(connection, _record) -> None:
    """SQLite gradebooks in WAL mode: a commit need not wait for the disk (a crash of this
    process still loses nothing committed), and readers never block the one writer."""
    if type(connection).__module__.startswith("sqlite3"):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _execution_notes(execution: Execution) -> list[str]:
    """What went wrong in cells that are not grade cells (grade cells say it themselves)."""
    notes = []
    for index, problem in sorted(execution.problems.items()):
        cell = execution.notebook.cells[index]
        if cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        what = (
            "ran past the time limit and was stopped"
            if problem == TIMEOUT
            else "stopped the kernel (os._exit, a crash, or too much memory)"
        )
        notes.append(f"code cell {index + 1} {what}; the cells after it ran in a fresh kernel")
    return notes


def short_message(text: str) -> str:
    """One line, at most :data:`MESSAGE_LIMIT` characters, without terminal colour codes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text or "")
    text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def classify_outputs(outputs: list) -> Verdict:
    """The outcome of an executed cell from its outputs, as the kernel reported it."""
    for output in outputs:
        if output.get("output_type") != "error":
            continue
        ename, evalue = output.get("ename", ""), output.get("evalue", "")
        if ename in ("CheckFailure", "AssertionError"):
            return Verdict("failed", short_message(evalue) or "a check failed")
        return Verdict("error", short_message(f"{ename}: {evalue}"))
    return Verdict("passed")


# --------------------------------------------------------------------------------------------
# nbgrader's side
# --------------------------------------------------------------------------------------------
#: (student_id, assignment_id) to (executed notebook, verdicts), for :class:`SandboxExecute`.
_JUDGED: dict[tuple[str, str], tuple[nbformat.NotebookNode, dict[str, Verdict]]] = {}


class SandboxExecute(NbGraderPreprocessor):
    """Takes the place of nbgrader's ``Execute``: fills in the outputs of the sandboxed run and
    the grader's verdicts, so that nbgrader scores and records them as usual."""

    def preprocess(self, nb, resources):
        key = (resources["nbgrader"]["student"], resources["nbgrader"]["assignment"])
        executed, verdicts = _JUDGED[key]
        ours = [c.source for c in nb.cells]
        theirs = [c.source for c in executed.cells]
        if ours != theirs:
            raise RuntimeError("the notebook changed between execution and scoring")
        for cell, done in zip(nb.cells, executed.cells, strict=True):
            if cell.cell_type != "code":
                continue
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in verdicts:
                cell.outputs = verdict_outputs(verdicts[gid])
            else:
                cell.outputs = done.get("outputs", [])
            cell.execution_count = done.get("execution_count")
        return nb, resources


#: nbgrader's autograde preprocessors with the sandboxed execution in place of ``Execute``.
AUTOGRADE_PREPROCESSORS = [
    SandboxExecute,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]


# --------------------------------------------------------------------------------------------
# Parallel execution
# --------------------------------------------------------------------------------------------
class ExecutionPool:
    """Runs notebooks in ``workers`` grading workers at once, on an event loop of its own
    thread (the grader's main thread meanwhile judges and records finished ones)."""

    def __init__(self, slots: list[WorkerSlot], limits: Limits, mpl_cache: Path | None) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        runners = [GradingWorker(slot, limits, mpl_cache) for slot in slots]
        self.runners = runners

        async def make_queue():
            queue: asyncio.Queue = asyncio.Queue()
            for runner in runners:
                queue.put_nowait(runner)
            return queue

        self.free = asyncio.run_coroutine_threadsafe(make_queue(), self.loop).result()
        for runner in runners:  # start loading now, while the grader prepares hand-ins
            asyncio.run_coroutine_threadsafe(runner.ensure_started(), self.loop)

    def submit(self, nb, grade_ids, cases, support_files) -> concurrent.futures.Future:
        async def run():
            runner = await self.free.get()
            try:
                return await runner.run(nb, grade_ids, cases, support_files)
            finally:
                self.free.put_nowait(runner)

        return asyncio.run_coroutine_threadsafe(run(), self.loop)

    def close(self) -> None:
        async def stop_all():
            for runner in self.runners:
                await runner.stop()

        try:
            asyncio.run_coroutine_threadsafe(stop_all(), self.loop).result(timeout=30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)


@dataclass
class _Job:
    """A submission on its way through the grader."""

    submission: Submission
    notes: list[str]
    sanitized: nbformat.NotebookNode | None = None
    cases: dict = field(default_factory=dict)
    future: concurrent.futures.Future | None = None
    verdicts: dict[str, Verdict] | None = None  # decided without running (unreadable, missing)


# --------------------------------------------------------------------------------------------
# The grader
# --------------------------------------------------------------------------------------------
class Grader:
    """Grades submissions into ``out``.

    Parameters
    ----------
    out : Path
        Output folder: ``grades.csv``, ``cell_grades.csv``, ``feedback/``, the gradebook and
        nbgrader's working course directory (``nbgrader/``) go there.
    db_url : str, optional
        The gradebook's SQLAlchemy URL; ``sqlite:///OUT/gradebook.db`` by default.
    source : Path
        The instructor notebooks.
    workers : int, optional
        Kernels running at once; the number of cores by default.
    unsafe : bool
        Run kernels without the sandbox (only where bubblewrap cannot run; never for
        untrusted submissions). Hidden checks are still judged outside the kernel.
    limits : Limits
        Resource limits of each kernel.
    """

    def __init__(
        self,
        out: Path,
        db_url: str | None = None,
        source: Path = SOURCE,
        workers: int | None = None,
        unsafe: bool = False,
        limits: Limits | None = None,
    ) -> None:
        self.out = Path(out).resolve()
        self.course = self.out / "nbgrader"
        self.course.mkdir(parents=True, exist_ok=True)
        os.chmod(self.course, 0o700)  # submissions and the gradebook: nobody else's business
        self.db_url = db_url or f"sqlite:///{self.out / 'gradebook.db'}"
        self.source = Path(source).resolve()
        link = self.course / "source"
        if not link.exists():
            link.symlink_to(self.source, target_is_directory=True)
        self.api = open_api(self.course, "release", self.db_url, AUTOGRADE_PREPROCESSORS)
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.unsafe = unsafe
        self.limits = limits or Limits()
        self._started = time.time() - 1
        self._plans: dict[str, dict[str, GradeCellPlan]] = {}
        self._points: dict[str, list[tuple[str, float]]] = {}
        self._sources: dict[str, nbformat.NotebookNode] = {}
        self._support: dict[str, list[Path]] = {}
        self._sanitizers = [
            cls(config=self.api.config)
            for cls in (
                ClearOutput,
                DeduplicateIds,
                OverwriteKernelspec,
                OverwriteCells,
                CheckCellMetadata,
            )
        ]

    # ----------------------------------------------------------------------------------------
    def prepare(self, assignment_id: str) -> None:
        """Record the assignment in the gradebook (nbgrader's generate_assignment)."""
        result = self.api.generate_assignment(assignment_id, force=True, create=True)
        raise_on_failure(result, f"prepare {assignment_id} for grading")
        notebook = self.source / assignment_id / f"{assignment_id}.ipynb"
        self._plans[assignment_id] = plan_grade_cells(notebook)
        self._points[assignment_id] = grade_cells(notebook)
        self._sources[assignment_id] = nbformat.read(notebook, as_version=4)
        self._support[assignment_id] = sorted(
            p
            for p in (self.source / assignment_id).iterdir()
            if p.is_file() and p.suffix != ".ipynb" and not p.name.startswith(".")
        )

    def grade(self, submission: Submission) -> SubmissionGrade:
        """Grade one submission (see :meth:`grade_all`)."""
        return self.grade_all([submission])[0]

    def grade_all(
        self,
        submissions: Iterable[Submission],
        progress: Callable[[SubmissionGrade], None] | None = None,
    ) -> list[SubmissionGrade]:
        """Grade every submission, ``workers`` kernels at a time, in a stable order.

        Submissions graded by an earlier run (same file, same grader) are not run again.
        """
        submissions = list(submissions)
        results: dict[tuple[str, str], SubmissionGrade] = {}
        todo = []
        for sub in submissions:
            done = self._load_result(sub)
            if done is not None:
                results[sub.key] = done
                if progress:
                    progress(done)
            else:
                todo.append(sub)
        # One assignment after the other, so that each one's feedback can be written (in a side
        # process) as soon as its last hand-in is recorded, while the next one is graded.
        todo.sort(key=lambda sub: (sub.assignment_id, sub.student_id))
        left = {
            aid: sum(s.assignment_id == aid for s in todo)
            for aid in {s.assignment_id for s in todo}
        }
        feedback = _FeedbackWriter(self.course, self.db_url)
        for aid in sorted({s.assignment_id for s in submissions} - set(left)):
            feedback.schedule(aid)
        if todo:
            pool = self._pool()  # the workers load while the first hand-ins are prepared
            try:
                window: deque[_Job] = deque()
                pending = iter(todo)
                for sub in pending:
                    self._prepared(sub.assignment_id)
                    window.append(self._start(sub, pool))
                    if len(window) >= 2 * self.workers:
                        break
                while window:
                    job = window.popleft()
                    grade = self._finish(job)
                    results[job.submission.key] = grade
                    if progress:
                        progress(grade)
                    left[grade.assignment] -= 1
                    if not left[grade.assignment]:
                        feedback.schedule(grade.assignment)
                    nxt = next(pending, None)
                    if nxt is not None:
                        self._prepared(nxt.assignment_id)
                        window.append(self._start(nxt, pool))
            finally:
                pool.close()
        feedback.wait()
        graded = [results[s.key] for s in submissions]
        self._collect_feedback(graded)
        return graded

    def _prepared(self, assignment_id: str) -> None:
        if assignment_id not in self._plans:
            self.prepare(assignment_id)

    # ----------------------------------------------------------------------------------------
    def _pool(self) -> ExecutionPool:
        scratch = self.course / "scratch"
        slots = [
            WorkerSlot(None if self.unsafe else _first_uid() + i, scratch / f"worker-{i}")
            for i in range(self.workers)
        ]
        return ExecutionPool(slots, self.limits, None if self.unsafe else self._mpl_cache())

    def _mpl_cache(self) -> Path | None:
        """Build matplotlib's font list once, so that no kernel spends seconds rebuilding it."""
        folder = self.course / "mplcache"
        found = sorted(folder.glob("fontlist-*.json"))
        if not found:
            folder.mkdir(exist_ok=True)
            env = dict(os.environ, MPLCONFIGDIR=str(folder))
            subprocess.run(
                [sys.executable, "-c", "import matplotlib.font_manager"],
                env=env,
                check=False,
                capture_output=True,
            )
            found = sorted(folder.glob("fontlist-*.json"))
        if not found:
            return None
        found[-1].chmod(0o644)
        return found[-1]

    def _seed(self, sub: Submission) -> int:
        secret = os.environ.get("AUTOGRADER_SECRET", "")
        return zlib.crc32(f"{secret}/{sub.student_id}/{sub.assignment_id}".encode())

    def _staged_path(self, sub: Submission) -> Path:
        aid = sub.assignment_id
        return self.course / "submitted" / sub.student_id / aid / f"{aid}.ipynb"

    def _start(self, sub: Submission, pool: ExecutionPool) -> _Job:
        """Read, repair, stage and sanitise one submission, then queue its execution."""
        aid = sub.assignment_id
        job = _Job(sub, [sub.note] if sub.note else [])
        staged = self._staged_path(sub)
        if staged.parent.exists():
            shutil.rmtree(staged.parent)
        staged.parent.mkdir(parents=True)
        nb, reason, status = None, "", ""
        if sub.notebook is None:
            reason, status = sub.note or "no notebook handed in", "missing"
        else:
            try:
                nb = read_submission(sub.notebook)
                job.notes += repair(nb, self._sources[aid])
            except Unreadable as err:
                reason, status = str(err), "error"
        if nb is None:
            # Grade the untouched release instead, so nbgrader records a zero for every cell.
            nb = nbformat.read(self.course / "release" / aid / f"{aid}.ipynb", as_version=4)
            job.verdicts = {gid: Verdict(status, reason) for gid in self._plans[aid]}
        nbformat.write(nb, staged)
        try:
            job.sanitized = self._sanitize(nb, sub)
            # Staged sanitised: nbgrader's autograde then skips sanitising it again.
            nbformat.write(job.sanitized, staged)
        except Exception as err:  # nbgrader refused the notebook even after repair
            job.verdicts = {
                gid: Verdict("error", f"the notebook could not be read for grading: {err}")
                for gid in self._plans[aid]
            }
            return job
        if job.verdicts is None:
            job.cases = draw_cases(self._plans[aid], self._seed(sub))
            files = encode_cases(self._plans[aid], job.cases)
            grade_ids = {
                i: c.metadata["nbgrader"]["grade_id"]
                for i, c in enumerate(job.sanitized.cells)
                if c.metadata.get("nbgrader", {}).get("grade")
            }
            executed = nbformat.from_dict(json.loads(json.dumps(job.sanitized)))
            job.future = pool.submit(executed, grade_ids, files, self._support[aid])
        return job

    def _sanitize(self, nb: nbformat.NotebookNode, sub: Submission) -> nbformat.NotebookNode:
        """The notebook as nbgrader's autograde will see it after its own sanitising."""
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        resources = {
            "nbgrader": {
                "notebook": sub.assignment_id,
                "assignment": sub.assignment_id,
                "student": sub.student_id,
                "db_url": self.db_url,
            }
        }
        for preprocessor in self._sanitizers:
            nb, resources = preprocessor.preprocess(nb, resources)
        return nb

    def _finish(self, job: _Job) -> SubmissionGrade:
        """Judge, record in the gradebook, write feedback and the result file."""
        sub = job.submission
        sid, aid = sub.key
        grade = SubmissionGrade(sid, aid, note="; ".join(n for n in job.notes if n))
        try:
            if job.verdicts is not None:
                executed, verdicts = job.sanitized, job.verdicts
            else:
                execution: Execution = job.future.result()
                executed = execution.notebook
                grade.note = "; ".join(filter(None, [grade.note, *_execution_notes(execution)]))
                verdicts = judge_cells(
                    self._plans[aid], job.cases, execution.records, self._in_kernel(execution)
                )
            if executed is None:
                raise RuntimeError(next(iter(verdicts.values())).message)
            _JUDGED[sub.key] = (executed, verdicts)
            try:
                outcome = self.api.autograde(aid, sid, force=True, create=True)
            finally:
                _JUDGED.pop(sub.key, None)
            raise_on_failure(outcome, f"record the grades of {sid}/{aid}")
            grade.cells = self._read_cells(sid, aid, verdicts)
        except Exception as err:  # one broken submission never stops the batch
            message = short_message(str(err)) or type(err).__name__
            grade.cells = [
                CellGrade(sid, aid, gid, 0.0, pts, "error", f"grading failed: {message}")
                for gid, pts in self._points[aid]
            ]
            grade.feedback = self._plain_feedback(grade)
        self._save_result(job, grade)
        return grade

    def _in_kernel(self, execution: Execution) -> dict[str, Verdict]:
        """Each grade cell's outcome as the kernel reported it."""
        outcomes = {}
        for index, cell in enumerate(execution.notebook.cells):
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if not gid:  # solution cells too: a syntax error there explains later failures
                continue
            problem = execution.problems.get(index)
            if problem == TIMEOUT:
                outcomes[gid] = Verdict(
                    "timeout",
                    f"the cell ran longer than {self.limits.cell_seconds} s (or the "
                    f"notebook longer than {self.limits.notebook_seconds} s) and was stopped",
                )
            elif problem == DIED:
                outcomes[gid] = Verdict(
                    "error",
                    "the kernel died while this cell ran (os._exit, a crash, or more "
                    "memory than allowed)",
                )
            else:
                outcomes[gid] = classify_outputs(cell.get("outputs", []))
        return outcomes

    def _read_cells(self, sid: str, aid: str, verdicts: dict[str, Verdict]) -> list[CellGrade]:
        with Gradebook(self.db_url, COURSE_ID) as gb:
            try:
                graded = gb.find_submission_notebook(aid, aid, sid)
                scores = {g.name: (g.score, g.max_score) for g in graded.grades}
            except MissingEntry:
                scores = {}
        cells = []
        for gid, points in self._points[aid]:
            verdict = verdicts.get(gid, Verdict("missing", "grade cell not found"))
            score, max_score = scores.get(gid, (0.0, points))
            cells.append(
                CellGrade(
                    sid,
                    aid,
                    gid,
                    float(score or 0.0),
                    float(max_score),
                    verdict.status,
                    short_message(verdict.message),
                )
            )
        return cells

    # ----------------------------------------------------------------------------------------
    def _feedback_dir(self, sid: str, aid: str) -> Path:
        target = self.out / "feedback" / sid / aid
        target.mkdir(parents=True, exist_ok=True)
        return target

    def _collect_feedback(self, grades: list[SubmissionGrade]) -> None:
        """Copy nbgrader's feedback pages to ``OUT/feedback``; a plain page where it made none."""
        for grade in grades:
            if grade.feedback is not None:
                continue  # grading failed: the plain page is written already
            sid, aid = grade.student_id, grade.assignment
            produced = self.course / "feedback" / sid / aid / f"{aid}.html"
            if produced.exists() and produced.stat().st_mtime >= self._started:
                grade.feedback = self._feedback_dir(sid, aid) / f"{aid}.html"
                shutil.copyfile(produced, grade.feedback)
            else:
                grade.feedback = self._plain_feedback(grade)

    def _plain_feedback(self, grade: SubmissionGrade) -> Path:
        """A feedback page written without nbgrader, for submissions it could not record."""
        rows = "".join(
            f"<tr><td>{html.escape(c.grade_id)}</td><td>{c.score:g} / {c.max_score:g}</td>"
            f"<td>{html.escape(c.status)}</td><td>{html.escape(c.message)}</td></tr>"
            for c in grade.cells
        )
        note = f"<p>{html.escape(grade.note)}</p>" if grade.note else ""
        page = (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{grade.assignment}</title>"
            f"</head><body><h1>{html.escape(grade.assignment)}: {grade.score:g} / "
            f"{grade.max_score:g}</h1>{note}<table border='1'><tr><th>check</th><th>score</th>"
            f"<th>status</th><th>message</th></tr>{rows}</table></body></html>"
        )
        target = self._feedback_dir(grade.student_id, grade.assignment) / f"{grade.assignment}.html"
        target.write_text(page, encoding="utf-8")
        return target

    # ----------------------------------------------------------------------------------------
    def _result_path(self, sub: Submission) -> Path:
        return self.course / "results" / sub.student_id / f"{sub.assignment_id}.json"

    def _fingerprint(self, sub: Submission) -> str:
        digest = "none"
        if sub.notebook is not None:
            digest = hashlib.sha256(sub.notebook.read_bytes()).hexdigest()
        source = (self.source / sub.assignment_id / f"{sub.assignment_id}.ipynb").read_bytes()
        return f"{RESULT_VERSION}:{digest}:{hashlib.sha256(source).hexdigest()}"

    def _load_result(self, sub: Submission) -> SubmissionGrade | None:
        path = self._result_path(sub)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("fingerprint") != self._fingerprint(sub):
            return None
        return SubmissionGrade.from_json(data["grade"])

    def _save_result(self, job: _Job, grade: SubmissionGrade) -> None:
        path = self._result_path(job.submission)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        data = {"fingerprint": self._fingerprint(job.submission), "grade": grade.to_json()}
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)  # atomic: a result file is complete or absent
