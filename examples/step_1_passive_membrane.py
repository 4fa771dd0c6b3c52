"""Step 1, a passive membrane: it rests at E_L and relaxes with time constant C_m/g_L.

Runs ``neuron_func_1`` with the chapter's protocol (its figure), then a batch of three leak
conductances given one 10 µA/cm² step: each relaxes to E_L + I/g_L with time constant
C_m/g_L, and nothing more happens. The printed table compares the simulated time to 63 % of
the final depolarisation with C_m/g_L.
"""

import matplotlib.pyplot as plt
import numpy as np
from brian2 import cm, mS, ms, mV, uA

from _common import output_folder, save
import hh_brian
from hh_brian.course import gallery
from hh_brian import stimuli


def main(argv=None):
    out = output_folder(__doc__, argv)
    gallery.write_model_figures(out, models=["neuron_func_1"])

    g_L = [0.5, 1, 2] * mS / cm**2
    step = stimuli.step(10 * uA / cm**2, start=5 * ms)
    result = hh_brian.simulate("passive_membrane", 20 * ms, step, params={"g_L": g_L})
    fig, ax = plt.subplots(figsize=(6.4, 4))
    t = result.t / ms
    for g, v in zip(g_L, result.v):
        depolarisation = np.asarray((v - v[0]) / mV)
        k63 = np.argmax(depolarisation >= 0.632 * depolarisation[-1])
        print(f"g_L = {g / (mS / cm**2):.1f} mS/cm^2: tau = C_m/g_L = {1 / float(g / (mS / cm**2)):.2f} ms,"
              f" simulated 63 % time = {t[k63] - 5:.2f} ms, final v = {v[-1] / mV:.2f} mV")
        ax.plot(t, v / mV, label=f"$g_L$ = {g / (mS / cm**2):g} mS/cm²")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("$v$ (mV)")
    ax.legend()
    save(fig, out, "step_1_time_constants")


if __name__ == "__main__":
    main()
