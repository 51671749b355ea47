"""The explorer in a real browser: JupyterLab on 127.0.0.1 in headless Chromium (Playwright).

Every wait is on a signal the widget writes after drawing (the ``data-frame`` and
``data-epoch`` attributes of ``.explorer-canvas``) or on the kernel's status, never a sleep.
The server and the browser are torn down by their own handles.
"""

from __future__ import annotations

import io
import os
import pathlib
import shutil

import nbformat
import numpy as np
import pytest

from autograder.explorer_benchmark import CHROMIUM, KERNEL_IDLE_JS, LabServer, browser, open_and_run
from utils.explorer import GRID_SIZE
from utils.plotting import REGION_ALPHA, REGION_COLOURS

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} not found")

DEMO = pathlib.Path(__file__).parent / "notebooks" / "explorer_demo.ipynb"
#: The explorer of the notebook in the tab in front (another notebook may be open behind it).
CANVAS = ".jp-NotebookPanel:not(.lm-mod-hidden) .explorer-canvas"
STAGE = f"{CANVAS} .explorer-stage"
WAIT_MS = 60_000


def attr(name: str) -> str:
    """JavaScript reading a numeric data attribute of the front canvas (-1 when absent)."""
    return (
        f"(() => {{ const e = document.querySelector('{CANVAS}'); "
        f"return e && e.dataset.{name} !== undefined ? Number(e.dataset.{name}) : -1; }})()"
    )


def wait_for(page, condition: str) -> None:
    page.wait_for_function(f"() => {condition}", timeout=WAIT_MS)


def picture(page) -> np.ndarray:
    from PIL import Image

    png = page.locator(STAGE).screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def changed_fraction(a: np.ndarray, b: np.ndarray) -> float:
    """Share of pixels whose colour moved by more than 16 in some channel."""
    assert a.shape == b.shape
    return float((np.abs(a - b).max(axis=2) > 16).mean())


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(DEMO, root / "demo.ipynb")
    with LabServer(root) as server, browser() as page:
        yield server, page


def test_play_and_slider_change_the_boundary(lab):
    server, page = lab
    open_and_run(page, server, "demo.ipynb", timeout_ms=WAIT_MS)
    wait_for(page, f"{attr('frame')} >= 1 && {attr('gridBytes')} === {GRID_SIZE**2}")
    assert page.evaluate(attr("epoch")) == 0
    untrained = picture(page)

    # Play: training runs on the kernel's clock; wait for the widget's own epoch counter.
    page.click(".explorer-play")
    wait_for(page, f"{attr('epoch')} >= 400")
    assert page.locator(f"{CANVAS}.explorer-playing").count() == 1
    page.click(".explorer-pause")
    wait_for(page, f"!document.querySelector('{CANVAS}').classList.contains('explorer-playing')")
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
    page.click(".explorer-play")
    wait_for(page, f"{attr('epoch')} >= 200")
    page.click(".explorer-pause")
    wait_for(page, f"!document.querySelector('{CANVAS}').classList.contains('explorer-playing')")
    smooth = picture(page)
    frame = page.evaluate(attr("frame"))
    page.click(".explorer-discretize input")
    wait_for(page, f"{attr('frame')} > {frame}")
    assert changed_fraction(smooth, picture(page)) > 0.05


def test_saved_notebook_shows_the_last_frame_when_reopened(lab, tmp_path):
    """A notebook run by nbclient keeps the widget state; JupyterLab draws the saved frame from
    it without running any cell (the notebook is signed: JupyterLab renders widget views only
    in trusted notebooks, which a notebook the student saved is)."""
    from nbclient import NotebookClient

    server, page = lab
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
        rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
        region = 255 + (rgb - 255) * REGION_ALPHA
        assert (np.abs(pixels - region).max(axis=2) <= 12).mean() > 0.1
    count = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets"
        ".filter(c => c.model.type === 'code' && c.model.executionCount)"
        ".length"
    )
    assert count == 3  # the counts saved by nbclient: nothing was run in the browser
