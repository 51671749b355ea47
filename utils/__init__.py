"""Student-visible helpers of the course: its fixed names (:mod:`utils.course`), data sets,
plotting, widgets, the check vocabulary and the visible checks.

Nothing here contains a solution of a graded function.
"""
