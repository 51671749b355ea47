"""Run one submission's notebook, cell by cell, in a sandboxed kernel (or a plain one with
``--unsafe``), and collect what its grade cells recorded.

A cell that runs past its time limit, or a kernel that dies (``os._exit``, a crash, a memory
limit), costs that cell only: the kernel is replaced, the cells before it are run again in the
new kernel (their outputs are kept from the first run) and execution goes on with the next
cell. Output beyond the per-cell cap is dropped with a note.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from autograder.sandbox import KERNEL_ARGS, Limits, Sandbox, SandboxKernelManager

#: Cell outcomes besides a normal run.
TIMEOUT, DIED = "timeout", "died"


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


class _CappedClient(NotebookClient):
    """A notebook client that keeps at most ``output_limit`` bytes of output per cell."""

    output_limit: int = 256 * 1024
    _NOTE = "\n[output cut: more than the grader keeps]\n"

    def output(self, outs, msg, display_id, cell_index):
        if outs and outs[-1].get("text", "").endswith(self._NOTE):
            return None  # already full: drop the rest
        out = super().output(outs, msg, display_id, cell_index)
        size = sum(len(json.dumps(o)) for o in outs)
        if size > self.output_limit and outs:
            last = outs[-1]
            excess = size - self.output_limit
            if last.get("output_type") == "stream" and len(last.get("text", "")) > excess:
                last["text"] = last["text"][: len(last["text"]) - excess] + self._NOTE
            else:
                outs[-1] = nbformat.v4.new_output("stream", name="stdout", text=self._NOTE)
        return out


@dataclass
class KernelSlot:
    """One worker's identity: the unprivileged uid its kernels run as, or none (unsafe)."""

    uid: int | None
    runtime_root: Path


class NotebookRunner:
    """Runs notebooks in fresh kernels of one worker slot.

    Parameters
    ----------
    slot : KernelSlot
    limits : Limits
    mpl_cache : Path, optional
        A prepared matplotlib font list file.
    """

    def __init__(self, slot: KernelSlot, limits: Limits, mpl_cache: Path | None = None) -> None:
        self.slot = slot
        self.limits = limits
        self.mpl_cache = mpl_cache
        self._serial = 0

    async def run(
        self,
        nb: NotebookNode,
        grade_ids: dict[int, str],
        cases_dir: Path | None,
        support_files: list[Path],
    ) -> Execution:
        """Execute every code cell of ``nb`` (in place) and collect the grade cells' records.

        Parameters
        ----------
        nb : NotebookNode
            The sanitised submission.
        grade_ids : dict
            Cell index to grade id, for the grade cells.
        cases_dir : Path, optional
            Inputs of the hidden checks.
        support_files : list of Path
            The assignment's files besides the notebook.
        """
        start = time.perf_counter()
        deadline = start + self.limits.notebook_seconds
        result = Execution(notebook=nb)
        code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        done: list[int] = []  # cells that ran to the end (replayed after a kernel restart)
        position = 0
        while position < len(code_cells):
            kernel = await self._start(cases_dir, support_files)
            try:
                await self._replay(kernel, nb, done, deadline)
                while position < len(code_cells):
                    index = code_cells[position]
                    position += 1
                    outcome = await self._run_cell(kernel, nb, index, grade_ids, deadline, result)
                    if outcome is None:
                        done.append(index)
                        continue
                    result.problems[index] = outcome
                    break  # the kernel is gone or stuck: start a new one
            finally:
                await kernel.stop()
            if time.perf_counter() > deadline:
                for index in code_cells[position:]:
                    result.problems.setdefault(index, TIMEOUT)
                break
        result.seconds = time.perf_counter() - start
        return result

    async def _start(self, cases_dir: Path | None, support_files: list[Path]) -> _Kernel:
        self._serial += 1
        runtime = self.slot.runtime_root / f"kernel-{self._serial}"
        sandbox = None
        if self.slot.uid is not None:
            sandbox = Sandbox(
                uid=self.slot.uid,
                runtime_dir=runtime,
                limits=self.limits,
                cases_dir=cases_dir,
                support_files=support_files,
                mpl_cache=self.mpl_cache,
            )
        kernel = _Kernel(sandbox, runtime, self.limits, cases_dir, support_files)
        await kernel.start()
        return kernel

    async def _replay(self, kernel: _Kernel, nb: NotebookNode, done: list[int], deadline: float):
        """Bring a new kernel to the state of the old one by running the finished cells again
        (in a copy of the notebook: the outputs of the first run are kept)."""
        copy = nbformat.from_dict(json.loads(json.dumps(nb)))
        for index in done:
            try:
                await kernel.execute(copy, index, self._cell_timeout(deadline))
            except (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError):
                return

    def _cell_timeout(self, deadline: float) -> int:
        return max(1, int(min(self.limits.cell_seconds, deadline - time.perf_counter())))

    async def _run_cell(self, kernel, nb, index, grade_ids, deadline, result) -> str | None:
        grade_id = grade_ids.get(index)
        if time.perf_counter() > deadline:
            return TIMEOUT
        try:
            if grade_id:
                await kernel.silent(
                    f"__import__('autograder.hidden').hidden.begin_cell({grade_id!r})"
                )
            await kernel.execute(nb, index, self._cell_timeout(deadline))
            if grade_id:
                text = await kernel.silent(
                    "pass", expression="__import__('autograder.hidden').hidden.take_records()"
                )
                result.records.update(_parse_records(text))
        except CellTimeoutError:
            return TIMEOUT
        except (DeadKernelError, TimeoutError, RuntimeError):
            return DIED
        return None


