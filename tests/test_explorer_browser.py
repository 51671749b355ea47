"""The explorer in a real browser: JupyterLab on 127.0.0.1 in headless Chromium (Playwright).

Every wait is on a signal the widget writes after drawing or on the kernel's status, never a
sleep (see :mod:`tests.explorer_page`). The server and the browser are torn down by their own
handles.
"""

from __future__ import annotations

import io
import os

import nbformat
import numpy as np
import pytest

from autograder.explorer_benchmark import CHROMIUM, KERNEL_IDLE_JS, open_and_run
from tests.explorer_page import (
    CANVAS,
    DEMO,
    WAIT_MS,
    attr,
    composite,
    pause,
    play_until,
    wait_for,
)
from utils.explorer import GRID_SIZE
from utils.plotting import REGION_ALPHA, REGION_COLOURS

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} not found")

STAGE = f"{CANVAS} .explorer-stage"


def picture(page) -> np.ndarray:
    from PIL import Image

    png = page.locator(STAGE).screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def changed_fraction(a: np.ndarray, b: np.ndarray) -> float:
    """Share of pixels whose colour moved by more than 16 in some channel."""
    assert a.shape == b.shape
    return float((np.abs(a - b).max(axis=2) > 16).mean())


def test_play_and_slider_change_the_boundary(explorer_lab):
    server, page = explorer_lab
    open_and_run(page, server, "demo.ipynb", timeout_ms=WAIT_MS)
    wait_for(page, f"{attr('frame')} >= 1 && {attr('gridBytes')} === {GRID_SIZE**2}")
    assert page.evaluate(attr("epoch")) == 0
    untrained = picture(page)

    # Play: training runs on the kernel's clock; wait for the widget's own epoch counter.
    play_until(page, 400)
    assert page.locator(f"{CANVAS}.explorer-playing").count() == 1
    pause(page)
    trained = picture(page)
    assert changed_fraction(untrained, trained) > 0.05
    header = page.locator(f"{CANVAS} .explorer-epoch").inner_text()
    assert header.startswith("Epoch ") and int(header.split()[1].replace(",", "")) >= 400

    # A slider: one more hidden unit draws a new network (epoch 0) and a new picture.
    frame = page.evaluate(attr("frame"))
    page.focus(".explorer-units-1 .noUi-handle")
    page.keyboard.press("ArrowRight")
    wait_for(page, f"{attr('frame')} > {frame} && {attr('epoch')} === 0")
    moved = picture(page)
    assert changed_fraction(trained, moved) > 0.05
    assert page.locator(".explorer-units-1 .widget-readout").inner_text().strip() == "5"

    # Discretize is drawn in the browser from the same grid: the picture changes again.
    frame = page.evaluate(attr("frame"))
    play_until(page, 200)
    pause(page)
    smooth = picture(page)
    frame = page.evaluate(attr("frame"))
    page.click(".explorer-discretize input")
    wait_for(page, f"{attr('frame')} > {frame}")
    assert changed_fraction(smooth, picture(page)) > 0.05


def test_saved_notebook_shows_the_last_frame_when_reopened(explorer_lab, tmp_path):
    """A notebook run by nbclient keeps the widget state; JupyterLab draws the saved frame from
    it without running any cell (the notebook is signed: JupyterLab renders widget views only
    in trusted notebooks, which a notebook the student saved is)."""
    from nbclient import NotebookClient

    server, page = explorer_lab
    nb = nbformat.read(DEMO, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("ex.step(1500)"))
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    nbformat.write(nb, server.root / "saved.ipynb")
    server.trust(server.root / "saved.ipynb")  # as if the student had saved it

    page.goto(server.lab_url("saved.ipynb"))
    page.wait_for_function(KERNEL_IDLE_JS, timeout=WAIT_MS)
    wait_for(page, f"{attr('epoch')} === 1500 && {attr('gridBytes')} === {GRID_SIZE**2}")
    pixels = picture(page)
    # A trained boundary: both regions' colours cover a good part of the picture, not one flat
    # colour (a confident region is drawn in its plotting colour, as a static plot draws it).
    for hex_colour in REGION_COLOURS:
        region = composite(hex_colour, REGION_ALPHA)
        assert (np.abs(pixels - region).max(axis=2) <= 12).mean() > 0.1
    count = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets"
        ".filter(c => c.model.type === 'code' && c.model.executionCount)"
        ".length"
    )
    assert count == 3  # the counts saved by nbclient: nothing was run in the browser
