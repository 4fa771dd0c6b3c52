"""A batch: many neurons with different parameters in one group and one run.

An array of N parameter values (or N current amplitudes) runs N neurons at once, and every
trace of the result has shape (N, steps). Here a 7 × 1 grid of potassium conductances under
a 15 µA/cm² step: spike counts fall as g_K grows, until the membrane no longer fires
repetitively. The figure is a raster of the batch.
"""

import matplotlib.pyplot as plt
import numpy as np
from brian2 import cm, mS, ms, uA

from _common import output_folder, save
import hh_brian
from hh_brian import stimuli


def main(argv=None):
    out = output_folder(__doc__, argv)
    g_K = np.linspace(20, 80, 7)
    result = hh_brian.simulate("hodgkin_huxley", 100 * ms,
                               stimuli.step(15 * uA / cm**2, start=10 * ms),
                               params={"g_K": g_K * mS / cm**2})
    print("trace shape (neurons, steps):", result.v.shape)
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for k, (g, spikes) in enumerate(zip(g_K, result.spike_times())):
        print(f"g_K = {g:4.0f} mS/cm^2: {len(spikes):2d} spikes")
        ax.plot(spikes / ms, np.full(len(spikes), g), "|", ms=12, color="k")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("$g_K$ (mS/cm²)")
    ax.set_title("spike raster of one batch run")
    save(fig, out, "batch_raster")


if __name__ == "__main__":
    main()
