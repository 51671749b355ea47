"""The figures a graded run draws reach the feedback page as checked PNG images, and nothing
else does (real sandbox, real nbgrader, one batch of two hand-ins of 01).

``honest`` adds two cells to a complete hand-in: one draws a figure and calls ``plt.show()``,
one leaves a figure open. Each shows up in its own cell's output as an ``<img>`` whose data is
a PNG of the figure's size at the grader's resolution.

``hostile`` attacks the figure path: a figure too large for the page, ``savefig`` replaced
to write HTML and script, an ``image/png`` output that is script, a PNG with an event
attribute in its metadata, the notebook-side caps switched off (dpi, pixels, bytes, count,
the per-cell output limit) to send a 1500 x 1500 PNG of noise, then a flood of 100 figures.
Its page runs no more script than the honest one, every image in it (and in the graded
notebook the grader wrote) is a real PNG within the limits, and the flood stops at the
notebook's image limit.

On the code before this change (figures closed undrawn at the end of each cell, and a
``display`` call killing the notebook's process), both tests failed: no ``<img>`` in either
page, and no note about an image left out.
"""

from __future__ import annotations

import base64
import csv
import io
import shutil

import bs4
import nbformat
import pytest
from nbformat.v4 import new_code_cell
from PIL import Image

from autograder.cli import main
from autograder.samples import student_notebook
from autograder.sandbox import Limits, sandbox_problem
from tests.test_safe_feedback import _active

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(
        sandbox_problem() is not None, reason=f"sandbox unavailable: {sandbox_problem()}"
    ),
]

AID = "01_numpy_basics"
LIMITS = Limits()
MARK = "PWNED"
PAYLOAD = f"<script>alert('{MARK}1')</script><img src=x onerror=alert('{MARK}2')>"

SHOWN = """# figure: shown
import matplotlib.pyplot as plt
plt.figure(figsize=(4, 3))
plt.plot([0, 1, 2], [0, 1, 4])
plt.title("a parabola")
plt.show()
print("after the figure")
"""

LEFT_OPEN = """# figure: left open
fig, ax = plt.subplots(figsize=(3, 2))
ax.scatter([1, 2, 3], [3, 1, 2])
"""

HOSTILE = [
    # A figure far too large: drawn smaller, its larger side at the grader's pixel limit.
    """# hostile: huge
import matplotlib.pyplot as plt
plt.figure(figsize=(200, 100))
plt.plot([0, 1], [0, 1])
plt.show()
""",
    # savefig (and the canvas's PNG writer) write HTML and script instead of a PNG.
    f"""# hostile: savefig
import matplotlib.figure
from matplotlib.backends.backend_agg import FigureCanvasAgg
PAYLOAD = {PAYLOAD!r}.encode()
real_savefig, real_print_png = matplotlib.figure.Figure.savefig, FigureCanvasAgg.print_png
def fake(self, target, *args, **kwargs):
    (target.write if hasattr(target, "write") else open(target, "wb").write)(PAYLOAD)
matplotlib.figure.Figure.savefig = fake
FigureCanvasAgg.print_png = fake
plt.figure(figsize=(4, 3))
plt.plot([1, 2])
plt.show()
matplotlib.figure.Figure.savefig, FigureCanvasAgg.print_png = real_savefig, real_print_png
""",
    # An image/png output that is script, and a real PNG with an event in its metadata.
    f"""# hostile: raw display
import base64, io
from IPython.display import display
display(
    {{"image/png": base64.b64encode(PAYLOAD).decode(), "text/html": "<script>{MARK}3</script>"}},
    raw=True,
)
buffer = io.BytesIO()
small = plt.figure(figsize=(1, 1))
small.savefig(buffer, format="png")
plt.close(small)
display(
    {{"image/png": base64.b64encode(buffer.getvalue()).decode()}},
    metadata={{"image/png": {{"width": "1 onload=alert('{MARK}4')", "height": 7}}}},
    raw=True,
)
""",
    # The notebook-side caps switched off: a 1500 x 1500 PNG of noise (megabytes).
    """# hostile: caps off
import sys
import numpy as np
import grading_figures
grading_figures.SETTINGS.update(dpi=100, pixels=10**5, bytes=10**9, count=10**6)
sys.modules["grading_child"].OUTPUT_LIMIT = 10**9
noise = plt.figure(figsize=(15, 15))
noise.figimage(np.random.default_rng(0).random((1500, 1500)), cmap="viridis")
plt.show()
""",
    # A flood of figures, past the notebook's image limit.
    """# hostile: flood
for i in range(100):
    plt.figure(figsize=(1, 1))
    plt.plot([0, i])
plt.show()
""",
]


def _images(cell) -> list[bytes]:
    """The decoded data of every ``<img>`` in a feedback cell's outputs."""
    found = []
    for img in cell.select("div.output_area img"):
        src = img.get("src", "")
        assert src.startswith("data:image/png;base64,"), src[:80]
        found.append(base64.b64decode(src.split(",", 1)[1], validate=True))
    return found


