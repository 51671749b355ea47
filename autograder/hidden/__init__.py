"""Hidden checks: one module per assignment, one :class:`HiddenCheck` per graded function.

A hidden grade cell in a source notebook is a single line such as::

    import autograder.hidden.numpy_basics as hidden; hidden.sigmoid(sigmoid)

so that how the check runs (in the student's process, or with the comparison moved out of it)
can change here without touching the notebooks.
"""

from autograder.hidden.framework import Case, HiddenCheck, Seed, hidden_rng

__all__ = ["Case", "HiddenCheck", "Seed", "hidden_rng"]
