"""hh_brian.analysis: its evaluator agrees with Brian2, and bad arguments are named."""

import numpy as np
import pytest
from brian2 import DimensionMismatchError, mS, mV, ms, uA, cm

import hh_brian
from hh_brian import analysis


def test_dv_dt_sign_conventions_agree_with_simulation():
    # For outward-positive (HH) and inward-positive (2D) models alike, a positive input
    # raises dV/dt by I/C.
    for name in ("hodgkin_huxley", "hh_2d_reduction"):
        r0 = analysis.dv_dt(name, -60 * mV, 0 * uA / cm**2)
        r1 = analysis.dv_dt(name, -60 * mV, 1 * uA / cm**2)
        assert float((r1 - r0) / (mV / ms)) == pytest.approx(1.0, rel=1e-9)


def test_hh_full_system_rest_and_tonic_firing_regime():
    (rest,) = analysis.steady_states("hodgkin_huxley")
    assert rest.kind == "stable focus"
    assert float(rest.v / mV) == pytest.approx(-65, abs=0.1)
    (driven,) = analysis.steady_states("hodgkin_huxley", 10 * uA / cm**2)
    assert driven.kind in ("unstable focus", "saddle-focus")  # fires tonically instead
    assert np.max(np.real(np.asarray(driven.eigenvalues))) > 0


def test_held_gate_must_be_a_gate():
    with pytest.raises(ValueError, match=r"w: not a gate of hh_2d_reduction; gates that can be held: n"):
        analysis.dv_dt("hh_2d_reduction", -60 * mV, w=0.1)


def test_arguments_are_checked():
    with pytest.raises(DimensionMismatchError, match=r"current: expected a current density"):
        analysis.fixed_points("hh_2d_reduction", 5 * mV, n=0)
    with pytest.raises(DimensionMismatchError, match=r"v: expected a voltage"):
        analysis.dv_dt("hh_2d_reduction", 5 * ms, n=0)
    with pytest.raises(ValueError, match=r"v_range: expected \(low, high\) with low < high"):
        analysis.fixed_points("hh_2d_reduction", v_range=(0 * mV, -10 * mV), n=0)
    with pytest.raises(ValueError, match=r"names: 'x_inf' is not an expression"):
        analysis.evaluate("hodgkin_huxley", ["x_inf"], -65 * mV)
    with pytest.raises(ValueError, match=r"gate: 'm' is not a gate of hh_2d_reduction"):
        analysis.nullclines("hh_2d_reduction", [-60] * mV, gate="m")
    batch = hh_brian.get_model("hodgkin_huxley").with_params(g_Na=[1, 2] * mS / cm**2)
    with pytest.raises(ValueError, match="batch"):
        analysis.dv_dt(batch, -60 * mV)


def test_printed_fits_and_folds_are_in_display_units():
    from hh_brian import analysis

    shown = [str(analysis.adex_fit("hh_2d_reduction", n=0)),
             str(analysis.izhikevich_fit("hh_2d_reduction", n=0)),
             str(analysis.fold("hh_2d_reduction", n=0))]
    assert "g_L = 0.0302231 mS/cm^2" in shown[0] and "0.01178 mV/ms rms" in shown[0]
    assert "C = 1316.15 pF" in shown[1] and "V_t = 2.0065 mV" in shown[1]
    assert shown[2] == "fold at I = 1.34671 uA/cm^2 (13.4671 nA/mm^2), v = -6.73252 mV"
    for text in shown:
        assert not any(si in text for si in ("siemens", "volt", "meter", "farad", "amp"))
