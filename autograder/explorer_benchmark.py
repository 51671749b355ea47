"""Measure the decision-boundary explorer in a real browser: JupyterLab in headless Chromium.

Run from the repository root::

    .venv/bin/python -m autograder.explorer_benchmark

It starts JupyterLab on 127.0.0.1 (a free port, a token, all Jupyter directories in a
temporary folder), opens a generated notebook that displays the deep explorer (reference
functions, 2-8-8-1 network, 64 x 64 grid) in headless Chromium through Playwright, runs it,
and prints

* slider-to-frame latency: from the key press on a slider handle (noUiSlider, ArrowRight /
  ArrowLeft) to the end of the canvas draw of the frame that answers it (median and 90th
  percentile over many presses, for the noise slider and the units slider);
* frames per second while training: frames drawn by the browser per second after Play;
* the slider latency while it trains.

By default it measures twice: plain JupyterLab, and JupyterLab with the
:mod:`utils.explorer_server` extension (``--server plain|nodelay`` picks one). These are
figures, not a pass/fail test. The same :class:`LabServer` and :func:`browser` helpers
serve ``tests/test_explorer_browser.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping, Sequence

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """JupyterLab on 127.0.0.1 serving ``root``, with every Jupyter directory in a temp folder.

    Use as a context manager; leaving it shuts the kernels down and terminates the server
    process it started (by its own handle and process group, never by name).
    """

    def __init__(
        self,
        root: pathlib.Path,
        *,
        python: str = sys.executable,
        timeout: float = 60,
        extra_args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        settings: Mapping[str, Mapping] | None = None,
    ):
        self.root = pathlib.Path(root)
        #: JupyterLab settings by plugin id ("@jupyterlab/notebook-extension:tracker"), merged
        #: over the defaults below (no news, no update check, every cell rendered).
        self.settings = {
            "@jupyterlab/apputils-extension:notification": {
                "fetchNews": "false",
                "checkForUpdates": False,
            },
            "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
        }
        for plugin, values in (settings or {}).items():
            self.settings[plugin] = {**self.settings.get(plugin, {}), **values}
        self.extra_args = list(extra_args)
        self.extra_env = dict(env or {})
        self.python = python
        self.timeout = timeout
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._home = pathlib.Path(tempfile.mkdtemp(prefix="explorer-lab-"))
        self.log_path = self._home / "server.log"

    # --- REST ---------------------------------------------------------------------------
    def api(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            text = resp.read().decode()
        return json.loads(text) if text else None

    @property
    def data_dir(self) -> pathlib.Path:
        """The server's JUPYTER_DATA_DIR (its notebook secret and signature database)."""
        return self._home / "data"

    def trust(self, notebook: pathlib.Path) -> None:
        """Sign a notebook as this server's user would, so it shows the outputs it saved
        (widget views are not rendered in untrusted notebooks)."""
        import nbformat
        from nbformat.sign import NotebookNotary

        nb = nbformat.read(notebook, as_version=4)
        NotebookNotary(data_dir=str(self.data_dir)).sign(nb)

    def lab_url(self, notebook: str) -> str:
        """The URL that opens ``notebook`` (relative to root) in a fresh workspace."""
        return f"{self.url}/lab/tree/{notebook}?token={self.token}&reset"

    # --- life cycle -----------------------------------------------------------------------
    def __enter__(self) -> LabServer:
        env = dict(os.environ)
        dirs = {
            "JUPYTER_CONFIG_DIR": "config",
            "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "settings",
            "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
            "IPYTHONDIR": "ipython",
        }
        for var, sub in dirs.items():
            path = self._home / sub
            path.mkdir(parents=True, exist_ok=True)
            env[var] = str(path)
        for plugin, values in self.settings.items():
            package, name = plugin.split(":")
            _write_json(self._home / "settings" / package / f"{name}.jupyterlab-settings", values)
        cmd = [
            self.python,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",
            *self.extra_args,
        ]
        env.update(self.extra_env)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in __exit__)
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.root,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log()}")
            with contextlib.suppress(OSError, ValueError):
                self.api("GET", "/api/status")
                return
            time.sleep(0.2)
        raise TimeoutError(f"JupyterLab did not start in {self.timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def delete_kernels(self) -> None:
        """Shut down every session and kernel of this server."""
        with contextlib.suppress(OSError, ValueError):
            for session in self.api("GET", "/api/sessions") or []:
                with contextlib.suppress(OSError, ValueError):
                    self.api("DELETE", f"/api/sessions/{session['id']}")
            for kernel in self.api("GET", "/api/kernels") or []:
                with contextlib.suppress(OSError, ValueError):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.delete_kernels()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)  # the group this server leads
                self.proc.wait(timeout=10)
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # kernels left in its group
        if getattr(self, "_log", None):
            self._log.close()
        shutil.rmtree(self._home, ignore_errors=True)


