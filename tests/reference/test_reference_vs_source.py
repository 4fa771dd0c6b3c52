"""The reference integrator against a literal transcription of the source's loops.

Tolerance 1e-9 mV: the transcription keeps the source's time grid (its delta_t jitters by
up to 2e-14 ms around 0.01 ms) and its raw 0/0-prone rate expressions, the reference uses a
fixed dt and exprel. Those differ by rounding only; measured differences are below 2e-11 mV.
"""

import numpy as np
import pytest

from hh_brian import reference
from source_loops import SOURCE_LOOPS

TOL = 1e-9  # mV (and the same absolute bound on gates)


# The notebook's 2-s run is a 200,000-step Python loop: it runs with the slow tests.
@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.slow)
                                  if name == "local_hh_dv_shape" else name
                                  for name in sorted(SOURCE_LOOPS)])
def test_reference_reproduces_source_loop(name, reference_runs):
    source = SOURCE_LOOPS[name]()
    ref = reference_runs(name)
    np.testing.assert_allclose(ref["t"], source["t"], rtol=0, atol=1e-9)
    for variable, values in source.items():
        if variable == "t":
            continue
        assert np.max(np.abs(ref[variable][0] - values)) <= TOL, variable


def test_reference_protocol_is_the_source_protocol():
    I = reference.source_protocol(10000, 30.0)
    assert np.all(I[:2000] == 0) and np.all(I[2000:4000] == 30) and np.all(I[4000:6000] == 0)
    assert np.all(I[6000:8000] == -30) and np.all(I[8000:] == 0)


def test_reference_hh_rates_are_finite_at_removable_singularities():
    out = reference.integrate("neuron_func_7", 5.0, 0.0, initial={"v": [-55.0, -40.0]})
    assert np.all(np.isfinite(out["v"]))
    # At u = 10 mV, alpha_n's limit is 0.1/ms; the steady state uses it.
    a, b = reference.MODELS["neuron_func_7"].rates(np.array([10.0]))["n"]
    assert a[0] == pytest.approx(0.1, rel=1e-15)


def test_reference_rejects_unknown_names():
    with pytest.raises(ValueError, match="neuron_func_1"):
        reference.integrate("neuron_func_9")
    with pytest.raises(ValueError, match="g_Na"):
        reference.integrate("neuron_func_7", params={"g_na": 1.0})
