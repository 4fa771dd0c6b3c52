"""The propagated action potential: Brian2's axon against the independent cable, and what a
user may and may not ask of it.

Tolerances
----------
V_TOL = 1e-8 mV on v(x, t), as for a patch: the reference integrates the same discretisation
(central differences in space, backward Euler for v after the gates move by exponential
Euler), so the two differ by rounding, measured below 1e-11 mV; a wrong axial conductance,
a compartment off by one or a missing temperature factor moves v by millivolts.
ARRIVAL_TOL = 1e-9 ms: both interpolate the same crossing between the same two steps.
"""

import warnings

import numpy as np
import pytest
from brian2 import DimensionMismatchError, cm, mm, mS, ms, mV, ohm, uA, um

import hh_brian
from hh_brian import celsius, stimuli
from hh_brian.cable import Axon, SQUID_AXON, propagate
from hh_brian.reference.cable import arrival_times, integrate_cable

V_TOL = 1e-8  # mV
ARRIVAL_TOL = 1e-9  # ms
SHORT = Axon(length=2 * cm, compartments=100)  # 0.2-mm compartments: a wave in 4 ms

# The compiled targets are slow tests, as for a patch: the numpy run checks the same network
# in the quick suite, and the velocity map's test compiles the cython cable there.
TARGETS = [pytest.param("numpy"),
           pytest.param("cython", marks=[pytest.mark.slow, pytest.mark.xdist_group("axon-cython")]),
           pytest.param("cpp_standalone", marks=pytest.mark.slow)]


def _reference(axon, duration_ms, stimulated, params, model="neuron_func_7", amplitude=200.0,
               pulse_ms=0.5, dt=0.01):
    steps = int(round(duration_ms / dt))
    current = np.zeros((axon.compartments, steps))
    current[stimulated, :int(round(pulse_ms / dt))] = amplitude
    return integrate_cable(model, length=float(axon.length / cm),
                           diameter=float(axon.diameter / cm), R_i=float(axon.R_i / (ohm * cm)),
                           n_compartments=axon.compartments, duration=duration_ms,
                           current=current, dt=dt, params=params)


@pytest.mark.parametrize("target", TARGETS)
def test_the_axon_is_the_reference_cable(target):
    wave = propagate("hodgkin_huxley", SHORT, 4 * ms, target=target,
                     temperature=celsius(18.5), params={"E_Na": 50 * mV})
    ref = _reference(SHORT, 4.0, wave.stimulated, {"T": 18.5, "E_Na": 50.0})
    assert np.max(np.abs(np.asarray(wave.v / mV) - ref["v"][:, :400])) <= V_TOL
    theirs = arrival_times(ref["v"], ref["t"], threshold=-40.0)
    np.testing.assert_allclose(np.asarray(wave.arrival / ms), theirs, rtol=0,
                               atol=ARRIVAL_TOL)
    assert wave.reached_end and 18.5 < float(wave.velocity / (mm / ms)) < 19


def test_any_gated_model_runs_on_an_axon_as_on_the_reference():
    """The 2D reduction, whose sodium current is not linear in v (m is instantaneous):
    the reference linearises the membrane current by a five-point difference, Brian2
    symbolically; measured 7e-10 mV apart."""
    axon = Axon(length=1 * cm, compartments=40)
    wave = propagate("hh_2d_reduction_model7", axon, 2 * ms, target="numpy")
    ref = _reference(axon, 2.0, wave.stimulated, {}, model="neuron_func_7_2d")
    assert np.max(np.abs(np.asarray(wave.v / mV) - ref["v"][:, :200])) <= V_TOL


def test_a_weak_stimulus_starts_no_wave():
    wave = propagate("hodgkin_huxley", SHORT, 4 * ms, stimuli.pulse(5 * uA / cm**2, 0 * ms,
                                                                    0.5 * ms), target="numpy")
    assert not wave.reached_end
    assert np.isnan(float(wave.velocity / (mm / ms)))
    assert np.isnan(np.asarray(wave.arrival / ms)).all()


