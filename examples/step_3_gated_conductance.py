"""Step 3, one voltage-gated conductance: gating alone does not make a spike.

Runs ``neuron_func_3`` with the chapter's protocol (its figure). The chapter keeps
E_a = E_b = −65 mV, so the gated conductance only shunts: the +30 µA/cm² step depolarises
the membrane less than the leak alone would. Moving E_a above rest (120 mV, with a smaller
g_a) turns the same gate into positive feedback: the depolarisation runs away. The second
figure sets the three side by side.
"""

import matplotlib.pyplot as plt
from brian2 import cm, mS, ms, mV

from _common import output_folder, save
import hh_brian
from hh_brian.course import gallery


def main(argv=None):
    out = output_folder(__doc__, argv)
    gallery.write_model_figures(out, models=["neuron_func_3"])

    variants = {
        "as in the chapter (E_a = -65 mV)": {},
        "leak only (g_a = 0)": {"g_a": 0 * mS / cm**2},
        "E_a = 120 mV, g_a = 1 mS/cm²": {"E_a": 120 * mV, "g_a": 1 * mS / cm**2},
    }
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for label, params in variants.items():
        result = hh_brian.simulate("gated_conductance", 50 * ms, params=params)
        ax.plot(result.t / ms, result.v / mV, label=label)
        print(f"{label}: peak v = {result.v.max() / mV:.1f} mV")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("$v$ (mV)")
    ax.legend(fontsize="small")
    save(fig, out, "step_3_reversal_potential")


if __name__ == "__main__":
    main()
