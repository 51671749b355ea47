"""The seam between running a student's function and judging what it returned.

A hidden check has three parts:

``make_cases(rng) -> list[Case]``
    Fresh random inputs of random shapes. May use the reference (for example to build the
    caches of a real forward pass) because it runs on the grader's side.
``call``
    Runs the student's function on one case (:func:`utils.checks.call`): the only part that
    must run where the student's code lives.
``judge(case, run)``
    Compares the outputs with the reference, using the course's check vocabulary, and raises
    :class:`utils.checks.CheckFailure` with a message that names what failed without showing
    reference values.

Calling a :class:`HiddenCheck` with the student's function does all three in one process.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from autograder.transfer import Seed, materialise
from utils import checks

__all__ = [
    "Case",
    "HiddenCheck",
    "Seed",
    "case_family",
    "hidden_rng",
    "judge_like_reference",
    "shape_text",
]

#: Environment variable the grader sets so that a rerun draws the same hidden inputs.
SEED_VARIABLE = "AUTOGRADER_SEED"


@dataclass
class Case:
    """One set of inputs for a student's function.

    Attributes
    ----------
    args : tuple
        Positional arguments; a :class:`Seed` becomes a fresh ``Generator``.
    kwargs : dict
        Keyword arguments, likewise.
    where : str
        Where the inputs come from, for messages (``"on a random 7x23 input"``).
    context : dict
        Anything the judge needs besides the inputs (never passed to the student).
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    where: str = ""
    context: dict = field(default_factory=dict)

    def materialise(self) -> tuple[tuple, dict]:
        """The arguments as the student's function receives them (fresh copies of the data)."""
        import copy

        return materialise(copy.deepcopy(self.args)), materialise(copy.deepcopy(self.kwargs))


def case_family(case: Case) -> str:
    """The family of a case: the cases that earn one share of a hidden grade cell's points.

    A function right for tanh and wrong for relu earns the tanh share. The family is
    ``case.context["family"]`` when set; otherwise the activation the case selects (``"activation
    relu"``), or the kind of ``scale`` (``"scale 'he'"``, ``"scale a number"``); otherwise ``""``
    (one family: all or nothing). Cases judged together (a shared ``context["group"]``) must be
    of one family.
    """
    if "family" in case.context:
        return str(case.context["family"])
    activation = (
        case.context.get("activation")
        or case.kwargs.get("activation")
        or case.kwargs.get("hidden_activation")
        or next((a for a in case.args if isinstance(a, str)), None)
    )
    if activation is not None:
        return f"activation {activation}"
    if "scale" in case.kwargs:
        scale = case.kwargs["scale"]
        return f"scale {scale!r}" if isinstance(scale, str) else "scale a number"
    return ""


def hidden_rng(name: str, seed: int | None = None) -> np.random.Generator:
    """The random generator of one hidden check.

    Seeded from ``seed`` (or else ``AUTOGRADER_SEED``) and the check's name, so that a rerun
    grades the same inputs; from fresh entropy when neither is set.

    Parameters
    ----------
    name : str
        The graded function's name.
    seed : int, optional
        The grader's seed for this submission.
    """
    if seed is None:
        seed = os.environ.get(SEED_VARIABLE)
    if seed is None:
        return np.random.default_rng()
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])


def shape_text(*shape: int) -> str:
    """``shape_text(7, 23)`` is ``"7x23"``: how messages name the size of an input."""
    return "x".join(str(s) for s in shape)


def judge_like_reference(
    var: str,
    reference: Callable,
    mistakes: Callable[..., dict] | None = None,
) -> Callable[[Case, checks.Call], None]:
    """A judge for a function that returns one array (or one scalar) computed from its inputs.

    The student's output must have the shape of ``reference(*case.args)`` (be a real scalar
    where that is a scalar), leave the inputs unchanged, then have its values.

    Parameters
    ----------
    var : str
        The output's name in messages.
    reference : callable
        The reference function, called with the case's arguments.
    mistakes : callable, optional
        ``mistakes(func_name, *case.args)``: known mistakes and the values each gives on these
        inputs, named in the message (never shown).
    """

    def judge(case: Case, run: checks.Call) -> None:
        name = run.func_name
        expected = reference(*case.args)
        if np.ndim(expected) == 0:
            value = checks.expect_scalar(name, var, run.output)
        else:
            checks.expect_shape(name, var, run.output, np.shape(expected))
            value = run.output
        checks.expect_unchanged(run)
        checks.expect_close(
            name,
            var,
            value,
            expected,
            mistakes=mistakes(name, *case.args) if mistakes else None,
            where=case.where,
            show_values=False,
        )

    return judge


class HiddenCheck:
    """The hidden check of one graded function.

    Parameters
    ----------
    name : str
        The graded function's name (as in the course specification).
    make_cases : callable
        ``make_cases(rng) -> Sequence[Case]``.
    judge : callable
        ``judge(case, run)`` where ``run`` is a :class:`utils.checks.Call`; raises
        :class:`utils.checks.CheckFailure` on a wrong answer.
    """

    def __init__(
        self,
        name: str,
        make_cases: Callable[[np.random.Generator], Sequence[Case]],
        judge: Callable[[Case, checks.Call], None],
    ) -> None:
        self.name = name
        self.make_cases = make_cases
        self.judge = judge

    def cases(self, seed: int | None = None) -> list[Case]:
        """Draw this check's cases from its generator (see :func:`hidden_rng`)."""
        return list(self.make_cases(hidden_rng(self.name, seed)))

    def families(self) -> list[str]:
        """The case families over which the cell's points are split equally, in order."""
        return list(dict.fromkeys(case_family(c) for c in self.cases(0)))

    def __call__(self, student_func: Callable) -> None:
        """Run the student's function on every case and judge each output, in this process."""
        for case in self.cases():
            args, kwargs = case.materialise()
            run = checks.call(student_func, *args, where=case.where, **kwargs)
            self.judge(case, run)
        # Only the instructor's notebook runs this (students' cells hold no hidden checks).
        print(f"Hidden checks of {self.name} passed.")
