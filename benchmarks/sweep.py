"""A million-point HH map on Dask against one local batched run (a script, not a test).

Sweeps g_Na × g_K × I_stim (100 × 100 × 100 by default), 200 ms each at dt = 0.01 ms, spikes
only, and prints wall time and neuron-steps per second for:

1. one local batched run of the same total size: a single ``hh_brian.simulate`` call of
   every point at once on the standalone target, spikes only (a batch that large runs in
   chunks of neurons, one single-threaded program per core at a time:
   :mod:`hh_brian.simulation.chunks`);
2. ``sweep(..., client=...)`` on a ``LocalCluster`` of 2 single-threaded workers, and
3. the same on 1 worker (scaling),

with each run's ratio to the local batched run. The chunks' program is built before the
timed runs, the local run's build time (recorded by the build cache) is taken off its time,
and the workers have imported hh_brian. Timings are only comparable within one run on a quiet
machine.

Usage::

    python benchmarks/sweep.py [--points-per-axis 100] [--duration-ms 200]
"""

import argparse
import os
import time

import numpy as np


def grid(n):
    from brian2 import cm, mS, uA

    return {"g_Na": np.linspace(40, 200, n) * mS / cm**2,
            "g_K": np.linspace(10, 70, n) * mS / cm**2,
            "amplitude": np.linspace(0, 100, n) * uA / cm**2}


def local_batched(points, duration):
    """Every point as one simulate() call: the batched run the Dask sweep is compared with."""
    import itertools

    import hh_brian

    index = np.array(list(itertools.product(*[range(len(v)) for v in points.values()])))
    params = {name: values[index[:, j]] for j, (name, values) in enumerate(points.items())
              if name != "amplitude"}
    current = hh_brian.stimuli.constant(points["amplitude"][index[:, 2]])

    def run():
        return hh_brian.simulate("hodgkin_huxley", duration, current, params=params,
                                 target="cpp_standalone", record=[])

    return run


def dask_sweep(points, duration, workers, chunk_size):
    from brian2 import cm, uA
    from distributed import Client, LocalCluster

    import hh_brian
    from hh_brian.sweeps import sweep

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    # Workers import hh_brian (and Brian2) before the timed run, as a long-lived cluster has.
    client.run(__import__, "hh_brian.sweeps")

    def run():
        return sweep("hodgkin_huxley", points, current=hh_brian.stimuli.constant(1 * uA / cm**2),
                     duration=duration, client=client, chunk_size=chunk_size)

    def close():
        client.close()
        cluster.close()

    return run, close


def newest_build_seconds():
    """The build time of the most recently built standalone program (from its manifest)."""
    import json

    from hh_brian.targets.standalone import cache_dir

    newest = max(cache_dir().glob("*/manifest.json"), key=lambda path: path.stat().st_mtime)
    return float(json.loads(newest.read_text()).get("build_seconds", 0.0))


def timed(function):
    start = time.perf_counter()
    out = function()
    return time.perf_counter() - start, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points-per-axis", type=int, default=100)
    parser.add_argument("--duration-ms", type=float, default=200)
    args = parser.parse_args(argv)
    from brian2 import ms

    n, duration = args.points_per_axis, args.duration_ms * ms
    points = grid(n)
    total = n**3
    steps = round(args.duration_ms / 0.01)
    print(f"# HH map: {n}^3 = {total:,} points x {args.duration_ms:g} ms "
          f"({total * steps:.2e} neuron-steps); {os.cpu_count()} cores")
    # One chunk size for both clusters (the default for 2 slots), so that both run the same
    # program; built before the timed runs by a sweep of a single chunk.
    from hh_brian.sweeps.jobs import chunk_layout

    chunk = chunk_layout(total, 2, 24e9 / 2, args.duration_ms, 25)
    run, close = dask_sweep(grid(4), duration, 1, chunk)
    run()
    close()
    local = local_batched(points, duration)
    rows = []
    # Run once: its program is built by this call (a run takes minutes), and the build's
    # own time, which the build cache records, is taken off.
    from hh_brian.targets.standalone import build_count

    builds = build_count()
    seconds, result = timed(local)
    build = newest_build_seconds() if build_count() > builds else 0.0
    rows.append(("local batched run (1 simulate)", seconds - build))
    print(f"(the local run's program took {build:.1f} s to build in this call; not counted)")
    spikes = {"local": len(result.spike_table()[0])}
    del result
    for workers in (2, 1):
        run, close = dask_sweep(points, duration, workers, chunk)
        seconds, ds = timed(run)
        close()
        rows.append((f"Dask LocalCluster, {workers} worker{'s' * (workers > 1)} x 1 thread",
                     seconds))
        spikes[f"{workers} workers"] = int(ds.spike_count.sum())
    base = rows[0][1]
    print(f"{'run':44s} {'wall s':>8s} {'neuron-steps/s':>15s} {'x local':>8s}")
    for name, seconds in rows:
        print(f"{name:44s} {seconds:8.1f} {total * steps / seconds:15.3e} "
              f"{seconds / base:8.2f}")
    print(f"chunks of {chunk:,} points; spikes in all: "
          + ", ".join(f"{name} {count:,}" for name, count in spikes.items()))


if __name__ == "__main__":
    main()
