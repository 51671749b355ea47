"""Run a submission's notebook in a sandboxed grading worker: the grader's side of the sandbox.

A :class:`GradingWorker` is one long-lived process in the sandbox
(``autograder/sandbox_shim/grading_worker.py``) that pays Python's, NumPy's, scikit-learn's and
IPython's start-up once and forks a fresh sandbox per notebook. For each run the grader makes
a new channel (a socket pair), hands one end to the worker with the ``run`` command, and talks
to the notebook's process on the other end: it sends the job, then reads one event per line.

Everything read from a channel is untrusted: the student's code can write to it. So

* an event counts only for the notebook in flight and only in order (``start`` of the next
  cell, then its ``cell``, and ``finished`` after the last); anything else, malformed, or
  written after ``finished`` is dropped and counted as a violation of that notebook;
* every size limit (:class:`~autograder.sandbox.Limits`) is enforced here, while reading, so
  a flood costs the flooder its own cells and never the grader's memory;
* the channel is closed when the notebook ends, and the worker's namespace teardown kills
  whatever the notebook left running.

A cell that runs past its time limit, or a notebook process that dies, costs that cell only:
the cells that had finished are run again in a new sandbox (their first outputs are kept) and
execution goes on with the next cell.
"""

from __future__ import annotations

import asyncio
import base64
import enum
import itertools
import json
import os
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder.images import NotebookImages, image_note, images_of
from autograder.notebook_channel import FLOODED, OVERSIZED, Channel, EventOrder
from autograder.sandbox import FIGURE_BACKEND, SHIM, Limits, Sandbox, python_inside


class CellProblem(enum.Enum):
    """Why a code cell has no normal outcome."""

    TIMEOUT = "timeout"  #: ran past the cell's or the notebook's time limit
    DIED = "died"  #: the notebook's process ended while the cell ran
    FLOOD = "flood"  #: wrote more to the grading channel than the limits allow
    NOT_RUN = "not_run"  #: past the number of cells the grader runs


#: Kept for callers that name the problems by their old constants.
TIMEOUT, DIED = CellProblem.TIMEOUT, CellProblem.DIED

#: The note on a row whose notebook wrote to its channel what no check wrote.
CHANNEL_NOTE = "wrote to the grading channel outside a check"

_CUT = "\n[output cut: more than the grader keeps]\n"
_OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")


@dataclass
class Execution:
    """What running a notebook produced.

    Attributes
    ----------
    notebook : NotebookNode
        The notebook with every cell's outputs.
    records : dict
        Grade id to the list of records its cell left (see the grading shim).
    problems : dict
        Cell index to the :class:`CellProblem` of cells that did not finish normally.
    violations : list of str
        What the notebook wrote to its channel outside the protocol (first few kept).
    seconds : float
        Wall time of the whole run.
    """

    notebook: NotebookNode
    records: dict[str, list] = field(default_factory=dict)
    problems: dict[int, CellProblem] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class WorkerSlot:
    """One worker's identity: its uid as root (None: the grader's own user), and whether it
    runs sandboxed at all (``--unsafe`` runs it as a plain process, with ``scratch`` folders).
    """

    uid: int | None
    scratch: Path
    sandboxed: bool = True


class WorkerGone(Exception):
    """The worker process ended or stopped answering."""


class SandboxBroken(RuntimeError):
    """The worker cannot build a notebook's sandbox: grading must stop (never the student's
    fault, so never a grade)."""


_JOB_IDS = itertools.count(1)


