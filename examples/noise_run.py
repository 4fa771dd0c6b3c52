"""The 2D Hodgkin–Huxley reduction driven by smoothed noise, as in the dV/dt notebook.

Runs ``hh_2d_reduction`` for 2 s at dt = 0.01 ms with the notebook's input (white noise of
1400 nA/mm² from seed 1, smoothed by a Gaussian window of σ = 6 ms), checks the run against
the independent reference integrator, and writes the notebook's four panels (V, n, the three
membrane currents, the input) and the (V, n) phase plane with the trajectory.

Usage::

    python examples/noise_run.py [OUTPUT_DIR] [--seed 1] [--sigma-ms 6] [--amplitude 1400]

``--amplitude`` is in nA/mm² (the notebook's unit; 1 µA/cm² = 10 nA/mm²).
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from brian2 import mm, ms, nA  # noqa: E402

from hh_brian.course import gallery
from hh_brian import reference, stimuli  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="figures", help="output folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sigma-ms", type=float, default=6.0)
    parser.add_argument("--amplitude", type=float, default=1400.0, help="nA/mm^2")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    noise = stimuli.smoothed_noise(args.amplitude * nA / mm**2, sigma=args.sigma_ms * ms,
                                   seed=args.seed)
    paths, result = gallery.write_noise_run_figures(out, current=noise)
    arrays, _ = result.to_arrays()
    # The independent witness, fed the very same input samples.
    ref = reference.integrate("local_hh_dv_shape", current=arrays["I_stim"])
    print(f"max |V - reference| = {np.max(np.abs(arrays['v'] - ref['v'][0])):.3g} mV")
    print(f"V between {arrays['v'].min():.2f} and {arrays['v'].max():.2f} mV; "
          f"{len(result.spike_times())} upward crossings of 0 mV")
    for path in paths:
        print("figure written to", path)


if __name__ == "__main__":
    main()
