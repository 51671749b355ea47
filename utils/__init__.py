"""Student-visible helpers of the course: data sets, plotting, widgets and visible checks.

Nothing here contains a solution of a graded function.
"""
