"""Brian2 plumbing shared by :mod:`hh_brian.simulation` and :mod:`hh_brian.analysis`.

Every string expression is resolved with an explicit, empty run namespace, so that nothing
from a caller's local variables can leak into a model.
"""

from __future__ import annotations

from brian2 import NeuronGroup

from .models import Model


def build_group(model: Model, n_neurons: int, codeobj_class, *, stimulus_eqs=None,
                namespace=None, clock=None, method="euler", threshold=None,
                name="neurons*") -> NeuronGroup:
    """A NeuronGroup of ``model`` with its parameters set (v and gates not yet).

    With ``threshold`` (volts), the group emits a spike when v crosses it upwards: it stays
    refractory while v is above, so each crossing counts once.
    """
    condition = None if threshold is None else f"v > {float(threshold)!r}*volt"
    group = NeuronGroup(n_neurons, model.brian2_equations(stimulus_eqs), method=method,
                        clock=clock, namespace=dict(namespace or {}),
                        codeobj_class=codeobj_class, threshold=condition,
                        refractory=condition if condition else False, name=name)
    for name, value in model.params.items():
        assign(group, name, value)
    return group


def set_initial_state(group: NeuronGroup, model: Model, initial) -> None:
    """Set v to ``initial["v"]`` and every gate to ``initial[gate]`` or its steady state."""
    assign(group, "v", initial["v"])
    for gate, (steady_state, _) in model.gates.items():
        # A gate not given explicitly starts at its steady state for the initial v.
        assign(group, gate, initial.get(gate, steady_state))


def assign(group: NeuronGroup, name: str, value) -> None:
    """Set a variable to a value, per-neuron array, or string expression of the group."""
    group.state(name, use_units=True).set_item(slice(None), value, namespace={})


def read(group: NeuronGroup, name: str):
    """Current value of a variable or subexpression, with units, one per neuron."""
    return group.state(name, use_units=True).get_item(slice(None), namespace={})
