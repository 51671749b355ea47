"""Grading throughput on a Dask cluster against the local grader, on the same batch.

``python -m autograder benchmark --scheduler ADDRESS`` (``./course bench --scheduler ...``)
builds the benchmark's batch (:func:`autograder.benchmark.build_batch`) and grades it three
times in this process, each into a fresh folder:

1. the local grader, ``--workers`` sandboxed workers, every cell run (as before exploration
   cells were skipped);
2. the local grader, exploration cells skipped (what ``grade`` does);
3. the cluster at ADDRESS (``local:N`` starts a LocalCluster), exploration cells skipped.

It prints each run's throughput (hand-ins per second) and per-hand-in overhead (the workers'
time not spent running notebooks: wall x workers / hand-ins - mean sandbox run), the sandbox
time per hand-in before and after skipping exploration, the Dask scheduler's own cost per
task, the grader's serial cost per hand-in, and the scaling model of ``docs/cluster.md``
fed with those figures. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from autograder.course import assignment_ids
from autograder.grading import Grader


class _Timed:
    """A pool that notes each hand-in's sandbox run time (``Execution.seconds``)."""

    def __init__(self, pool, seconds: list[float]) -> None:
        self.pool, self.seconds = pool, seconds

    def submit(self, nb, grade_ids, cases, support_files) -> concurrent.futures.Future:
        future = self.pool.submit(nb, grade_ids, cases, support_files)
        future.add_done_callback(
            lambda f: None if f.exception() else self.seconds.append(f.result().seconds)
        )
        return future

    def close(self) -> None:
        self.pool.close()


class _TimedGrader(Grader):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.run_seconds: list[float] = []

    def _pool(self):
        return _Timed(super()._pool(), self.run_seconds)


def _grade(batch: Path, out: Path, workers: int, skip: bool, cluster=None) -> dict:
    """Grade ``batch`` into ``out``; wall time, sandbox runs and the grader thread's CPU."""
    from autograder.submissions import find_submissions

    grader = _TimedGrader(
        out,
        workers=cluster.capacity if cluster else workers,
        pool_factory=cluster.pool if cluster else None,
    )
    grader.skip_exploration = skip
    found, _ = find_submissions(batch, assignment_ids())
    cpu = time.thread_time()
    start = time.perf_counter()
    grader.grade_all(found)
    wall = time.perf_counter() - start
    return {
        "n": len(found),
        "wall": wall,
        "run": statistics.fmean(grader.run_seconds) if grader.run_seconds else 0.0,
        "grader_cpu": (time.thread_time() - cpu) / max(1, len(found)),
        "slots": grader.workers,
    }


def scheduler_cost(cluster, tasks: int = 400) -> float:
    """Seconds of scheduling per task: ``tasks`` trivial tasks at once, end to end."""
    client = cluster.client
    client.gather(client.map(abs, range(20), pure=False))  # warm the connections
    start = time.perf_counter()
    client.gather(client.map(abs, range(tasks), pure=False))
    return (time.perf_counter() - start) / tasks


def model(run: float, overhead: float, grader: float, scheduler: float, workers: int) -> float:
    """Predicted hand-ins per second with ``workers`` single-core grading workers.

    Each worker finishes a hand-in every ``run + overhead`` seconds; the grader's serial work
    per hand-in (``grader``: staging, sanitising, judging, the gradebook) and the scheduler's
    per-task cost bound the whole, whatever the number of workers.
    """
    return min(workers / (run + overhead), 1 / grader, 1 / scheduler)


def _line(label: str, result: dict) -> str:
    per = result["wall"] * result["slots"] / result["n"] - result["run"]
    return (
        f"{label:44s} {result['wall']:7.1f} s  {result['n'] / result['wall']:6.3f} hand-ins/s  "
        f"sandbox run {result['run']:5.2f} s/hand-in  overhead {per:5.2f} s/hand-in"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder benchmark --scheduler ADDRESS")
    parser.add_argument("--scheduler", required=True, help="tcp://host:port, or local:N")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--minimum", type=int, default=45, help="hand-ins in the batch (45)")
    parser.add_argument(
        "--skip-before", action="store_true", help="skip the run with every cell rerun"
    )
    args = parser.parse_args(argv)

    from autograder.benchmark import build_batch
    from autograder.distributed import DaskCluster
    from autograder.release import release

    with tempfile.TemporaryDirectory(prefix="cluster-benchmark-") as tmp:
        tmp = Path(tmp)
        release(out=tmp / "release")
        notebooks = build_batch(tmp / "submitted", tmp / "release", args.minimum)
        print(f"batch: {len(notebooks)} hand-ins over {len(assignment_ids())} assignments")
        before = None
        if not args.skip_before:
            before = _grade(tmp / "submitted", tmp / "before", args.workers, skip=False)
            print(_line(f"local, {args.workers} workers, every cell run:", before), flush=True)
        local = _grade(tmp / "submitted", tmp / "local", args.workers, skip=True)
        print(_line(f"local, {args.workers} workers, exploration skipped:", local), flush=True)
        started = time.perf_counter()
        cluster = DaskCluster(args.scheduler)
        ready = time.perf_counter() - started
        try:
            dask = _grade(tmp / "submitted", tmp / "dask", args.workers, skip=True, cluster=cluster)
            print(_line(f"dask, {cluster.capacity} workers, exploration skipped:", dask))
            print(f"  (cluster start-up and plugin set-up, not counted: {ready:.1f} s)")
            per_task = scheduler_cost(cluster)
        finally:
            threading.Thread(target=cluster.close, daemon=True).start()
        ratio = (dask["n"] / dask["wall"]) / (local["n"] / local["wall"])
        print(f"dask / local throughput:                    {ratio:7.2f}  (target >= 0.90)")
        if before is not None:
            cut = 1 - local["run"] / before["run"] if before["run"] else 0.0
            print(
                f"grading time per hand-in (sandbox run):     before {before['run']:.2f} s, "
                f"after {local['run']:.2f} s ({100 * cut:.0f} % less: exploration not rerun)"
            )
        overhead = max(0.0, dask["wall"] * dask["slots"] / dask["n"] - dask["run"])
        grader = max(dask["grader_cpu"], 1e-6)
        print(
            f"model inputs: run {dask['run']:.2f} s, worker-side overhead {overhead:.2f} s, "
            f"grader serial {grader:.3f} s, scheduler {1000 * per_task:.2f} ms per hand-in"
        )
        for workers in (1, 2, 4, 8, 16, 32, 64, 100):
            rate = model(dask["run"], overhead, grader, per_task, workers)
            print(f"  model, {workers:3d} workers: {rate:7.2f} hand-ins/s")
        limit = (dask["run"] + overhead) / max(grader, per_task)
        bound = "the grader's serial work" if grader >= per_task else "the scheduler"
        print(
            f"  stops scaling near {limit:.0f} workers ({bound}: {1 / max(grader, per_task):.1f}"
            " hand-ins/s)"
        )
    return 0
