"""Step 6, a transient conductance plus a delayed repolarising one: a spike, then a plateau.

Runs ``neuron_func_6`` with the chapter's protocol (its figure), then sets its response to
the +30 µA/cm² step beside full Hodgkin–Huxley's response to +10 µA/cm²: both open with an
overshooting action potential, but the made-up gate functions leave model 6 stuck on a
plateau near −10 mV, while HH recovers and fires again.
"""

import matplotlib.pyplot as plt
from brian2 import cm, ms, mV, uA

from _common import output_folder, save
import hh_brian
from hh_brian.course import gallery
from hh_brian import stimuli


def main(argv=None):
    out = output_folder(__doc__, argv)
    gallery.write_model_figures(out, models=["neuron_func_6"])

    fig, ax = plt.subplots(figsize=(6.4, 4))
    for name, amplitude in (("inactivating_and_delayed_conductances", 30),
                            ("hodgkin_huxley", 10)):
        current = stimuli.step(amplitude * uA / cm**2, start=10 * ms, stop=60 * ms)
        result = hh_brian.simulate(name, 80 * ms, current)
        spikes = result.spike_times()
        print(f"{name}: {len(spikes)} spike(s) at {spikes}")
        ax.plot(result.t / ms, result.v / mV, label=f"{name}, {amplitude} µA/cm²")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("$v$ (mV)")
    ax.legend(fontsize="small", title="step 10-60 ms")
    save(fig, out, "step_6_versus_hh")


if __name__ == "__main__":
    main()
