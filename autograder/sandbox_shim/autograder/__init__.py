"""The course's ``autograder`` package as a student's kernel sees it inside the grading sandbox.

It holds no reference solution and no hidden check logic: only the recorder that runs the
student's functions on the inputs the grader prepared and hands their outputs back as data, and
:mod:`autograder.transfer`, the encoding of those inputs and outputs, which the grader imports
from here too (see the real package's ``__init__``).
"""
