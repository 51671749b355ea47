"""Student-chosen text made safe for where the grader shows it: a terminal, a CSV file, HTML.

Student ids are folder names a student may choose, and messages quote what a student's code
raised; both are data, never instructions to the program that displays them:

* :func:`for_terminal`: no escape sequence reaches the instructor's terminal (no window title,
  no cleared screen, no cursor moves, no bidirectional reordering);
* :func:`for_csv`: no cell of ``grades.csv``/``cell_grades.csv`` is run as a formula when the
  file is opened in a spreadsheet (OWASP "CSV Injection"); :func:`from_csv` undoes it;
* :func:`for_html`: ``html.escape``.
"""

from __future__ import annotations

import html
import re
import unicodedata

# ANSI/ECMA-48 sequences, in their 7-bit (ESC ...) and 8-bit (C1) forms.
_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # colours, cursor moves, clear screen
# OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \ or 0x9c), or to the end if unterminated.
_STRING = r"(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
_ESC_OTHER = r"\x1b[ -/]*[0-~]?"  # two-byte escapes (ESC c: reset, ESC 7/8, charset selection)
_SEQUENCE = re.compile(f"{_STRING}|{_CSI}|{_ESC_OTHER}")

#: Bidirectional overrides and isolates ("Trojan Source"), and line/paragraph separators.
_INVISIBLE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u2028\u2029")


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ch in _INVISIBLE


def for_terminal(text) -> str:
    """``text`` without anything a terminal would act on.

    Removes ANSI/ECMA-48 escape sequences (CSI such as ``ESC[2J``, OSC such as
    ``ESC]0;title BEL``, DCS/APC/PM strings, two-byte escapes, and their 8-bit C1 forms such as
    ``0x9b``), then every remaining C0/C1 control character, DEL, and the bidirectional
    overrides/isolates. A tab, newline or carriage return becomes a space, so that one value
    stays on one line. Printable Unicode is kept.
    """
    text = _SEQUENCE.sub("", str(text))
    return "".join(
        " " if ch in "\t\n\r" else ch for ch in text if ch in "\t\n\r" or not _is_control(ch)
    )


#: First characters that make a spreadsheet read a cell as a formula (OWASP: ``=``, ``+``,
#: ``-``, ``@``, tab, carriage return; also line feed, NUL as in ASVS 1.2.10, and the
#: full-width forms some spreadsheets accept), and the quote itself, so that the prefix is
#: always reversible (see :func:`from_csv`).
_FORMULA_START = frozenset("=+-@\t\r\n\x00\uff1d\uff0b\uff0d\uff20'")


def for_csv(value) -> str:
    """A CSV cell a spreadsheet shows as text, never runs (OWASP "CSV Injection").

    * Escape sequences and control characters are removed as for :func:`for_terminal`
      (``cat grades.csv`` must not retitle a terminal either), except tab, line feed and
      carriage return, which the csv module quotes.
    * If the cell starts (after any spaces) with ``=``, ``+``, ``-``, ``@``, tab, carriage
      return, line feed or NUL, it is prefixed with a single quote ``'``. So is a cell that
      already starts with ``'``: then the prefix is always reversible, :func:`from_csv`
      removes exactly one leading ``'``.
    * Field separators and quotes: OWASP warns that a ``,``/``;`` or ``"`` inside a value can
      start a new cell whose first character is dangerous. The writers of
      :mod:`autograder.reports` quote every field (``csv.QUOTE_ALL``) and the csv module
      doubles embedded quotes, so a value is one cell whatever separator a spreadsheet
      guesses (``;`` in many locales).

    So a student whose id is ``-2`` or ``=HYPERLINK(...)`` appears as ``'-2`` or
    ``'=HYPERLINK(...)`` in ``grades.csv``; read ids back with :func:`from_csv`.
    """
    text = _SEQUENCE.sub("", str(value))
    text = "".join(ch for ch in text if ch in "\t\n\r" or not _is_control(ch))
    if text.lstrip(" ")[:1] in _FORMULA_START:
        text = "'" + text
    return text


def from_csv(cell: str) -> str:
    """The value :func:`for_csv` neutralised: one leading ``'`` removed, if there is one.

    Exact for every value without control characters (``from_csv(for_csv(v)) == v``).
    """
    return cell[1:] if cell.startswith("'") else cell


def for_html(text) -> str:
    """``text`` escaped for HTML text and quoted attribute values (``html.escape``)."""
    return html.escape(str(text), quote=True)
