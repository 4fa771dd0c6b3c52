"""Temperature: a parameter of every model with gates, unit-safe, HH 1952's Q10 on the rates.

At 6.3 °C (HH's own temperature, every model's default) the factor phi is exactly 1, so the
models' results are those of the source (the seeds' loops still agree: tests/reference).
"""

import numpy as np
import pytest
from brian2 import DimensionMismatchError, kelvin, ms, mV, uA, cm

import hh_brian
from hh_brian import analysis, celsius
from hh_brian.core.units import parse_quantity, to_celsius, to_display

GATED = [m.name for m in hh_brian.list_models() if m.gates]


@pytest.mark.parametrize("name", GATED)
def test_every_gated_model_has_hh_s_temperature_by_default(name):
    model = hh_brian.get_model(name)
    assert model.params["T"] == celsius(6.3) == 279.45 * kelvin
    assert model.params["Q10"] == 3.0
    assert "phi" in model.equations


def test_models_without_gates_have_no_temperature():
    for name in ("passive_membrane", "two_conductances"):
        assert "T" not in hh_brian.get_model(name).params


@pytest.mark.parametrize("name", GATED)
def test_ten_degrees_warmer_every_time_constant_is_three_times_shorter(name):
    v = np.linspace(-90, 30, 13) * mV
    cold = analysis.gate_curves(name, v)
    warm = analysis.gate_curves(hh_brian.get_model(name).with_params(T=celsius(16.3)), v)
    for gate in cold:
        # Q10 = 3 per 10 degC; steady states do not move (HH 1952).
        np.testing.assert_allclose(warm[gate]["time_constant"] / ms,
                                   cold[gate]["time_constant"] / ms / 3, rtol=1e-12)
        np.testing.assert_array_equal(warm[gate]["steady_state"], cold[gate]["steady_state"])


def test_a_temperature_needs_its_unit_and_an_exact_conversion():
    model = hh_brian.get_model("hodgkin_huxley")
    with pytest.raises(DimensionMismatchError, match="params\\['T'\\]: expected a temperature"):
        model.with_params(T=18.5)  # a bare number: kelvin or Celsius? refused
    with pytest.raises(ValueError, match=r"outside the physical range of T \(\[0, 45\] degC\)"):
        model.with_params(T=18.5 * kelvin)  # 18.5 K, meant as Celsius: far outside
    assert model.with_params(T=291.65 * kelvin).params["T"] == celsius(18.5)
    assert parse_quantity("18.5degC", kelvin, "--param T") == celsius(18.5)
    assert parse_quantity("291.65K", kelvin, "--param T") == celsius(18.5)
    assert float(to_celsius(celsius(18.5))) == 18.5
    assert to_display(celsius(6.3))[1] == "degC"


def test_warmer_hh_fires_faster_and_the_run_agrees_with_the_reference():
    """The reference's own transcription of the temperature factor, at 18.5 degC."""
    from hh_brian.reference.compare import compare_with_reference

    run = hh_brian.simulate("hodgkin_huxley", 30 * ms, 10 * uA / cm**2, target="numpy",
                            params={"T": celsius(18.5)})
    assert len(run.spike_times()) == 6  # 2 at 6.3 degC
    warm = hh_brian.get_model("hodgkin_huxley").with_params(T=celsius(18.5))
    agreement = compare_with_reference(warm, "numpy", max_steps=3000)
    assert agreement.max_dv <= 1e-8


def test_temperature_is_a_parameter_everywhere_a_parameter_goes():
    from hh_brian.fit.parameters import free_parameters
    from hh_brian.sweeps import sweep

    free = free_parameters("hodgkin_huxley", {"T": (celsius(5), celsius(25))})
    assert free.items[0].unit_name == "K" and free.items[0].bounds == (278.15, 298.15)
    ds = sweep("hodgkin_huxley", {"T": celsius([6.3, 18.5])}, current=10 * uA / cm**2,
               duration=30 * ms, target="numpy")
    assert ds.T.attrs["units"] == "degC" and ds.T.values.tolist() == [6.3, 18.5]
    assert ds.spike_count.values.tolist() == [2, 6]
    assert hh_brian.cli.main(["run", "hodgkin_huxley", "--param", "T=18.5degC", "--duration",
                              "1ms", "--target", "numpy", "--quiet"]) == 0
