"""One notebook's run inside the grading worker's fork: an IPython shell, cell by cell.

Each finished cell is reported as one JSON line on the pipe to the worker: its outputs (in
the notebook format, capped in size) and, for a grade cell, what its checks recorded. The
figures a cell shows or leaves open are drawn as PNG outputs at its end (:mod:`grading_figures`).
"""

from __future__ import annotations

import json
import os
import resource
import sys

#: Output kept per cell (characters of text, or encoded rich output).
OUTPUT_LIMIT = int(os.environ["GRADING_OUTPUT_LIMIT"])  # from autograder.sandbox.Limits
CUT = "\n[output cut: more than the grader keeps]\n"
_IMAGES = ("image/png", "image/jpeg")


class _CappedStream:
    """A text stream that keeps the first ``limit`` characters written to it."""

    def __init__(self, limit: int) -> None:
        self.limit, self.parts, self.size, self.cut = limit, [], 0, False
        self.encoding = "utf-8"

    def write(self, text) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        if len(text) > room:
            self.cut = True
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def value(self) -> str:
        return "".join(self.parts) + (CUT if self.cut else "")


def _outputs(stdout, stderr, displays, error) -> list[dict]:
    outputs = []
    for name, stream in (("stdout", stdout), ("stderr", stderr)):
        text = stream.value()
        if text:
            outputs.append({"output_type": "stream", "name": name, "text": text})
    budget = OUTPUT_LIMIT
    for data, metadata in displays:
        size = len(json.dumps(data))
        if size > budget and isinstance(data, dict) and any(m in data for m in _IMAGES):
            # An image over the cell's room: a note in its place, and the outputs after it.
            data, metadata = {"text/plain": _too_big(size)}, {}
            size = len(json.dumps(data))
        if size > budget:
            outputs.append({"output_type": "stream", "name": "stdout", "text": CUT})
            break
        budget -= size
        outputs.append({"output_type": "display_data", "data": data, "metadata": metadata})
    if error is not None:
        outputs.append(error)
    return outputs


def _too_big(size: int) -> str:
    return f"[an image not shown: {size // 1024} KiB, more than the grader keeps for a cell]"


def make_shell():
    """The notebook's IPython shell, made once per process.

    History is kept in memory, as the course's nbgrader kernels keep it: ``In``, ``_i`` and
    ``_`` work, and no history file nor the thread that writes it is made. The worker makes
    the shell before it forks (``grading_worker._preload``): each notebook starts from a copy
    of the same unused shell instead of building one (25 ms of CPU each).
    """
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    return InteractiveShell.instance(config=Config(HistoryManager={"hist_file": ":memory:"}))


def run_cells(job: dict, fd: int) -> None:
    """Run ``job["cells"]`` in a fresh shell; report to ``fd``; the caller exits afterwards."""
    try:
        os.setsid()  # our own process group (without the sandbox, the worker kills it whole)
    except OSError:
        pass  # a session leader already
    memory = int(job.get("memory_bytes", 0))
    if memory:
        # The limit counts what the student's code adds to the warm interpreter.
        resource.setrlimit(resource.RLIMIT_AS, (_address_space() + memory,) * 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.chdir(os.environ.get("GRADING_WORK", "/home/student/work"))
    pipe = os.fdopen(fd, "wb", buffering=0)

    def send(event: dict) -> None:
        pipe.write(json.dumps(event).encode() + b"\n")

    import grading_figures
    from IPython.core.displaypub import CapturingDisplayPublisher

    import autograder.hidden as shim

    grading_figures.configure(job.get("figures", {}))
    shell = make_shell()
    shell.display_pub = CapturingDisplayPublisher()
    # %matplotlib inline (or any GUI) keeps the grader's backend, which draws as inline does.
    shell.enable_matplotlib = lambda gui=None: (gui, "module://grading_figures")
    caught: list = []

    def keep_traceback(etype, evalue, stb):
        caught.append(
            {
                "output_type": "error",
                "ename": etype.__name__,
                "evalue": str(evalue),
                "traceback": [str(line) for line in stb][-30:],
            }
        )

    shell._showtraceback = keep_traceback
    for cell in job["cells"]:
        index, grade_id = cell["index"], cell.get("grade_id")
        send({"event": "start", "index": index})
        if grade_id:
            shim.begin_cell(grade_id)
        # A replayed cell's outputs are the grader's already: its figures are not drawn again.
        grading_figures.drawing(not cell.get("replay"))
        stdout, stderr = _CappedStream(OUTPUT_LIMIT), _CappedStream(OUTPUT_LIMIT)
        shell.display_pub.outputs.clear()
        caught.clear()
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = stdout, stderr
        try:
            shell.run_cell(cell["source"], store_history=True)
        except BaseException as err:  # SystemExit and friends end only this cell
            caught.append(
                {
                    "output_type": "error",
                    "ename": type(err).__name__,
                    "evalue": str(err),
                    "traceback": [],
                }
            )
        finally:
            sys.stdout, sys.stderr = saved
        try:
            grading_figures.flush()  # the figures the cell left open, as inline draws them
        except BaseException:  # the student's own drawing code failed: no figure, no error
            pass
        displays = [_display(o) for o in shell.display_pub.outputs]
        _close_figures()
        event = {
            "event": "cell",
            "index": index,
            "execution_count": shell.execution_count - 1,
            "outputs": _outputs(stdout, stderr, displays, caught[0] if caught else None),
        }
        if grade_id:
            event["records"] = shim.take_records()
        send(event)
    send({"event": "finished"})


def _display(published) -> tuple[dict, dict]:
    """``(data, metadata)`` of one output the display publisher captured (a dict in
    IPython 9, an object with attributes in older versions)."""
    if isinstance(published, dict):
        data, metadata = published.get("data"), published.get("metadata")
    else:
        data, metadata = getattr(published, "data", None), getattr(published, "metadata", None)
    return (data if isinstance(data, dict) else {}), (
        metadata if isinstance(metadata, dict) else {}
    )


def _address_space() -> int:
    """Bytes of address space this process uses now."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _close_figures() -> None:
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        try:
            plt.close("all")
        except Exception:
            pass
