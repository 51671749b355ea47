"""The sandbox's value transfer: decoding what was encoded gives back exactly the same value.

A check at grading judges the decoded value; if the transfer changed its kind, dtype or shape
(a 0-d cost from ``np.squeeze`` turned into shape ``(1,)``), a check that passed in the
student's notebook would fail at grading. So encode then decode must be the identity on every
value the course specification allows a function to return.
"""

from __future__ import annotations

import math
import pathlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder import transfer
from autograder.course import ROOT
from autograder.sandbox import SHIM

# Every dtype that may cross (bool, ints, unsigned ints, floats, complex), in both byte orders.
DTYPES = (
    hnp.boolean_dtypes()
    | hnp.integer_dtypes(endianness="?")
    | hnp.unsigned_integer_dtypes(endianness="?")
    | hnp.floating_dtypes(endianness="?", sizes=(16, 32, 64))
    | hnp.complex_number_dtypes(endianness="?")
)
ARRAYS = DTYPES.flatmap(
    lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0))
)
NUMPY_SCALARS = DTYPES.flatmap(hnp.from_dtype)
PYTHON_NUMBERS = st.booleans() | st.integers() | st.floats() | st.complex_numbers()
LEAVES = st.none() | st.text(max_size=8) | PYTHON_NUMBERS | NUMPY_SCALARS | ARRAYS
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=4) | st.integers(), inner, max_size=3)
    ),
    max_leaves=8,
)


def identical(a, b) -> bool:
    """Same type, and for NumPy values the same dtype, shape and bytes (NaN, -0.0 included)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray | np.generic):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, float):
        return math.copysign(1, a) == math.copysign(1, b) and (a == b or a != a and b != b)
    if isinstance(a, complex):
        return identical(a.real, b.real) and identical(a.imag, b.imag)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(identical, a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(identical(a[k], b[k]) for k in a)
    return a == b


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_encode_then_decode_is_the_identity(value):
    assert identical(transfer.decode(transfer.encode(value)), value)


def test_the_values_real_students_return_keep_their_kind():
    """The cases that cost real students points: 0-d costs, NumPy scalars, NaN, empty, bool."""
    values = [
        np.squeeze(np.array([[0.6931]])),  # the cost as the original course computes it
        np.float64(0.25),
        0.25,
        np.array(np.nan),
        np.float32(np.inf),
        np.zeros((0, 4)),
        np.array([[True, False]]),
        np.arange(6).reshape(2, 3).T,  # not C-contiguous
        2**70,
    ]
    for value in values:
        back = transfer.decode(transfer.encode(value))
        assert identical(back, value), (value, back)
    assert transfer.decode(transfer.encode(np.array(3.0))).shape == ()


def test_the_grader_and_the_sandbox_share_one_module():
    """The grader decodes with the file the sandbox encodes with: the shim's, not a copy, and
    nothing of it in utils/ (what students receive)."""
    assert pathlib.Path(transfer.__file__) == SHIM / "autograder" / "transfer.py"
    assert not (ROOT / "utils" / "transfer.py").exists()
