"""Bad input raises an error that names the argument and lists the valid choices."""

import numpy as np
import pytest
from brian2 import DimensionMismatchError, Hz, cm, mS, ms, mV, nA, second, uA, uF

import hh_brian
from hh_brian import stimuli


def run(**kwargs):
    kwargs.setdefault("duration", 1 * ms)
    kwargs.setdefault("target", "numpy")
    return hh_brian.simulate(kwargs.pop("model", "hodgkin_huxley"), **kwargs)


def test_current_in_wrong_dimension():
    with pytest.raises(DimensionMismatchError, match=r"current: expected a current density"):
        run(current=5 * mV)


def test_absolute_current_is_not_a_current_density():
    with pytest.raises(DimensionMismatchError, match=r"current"):
        run(current=5 * nA)


def test_unitless_current_is_rejected():
    with pytest.raises(DimensionMismatchError, match=r"current.*5\*uA/cm\*\*2"):
        run(current=5)


def test_parameter_in_wrong_dimension():
    with pytest.raises(DimensionMismatchError, match=r"params\['g_Na'\]: expected a conductance per area"):
        run(params={"g_Na": 120 * mV})


def test_unknown_parameter_lists_valid_names():
    with pytest.raises(ValueError, match=r"params: unknown parameter 'g_na'.*valid names: .*g_Na"):
        run(params={"g_na": 120 * mS / cm**2})


def test_with_params_rejects_unknown_names():
    with pytest.raises(ValueError, match=r"unknown parameter 'tau'"):
        hh_brian.get_model("passive_membrane").with_params(tau=1 * ms)


def test_unknown_model_lists_valid_names():
    with pytest.raises(ValueError, match=r"model: unknown model 'neuron_func_8'.*hodgkin_huxley \(neuron_func_7\)"):
        run(model="neuron_func_8")


def test_model_of_wrong_type():
    with pytest.raises(TypeError, match=r"model: expected a model name or a Model"):
        run(model=7)


def test_unknown_target_lists_valid_targets():
    with pytest.raises(ValueError, match=r"target: unknown target 'gpu'; valid targets: cython, numpy, cpp_standalone"):
        run(target="gpu")


def test_unknown_method_lists_valid_methods():
    with pytest.raises(ValueError, match=r"method: unknown integration method 'rk5'.*euler.*rk4"):
        run(method="rk5")


@pytest.mark.parametrize("duration", [0 * ms, -1 * ms])
def test_non_positive_duration(duration):
    with pytest.raises(ValueError, match=r"duration: expected a positive time"):
        run(duration=duration)


@pytest.mark.parametrize("dt", [0 * ms, -0.01 * ms])
def test_non_positive_dt(dt):
    with pytest.raises(ValueError, match=r"dt: expected a positive time"):
        run(dt=dt)


def test_duration_in_wrong_dimension():
    with pytest.raises(DimensionMismatchError, match=r"duration: expected a time"):
        run(duration=10 * mV)


def test_duration_not_a_whole_number_of_steps():
    with pytest.raises(ValueError, match=r"duration: must be a whole number of steps"):
        run(duration=1.005 * ms)


def test_unknown_initial_variable_lists_state_variables():
    with pytest.raises(ValueError, match=r"initial: unknown state variable 'w'.*v, n, m, h"):
        run(initial={"w": 0.1})


def test_initial_gate_with_units():
    with pytest.raises(DimensionMismatchError, match=r"initial\['n'\]: expected a dimensionless"):
        run(initial={"n": 0.3 * mV})


def test_batch_sizes_must_agree():
    with pytest.raises(ValueError, match=r"batch: every per-neuron array.*params.*current"):
        run(params={"g_Na": [100, 120] * mS / cm**2},
            current=stimuli.constant([1, 2, 3] * uA / cm**2))


def test_parameter_arrays_of_different_lengths():
    with pytest.raises(ValueError, match=r"same length"):
        run(params={"g_Na": [100, 120] * mS / cm**2, "g_K": [1, 2, 3] * mS / cm**2})


def test_sampled_current_of_wrong_length():
    with pytest.raises(ValueError, match=r"current: a sampled current needs one sample per step, 100"):
        run(current=np.zeros(99) * uA / cm**2)


def test_non_finite_parameter():
    with pytest.raises(ValueError, match=r"params\['g_Na'\]: expected finite values"):
        run(params={"g_Na": np.nan * mS / cm**2})


