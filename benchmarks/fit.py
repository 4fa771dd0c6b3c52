"""Time to fit three HH conductances to a noisy recording (a script, not a test).

The documentation's worked example (:mod:`hh_brian.course.fit_demo`): g_Na, g_K and g_L of full HH
from a 300-ms two-step recording with noise of σ = 2 mV, 30,000 samples. For each target,
in a fresh process with an empty build cache (``cold``: the generated code compiled for
the first batch, once) and then again in the same process (``warm``: every batch reuses the
compiled code), prints the wall time, the generations of the search, the model evaluations
(one per candidate simulated), the Brian2 runs (one per batch), the time per run (inside
the runs, builds included) and the largest relative error of the three estimates.

Usage::

    python benchmarks/fit.py [--targets cpp_standalone cython]
"""

import argparse
import os
import subprocess
import sys
import tempfile

CHILD = r"""
import sys, time
from hh_brian import fit
from hh_brian.course.fit_demo import DEMO_FREE, DEMO_TRUTH, demo_recordings
target = sys.argv[1]
recording, _ = demo_recordings(target="numpy")
rows = []
for run in ("cold", "warm"):
    start = time.perf_counter()
    result = fit.fit_trace("hodgkin_huxley", recording, free=DEMO_FREE, target=target)
    seconds = time.perf_counter() - start
    error = max(abs(float(result.params[k] / v) - 1) for k, v in DEMO_TRUTH.items())
    rows.append((run, seconds, result.n_generations, result.n_evaluations, result.n_runs,
                 result.seconds, error))
print(repr(rows))
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", nargs="+", default=["cpp_standalone", "cython"])
    args = parser.parse_args(argv)
    print(f"{'target':16}{'run':6}{'wall (s)':>10}{'generations':>13}{'evaluations':>13}"
          f"{'runs':>7}{'ms per run':>12}{'max error':>11}")
    for target in args.targets:
        with tempfile.TemporaryDirectory() as cache:
            # Empty caches: the standalone projects and Brian2's compiled Cython code.
            env = {**os.environ, "HH_BRIAN_CACHE_DIR": cache, "HOME": cache,
                   "XDG_CACHE_HOME": cache}
            done = subprocess.run([sys.executable, "-c", CHILD, target], env=env,
                                  capture_output=True, text=True, check=True)
        for run, seconds, generations, evaluations, runs, in_runs, error in eval(
                done.stdout.strip().splitlines()[-1]):
            print(f"{target:16}{run:6}{seconds:10.1f}{generations:13d}{evaluations:13d}"
                  f"{runs:7d}{1000 * in_runs / runs:12.0f}{error:11.2e}")


if __name__ == "__main__":
    main()
