"""Where each model starts and stops firing: bifurcation diagrams in the injected current.

For full Hodgkin–Huxley in its published set-up (model 7 with E_Na = 50 mV), prints the
special points (Hopf points with their criticality, limit points of cycles) and the bistable
window seen by simulating a sweep of the current up and then down; then the special points of
every model with two or more state variables at its default parameters, over 0–200 uA/cm^2.
Writes the figures of the documentation's bifurcation page (the full diagram, the bistable
window with the simulated sweeps, both 2D reductions, and HH at three values of g_K).

Needs the ``bifurcation`` extra (AUTO-07p through bifpy, built with gfortran).

Usage::

    python examples/bifurcation.py [OUTPUT_DIR]
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from brian2 import cm, uA  # noqa: E402

from hh_brian.course import gallery
from hh_brian import list_models  # noqa: E402
from hh_brian.bifurcation import diagram  # noqa: E402

UA_CM2 = uA / cm**2


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="figures", help="output folder")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)

    paths, diagrams, sweep = gallery.write_bifurcation_figures(out)
    print("--- hodgkin_huxley, E_Na = 50 mV (the published set-up) ---")
    print(diagrams["bifurcation_hodgkin_huxley"])
    window = np.asarray(sweep.bistable() / UA_CM2)
    print(f"simulated sweep up and down in steps of 0.5 uA/cm^2: at rest going up and firing "
          f"coming down from {window.min():g} to {window.max():g} uA/cm^2")
    for g_k in (24, 36, 48):
        d = diagrams[f"bifurcation_hodgkin_huxley_g_K_{g_k}"]
        hopf = [p for p in d.points if p.kind == "hopf"]
        lpc = [p for p in d.points if p.kind == "limit_point_of_cycles"]
        print(f"g_K = {g_k} mS/cm^2: firing from {float(min(p.value for p in lpc) / UA_CM2):.4g}"
              f" (LPC); rest unstable from {float(hopf[0].value / UA_CM2):.4g} to "
              f"{float(hopf[-1].value / UA_CM2):.4g} uA/cm^2 (Hopf)")
    print()
    print("--- every model with two or more state variables, at its defaults ---")
    for model in list_models():
        if len(model.state_variables) < 2:
            continue
        print(diagram(model, "I_stim", (0 * UA_CM2, 200 * UA_CM2)))
    for path in paths:
        print("figure written to", path)


if __name__ == "__main__":
    main()