# ------------------------------------------------------------------------------------------
# The worker
# ------------------------------------------------------------------------------------------
class GradingWorker:
    """One sandboxed grading worker and the notebooks it runs, one at a time.

    Parameters
    ----------
    slot : WorkerSlot
    limits : Limits
    mpl_cache : Path, optional
        A prepared matplotlib font list, readable by the worker's user.
    """

    def __init__(
        self,
        slot: WorkerSlot,
        limits: Limits,
        mpl_cache: Path | None = None,
        preload: tuple[str, ...] | None = None,
    ) -> None:
        self.slot = slot
        self.limits = limits
        self.mpl_cache = mpl_cache
        self.preload = preload
        self.process: asyncio.subprocess.Process | None = None
        self.control: socket.socket | None = None
        self.events: asyncio.Queue | None = None
        self._reader: asyncio.Task | None = None
        self._starting: asyncio.Future | None = None
        self.ready = False

    # ---------------------------------------------------------------------------------------
    def _command(self, control_fd: int) -> tuple[list[str], dict[str, str] | None]:
        if self.slot.sandboxed:
            command = [python_inside(), "-m", "grading_worker"]
            sandbox = Sandbox(
                uid=self.slot.uid,
                limits=self.limits,
                mpl_cache=self.mpl_cache,
                control_fd=control_fd,
                preload=self.preload,
            )
            return sandbox.argv(command), None
        # Unsafe: the same worker, unsandboxed, with private scratch folders.
        command = [str(Path(sys.prefix) / "bin" / "python"), "-m", "grading_worker"]
        scratch = self.slot.scratch
        (scratch / "work").mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            PYTHONPATH=os.pathsep.join(filter(None, [str(SHIM), env.get("PYTHONPATH")])),
            GRADING_WORK=str(scratch / "work"),
            GRADING_HOME=str(scratch / "home"),
            AUTOGRADER_CASES=str(scratch / "cases"),
            GRADING_OUTPUT_LIMIT=str(self.limits.output_bytes),
            GRADING_RECORD_LIMIT=str(self.limits.record_bytes),
            GRADING_CONTROL_FD=str(control_fd),
            OMP_NUM_THREADS="1",
            OPENBLAS_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            MPLBACKEND=FIGURE_BACKEND,
        )
        env.pop("GRADING_SANDBOXED", None)
        env.pop("GRADING_PRELOAD", None)
        if self.preload is not None:
            env["GRADING_PRELOAD"] = ",".join(self.preload)
        return command, env

    async def start(self) -> None:
        """Start the worker and wait until it has loaded everything."""
        self.ready = False
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command, env = self._command(theirs.fileno())
        try:
            self.process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                # GRADING_DEBUG=1 shows the workers' own errors (never the students' output).
                stderr=None if os.environ.get("GRADING_DEBUG") else asyncio.subprocess.DEVNULL,
                env=env,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
                # Python puts its starting folder first on sys.path: unsandboxed, the work
                # folder (where the support modules are), as bwrap's --chdir does inside.
                cwd=None if self.slot.sandboxed else self.slot.scratch / "work",
            )
        finally:
            theirs.close()
        ours.setblocking(False)
        self.control = ours
        self.events = asyncio.Queue()
        self._reader = asyncio.ensure_future(self._read_control(ours, self.events))
        event = await self._next_event(180)
        if event.get("event") == "broken":
            await self.stop()
            raise SandboxBroken(f"the grading sandbox cannot run here: {event.get('reason')}")
        if event.get("event") != "ready":
            await self.stop()
            raise WorkerGone("the grading worker did not start")
        self.ready = True

    @staticmethod
    async def _read_control(sock: socket.socket, queue: asyncio.Queue) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = await loop.sock_recv(sock, 1 << 16)
            except OSError:
                data = b""
            if not data:
                queue.put_nowait(None)
                return
            try:
                event = json.loads(data)
            except ValueError:
                continue
            if isinstance(event, dict):
                queue.put_nowait(event)

    async def _next_event(self, timeout: float | None = None) -> dict:
        """The worker's next control event; ``TimeoutError`` if none comes in ``timeout``."""
        if timeout is None:
            event = await self.events.get()
        else:
            event = await asyncio.wait_for(self.events.get(), max(timeout, 0.1))
        if event is None:
            self.events.put_nowait(None)  # the worker stays gone for every later reader
            raise WorkerGone("the grading worker ended")
        return event

    async def ensure_started(self) -> None:
        """Start the worker unless it is ready or already starting (then wait for it)."""
        if self._starting is not None and not self._starting.done():
            await self._starting
            return
        if self.ready and self.process is not None and self.process.returncode is None:
            return
        self._starting = asyncio.ensure_future(self.start())
        await self._starting

    async def _started_or_broken(self) -> None:
        """Start the worker, trying twice: a worker that cannot start is the grader's problem
        (:class:`SandboxBroken`), never a grade of the student whose notebook is next."""
        for attempt in range(2):
            try:
                await self.ensure_started()
                return
            except WorkerGone as err:
                await self.stop()
                if attempt:
                    raise SandboxBroken(
                        f"the grading worker could not start ({err}); set GRADING_DEBUG=1 "
                        "to see its own errors"
                    ) from err

    async def stop(self) -> None:
        """End the worker and everything in its sandbox."""
        self.ready = False
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            pass
        self.process = None

    def _command_worker(self, command: dict, fds: tuple[int, ...] = ()) -> None:
        try:
            socket.send_fds(self.control, [json.dumps(command).encode()], list(fds))
        except (OSError, AttributeError) as err:
            raise WorkerGone("the grading worker is gone") from err

    # ---------------------------------------------------------------------------------------
    async def run(
        self,
        nb: NotebookNode,
        grade_ids: dict[int, str],
        cases: dict[str, str],
        support_files: list[Path],
    ) -> Execution:
        """Execute every code cell of ``nb`` (outputs filled in place).

        Parameters
        ----------
        nb : NotebookNode
            The sanitised submission.
        grade_ids : dict
            Cell index to grade id, for the grade cells.
        cases : dict
            File name to the encoded inputs of a hidden check.
        support_files : list of Path
            The assignment's files besides the notebook.
        """
        start = time.perf_counter()
        deadline = start + self.limits.notebook_seconds
        result = Execution(notebook=nb)
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        for index in code[self.limits.cells :]:
            result.problems[index] = CellProblem.NOT_RUN
        code = code[: self.limits.cells]
        support = {p.name: base64.b64encode(p.read_bytes()).decode() for p in support_files}
        run = _Run(self, nb, grade_ids, result, deadline, [self.limits.notebook_bytes])
        done: list[int] = []
        position = 0
        while position < len(code):
            if time.perf_counter() > deadline:
                for index in code[position:]:
                    result.problems[index] = CellProblem.TIMEOUT
                break
            if self.process is not None and self.process.returncode is not None:
                await self.stop()
            await self._started_or_broken()
            cells = [
                {
                    "index": i,
                    "source": nb.cells[i].source,
                    "grade_id": grade_ids.get(i),
                    "replay": i in done,
                }
                for i in done + code[position:]
            ]
            job = {
                "cells": cells,
                "cases": cases,
                "support": support,
                "figures": self.limits.figure_settings(),
            }
            finished = await run.attempt(job, set(done))
            done += [i for i in finished if i not in done]
            before, position = position, _next_position(code, done, result.problems)
            if position == before and position < len(code):
                # No cell finished or failed: the run broke before the next cell; skip it.
                result.problems[code[position]] = CellProblem.DIED
                position += 1
            if run.flooded:
                for index in code[position:]:
                    result.problems.setdefault(index, CellProblem.FLOOD)
                break
        result.seconds = time.perf_counter() - start
        return result


