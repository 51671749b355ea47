"""Feedback pages run nothing a student wrote.

Pages are rendered as nbgrader's ``generate_feedback`` renders them: nbconvert's HTML exporter
with nbgrader's ``feedback`` template and the course's feedback preprocessors (nbgrader's
``GetGrades`` aside: it reads the gradebook, the scores are given here). A hostile notebook's
page is compared with the page of a harmless notebook of the same shape: the scripts the
template itself brings (MathJax, require.js...) are in both; anything more came from the
student. The first test shows the attack works without :class:`SanitizeStudentOutputs`; on the
code before this change that module did not exist and every other test failed.
"""

from __future__ import annotations

import base64
import re
import struct
import zlib
from pathlib import Path

import bs4
import nbformat
import nbgrader
import pytest
from bleach._vendor import html5lib
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell
from nbgrader.preprocessors import GetGrades
from traitlets.config import Config

from autograder.course import nbgrader_config
from autograder.safe_feedback import SanitizeStudentOutputs, safe_markdown

MARK = "PWNED"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(width: int, height: int) -> bytes:
    """A white RGB PNG of only the chunks that draw it (the sanitiser keeps it as it is)."""
    rows = b"".join(b"\0" + b"\xff" * (3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


PNG = base64.b64encode(_png(2, 3)).decode()

#: A mutation-XSS payload: harmless as parsed by a sanitiser, live as re-parsed by a browser.
MUTATION = (
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('"
    + MARK
    + "7')></style></mglyph></table></mtext></math>"
)

HOSTILE_MARKDOWN = f"""# Answer

<script>alert('{MARK}1')</script>

<img src=x onerror="alert('{MARK}2')">

[click me](javascript:alert('{MARK}3'))

<a href="jav&#x09;ascript:alert('{MARK}4')">tab-split scheme</a>

<svg onload="alert('{MARK}5')"><circle r="5"/></svg>

<iframe src="javascript:alert('{MARK}6')"></iframe>

{MUTATION}

<form action="javascript:alert('{MARK}8')"><button>go</button></form>

<details open ontoggle="alert('{MARK}9')">x</details>

![pic](javascript:alert('{MARK}10'))

```mermaid
<img src=x onerror="alert('{MARK}11')">
```

<style>body {{ background: url("javascript:alert('{MARK}12')") }}</style>

<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link {MARK}13</a>
"""


def _hostile_outputs():
    return [
        new_output(
            "display_data",
            data={
                "text/html": f"<script>alert('{MARK}20')</script><b onmouseover=alert(1)>x</b>",
                "text/plain": "<IPython.core.display.HTML object>",
            },
        ),
        new_output(
            "display_data",
            data={"image/svg+xml": f"<svg onload=\"alert('{MARK}21')\"><script>1</script></svg>"},
        ),
        new_output("display_data", data={"application/javascript": f"alert('{MARK}22')"}),
        new_output(
            "display_data",
            data={"text/markdown": f"<img src=x onerror=alert('{MARK}23')>", "text/plain": "md"},
        ),
        new_output("display_data", data={"text/latex": f"$\\href{{javascript:{MARK}24}}{{x}}$"}),
        new_output(
            "display_data",
            data={"application/vnd.jupyter.widget-view+json": {"model_id": f"{MARK}25"}},
        ),
        new_output(
            "display_data",
            data={"image/png": PNG},
            metadata={"image/png": {"width": f"1 onload=alert('{MARK}26')", "height": 3}},
        ),
        new_output(
            "display_data",
            data={"image/png": f"x\" onerror=\"alert('{MARK}27')"},
        ),
        # Base64 all right, but of script, not of a PNG (the figure path's attack).
        new_output(
            "display_data",
            data={
                "image/png": base64.b64encode(
                    f"<script>alert('{MARK}32')</script>".encode()
                ).decode()
            },
        ),
        new_output(
            "display_data",
            data={"image/jpeg": base64.b64encode(f"<b>{MARK}33</b>".encode()).decode()},
        ),
        new_output(
            "execute_result",
            data={"text/html": f"<img src=x onerror=alert('{MARK}28')>", "text/plain": "42"},
            execution_count=3,
        ),
        new_output("stream", name="stdout", text=f"<script>alert('{MARK}29')</script>\n"),
        new_output(
            "error",
            ename="ValueError",
            evalue=f"<script>alert('{MARK}30')</script>",
            traceback=[f"\x1b[31m<img src=x onerror=alert('{MARK}31')>\x1b[0m"],
        ),
    ]


def _clean_outputs():
    return [
        new_output("display_data", data={"text/plain": "an object"}),
        new_output("display_data", data={"image/png": PNG}, metadata={"image/png": {"height": 3}}),
        new_output("execute_result", data={"text/plain": "42"}, execution_count=3),
        new_output("stream", name="stdout", text="hello\n"),
        new_output("error", ename="ValueError", evalue="bad", traceback=["ValueError: bad"]),
    ]


def _notebook(hostile: bool) -> nbformat.NotebookNode:
    grade = {"grade": True, "grade_id": "sigmoid", "points": 1, "solution": False, "locked": True}
    answer = {"grade": False, "grade_id": "sigmoid_answer", "solution": True, "locked": False}
    nb = new_notebook(
        cells=[
            new_markdown_cell(HOSTILE_MARKDOWN if hostile else "# Answer\n\nSome *text* $x^2$."),
            new_code_cell(
                "def sigmoid(z):\n    return z",
                metadata={"nbgrader": answer},
                outputs=_hostile_outputs() if hostile else _clean_outputs(),
                execution_count=3,
            ),
            new_code_cell("assert sigmoid(0) == 0", metadata={"nbgrader": grade}, outputs=[]),
            new_raw_cell(f"<script>alert('{MARK}40')</script>" if hostile else "raw text"),
        ]
    )
    nb.cells[2].metadata.nbgrader["score"] = 1
    if hostile:
        state = {"state": {}, "x": f"</script><script>alert('{MARK}41')</script>"}
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": state}
    nbformat.validate(nb)
    return nb


def _render(nb: nbformat.NotebookNode, sanitize: bool, tmp_path: Path) -> str:
    """The feedback page of ``nb``, rendered the way nbgrader's GenerateFeedback does."""
    templates = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    config = Config()
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [str(templates / "templates")]
    config.HTMLExporter.extra_template_paths = [
        str(templates / "static" / "node_modules" / "bootstrap" / "dist" / "css")
    ]
    course = nbgrader_config(tmp_path, "release", f"sqlite:///{tmp_path / 'gb.db'}")
    preprocessors = [
        p for p in course.GenerateFeedback.preprocessors if not issubclass(p, GetGrades)
    ]
    if sanitize and SanitizeStudentOutputs not in preprocessors:
        preprocessors.append(SanitizeStudentOutputs)
    if not sanitize:
        preprocessors = [p for p in preprocessors if p is not SanitizeStudentOutputs]
    exporter = course.GenerateFeedback.exporter_class(config=config)  # the course's exporter
    for preprocessor in preprocessors:
        exporter.register_preprocessor(preprocessor(config=config), enabled=True)
    resources = {
        "nbgrader": {"notebook": "01_numpy_basics", "score": 1, "max_score": 1, "late_penalty": 0}
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "background")


def _elements(page: str):
    """``(tag, attributes, text)`` of every element of ``page``, as Python's html.parser (which
    nbconvert re-serialises the page with) and as html5lib (the HTML standard's parsing, as a
    browser does it: foreign content, mutations) see them."""
    soup = bs4.BeautifulSoup(page, "html.parser")
    for tag in soup.find_all(True):
        attrs = {k: " ".join(v) if isinstance(v, list) else str(v) for k, v in tag.attrs.items()}
        yield tag.name, attrs, tag.string or ""
    for element in html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False).iter():
        if isinstance(element.tag, str):
            name = element.tag.rsplit("}", 1)[-1]
            yield name, {k.rsplit("}", 1)[-1]: v for k, v in element.attrib.items()}, element.text


def _active(page: str) -> set[str]:
    """Everything in ``page`` that a browser could run: scripts, event attributes,
    ``javascript:``/``data:text/html`` URLs, frames, SVG, styles with URLs."""
    found = set()
    for name, attrs, text in _elements(page):
        text = text or ""
        if name == "script":
            found.add(f"script src={attrs.get('src')} type={attrs.get('type')} {text.strip()}")
        if name in ("iframe", "object", "embed", "svg", "math", "form", "base", "meta"):
            found.add(f"<{name} {sorted(attrs.items())}>")
        if name == "style" and re.search(r"url\s*\(|expression|import", text):
            found.add(f"style {text[:200]}")
        for attribute, value in attrs.items():
            if attribute.lower().startswith("on"):
                found.add(f"{name} {attribute}={value}")
            plain = re.sub(r"[\x00-\x20]+", "", value).lower()
            if attribute.lower() in _URL_ATTRIBUTES and plain.startswith(
                ("javascript:", "vbscript:", "data:text", "data:image/svg")
            ):
                found.add(f"{name} {attribute}={value}")
    return found


def _markup_with_mark(page: str) -> list[str]:
    """Tags or attributes (not text) that carry the hostile mark."""
    hits = []
    for name, attrs, text in _elements(page):
        if name in ("script", "style") and MARK in (text or ""):
            hits.append(f"{name} {text}"[:200])
        for attribute, value in attrs.items():
            if MARK in value or MARK in attribute:
                hits.append(f"{name} {attribute}={value}"[:200])
    return hits


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("feedback")
    return {
        "clean": _render(_notebook(hostile=False), sanitize=True, tmp_path=tmp),
        "clean_unsanitized": _render(_notebook(hostile=False), sanitize=False, tmp_path=tmp),
        "hostile": _render(_notebook(hostile=True), sanitize=True, tmp_path=tmp),
        "hostile_unsanitized": _render(_notebook(hostile=True), sanitize=False, tmp_path=tmp),
    }


def test_without_the_sanitiser_the_student_runs_script_in_the_page(pages):
    """What issue 10 reported: the page as nbgrader renders it carries the student's scripts."""
    added = _active(pages["hostile_unsanitized"]) - _active(pages["clean_unsanitized"])
    assert any(MARK in thing for thing in added)
    assert _markup_with_mark(pages["hostile_unsanitized"])


def test_the_template_is_the_same_for_clean_pages(pages):
    """The sanitiser leaves the page's own scripts alone (the comparison's baseline)."""
    assert _active(pages["clean"]) == _active(pages["clean_unsanitized"])
    assert any("mathjax" in thing.lower() for thing in _active(pages["clean"]))


def test_a_hostile_page_runs_nothing_more_than_a_clean_one(pages):
    assert _active(pages["hostile"]) == _active(pages["clean"])
    assert _markup_with_mark(pages["hostile"]) == []


def test_the_student_text_is_still_shown_as_text(pages):
    text = bs4.BeautifulSoup(pages["hostile"], "html.parser").get_text()
    for shown in (
        f"<script>alert('{MARK}29')</script>",  # stdout
        f"<img src=x onerror=alert('{MARK}31')>",  # the traceback
        "click me",
        "tab-split scheme",
        f"<img src=x onerror=\"alert('{MARK}11')\">",  # the mermaid block, as code
        "<IPython.core.display.HTML object>",  # the text/plain fallback of the HTML output
        "[application/javascript output not shown in feedback]",
    ):
        assert shown in text, shown
    soup = bs4.BeautifulSoup(pages["hostile"], "html.parser")
    images = [img for img in soup.find_all("img") if img.get("src", "").startswith("data:")]
    # Only the real PNG: an image/png or image/jpeg that is not one is not an image on the page.
    assert [img["src"] for img in images] == [f"data:image/png;base64,{PNG}"]
    assert images[0].get("height") == "3" and images[0].get("width") is None


def test_markdown_keeps_its_formatting():
    out = safe_markdown("# Title\n\nSome *text*, `code`, [a link](https://example.org/?a=1&b=2).")
    soup = bs4.BeautifulSoup(out, "html.parser")
    assert soup.find("h1").get_text() == "Title"
    assert soup.find("em").get_text() == "text"
    assert soup.find("code").get_text() == "code"
    assert soup.find("a")["href"] == "https://example.org/?a=1&b=2"
    assert "\n" not in out


def test_the_course_configuration_uses_the_sanitiser(tmp_path):
    course = nbgrader_config(tmp_path, "release", "sqlite://")
    assert course.GenerateFeedback.preprocessors[-1] is SanitizeStudentOutputs
