"""Command line of the course: ``python -m autograder release`` and ``... grade``."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from autograder.course import RELEASE, SOURCE, assignment_ids
from autograder.safe_text import for_terminal


def grade_command(submissions: Path, out: Path, *options: str) -> list[str]:
    """The command line that runs ``python -m autograder grade`` in a process of its own.

    Parameters
    ----------
    submissions, out : Path
        The ``SUBMISSIONS`` folder and ``--out``.
    *options : str
        Further options, for example ``"--workers", "2"``.
    """
    return [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        str(submissions),
        "--out",
        str(out),
        *options,
    ]


def _release(args: argparse.Namespace) -> int:
    from autograder.release import release

    written = release(out=Path(args.out), source=Path(args.source), ids=args.assignment or None)
    for path in written:
        print(f"released {path}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from autograder.grading import Grader
    from autograder.reports import ProgressBar, summary_table, write_reports
    from autograder.sandbox import Limits, sandbox_problem
    from autograder.settings import SettingsError, due_dates, extensions, user_config
    from autograder.sharing import group_id, share
    from autograder.similarity import SimilarityRun, staged_notebooks
    from autograder.submissions import find_submissions

    try:
        config = user_config(args.settings)
        due = due_dates(args.due, Path(args.due_dates) if args.due_dates else None)
        granted = extensions(Path(args.extensions)) if args.extensions else None
        gid = group_id(args.group) if args.group else None
    except (SettingsError, OSError, ValueError) as err:
        print(f"grade: {for_terminal(str(err))}", file=sys.stderr)
        return 2
    submissions_dir = Path(args.submissions).resolve()
    out = Path(args.out).resolve()
    source = Path(args.source).resolve()
    known = assignment_ids(source)
    if not known:
        print(f"grade: no assignments found under {source}", file=sys.stderr)
        return 2
    lms = None
    if submissions_dir.is_file() or _looks_like_lms(submissions_dir, known):
        from autograder.lms import LmsError, import_export

        try:
            lms = import_export(
                submissions_dir,
                out / "nbgrader" / "lms",
                known,
                roster=Path(args.roster) if args.roster else None,
                assignment=args.assignment,
            )
        except (LmsError, OSError) as err:
            print(f"grade: {for_terminal(str(err))}", file=sys.stderr)
            return 2
        submissions_dir = lms.folder
    if not submissions_dir.is_dir():
        print(f"grade: {submissions_dir} is not a folder of submissions", file=sys.stderr)
        return 2
    staging = out / "nbgrader" / "submitted"
    if submissions_dir == staging or staging in submissions_dir.parents:
        # It stages every hand-in there, sanitised: graded in place, the hand-ins would be
        # replaced (their saved outputs, repair notes and exchange files lost).
        print(
            f"grade: {submissions_dir} is where the grader stages the hand-ins of {out}; grade "
            f"the folder they were collected into (formgrader's Collect with COURSE_OUT={out}: "
            f"{out / 'nbgrader' / 'collected'})",
            file=sys.stderr,
        )
        return 2
    submissions, warnings = find_submissions(submissions_dir, known)
    if lms is not None:
        submissions = lms.annotate(submissions)
        warnings = lms.warnings + warnings
    for warning in warnings:
        print(f"skipped {warning}", file=sys.stderr)
    if not submissions:
        print(f"grade: no submissions found under {submissions_dir}", file=sys.stderr)
        return 2
    # On a cluster each Dask worker checks its own sandbox (autograder.distributed).
    if not args.unsafe and not args.scheduler and (problem := sandbox_problem()):
        print(
            f"grade: refusing to run student code without the sandbox: {problem}.\n"
            f"Pass --unsafe to grade anyway (only for submissions you trust).",
            file=sys.stderr,
        )
        return 2
    limits = Limits(
        cell_seconds=args.cell_timeout,
        notebook_seconds=args.notebook_timeout,
        memory_bytes=args.memory_mb * 1024 * 1024,
    )
    cluster = None
    if args.scheduler:
        from autograder.distributed import DaskCluster

        try:
            cluster = DaskCluster(args.scheduler, limits, unsafe=args.unsafe)
        except RuntimeError as err:  # unreachable, no worker, or none can sandbox
            print(f"grade: {for_terminal(str(err))}", file=sys.stderr)
            return 2
    grader = Grader(
        out,
        db_url=args.db,
        source=source,
        workers=cluster.capacity if cluster else args.workers,
        pool_factory=cluster.pool if cluster else None,
        unsafe=args.unsafe,
        limits=limits,
        config=config,
        reset_manual=args.reset_manual,
        due=due,
        extensions=granted,
        group=gid,
    )
    bar = ProgressBar(len(submissions))
    staged = out / "nbgrader" / "submitted"
    release = out / "nbgrader" / "release"
    similarity = SimilarityRun()
    try:
        grades = grader.grade_all(
            submissions,
            progress=lambda g: bar.update(f"{g.student_id}/{g.assignment}"),
            # The class report's similarity check runs beside the batch's last notebooks.
            staged=lambda: similarity.start(staged_notebooks(staged), release),
        )
    finally:
        if cluster is not None:
            cluster.close()
    # Every submission of the gradebook, not this batch alone: a regrade keeps the others.
    course = grader.course_grades()
    paths = write_reports(out, course)
    if lms is not None:
        for kind, path in lms.export(out, course).items():
            paths[kind] = path
            print(f"{kind}: {path}")
    from autograder.class_report import write_class_report

    graded = {
        (g.student_id, g.assignment): staged / g.student_id / g.assignment / f"{g.assignment}.ipynb"
        for g in course
    }
    existing = {k: p for k, p in graded.items() if p.is_file()}
    paths["report"] = write_class_report(out, course, existing, release, similarity)
    share(out, gid)  # the reports and exports too
    kept = [
        f"{c.student_id}/{c.assignment}/{c.grade_id} {c.manual:g} (autograder {c.auto_score:g})"
        for g in grades
        for c in g.cells
        if c.manual is not None and c.auto_score is not None and c.manual != c.auto_score
    ]
    if kept:
        print(
            "manual grades kept (grade --reset-manual drops them): " + ", ".join(kept),
            file=sys.stderr,
        )
    print(summary_table(grades))
    print(f"\ngrades: {paths['grades']}\nper cell: {paths['cell_grades']}")
    print(f"per exercise: {paths['exercise_stats']}\nfeedback: {out / 'feedback'}")
    print(f"class report: {paths['report']}")
    return 0


def _looks_like_lms(folder: Path, known: list[str]) -> bool:
    """A flat folder of files (Canvas) or of ``..._assignsubmission_file_`` folders (Moodle),
    rather than nbgrader's ``<student>/<assignment>/`` layout."""
    if not folder.is_dir():
        return False
    entries = [e for e in folder.iterdir() if not e.name.startswith(".")]
    files = [e for e in entries if e.is_file() and not e.is_symlink()]
    moodle = [e for e in entries if e.is_dir() and "_assignsubmission_" in e.name]
    return bool(moodle) or (bool(files) and len(files) >= len(entries) - len(moodle))


