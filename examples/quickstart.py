"""Quick start: run Hodgkin–Huxley with a current step, read spike times, save a figure.

Usage::

    python examples/quickstart.py [OUTPUT_DIR]

Writes ``quickstart.png`` to OUTPUT_DIR (default ``figures/``).
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from brian2 import cm, mS, ms, mV, uA  # noqa: E402

import hh_brian  # noqa: E402
from hh_brian import stimuli  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="figures", help="output folder")
    out = pathlib.Path(parser.parse_args(argv).out)
    out.mkdir(parents=True, exist_ok=True)

    # A 10 uA/cm^2 step from 10 ms to 60 ms, on the squid-axon model (neuron_func_7).
    current = stimuli.step(10 * uA / cm**2, start=10 * ms, stop=60 * ms)
    result = hh_brian.simulate("hodgkin_huxley", 80 * ms, current)
    print("spike times:", result.spike_times())

    # The same with sodium reduced to two thirds: a parameter override, with units.
    weaker = hh_brian.simulate("hodgkin_huxley", 80 * ms, current,
                               params={"g_Na": 80 * mS / cm**2})
    print("with g_Na = 80 mS/cm^2:", weaker.spike_times())

    fig = result.plot()  # gate curves, input, currents, v, gates
    ax_v = fig.axes[4]
    ax_v.lines[0].set_label("$g_{Na}$ = 120 mS/cm²")
    ax_v.plot(weaker.t / ms, weaker.v / mV, lw=1, label="$g_{Na}$ = 80 mS/cm²")
    ax_v.legend(loc="upper right", fontsize="small")
    path = out / "quickstart.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close("all")
    print("figure written to", path)


if __name__ == "__main__":
    main()
