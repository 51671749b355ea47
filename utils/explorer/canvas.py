"""The explorer's picture: an anywidget drawn in the browser by ``canvas.js`` (beside this file)."""

from __future__ import annotations

import pathlib

import anywidget
import traitlets

from utils.plotting import CLASS_COLOURS, REGION_ALPHA, REGION_COLOURS

_HERE = pathlib.Path(__file__).parent
if not (_HERE / "canvas.js").is_file():  # anywidget would take the path for code
    raise ImportError(f"{_HERE / 'canvas.js'} is missing (package data not installed)")


class ExplorerCanvas(anywidget.AnyWidget):
    """Draws the boundary, the points, the epoch and the cost curves in the browser.

    The grid arrives as uint8 bytes (a binary buffer, 4 KB for 64 x 64) and is
    coloured in JavaScript; discretising and hiding the test points happen there too. While
    training, the browser acknowledges each frame it drew, so training never runs ahead of the
    screen.
    Data attributes ``data-frame``, ``data-epoch`` and ``data-drawn-at`` on the element of
    class ``explorer-canvas`` tell tests what was drawn and when.
    """

    # anywidget names a widget after its class's module (``_anywidget_id``, saved with the
    # notebook's widget state and naming its styles in the page): the name notebooks know it by.
    __module__ = "utils.explorer"

    _esm = _HERE / "canvas.js"
    _css = _HERE / "canvas.css"

    grid = traitlets.Bytes(b"").tag(sync=True)
    grid_size = traitlets.Int(0).tag(sync=True)
    points = traitlets.Bytes(b"").tag(sync=True)
    history = traitlets.Bytes(b"").tag(sync=True)
    domain = traitlets.List(traitlets.Float(), default_value=[-1.0, 1.0, -1.0, 1.0]).tag(sync=True)
    epoch = traitlets.Int(0).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    metric = traitlets.Unicode("cost").tag(sync=True)
    train_value = traitlets.Float(None, allow_none=True).tag(sync=True)
    test_value = traitlets.Float(None, allow_none=True).tag(sync=True)
    show_test = traitlets.Bool(False).tag(sync=True)
    discretize = traitlets.Bool(False).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    #: The colours of the static plots (utils.plotting), so that a class has one colour in
    #: the whole course: points of class 0 and 1, and the regions, drawn with this opacity
    #: over white as matplotlib does.
    class_colours = traitlets.List(traitlets.Unicode(), list(CLASS_COLOURS)).tag(sync=True)
    region_colours = traitlets.List(traitlets.Unicode(), list(REGION_COLOURS)).tag(sync=True)
    region_alpha = traitlets.Float(REGION_ALPHA).tag(sync=True)
