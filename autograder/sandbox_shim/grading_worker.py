"""The grading worker: runs students' notebooks inside the sandbox, start-up paid once.

It starts once per grader worker (inside bubblewrap, as that worker's unprivileged user),
imports what notebooks use (NumPy, matplotlib, scikit-learn, IPython, the course's helpers),
then for each notebook the grader sends it

1. empties its writable folders and writes the notebook's support files and hidden inputs;
2. forks a child: a fresh copy of the warm, untouched interpreter, with a new IPython shell,
   its own memory limit and session;
3. relays the child's events (one JSON line per finished cell) to the grader, and kills the
   child when the grader says so (a cell past its time limit);
4. once the child is gone, kills anything it left running and reports the end of the job.

Protocol: the grader writes one JSON object per line on stdin, ``{"run": job}`` or
``{"kill": true}``; the worker writes JSON lines on its original stdout: ``ready``, the child's
``start``/``cell``/``finished`` events, ``died`` when the child ended early, and ``done``.
"""

from __future__ import annotations

import base64
import ctypes
import json
import os
import resource
import select
import shutil
import signal
import sys
import warnings

WORK = os.environ.get("GRADING_WORK", "/home/student/work")
CASES = os.environ.get("AUTOGRADER_CASES", "/tmp/cases")
PRELOAD = (
    "numpy",
    "matplotlib.pyplot",
    "sklearn.linear_model",
    "sklearn.datasets",
    "ipywidgets",
    "IPython.core.interactiveshell",
    "utils.checks",
    "utils.datasets",
    "utils.transfer",
    "autograder.hidden",
)


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

    matplotlib.use("Agg")
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:  # a module a notebook may not need: import it there, if at all
            pass
    for optional in ("utils.plotting", "utils.explorer", "utils.gradient_check"):
        try:
            __import__(optional)
        except Exception:
            pass


def _not_traceable() -> None:
    """Nothing of the same user (a student's leftover process) may read or trace us."""
    try:
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:
        pass


class _Protocol:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, event: dict) -> None:
        self.write(json.dumps(event).encode() + b"\n")

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]


def _empty(folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass


def _kill_leftovers() -> None:
    """Kill every process in this sandbox but the worker and the sandbox's init."""
    me = os.getpid()
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in (1, me):
            try:
                os.kill(int(name), signal.SIGKILL)
            except OSError:
                pass
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break


def _prepare(job: dict) -> None:
    for folder in (WORK, CASES, os.environ.get("GRADING_HOME")):
        if folder:
            _empty(folder)
    for name, data in job.get("support", {}).items():
        with open(os.path.join(WORK, os.path.basename(name)), "wb") as f:
            f.write(base64.b64decode(data))
    for name, text in job.get("cases", {}).items():
        with open(os.path.join(CASES, os.path.basename(name)), "w", encoding="utf-8") as f:
            f.write(text)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return f"killed by signal {signal.Signals(sig).name}"
    return f"exited with status {os.WEXITSTATUS(status)}"


def run_job(job: dict, protocol: _Protocol, commands: _Commands) -> None:
    _prepare(job)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        try:
            from grading_child import run_cells

            run_cells(job, write_end)
        except BaseException:
            import traceback

            traceback.print_exc()  # to the worker's stderr: the grader's log, not the student
        finally:
            os._exit(0)
    os.close(write_end)
    current, finished, pending = None, False, b""
    while True:
        ready, _, _ = select.select([read_end, commands.fd], [], [])
        if commands.fd in ready:
            for command in commands.read():
                if command.get("kill"):
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except OSError:
                        pass
        if read_end in ready:
            data = os.read(read_end, 1 << 20)
            if not data:
                break
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if event.get("event") == "start":
                    current = event.get("index")
                elif event.get("event") == "finished":
                    finished = True
                protocol.write(line + b"\n")
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if os.environ.get("GRADING_SANDBOXED") == "1":
        _kill_leftovers()  # alone in our PID namespace: everything else is the student's
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    if not finished:
        protocol.send({"event": "died", "index": current, "reason": _describe(status)})
    protocol.send({"event": "done"})


class _Commands:
    """Line-delimited JSON commands from the grader on stdin."""

    def __init__(self) -> None:
        self.fd = 0
        self.pending = b""

    def read(self) -> list[dict]:
        data = os.read(self.fd, 1 << 20)
        if not data:
            raise SystemExit(0)  # the grader is gone
        self.pending += data
        *lines, self.pending = self.pending.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]


def main() -> None:
    warnings.simplefilter("ignore")
    protocol = _Protocol(os.dup(1))
    os.dup2(2, 1)  # stray prints must never mix with the protocol
    _use_the_shim()
    _preload()
    _not_traceable()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    commands = _Commands()
    protocol.send({"event": "ready", "pid": os.getpid()})
    while True:
        ready, _, _ = select.select([commands.fd], [], [])
        for command in commands.read():
            if "run" in command:
                run_job(command["run"], protocol, commands)


if __name__ == "__main__":
    sys.exit(main())