def test_stimulus_arguments_are_checked():
    with pytest.raises(DimensionMismatchError, match=r"start: expected a time"):
        stimuli.step(1 * uA / cm**2, start=3 * mV)
    with pytest.raises(DimensionMismatchError, match=r"amplitude: expected a current density"):
        stimuli.constant(1 * second)
    with pytest.raises(ValueError, match=r"stop: must be after start"):
        stimuli.ramp(0 * uA / cm**2, 1 * uA / cm**2, start=5 * ms, stop=5 * ms)
    with pytest.raises(TypeError, match=r"current: expected a current density"):
        stimuli.as_stimulus("5uA/cm2")


# --------------------------------------------------------------------------------------------
# Physical ranges: checked before anything is compiled or run.


class _MustNotRun(hh_brian.targets.Target):
    """A target that fails the test if a run reaches it."""

    name = "must_not_run"

    def run(self, spec):
        raise AssertionError("the bad input reached the target")


@pytest.mark.parametrize("params, message", [
    ({"C_m": -1 * uF / cm**2}, r"params\['C_m'\]: -1 uF/cm\^2 is outside the physical range "
                               r"of C_m \(> 0 uF/cm\^2\) in model 'hodgkin_huxley'"),
    ({"C_m": 0 * uF / cm**2}, r"params\['C_m'\]: 0 uF/cm\^2 is outside .*> 0 uF/cm\^2"),
    ({"g_Na": -5 * mS / cm**2}, r"params\['g_Na'\]: .* is outside .*>= 0 mS/cm\^2"),
    ({"g_K": [36, -1] * mS / cm**2}, r"params\['g_K'\]: 1 of 2 values outside, e\.g\. -1 mS/cm\^2, is .*>= 0"),
    ({"E_Na": 500 * mV}, r"params\['E_Na'\]: 500 mV is outside .*\[-200, 200\] mV"),
    ({"v_rest": np.inf * mV}, r"params\['v_rest'\]: expected finite values"),
])
def test_parameters_outside_their_physical_range(params, message):
    with pytest.raises(ValueError, match=message):
        hh_brian.simulate("hodgkin_huxley", 1 * ms, target=_MustNotRun(), params=params)


@pytest.mark.parametrize("initial, message", [
    ({"h": 1.5}, r"initial\['h'\]: 1\.5 is outside the physical range of a gate \(h is a "
                 r"fraction of open channels\): \[0, 1\]"),
    ({"n": -0.2}, r"initial\['n'\]: -0\.2 is outside .*\[0, 1\]"),
    ({"m": [0.1, 1.01]}, r"initial\['m'\]: 1\.01 is outside"),
    ({"v": -300 * mV}, r"initial\['v'\]: -300 mV is outside the physical range of v: "
                       r"\[-200, 200\] mV"),
])
def test_initial_values_outside_their_physical_range(initial, message):
    with pytest.raises(ValueError, match=message):
        hh_brian.simulate("hodgkin_huxley", 1 * ms, target=_MustNotRun(), initial=initial)


def test_every_default_lies_in_its_range_and_ranges_are_declared():
    for model in hh_brian.list_models():
        assert set(model.param_ranges) == set(model.params)
        for name, value in model.params.items():
            assert model.param_ranges[name].contains(value), (model.name, name)
    ranges = hh_brian.get_model("hodgkin_huxley").param_ranges
    assert str(ranges["C_m"]) == "> 0 uF/cm^2" and str(ranges["g_L"]) == ">= 0 mS/cm^2"


def test_with_params_checks_ranges_and_sweeps_reuse_them():
    from hh_brian.sweeps import sweep

    with pytest.raises(ValueError, match=r"params\['g_L'\].*outside"):
        hh_brian.get_model("passive_membrane").with_params(g_L=-1 * mS / cm**2)
    with pytest.raises(ValueError, match=r"params\['C_m'\].*outside"):
        sweep("passive_membrane", {"C_m": [1, 0] * uF / cm**2}, target=_MustNotRun())


def test_targets_are_named_or_given_as_objects():
    with pytest.raises(TypeError, match=r"target: expected a target name .* or a Target"):
        run(target=3)
    assert run(target=hh_brian.targets.TARGETS["numpy"]).target == "numpy"


def test_a_sampled_current_of_the_wrong_length_is_refused_before_the_run():
    with pytest.raises(ValueError, match="current: a sampled current needs one sample per step"):
        hh_brian.simulate("hodgkin_huxley", 1 * ms, np.zeros(99) * uA / cm**2,
                          target=_MustNotRun())


