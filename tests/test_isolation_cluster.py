"""The isolation tests of ``test_isolation.py`` again, on the cluster path: every notebook runs
through a real Dask scheduler and a ``dask worker`` process started here (one, single-threaded,
so that each neighbour runs on the grading worker the attacker ran on), as bytes both ways."""

from __future__ import annotations

import pytest

import tests.test_isolation as local
from autograder.distributed import DaskCluster
from autograder.sandbox import Limits
from tests.dask_cluster import start_cluster

pytestmark = local.pytestmark

#: The tests of test_isolation.py that grade or run notebooks (the one that counts a worker
#: uid's processes looks at the worker itself, not at a notebook's path to it).
THROUGH_GRADER = [
    "test_a_forged_channel_costs_only_the_forger",
    "test_nothing_a_notebook_writes_reaches_the_next",
    "test_a_flood_costs_the_flooder_its_cells_and_the_grader_stays_small",
]
THROUGH_WORKER = [
    "test_every_writable_folder_is_new_and_empty_for_each_notebook",
    "test_no_namespace_no_ptrace_no_capability",
    "test_the_notebook_holds_no_descriptor_but_its_channel",
    "test_channel_limits_are_enforced_while_reading",
    "test_output_kept_per_notebook_is_capped",
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = start_cluster(tmp_path_factory.mktemp("isolation_cluster"), workers=1)
    yield running
    running.stop()


@pytest.fixture
def on_cluster(cluster, monkeypatch):
    """test_isolation's helpers, routed through the cluster."""
    grade = local._grade

    def grade_on_cluster(subs, out, *extra):
        return grade(subs, out, "--scheduler", cluster.address, *extra)

    def run_on_cluster(notebooks, tmp_path, limits=None):
        dask = DaskCluster(cluster.address, limits or Limits())
        try:
            pool = dask.pool()
            results = []
            for nb in notebooks:  # one after the other, as test_isolation's worker runs them
                execution = pool.submit(nb, {}, {}, []).result()
                nb.cells = execution.notebook.cells  # the callers read their own notebooks
                execution.notebook = nb
                results.append(execution)
            return results
        finally:
            dask.close()

    monkeypatch.setattr(local, "_grade", grade_on_cluster)
    monkeypatch.setattr(local, "_run", run_on_cluster)


@pytest.mark.parametrize("name", THROUGH_GRADER)
def test_isolation_through_the_grader_on_a_cluster(name, on_cluster, tmp_path, fresh_release):
    getattr(local, name)(tmp_path, fresh_release)


@pytest.mark.parametrize("name", THROUGH_WORKER)
def test_isolation_of_notebooks_on_a_dask_worker(name, on_cluster, tmp_path):
    getattr(local, name)(tmp_path)
