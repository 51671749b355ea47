"""Similar solutions for the class report: the solution cells of each pair of students of an
assignment compared with copydetect (winnowed fingerprints, as MOSS), the release's own text
as boilerplate.

copydetect fingerprints k-grams with Python's ``hash()``, which is salted per process: run in
the grader's process, a pair near the threshold was listed in one run and not the next (45
hand-ins: 57 pairs, then 66). :class:`SimilarityRun` runs the check in a process of its own
with a fixed hash seed, so the same notebooks always give the same pairs; the grader starts it
as soon as the batch's last hand-in is staged, so it runs beside the last notebooks instead of
after them.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np

#: Share of each solution's tokens found in the other above which a pair is listed.
SIMILARITY = 0.8
#: copydetect's noise threshold (k-gram length) and window for short solution cells.
NOISE, GUARANTEE = 12, 16
#: The hash seed of the check's process: any fixed value makes it reproducible.
HASH_SEED = "0"

Notebooks = dict[tuple[str, str], Path]


@dataclass
class SimilarPair:
    """Two students' solutions of one assignment that share most of their code.

    Attributes
    ----------
    similarity : tuple of float
        Share of the first solution's tokens found in the second, and the other way round.
    texts : tuple of str
        The two solutions' text.
    slices : tuple of ndarray
        For each text, an array of shape (2, n): start and end offsets of the n shared runs.
    """

    assignment: str
    first: str
    second: str
    similarity: tuple[float, float]
    texts: tuple[str, str]
    slices: tuple


def solution_text(notebook: Path, boilerplate: dict[str, str]) -> str:
    """The student's solution cells of a notebook, those changed from the release, joined."""
    nb = nbformat.read(notebook, as_version=4)
    parts = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            if cell.source.strip() != boilerplate.get(meta.get("grade_id"), "").strip():
                parts.append(cell.source)
    return "\n\n".join(parts)


def similar_pairs(
    notebooks: Notebooks, release: Path, threshold: float = SIMILARITY
) -> list[SimilarPair]:
    """Pairs of students whose solutions of one assignment share at least ``threshold`` of
    their tokens both ways, computed in this process (reproducible only under a fixed
    ``PYTHONHASHSEED``: use :class:`SimilarityRun`)."""
    from copydetect import CodeFingerprint, compare_files

    by_assignment = defaultdict(dict)
    for (sid, aid), path in notebooks.items():
        by_assignment[aid][sid] = path
    pairs = []
    for aid, students in sorted(by_assignment.items()):
        released = release / aid / f"{aid}.ipynb"
        stubs = {}
        if released.is_file():
            for cell in nbformat.read(released, as_version=4).cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution"):
                    stubs[meta.get("grade_id")] = cell.source
        # language="python": copydetect otherwise finds the lexer from the file name, by
        # matching it against every lexer pygments has.
        base = CodeFingerprint(
            "release.py",
            NOISE,
            GUARANTEE - NOISE + 1,
            language="python",
            fp=io.StringIO("\n\n".join(stubs.values())),
        )
        prints = {}
        for sid, path in sorted(students.items()):
            try:
                text = solution_text(path, stubs)
            except Exception:  # an unreadable notebook has nothing to compare
                continue
            if len(text) < 40:
                continue
            prints[sid] = (
                text,
                CodeFingerprint(
                    f"{sid}.py",
                    NOISE,
                    GUARANTEE - NOISE + 1,
                    boilerplate=np.array(sorted(base.hashes)),
                    language="python",
                    fp=io.StringIO(text),
                ),
            )
        for (a, (_, fa)), (b, (_, fb)) in itertools.combinations(sorted(prints.items()), 2):
            _, (sa, sb), slices = compare_files(fa, fb)
            if min(sa, sb) >= threshold:
                pairs.append(
                    SimilarPair(
                        aid, a, b, (float(sa), float(sb)), (fa.raw_code, fb.raw_code), slices
                    )
                )
    return pairs


def staged_notebooks(staged: Path) -> Notebooks:
    """Every notebook the grader has staged in ``staged`` (``OUT/nbgrader/submitted``), by
    ``(student_id, assignment)``."""
    return {
        (path.parent.parent.name, path.parent.name): path
        for path in sorted(staged.glob("*/*/*.ipynb"))
        if path.stem == path.parent.name
    }


class SimilarityRun:
    """:func:`similar_pairs` in a process of its own, with a fixed hash seed (see the module).

    ``start`` returns at once; ``pairs`` waits for the result.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._checked: Notebooks = {}
        self._release: Path | None = None

    def start(self, notebooks: Notebooks, release: Path) -> SimilarityRun:
        """Start checking ``notebooks`` (``(student_id, assignment)`` to notebook)."""
        self._checked, self._release = dict(notebooks), Path(release)
        job = {
            "release": str(release),
            "notebooks": [[sid, aid, str(path)] for (sid, aid), path in sorted(notebooks.items())],
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "autograder.similarity"],
            env=dict(os.environ, PYTHONHASHSEED=HASH_SEED),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._process.stdin.write(json.dumps(job))
        self._process.stdin.close()
        return self

    def pairs(self, notebooks: Notebooks) -> list[SimilarPair]:
        """The similar pairs among ``notebooks``: from the run started on them (or on more
        notebooks, whose other pairs are left out), else from a new run on them."""
        wanted = dict(notebooks)
        if self._process is None or any(self._checked.get(k) != p for k, p in wanted.items()):
            if self._release is None:
                raise ValueError("no similarity check was started")
            return SimilarityRun().start(wanted, self._release).pairs(wanted)
        output = self._process.stdout.read()
        self._process.wait()
        if self._process.returncode != 0:
            raise RuntimeError("the similarity check failed")
        return [
            SimilarPair(
                p["assignment"],
                p["first"],
                p["second"],
                tuple(p["similarity"]),
                tuple(p["texts"]),
                tuple(np.array(s) for s in p["slices"]),
            )
            for p in json.loads(output)
            if (p["first"], p["assignment"]) in wanted and (p["second"], p["assignment"]) in wanted
        ]


def main() -> int:
    """Read a :class:`SimilarityRun` job on stdin, print its pairs as JSON."""
    job = json.load(sys.stdin)
    notebooks = {(sid, aid): Path(path) for sid, aid, path in job["notebooks"]}
    pairs = similar_pairs(notebooks, Path(job["release"]))
    print(
        json.dumps(
            [
                {
                    "assignment": p.assignment,
                    "first": p.first,
                    "second": p.second,
                    "similarity": list(p.similarity),
                    "texts": list(p.texts),
                    "slices": [np.asarray(s).tolist() for s in p.slices],
                }
                for p in pairs
            ]
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