def _png(data: bytes) -> Image.Image:
    """``data`` opened (and fully decoded) as a PNG by Pillow, or an assertion error."""
    Image.open(io.BytesIO(data)).verify()
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    return image


def _cells(page: str) -> dict[str, bs4.Tag]:
    """Code cells of a feedback page by the comment on their first line."""
    soup = bs4.BeautifulSoup(page, "html.parser")
    cells = {}
    for cell in soup.select("div.code_cell"):
        area = cell.select_one("div.input_area")
        first = area.get_text().strip().splitlines()[0] if area and area.get_text().strip() else ""
        cells[first.strip()] = cell
    return cells


@pytest.fixture(scope="module")
def graded(tmp_path_factory, fresh_release):
    subs = tmp_path_factory.mktemp("submitted")
    out = tmp_path_factory.mktemp("graded")
    honest = student_notebook(AID, release=fresh_release)
    honest.cells += [new_code_cell(SHOWN), new_code_cell(LEFT_OPEN)]
    hostile = student_notebook(AID, release=fresh_release)
    hostile.cells += [new_code_cell(source) for source in HOSTILE]
    for student, nb in (("honest", honest), ("hostile", hostile)):
        target = subs / student / AID / f"{AID}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    assert main(["grade", str(subs), "--out", str(out)]) == 0
    pages = {
        student: (out / "feedback" / student / AID / f"{AID}.html").read_text(encoding="utf-8")
        for student in ("honest", "hostile")
    }
    autograded = {
        student: nbformat.read(
            out / "nbgrader" / "autograded" / student / AID / f"{AID}.ipynb", as_version=4
        )
        for student in ("honest", "hostile")
    }
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    yield {"pages": pages, "autograded": autograded, "grades": grades}
    shutil.rmtree(out, ignore_errors=True)


def test_the_figures_of_a_graded_run_are_in_their_cells_on_the_page(graded):
    cells = _cells(graded["pages"]["honest"])
    for marker, inches in (("# figure: shown", (4, 3)), ("# figure: left open", (3, 2))):
        images = _images(cells[marker])
        assert len(images) == 1, marker
        dpi = LIMITS.figure_dpi
        assert _png(images[0]).size == (round(inches[0] * dpi), round(inches[1] * dpi))
    assert "after the figure" in cells["# figure: shown"].get_text()
    # Only cells that draw have images.
    assert sum(len(_images(cell)) for cell in cells.values()) == 2


def test_the_figure_path_carries_nothing_but_checked_pngs_and_is_capped(graded):
    page = graded["pages"]["hostile"]
    # No script, event attribute or active URL more than the honest page has (the template's).
    assert _active(page) == _active(graded["pages"]["honest"])
    assert MARK not in "".join(
        f"{name}={value}"
        for tag in bs4.BeautifulSoup(page, "html.parser").find_all(True)
        for name, value in tag.attrs.items()
    )
    assert base64.b64encode(PAYLOAD.encode()).decode()[:40] not in page
    cells = _cells(page)

    assert _images(cells["# hostile: savefig"]) == []
    assert "[an image not shown: not a valid PNG" in cells["# hostile: savefig"].get_text()

    huge = _images(cells["# hostile: huge"])
    assert len(huge) == 1
    assert _png(huge[0]).size == (LIMITS.figure_pixels, LIMITS.figure_pixels // 2)

    raw = cells["# hostile: raw display"]
    assert "[an image not shown: not a valid PNG" in raw.get_text()
    (kept,) = raw.select("div.output_area img")
    assert kept.get("width") is None and kept.get("height") == "7"

    assert _images(cells["# hostile: caps off"]) == []
    assert "[an image not shown" in cells["# hostile: caps off"].get_text()

    flood = cells["# hostile: flood"]
    assert f"at most {LIMITS.figures} per notebook" in flood.get_text()
    every = [data for cell in cells.values() for data in _images(cell)]
    assert len(every) == LIMITS.figures  # 2 before the flood, then the flood up to the limit
    for data in every:
        image = _png(data)
        assert max(image.size) <= LIMITS.figure_pixels and len(data) <= LIMITS.figure_bytes

    # What the grader itself wrote (the graded notebook): checked PNGs only, as many.
    written = [
        base64.b64decode(output["data"][mime])
        for cell in graded["autograded"]["hostile"].cells
        for output in cell.get("outputs", [])
        for mime in ("image/png", "image/jpeg")
        if mime in output.get("data", {})
    ]
    assert len(written) == LIMITS.figures
    for data in written:
        _png(data)

    # None of it costs a mark, the attacker's or the neighbour's.
    for student in ("honest", "hostile"):
        row = graded["grades"][student]
        assert float(row["score"]) == float(row["max_score"]) > 0, row
