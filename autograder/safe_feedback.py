"""Feedback pages that run nothing a student wrote, when an instructor or a student opens them.

nbgrader's feedback page (nbconvert's HTML exporter with nbgrader's ``feedback`` template)
renders a hand-in as it is: ``text/html``, ``image/svg+xml``, ``application/javascript``,
``text/markdown`` and widget outputs go into the page as markup or script, Markdown cells may
hold raw HTML and ``<script>`` (and ```` ```mermaid ```` blocks are copied unescaped), links may
be ``javascript:`` URLs, image sizes from output metadata land in unquoted attributes
(``width=1 onload=...``), and widget state from the notebook's metadata is embedded. The
template applies no sanitiser to Markdown cells.

:class:`SanitizeStudentOutputs` is the last preprocessor of ``GenerateFeedback``: it rewrites
the notebook so that only text reaches the template:

* outputs are rebuilt from scratch: streams (``stdout``/``stderr`` text), errors (name, value,
  traceback as text), and of rich outputs only ``text/plain`` and ``image/png``/``image/jpeg``
  checked to be base64 of a real image (:mod:`autograder.images`: a PNG read chunk by chunk,
  its pixels inflated and counted, and written again with only the chunks that draw it; a
  JPEG with its markers and size), with integer ``width``/``height`` as the only metadata.
  Other kinds (HTML, SVG, JavaScript, Markdown, LaTeX, widgets, PDF...) are dropped; when
  nothing textual is left, a ``text/plain`` line says what was not shown. The template
  escapes all of these.
* Markdown cells are rendered to HTML here (the renderer nbconvert uses, without ``mermaid``
  passthrough or embedded files), cleaned by ``bleach`` with a strict allow-list (no script,
  style, iframe, form, SVG or event attribute; links only ``http``, ``https``, ``mailto``,
  relative or ``#``; images only ``http(s)``, relative, or checked PNG/JPEG ``data:``), then
  stored as one line of HTML in which every character of text and attribute values that
  Markdown could act on is a character reference, so the template's own Markdown pass keeps
  it as it is.
* raw cells become escaped ``<pre>`` text; execution counts must be integers; grade ids must be
  nbgrader's ``[A-Za-z0-9_-]``; the notebook's widget state is removed.

The page's own template (Bootstrap CSS, MathJax with its ``Safe`` extension, require.js) is
unchanged.
"""

from __future__ import annotations

import functools
import html
import re
from html.parser import HTMLParser

import bleach
import nbformat
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.images import checked_image

_IMAGES = ("image/png", "image/jpeg")
_GRADE_ID = re.compile(r"[A-Za-z0-9_-]+")

_TAGS = frozenset(
    "a abbr b blockquote br code dd del div dl dt em h1 h2 h3 h4 h5 h6 hr i img kbd li ol p pre "
    "s span strong sub sup table tbody td tfoot th thead tr u ul".split()
)
_VOID = frozenset({"br", "hr", "img"})


def _joined(value) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return "" if value is None else str(value)


def _checked(mime: str, value) -> str | None:
    """A PNG or JPEG checked (and a PNG rewritten) by :func:`autograder.images.checked_image`,
    as base64; None when it fails."""
    from autograder.sandbox import Limits  # (autograder.sandbox imports the course's settings)

    limits = Limits()
    return checked_image(mime, value, limits.page_image_pixels, limits.output_bytes)


