"""The explorer in a notebook: :class:`BoundaryExplorer` ties the controls and the picture to
the controller and trains on an asyncio clock (25 frames/s, at most half of each frame spent
training), so that the controls stay live while it trains.
"""

from __future__ import annotations

import asyncio
import json
import pathlib
import time
from typing import Any

from utils.explorer import controls
from utils.explorer.canvas import ExplorerCanvas
from utils.explorer.controller import Explorer
from utils.explorer.networks import _Network
from utils.explorer.settings import GRID_SIZE, M_POINTS, Settings


class BoundaryExplorer:
    """The explorer in a notebook: controls, canvas and a training clock.

    Use :func:`shallow_explorer` or :func:`deep_explorer` to make one; display it as the last
    expression of a cell. Methods :meth:`play`, :meth:`pause`, :meth:`step`, :meth:`reset`,
    :meth:`regenerate`, :meth:`save` and :meth:`load` do what the buttons do.

    Parameters
    ----------
    network : ShallowNetwork or DeepNetwork
    settings : Settings, optional
    state : dict, str or path, optional
        A saved state (dict, JSON text or the path of a JSON file) to start from.
    hide_controls : bool or None
        Show only the picture and Play/Pause/Step/Reset (for lectures); ``None`` keeps the
        state's choice.
    grid_size : int
        Resolution of the boundary picture.
    fps : float
        Frames per second aimed at while training.
    """

    #: Share of a frame's period spent training (the rest draws and leaves the kernel idle).
    TRAIN_SHARE = 0.5
    #: Frames sent but not yet drawn by the browser before training waits for it.
    MAX_IN_FLIGHT = 2
    #: Seconds without any acknowledgement after which the browser is not waited for.
    ACK_TIMEOUT = 0.5
    #: Seconds without any acknowledgement after which training pauses: the picture is gone
    #: (its cell ran again) or hidden (a background tab), so nobody watches it train.
    PAUSE_UNSEEN_AFTER = 3.0

    def __init__(
        self,
        network: _Network,
        *,
        settings: Settings | None = None,
        state=None,
        hide_controls: bool | None = None,
        grid_size: int = GRID_SIZE,
        fps: float = 25.0,
        m: int = M_POINTS,
    ):
        self.controller = Explorer(network, settings, m=m, grid_size=grid_size)
        self.fps = fps
        self.canvas = ExplorerCanvas()
        self.canvas.add_class("explorer-canvas-widget")
        self.canvas.on_msg(self._on_canvas_msg)
        self._playing = False
        self._task: asyncio.Task | None = None
        self._syncing = False
        self._acked = 0
        self._last_ack = None
        self._sent_at = 0.0
        self._build()
        if state is not None:
            self.load(state)
        if hide_controls is not None:
            self.controls["hide"].value = bool(hide_controls)
        self._push()

    # --- public API -------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.controller.settings

    @property
    def epoch(self) -> int:
        return self.controller.epoch

    @property
    def message(self) -> str:
        """The message shown over the picture (empty when all is well)."""
        return self.controller.error

    @property
    def playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        """Start training on the clock (an asyncio task in the kernel's event loop)."""
        if self._playing or not self.controller.ready:
            self._push()
            return
        self._playing = True
        self._last_ack = None  # wait for this run's first acknowledgement
        self._sync_buttons()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (plain Python): call tick() to advance
            loop = None
        if loop is not None and (self._task is None or self._task.done()):
            self._task = loop.create_task(self._run())  # else the running clock goes on
        self._push()

    def pause(self) -> None:
        """Stop training after the current frame."""
        self._playing = False
        self._sync_buttons()
        self._push()

    def step(self, epochs: int = 1) -> None:
        """Pause and train ``epochs`` iterations, then draw."""
        self._playing = False
        self._sync_buttons()
        self.controller.train(epochs)
        self._push()

    def reset(self) -> None:
        """Pause; a new random network on the same data (epoch 0)."""
        self._playing = False
        self.controller.reset()
        self._sync_buttons()
        self._push()

    def regenerate(self) -> None:
        """New data of the same kind, and a new network."""
        self.controller.regenerate()
        self._sync_controls()
        self._push()

    def update(self, **changes: Any) -> str:
        """Change settings as the controls would (see :meth:`Explorer.update`)."""
        what = self.controller.update(**changes)
        self._sync_controls()
        self._push()
        return what

    def tick(self) -> None:
        """One frame of the clock: train for a bounded time, then draw."""
        if not self._playing:
            return
        period = 1.0 / self.fps
        self.controller.train(self.settings.epochs_per_frame, budget=period * self.TRAIN_SHARE)
        self._push()

    def state(self) -> dict:
        """The whole state (see :meth:`Explorer.state`)."""
        return self.controller.state()

    def to_json(self) -> str:
        """The whole state as JSON text."""
        return json.dumps(self.state())

    def load(self, state) -> None:
        """Load a state: a dict, JSON text, or the path of a JSON file."""
        if isinstance(state, pathlib.Path) or (
            isinstance(state, str) and not state.lstrip().startswith("{")
        ):
            state = pathlib.Path(state).read_text(encoding="utf-8")
        if isinstance(state, str):
            state = json.loads(state)
        self._playing = False
        self.controller.load_state(state)
        self._sync_controls()
        self._push()

    def save(self, path) -> pathlib.Path:
        """Write the whole state to a JSON file; returns its path."""
        path = pathlib.Path(path)
        path.write_text(json.dumps(self.state(), indent=1), encoding="utf-8")
        return path

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- clock ------------------------------------------------------------------------------
    def _waiting_for_browser(self) -> bool:
        if self._last_ack is None:  # no browser has drawn anything: nobody to wait for
            return False
        behind = self.canvas.frame - self._acked >= self.MAX_IN_FLIGHT
        return behind and time.perf_counter() - self._sent_at < self.ACK_TIMEOUT

    def _unseen(self) -> bool:
        if self._last_ack is None:  # no browser yet (or none at all, as under nbclient)
            return False
        return time.perf_counter() - self._last_ack > self.PAUSE_UNSEEN_AFTER

    async def _run(self) -> None:
        period = 1.0 / self.fps
        loop = asyncio.get_running_loop()
        next_time = loop.time()
        try:
            while self._playing:
                if self._unseen():
                    self.pause()
                    break
                if self._waiting_for_browser():
                    await asyncio.sleep(0.004)
                    continue
                self.tick()
                next_time += period
                delay = next_time - loop.time()
                if delay < 0:  # late: do not try to catch up
                    next_time, delay = loop.time(), 0.0
                await asyncio.sleep(delay)
        except Exception as exc:  # never leave a dead clock behind a "Pause" button
            self._playing = False
            self.controller.error = f"The explorer stopped: {type(exc).__name__}: {exc}"
            self._sync_buttons()
            self._push()
        finally:
            self._task = None

    def _on_canvas_msg(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "drawn":
            self._acked = max(self._acked, int(content.get("frame", 0)))
            self._last_ack = time.perf_counter()

    # --- drawing -----------------------------------------------------------------------------
    def _push(self) -> None:
        c, s = self.controller, self.controller.settings
        frame = c.frame()
        if not c.ready:  # a function failed or training diverged: stop and say why
            self._playing = False
            self._sync_buttons()
        with self.canvas.hold_sync():
            if self.canvas.grid_size != c.grid_size:
                self.canvas.grid_size = c.grid_size
            self.canvas.points = c.points_bytes()
            self.canvas.domain = [float(v) for v in c.domain]
            self.canvas.grid = frame.grid
            self.canvas.history = c.history_bytes()
            self.canvas.metric = c.metric
            self.canvas.train_value = frame.train_value
            self.canvas.test_value = frame.test_value
            self.canvas.epoch = c.epoch
            self.canvas.show_test = s.show_test
            self.canvas.discretize = s.discretize
            self.canvas.playing = self._playing
            self.canvas.message = c.error
            self.canvas.frame += 1
        self._sent_at = time.perf_counter()

    # --- controls ------------------------------------------------------------------------------
    def _build(self) -> None:
        """Make the controls from the settings, connect them, and lay out the whole explorer."""
        s, kind = self.settings, self.controller.kind
        self.controls = {
            **controls.playback_controls(s),
            **controls.data_controls(s),
            **controls.network_controls(s, kind),
            **controls.view_controls(s),
        }
        self._connect()
        self._make_unit_sliders()
        self.widget, self._panels = controls.arrange(self.controls, self.canvas)
        self._on_hide({"new": s.hide_controls})
        self._sync_buttons()

    def _connect(self) -> None:
        """Give every control its handler: buttons do what the methods of the same name do."""
        c = self.controls
        clicks = {
            "play": self.play,
            "pause": self.pause,
            "step": self.step,
            "reset": self.reset,
            "regenerate": self.regenerate,
            "save": self._save_file,
            "load": self._load_file,
        }
        for name, handler in clicks.items():
            c[name].on_click(lambda _b, handler=handler: handler())
        c["hide"].observe(self._on_hide, names="value")
        c["learning_rate_text"].observe(self._on_rate_text, names="value")
        for toggle in c["features"].values():
            toggle.observe(self._on_feature, names="value")
        for key in controls.SETTING_CONTROLS:
            c[key].add_class(f"explorer-{key.replace('_', '-')}")
            c[key].observe(self._on_control, names="value")

    def _make_unit_sliders(self) -> None:
        """One units slider per hidden layer of the settings, each showing its layer's units."""
        hidden = self.settings.hidden
        sliders = self.controls["units"]
        while len(sliders) < len(hidden):
            slider = controls.unit_slider(
                len(sliders) + 1, hidden[len(sliders)], self.controller.kind
            )
            slider.observe(self._on_units, names="value")
            sliders.append(slider)
        del sliders[len(hidden) :]
        for sl, n in zip(sliders, hidden, strict=True):
            sl.value = n
        self.controls["units_box"].children = tuple(sliders)

    def _sync_controls(self) -> None:
        """Show the settings in the controls without triggering their handlers."""
        s, c = self.settings, self.controls
        self._syncing = True
        try:
            c["noise"].max = max(c["noise"].max, s.noise)
            c["train_percent"].min = min(c["train_percent"].min, s.train_percent)
            c["train_percent"].max = max(c["train_percent"].max, s.train_percent)
            c["init_scale"].options = controls.scale_options(s.init_scale)
            for key in (
                "dataset",
                "noise",
                "train_percent",
                "activation",
                "init_scale",
                "show_test",
                "discretize",
            ):
                c[key].value = getattr(s, key)
            for key in ("learning_rate", "epochs_per_frame"):
                value = getattr(s, key)
                c[key].options = controls.with_option(c[key].options, value)
                c[key].value = value
            c["learning_rate_text"].value = s.learning_rate
            c["layers"].value = len(s.hidden)
            for key, t in c["features"].items():
                t.value = key in s.features
            self._make_unit_sliders()
            c["hide"].value = s.hide_controls
        finally:
            self._syncing = False
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        c = self.controls
        # Without a hidden layer there is no hidden activation to choose.
        c["activation"].disabled = not self.settings.hidden
        c["play"].disabled = self._playing or not self.controller.ready
        c["pause"].disabled = not self._playing
        c["step"].disabled = not self.controller.ready

    # --- handlers -------------------------------------------------------------------------------
    def _apply(self, **changes) -> None:
        what = self.controller.update(**changes)
        if "dataset" in changes:  # the new data set's noise is shown on the noise slider
            self._sync_controls()
        elif what != "view":
            self._sync_buttons()
        if "learning_rate" in changes:
            self._syncing = True
            try:
                self.controls["learning_rate_text"].value = self.settings.learning_rate
            finally:
                self._syncing = False
        self._push()

    def _on_control(self, change) -> None:
        if self._syncing:
            return
        owner = change["owner"]
        key = next(k for k, w in self.controls.items() if w is owner)
        if key == "layers":
            hidden = list(self.settings.hidden[: change["new"]])
            while len(hidden) < change["new"]:
                hidden.append(hidden[-1] if hidden else 4)
            self._apply(hidden=hidden)
            self._syncing = True
            try:
                self._make_unit_sliders()
            finally:
                self._syncing = False
            return
        self._apply(**{key: change["new"]})

    def _on_rate_text(self, change) -> None:
        """A learning rate typed in the box: the slider gets it as an option if it is new."""
        if self._syncing or not change["new"] or change["new"] <= 0:
            return
        rate = float(change["new"])
        slider = self.controls["learning_rate"]
        self._syncing = True
        try:
            slider.options = controls.with_option(slider.options, rate)
            slider.value = rate
        finally:
            self._syncing = False
        self._apply(learning_rate=rate)

    def _on_units(self, change) -> None:
        if self._syncing:
            return
        self._apply(hidden=[sl.value for sl in self.controls["units"]])

    def _on_feature(self, change) -> None:
        if self._syncing:
            return
        chosen = [k for k, t in self.controls["features"].items() if t.value]
        if not chosen:  # at least one input feature
            self._syncing = True
            change["owner"].value = True
            self._syncing = False
            return
        self._apply(features=chosen)

    def _on_hide(self, change) -> None:
        hide = bool(change["new"])
        for p in self._panels:
            p.layout.display = "none" if hide else ""
        self.controls["hide"].description = "Show controls" if hide else "Hide controls"
        if not self._syncing and self.settings.hide_controls != hide:
            self.controller.update(hide_controls=hide)

    def _save_file(self) -> None:
        try:
            path = self.save(self.controls["state_file"].value)
            self.controls["file_status"].value = f"Saved to {path}"
        except OSError as exc:
            self.controls["file_status"].value = f"Could not save: {exc}"

    def _load_file(self) -> None:
        try:
            self.load(pathlib.Path(self.controls["state_file"].value))
            self.controls["file_status"].value = "Loaded."
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.controls["file_status"].value = f"Could not load: {exc}"
