"""Step 4, gated excitation and a second gated conductance: regenerative, but far too slow.

Runs ``neuron_func_4`` with the chapter's protocol (its figure), then one batch of steps of
10, 20 and 30 µA/cm²: v creeps up over tens of milliseconds, because both gates relax with
time constants of several ms (the bell-shaped τ peaks at 300/σ = 5 and 6 ms). No amplitude
gives a brief spike. From about 38.5 µA/cm² on, v climbs past +120 mV, where τ_b falls
below dt/2 = 0.005 ms and forward Euler at 0.01 ms diverges: a 40-µA/cm² neuron added to the
batch is reported in ``result.diverged`` with the time its state stopped being finite, and
the other neurons are kept.
"""

import matplotlib.pyplot as plt
from brian2 import cm, ms, mV, uA

from _common import output_folder, save
import hh_brian
from hh_brian.course import gallery
from hh_brian import stimuli


def main(argv=None):
    out = output_folder(__doc__, argv)
    gallery.write_model_figures(out, models=["neuron_func_4"])

    amplitudes = [10, 20, 30, 40] * uA / cm**2
    result = hh_brian.simulate("two_gated_conductances", 100 * ms,
                               stimuli.step(amplitudes, start=10 * ms, stop=70 * ms))
    for neuron, time in result.diverged.items():
        print(f"{amplitudes[neuron] / (uA / cm**2):g} uA/cm^2: diverged at {time / ms:g} ms")
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for k, (amplitude, v) in enumerate(zip(amplitudes, result.v)):
        if k in result.diverged:
            continue
        ax.plot(result.t / ms, v / mV, label=f"{amplitude / (uA / cm**2):g} µA/cm²")
        print(f"{amplitude / (uA / cm**2):g} uA/cm^2: v at 15 ms {v[1500] / mV:.1f} mV, "
              f"at 70 ms {v[6999] / mV:.1f} mV")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("$v$ (mV)")
    ax.legend(title="step 10-70 ms")
    save(fig, out, "step_4_slow_creep")


if __name__ == "__main__":
    main()
