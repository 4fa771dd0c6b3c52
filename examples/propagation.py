"""The propagated action potential on HH's squid axon, against their 1952 paper.

HH 1952, Part III: a giant axon of radius 238 µm and axial resistivity 35.4 Ω·cm at 18.5 °C,
with model 7's conductances and E_Na = 50 mV. Prints

1. the conduction velocity as the time step and the compartments shrink (the convergence
   table, with the ratio of successive differences: 2 for a first-order method, 4 for a
   second-order one) and its Richardson extrapolation, beside HH's computed 18.8 m/s and
   measured 21.2 m/s;
2. the velocity at HH's 6.3 °C, at twice the diameter (against √2), and the temperature at
   which conduction fails;

and writes the space–time figure and the velocity against diameter and temperature.

Usage::

    python examples/propagation.py [OUTPUT_DIR]
"""

import warnings

from brian2 import meter, mm, ms, second, um

from _common import output_folder
from hh_brian import celsius
from hh_brian.cable import HH_1952, SQUID_AXON, propagate
from hh_brian.core.units import to_celsius
from hh_brian.course import gallery

WARM = celsius(18.5)


def velocity(axon=SQUID_AXON, dt=0.01 * ms, temperature=WARM) -> float:
    """The velocity in m/s (8 ms, nothing recorded)."""
    wave = propagate("hodgkin_huxley", axon, 8 * ms, dt=dt, params=HH_1952,
                     temperature=temperature, record=[])
    return float(wave.velocity / (meter / second))


def table(title, header, steps, speeds):
    print(title)
    print(f"{header:>12s} {'m/s':>10s} {'difference':>11s} {'ratio':>7s}")
    previous = None
    for k, (step, speed) in enumerate(zip(steps, speeds)):
        difference = "" if k == 0 else f"{speed - speeds[k - 1]:11.4f}"
        ratio = ("" if previous is None or k < 2
                 else f"{previous / (speed - speeds[k - 1]):7.2f}")
        print(f"{step:12g} {speed:10.4f} {difference:>11s} {ratio:>7s}")
        if k:
            previous = speed - speeds[k - 1]


def main(argv=None):
    out = output_folder(__doc__, argv)
    steps = [0.04, 0.02, 0.01, 0.005]
    by_dt = [velocity(dt=step * ms) for step in steps]
    table("1. velocity at 18.5 degC against dt (compartments of 0.1 mm)", "dt (ms)", steps,
          by_dt)
    lengths = [0.4, 0.2, 0.1, 0.05]
    # Compartments of 0.2 and 0.4 mm are coarse on purpose here: propagate says so.
    warnings.filterwarnings("ignore", message="compartments: ")
    by_dx = [velocity(SQUID_AXON.replace(compartment_length=dx * mm), dt=0.005 * ms)
             for dx in lengths]
    table("   against the compartment length (dt 0.005 ms)", "dx (mm)", lengths, by_dx)
    extrapolated = 2 * by_dt[-1] - by_dt[-2] + (by_dx[-1] - by_dx[-2]) / 3
    print(f"   extrapolated (first order in dt, second in dx): {extrapolated:.2f} m/s; "
          f"HH 1952 computed {gallery.HH_VELOCITY_COMPUTED} m/s "
          f"({100 * (extrapolated / gallery.HH_VELOCITY_COMPUTED - 1):+.1f} %) and measured "
          f"{gallery.HH_VELOCITY_MEASURED} m/s")
    cold = velocity(temperature=celsius(6.3))
    thick = velocity(SQUID_AXON.replace(diameter=2 * 476 * um))
    print(f"2. at 6.3 degC: {cold:.2f} m/s (18.5 degC: {by_dt[2]:.2f} m/s, dt 0.01 ms)")
    print(f"   twice the diameter (952 um): {thick:.2f} m/s, {thick / by_dt[2]:.4f} times "
          f"(sqrt 2 = 1.4142)")
    paths, results = gallery.write_axon_figures(out)
    block = results["block"]
    print(f"   heat block: conducts at {float(to_celsius(block.conducts)):.2f} degC, fails "
          f"at {float(to_celsius(block.fails)):.2f} degC")
    for path in paths:
        print("figure written to", path)


if __name__ == "__main__":
    main()
