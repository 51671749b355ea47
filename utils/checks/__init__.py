"""The course's check vocabulary: every visible and hidden check is written with these.

Each ``expect_*`` function raises :class:`CheckFailure` with a message that names the graded
function, the variable, what was expected and what came, and, where a known mistake fits,
names it. Checks follow the order of the course specification: it runs (:func:`call`), the
return type and structure, every shape, no input mutated, then the values.

One module per step of that order; every name is available from ``utils.checks`` itself:

========================  ====================================================================
:mod:`.calls`             it runs: :func:`call`, :class:`Call`, the transport used at grading
:mod:`.raised`            an exception of the student's function, told as a failure
:mod:`.structure`         type, tuple, dict keys, length, exact discrete values
:mod:`.shapes`            array shapes (rank-1, transposed... named) and scalars
:mod:`.in_place`          no input changed in place
:mod:`.values`            values within tolerances, finiteness, 0/1 labels
:mod:`.randomness`        random numbers from ``rng``, their spread, broken symmetry
:mod:`.training`          a cost that goes down, a score above a threshold
:mod:`.messages`          :class:`CheckFailure`, descriptions of values, the closing line
========================  ====================================================================

Example
-------
>>> import numpy as np
>>> from utils import checks
>>> def sigmoid(z):
...     return 1 / (1 + np.exp(-z))
>>> run = checks.call(sigmoid, np.zeros((2, 3)))
>>> checks.expect_shape("sigmoid", "s", run.output, (2, 3))
>>> checks.expect_unchanged(run)
>>> checks.expect_close("sigmoid", "s", run.output, np.full((2, 3), 0.5))
"""

from utils.checks.calls import (
    Call,
    CallTransport,
    argument_names,
    call,
    call_here,
    set_transport,
)
from utils.checks.in_place import expect_unchanged
from utils.checks.messages import CheckFailure, all_passed, describe, show_full_tracebacks
from utils.checks.raised import failure_for, raise_detail
from utils.checks.randomness import (
    GLOBAL_RANDOM,
    expect_distinct_rows,
    expect_own_rng,
    expect_reproducible,
    expect_seed_matters,
    expect_std,
)
from utils.checks.shapes import expect_scalar, expect_shape, expect_shape_with_mistakes
from utils.checks.structure import (
    expect_equal,
    expect_keys,
    expect_length,
    expect_tuple,
    expect_type,
)
from utils.checks.training import expect_at_least, expect_decrease
from utils.checks.values import (
    ATOL,
    RTOL,
    expect_binary,
    expect_close,
    expect_finite,
    is_close,
    max_relative_error,
)

__all__ = [
    "ATOL",
    "GLOBAL_RANDOM",
    "RTOL",
    "Call",
    "CallTransport",
    "CheckFailure",
    "all_passed",
    "argument_names",
    "call",
    "call_here",
    "describe",
    "expect_at_least",
    "expect_binary",
    "expect_close",
    "expect_decrease",
    "expect_distinct_rows",
    "expect_equal",
    "expect_finite",
    "expect_keys",
    "expect_length",
    "expect_own_rng",
    "expect_reproducible",
    "expect_scalar",
    "expect_seed_matters",
    "expect_shape",
    "expect_shape_with_mistakes",
    "expect_std",
    "expect_tuple",
    "expect_type",
    "expect_unchanged",
    "failure_for",
    "is_close",
    "max_relative_error",
    "raise_detail",
    "set_transport",
    "show_full_tracebacks",
]
