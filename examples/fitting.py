"""Conductances from a noisy recording, how sure the fit is, and whether it holds elsewhere.

Fits g_Na, g_K and g_L of full HH to a noisy recording (σ = 2 mV) of a cell whose
conductances were set well away from the defaults (160, 28, 0.5 mS/cm²), under two current
steps over 300 ms; prints the estimates with their 95 % intervals beside the truth, the
estimated noise, the correlations and the cost of the fit; tests the fitted model on a ramp
it never saw (spike times and the coincidence factor); then fits each step of the chapter
(models 3–6) and full HH to one HH recording and prints what each ingredient buys. Writes
the documentation's fitting figures and the table of the steps (``fit_ingredients.rst``).

Usage::

    python examples/fitting.py [OUTPUT_DIR]
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
from hh_brian.course import gallery  # noqa: E402
from hh_brian.course.fit_demo import DEMO_TRUTH  # noqa: E402
from hh_brian.core.units import show_value  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="figures", help="output folder")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)

    paths, result, check, table = gallery.write_fit_figures(out)
    print("--- g_Na, g_K and g_L from a noisy two-step recording (sigma = 2 mV) ---")
    print(result)
    for name, truth in DEMO_TRUTH.items():
        estimate = float(result.params[name] / truth)
        low, high = (float(x) for x in result.intervals[name] / truth)
        print(f"{name}: truth {show_value(truth)}, estimate off by {100 * (estimate - 1):+.3f} %, "
              f"interval [{100 * (low - 1):+.3f} %, {100 * (high - 1):+.3f} %] of the truth")
    print(f"{result.n_generations} generations, {result.n_evaluations} model evaluations in "
          f"{result.n_runs} runs")
    print()
    print("--- the fitted model under a ramp it never saw ---")
    print(check)
    print()
    print("--- what each ingredient buys: each step fitted to one HH recording ---")
    print(table)
    (out / "fit_ingredients.rst").write_text(table.to_rst())
    for path in paths:
        print("figure written to", path)


if __name__ == "__main__":
    main()
