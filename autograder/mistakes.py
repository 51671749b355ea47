"""Named mistakes: a stable code for each mistake the checks name in their messages.

The checks (``utils/checks/``, ``autograder/hidden/``) say, in words, which known mistake
a wrong answer matches ("That is a rank-1 array", "This is what a missing 1/m gives"). The
words may be reworded; the codes here are what ``cell_grades.csv`` (column ``mistake``) and the
class report count, so that a term's figures stay comparable. The first pattern that matches
a message decides: specific patterns come before general ones.
"""

from __future__ import annotations

import re

#: ``(code, pattern, what it means)``, tried in order (case-insensitive).
MISTAKES: list[tuple[str, str, str]] = [
    ("not_implemented", r"not implemented yet", "the function was left as its stub"),
    (
        "missing_keepdims",
        r"without keepdims|missing `?keepdims",
        "a sum or norm without keepdims=True (a rank-1 result)",
    ),
    ("rank1", r"rank-1 array", "a rank-1 array (n,) where (n, 1) or (1, n) was asked"),
    ("transposed", r"\btransposed\b", "a transposed result"),
    (
        "elementwise_for_matmul",
        r"`\*`.{0,40}matrix product|element-wise product\) where a matrix",
        "`*` where a matrix product was meant",
    ),
    ("missing_1_over_m", r"missing 1/m|sum instead of a mean", "a missing 1/m"),
    ("bias_not_added", r"forgetting to add b|bias not added|without b\b", "the bias not added"),
    (
        "zero_init",
        r"zero initiali[sz]ation|all equal \(zero",
        "zero initialisation (every unit the same)",
    ),
    ("in_place", r"in place", "an input changed in place"),
    (
        "rng_global",
        r"np\.random\.\*|new default_rng|from the `rng` argument",
        "random numbers not drawn from the `rng` argument",
    ),
    (
        "wrong_derivative",
        r"derivative|s\(1-s\)|s\(1 - s\)|relu'\(|tanh' |slope .{0,20}instead",
        "a wrong activation derivative",
    ),
    (
        "wrong_sign",
        r"minus sign|opposite sign|Y - A instead of A - Y|step uphill",
        "a wrong sign",
    ),
    (
        "wrong_activation",
        r"(sigmoid|tanh|relu|leaky relu|ReLU|leaky ReLU) instead of (the )?(sigmoid|tanh|ReLU|relu)"
        r"|wrong hidden activation|no sigmoid applied|e\^z instead of e\^-z",
        "the wrong activation function",
    ),
    (
        "argument_ignored",
        r"argument ignored|ignored\)|instead of the (one passed|argument)|learning rate ignored",
        "an argument ignored (a default used instead)",
    ),
    ("wrong_axis", r"axis=0\) instead|without axis=|whole (table|matrix)", "the wrong axis"),
    (
        "wrong_scale",
        r"unscaled initiali[sz]ation|uniform draws|scale argument",
        "the wrong initialisation scale or distribution",
    ),
]

_COMPILED = [(code, re.compile(pattern, re.IGNORECASE)) for code, pattern, _ in MISTAKES]

#: Code to what it means, for the report.
MEANING = {code: meaning for code, _, meaning in MISTAKES}


def mistake_code(message: str) -> str:
    """The code of the first named mistake in a check's message, or ``""``.

    >>> mistake_code("dw: This is what a missing 1/m gives.")
    'missing_1_over_m'
    """
    for code, pattern in _COMPILED:
        if pattern.search(message or ""):
            return code
    return ""
