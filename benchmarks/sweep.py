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

The default map takes about 9 minutes on 2 cores (:func:`expected_minutes`, printed at the
start and by ``--help``); the time grows with the cube of the points per axis and with the
duration: ``--points-per-axis 40`` takes about a minute.
"""

import argparse
import os
import time

import numpy as np

#: Minutes the default map (100^3 points x 200 ms) took on 2 cores, all three runs, builds
#: cached; and the minutes that do not grow with the map (the clusters' start, the builds).
DEFAULT_MINUTES = 9.3
FIXED_MINUTES = 0.5


def expected_minutes(points_per_axis: int, duration_ms: float) -> float:
    """About how long the benchmark takes on 2 cores, scaled from the default map."""
    work = (points_per_axis / 100) ** 3 * duration_ms / 200
    return FIXED_MINUTES + (DEFAULT_MINUTES - FIXED_MINUTES) * work


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
    parser = argparse.ArgumentParser(
        description=f"{__doc__.splitlines()[0]} The default map takes about "
                    f"{expected_minutes(100, 200):.0f} minutes on 2 cores; the time grows with "
                    f"the cube of --points-per-axis and with --duration-ms.",
        epilog="Timings are only comparable within one run on a quiet machine.")
    parser.add_argument("--points-per-axis", type=int, default=100,
                        help="points along each of g_Na, g_K and the current (default 100)")
    parser.add_argument("--duration-ms", type=float, default=200,
                        help="length of each point's run in ms (default 200)")
    args = parser.parse_args(argv)
    minutes = expected_minutes(args.points_per_axis, args.duration_ms)
    print(f"# expected run time: about {minutes:.1f} minutes on 2 cores (longer on a busy "
          f"machine, and on a first run, which compiles)", flush=True)
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
