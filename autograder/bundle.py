"""A student bundle: the release of chosen assignments as one zip a student can use alone.

``python -m autograder bundle 01_numpy_basics 02_logistic_regression --out week1.zip`` writes::

    dl-course/
      README.md           two commands for a fresh machine: install, open
      requirements.txt    the pins of requirements.txt that a student needs, and only those
      course_lab.py       opens JupyterLab on notebooks/ (autograder/student_mode.py)
      notebooks/<id>/     the release of each assignment chosen (from notebooks/)
      utils/              the student-visible helpers the notebooks import

and nothing else: no ``source/``, no ``autograder/`` (reference solutions, hidden checks), no
tests. Rule 1 of DESIGN.md allows an assignment to ship functions graded in an *earlier*
assignment (05's ``deep_network_steps.py``, generated from 04's reference by the release
(:mod:`autograder.support_modules`), answers nine of 04's graded functions); when a bundle
holds such a module together with the assignment it answers, :func:`answer_leaks` finds it and
``bundle`` warns: release the later assignment after the earlier one's due date.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.course import RELEASE, ROOT

#: The folder every file of the bundle sits in.
BUNDLE_DIR = "dl-course"
#: What a student installs: these distributions and everything they need, pinned as in
#: requirements.txt (nbgrader, the grader's tools and the test tools stay out).
STUDENT_PACKAGES = ("numpy", "matplotlib", "scikit-learn", "jupyterlab", "ipywidgets", "anywidget")
#: Python versions the pins are made for (see the head of requirements.txt).
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")
#: Fixed time stamp of every zip entry, so that the same release gives the same zip.
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


class BundleError(Exception):
    """The bundle cannot be made; the message says why."""


@dataclass(frozen=True)
class AnswerLeak:
    """A module of ``carrier``'s release that defines functions graded in ``answered``."""

    carrier: str
    module: str
    answered: str
    functions: tuple[str, ...]

    def warning(self) -> str:
        return (
            f"warning: {self.carrier} ships {self.module}, which defines "
            f"{len(self.functions)} functions graded in {self.answered} "
            f"({', '.join(self.functions)}). Give students {self.carrier} only after "
            f"{self.answered}'s due date, in a bundle of its own."
        )


# --------------------------------------------------------------------------------------------
# What is graded where
# --------------------------------------------------------------------------------------------
def graded_functions(notebook: Path) -> set[str]:
    """Names of the functions an assignment grades: the ``<function>`` of each grade cell's
    ``grade_id`` ``<function>__<check>`` (COURSE_SPEC)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    names = set()
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if meta.get("grade") and "__" in grade_id:
            names.add(grade_id.split("__", 1)[0])
    return names


def defined_functions(module: Path) -> set[str]:
    """Top-level function names a Python file defines."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def answer_leaks(assignments: Sequence[str], release: Path = RELEASE) -> list[AnswerLeak]:
    """Modules of one chosen assignment that answer graded functions of another chosen one.

    Parameters
    ----------
    assignments : sequence of str
        Assignment ids (folders of ``release``).
    release : Path
        The student release (``notebooks/``).

    Returns
    -------
    list of AnswerLeak
        Empty when no bundled module gives away a bundled assignment's answers.
    """
    graded = {a: graded_functions(release / a / f"{a}.ipynb") for a in assignments}
    leaks = []
    for carrier in assignments:
        for module in sorted((release / carrier).rglob("*.py")):
            defined = defined_functions(module)
            for answered in assignments:
                common = sorted(defined & graded[answered]) if answered != carrier else []
                if common:
                    rel = module.relative_to(release).as_posix()
                    leaks.append(AnswerLeak(carrier, rel, answered, tuple(common)))
    return leaks


# --------------------------------------------------------------------------------------------
# The student's requirements
# --------------------------------------------------------------------------------------------
def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_requirements(path: Path) -> dict[str, str]:
    """The lines of a pinned requirements file by canonical distribution name."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name = re.split(r"[\[=<>!~; ]", line, maxsplit=1)[0]
        pins[_canonical(name)] = line
    return pins


def student_requirements(
    top: Iterable[str] = STUDENT_PACKAGES, pins_file: Path = ROOT / "requirements.txt"
) -> list[str]:
    """The lines of ``pins_file`` that ``top`` and everything they need take.

    The closure is read from the installed distributions' metadata (this Python must have them,
    as the course's ``.venv`` does): every requirement for any Python of
    :data:`PYTHON_VERSIONS`, and those behind an extra when a requirement asks for the extra.
    Each line is copied from ``pins_file``, marker included.

    Raises
    ------
    BundleError
        When a needed distribution is not installed here or not pinned in ``pins_file``.
    """
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    pins = pinned_requirements(pins_file)
    seen: set[tuple[str, str]] = set()  # (distribution, extra asked for or "")
    todo = [(_canonical(t), "") for t in top]
    while todo:
        name, extra = todo.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        if name not in pins:
            raise BundleError(f"{name} is needed by the students' packages but not pinned")
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            # Pinned for another Python only (a marker): nothing to follow here.
            continue
        # An extra asked for (jsonschema[format-nongpl]) brings the requirements behind it.
        environments = [{"python_version": v, "extra": extra} for v in PYTHON_VERSIONS]
        for text in requires:
            req = Requirement(text)
            if req.marker is None or any(req.marker.evaluate(e) for e in environments):
                dep = _canonical(req.name)
                todo += [(dep, "")] + [(dep, _canonical(x)) for x in req.extras]
    return [pins[n] for n in sorted({n for n, _ in seen})]


# --------------------------------------------------------------------------------------------
# The bundle
# --------------------------------------------------------------------------------------------
def readme(assignments: Sequence[str], leaks: Sequence[AnswerLeak]) -> str:
    """The bundle's README: what is in it, two commands, and the instructor's release rule."""
    listed = "\n".join(f"* `notebooks/{a}/{a}.ipynb`" for a in assignments)
    warnings = "".join(f"\n**{leak.warning().removeprefix('warning: ')}**\n" for leak in leaks)
    return f"""# Deep learning in NumPy: your notebooks

