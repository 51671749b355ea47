"""Grading for the course: release, autograde, reports, reference solutions and hidden checks.

Run ``python -m autograder --help`` for the commands.
"""

import sys
from pathlib import Path

# A module that both sides of the grading sandbox import (autograder.transfer, the encoding of
# values that cross it) lives in the sandbox's shim, the one part of ``autograder`` a student's
# kernel sees; searching the shim's package after this one gives the grader the same file under
# the same name. This package's own modules (``autograder.hidden``) come first.
__path__.append(str(Path(__file__).resolve().parent / "sandbox_shim" / "autograder"))

# jsonschema imports the IRI grammar of ``rfc3987_syntax`` (installed for JupyterLab's event
# schemas) whenever it is importable, and building that grammar costs 1.5 s of CPU in every
# process: the grader's and its feedback process each paid it, for a format checker no part of
# grading uses (nbformat validates with fastjsonschema, nbgrader's metadata schema has no
# formats). So a process that imports this package before jsonschema goes without it, and
# jsonschema simply has no "iri" format checker there.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
