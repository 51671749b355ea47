"""A feedback page read offline: opened from disk in headless Chromium with every network
request refused, its formulas are typeset by the copy of MathJax beside the pages."""

from __future__ import annotations

import os

import pytest

from autograder.cli import main
from autograder.explorer_benchmark import CHROMIUM, browser
from autograder.samples import write_demo_submissions
from autograder.sandbox import sandbox_problem

pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} not found"),
    pytest.mark.skipif(sandbox_problem() is not None, reason=f"no sandbox: {sandbox_problem()}"),
]

AID = "02_logistic_regression"  # its markdown holds the cost J and the gradients in LaTeX


def test_formulas_render_with_no_network(tmp_path):
    subs, out = tmp_path / "in", tmp_path / "out"
    write_demo_submissions(subs, [AID])
    assert main(["grade", str(subs), "--out", str(out), "--workers", "1"]) == 0
    page_path = out / "feedback" / "ada" / AID / f"{AID}.html"
    html = page_path.read_text(encoding="utf-8")
    assert "cdnjs" not in html and "../../mathjax/MathJax.js" in html
    refused = []
    with browser() as page:
        # Only files from disk: any request to the network is refused (and remembered).
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("file://")
                else (refused.append(route.request.url), route.abort())
            ),
        )
        page.goto(page_path.as_uri())
        page.wait_for_function("() => window.MathJax && MathJax.isReady", timeout=30_000)
        page.wait_for_function(
            "() => document.querySelectorAll('.MathJax, .MathJax_Display').length > 0",
            timeout=30_000,
        )
        typeset = page.evaluate("document.querySelectorAll('.MathJax, .MathJax_Display').length")
        raw = page.evaluate("document.body.innerText.includes('\\\\frac')")
    assert typeset > 0 and not raw
    assert not [url for url in refused if "mathjax" in url.lower()]
