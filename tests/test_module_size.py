"""The module-size rule: a module of the course's code stays under 600 lines.

Past that, a module is split by what it holds (see ``utils/checks/``,
``utils/visible_checks/deep_network/``), its package re-exporting the names others call.
"""

from __future__ import annotations

import pytest

from autograder.course import ROOT

LIMIT = 600
MODULES = sorted(
    path.relative_to(ROOT).as_posix()
    for folder in ("utils", "autograder")
    for path in (ROOT / folder).rglob("*.py")
    if "__pycache__" not in path.parts
)


@pytest.mark.parametrize("module", MODULES)
def test_module_is_under_the_limit(module):
    lines = len((ROOT / module).read_text(encoding="utf-8").splitlines())
    assert lines < LIMIT, f"{module} has {lines} lines: split it by what it holds"
