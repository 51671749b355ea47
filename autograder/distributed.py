"""Grading on a Dask distributed cluster: ``grade SUBMISSIONS --out OUT --scheduler ADDRESS``.

The grader stays where it is: it reads, repairs, stages and sanitises every hand-in, judges the
runs and alone writes the gradebook and the outputs (:mod:`autograder.grading`). Only the
sandboxed runs move to the cluster, through :class:`DaskPool`, which has the interface of the
local :class:`~autograder.worker_pool.ExecutionPool` (``submit`` returns a
``concurrent.futures.Future`` of an :class:`~autograder.executor.Execution`, and ``close``).

On every Dask worker, :class:`GradingPlugin` (a ``distributed.WorkerPlugin`` the grader
registers) checks at start that the sandbox can run there (:func:`sandbox_problem`) and then
keeps one warm :class:`~autograder.executor.GradingWorker` per worker thread, with the limits
of the grader's command line, on an event loop of its own thread. A worker that cannot sandbox
refuses jobs: it never advertises the ``grading`` resource every task needs, says why in its
log, and the grader names it (and stops with the reason if no worker can sandbox at all).

A task is :func:`run_notebook`: bytes in (the staged, sanitised notebook, the grade ids, the
hidden checks' input files and the assignment's support files, as JSON), bytes out (the
:class:`Execution` as JSON). Nothing assumes a shared filesystem. Tasks are impure
(``pure=False``) with a key per hand-in and fingerprint; when a worker dies, Dask's scheduler
runs its tasks again elsewhere, and each future still resolves once, so the grader records each
hand-in once (and its result file makes a rerun skip what was graded).

Infrastructure failures are never a student's grade: a lost scheduler, a task whose workers
keep dying, or a worker that cannot sandbox stop grading with a
:class:`~autograder.executor.SandboxBroken` error; the rerun resumes.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import nbformat
from distributed import Client, LocalCluster, WorkerPlugin, get_worker

from autograder.executor import CellProblem, Execution, GradingWorker, SandboxBroken, WorkerSlot
from autograder.sandbox import Limits, build_font_list, sandbox_problem

#: The worker resource a grading task needs; a worker has as many as it has grading workers.
RESOURCE = "grading"
#: The plugin's name on every worker, followed by a digest of its limits (see
#: :func:`plugin_name`).
PLUGIN = "autograder-grading"
#: Seconds the grader waits for a first worker able to grade.
WAIT_FOR_WORKERS = 120

#: The Dask worker's own logger: what a worker refuses shows in its log.
logger = logging.getLogger("distributed.worker")


class SchedulerUnreachable(RuntimeError):
    """The Dask scheduler could not be reached (or no worker joined it)."""


class SandboxUnavailable(SandboxBroken):
    """A Dask worker cannot run the sandbox, so it refuses grading jobs."""


# --------------------------------------------------------------------------------------------
# What travels: bytes both ways
# --------------------------------------------------------------------------------------------
def encode_job(nb, grade_ids: dict[int, str], cases: dict[str, str], support_files) -> bytes:
    """One hand-in's run as bytes: the sanitised notebook, grade ids by cell index, the hidden
    checks' input files (never their expected values) and the support files' contents."""
    support = {}
    for item in support_files:
        path = Path(item)
        support[path.name] = base64.b64encode(path.read_bytes()).decode()
    job = {
        "notebook": nbformat.writes(nb),
        "grade_ids": {str(i): gid for i, gid in grade_ids.items()},
        "cases": dict(cases),
        "support": support,
    }
    return json.dumps(job).encode()


def decode_job(payload: bytes) -> tuple:
    """The inverse of :func:`encode_job`; support files as ``{name: bytes}``."""
    job = json.loads(payload)
    nb = nbformat.reads(job["notebook"], as_version=4)
    grade_ids = {int(i): gid for i, gid in job["grade_ids"].items()}
    support = {name: base64.b64decode(data) for name, data in job["support"].items()}
    return nb, grade_ids, job["cases"], support


def encode_execution(execution: Execution) -> bytes:
    """An :class:`Execution` as JSON bytes (records are plain data already)."""
    data = {
        "notebook": nbformat.writes(execution.notebook),
        "records": execution.records,
        "problems": {str(i): p.value for i, p in execution.problems.items()},
        "violations": list(execution.violations),
        "seconds": execution.seconds,
    }
    return json.dumps(data).encode()


def decode_execution(payload: bytes) -> Execution:
    """The inverse of :func:`encode_execution`."""
    data = json.loads(payload)
    return Execution(
        notebook=nbformat.reads(data["notebook"], as_version=4),
        records=data["records"],
        problems={int(i): CellProblem(p) for i, p in data["problems"].items()},
        violations=list(data["violations"]),
        seconds=float(data["seconds"]),
    )


# --------------------------------------------------------------------------------------------
# The worker's side
# --------------------------------------------------------------------------------------------
def _font_cache(folder: Path) -> Path | None:
    """Matplotlib's font list built once per Dask worker, readable by the workers' users (as
    the local grader does: no notebook spends seconds rebuilding it)."""
    found = build_font_list(folder)
    if found is None:
        return None
    # The grading workers' users (a uid each, as root) must read it through its folders.
    folder.chmod(0o755)
    found.chmod(0o644)
    return found


def plugin_name(limits: Limits, unsafe: bool) -> str:
    """The plugin's name for these settings: a grader that registers the same settings again
    finds the workers' grading workers warm (registration is idempotent), while other limits
    get grading workers of their own."""
    settings = json.dumps([sorted(vars(limits).items()), unsafe]).encode()
    return f"{PLUGIN}-{hashlib.sha256(settings).hexdigest()[:12]}"


class GradingPlugin(WorkerPlugin):
    """Warm sandboxed grading workers on a Dask worker, one per worker thread.

    Parameters
    ----------
    limits : Limits
        The grader's limits (the same as local grading).
    unsafe : bool
        Run notebooks without the sandbox (``grade --unsafe``: trusted hand-ins only).
    """

    idempotent = True

    def __init__(self, limits: Limits, unsafe: bool = False) -> None:
        self.limits = limits
        self.unsafe = unsafe
        self.name = plugin_name(limits, unsafe)
        self.problem: str | None = None
        self.runners: list[GradingWorker] = []
        self.runs = 0  # hand-ins run here (the tests check the cluster did the work)

    async def setup(self, worker) -> None:
        """Check the sandbox, start the grading workers, then offer the ``grading`` resource.

        Never raises: a worker that cannot sandbox stays in the cluster for other work but
        refuses grading jobs, with the reason in its log and in :meth:`status`.
        """
        self.worker_address = worker.address
        self.problem = None if self.unsafe else sandbox_problem()
        if self.problem:
            logger.error(
                "this worker refuses grading jobs: the sandbox cannot run: %s", self.problem
            )
            return
        # first_uid gives each worker process a block of uids of its own (as root).
        from autograder.worker_pool import first_uid

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.scratch = Path(tempfile.mkdtemp(prefix="dask-grading-"))
        self.scratch.chmod(0o755)
        fonts = None if self.unsafe else _font_cache(self.scratch / "fonts")
        root = os.geteuid() == 0
        slots = max(1, int(worker.state.nthreads))
        self.runners = [
            GradingWorker(
                WorkerSlot(
                    first_uid() + i if root else None,
                    self.scratch / f"worker-{i}",
                    sandboxed=not self.unsafe,
                ),
                self.limits,
                fonts,
            )
            for i in range(slots)
        ]

        async def make_queue() -> asyncio.Queue:
            queue: asyncio.Queue = asyncio.Queue()
            for runner in self.runners:
                queue.put_nowait(runner)
                asyncio.ensure_future(runner.ensure_started())  # warm before the first job
            return queue

        self.free = asyncio.run_coroutine_threadsafe(make_queue(), self.loop).result()
        await worker.set_resources(**{RESOURCE: len(self.runners)})

    def teardown(self, worker) -> None:
        if not self.runners:
            return

        async def stop_all() -> None:
            for runner in self.runners:
                await runner.stop()

        async def cancel_rest() -> None:
            # Readers still waiting on a worker's events: ended here, not when the loop dies.
            current = asyncio.current_task()
            for task in asyncio.all_tasks():
                if task is not current:
                    task.cancel()

        try:
            asyncio.run_coroutine_threadsafe(stop_all(), self.loop).result(timeout=30)
            asyncio.run_coroutine_threadsafe(cancel_rest(), self.loop).result(timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            shutil.rmtree(self.scratch, ignore_errors=True)

    def status(self) -> dict:
        """What the grader asks each worker: its grading workers, or why it refuses jobs."""
        return {"slots": len(self.runners), "problem": self.problem, "runs": self.runs}

    def run(self, payload: bytes) -> bytes:
        """Run one hand-in on a free grading worker (blocks the calling Dask thread)."""
        if self.problem or not self.runners:
            raise SandboxUnavailable(
                f"Dask worker {getattr(self, 'worker_address', '?')} refuses grading jobs: "
                f"the sandbox cannot run there: {self.problem or 'no grading workers'}"
            )
        nb, grade_ids, cases, support = decode_job(payload)
        folder = Path(tempfile.mkdtemp(prefix="support-", dir=self.scratch))
        try:
            files = []
            for name, data in support.items():
                path = folder / Path(name).name
                path.write_bytes(data)
                files.append(path)

            async def go() -> Execution:
                runner = await self.free.get()
                try:
                    return await runner.run(nb, grade_ids, cases, files)
                finally:
                    self.free.put_nowait(runner)

            execution = asyncio.run_coroutine_threadsafe(go(), self.loop).result()
            self.runs += 1
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return encode_execution(execution)


def run_notebook(payload: bytes, plugin: str) -> bytes:
    """The Dask task: one hand-in's run, bytes in (:func:`encode_job`), bytes out
    (:func:`encode_execution`), on the worker's :class:`GradingPlugin` named ``plugin``."""
    found = get_worker().plugins.get(plugin)
    if found is None:
        raise SandboxUnavailable(f"Dask worker {get_worker().address} has no grading plugin")
    return found.run(payload)


