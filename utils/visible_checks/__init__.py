"""Visible checks, one module per assignment, each function named ``check_<function>``.

Expected values here come from mathematics (exact values such as sigmoid(ln 3) = 0.75) or
from small cases worked by hand; the repository's tests prove that the reference passes them
and that known wrong implementations fail them with the intended message.
"""
