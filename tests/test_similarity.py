"""The class report's similarity check gives the same pairs, with the same shares, for the
same notebooks in every run (copydetect hashes with Python's per-process salted ``hash()``:
run in the grader's own process, the shares changed from one run to the next)."""

from __future__ import annotations

import pytest

from autograder.course import RELEASE
from autograder.similarity import SimilarityRun, staged_notebooks
from tests.course_outputs import AID, functions, write_hand_in


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    """01 answered by four students: completely (twice), all but one function, half."""
    folder = tmp_path_factory.mktemp("similar")
    every = functions()
    for sid, solved in {
        "ada": every,
        "ada_twin": every,
        "blaise": every[:-1],
        "carmen": every[: len(every) // 2],
        "dana": every[1:],
    }.items():
        write_hand_in(folder, sid, solved)
    return staged_notebooks(folder)


def _shares(pairs):
    return [(p.assignment, p.first, p.second, p.similarity) for p in pairs]


def test_every_run_lists_the_same_pairs_with_the_same_shares(notebooks, monkeypatch):
    assert set(notebooks) == {(s, AID) for s in ("ada", "ada_twin", "blaise", "carmen", "dana")}
    monkeypatch.setenv("PYTHONHASHSEED", "random")  # as any grader run has it
    runs = [SimilarityRun().start(notebooks, RELEASE).pairs(notebooks) for _ in range(4)]
    assert ("ada", "ada_twin") in [(p.first, p.second) for p in runs[0]]
    assert any(min(p.similarity) < 1 for p in runs[0])  # shares copydetect had to estimate
    for run in runs[1:]:
        assert _shares(run) == _shares(runs[0])
        assert [[s.tolist() for s in p.slices] for p in run] == [
            [s.tolist() for s in p.slices] for p in runs[0]
        ]


def test_a_run_on_more_notebooks_answers_for_fewer(notebooks):
    run = SimilarityRun().start(notebooks, RELEASE)
    fewer = {k: p for k, p in notebooks.items() if k[0] != "ada_twin"}
    pairs = run.pairs(fewer)
    assert pairs and not {"ada_twin"} & {name for p in pairs for name in (p.first, p.second)}
    alone = SimilarityRun().start(fewer, RELEASE).pairs(fewer)
    assert _shares(pairs) == _shares(alone)


def test_the_grader_says_once_when_every_hand_in_is_staged(tmp_path):
    """The cue for starting the similarity check while the last notebooks still run."""
    from autograder.grading import Grader
    from autograder.submissions import find_submissions

    for k in range(6):
        write_hand_in(tmp_path / "in", f"s{k}", functions())
    found, _ = find_submissions(tmp_path / "in", [AID])
    recorded, cues = [], []
    grader = Grader(tmp_path / "out", workers=1, unsafe=True)
    staged = tmp_path / "out" / "nbgrader" / "submitted"
    grader.grade_all(
        found,
        progress=recorded.append,
        staged=lambda: cues.append((len(staged_notebooks(staged)), len(recorded))),
    )
    assert len(recorded) == 6
    ((on_disk, already),) = cues
    assert on_disk == 6 and already < 6  # all staged, the last ones not recorded yet