def _worker_status(dask_worker, plugin: str) -> dict:
    found = dask_worker.plugins.get(plugin)
    if found is None:
        return {"slots": 0, "problem": "the grading plugin is not installed"}
    return found.status()


# --------------------------------------------------------------------------------------------
# The grader's side
# --------------------------------------------------------------------------------------------
class DaskCluster:
    """The grader's connection to a Dask cluster, with the grading plugin on every worker.

    Parameters
    ----------
    address : str
        A scheduler address (``tcp://host:8786``), or ``local:N`` for a ``LocalCluster`` of
        ``N`` single-threaded worker processes on this machine.
    limits : Limits
        The limits of every notebook (as local grading).
    unsafe : bool
        Run notebooks without the sandbox on the workers (trusted hand-ins only).
    timeout : float
        Seconds to reach the scheduler.
    warn : callable, optional
        Where to say which workers refuse jobs (a line each); stderr by default.

    Raises
    ------
    SchedulerUnreachable
        The scheduler could not be reached, or no worker joined it in time.
    SandboxUnavailable
        No worker of the cluster can sandbox.
    """

    def __init__(
        self,
        address: str,
        limits: Limits | None = None,
        unsafe: bool = False,
        timeout: float = 10,
        warn=None,
    ) -> None:
        self.address = address
        self.limits = limits or Limits()
        self.local: LocalCluster | None = None
        warn = warn or (lambda line: print(line, file=sys.stderr))
        if address.startswith("local:"):
            count = int(address.split(":", 1)[1] or os.cpu_count() or 1)
            # One notebook per core: single-threaded worker processes, as `dask worker
            # --nthreads 1` on a cluster; the scheduler's web server on any free port.
            self.local = LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR,
            )
            target = self.local
        else:
            target = address
        try:
            self.client = Client(target, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as err:
            self._close_local()
            raise SchedulerUnreachable(
                f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({err}); "
                "is `dask scheduler` running there, and the address and port right?"
            ) from err
        try:
            plugin = GradingPlugin(self.limits, unsafe)
            self.plugin = plugin.name
            self.client.register_plugin(plugin, name=plugin.name)
            self.capacity = self._wait_for_capacity(warn)
        except BaseException:
            self.close()
            raise

    def _wait_for_capacity(self, warn) -> int:
        """Grading workers of the cluster once at least one worker can grade."""
        deadline = time.monotonic() + WAIT_FOR_WORKERS
        reported: set[str] = set()
        while True:
            try:
                statuses = self.client.run(_worker_status, plugin=self.plugin)
            except OSError:  # a worker leaving while asked: ask again
                statuses = {}
            for address, status in sorted(statuses.items()):
                if status["problem"] and address not in reported:
                    reported.add(address)
                    warn(f"Dask worker {address} refuses grading jobs: {status['problem']}")
            slots = sum(s["slots"] for s in statuses.values())
            if slots:
                return slots
            if statuses and all(s["problem"] for s in statuses.values()):
                reasons = "; ".join(sorted({s["problem"] for s in statuses.values()}))
                raise SandboxUnavailable(
                    f"no Dask worker at {self.address} can run the grading sandbox: {reasons}"
                )
            if time.monotonic() > deadline:
                raise SchedulerUnreachable(
                    f"no Dask worker able to grade joined the scheduler at {self.address} "
                    f"within {WAIT_FOR_WORKERS} s"
                )
            time.sleep(0.5)

    def pool(self) -> DaskPool:
        """A pool for one batch (:class:`autograder.grading.Grader`'s ``pool_factory``)."""
        return DaskPool(self)

    def _close_local(self) -> None:
        if self.local is not None:
            self.local.close()
            self.local = None

    def close(self) -> None:
        """Disconnect (and stop the ``local:N`` cluster); the plugin stays on a shared cluster
        until its workers stop."""
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        self._close_local()


class DaskPool:
    """The :class:`~autograder.worker_pool.ExecutionPool` interface on a :class:`DaskCluster`."""

    def __init__(self, cluster: DaskCluster) -> None:
        self.cluster = cluster
        self.capacity = cluster.capacity
        self.keep: dict[str, object] = {}  # Dask forgets a task whose future is dropped

    def submit(self, nb, grade_ids, cases, support_files) -> concurrent.futures.Future:
        payload = encode_job(nb, grade_ids, cases, support_files)
        fingerprint = hashlib.sha256(payload).hexdigest()[:24]
        key = f"grade-{fingerprint}-{uuid.uuid4().hex[:8]}"
        outer: concurrent.futures.Future = concurrent.futures.Future()
        task = self.cluster.client.submit(
            run_notebook,
            payload,
            self.cluster.plugin,
            key=key,
            pure=False,
            resources={RESOURCE: 1},
            retries=0,
        )
        self.keep[key] = task

        def done(finished) -> None:
            self.keep.pop(key, None)
            try:
                if finished.status == "finished":
                    outer.set_result(decode_execution(finished.result()))
                    return
                if finished.status == "cancelled":
                    raise SandboxBroken(
                        f"the Dask scheduler at {self.cluster.address} dropped the run "
                        "(scheduler lost or restarted); rerun the same command to resume"
                    )
                error = finished.exception()
                if isinstance(error, SandboxBroken):
                    raise error
                # KilledWorker (its workers kept dying) or anything else of the cluster's:
                # never the student's grade.
                raise SandboxBroken(
                    f"the cluster could not run a hand-in: {type(error).__name__}: {error}"
                )
            except BaseException as err:  # noqa: BLE001 - handed to the grader's thread
                outer.set_exception(err)

        task.add_done_callback(done)
        return outer

    def close(self) -> None:
        for task in list(self.keep.values()):
            task.cancel()
        self.keep.clear()


__all__ = [
    "RESOURCE",
    "DaskCluster",
    "DaskPool",
    "GradingPlugin",
    "SandboxUnavailable",
    "SchedulerUnreachable",
    "decode_execution",
    "decode_job",
    "encode_execution",
    "encode_job",
    "run_notebook",
]
