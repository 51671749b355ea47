"""Grading for the course: release, autograde, reports, reference solutions and hidden checks.

Run ``python -m autograder --help`` for the commands.
"""

from pathlib import Path

# A module that both sides of the grading sandbox import (autograder.transfer, the encoding of
# values that cross it) lives in the sandbox's shim, the one part of ``autograder`` a student's
# kernel sees; searching the shim's package after this one gives the grader the same file under
# the same name. This package's own modules (``autograder.hidden``) come first.
__path__.append(str(Path(__file__).resolve().parent / "sandbox_shim" / "autograder"))
