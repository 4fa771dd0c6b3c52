"""Every model, run with its source's default input, one figure each.

For each of the seven steps (``neuron_func_1`` … ``neuron_func_7``) and the two 2D
reductions, this script simulates the model with its default input (the chapter's ±A
protocol, or the notebook's noise) and writes the chapter's figure: gate steady states and
time constants against v, the injected current, the membrane currents, v, and the gates over
time. It prints each model's number of spikes (upward crossings of 0 mV).

Usage::

    python examples/model_figures.py [OUTPUT_DIR] [--target cython|numpy]

The PNG files go to OUTPUT_DIR (default ``figures/``), named after each model.
"""

import argparse

import matplotlib

matplotlib.use("Agg")

import hh_brian  # noqa: E402
from hh_brian.course import gallery  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="figures", help="output folder")
    parser.add_argument("--target", default="cython", choices=sorted(hh_brian.TARGETS))
    args = parser.parse_args(argv)
    for model, path in zip(hh_brian.list_models(),
                           gallery.write_model_figures(args.out, target=args.target)):
        print(f"{model.source_name:18s} {model.name:38s} -> {path}")


if __name__ == "__main__":
    main()
