"""The NumPy reference solutions of every graded function: one module per assignment.

These are the single source of truth for hidden checks, fixtures and tests. They never ship
to students (nothing under ``source/<id>/`` or ``utils/`` imports them).
"""
