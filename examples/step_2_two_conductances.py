"""Step 2, two passive conductances: the rest is their conductance-weighted average.

Runs ``neuron_func_2`` with the chapter's protocol (its figure), then a batch over g_a
from 0.25 to 4 mS/cm² with g_b = 1: the rest moves between E_b = 65 mV and E_a = −65 mV as
(g_a E_a + g_b E_b)/(g_a + g_b), shown against that formula.
"""

import matplotlib.pyplot as plt
import numpy as np
from brian2 import cm, mS, ms, mV, uA

from _common import output_folder, save
import hh_brian
from hh_brian.course import gallery


def main(argv=None):
    out = output_folder(__doc__, argv)
    gallery.write_model_figures(out, models=["neuron_func_2"])

    g_a = np.geomspace(0.25, 4, 9)
    result = hh_brian.simulate("two_conductances", 20 * ms, 0 * uA / cm**2,
                               params={"g_a": g_a * mS / cm**2})
    rest = np.asarray(result.v[:, -1] / mV)
    formula = (g_a * -65 + 1 * 65) / (g_a + 1)
    print("max |simulated rest - formula| =", np.max(np.abs(rest - formula)), "mV")
    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.semilogx(g_a, rest, "o", label="simulated (20 ms)")
    ax.semilogx(g_a, formula, "-", label=r"$(g_a E_a + g_b E_b)/(g_a + g_b)$")
    ax.set_xlabel("$g_a$ (mS/cm²), with $g_b$ = 1 mS/cm²")
    ax.set_ylabel("resting $v$ (mV)")
    ax.legend()
    save(fig, out, "step_2_weighted_rest")


if __name__ == "__main__":
    main()
