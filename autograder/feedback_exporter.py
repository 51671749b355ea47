"""The exporter that writes the course's feedback pages (``GenerateFeedback.exporter_class``).

It is nbconvert's HTML exporter, with the same template, filters and settings, minus one
pass: after rendering, nbconvert parses the whole page again with BeautifulSoup (inlined CSS
included, a few hundred kilobytes) only to give ``alt`` text to images that lack it and
``tabindex`` to JupyterLab-template cells. That pass was half the CPU time of a feedback page.
Here images get the same ``alt`` text as the page is written (the course's template is the
classic one, which has no JupyterLab cells to make focusable), and each distinct code text is
highlighted once per process: the cells a student did not change are the same in every
hand-in of an assignment.

Every page nbgrader writes goes through this class: the grader's and formgrader's
"Generate feedback" alike (both read the course's nbgrader settings).
"""

from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

#: What nbconvert's HTML exporter gives an image without a description; the same here.
MISSING_ALT = "No description has been provided for this image"

#: An ``<img`` tag opening that has no ``alt`` attribute before its end. Every tag on the page
#: is written by the template (student outputs are sanitised first: ``safe_feedback``), and
#: text is escaped, so a literal ``<img`` is always a tag.
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt\s*=)(?=[\s/>])", re.IGNORECASE)


def with_alt_text(page: str) -> str:
    """``page`` with :data:`MISSING_ALT` on every ``<img>`` tag that has no ``alt``."""
    return _IMG_WITHOUT_ALT.sub(f'<img alt="{MISSING_ALT}"', page)


class _HighlightOnce:
    """nbconvert's ``highlight_code`` filter, remembering each (code, language) it rendered."""

    def __init__(self, highlight: Highlight2HTML) -> None:
        self._highlight = highlight
        self._render = lru_cache(maxsize=4096)(self._uncached)

    def _uncached(self, source: str, language: str | None, magics: str | None) -> str:
        metadata = {"magics_language": magics} if magics else None
        return self._highlight(source, language, metadata)

    def __call__(self, source, language=None, metadata=None) -> str:
        magics = (metadata or {}).get("magics_language") if metadata else None
        return self._render(str(source), language, magics)


class _CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache, in this process's memory.

    nbgrader makes a new exporter, so a new Jinja environment, for every assignment it writes
    pages for, and each environment compiled the page templates again. Jinja keys each entry
    by template name and checks it against a hash of the template's source, so an edited
    template is compiled afresh.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES = _CompiledTemplates()


class FeedbackExporter(HTMLExporter):
    """nbconvert's :class:`~nbconvert.exporters.HTMLExporter` without the BeautifulSoup pass
    (see the module); it reads the ``HTMLExporter`` settings, as a subclass does."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _COMPILED_TEMPLATES  # compiled once per process
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight = self.filters.get("highlight_code")  # one set in the settings wins, as is
        if highlight is None:
            highlighters = self.__dict__.setdefault("_highlighters", {})
            if lexer not in highlighters:
                highlighters[lexer] = _HighlightOnce(
                    Highlight2HTML(pygments_lexer=lexer, parent=self)
                )
            highlight = highlighters[lexer]
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", highlight)
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            ),
        )
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return with_alt_text(page), resources
