"""The explorer's layout and colours in a real browser: JupyterLab in headless Chromium.

* At 1280 x 900 with the file browser open, the notebook scrolls only vertically: the explorer
  fits (its picture moves under the controls where three columns do not fit).
* A class has one colour: the explorer's points are drawn in ``utils.plotting.CLASS_COLOURS``
  and its regions in ``REGION_COLOURS`` at ``REGION_ALPHA`` over white, as the static plots are.

Waits are on the canvas's own data attributes or the kernel's status, never on a sleep.
"""

from __future__ import annotations

import io
import os

import numpy as np
import pytest

from autograder.explorer_benchmark import CHROMIUM, open_and_run
from tests.explorer_page import (
    CANVAS,
    FRONT,
    WAIT_MS,
    attr,
    composite,
    pause,
    play_until,
    wait_for,
)
from utils import explorer, plotting

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} not found")

#: Every element of the notebook in front that can scroll sideways and has more to show than
#: its width: a horizontal scrollbar the student sees.
SIDEWAYS_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const found = [];
  for (const e of [panel, ...panel.querySelectorAll('*')]) {
    const x = getComputedStyle(e).overflowX;
    if ((x === 'auto' || x === 'scroll') && e.scrollWidth > e.clientWidth + 1) {
      found.push(`${e.className} ${e.scrollWidth} > ${e.clientWidth}`);
    }
  }
  const ex = panel.querySelector('.explorer').getBoundingClientRect();
  const nb = panel.getBoundingClientRect();
  const controls = [...panel.querySelectorAll('.explorer-panel')]
    .map(p => p.getBoundingClientRect());
  const picture = panel.querySelector('.explorer-canvas').getBoundingClientRect();
  return {
    found,
    explorerRight: ex.right,
    panelRight: nb.right,
    pictureBeside: picture.left >= Math.max(...controls.map(r => r.right)) - 1,
  };
}"""


def test_explorer_fits_1280_pixels_with_the_file_browser_open(explorer_lab):
    server, page = explorer_lab
    page.set_viewport_size({"width": 1280, "height": 900})
    open_and_run(page, server, "demo.ipynb", timeout_ms=WAIT_MS)
    page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
    page.wait_for_function(
        "() => { const f = document.querySelector('#filebrowser');"
        " return !!f && f.offsetWidth > 150; }",
        timeout=WAIT_MS,
    )
    page.wait_for_function(f"() => !!document.querySelector('{CANVAS}')", timeout=WAIT_MS)
    result = page.evaluate(SIDEWAYS_JS)
    assert result["found"] == [], f"horizontal scrollbars at 1280 px: {result['found']}"
    assert result["explorerRight"] <= result["panelRight"] + 1
    # And the picture stays beside the controls, where a student sees what a slider does.
    assert result["pictureBeside"]


def test_matplotlib_draws_the_regions_as_the_explorer_expects():
    """The static plot's region colour, read from its pixels, is the composite used below."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = np.array([[-1.0, 1.0], [0.0, 0.0]])
    fig, ax = plt.subplots(figsize=(2, 2), dpi=100)
    plotting.plot_decision_boundary(lambda X: (X[0:1] > 0).astype(float), X, X[:1] > 0, ax=ax)
    ax.set_axis_off()
    fig.subplots_adjust(0, 0, 1, 1)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    plt.close(fig)
    for label, (row, col) in enumerate([(20, 20), (20, 180)]):  # corners of each half
        want = composite(plotting.REGION_COLOURS[label], plotting.REGION_ALPHA)
        assert np.abs(pixels[row, col] - want).max() <= 2


def test_explorer_points_and_regions_have_the_colours_of_the_plots(explorer_lab):
    server, page = explorer_lab
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_and_run(page, server, "demo.ipynb", timeout_ms=WAIT_MS)
    play_until(page, 300)
    pause(page)
    frame = page.evaluate(attr("frame"))
    page.click(f"{FRONT} .explorer-discretize input")
    wait_for(page, f"{attr('frame')} > {frame}")
    from PIL import Image

    png = page.locator(f"{CANVAS} .explorer-main").screenshot()
    size = 320  # CSS pixels of the picture (the screenshot may have a fractional extra row)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)[:size, :size]

    # The demo's data, computed here as the explorer computes it (same defaults, same seed).
    c = explorer.Explorer(explorer.ShallowNetwork(*(lambda *a: None,) * 4), grid_size=16)
    pts = np.frombuffer(c.points_bytes(), dtype=np.float32).reshape(-1, 3)
    train = pts[pts[:, 2] < 2]
    xy = train[:, :2] * size
    # Points with no other point within 8 pixels: their centre pixel is their fill colour.
    d = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    np.fill_diagonal(d, np.inf)
    lonely = train[d.min(axis=1) > 8]
    seen = set()
    for u, v, label in lonely:
        col, row = int(u * size), int(v * size)
        want = composite(plotting.CLASS_COLOURS[int(label)], 1.0)
        got = pixels[row, col]
        assert np.abs(got - want).max() <= 12, (label, got, want)
        seen.add(int(label))
    assert seen == {0, 1}, "no isolated point of each class to read"

    # Background, away from points, axes and the boundary: one of the two region colours.
    regions = [composite(h, plotting.REGION_ALPHA) for h in plotting.REGION_COLOURS]
    far = np.ones(pixels.shape[:2], dtype=bool)
    rows, cols = np.mgrid[0:size, 0:size]
    for u, v in pts[:, :2] * size:
        far &= (rows - v) ** 2 + (cols - u) ** 2 > 8**2
    x0, x1, y0, y1 = c.domain
    far &= np.abs(cols - (0 - x0) / (x1 - x0) * size) > 3
    far &= np.abs(rows - (y1 - 0) / (y1 - y0) * size) > 3
    found = [0, 0]
    for r, q in zip(rows[far][::7], cols[far][::7], strict=True):
        block = pixels[max(r - 3, 0) : r + 4, max(q - 3, 0) : q + 4].reshape(-1, 3)
        if np.ptp(block, axis=0).max() > 2:
            continue  # near the boundary: the two colours blend
        dist = [np.abs(pixels[r, q] - want).max() for want in regions]
        assert min(dist) <= 3, (pixels[r, q], regions)
        found[int(np.argmin(dist))] += 1
    assert min(found) > 0, f"both regions should show after training: {found}"
