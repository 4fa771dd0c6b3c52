"""Step 7, full Hodgkin–Huxley: onset spike, rebound spike, and tonic firing above threshold.

Runs ``neuron_func_7`` with the chapter's protocol (its figure: a spike at the onset of the
+5 µA/cm² step and an anode-break spike after the −5 µA/cm² step), then a batch over
constant currents from 0 to 20 µA/cm² (one group, one run) and plots the firing rate over
the last 400 ms of a 500-ms run: zero below the threshold for repetitive firing, then a
jump to ~50 Hz, as in the squid axon.
"""

import matplotlib.pyplot as plt
import numpy as np
from brian2 import cm, ms, uA

from _common import output_folder, save
import hh_brian
from hh_brian.course import gallery
from hh_brian import stimuli


def main(argv=None):
    out = output_folder(__doc__, argv)
    gallery.write_model_figures(out, models=["neuron_func_7"])

    protocol = hh_brian.simulate("hodgkin_huxley")
    print("default protocol, spike times:", protocol.spike_times())

    currents = np.linspace(0, 20, 21)
    result = hh_brian.simulate("hodgkin_huxley", 500 * ms,
                               stimuli.constant(currents * uA / cm**2))
    rates = [np.sum(s > 100 * ms) / 0.4 for s in result.spike_times()]
    for I, rate in zip(currents, rates):
        print(f"I = {I:4.1f} uA/cm^2: {rate:5.1f} Hz")
    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.plot(currents, rates, "o-")
    ax.set_xlabel("constant current (µA/cm²)")
    ax.set_ylabel("firing rate, 100-500 ms (Hz)")
    save(fig, out, "step_7_fi_curve")


if __name__ == "__main__":
    main()
