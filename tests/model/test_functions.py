"""hh_brian.model.functions: the numpy evaluator gives what Brian2 itself computes."""

import numpy as np
import pytest
from brian2 import NeuronGroup, cm, mV, uA
from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

import hh_brian
from hh_brian import analysis


@pytest.mark.parametrize("model", hh_brian.list_models(), ids=lambda m: m.name)
def test_evaluator_agrees_with_brian2(model):
    """Every subexpression, evaluated by the package and by Brian2's numpy code generation.

    The gates are set by Brian2 itself from their steady-state expressions, so both sides
    are independent. Tolerance: 1e-12 relative; both evaluate the same expressions in double
    precision, but Brian2 first rewrites them with sympy, which may reorder the arithmetic.
    """
    v = np.linspace(-100, 60, 33) * mV
    group = NeuronGroup(len(v), model.brian2_equations(), namespace={},
                        codeobj_class=NumpyCodeObject)
    for name, value in model.params.items():
        setattr(group, name, value)
    group.v = v
    for gate, (steady_state, _) in model.gates.items():
        group.state(gate).set_item(slice(None), steady_state, namespace={})
    group.I_stim = 1.5 * uA / cm**2
    eqs = model.brian2_equations()
    names = [name for name, eq in eqs.items() if eq.type == "subexpression"]
    ours = analysis.evaluate(model, names, v, I_stim=1.5 * uA / cm**2)
    for name in names:
        expected = np.asarray(group.state(name, use_units=True).get_item(slice(None),
                                                                         namespace={}))
        np.testing.assert_allclose(np.asarray(ours[name]), expected, rtol=1e-12, atol=1e-300,
                                   err_msg=name)
