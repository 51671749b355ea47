"""Run submissions' notebooks in sandboxed grading workers and collect what their grade cells
recorded.

A :class:`GradingWorker` is one long-lived process in the sandbox
(``autograder/sandbox_shim/grading_worker.py``) that pays Python's, NumPy's, scikit-learn's and
IPython's start-up once and runs each notebook in a fresh fork of itself. A cell that runs past
its time limit, or a child that dies (``os._exit``, a crash, too much memory), costs that cell
only: the cells that had finished are run again in a new fork (their first outputs are kept)
and execution goes on with the next cell.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder.sandbox import SHIM, Limits, Sandbox

#: Cell outcomes besides a normal run.
TIMEOUT, DIED = "timeout", "died"

#: Largest line (one cell's outputs and records) accepted from a worker.
LINE_LIMIT = 256 * 1024 * 1024


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
        Cell index to ``"timeout"`` or ``"died"`` for cells that did not finish.
    seconds : float
        Wall time of the whole run.
    """

    notebook: NotebookNode
    records: dict[str, list] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class WorkerSlot:
    """One worker's identity: the unprivileged uid it runs as, or none (``--unsafe``)."""

    uid: int | None
    scratch: Path


class WorkerGone(Exception):
    """The worker process ended or stopped answering."""


class GradingWorker:
    """One sandboxed grading worker and the notebooks it runs, one at a time.

    Parameters
    ----------
    slot : WorkerSlot
    limits : Limits
    mpl_cache : Path, optional
        A prepared matplotlib font list.
    """

    def __init__(self, slot: WorkerSlot, limits: Limits, mpl_cache: Path | None = None) -> None:
        self.slot = slot
        self.limits = limits
        self.mpl_cache = mpl_cache
        self.process: asyncio.subprocess.Process | None = None
        self._starting: asyncio.Future | None = None
        self.ready = False

    # ----------------------------------------------------------------------------------------
    def _command(self) -> tuple[list[str], dict[str, str] | None]:
        python = str(Path(sys.prefix) / "bin" / "python")
        command = [python, "-m", "grading_worker"]
        if self.slot.uid is not None:
            sandbox = Sandbox(uid=self.slot.uid, limits=self.limits, mpl_cache=self.mpl_cache)
            return sandbox.argv(command), None
        # Unsafe: the same worker, unsandboxed, with private scratch folders.
        scratch = self.slot.scratch
        (scratch / "work").mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            PYTHONPATH=os.pathsep.join(filter(None, [str(SHIM), env.get("PYTHONPATH")])),
            GRADING_WORK=str(scratch / "work"),
            AUTOGRADER_CASES=str(scratch / "cases"),
            GRADING_OUTPUT_LIMIT=str(self.limits.output_bytes),
            OMP_NUM_THREADS="1",
            OPENBLAS_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            MPLBACKEND="Agg",
        )
        return command, env

    async def start(self) -> None:
        """Start the worker and wait until it has loaded everything."""
        self.ready = False
        command, env = self._command()
        self.process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            # GRADING_DEBUG=1 shows the workers' own errors (never the students' output).
            stderr=None if os.environ.get("GRADING_DEBUG") else asyncio.subprocess.DEVNULL,
            env=env,
            limit=LINE_LIMIT,
            start_new_session=True,
        )
        event = await self._next(120)
        if event.get("event") != "ready":
            raise WorkerGone("the grading worker did not start")
        self.ready = True

    async def ensure_started(self) -> None:
        """Start the worker unless it is ready or already starting (then wait for it)."""
        if self._starting is not None and not self._starting.done():
            await self._starting
            return
        if self.ready and self.process is not None and self.process.returncode is None:
            return
        self._starting = asyncio.ensure_future(self.start())
        await self._starting

    async def stop(self) -> None:
        """End the worker and everything in its sandbox."""
        self.ready = False
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

    async def _send(self, command: dict) -> None:
        try:
            self.process.stdin.write(json.dumps(command).encode() + b"\n")
            await self.process.stdin.drain()
        except (ConnectionError, AttributeError) as err:
            raise WorkerGone("the grading worker is gone") from err

    async def _next(self, timeout: float) -> dict:
        """The worker's next event; ``TimeoutError`` if none comes in ``timeout`` seconds."""
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), max(timeout, 0.1))
        except (ValueError, asyncio.LimitOverrunError) as err:
            raise WorkerGone("a cell produced more than the grader accepts") from err
        if not line:
            raise WorkerGone("the grading worker ended")
        try:
            event = json.loads(line)
        except ValueError:
            return {"event": "garbage"}
        return event if isinstance(event, dict) else {"event": "garbage"}

    # ----------------------------------------------------------------------------------------
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
        support = {p.name: base64.b64encode(p.read_bytes()).decode() for p in support_files}
        done: list[int] = []
        position = 0
        while position < len(code):
            if time.perf_counter() > deadline:
                for index in code[position:]:
                    result.problems[index] = TIMEOUT
                break
            if self.process is not None and self.process.returncode is not None:
                await self.stop()
            await self.ensure_started()
            replay, before = list(done), position
            cells = [
                {"index": i, "source": nb.cells[i].source, "grade_id": grade_ids.get(i)}
                for i in replay + code[position:]
            ]
            job = {
                "cells": cells,
                "cases": cases,
                "support": support,
                "memory_bytes": self.limits.memory_bytes,
            }
            current, replaying = None, set(replay)
            try:
                await self._send({"run": job})
                while True:
                    wait = min(self.limits.cell_seconds, deadline - time.perf_counter())
                    try:
                        event = await self._next(wait if current is not None else 60)
                    except TimeoutError:
                        if current is not None and current not in replaying:
                            result.problems[current] = TIMEOUT
                            position = code.index(current) + 1
                        await self._kill_child()
                        break
                    kind = event.get("event")
                    if kind == "start":
                        current = event.get("index")
                    elif kind == "cell" and event.get("index") not in replaying:
                        index = event.get("index")
                        if index not in code:
                            continue
                        self._store(nb, index, event, grade_ids, result)
                        done.append(index)
                        position = code.index(index) + 1
                        current = None
                    elif kind == "died":
                        if current is not None and current not in replaying:
                            result.problems[current] = DIED
                            position = code.index(current) + 1
                        elif current in replaying:
                            # A finished cell did not finish again: go on without it.
                            done.remove(current)
                    elif kind == "done":
                        break
            except WorkerGone:
                if current is not None and current not in replaying:
                    result.problems[current] = DIED
                    position = code.index(current) + 1
                await self.stop()
            if position == before and position < len(code):
                # No cell finished or failed: the run broke before the next cell; skip it.
                result.problems[code[position]] = DIED
                position += 1
        result.seconds = time.perf_counter() - start
        return result

    async def _kill_child(self) -> None:
        """Stop the running child; if the worker does not confirm, replace the worker."""
        try:
            await self._send({"kill": True})
            while (await self._next(10)).get("event") != "done":
                pass
        except (WorkerGone, TimeoutError):
            await self.stop()

    @staticmethod
    def _store(nb, index: int, event: dict, grade_ids: dict[int, str], result: Execution):
        cell = nb.cells[index]
        outputs = event.get("outputs")
        cell.outputs = [
            nbformat.from_dict(o)
            for o in (outputs if isinstance(outputs, list) else [])
            if isinstance(o, dict) and o.get("output_type") in ("stream", "display_data", "error")
        ]
        count = event.get("execution_count")
        cell.execution_count = count if isinstance(count, int) else None
        gid = grade_ids.get(index)
        if gid is not None:
            result.records[gid] = _parse_records(event.get("records")).get(gid, [])


def _parse_records(text) -> dict[str, list]:
    """The records a worker handed back (untrusted: anything malformed counts as none)."""
    if not isinstance(text, str):
        return {}
    try:
        records = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(records, dict):
        return {}
    return {str(k): v for k, v in records.items() if isinstance(v, list)}


__all__ = ["DIED", "TIMEOUT", "Execution", "GradingWorker", "WorkerSlot"]