def _parse_records(text: str | None) -> dict[str, list]:
    """The records a kernel handed back (its reply is untrusted: anything malformed is none)."""
    import ast

    if not text:
        return {}
    try:
        records = json.loads(ast.literal_eval(text))
    except (ValueError, SyntaxError, TypeError, MemoryError):
        return {}
    if not isinstance(records, dict):
        return {}
    return {str(k): v for k, v in records.items() if isinstance(v, list)}


class _Kernel:
    """One kernel process (sandboxed or not) and a notebook client bound to it."""

    def __init__(self, sandbox, runtime: Path, limits: Limits, cases_dir, support_files) -> None:
        self.sandbox = sandbox
        self.runtime = runtime
        self.limits = limits
        self.cases_dir = cases_dir
        self.support_files = support_files
        self.km: AsyncKernelManager | None = None
        self.kc = None
        self.client: _CappedClient | None = None

    async def start(self) -> None:
        if self.sandbox is not None:
            self.sandbox.open_for_start()
            km = SandboxKernelManager()
            km.setup(self.sandbox)
            cwd = str(self.runtime)
        else:
            # Unsafe mode: a plain kernel in a private working folder of the grader's machine.
            self.runtime.mkdir(parents=True, exist_ok=True)
            for item in self.support_files:
                (self.runtime / item.name).write_bytes(item.read_bytes())
            km = SandboxKernelManager()
            km.connection_file = str(self.runtime / "connection.json")
            cwd = str(self.runtime)
        self.km = km
        env = _unsafe_environment(self.cases_dir) if self.sandbox is None else None
        await km.start_kernel(cwd=cwd, env=env) if env else await km.start_kernel(cwd=cwd)
        self.kc = km.client()
        self.kc.start_channels()
        try:
            await self.kc.wait_for_ready(timeout=60)
        except RuntimeError:
            await self.stop()
            raise
        if self.sandbox is not None:
            self.sandbox.close_after_start()
        client = _CappedClient(
            nbformat.v4.new_notebook(),
            km=km,
            timeout=self.limits.cell_seconds,
            allow_errors=True,
            interrupt_on_timeout=False,
            raise_on_iopub_timeout=False,
            record_timing=False,
        )
        client.output_limit = self.limits.output_bytes
        client.kc = self.kc
        self.client = client

    async def execute(self, nb: NotebookNode, index: int, timeout: int) -> None:
        """Run cell ``index`` of ``nb``; its outputs replace the old ones."""
        self.client.timeout = timeout
        self.client.nb = nb
        nb.cells[index].outputs = []
        await self.client.async_execute_cell(nb.cells[index], index)

    async def silent(self, code: str, expression: str | None = None, timeout: float = 30):
        """Run grader code without output; return the text of ``expression`` if given."""
        expressions = {"r": expression} if expression else {}
        msg_id = self.kc.execute(
            code, silent=True, store_history=False, user_expressions=expressions
        )
        end = time.perf_counter() + timeout
        while True:
            remaining = end - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("the kernel did not answer the grader")
            try:
                reply = await self.kc.get_shell_msg(timeout=remaining)
            except Exception as err:  # queue.Empty: no reply in time
                raise TimeoutError("the kernel did not answer the grader") from err
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            content = reply.get("content", {})
            if content.get("status") != "ok" or not expression:
                return None
            value = content.get("user_expressions", {}).get("r", {})
            return value.get("data", {}).get("text/plain")

    async def stop(self) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None and self.km.has_kernel:
                await self.km.shutdown_kernel(now=True)
        except Exception:  # a kernel already gone is what we wanted
            pass
        finally:
            if self.sandbox is not None:
                self.sandbox.remove()
            else:
                import shutil

                shutil.rmtree(self.runtime, ignore_errors=True)


def _unsafe_environment(cases_dir: Path | None) -> dict[str, str]:
    """Environment of an unsandboxed kernel: the grader's, plus the grading shim first."""
    import os

    from autograder.sandbox import SHIM

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SHIM), env.get("PYTHONPATH")) if p)
    env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = env["MKL_NUM_THREADS"] = "1"
    env["AUTOGRADER_CASES"] = str(cases_dir) if cases_dir else "/nonexistent"
    env.pop("AUTOGRADER_SEED", None)
    return env


def run_sync(coro):
    """Run a coroutine to the end from synchronous code."""
    return asyncio.run(coro)


__all__ = ["Execution", "KernelSlot", "NotebookRunner", "KERNEL_ARGS", "run_sync"]
