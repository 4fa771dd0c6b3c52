"""Bad input raises an error that names the argument and lists the valid choices."""

import numpy as np
import pytest
from brian2 import DimensionMismatchError, mS, ms, mV, nA, uA, cm, second

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
    with pytest.raises(ValueError, match=r"target: unknown target 'gpu'; valid targets: cython, numpy"):
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
