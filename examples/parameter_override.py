"""Changing parameters, with units: less sodium, more potassium, a hotter leak.

Every parameter of a model is a quantity with a unit; ``simulate(..., params={...})`` or
``model.with_params(...)`` change them without touching the equations, and a wrong unit or
name is refused with a clear message. This script runs HH with its default parameters and
three variants under the same 10 µA/cm² step and plots the four voltage traces.
"""

import matplotlib.pyplot as plt
from brian2 import DimensionMismatchError, cm, mS, ms, mV, uA

from _common import output_folder, save
import hh_brian
from hh_brian import stimuli


def main(argv=None):
    out = output_folder(__doc__, argv)
    hh = hh_brian.get_model("hodgkin_huxley")
    variants = {
        "default": hh,
        "g_Na = 80 mS/cm²": hh.with_params(g_Na=80 * mS / cm**2),
        "g_K = 50 mS/cm²": hh.with_params(g_K=50 * mS / cm**2),
        "E_L = -50 mV": hh.with_params(E_L=-50 * mV),
    }
    current = stimuli.step(10 * uA / cm**2, start=10 * ms, stop=90 * ms)
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, model in variants.items():
        result = hh_brian.simulate(model, 100 * ms, current)
        print(f"{label:18s}: {len(result.spike_times()):2d} spikes")
        ax.plot(result.t / ms, result.v / mV, lw=1, label=label)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("$v$ (mV)")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))  # off the traces
    save(fig, out, "parameter_override")

    try:
        hh.with_params(g_Na=80 * mV)
    except DimensionMismatchError as error:
        print("a wrong unit is refused:", error)


if __name__ == "__main__":
    main()
