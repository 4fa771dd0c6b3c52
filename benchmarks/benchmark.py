"""Speed and memory of hh_brian's targets on the 4D Hodgkin–Huxley model (a script, not a test).

Prints tables for HH (``neuron_func_7``) with forward Euler at dt = 0.01 ms and a constant
10 µA/cm² input (tonic firing), recording spikes only:

1. ns per neuron-step for N = 1, 100, 10,000, 100,000 neurons on every target, the
   vectorised numpy reference integrator, NEURON when it is installed (its ``hh`` mechanism
   in single-compartment sections with the same parameters), and a plain C loop of the same
   equations compiled here with the same flags plus OpenMP (the floor); each with its ratio
   to the floor. The floor is the C program's whole run, process start included, as
   hh_brian's calls are timed; the line "C loop, own clock" is its loop alone, timed inside
   the program. The C loop is a floor at every N: it runs blocks of 1,024 neurons through
   every step, one block after another, so that the state it works on stays in the L1
   cache, and its threads share out whole blocks (no barrier between steps). It is checked
   as well as timed: every neuron must fire as the reference integrator does;
2. the latency of a repeated single-neuron 200-ms run whose parameters change (warm cache),
   and of the first run (cold cache);
3. peak memory of 10,000 neurons for 1 s, spikes only;
4. scaling: time against duration.

Usage::

    python benchmarks/benchmark.py [--quick] [--memory-only] [--floor]

``--quick`` is a smoke run: N = 1 and 10,000 for 50 ms and the repeated-run latency.
``--memory-only`` prints the peak-memory table alone. ``--floor`` prints only the comparison
the compiled target is held to: 10,000 neurons for 200 ms, spikes only, the C loop's whole
run against hh_brian's whole ``simulate`` call on cpp_standalone, best of 7 each,
interleaved, and their ratio. How long each mode runs (``RUN_TIMES``) is printed at its
start and by ``--help``. Timings are wall-clock, best of a few repeats; compilation is
excluded except in the cold-start line.
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
from typing import NamedTuple

import numpy as np

#: How long each mode runs on 2 cores with warm build caches (a first run also compiles):
#: printed at its start and in --help.
RUN_TIMES = {"full": "about 10 minutes", "quick": "under a minute",
             "memory-only": "about 3 minutes", "floor": "about 30 seconds"}

#: The C loop's initial state (its gates, rounded, at their steady state for -65 mV).
C_LOOP_INITIAL = {"v": -65.0, "n": 0.3177, "m": 0.0529, "h": 0.5961}

C_LOOP = r"""
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <omp.h>

/* Neurons per block: the block's state (v, n, m, h: 32 bytes a neuron, 32 KB) stays in the
   L1 cache while it runs every step. */
#define BLOCK 1024

static inline double exprel(double x) { return x == 0.0 ? 1.0 : expm1(x) / x; }

