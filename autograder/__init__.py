"""Grading for the course: release, autograde, reports, reference solutions and hidden checks.

Run ``python -m autograder --help`` for the commands.
"""
