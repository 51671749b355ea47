"""Grading workers shared by a batch: ``workers`` notebooks run at once on an event loop of
the pool's own thread, while the grader's main thread judges and records finished ones."""

from __future__ import annotations

import ast
import asyncio
import concurrent.futures
import os
import shutil
import threading
from pathlib import Path

import nbformat

from autograder.executor import GradingWorker, WorkerSlot
from autograder.exploration import is_exploration
from autograder.sandbox import Limits, font_list_folder, readable_font_list


def first_uid() -> int:
    """The first of this grader process's unprivileged uids for grading workers (as root): a
    block of 16 per process, so that two graders on one machine never share a user (nor its
    process limit)."""
    return 100_000 + (os.getpid() % 100_000) * 16


class ExecutionPool:
    """Runs notebooks in ``workers`` grading workers at once, on an event loop of its own
    thread (the grader's main thread meanwhile judges and records finished ones)."""

    def __init__(
        self,
        slots: list[WorkerSlot],
        limits: Limits,
        mpl_cache: Path | None,
        preload: tuple[str, ...] | None = None,
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.mpl_cache = mpl_cache
        runners = [GradingWorker(slot, limits, mpl_cache, preload) for slot in slots]
        self.runners = runners

        async def make_queue():
            queue: asyncio.Queue = asyncio.Queue()
            for runner in runners:
                queue.put_nowait(runner)
            return queue

        self.free = asyncio.run_coroutine_threadsafe(make_queue(), self.loop).result()
        for runner in runners:  # start loading now, while the grader prepares hand-ins
            asyncio.run_coroutine_threadsafe(runner.ensure_started(), self.loop)

    def submit(self, nb, grade_ids, cases, support_files) -> concurrent.futures.Future:
        async def run():
            runner = await self.free.get()
            try:
                return await runner.run(nb, grade_ids, cases, support_files)
            finally:
                self.free.put_nowait(runner)

        return asyncio.run_coroutine_threadsafe(run(), self.loop)

    def close(self) -> None:
        async def stop_all():
            for runner in self.runners:
                await runner.stop()

        try:
            asyncio.run_coroutine_threadsafe(stop_all(), self.loop).result(timeout=30)
        finally:
            if self.mpl_cache is not None:
                shutil.rmtree(self.mpl_cache.parent, ignore_errors=True)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)


def imported_modules(notebooks: list[Path]) -> tuple[str, ...]:
    """The modules the graded cells of ``notebooks`` import (exploration cells are never run at
    grading), the course's own ``autograder`` aside: what a batch's workers preload.

    Parameters
    ----------
    notebooks : list of Path
        Instructor notebooks (``source/<id>/<id>.ipynb``).
    """
    found: dict[str, None] = {}
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or is_exploration(cell):
                continue
            lines = cell.source.splitlines()
            code = "\n".join(x for x in lines if not x.lstrip().startswith(("%", "!")))
            try:
                tree = ast.parse(code)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    # ``from utils import datasets`` imports a module too (a name that is not
                    # one costs the worker a failed lookup).
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                else:
                    continue
                for name in names:
                    if name.split(".")[0] != "autograder":
                        found[name] = None
    return tuple(found)


def local_pool(
    course: Path, notebooks: list[Path], workers: int, limits: Limits, unsafe: bool
) -> ExecutionPool:
    """The pool of ``workers`` sandboxed workers on this machine for a batch of the source
    ``notebooks``' assignments, working in ``course``'s ``scratch`` folder.

    As root each worker runs as a uid of its own; otherwise as the grader's user. The workers
    preload what these notebooks' graded cells import, and nothing else; they read
    matplotlib's font list from the user's cache (``course/mplcache`` if it cannot be written).
    """
    root = os.geteuid() == 0
    slots = [
        WorkerSlot(
            first_uid() + i if root else None,
            course / "scratch" / f"worker-{i}",
            sandboxed=not unsafe,
        )
        for i in range(workers)
    ]
    fonts = None if unsafe else readable_font_list(font_list_folder(course / "mplcache"))
    preload = imported_modules([p for p in notebooks if p.is_file()])
    return ExecutionPool(slots, limits, fonts, preload)
