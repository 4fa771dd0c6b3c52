"""Every model of the construction, run with its source protocol, one figure each.

For each of the seven steps (``neuron_func_1`` … ``neuron_func_7``) this script simulates the
model with the source's default protocol and writes the source's figure: gate steady states
and time constants against v, the injected current, the membrane currents, v, and the gates
over time.

Usage::

    python examples/model_figures.py [OUTPUT_DIR] [--target cython|numpy]

The PNG files go to OUTPUT_DIR (default ``figures/``), named after each model.
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import hh_brian  # noqa: E402
from hh_brian.plotting import plot_model_figure  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="figures", help="output folder")
    parser.add_argument("--target", default="cython", choices=sorted(hh_brian.TARGETS))
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for k, model in enumerate(hh_brian.list_models(), start=1):
        result = hh_brian.simulate(model, target=args.target)
        fig = plot_model_figure(result)
        path = out / f"model_{k}_{model.name}.png"
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        spikes = result.spike_times()
        print(f"{model.source_name:14s} {model.name:38s} {len(spikes):3d} spikes -> {path}")


if __name__ == "__main__":
    main()