def _samples(args: argparse.Namespace) -> int:
    from autograder.samples import write_demo_submissions

    written = write_demo_submissions(Path(args.folder), args.assignment or None)
    print(f"wrote {len(written)} sample submissions under {Path(args.folder).resolve()}")
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from autograder.bundle import main as bundle

    return bundle(args.assignment, args.out)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m autograder", description="Release and grade the course's notebooks."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="regenerate notebooks/ from source/")
    release.add_argument("--out", default=str(RELEASE), help="release folder (default notebooks/)")
    release.add_argument("--source", default=str(SOURCE), help=argparse.SUPPRESS)
    release.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
    release.set_defaults(run=_release)

    grade = commands.add_parser("grade", help="grade a folder of submissions")
    grade.add_argument(
        "submissions", help="folder laid out as <student_id>/<assignment_id>/<assignment_id>.ipynb"
    )
    grade.add_argument("--out", required=True, help="where grades, feedback and gradebook go")
    grade.add_argument(
        "--db", default=None, help="gradebook SQLAlchemy URL (default sqlite:///OUT/gradebook.db)"
    )
    grade.add_argument(
        "--workers", type=int, default=None, help="kernels at once (default: number of cores)"
    )
    grade.add_argument(
        "--unsafe",
        action="store_true",
        help="run kernels without the bubblewrap sandbox (trusted submissions only)",
    )
    grade.add_argument("--cell-timeout", type=int, default=60, help="seconds per cell (60)")
    grade.add_argument(
        "--notebook-timeout", type=int, default=600, help="seconds per notebook (600)"
    )
    grade.add_argument("--memory-mb", type=int, default=2048, help="memory per kernel (2048)")
    grade.add_argument(
        "--reset-manual",
        action="store_true",
        help="drop the manual grades (formgrader) of the submissions graded; by default they "
        "are kept and marked in cell_grades.csv",
    )
    grade.add_argument(
        "--due",
        action="append",
        default=[],
        metavar="ASSIGNMENT=WHEN",
        help="due date of an assignment (ISO 8601, UTC without a zone); repeatable",
    )
    grade.add_argument("--due-dates", help="CSV of due dates: assignment, duedate")
    grade.add_argument(
        "--extensions",
        help="CSV of extensions: student_id, assignment and minutes/hours/days/weeks",
    )
    grade.add_argument(
        "--roster",
        help="LMS export: CSV mapping the LMS's ids to student ids (see README)",
    )
    grade.add_argument(
        "--assignment", help="LMS export: the assignment, when the file names do not say it"
    )
    grade.add_argument(
        "--group",
        help="make everything under OUT readable by this group (teaching assistants); by "
        "default OUT/nbgrader and the gradebook are the owner's alone",
    )
    grade.add_argument(
        "--scheduler",
        help="grade on a Dask cluster: the scheduler's address (tcp://host:8786), or local:N "
        "for N single-core Dask workers on this machine",
    )
    grade.add_argument("--source", default=str(SOURCE), help=argparse.SUPPRESS)
    grade.set_defaults(run=_grade)

    samples = commands.add_parser(
        "samples", help="write sample submissions (complete, half done, blank) for a demo"
    )
    samples.add_argument("folder", help="where to write <student>/<assignment>/<assignment>.ipynb")
    samples.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
    samples.set_defaults(run=_samples)

    bundle = commands.add_parser(
        "bundle", help="zip the release of assignments, utils/ and a student's requirements"
    )
    bundle.add_argument("assignment", nargs="+", help="assignment ids")
    bundle.add_argument("--out", required=True, help="the zip file to write")
    bundle.set_defaults(run=_bundle)

    commands.add_parser(
        "benchmark",
        help="time each notebook as students run it, and this grader against plain nbgrader",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["benchmark"]:  # its own options: see autograder/benchmark.py
        from autograder.benchmark import main as benchmark

        return benchmark(argv[1:])
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "grade":
        # nbgrader-style settings (--LateSubmissionPlugin.penalty_method=zero) go to nbgrader.
        from autograder.settings import SETTING

        args.settings = [a for a in rest if SETTING.match(a)]
        rest = [a for a in rest if not SETTING.match(a)]
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    # nbgrader's gradebook code triggers SQLAlchemy warnings that say nothing to an instructor.
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    try:
        return args.run(args)
    except RuntimeError as err:  # nbgrader could not run at all: say why, exit non-zero
        print(f"error: {for_terminal(str(err))}", file=sys.stderr)
        return 1
