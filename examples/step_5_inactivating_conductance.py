"""Step 5, a transient conductance with activation and inactivation: bistable, not excitable.

Runs ``neuron_func_5`` with the chapter's protocol (its figure). A 2-ms pulse of
30 µA/cm² is enough to flip the membrane from rest near E_b = −70 mV to a depolarised state
near 0 mV, where it stays: the inactivation gate never closes below 0.09, the activation
stays open, and the ungated conductance cannot pull v back. Pulses of 10 and 20 µA/cm²
leave it at rest.
"""

import matplotlib.pyplot as plt
from brian2 import cm, ms, mV, uA

from _common import output_folder, save
import hh_brian
from hh_brian.course import gallery
from hh_brian import stimuli


def main(argv=None):
    out = output_folder(__doc__, argv)
    gallery.write_model_figures(out, models=["neuron_func_5"])

    amplitudes = [10, 20, 30] * uA / cm**2
    result = hh_brian.simulate("inactivating_conductance", 60 * ms,
                               stimuli.pulse(amplitudes, start=10 * ms, stop=12 * ms))
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for amplitude, v in zip(amplitudes, result.v):
        ax.plot(result.t / ms, v / mV, label=f"{amplitude / (uA / cm**2):g} µA/cm²")
        print(f"2-ms pulse of {amplitude / (uA / cm**2):g} uA/cm^2: v at 60 ms = {v[-1] / mV:.1f} mV")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("$v$ (mV)")
    ax.legend(title="pulse 10-12 ms")
    save(fig, out, "step_5_bistability")


if __name__ == "__main__":
    main()
