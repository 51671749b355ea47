"""The explorer in JupyterLab in headless Chromium, for the browser tests: its demo notebook,
the selectors and waits of its page, and the colours it draws.

Every wait is on a signal the widget writes after drawing (the ``data-frame`` and
``data-epoch`` attributes of ``.explorer-canvas``) or on the kernel's status, never a sleep.
The server and the browser come from the ``explorer_lab`` fixture of ``tests/conftest.py``.
"""

from __future__ import annotations

import pathlib

import numpy as np

DEMO = pathlib.Path(__file__).parent / "notebooks" / "explorer_demo.ipynb"
#: The notebook in the tab in front (another notebook may be open behind it), and its explorer.
FRONT = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CANVAS = f"{FRONT} .explorer-canvas"
WAIT_MS = 60_000


def attr(name: str) -> str:
    """JavaScript reading a numeric data attribute of the front canvas (-1 when absent)."""
    return (
        f"(() => {{ const e = document.querySelector('{CANVAS}'); "
        f"return e && e.dataset.{name} !== undefined ? Number(e.dataset.{name}) : -1; }})()"
    )


def wait_for(page, condition: str) -> None:
    """Wait until the JavaScript expression ``condition`` is true on the page."""
    page.wait_for_function(f"() => {condition}", timeout=WAIT_MS)


def play_until(page, epoch: int) -> None:
    """Press Play and wait until the widget's own epoch counter reaches ``epoch``."""
    page.click(f"{FRONT} .explorer-play")
    wait_for(page, f"{attr('epoch')} >= {epoch}")


def pause(page) -> None:
    """Press Pause and wait until training has stopped."""
    page.click(f"{FRONT} .explorer-pause")
    wait_for(page, f"!document.querySelector('{CANVAS}').classList.contains('explorer-playing')")


def composite(hex_colour: str, alpha: float) -> np.ndarray:
    """A colour drawn with opacity ``alpha`` over white, as RGB 0..255."""
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    return 255 + (rgb - 255) * alpha
