"""The explorer's controls: ipywidgets made from a :class:`~utils.explorer.settings.Settings`,
and their layout around the picture.

These functions only make and arrange widgets; :class:`~utils.explorer.widget.BoundaryExplorer`
connects them to its handlers. Every control carries a CSS class ``explorer-<name>``, which the
styles and the browser tests find it by.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from utils.explorer.settings import (
    ACTIVATIONS,
    DATASETS,
    EPOCHS_PER_FRAME,
    FEATURES,
    INIT_SCALES,
    LEARNING_RATES,
    MAX_HIDDEN_LAYERS,
    MAX_UNITS,
    Settings,
)

#: Width in CSS pixels of each of the two control panels, of a control in a panel (the panel's
#: padding and each widget's 2-pixel margins take the rest), and of the learning-rate box.
#: Two panels and the 320-pixel picture (838 pixels) fit the 848 pixels of a notebook's output
#: in a 1280-pixel window with the file browser open.
PANEL_WIDTH = 252
CONTROL_WIDTH = PANEL_WIDTH - 24
PICTURE_WIDTH = 324  # the 320-pixel picture of canvas.js and its border
RATE_BOX_WIDTH = 64

#: Controls whose value is the setting of the same name (``layers``: how many hidden layers).
SETTING_CONTROLS = (
    "dataset",
    "noise",
    "train_percent",
    "layers",
    "activation",
    "init_scale",
    "learning_rate",
    "epochs_per_frame",
    "show_test",
    "discretize",
)

#: Room for the description of a control in a panel.
LABEL_STYLE = {"description_width": "90px"}


def _wide() -> widgets.Layout:
    """The layout of a control as wide as a panel allows; one per widget, since widgets that
    share a Layout are hidden and shown together."""
    return widgets.Layout(width=f"{CONTROL_WIDTH}px")


def button(name: str, label: str, icon: str, tooltip: str) -> widgets.Button:
    """A button of class ``explorer-<name>``, as wide as its label."""
    b = widgets.Button(
        description=label, icon=icon, tooltip=tooltip, layout=widgets.Layout(width="auto")
    )
    b.add_class(f"explorer-{name}")
    return b


def playback_controls(s: Settings) -> dict[str, widgets.Widget]:
    """Play, Pause, Step and Reset, and the toggle that hides every other control."""
    c: dict[str, widgets.Widget] = {
        "play": button("play", "Play", "play", "Train on a clock"),
        "pause": button("pause", "Pause", "pause", "Stop training"),
        "step": button("step", "Step", "step-forward", "Train one epoch"),
        "reset": button("reset", "Reset", "undo", "A new random network, epoch 0"),
        "hide": widgets.ToggleButton(
            value=s.hide_controls,
            description="Hide controls",
            tooltip="Lecture mode: only the picture",
            layout=widgets.Layout(width="auto"),
        ),
    }
    c["hide"].add_class("explorer-hide")
    return c


def data_controls(s: Settings) -> dict:
    """The data set, its noise and split, the input features, and saving and loading the state.

    ``features`` is a dict of toggle buttons, one per key of
    :data:`~utils.explorer.settings.FEATURES`.
    """
    c: dict = {}
    c["dataset"] = widgets.Dropdown(
        options=[(v, k) for k, v in DATASETS.items()],
        value=s.dataset,
        description="Data set",
        layout=_wide(),
        style=LABEL_STYLE,
    )
    c["noise"] = widgets.FloatSlider(
        value=s.noise,
        min=0.0,
        max=max(0.5, s.noise),
        step=0.05,
        description="Noise",
        layout=_wide(),
        style=LABEL_STYLE,
    )
    c["train_percent"] = widgets.IntSlider(
        value=s.train_percent,
        min=min(10, s.train_percent),
        max=max(90, s.train_percent),
        step=10,
        description="Train %",
        layout=_wide(),
        style=LABEL_STYLE,
    )
    c["regenerate"] = button("regenerate", "Regenerate", "refresh", "New data of the same kind")
    c["features"] = {}
    for key, (label, _f) in FEATURES.items():
        t = widgets.ToggleButton(
            value=key in s.features,
            description=label,
            layout=widgets.Layout(width="66px", margin="2px"),
        )
        t.add_class("explorer-feature")
        c["features"][key] = t
    c["state_file"] = widgets.Text(
        value="explorer_state.json", description="State file", layout=_wide(), style=LABEL_STYLE
    )
    c["save"] = button("save", "Save", "save", "Save the whole state as JSON")
    c["load"] = button("load", "Load", "folder-open", "Load a saved state")
    c["file_status"] = widgets.HTML("")
    return c


def network_controls(s: Settings, kind: str) -> dict:
    """Hidden layers, activation, initialisation, learning rate and epochs per frame.

    ``units`` is an empty list and ``units_box`` an empty box: the explorer fills both with one
    slider per hidden layer (:func:`unit_slider`) as the layers change. The initialisation
    menu shows for ``kind == "deep"`` only.
    """
    deep = kind == "deep"
    c: dict = {}
    c["layers"] = widgets.IntSlider(
        value=len(s.hidden),
        min=0,
        max=MAX_HIDDEN_LAYERS if deep else 1,
        description="Hidden layers",
        tooltip="0: no hidden layer, logistic regression",
        layout=_wide(),
        style=LABEL_STYLE,
    )
    c["units_box"] = widgets.VBox()
    c["units"] = []
    c["activation"] = widgets.Dropdown(
        options=list(ACTIVATIONS),
        value=s.activation,
        description="Activation",
        layout=_wide(),
        style=LABEL_STYLE,
    )
    c["init_scale"] = widgets.Dropdown(
        options=scale_options(s.init_scale),
        value=s.init_scale,
        description="Init scale",
        layout=_wide(),
        style=LABEL_STYLE,
    )
    c["init_scale"].layout.display = "" if deep else "none"
    c["learning_rate"] = widgets.SelectionSlider(
        options=with_option(LEARNING_RATES, s.learning_rate),
        value=s.learning_rate,
        description="Learning rate",
        readout=False,  # the box beside it shows the value and takes any other
        layout=widgets.Layout(width=f"{CONTROL_WIDTH - 4 - RATE_BOX_WIDTH}px"),
        style=LABEL_STYLE,
    )
    c["learning_rate_text"] = widgets.BoundedFloatText(
        value=s.learning_rate,
        min=1e-6,
        max=1e6,
        step=None,  # any number, not multiples of a step
        tooltip="Any learning rate: type it and press Enter",
        layout=widgets.Layout(width=f"{RATE_BOX_WIDTH}px"),
    )
    c["learning_rate_text"].add_class("explorer-learning-rate-text")
    c["epochs_per_frame"] = widgets.SelectionSlider(
        options=with_option(EPOCHS_PER_FRAME, s.epochs_per_frame),
        value=s.epochs_per_frame,
        description="Epochs/frame",
        layout=_wide(),
        style=LABEL_STYLE,
    )
    return c


def view_controls(s: Settings) -> dict[str, widgets.Widget]:
    """The check boxes under the picture: show the test data, discretize the output."""
    return {
        "show_test": widgets.Checkbox(
            value=s.show_test,
            description="Show test data",
            indent=False,
            layout=widgets.Layout(width="auto"),  # not ipywidgets' 300 px: under the picture
        ),
        "discretize": widgets.Checkbox(
            value=s.discretize,
            description="Discretize output",
            indent=False,
            layout=widgets.Layout(width="auto"),  # not ipywidgets' 300 px: under the picture
        ),
    }


def unit_slider(layer: int, units: int, kind: str) -> widgets.IntSlider:
    """The slider of the number of units of hidden layer ``layer`` (1 for the first)."""
    label = "Hidden units" if kind == "shallow" else f"Layer {layer} units"
    slider = widgets.IntSlider(
        value=units,
        min=1,
        max=MAX_UNITS[kind],
        description=label,
        layout=_wide(),
        style=LABEL_STYLE,
    )
    slider.add_class("explorer-units")
    slider.add_class(f"explorer-units-{layer}")
    return slider


def panel(title: str, children: Sequence[widgets.Widget]) -> widgets.VBox:
    """A column of controls under a bold title."""
    box = widgets.VBox(
        [widgets.HTML(f"<b>{title}</b>"), *children],
        layout=widgets.Layout(width=f"{PANEL_WIDTH}px", flex="0 0 auto"),
    )
    box.add_class("explorer-panel")
    return box


def arrange(c: dict, canvas: widgets.Widget) -> tuple[widgets.VBox, list[widgets.Box]]:
    """The whole explorer: the buttons on top, then the two panels and the picture.

    Parameters
    ----------
    c : dict
        Every control, as made by the functions of this module.
    canvas : ExplorerCanvas

    Returns
    -------
    root : VBox
        The widget a notebook displays (CSS class ``explorer``).
    hideable : list of Box
        The data panel, the network panel and the view options: what "Hide controls" hides.
    """
    features = widgets.Box(
        list(c["features"].values()),
        layout=widgets.Layout(flex_flow="row wrap", width=f"{CONTROL_WIDTH}px"),
    )
    data_panel = panel(
        "Data",
        [
            c["dataset"],
            c["noise"],
            c["train_percent"],
            c["regenerate"],
            widgets.HTML("Features"),
            features,
            c["state_file"],
            widgets.HBox([c["save"], c["load"]]),
            c["file_status"],
        ],
    )
    net_panel = panel(
        "Network",
        [
            c["layers"],
            c["units_box"],
            c["activation"],
            c["init_scale"],
            widgets.HBox([c["learning_rate"], c["learning_rate_text"]]),
            c["epochs_per_frame"],
        ],
    )
    view_options = widgets.HBox([c["show_test"], c["discretize"]])
    buttons = [c[name] for name in ("play", "pause", "step", "reset", "hide")]
    # Wrapping, not scrolling: where the three columns do not fit (a narrow window, the
    # file browser open) the picture moves under the controls.
    root = widgets.VBox(
        [
            widgets.HBox(buttons, layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox(
                [
                    data_panel,
                    net_panel,
                    widgets.VBox(
                        [canvas, view_options],
                        layout=widgets.Layout(width=f"{PICTURE_WIDTH}px", flex="0 0 auto"),
                    ),
                ],
                layout=widgets.Layout(flex_flow="row wrap"),
            ),
        ],
        layout=widgets.Layout(max_width="100%"),
    )
    root.add_class("explorer")
    return root, [data_panel, net_panel, view_options]


def scale_options(value) -> list[tuple[str, str | float]]:
    """The initialisation menu: He, Xavier and a few numbers, plus ``value`` if it is another."""
    labels = {"he": "He", "xavier": "Xavier"}
    values = list(INIT_SCALES) + ([] if value in INIT_SCALES else [value])
    return [(labels.get(v, str(v)), v) for v in values]


def with_option(options: Sequence, value) -> tuple:
    """The options of a selection slider, with ``value`` added in order if it is missing."""
    return tuple(options) if value in options else tuple(sorted([*options, value]))
