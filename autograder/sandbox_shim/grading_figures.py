"""The matplotlib backend of a graded notebook: figures become PNG outputs, as in Jupyter.

Like Jupyter's inline backend, ``plt.show()`` draws every open figure and closes it, and at
the end of each cell :func:`flush` draws the figures the cell left open. Each figure goes out
as a ``display_data`` output (``image/png`` and a ``text/plain`` line) through the shell's
display publisher, so it takes its place among the cell's other outputs and counts toward the
cell's and the notebook's output limits.

Figures are drawn small (the settings come with the job, from ``autograder.sandbox.Limits``):
at ``dpi`` dots per inch, less for a figure whose larger side would pass ``pixels``; a PNG
over ``bytes``, or past the ``count`` figures of the notebook, becomes a one-line note
instead, and past the count no figure is drawn at all (drawing is what costs time).

Nothing here is trusted: the student's code can change any of it. The grader checks every
image it reads from the channel (``autograder.images``); this module only keeps honest
notebooks' figures cheap and their pages small.

Selected as ``module://grading_figures`` (``MPLBACKEND`` and the worker's preload).
"""

from __future__ import annotations

import base64
import io
import math

from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

FigureCanvas = FigureCanvasAgg
FigureManager = FigureManagerBase

#: The figure settings of this notebook: ``Limits``' defaults, replaced by the job's own
#: (see :func:`configure`).
SETTINGS = {"dpi": 72, "pixels": 1600, "bytes": 160 * 1024, "count": 40}
#: Figures of this notebook sent so far, and whether drawing is on (off for replayed cells).
_state = {"sent": 0, "drawing": True, "noted": False}


def configure(settings: dict) -> None:
    """Take the job's figure settings (``dpi``, ``pixels``, ``bytes``, ``count``)."""
    for key in SETTINGS:
        value = settings.get(key) if isinstance(settings, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            SETTINGS[key] = value


def drawing(on: bool) -> None:
    """Draw the figures of the next cells (True), or close them undrawn (a replayed cell,
    whose outputs the grader already has)."""
    _state["drawing"] = bool(on)


def _publish(data: dict, metadata: dict | None = None) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    if InteractiveShell.initialized():
        InteractiveShell.instance().display_pub.publish(data=data, metadata=metadata or {})


def _note(text: str) -> None:
    _publish({"text/plain": text})


def render(figure) -> bytes:
    """The PNG of ``figure`` at the notebook's dpi, its larger side at most ``pixels``."""
    width, height = (float(v) for v in figure.get_size_inches())
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise ValueError(f"a figure of {width} x {height} inches")
    dpi = min(float(SETTINGS["dpi"]), SETTINGS["pixels"] / max(width, height))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _send(figure) -> None:
    if _state["sent"] >= SETTINGS["count"]:
        if not _state["noted"]:  # once per notebook
            _state["noted"] = True
            _note(f"[figures past the first {SETTINGS['count']} of a notebook are not drawn]")
        return
    _state["sent"] += 1
    try:
        png = render(figure)
    except Exception as err:  # the student's figure: a note, never the cell's error
        _note(f"[a figure could not be drawn: {type(err).__name__}]")
        return
    if len(png) > SETTINGS["bytes"]:
        _note(
            f"[a figure not shown: its PNG has {len(png) // 1024} KiB, more than the "
            f"{SETTINGS['bytes'] // 1024} KiB the grader keeps]"
        )
        return
    _publish({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": _describe(figure)})


def _describe(figure) -> str:
    try:
        return repr(figure)[:200]
    except Exception:
        return "<Figure>"


def flush() -> None:
    """Draw every open figure (in the order they were made) and close it."""
    import matplotlib.pyplot as plt
    from matplotlib._pylab_helpers import Gcf

    try:
        managers = [manager for _, manager in sorted(Gcf.figs.items())]
    except Exception:
        managers = list(Gcf.get_all_fig_managers())
    try:
        if _state["drawing"]:
            for manager in managers:
                _send(manager.canvas.figure)
    finally:
        plt.close("all")


def show(*args, **kwargs) -> None:
    """``plt.show()``: draw the open figures now, as Jupyter's inline backend does."""
    flush()