def _next_position(code: list[int], done: list[int], problems: dict) -> int:
    """Index in ``code`` of the first cell that neither finished nor failed."""
    for position, index in enumerate(code):
        if index not in done and index not in problems:
            return position
    return len(code)


class _Run:
    """One notebook's runs on one worker: the protocol, the limits and the bookkeeping."""

    def __init__(self, worker, nb, grade_ids, result, deadline, budget) -> None:
        self.worker, self.nb, self.grade_ids = worker, nb, grade_ids
        self.result, self.deadline, self.budget = result, deadline, budget
        self.limits: Limits = worker.limits
        self.output_left = self.limits.notebook_output_bytes
        self.images = NotebookImages(self.limits)
        self.flooded = False

    def violation(self, what: str) -> None:
        if len(self.result.violations) < 5:
            self.result.violations.append(what)

    async def attempt(self, job: dict, replaying: set[int]) -> list[int]:
        """Run ``job`` in a new sandbox; return the indices of the cells that finished."""
        worker = self.worker
        job_id = next(_JOB_IDS)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        ours.setblocking(False)
        channel = Channel(ours, self.limits, self.budget)
        state = EventOrder([cell["index"] for cell in job["cells"]])
        finished_cells: list[int] = []
        try:
            try:
                worker._command_worker(
                    {"run": job_id, "memory_bytes": self.limits.memory_bytes}, (theirs.fileno(),)
                )
            finally:
                theirs.close()
            await self._until_started(job_id)
            sender = asyncio.ensure_future(channel.send(json.dumps(job).encode() + b"\n"))
            exited = await self._read(channel, state, job_id, replaying, finished_cells)
            sender.cancel()
            if not exited:
                await self._kill(job_id)
        except WorkerGone:
            if state.current is not None and state.current not in replaying:
                self.result.problems[state.current] = CellProblem.DIED
            await worker.stop()
        finally:
            channel.close()
        return finished_cells

    async def _until_started(self, job_id: int) -> None:
        while True:
            event = await self.worker._next_event(60)
            if event.get("job") != job_id:
                continue
            if event.get("event") == "started":
                return
            raise WorkerGone(f"the grading worker refused the notebook: {event.get('reason')}")

    async def _read(self, channel, state, job_id, replaying, finished_cells) -> bool:
        """Read the channel and the worker's events until the sandbox is gone (True) or has
        to be killed (False)."""
        worker = self.worker
        message = asyncio.ensure_future(channel.next_message())
        control = asyncio.ensure_future(worker._next_event())
        started_at = time.perf_counter()
        try:
            while True:
                if state.current is not None:
                    wait = min(
                        self.limits.cell_seconds - (time.perf_counter() - started_at),
                        self.deadline - time.perf_counter(),
                    )
                else:
                    wait = min(60.0, self.deadline - time.perf_counter())
                waiting = {control} | ({message} if message is not None else set())
                done, _ = await asyncio.wait(
                    waiting, timeout=max(wait, 0.1), return_when=asyncio.FIRST_COMPLETED
                )
                if not done:  # a time limit: the cell in flight is stopped
                    if state.current is not None and state.current not in replaying:
                        self.result.problems[state.current] = CellProblem.TIMEOUT
                    elif state.current is None and state.next_index is not None:
                        if state.next_index not in replaying:
                            self.result.problems[state.next_index] = CellProblem.TIMEOUT
                    return False
                if control in done:
                    event = control.result()  # raises WorkerGone if the worker ended
                    if event.get("job") == job_id and event.get("event") == "exited":
                        # Drain what the notebook wrote before it ended.
                        while message is not None:
                            item = await message
                            message = None
                            if item is None or self._handle(item, state, replaying, finished_cells):
                                break
                            message = asyncio.ensure_future(channel.next_message())
                        if event.get("reason") == "sandbox failed":
                            raise SandboxBroken(state.sandbox_error or "the sandbox failed")
                        if not state.finished:
                            culprit = state.current if state.current is not None else None
                            if culprit is not None and culprit not in replaying:
                                self.result.problems[culprit] = CellProblem.DIED
                        return True
                    control = asyncio.ensure_future(worker._next_event())
                if message is not None and message in done:
                    item = message.result()
                    message = None
                    if item is not None:
                        if self._handle(item, state, replaying, finished_cells):
                            return False
                        if state.current is not None and state.started_now:
                            started_at = time.perf_counter()
                            state.started_now = False
                        message = asyncio.ensure_future(channel.next_message())
        finally:
            for task in (message, control):
                if task is not None and not task.done():
                    task.cancel()

    def _handle(self, item, state, replaying, finished_cells) -> bool:
        """Take one message; True when the notebook must be stopped (a flood)."""
        if item is FLOODED or item is OVERSIZED:
            self.violation(
                "wrote more to the grading channel than allowed"
                if item is FLOODED
                else f"wrote a message over {self.limits.message_bytes} bytes"
            )
            culprit = state.current if state.current is not None else state.next_index
            if culprit is not None and culprit not in replaying:
                self.result.problems[culprit] = CellProblem.FLOOD
            self.flooded = item is FLOODED
            return True
        try:
            event = json.loads(item)
        except ValueError:
            event = None
        if not isinstance(event, dict):
            self.violation("wrote something that is not a grading event")
            return False
        kind = event.get("event")
        if kind == "sandbox_error" and not state.any_started:
            state.sandbox_error = str(event.get("reason"))[:500]
            return False
        accepted = state.accept(kind, event.get("index"))
        if not accepted:
            self.violation(f"wrote a {str(kind)[:20]!r} event out of order")
            return False
        if kind == "cell":
            index = event["index"]
            finished_cells.append(index)
            if index not in replaying:
                self._store(index, event)
        return False

    async def _kill(self, job_id: int) -> None:
        """Stop the notebook's sandbox; if the worker does not confirm, replace the worker."""
        worker = self.worker
        try:
            worker._command_worker({"kill": job_id})
            while True:
                event = await worker._next_event(10)
                if event.get("job") == job_id and event.get("event") == "exited":
                    return
        except (WorkerGone, TimeoutError):
            await worker.stop()

    def _store(self, index: int, event: dict) -> None:
        cell = self.nb.cells[index]
        outputs = event.get("outputs")
        outputs = [
            o
            for o in (outputs if isinstance(outputs, list) else [])
            if isinstance(o, dict) and o.get("output_type") in _OUTPUT_TYPES
        ]
        kept = []
        room = min(self.limits.output_bytes * 2, self.output_left)
        for output in outputs:
            output = self.images.check(output)
            if output is None:
                continue
            try:
                node = nbformat.from_dict(output)
                size = len(json.dumps(output))
            except (TypeError, ValueError):
                continue
            if size > room and images_of(output):
                output = image_note("more than the grader keeps for a cell")
                node, size = nbformat.from_dict(output), len(json.dumps(output))
            if size > room:
                kept.append(
                    nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": _CUT})
                )
                break
            room -= size
            self.output_left -= size
            self.images.count(output)
            kept.append(node)
        cell.outputs = kept
        count = event.get("execution_count")
        cell.execution_count = count if isinstance(count, int) else None
        gid = self.grade_ids.get(index)
        if gid is not None:
            self.result.records[gid] = _parse_records(event.get("records")).get(gid, [])


def _parse_records(text) -> dict[str, list]:
    """The records a notebook handed back (untrusted: anything malformed counts as none)."""
    if not isinstance(text, str):
        return {}
    try:
        records = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(records, dict):
        return {}
    return {str(k): v for k, v in records.items() if isinstance(v, list)}


__all__ = [
    "CHANNEL_NOTE",
    "DIED",
    "TIMEOUT",
    "CellProblem",
    "Execution",
    "GradingWorker",
    "SandboxBroken",
    "WorkerSlot",
]
