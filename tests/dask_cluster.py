"""A real Dask cluster for the tests: ``dask scheduler`` and ``dask worker`` processes started
from the course's Python, on the loopback, each a process of its own (never the test's)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import ROOT


@dataclass
class Cluster:
    """A running scheduler and its workers (``workers[i]`` is a ``dask worker`` process
    without a nanny, so that killing it takes the worker away for good)."""

    address: str
    folder: Path
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)

    def add_worker(self, env: dict | None = None, wait: bool = True) -> subprocess.Popen:
        """Start one more single-threaded worker (``env``: its whole environment)."""
        log = open(self.folder / f"worker-{len(self.workers)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "dask", "worker", self.address, "--nthreads", "1"]
            + ["--no-nanny", "--no-dashboard", "--host", "127.0.0.1", "--memory-limit", "0"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        self.workers.append(process)
        if wait:
            self.wait_for_workers(sum(p.poll() is None for p in self.workers))
        return process

    def wait_for_workers(self, count: int, timeout: float = 120) -> None:
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(count, timeout=timeout)

    def log(self, index: int) -> str:
        return (self.folder / f"worker-{index}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        # A Dask process still up 5 s after SIGTERM is killed: some took 20 s to leave (after
        # a test that stopped grading early), and no test here is about how a cluster stops.
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def start_cluster(folder: Path, workers: int = 2) -> Cluster:
    """A scheduler on a free port of 127.0.0.1 and ``workers`` single-threaded workers."""
    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    log = open(folder / "scheduler.log", "wb")  # noqa: SIM115
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0"]
        + ["--no-dashboard", "--scheduler-file", str(info)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not info.is_file() or not info.read_text().strip():
        if scheduler.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((folder / "scheduler.log").read_text())
        time.sleep(0.2)
    time.sleep(0.2)  # the file is written in one go, but give it its last byte
    cluster = Cluster(json.loads(info.read_text())["address"], folder, scheduler)
    for _ in range(workers):
        cluster.add_worker(wait=False)
    if workers:
        cluster.wait_for_workers(workers)
    return cluster
