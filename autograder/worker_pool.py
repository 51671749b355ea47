"""Grading workers shared by a batch: ``workers`` notebooks run at once on an event loop of
the pool's own thread, while the grader's main thread judges and records finished ones."""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import threading
from pathlib import Path

from autograder.executor import GradingWorker, WorkerSlot
from autograder.sandbox import Limits


class ExecutionPool:
    """Runs notebooks in ``workers`` grading workers at once, on an event loop of its own
    thread (the grader's main thread meanwhile judges and records finished ones)."""

    def __init__(self, slots: list[WorkerSlot], limits: Limits, mpl_cache: Path | None) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.mpl_cache = mpl_cache
        runners = [GradingWorker(slot, limits, mpl_cache) for slot in slots]
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