def _int_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _size(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if 0 < value <= 100_000 else None


# --------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------
def safe_output(output: dict) -> nbformat.NotebookNode:
    """One output rebuilt from its textual parts and checked images (see the module)."""
    kind = output.get("output_type")
    if kind == "stream":
        name = "stderr" if output.get("name") == "stderr" else "stdout"
        return nbformat.v4.new_output("stream", name=name, text=_joined(output.get("text")))
    if kind == "error":
        traceback = output.get("traceback")
        traceback = [str(line) for line in traceback] if isinstance(traceback, list) else []
        return nbformat.v4.new_output(
            "error",
            ename=_joined(output.get("ename")),
            evalue=_joined(output.get("evalue")),
            traceback=traceback,
        )
    if kind not in ("display_data", "execute_result"):
        return nbformat.v4.new_output(
            "stream", name="stdout", text=f"[an output of kind {str(kind)[:40]!r} is not shown]\n"
        )
    data = output.get("data") if isinstance(output.get("data"), dict) else {}
    metadata = output.get("metadata") if isinstance(output.get("metadata"), dict) else {}
    safe_data, safe_metadata = {}, {}
    for mime in _IMAGES:
        if mime in data and (encoded := _checked(mime, data[mime])) is not None:
            safe_data[mime] = encoded
            given = metadata.get(mime) if isinstance(metadata.get(mime), dict) else {}
            sizes = {k: _size(given.get(k)) for k in ("width", "height")}
            if sizes := {k: v for k, v in sizes.items() if v is not None}:
                safe_metadata[mime] = sizes
    if "text/plain" in data:
        safe_data["text/plain"] = _joined(data["text/plain"])
    dropped = sorted(str(m)[:60] for m in data if m not in safe_data)
    if dropped and "text/plain" not in safe_data and not safe_data:
        safe_data["text/plain"] = f"[{', '.join(dropped)} output not shown in feedback]"
    if kind == "execute_result":
        return nbformat.v4.new_output(
            "execute_result",
            data=safe_data,
            metadata=safe_metadata,
            execution_count=_int_or_none(output.get("execution_count")),
        )
    return nbformat.v4.new_output("display_data", data=safe_data, metadata=safe_metadata)


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------
class _Renderer(IPythonRenderer):
    """nbconvert's Markdown renderer, without the parts that read files or pass text through."""

    def _embed_image_or_attachment(self, src: str) -> str:
        if src.startswith("attachment:"):
            attachment = self.attachments.get(src[len("attachment:") :], {})
            for mime in _IMAGES:
                if isinstance(attachment, dict) and (data := _checked(mime, attachment.get(mime))):
                    return f"data:{mime};base64,{data}"
            return ""
        return src

    def block_mermaidjs(self, code: str) -> str:
        return f"<pre><code>{html.escape(code)}</code></pre>"


def _plain(url: str) -> str:
    """A URL as a browser compares its scheme: without whitespace and control characters."""
    return re.sub(r"[\x00-\x20\x7f-\x9f]+", "", url).lower()


def _safe_link(url: str) -> bool:
    url = _plain(url)
    if url.startswith(("http://", "https://", "mailto:", "#")):
        return True
    scheme = re.match(r"[^/?#]*:", url)
    return scheme is None  # relative


def _safe_image(url: str) -> bool:
    plain = _plain(url)
    for mime in _IMAGES:
        prefix = f"data:{mime};base64,"
        if plain.startswith(prefix):
            return _checked(mime, url.strip()[len(prefix) :]) is not None
    return plain.startswith(("http://", "https://")) or re.match(r"[^/?#]*:", plain) is None


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a" and name == "href":
        return _safe_link(value)
    if tag == "img" and name == "src":
        return _safe_image(value)
    if name in ("alt", "title"):
        return tag in ("a", "img", "abbr")
    if tag == "img" and name in ("width", "height"):
        return value.isdigit()
    if tag in ("td", "th") and name in ("colspan", "rowspan"):
        return value.isdigit()
    if tag in ("td", "th") and name == "align":
        return value in ("left", "right", "center")
    if tag in ("span", "div", "pre", "code") and name == "class":
        return re.fullmatch(r"[A-Za-z0-9 _-]*", value) is not None
    return False


def clean_html(markup: str) -> str:
    """``markup`` cleaned by bleach with the allow-list of the module's docstring."""
    return bleach.clean(
        markup,
        tags=_TAGS,
        attributes=_allowed_attribute,
        protocols={"http", "https", "mailto", "data"},
        strip=True,
        strip_comments=True,
    )


def _reference(text: str) -> str:
    """Text with every character but letters, digits and spaces as a character reference."""
    return "".join(ch if ch.isalnum() or ch == " " else f"&#{ord(ch)};" for ch in text)


class _Reserializer(HTMLParser):
    """Writes clean HTML back as one line whose text Markdown cannot act on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def _tag(self, tag, attrs, close=""):
        if tag not in _TAGS:
            return
        text = "".join(
            f' {name}="{_reference(value or "")}"'
            for name, value in attrs
            if _allowed_attribute(tag, name, value or "")
        )
        self.parts.append(f"<{tag}{text}{close}>")

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs, " /" if tag in _VOID else "")

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs, " /")

    def handle_endtag(self, tag):
        if tag in _TAGS and tag not in _VOID:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(_reference(data))


def safe_markdown(source: str, attachments: dict | None = None) -> str:
    """A Markdown cell's source made safe: its rendering cleaned (see the module), as a Markdown
    source that renders to exactly that HTML."""
    if not attachments:
        # Most cells are the assignment's own text, the same in every hand-in of a batch.
        return _safe_markdown_text(source)
    return _render_safely(source, attachments)


@functools.lru_cache(maxsize=4096)
def _safe_markdown_text(source: str) -> str:
    return _render_safely(source, {})


def _render_safely(source: str, attachments: dict) -> str:
    try:
        renderer = _Renderer(escape=False, attachments=attachments, exclude_anchor_links=True)
        rendered = MarkdownWithMath(renderer=renderer).render(source)
    except Exception:  # a renderer failure must not cost the page: show the text
        rendered = f"<pre>{html.escape(source)}</pre>"
    writer = _Reserializer()
    writer.feed(clean_html(rendered))
    writer.close()
    body = "".join(writer.parts)
    return f'<div class="student-markdown">{body}</div>' if body else ""


# --------------------------------------------------------------------------------------------
# The preprocessor
# --------------------------------------------------------------------------------------------
class SanitizeStudentOutputs(NbGraderPreprocessor):
    """Make a graded notebook safe to render as a feedback page (see the module).

    Add it last to ``GenerateFeedback.preprocessors``, after ``ClearHiddenTests``.
    """

    def preprocess(self, nb, resources):
        if isinstance(nb.get("metadata"), dict):
            nb.metadata.pop("widgets", None)
        for index, cell in enumerate(nb.cells):
            nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict) and "grade_id" in meta:
            gid = str(meta["grade_id"])
            if not _GRADE_ID.fullmatch(gid):
                meta["grade_id"] = re.sub(r"[^A-Za-z0-9_-]", "_", gid) or "cell"
        if cell.cell_type == "code":
            cell.execution_count = _int_or_none(cell.get("execution_count"))
            cell.outputs = [safe_output(o) for o in cell.get("outputs", []) if isinstance(o, dict)]
        elif cell.cell_type == "markdown":
            cell.source = safe_markdown(_joined(cell.source), cell.get("attachments"))
            cell.pop("attachments", None)
        else:  # raw, or unknown: shown as text
            cell.cell_type = "raw"
            cell.source = f"<pre>{html.escape(_joined(cell.get('source')))}</pre>"
            cell.metadata["raw_mimetype"] = "text/html"
            cell.metadata.pop("format", None)
        return cell, resources
