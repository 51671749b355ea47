"""Every visible check gives the same verdict in the student's kernel and at grading.

The corpus: for every graded function of every assignment, the NumPy reference (correct) and
variants of it written the way students' answers differ from it, some still correct (a cost
returned as a 0-d array by ``np.squeeze``, or as a NumPy scalar), most wrong (values off,
transposed, float32, booleans, NaN, an input changed in place, an exception, ``None``). The
verdict, passed or failed and the message word for word, must not depend on where the check
ran. Before values crossed the sandbox exactly, a 0-d cost passed in the kernel and failed at
grading (4 of 8 real students lost 37 points that way).
"""

from __future__ import annotations

import functools
import importlib

import numpy as np
import pytest

from tests.recording import graded_verdict, kernel_verdict
from utils import course

GRADED = [(a.module, function) for a in course.ASSIGNMENTS for function in a.functions]


def _map(value, leaf):
    """Apply ``leaf`` to every number and array inside tuples, lists and dicts."""
    if isinstance(value, tuple):
        return tuple(_map(v, leaf) for v in value)
    if isinstance(value, list):
        return [_map(v, leaf) for v in value]
    if isinstance(value, dict):
        return {k: _map(v, leaf) for k, v in value.items()}
    return leaf(value)


def _floats(change_array, change_scalar=None):
    """A leaf function changing float arrays and float scalars (ints and bools untouched)."""

    def leaf(v):
        if isinstance(v, np.ndarray) and v.dtype.kind == "f":
            return change_array(v)
        if change_scalar and isinstance(v, float | np.floating) and not isinstance(v, bool):
            return change_scalar(v)
        return v

    return leaf


def _nan_first(a):
    a = a.astype(float)
    if a.size:
        a.reshape(-1)[0] = np.nan
    return a


def _binary_to_bool(v):
    if isinstance(v, np.ndarray) and v.size and np.isin(v, (0, 1)).all():
        return v.astype(bool)
    return v


#: Name to a transformation of the reference's output.
OUTPUT_VARIANTS = {
    "correct": lambda out: out,
    "scalars as 0-d arrays (np.squeeze)": lambda out: _map(
        out, _floats(lambda a: a, lambda s: np.squeeze(np.array([[s]])))
    ),
    "scalars as NumPy scalars": lambda out: _map(out, _floats(lambda a: a, np.float64)),
    "values off by 1 %": lambda out: _map(out, _floats(lambda a: a * 1.01, lambda s: s * 1.01)),
    "transposed arrays": lambda out: _map(out, _floats(lambda a: a.T)),
    "float32 arrays": lambda out: _map(out, _floats(lambda a: a.astype(np.float32))),
    "rank-1 arrays": lambda out: _map(out, _floats(lambda a: a.reshape(-1))),
    "NaN": lambda out: _map(out, _floats(_nan_first, lambda s: np.nan)),
    "booleans for 0/1": lambda out: _map(out, _binary_to_bool),
    "None": lambda out: None,
}


def variant(func, name):
    """``func`` with its output changed as ``name`` says; same name and signature."""

    @functools.wraps(func)
    def student(*args, **kwargs):
        if name == "raises":
            raise ValueError("operands could not be broadcast together with shapes (3,1) (1,3)")
        out = func(*args, **kwargs)
        if name == "changes its first array input":
            first = next((a for a in args if isinstance(a, np.ndarray)), None)
            if first is not None and first.dtype.kind == "f":
                first += 1.0
            return out
        return OUTPUT_VARIANTS[name](out)

    return student


VARIANTS = [*OUTPUT_VARIANTS, "changes its first array input", "raises"]


@pytest.mark.parametrize(("module", "function"), GRADED, ids=[f"{m}.{f}" for m, f in GRADED])
def test_visible_checks_judge_alike_in_the_kernel_and_at_grading(module, function):
    reference = getattr(importlib.import_module(f"autograder.reference.{module}"), function)
    verdicts = {}
    for name in VARIANTS:
        student = variant(reference, name)
        in_kernel = kernel_verdict(module, function, student)
        at_grading = graded_verdict(module, function, student)
        assert at_grading == in_kernel, name
        verdicts[name] = in_kernel[0]
    # The corpus is not trivial: the reference passes and answers with wrong values fail.
    assert verdicts["correct"] == "passed"
    assert verdicts["scalars as 0-d arrays (np.squeeze)"] == "passed"
    assert verdicts["scalars as NumPy scalars"] == "passed"
    assert verdicts["None"] == verdicts["raises"] == "failed"
