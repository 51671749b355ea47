"""nbgrader settings for plain ``nbgrader`` commands run from the checkout.

``nbgrader generate_assignment 01_numpy_basics`` writes the release to ``notebooks/``, as
``python -m autograder release`` does. The gradebook of such commands is ``gradebook.db`` here.
"""

from autograder.course import ROOT, nbgrader_config

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)
c.merge(nbgrader_config(ROOT, "notebooks", f"sqlite:///{ROOT / 'gradebook.db'}"))