def test_params_must_be_a_mapping():
    with pytest.raises(TypeError, match=r"params: expected a mapping"):
        hh_brian.simulate("hodgkin_huxley", 1 * ms, params=[("g_Na", 1)], target=_MustNotRun())


def test_values_in_messages_are_in_the_sources_units():
    with pytest.raises(ValueError, match=r"params\['v_rest'\]: expected finite values, got inf mV"):
        hh_brian.simulate("hodgkin_huxley", 1 * ms, params={"v_rest": np.inf * mV},
                          target=_MustNotRun())
    with pytest.raises(ValueError, match=r"steps of dt = 0\.01 ms; got 1\.005 ms"):
        hh_brian.simulate("hodgkin_huxley", 1.005 * ms, target=_MustNotRun())


# A step too long for the input or for the model: refused before anything runs, naming both.


@pytest.mark.parametrize("current, dt, message", [
    (None, 100 * ms, r"dt: 100 ms is too long for the input's protocol, whose steps last a "
                     r"fifth of the run each \(40 ms\), which needs at least 4 steps; give dt "
                     r"<= 10 ms"),
    (stimuli.pulse(5 * uA / cm**2, 10 * ms, 10.5 * ms), 0.2 * ms,
     r"input's pulse from 10 ms to 10.5 ms \(0.5 ms\).*give dt <= 0.125 ms"),
    (stimuli.ramp(0 * uA / cm**2, 5 * uA / cm**2, 10 * ms, 10.6 * ms), 0.2 * ms, r"ramp from"),
    (stimuli.sine(1 * uA / cm**2, 5000 * Hz), 0.1 * ms, r"sine of 5000 Hz, over a period"),
    (stimuli.smoothed_noise(1 * uA / cm**2, sigma=0.3 * ms), 0.1 * ms, r"noise, smoothed"),
    (stimuli.sampled(np.zeros(4000) * uA / cm**2, dt=0.05 * ms), 0.1 * ms,
     r"dt: 0.1 ms is longer than the sampled current's spacing \(0.05 ms\)"),
    # In a sum, each term is checked.
    (stimuli.constant(1 * uA / cm**2) + stimuli.pulse(5 * uA / cm**2, 0 * ms, 0.1 * ms),
     0.05 * ms, r"pulse from 0 ms to 0.1 ms"),
])
def test_a_step_that_would_skip_the_input_is_refused(current, dt, message):
    with pytest.raises(ValueError, match=message):
        hh_brian.plan_run("hodgkin_huxley", 200 * ms, current, dt=dt, target="numpy")


def test_a_step_at_the_limit_of_the_input_runs():
    plan = hh_brian.plan_run("hodgkin_huxley", 20 * ms,
                             stimuli.pulse(5 * uA / cm**2, 10 * ms, 10.4 * ms), dt=0.1 * ms,
                             target="numpy")
    assert plan.n_steps == 200


def test_an_explicit_step_beyond_the_fastest_time_constant_is_refused():
    # HH at rest: tau_m = 1/(alpha_m + beta_m) = 1/(2.5/(e^2.5 - 1) + 4) ms = 0.2368 ms, the
    # fastest; forward Euler grows errors beyond twice that.
    with pytest.raises(ValueError, match=r"dt: 0.5 ms is more than 2 times the model's fastest "
                                         r"time constant \(that of m, 0.2368 ms at v = -65 "
                                         r"mV\).*give dt <= 0.4735 ms, or the method "
                                         r"exponential_euler"):
        hh_brian.plan_run("hodgkin_huxley", 100 * ms, dt=0.5 * ms)
    # Warmer, the rates are faster: at 36.3 degC tau_m is 3**3 = 27 times shorter.
    with pytest.raises(ValueError, match=r"that of m, 0.008769 ms"):
        hh_brian.plan_run("hodgkin_huxley", 100 * ms, dt=0.02 * ms,
                          params={"T": hh_brian.celsius(36.3)})
    # Exponential Euler is stable at any step: only the input bounds it.
    assert hh_brian.plan_run("hodgkin_huxley", 100 * ms, dt=0.5 * ms,
                             method="exponential_euler").n_steps == 200
    # The state it starts from counts: a held gate, or another v.
    with pytest.raises(ValueError, match=r"at v = -40 mV"):
        hh_brian.plan_run("hodgkin_huxley", 100 * ms, dt=0.4 * ms, initial={"v": -40 * mV})
