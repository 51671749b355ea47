"""The grading worker: a warm, pristine process that forks one sandbox per notebook.

It starts once per grader worker (inside bubblewrap), imports what notebooks use (NumPy,
matplotlib, scikit-learn, IPython, the course's helpers), then waits for commands. It never
reads a student's notebook, inputs or outputs: a notebook's job travels on a channel made
for that notebook alone, straight from the grader to the notebook's own process.

For each ``run`` command the worker receives that channel (a socket, passed as a descriptor)
and forks a supervisor, which enters fresh namespaces (:mod:`notebook_namespace`) and forks
the notebook's process. The worker then reports ``started``, and ``exited`` once the
supervisor is gone (and with it every process of the notebook).

Control protocol, on a ``SOCK_SEQPACKET`` socket whose descriptor is in
``$GRADING_CONTROL_FD``; one JSON object per packet:

* grader to worker: ``{"run": JOB, "memory_bytes": N}`` with the channel's descriptor
  attached, and ``{"kill": JOB}``;
* worker to grader: ``{"event": "ready"}`` (or ``"broken"`` with a ``reason`` when it cannot
  sandbox), ``{"event": "started", "job": JOB}``, ``{"event": "exited", "job": JOB,
  "reason": TEXT}`` and ``{"event": "refused", "job": JOB, "reason": TEXT}``.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import select
import signal
import socket
import sys
import warnings

WORK = os.environ.get("GRADING_WORK", "/home/student/work")
CASES = os.environ.get("AUTOGRADER_CASES", "/tmp/cases")
HOME = os.environ.get("GRADING_HOME", "/tmp/home")
MPL = os.environ.get("MPLCONFIGDIR", "/tmp/mpl")
SANDBOXED = os.environ.get("GRADING_SANDBOXED") == "1"
TMPFS_BYTES = int(os.environ.get("GRADING_TMPFS_BYTES", "0"))  # from autograder.sandbox.Limits
#: The folders each notebook gets new and empty, and their modes.
FRESH = {"/tmp": "1777", WORK: "0755", "/dev/shm": "1777"}
#: Largest job (notebook, inputs and support files) a notebook's process accepts.
JOB_LIMIT = 512 * 1024 * 1024
#: Modules every notebook uses, imported once by the worker (a package brings its modules:
#: ``utils.checks`` imports every module of the check vocabulary).
PRELOAD = (
    "numpy",
    "matplotlib.pyplot",
    "grading_figures",
    "IPython.core.interactiveshell",
    "utils.checks",
    "utils.course",
    "utils.datasets",
    "autograder.transfer",
    "autograder.hidden",
)
#: Modules some notebooks use, imported too when they can be, unless the grader names those
#: of its batch in ``GRADING_PRELOAD`` (comma-separated): scikit-learn alone costs a second of
#: CPU per worker, and a batch of 01 never imports it.
OPTIONAL_PRELOAD = (
    "sklearn.linear_model",
    "sklearn.datasets",
    "ipywidgets",
    "utils.plotting",
    "utils.explorer",
    "utils.gradient_check",
)
#: Exit code of a supervisor whose sandbox could not be built (the grader's problem, never
#: the student's).
SANDBOX_FAILED = 86


def _use_the_shim() -> None:
    """Make ``autograder`` the recorder beside this file, whatever else is installed."""
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    package = os.path.join(here, "autograder")
    spec = importlib.util.spec_from_file_location(
        "autograder", os.path.join(package, "__init__.py"), submodule_search_locations=[package]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["autograder"] = module
    spec.loader.exec_module(module)


def _preload() -> None:
    import matplotlib

    # Figures become PNG outputs at the end of each cell, as Jupyter's inline backend draws them.
    matplotlib.use("module://grading_figures")
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:  # a module a notebook may not need: import it there, if at all
            pass
    # matplotlib builds its mathtext grammar (pyparsing) the first time a text needs it, a tick
    # label's offset such as "1e-3" included, and keeps it for the process: built here once,
    # every notebook forked from this worker has it. (Fonts are not warmed: an open font file
    # would be a descriptor, and a notebook's process keeps none of the worker's.)
    try:
        from matplotlib import _mathtext, mathtext

        mathtext.MathTextParser._parser = _mathtext.Parser()
    except Exception:  # another matplotlib: each notebook builds it, as before
        pass
    try:
        from grading_child import make_shell

        make_shell()  # every notebook forked from here starts with a copy of it
    except Exception:  # each notebook makes its own, as before
        pass
    named = os.environ.get("GRADING_PRELOAD")
    for name in OPTIONAL_PRELOAD if named is None else [n for n in named.split(",") if n]:
        try:
            __import__(name)
        except Exception:  # (a support module, beside each notebook only)
            pass


def _not_traceable() -> None:
    """Nothing of the same user may read or trace the worker (its /proc files turn root's)."""
    try:
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:
        pass


# ------------------------------------------------------------------------------------------
# One notebook: supervisor and notebook process
# ------------------------------------------------------------------------------------------
def _supervise(channel: int, memory_bytes: int) -> None:
    """The supervisor (a fork of the worker): build the sandbox, run the notebook, exit."""
    import notebook_namespace as ns

    if not SANDBOXED:  # --unsafe: no namespaces; the worker kills our process group
        os.setsid()
        ns.close_all_but((channel,))
        for folder in (WORK, CASES, HOME):
            _empty(folder)
        _run_notebook(channel, memory_bytes)
        os._exit(0)
    try:
        ns.enter(FRESH, TMPFS_BYTES)
    except Exception as err:
        _say(channel, {"event": "sandbox_error", "reason": str(err)})
        os._exit(SANDBOX_FAILED)
    pid = os.fork()
    if pid == 0:  # PID 1 of the notebook's PID namespace
        try:
            ns.lock_down((channel,))
        except Exception as err:
            _say(channel, {"event": "sandbox_error", "reason": str(err)})
            os._exit(SANDBOX_FAILED)
        _run_notebook(channel, memory_bytes)
        os._exit(0)
    os.close(channel)
    ns.close_all_but(())
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        os._exit(128 + os.WTERMSIG(status))
    os._exit(os.WEXITSTATUS(status))


def _empty(folder: str) -> None:
    """Remove what an earlier notebook left (only without the sandbox, which starts empty)."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def _say(fd: int, event: dict) -> None:
    try:
        os.write(fd, json.dumps(event).encode() + b"\n")
    except OSError:
        pass


def _read_job(channel: int) -> dict:
    """The job, one JSON line sent by the grader on the notebook's channel."""
    data = bytearray()
    while not data.endswith(b"\n"):
        chunk = os.read(channel, 1 << 20)
        if not chunk or len(data) > JOB_LIMIT:
            os._exit(0)  # the grader gave up on this notebook
        data += chunk
    return json.loads(data)


def _run_notebook(channel: int, memory_bytes: int) -> None:
    """The notebook's process: write its files, then run its cells (see grading_child)."""
    import base64

    job = _read_job(channel)
    for folder in (WORK, CASES, HOME, MPL):
        os.makedirs(folder, exist_ok=True)
    for name, data in job.get("support", {}).items():
        with open(os.path.join(WORK, os.path.basename(name)), "wb") as f:
            f.write(base64.b64decode(data))
    for name, text in job.get("cases", {}).items():
        with open(os.path.join(CASES, os.path.basename(name)), "w", encoding="utf-8") as f:
            f.write(text)
    job["memory_bytes"] = memory_bytes
    try:
        from grading_child import run_cells

        run_cells(job, channel)
    except BaseException:  # nothing of it reaches the grader but what the channel carried
        pass


# ------------------------------------------------------------------------------------------
# The worker's loop
# ------------------------------------------------------------------------------------------
def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {signal.Signals(os.WTERMSIG(status)).name}"
    code = os.WEXITSTATUS(status)
    if code == SANDBOX_FAILED:
        return "sandbox failed"
    if code > 128 and code - 128 < signal.NSIG:
        return f"killed by signal {signal.Signals(code - 128).name}"
    return f"exited with status {code}"


class Worker:
    """The worker's state: its control socket and the notebook in flight, if any."""

    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.job: object = None
        self.pid = 0
        self.pidfd = -1

    def send(self, event: dict) -> None:
        self.control.send(json.dumps(event).encode())

    def start(self, command: dict, fds: list[int]) -> None:
        job = command.get("run")
        if self.job is not None or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            why = "a notebook is running" if self.job is not None else "no channel"
            self.send({"event": "refused", "job": job, "reason": why})
            return
        channel = fds[0]
        memory = int(command.get("memory_bytes", 0))
        pid = os.fork()
        if pid == 0:
            try:
                self.control.close()
                _supervise(channel, memory)
            finally:
                os._exit(SANDBOX_FAILED)
        os.close(channel)
        self.job, self.pid, self.pidfd = job, pid, os.pidfd_open(pid)
        self.send({"event": "started", "job": job})

    def kill(self, command: dict) -> None:
        if self.job is not None and command.get("kill") == self.job:
            try:
                if SANDBOXED:
                    os.kill(self.pid, signal.SIGKILL)  # its namespace dies with it
                else:
                    os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass

    def reap(self) -> None:
        _, status = os.waitpid(self.pid, 0)
        if not SANDBOXED:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass
        os.close(self.pidfd)
        job, self.job, self.pidfd = self.job, None, -1
        self.send({"event": "exited", "job": job, "reason": _describe(status)})

    def serve(self) -> None:
        while True:
            waiting = [self.control] + ([self.pidfd] if self.pidfd >= 0 else [])
            ready, _, _ = select.select(waiting, [], [])
            if self.control in ready:
                data, fds, _, _ = socket.recv_fds(self.control, 1 << 16, 4)
                if not data:
                    return  # the grader is gone
                try:
                    command = json.loads(data)
                except ValueError:
                    command = {}
                if "run" in command:
                    self.start(command, fds)
                else:
                    for fd in fds:
                        os.close(fd)
                    if "kill" in command:
                        self.kill(command)
            if self.pidfd >= 0 and self.pidfd in ready:
                self.reap()


def _can_sandbox() -> str | None:
    """Why a notebook's namespaces cannot be built here, or None when they can."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            import notebook_namespace as ns

            ns.enter(FRESH, 1024 * 1024)
            child = os.fork()
            if child == 0:
                ns.lock_down((write_end,))
                os.write(write_end, b"ok")
                os._exit(0)
            os.waitpid(child, 0)
        except Exception as err:
            os.write(write_end, str(err).encode()[:500] or b"failed")
        os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 1024).decode(errors="replace")
    os.close(read_end)
    os.waitpid(pid, 0)
    return None if answer == "ok" else (answer or "the test sandbox died")


def main() -> None:
    warnings.simplefilter("ignore")
    control = socket.socket(fileno=int(os.environ["GRADING_CONTROL_FD"]))
    os.set_inheritable(control.fileno(), False)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)  # stray prints go nowhere; stderr is the grader's debug log
    _use_the_shim()
    _preload()
    _not_traceable()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    worker = Worker(control)
    problem = _can_sandbox() if SANDBOXED else None
    if problem:
        worker.send({"event": "broken", "reason": problem})
        return
    worker.send({"event": "ready", "pid": os.getpid()})
    worker.serve()


if __name__ == "__main__":
    sys.exit(main())
