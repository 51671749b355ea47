"""The course's feedback exporter writes the page nbconvert's HTML exporter writes.

:class:`~autograder.feedback_exporter.FeedbackExporter` skips nbconvert's second parse of the
page, so each page it writes is compared with nbconvert's own page of the same notebook, with
the course's template and settings: the same document once both are parsed (nbconvert's page
is the parser's re-serialisation, so whitespace between tags differs), images described the
same way, code highlighted the same way when the same code comes again.
"""

from __future__ import annotations

import base64
import re

import bs4
import jinja2
import pytest
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from autograder.feedback_exporter import (
    _COMPILED_TEMPLATES,
    MISSING_ALT,
    FeedbackExporter,
    with_alt_text,
)
from autograder.feedback_summary import NBGRADER_FORMGRADER, configure_feedback

#: The smallest PNG: one transparent pixel.
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()


def _config() -> Config:
    c = configure_feedback(Config())
    css = NBGRADER_FORMGRADER / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    c.HTMLExporter.extra_template_paths = [str(css)]
    return c


def _notebook(code: str):
    image = new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"})
    described = new_output(
        "display_data", data={"image/png": PIXEL}, metadata={"image/png": {"alt": "a line"}}
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Logistic regression\n\nThe cost $J(w, b)$ <b>falls</b>."),
            new_code_cell(code, outputs=[new_output("stream", text="cost 0.69\n")]),
            new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2])", outputs=[image]),
            new_code_cell("plt.show()", outputs=[described]),
        ],
        metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}},
    )
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # the same notebook twice is the same page
    return nb


def _resources() -> dict:
    return {
        "nbgrader": {
            "notebook": "02_logistic_regression",
            "score": 1.0,
            "max_score": 2.0,
            "late_penalty": 0,
        },
        "course_summary": [],
    }


def _document(page: str) -> str:
    """The page as a parser sees it, whitespace between tags aside."""
    text = str(bs4.BeautifulSoup(page, features="html.parser"))
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", text))


@pytest.mark.parametrize("code", ["def sigmoid(z):\n    return 1 / (1 + np.exp(-z))", ""])
def test_the_page_is_nbconverts_page(code):
    nb = _notebook(code)
    ours, _ = FeedbackExporter(config=_config()).from_notebook_node(nb, resources=_resources())
    theirs, _ = HTMLExporter(config=_config()).from_notebook_node(nb, resources=_resources())
    assert _document(ours) == _document(theirs)
    assert ours.count(f'alt="{MISSING_ALT}"') == 1  # the image without a description
    assert 'alt="a line"' in ours


def test_the_same_code_is_highlighted_once_and_alike():
    exporter = FeedbackExporter(config=_config())
    first, _ = exporter.from_notebook_node(_notebook("x = 1"), resources=_resources())
    again, _ = exporter.from_notebook_node(_notebook("x = 1"), resources=_resources())
    other, _ = exporter.from_notebook_node(_notebook("y = 2"), resources=_resources())
    assert first == again
    assert _document(other) == _document(
        HTMLExporter(config=_config()).from_notebook_node(
            _notebook("y = 2"), resources=_resources()
        )[0]
    )
    (highlight,) = exporter.__dict__["_highlighters"].values()
    assert highlight._render.cache_info().hits > 0


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ('<img src="a.png">', f'<img alt="{MISSING_ALT}" src="a.png">'),
        ("<IMG src=a.png/>", f'<img alt="{MISSING_ALT}" src=a.png/>'),
        ('<img alt="x" src="a.png">', '<img alt="x" src="a.png">'),
        ('<img src="a.png" alt="">', '<img src="a.png" alt="">'),
        ("<imgur>", "<imgur>"),
        ("&lt;img src=x&gt;", "&lt;img src=x&gt;"),
    ],
)
def test_alt_text_goes_on_images_without_one(tag, expected):
    assert with_alt_text(tag) == expected


def test_a_new_exporter_reuses_compiled_templates_and_recompiles_an_edited_one(
    tmp_path, monkeypatch
):
    nb = _notebook("x = 1")
    first, _ = FeedbackExporter(config=_config()).from_notebook_node(nb, resources=_resources())
    compiled = dict(_COMPILED_TEMPLATES._compiled)
    assert compiled  # the first exporter's templates were kept
    fresh = FeedbackExporter(config=_config())
    fresh.environment.bytecode_cache = None  # compiled from the template sources
    assert fresh.from_notebook_node(nb, resources=_resources())[0] == first
    compiles = []
    compile_ = jinja2.Environment.compile
    monkeypatch.setattr(
        jinja2.Environment, "compile", lambda *a, **k: compiles.append(a) or compile_(*a, **k)
    )
    again = FeedbackExporter(config=_config())
    assert again.from_notebook_node(nb, resources=_resources())[0] == first  # from the cache
    assert compiles == []  # nothing compiled again

    # A template whose source changed is compiled afresh, not taken from the cache.
    (tmp_path / "page.j2").write_text("{{ nb.cells | length }} cells", encoding="utf-8")
    c = _config()
    c.HTMLExporter.extra_template_paths.append(str(tmp_path))
    c.HTMLExporter.template_file = "page.j2"
    assert FeedbackExporter(config=c).from_notebook_node(nb)[0] == "4 cells"
    (tmp_path / "page.j2").write_text("{{ nb.cells | length * 10 }} cells", encoding="utf-8")
    assert FeedbackExporter(config=c).from_notebook_node(nb)[0] == "40 cells"
