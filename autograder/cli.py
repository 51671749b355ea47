"""Command line of the course: ``python -m autograder release`` and ``... grade``."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from autograder.course import RELEASE, SOURCE, assignment_ids
from autograder.safe_text import for_terminal


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
    from autograder.submissions import find_submissions

    submissions_dir = Path(args.submissions).resolve()
    if not submissions_dir.is_dir():
        print(f"grade: {submissions_dir} is not a folder of submissions", file=sys.stderr)
        return 2
    source = Path(args.source).resolve()
    known = assignment_ids(source)
    if not known:
        print(f"grade: no assignments found under {source}", file=sys.stderr)
        return 2
    submissions, warnings = find_submissions(submissions_dir, known)
    for warning in warnings:
        print(f"skipped {warning}", file=sys.stderr)
    if not submissions:
        print(f"grade: no submissions found under {submissions_dir}", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    if not args.unsafe and (problem := sandbox_problem()):
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
    grader = Grader(
        out, db_url=args.db, source=source, workers=args.workers, unsafe=args.unsafe, limits=limits
    )
    bar = ProgressBar(len(submissions))
    grades = grader.grade_all(
        submissions, progress=lambda g: bar.update(f"{g.student_id}/{g.assignment}")
    )
    paths = write_reports(out, grades)
    print(summary_table(grades))
    print(f"\ngrades: {paths['grades']}\nper cell: {paths['cell_grades']}")
    print(f"per exercise: {paths['exercise_stats']}\nfeedback: {out / 'feedback'}")
    return 0


def _samples(args: argparse.Namespace) -> int:
    from autograder.samples import write_demo_submissions

    written = write_demo_submissions(Path(args.folder), args.assignment or None)
    print(f"wrote {len(written)} sample submissions under {Path(args.folder).resolve()}")
    return 0


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
    grade.add_argument("--source", default=str(SOURCE), help=argparse.SUPPRESS)
    grade.set_defaults(run=_grade)

    samples = commands.add_parser(
        "samples", help="write sample submissions (complete, half done, blank) for a demo"
    )
    samples.add_argument("folder", help="where to write <student>/<assignment>/<assignment>.ipynb")
    samples.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
    samples.set_defaults(run=_samples)

    commands.add_parser(
        "benchmark", help="time this grader against plain nbgrader on a generated batch"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["benchmark"]:  # its own options: see autograder/benchmark.py
        from autograder.benchmark import main as benchmark

        return benchmark(argv[1:])
    args = build_parser().parse_args(argv)
    # nbgrader's gradebook code triggers SQLAlchemy warnings that say nothing to an instructor.
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    try:
        return args.run(args)
    except RuntimeError as err:  # nbgrader could not run at all: say why, exit non-zero
        print(f"error: {for_terminal(str(err))}", file=sys.stderr)
        return 1