def test_the_result_has_units_and_positions():
    wave = propagate("passive_membrane", Axon(length=1 * cm, compartments=40), 1 * ms,
                     target="numpy", record=["v", "I_L", "I_stim"], record_dt=0.1 * ms)
    assert wave.v.shape == wave.I_L.shape == (40, 10)
    assert wave.x[0] == 0.125 * mm and wave.t[1] == 0.1 * ms
    assert wave.stimulated.sum() == 4  # the default: the first millimetre
    assert float(wave.I_stim[0, 0] / (uA / cm**2)) == 200
    with pytest.raises(AttributeError, match="its traces are: v, I_L, I_stim"):
        wave.m



@pytest.mark.parametrize("call, error, message", [
    (lambda target: Axon(diameter=-1 * um), ValueError, "diameter: expected one positive value"),
    (lambda target: Axon(length=0 * cm), ValueError, "length: expected one positive value"),
    (lambda target: Axon(length=5 * mV), DimensionMismatchError, "length: expected a length"),
    (lambda target: Axon(R_i=35.4 * ohm), DimensionMismatchError, "R_i: expected a resistivity"),
    (lambda target: Axon(length=1 * cm, compartment_length=0.3 * mm), ValueError,
     "compartment_length: expected a whole fraction of the length"),
    (lambda target: propagate(where=6 * cm, target=target), ValueError,
     "where: 60 mm is off the axon"),
    (lambda target: propagate(where=(2 * mm, 1 * mm), target=target), ValueError,
     "where: expected \\(start, stop\\) with start < stop"),
    (lambda target: propagate(temperature=celsius(60), target=target), ValueError,
     r"outside the physical range of T \(\[0, 45\] degC\)"),
    (lambda target: propagate(temperature=18.5, target=target), DimensionMismatchError,
     "params\\['T'\\]: expected a temperature"),
    (lambda target: propagate("passive_membrane", temperature=celsius(20), target=target),
     ValueError, "temperature: passive_membrane has no gates"),
    (lambda target: propagate(params={"g_Na": [100, 120] * mS / cm**2}, target=target),
     ValueError, "params: one axon at a time"),
    (lambda target: propagate(method="exact", target=target), ValueError,
     "method: expected one of euler, exponential_euler"),
    (lambda target: propagate(record=["w"], target=target), ValueError,
     "record: unknown trace"),
    (lambda target: propagate(duration=0.015 * ms, target=target), ValueError,
     "duration: must be a whole number of steps"),
    (lambda target: propagate(current=stimuli.constant([1, 2] * uA / cm**2), target=target),
     ValueError, "current: one axon at a time"),
    (lambda target: propagate(axon="squid", target=target), TypeError,
     "axon: expected an Axon"),
])
def test_bad_input_is_refused_before_anything_compiles(call, error, message, must_not_run):
    with pytest.raises(error, match=message):
        call(must_not_run)


def test_a_model_without_a_membrane_current_is_refused(must_not_run):
    model = hh_brian.Model(
        name="capacitor", source_name="capacitor", title="a bare capacitor",
        equations="dv/dt = I_stim / C_m : volt\nC_m : farad/meter**2 (constant)",
        params={"C_m": hh_brian.get_model("passive_membrane").params["C_m"]}, gates={},
        currents=(), v_init=-65 * mV, default_current=stimuli.constant(0 * uA / cm**2),
        duration=10 * ms, adds="", description="")
    with pytest.raises(ValueError, match="model: capacitor has no membrane current"):
        propagate(model, target=must_not_run)


def test_compartments_long_for_the_length_constant_give_a_warning(must_not_run):
    coarse = Axon(length=5 * cm, compartments=50)  # 1 mm: 0.14 of the resting 7 mm
    with pytest.warns(UserWarning, match="compartments: 1 mm is 0.14 of the resting length "
                                         "constant"):
        with pytest.raises(AssertionError, match="ran before"):
            propagate(axon=coarse, target=must_not_run)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AssertionError, match="ran before"):
            propagate(axon=SQUID_AXON, target=must_not_run)  # 0.1 mm: no warning
