"""Sweeps in chunks: in this process, in a local pool, on a Dask cluster that loses a worker,
and resumed from the chunks a store kept."""

import os
import pathlib
import signal
import sys
import threading
import time

import numpy as np
import pytest
import xarray as xr
from brian2 import cm, mS, ms, uA

from hh_brian.sweeps import jobs
from hh_brian import stimuli
from hh_brian.core.errors import MissingExtra
from hh_brian.sweeps import fi_curve, sweep

UA_CM2 = uA / cm**2
GRID = {"g_Na": np.linspace(60, 180, 4) * mS / cm**2, "amplitude": np.linspace(0, 30, 5) * UA_CM2}
SMALL = dict(current=stimuli.constant(1 * UA_CM2), duration=20 * ms, target="cython",
             chunk_size=8)


@pytest.mark.xdist_group("hh-spikes-only-cython")  # shares its compiled code (test_sweeps.py)
def test_a_store_keeps_chunks_and_a_second_call_runs_only_the_missing_ones(tmp_path,
                                                                           monkeypatch):
    whole = sweep("hodgkin_huxley", GRID, n_jobs=1, **SMALL)
    store = tmp_path / "store"
    first = sweep("hodgkin_huxley", GRID, n_jobs=1, store=store, **SMALL)
    xr.testing.assert_identical(first, whole)
    chunks = sorted(store.glob("chunk-*.npz"))
    assert len(chunks) == 3  # 20 points in chunks of 8
    chunks[1].unlink()  # as if the sweep had been interrupted before this chunk
    ran = []
    real = jobs.run_chunk
    monkeypatch.setattr(jobs, "run_chunk",
                        lambda job, values, size: ran.append(size) or real(job, values, size))
    again = sweep("hodgkin_huxley", GRID, n_jobs=1, store=store, **SMALL)
    assert ran == [8]
    xr.testing.assert_identical(again, whole)
    with pytest.raises(ValueError, match="store: .* holds the chunks of another sweep"):
        sweep("hodgkin_huxley", GRID, n_jobs=1, store=store, **{**SMALL, "duration": 10 * ms})


def test_placement_arguments_are_checked_before_anything_runs(monkeypatch):
    def must_not_run(*args):
        raise AssertionError("ran")

    monkeypatch.setattr(jobs, "run_chunk", must_not_run)
    with pytest.raises(ValueError, match="chunk_size: expected a whole number >= 1"):
        sweep("hodgkin_huxley", GRID, **{**SMALL, "chunk_size": 0})
    with pytest.raises(ValueError, match="n_jobs: expected a whole number >= 1"):
        sweep("hodgkin_huxley", GRID, n_jobs=0, **SMALL)
    with pytest.raises(TypeError, match="client: expected a dask.distributed.Client"):
        sweep("hodgkin_huxley", GRID, client="tcp://127.0.0.1:8786", **SMALL)
    with pytest.raises(ValueError, match=r"params\['g_Na'\]"):
        sweep("hodgkin_huxley", {"g_Na": [-1, 120] * mS / cm**2}, **SMALL)
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtra, match=r"hh_brian\[dask\]"):
        sweep("hodgkin_huxley", GRID, client=object(), **SMALL)


@pytest.mark.slow  # starts a pool of processes that import Brian2
def test_a_local_pool_gives_what_this_process_gives():
    here = sweep("hodgkin_huxley", GRID, n_jobs=1, **SMALL)
    pooled = sweep("hodgkin_huxley", GRID, n_jobs=2, **SMALL)
    xr.testing.assert_identical(pooled, here)
    fi_here = fi_curve("hodgkin_huxley", np.linspace(0, 20, 9) * UA_CM2, 60 * ms,
                       transient=20 * ms, target="numpy", chunk_size=2, n_jobs=1)
    fi_pooled = fi_curve("hodgkin_huxley", np.linspace(0, 20, 9) * UA_CM2, 60 * ms,
                         transient=20 * ms, target="numpy", chunk_size=2, n_jobs=2)
    np.testing.assert_array_equal(np.asarray(fi_here.rates), np.asarray(fi_pooled.rates))


@pytest.mark.slow  # a Dask cluster of two worker processes and a standalone build
def test_a_dask_sweep_that_loses_a_worker_equals_the_run_in_this_process(tmp_path):
    """One worker is killed (SIGKILL) while it runs a chunk, right after the first chunk
    is back: its chunks run again elsewhere, and the result is complete and bit-identical
    to the same sweep run here, chunk by chunk."""
    distributed = pytest.importorskip("distributed")
    grid = {"g_Na": np.linspace(60, 180, 16) * mS / cm**2,
            "amplitude": np.linspace(0, 40, 64) * UA_CM2}
    options = dict(current=stimuli.constant(1 * UA_CM2), duration=200 * ms,
                   target="cpp_standalone", chunk_size=64)  # 16 chunks
    here = sweep("hodgkin_huxley", grid, n_jobs=1, **options)
    store = tmp_path / "store"
    killed = {}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        pids = client.run(os.getpid)

        def kill_a_busy_worker():
            deadline = time.time() + 120
            while not list(store.glob("chunk-*.npz")) and time.time() < deadline:
                time.sleep(0.005)
            for address, keys in client.processing().items():
                if keys:
                    killed["chunks stored"] = len(list(store.glob("chunk-*.npz")))
                    killed["running"] = len(keys)
                    os.kill(pids[address], signal.SIGKILL)
                    return

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        there = sweep("hodgkin_huxley", grid, client=client, store=store, **options)
        killer.join()
    assert killed and killed["running"] >= 1 and killed["chunks stored"] < 16
    assert len(list(pathlib.Path(store).glob("chunk-*.npz"))) == 16
    xr.testing.assert_identical(there, here)
    assert int(there.spike_count.sum()) > 0 and not there.diverged.any()