int main(int argc, char **argv) {
    const int N = atoi(argv[1]), steps = atoi(argv[2]);
    const double dt = 0.01, I = 10.0, C = 1.0, gK = 36, EK = -77, gNa = 120, ENa = 55,
                 gL = 0.3, EL = -54.4, vr = -65;
    double *v = malloc(N * sizeof(double)), *n = malloc(N * sizeof(double)),
           *m = malloc(N * sizeof(double)), *h = malloc(N * sizeof(double));
    long spikes = 0;
    for (int i = 0; i < N; i++) { v[i] = -65; n[i] = 0.3177; m[i] = 0.0529; h[i] = 0.5961; }
    double start = omp_get_wtime();
    /* Neurons are independent: each block runs every step before the next block starts, so
       the working set is one block whatever N is, and threads share out whole blocks
       (no barrier between steps). */
    #pragma omp parallel for schedule(dynamic, 1) reduction(+:spikes)
    for (int first = 0; first < N; first += BLOCK) {
        const int last = first + BLOCK < N ? first + BLOCK : N;
        for (int s = 0; s < steps; s++) {
            #pragma omp simd reduction(+:spikes)
            for (int i = first; i < last; i++) {
                double u = v[i] - vr;
                double an = 0.1 / exprel((10 - u) / 10), bn = 0.125 * exp(-u / 80);
                double am = 1.0 / exprel((25 - u) / 10), bm = 4 * exp(-u / 18);
                double ah = 0.07 * exp(-u / 20), bh = 1 / (exp((30 - u) / 10) + 1);
                double n4 = n[i] * n[i] * n[i] * n[i], m3 = m[i] * m[i] * m[i];
                double dv = (I - gK * n4 * (v[i] - EK) - gNa * m3 * h[i] * (v[i] - ENa)
                             - gL * (v[i] - EL)) / C;
                double vn = v[i] + dt * dv;
                spikes += (v[i] < 0) & (vn >= 0);
                n[i] += dt * (an - (an + bn) * n[i]);
                m[i] += dt * (am - (am + bm) * m[i]);
                h[i] += dt * (ah - (ah + bh) * h[i]);
                v[i] = vn;
            }
        }
    }
    double elapsed = omp_get_wtime() - start;
    /* The first and last neuron's final v: the same arithmetic in any layout. */
    printf("%.9f %ld %.17g %.17g\n", elapsed, spikes, v[0], v[N - 1]);
    return 0;
}
"""


class FloorRun(NamedTuple):
    """One run of the C loop."""

    whole: float  # seconds, process start included
    loop: float  # seconds, the loop alone (the program's own clock)
    spikes: int  # upward crossings of 0 mV, all neurons together
    v_first: float  # mV, the first neuron's v after the last step
    v_last: float  # mV, the last neuron's


def c_floor(workdir, flags):
    """Compile the plain C loop with ``flags`` (+ OpenMP) and return a function that runs
    it: ``run(N, steps, threads=None)`` gives a :class:`FloorRun`."""
    source = workdir / "hh_loop.c"
    source.write_text(C_LOOP)
    binary = workdir / "hh_loop"
    cflags = [f for f in flags if f != "-std=c++11"]
    subprocess.run(["gcc", *cflags, "-fopenmp", str(source), "-o", str(binary), "-lm"],
                   check=True)

    def run(N, steps, threads=None):
        # Threads as the standalone target uses them: one thread for small groups.
        if threads is None:
            threads = (os.cpu_count() or 1) if N >= standalone_threshold() else 1
        env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
        start = time.perf_counter()
        out = subprocess.run([str(binary), str(N), str(steps)], capture_output=True,
                             text=True, check=True, env=env).stdout.split()
        whole = time.perf_counter() - start
        return FloorRun(whole, float(out[0]), int(out[1]), float(out[2]), float(out[3]))

    return run


def reference_floor(steps):
    """One neuron of the C loop's run, by the numpy reference integrator: (spikes, final v).

    The C loop counts the steps that take v from below 0 mV to 0 mV or above.
    """
    from hh_brian import reference

    # steps + 1 samples: the initial state and the state after each step.
    v = reference.integrate("neuron_func_7", (steps + 1) * 0.01, 10.0,
                            initial=C_LOOP_INITIAL)["v"][0]
    return int(np.count_nonzero((v[:-1] < 0) & (v[1:] >= 0))), float(v[-1])


def check_floor(run, N, steps):
    """Raise unless the C loop fired as the reference integrator does, in every neuron."""
    expected = N * reference_floor(steps)[0]
    if run.spikes != expected:
        raise RuntimeError(f"the C loop fired {run.spikes} spikes in {N} neurons x {steps} "
                           f"steps; the reference integrator, {expected}")


def standalone_threshold():
    from hh_brian.targets import standalone

    return standalone._THREADS_FROM_NEURONS


def best_of(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def hh_brian_runner(target, N, duration_ms):
    from brian2 import cm, ms, uA

    import hh_brian

    current = hh_brian.stimuli.constant(np.full(N, 10.0) * uA / cm**2) if N > 1 \
        else 10 * uA / cm**2

    def run():
        hh_brian.simulate("hodgkin_huxley", duration_ms * ms, current, target=target,
                          record=[])

    run()  # compile / warm up
    return run


def reference_runner(N, duration_ms):
    from hh_brian import reference

    def run():
        reference.integrate("neuron_func_7", duration_ms, np.full((N, 1), 10.0)
                            * np.ones((1, round(duration_ms / 0.01))))

    return run


def neuron_runner(N, duration_ms):
    try:
        from neuron import h
    except ImportError:
        return None
    h.load_file("stdrun.hoc")
    sections = []
    for _ in range(N):
        sec = h.Section()
        sec.L = sec.diam = 100 / np.pi ** 0.5  # area 1e4 um^2 = 1e-4 cm^2
        sec.cm = 1.0
        sec.insert("hh")
        sec.ena, sec.ek = 55, -77  # the source's reversal potentials (NEURON: 50, -77)
        for seg in sec:
            seg.hh.gnabar, seg.hh.gkbar, seg.hh.gl, seg.hh.el = 0.12, 0.036, 0.0003, -54.4
        stim = h.IClamp(sec(0.5))
        # 10 uA/cm^2 over 1e-4 cm^2 is 1e-3 uA = 1 nA.
        stim.delay, stim.dur, stim.amp = 0, 1e9, 10 * 1e-4 * 1e3
        sections.append((sec, stim))
    h.dt = 0.01
    h.celsius = 6.3
    h.secondorder = 0  # backward Euler; NEURON has no forward Euler

    def run():
        assert sections  # keeps the sections alive as long as the runner
        h.finitialize(-65)
        h.continuerun(duration_ms)

    return run


MEMORY_SCRIPT = """
import numpy as np, hh_brian
from brian2 import ms, uA, cm
current = hh_brian.stimuli.constant(np.full(10000, 10.0)*uA/cm**2)
r = hh_brian.simulate('hodgkin_huxley', 1000*ms, current, target='{target}', record=[])
spikes = sum(len(s) for s in r.spike_times())
# VmHWM is the peak of this process since exec (ru_maxrss would include the parent's peak).
peak = [line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')][0]
print(peak, spikes)
"""


def memory_report(target):
    """Peak memory of a fresh Python process running 10,000 neurons for 1 s, spikes only.

    The compiled program (standalone) is measured separately: it is a child process whose
    own peak is reported by GNU time when it is run under it.
    """
    code = MEMORY_SCRIPT.format(target=target)
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)  # warm
    peak_kb, spikes = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                     text=True, check=True).stdout.split()
    line = f"{target:15s} python process {int(peak_kb) / 1024:7.1f} MB, {spikes} spikes"
    if target == "cpp_standalone" and os.path.exists("/usr/bin/time"):
        line += f"; compiled program {standalone_binary_peak() / 1024:6.1f} MB"
    print(line)


def standalone_binary_peak():
    """Peak RSS (kB) of the compiled program itself, measured with GNU time."""
    import hh_brian.targets.standalone as sa

    peaks = []
    original = sa.subprocess.run

    def timed(cmd, *args, **kwargs):
        if str(cmd[0]).endswith("main"):
            done = original(["/usr/bin/time", "-f", "%M"] + list(cmd), *args, **kwargs)
            peaks.append(int(done.stderr.strip().splitlines()[-1]))
            return done
        return original(cmd, *args, **kwargs)

    sa.subprocess.run = timed
    try:
        from brian2 import cm, ms, uA

        import hh_brian

        hh_brian.simulate("hodgkin_huxley", 1000 * ms,
                          hh_brian.stimuli.constant(np.full(10000, 10.0) * uA / cm**2),
                          target="cpp_standalone", record=[])
    finally:
        sa.subprocess.run = original
    return peaks[-1]


def _parser():
    parser = argparse.ArgumentParser(
        description=f"{__doc__.splitlines()[0]} Without options: every table, "
                    f"{RUN_TIMES['full']} on 2 cores with warm build caches (a first run "
                    f"also compiles: a few minutes more).",
        epilog="Timings are only comparable within one run on a quiet machine.")
    parser.add_argument("--quick", action="store_true",
                        help=f"a smoke run, {RUN_TIMES['quick']}: N = 1 and 10,000 for 50 ms "
                             f"(each engine's ns per neuron-step and its ratio to the C floor) "
                             f"and the repeated-run latency; no numpy engines at 10,000, no "
                             f"NEURON, cold start, memory or scaling tables")
    parser.add_argument("--memory-only", action="store_true",
                        help=f"only the peak-memory table (10,000 neurons for 1 s), "
                             f"{RUN_TIMES['memory-only']}")
    parser.add_argument("--floor", action="store_true",
                        help=f"only the 10,000-neuron 200-ms comparison of cpp_standalone with "
                             f"the C loop: whole runs, best of 7, interleaved, and their ratio; "
                             f"{RUN_TIMES['floor']}")
    return parser


def _mode(args) -> str:
    return next((name for name in ("memory-only", "floor", "quick")
                 if getattr(args, name.replace("-", "_"))), "full")


def speed_table(work, quick):
    """ns per neuron-step of every engine for each N, with its ratio to the C floor."""
    from hh_brian.targets import standalone

    floor = c_floor(work, standalone.COMPILE_FLAGS)
    if quick:
        durations = {1: 50, 10_000: 50}
    else:
        durations = {1: 200, 100: 200, 10_000: 200, 100_000: 20}
    print(f"# hh_brian benchmark: HH 4D, Euler, dt 0.01 ms; {os.cpu_count()} cores")
    print(f"{'engine':22s} {'N':>8s} {'ms sim':>7s} {'wall s':>8s} {'ns/neuron-step':>15s} "
          f"{'x floor':>8s}")
    for N, duration in durations.items():
        steps = round(duration / 0.01)
        timings = [floor(N, steps) for _ in range(3)]
        check_floor(timings[0], N, steps)
        floor_s = min(run.whole for run in timings)
        loop_s = min(run.loop for run in timings)
        engines = [("C loop (floor)", None, duration), ("C loop, own clock", loop_s, duration)]
        # The slow engines run shorter (at most 20 ms and 2e7 neuron-steps): ns per
        # neuron-step is what is compared, and it does not depend on the duration (see the
        # last table).
        short = min(duration, 20, max(1, int(2e7 / N * 0.01)))
        engines.append(("hh_brian cpp_standalone", hh_brian_runner("cpp_standalone", N, duration),
                        duration))
        engines.append(("hh_brian cython", hh_brian_runner("cython", N, duration), duration))
        if not (quick and N >= 10_000):
            engines.append(("hh_brian numpy", hh_brian_runner("numpy", N, short), short))
            engines.append(("reference (numpy)", reference_runner(N, short), short))
        neuron = neuron_runner(N, duration) if N <= 10_000 and not quick else None
        if neuron is not None:
            engines.append(("NEURON hh", neuron, duration))
        floor_ns = floor_s / (N * steps) * 1e9
        for name, runner, ms_sim in engines:
            if runner is None:
                seconds = floor_s
            elif isinstance(runner, float):
                seconds = runner
            else:
                seconds = best_of(runner, 2 if N > 100 else 3)
            ns = seconds / (N * round(ms_sim / 0.01)) * 1e9
            print(f"{name:22s} {N:8d} {ms_sim:7d} {seconds:8.3f} {ns:15.2f} "
                  f"{ns / floor_ns:8.2f}", flush=True)
    if not quick and neuron_runner(1, 1) is None:
        print("NEURON: not installed (pip install neuron to include it)")


def floor_comparison(work, repeats=7):
    """The 10,000-neuron, 200-ms run: the C loop against hh_brian's cpp_standalone.

    Both are timed as whole runs, process start included (the C program under
    subprocess.run, hh_brian's call around its own subprocess), interleaved, best of
    ``repeats``; the C loop's own clock (inside its process, loop only) is printed beside.
    """
    from hh_brian.targets import standalone

    floor = c_floor(work, standalone.COMPILE_FLAGS)
    N, duration = 10_000, 200
    steps = round(duration / 0.01)
    standalone_run = hh_brian_runner("cpp_standalone", N, duration)  # builds once
    check_floor(floor(N, steps), N, steps)  # and warm
    c_whole, c_loop, hh = [], [], []
    for _ in range(repeats):
        run = floor(N, steps)
        c_whole.append(run.whole)
        c_loop.append(run.loop)
        hh.append(best_of(standalone_run, 1))
    print(f"# floor: HH 4D, N = {N:,}, {duration} ms, spikes only; best of {repeats}, "
          f"interleaved; {os.cpu_count()} cores")
    print(f"C loop, whole run           {min(c_whole):8.3f} s")
    print(f"C loop, own clock (loop)    {min(c_loop):8.3f} s")
    print(f"hh_brian cpp_standalone     {min(hh):8.3f} s")
    print(f"ratio (whole runs)          {min(hh) / min(c_whole):8.2f}", flush=True)


def repeated_runs():
    """Latency of a repeated single-neuron 200-ms run whose parameters change."""
    from brian2 import cm, mS, ms, uA

    import hh_brian

    print("\n# repeated single-neuron 200-ms runs with a changed parameter (warm cache)")
    for target, record in (("cpp_standalone", ["v"]), ("cpp_standalone", None),
                           ("cython", ["v"]), ("cython", None)):
        hh_brian.simulate("hodgkin_huxley", 200 * ms, 10 * uA / cm**2, target=target,
                          record=record)
        values = iter(np.linspace(100, 140, 50))
        seconds = best_of(lambda target=target, record=record, values=values: hh_brian.simulate(
            "hodgkin_huxley", 200 * ms, 10 * uA / cm**2, target=target, record=record,
            params={"g_Na": next(values) * mS / cm**2}), 10)
        label = "v only" if record else "all traces"
        print(f"{target:15s} {label:11s} {seconds * 1e3:8.1f} ms per run", flush=True)


def cold_start(work):
    print("\n# first run (cold cache, compilation included)")
    env = {**os.environ, "HH_BRIAN_CACHE_DIR": str(work / "cold"),
           "CYTHON_CACHE_DIR": str(work / "cold-cython")}
    for target in ("cpp_standalone", "cython"):
        code = (f"import time; t = time.perf_counter(); import hh_brian; from brian2 import ms;"
                f"hh_brian.simulate('hodgkin_huxley', 200*ms, target='{target}', record=['v']);"
                f"print(time.perf_counter() - t)")
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True).stdout.split()[-1]
        print(f"{target:15s} {float(out):8.1f} s (import, build and run)", flush=True)


def scaling():
    print("\n# scaling with duration (cpp_standalone, N = 10,000)")
    for duration in (50, 100, 200):
        runner = hh_brian_runner("cpp_standalone", 10_000, duration)
        seconds = best_of(runner, 2)
        print(f"{duration:5d} ms: {seconds:7.3f} s, "
              f"{seconds / (10_000 * duration / 0.01) * 1e9:6.2f} ns/neuron-step", flush=True)


def main(argv=None):
    args = _parser().parse_args(argv)
    print(f"# expected run time: {RUN_TIMES[_mode(args)]} on 2 cores with warm build caches "
          f"(longer on a busy machine, and on a first run, which compiles)", flush=True)
    if args.memory_only:
        print("# peak memory: 10,000 neurons for 1 s, spikes only")
        for target in ("cpp_standalone", "cython"):
            memory_report(target)
        return
    work = pathlib.Path(tempfile.mkdtemp(prefix="hh-bench-"))
    if args.floor:
        try:
            floor_comparison(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    try:
        speed_table(work, args.quick)
        repeated_runs()
        if not args.quick:
            cold_start(work)
            print("\n# peak memory: 10,000 neurons for 1 s, spikes only")
            for target in ("cpp_standalone", "cython"):
                memory_report(target)
            scaling()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