{listed}

## On a fresh machine (Python 3.11, 3.12 or 3.13), in this folder

```bash
python3 -m venv .venv && .venv/bin/pip install -r requirements.txt   # install (once)
.venv/bin/python course_lab.py                                        # open JupyterLab
```

On Windows: `py -m venv .venv && .venv\\Scripts\\pip install -r requirements.txt`, then
`.venv\\Scripts\\python course_lab.py`.

JupyterLab opens on `notebooks/` in your browser (if not, open the address it prints). Work the
notebooks in order. In each graded cell replace `raise NotImplementedError()` with your code and
run the checks below it: "All visible checks ... passed" means the visible checks passed; hidden
checks on new inputs run when your notebook is graded, so write general code. Hand in
`notebooks/<assignment>/<assignment>.ipynb`, saved.

## For instructors

Made by `python -m autograder bundle ASSIGNMENT... --out FILE.zip` from the course's
checkout: the release of the assignments above, the course's `utils/` and the pinned packages a
student needs; no `source/`, no reference solutions, no hidden checks. An assignment may ship
the answers to an earlier one: 05_deep_network_application ships `deep_network_steps.py`, the
step functions graded in 04_deep_network. Release 05 only after 04's due date, in a bundle of
its own (`bundle` warns when both are in one bundle).
{warnings}"""


def bundle(
    assignments: Sequence[str],
    out: Path,
    *,
    release: Path = RELEASE,
    pins_file: Path = ROOT / "requirements.txt",
) -> list[AnswerLeak]:
    """Write the student bundle of ``assignments`` to the zip ``out``.

    Parameters
    ----------
    assignments : sequence of str
        Assignment ids, folders of ``release``.
    out : Path
        The zip file to write (its folder is created).
    release : Path
        The student release to take the notebooks from (``notebooks/``).
    pins_file : Path
        The course's pinned requirements.

    Returns
    -------
    list of AnswerLeak
        Modules that give away a bundled assignment's answers (the caller warns).

    Raises
    ------
    BundleError
        An unknown assignment, or a package a student needs that is not pinned.
    """
    assignments = list(dict.fromkeys(assignments))
    if not assignments:
        raise BundleError("name at least one assignment")
    for a in assignments:
        if not (release / a / f"{a}.ipynb").is_file():
            known = sorted(p.parent.name for p in release.glob("*/*.ipynb"))
            raise BundleError(f"no released assignment {a!r} in {release} (there are {known})")
    leaks = answer_leaks(assignments, release)
    requirements = student_requirements(pins_file=pins_file)
    files: dict[str, bytes] = {
        "README.md": readme(assignments, leaks).encode(),
        "requirements.txt": (
            "# What a student needs: numpy, matplotlib, scikit-learn, jupyterlab, ipywidgets,\n"
            "# anywidget and their dependencies, pinned as the course's requirements.txt.\n"
            + "\n".join(requirements)
            + "\n"
        ).encode(),
        "course_lab.py": (ROOT / "autograder" / "student_mode.py").read_bytes(),
    }
    for a in assignments:
        for path in sorted((release / a).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[f"notebooks/{path.relative_to(release).as_posix()}"] = path.read_bytes()
    utils = ROOT / "utils"
    for path in sorted(utils.rglob("*")):
        if (
            path.is_file()
            and "__pycache__" not in path.parts
            and path.suffix in {".py", ".js", ".css"}
        ):
            files[f"utils/{path.relative_to(utils).as_posix()}"] = path.read_bytes()
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{BUNDLE_DIR}/{name}", date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[name])
    return leaks


def main(assignments: Sequence[str], out: str) -> int:
    """``python -m autograder bundle``: write the zip, print what it holds and any warning."""
    try:
        leaks = bundle(assignments, Path(out))
    except BundleError as err:
        print(f"bundle: {err}", file=sys.stderr)
        return 2
    for leak in leaks:
        print(leak.warning(), file=sys.stderr)
    print(f"wrote {Path(out).resolve()}: {', '.join(dict.fromkeys(assignments))}")
    return 0