def _write_json(path: pathlib.Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


@contextlib.contextmanager
def browser():
    """A Playwright page in headless Debian Chromium (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = b.new_page(viewport=VIEWPORT)
            yield page
        finally:
            b.close()


# --- JupyterLab page helpers ------------------------------------------------------------------
KERNEL_IDLE_JS = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""

FRAME_JS = (
    "() => { const e = document.querySelector('.explorer-canvas'); "
    "return e ? Number(e.dataset.frame || -1) : -1; }"
)


def open_and_run(page, server: LabServer, notebook: str, timeout_ms: float = 60_000) -> None:
    """Open ``notebook``, wait for an idle kernel, run all cells, wait for a first frame."""
    server.delete_kernels()
    page.goto(server.lab_url(notebook))
    page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout_ms)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(f"() => ({FRAME_JS})() >= 1", timeout=timeout_ms)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout_ms)


def canvas_state(page) -> dict:
    """The data attributes the canvas writes after each draw."""
    return page.evaluate(
        """() => { const e = document.querySelector('.explorer-canvas');
                   return { frame: Number(e.dataset.frame), epoch: Number(e.dataset.epoch),
                            drawnAt: Number(e.dataset.drawnAt) }; }"""
    )


def install_key_clock(page) -> None:
    """Record ``performance.now()`` of every key press (capture phase) in ``window.__keyAt``."""
    page.evaluate(
        """() => {
  if (window.__keyClock) return;
  window.__keyClock = true;
  document.addEventListener('keydown', () => { window.__keyAt = performance.now(); }, true);
}"""
    )


RESET_CLOCK_JS = """() => {
  const e = document.querySelector('.explorer-canvas');
  let last = Number(e.dataset.epoch);
  window.__resetAt = null;
  new MutationObserver(() => {
    const now = Number(e.dataset.epoch);
    if (now < last && window.__resetAt === null) window.__resetAt = performance.now();
    last = now;
  }).observe(e, { attributes: true, attributeFilter: ['data-epoch'] });
}"""


def press_and_time(page, handle_selector: str, key: str, timeout_ms: float = 10_000) -> float:
    """Press ``key`` on a slider handle; milliseconds from the key press to the drawn frame."""
    before = canvas_state(page)["frame"]
    page.focus(handle_selector)
    page.keyboard.press(key)
    page.wait_for_function(f"() => ({FRAME_JS})() > {before}", timeout=timeout_ms)
    return page.evaluate(
        "() => Number(document.querySelector('.explorer-canvas').dataset.drawnAt) - window.__keyAt"
    )


def benchmark_notebook(grid_size: int = 64) -> dict:
    """A notebook that shows the deep explorer (2-8-8-1) on the reference functions."""
    import nbformat

    src = (
        "import autograder.reference.deep_network as ref\n"
        "from utils import explorer\n"
        "ex = explorer.deep_explorer(ref.initialize_parameters_deep, ref.L_model_forward,\n"
        "                            ref.L_model_backward, ref.update_parameters,\n"
        "                            compute_cost=ref.compute_cost, hidden=[8, 8],\n"
        f"                            grid_size={grid_size})\n"
        "ex"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


#: JupyterLab argument that loads :mod:`utils.explorer_server` (TCP_NODELAY on the kernel
#: websockets).
NODELAY_ARGS = ["--ServerApp.jpserver_extensions={'utils.explorer_server': True}"]


def measure(
    grid_size: int = 64, presses: int = 30, seconds: float = 5.0, nodelay: bool = False
) -> dict:
    """Run the benchmark; returns the figures (milliseconds, frames per second).

    ``nodelay`` starts JupyterLab with the :mod:`utils.explorer_server` extension.
    """
    import nbformat

    root = pathlib.Path(tempfile.mkdtemp(prefix="explorer-bench-"))
    nbformat.write(benchmark_notebook(grid_size), root / "bench.ipynb")
    figures: dict = {"grid_size": grid_size, "nodelay": nodelay}
    try:
        extra = NODELAY_ARGS if nodelay else []
        with LabServer(root, extra_args=extra) as server, browser() as page:
            t0 = time.monotonic()
            open_and_run(page, server, "bench.ipynb")
            figures["startup_s"] = time.monotonic() - t0
            install_key_clock(page)
            for name, handle in [
                ("noise", ".explorer-noise .noUi-handle"),
                ("units", ".explorer-units-1 .noUi-handle"),
            ]:
                times = []
                for i in range(presses + 3):
                    key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
                    ms = press_and_time(page, handle, key)
                    if i >= 3:  # the first presses warm caches up
                        times.append(ms)
                figures[f"latency_{name}_median_ms"] = statistics.median(times)
                figures[f"latency_{name}_p90_ms"] = sorted(times)[int(0.9 * len(times)) - 1]
            # Frames per second while training.
            page.click(".explorer-play")
            page.wait_for_function(
                "() => Number(document.querySelector('.explorer-canvas').dataset.epoch) > 0"
            )
            page.wait_for_timeout(1000)  # warm up
            a = canvas_state(page)
            page.wait_for_timeout(seconds * 1000)
            b = canvas_state(page)
            dt = (b["drawnAt"] - a["drawnAt"]) / 1000
            figures["fps_training"] = (b["frame"] - a["frame"]) / dt
            figures["epochs_per_s"] = (b["epoch"] - a["epoch"]) / dt
            # Slider latency while it trains: the noise slider resets the network, so the
            # answering frame is the first one drawn with a smaller epoch.
            page.evaluate(RESET_CLOCK_JS)
            times = []
            for i in range(10):
                page.wait_for_function(
                    "() => Number(document.querySelector('.explorer-canvas').dataset.epoch) > 50"
                )
                page.evaluate("() => { window.__resetAt = null; }")
                page.focus(".explorer-noise .noUi-handle")
                page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                page.wait_for_function("() => window.__resetAt !== null")
                times.append(page.evaluate("() => window.__resetAt - window.__keyAt"))
            figures["latency_noise_while_training_median_ms"] = statistics.median(times)
            page.click(".explorer-pause")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grid", type=int, default=64, help="grid size (default 64)")
    parser.add_argument("--presses", type=int, default=30, help="key presses per slider")
    parser.add_argument("--seconds", type=float, default=5.0, help="training window (s)")
    parser.add_argument(
        "--server",
        choices=["both", "plain", "nodelay"],
        default="both",
        help="plain JupyterLab, JupyterLab with utils.explorer_server, or both (default)",
    )
    args = parser.parse_args(argv)
    print(
        f"Decision-boundary explorer in JupyterLab {_version('jupyterlab')} + headless "
        f"Chromium {_chromium_version()}, grid {args.grid}x{args.grid}, 2-8-8-1 network "
        f"(reference functions), {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at start"
    )
    modes = {"both": [False, True], "plain": [False], "nodelay": [True]}[args.server]
    for nodelay in modes:
        f = measure(args.grid, args.presses, args.seconds, nodelay=nodelay)
        if nodelay:
            print("JupyterLab with utils.explorer_server (TCP_NODELAY on kernel websockets):")
        else:
            print("plain JupyterLab:")
        print(f"  start-up (open + run all)          {f['startup_s']:6.1f} s")
        for name in ("noise", "units"):
            print(
                f"  slider to frame, {name:<6}  median   {f[f'latency_{name}_median_ms']:6.1f} ms"
                f"   (p90 {f[f'latency_{name}_p90_ms']:.1f} ms, {args.presses} presses)"
            )
        print(
            f"  frames per second while training   {f['fps_training']:6.1f} fps"
            f"   ({f['epochs_per_s']:.0f} epochs/s over {args.seconds:g} s)"
        )
        print(
            f"  slider to frame while training     "
            f"{f['latency_noise_while_training_median_ms']:6.1f} ms (median of 10)"
        )
    return 0


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


def _chromium_version() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20)
        return out.stdout.split()[1]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


if __name__ == "__main__":
    sys.exit(main())
