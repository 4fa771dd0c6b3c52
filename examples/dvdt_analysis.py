"""The shape of dV/dt(V) in Hodgkin–Huxley reduced to 2D: every figure of the notebook.

Reduces HH to (V, n) with m = m_inf(V) and h = 0.89 − 1.1 n, then, for the notebook's
conventions (``hh_2d_reduction``):

* dV/dt against V at n = 0 with its fixed points (stable filled, unstable open);
* the same beside Izhikevich's quadratic and the fitted AdEx linear + exponential;
* curves for I = 0, −10, 10, 20 nA/mm² (negative input lowers the rest; a fold past ~13);
* curves for n = 0, 0.1, 0.2, 0.3 (the slow gate's growing influence);
* dV/dt at V = 0 against n on a symlog axis, and its relative change per Δn = 0.001;
* the (V, n) phase plane with nullclines, vector field and fixed points.

It prints the fixed points, the fold current, the Izhikevich C and the AdEx fit, for the
notebook's reduction and for the variant consistent with model 7.

Usage::

    python examples/dvdt_analysis.py [OUTPUT_DIR]
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
from brian2 import cm, mm, mS, ms, mV, nA, nS, pF, uA  # noqa: E402

from hh_brian import analysis
from hh_brian.course import gallery  # noqa: E402

NOTEBOOK = "hh_2d_reduction"
NA_MM2 = nA / mm**2


def report(name, **held):
    print(f"--- {name} ({', '.join(f'{k} = {v:.4g}' for k, v in held.items())}) ---")
    for point in analysis.fixed_points(name, **held):
        print(f"  fixed point: {point}  (slope {float(point.slope * ms):+.5g} 1/ms)")
    fold = analysis.fold(name, **held)
    print(f"  fold: I = {float(fold.current / NA_MM2):.6g} nA/mm^2 "
          f"= {float(fold.current / (uA / cm**2)):.6g} uA/cm^2 at V = {float(fold.v / mV):.5g} mV")
    izh = analysis.izhikevich_fit(name, k=0.7 * nS / mV, **held)
    print(f"  Izhikevich: k = 0.7 nS/mV, C = {float(izh.C / pF):.5g} pF "
          f"(V_r = {float(izh.V_r / mV):.5g} mV, V_t = {float(izh.V_t / mV):.5g} mV)")
    adex = analysis.adex_fit(name, **held)
    print(f"  AdEx over {float(adex.v_range[0] / mV):g}..{float(adex.v_range[1] / mV):g} mV: "
          f"E_L = {float(adex.E_L / mV):.5g} mV, g_L = {float(adex.g_L / (mS / cm**2)):.5g} "
          f"mS/cm^2, V_T = {float(adex.V_T / mV):.5g} mV, Delta_T = "
          f"{float(adex.delta_T / mV):.4g} mV; rms error {float(adex.rms_error / (mV / ms)):.3g}"
          f" mV/ms, max {float(adex.max_error / (mV / ms)):.3g} mV/ms")
    for state in analysis.steady_states(name):
        print(f"  full 2D system: {state}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="figures", help="output folder")
    out = pathlib.Path(parser.parse_args(argv).out)
    out.mkdir(parents=True, exist_ok=True)

    report(NOTEBOOK, n=0.0)
    n_rest = float(analysis.evaluate("hh_2d_reduction_model7", ["n_inf"], -65 * mV)["n_inf"])
    report("hh_2d_reduction_model7", n=n_rest)

    for path in gallery.write_reduction_figures(out):
        print("figure written to", path)


if __name__ == "__main__":
    main()
