"""Feedback preprocessing: what a student may see of a hidden check that failed."""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor


class ShortenHiddenTracebacks(NbGraderPreprocessor):
    """Replace the traceback of a hidden-test cell by its one-line message.

    A traceback would show the hidden call and the grader's own source lines; the message
    (``"dw: wrong values on a random 7x23 input, max relative error 0.41"``) says what failed
    without them. Runs before ``ClearHiddenTests``, while the hidden block is still there.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and "BEGIN HIDDEN TESTS" in cell.source:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
        return cell, resources
