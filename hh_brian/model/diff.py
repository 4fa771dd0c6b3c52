"""What one model adds to another: the chapter's steps as short patches.

The point of the construction chapter is what step k adds to step k − 1. :func:`diff_models`
(also :meth:`hh_brian.Model.diff`) compares two models line by line, by the name each
equation defines: an equation whose name is new is *added*, one whose name disappeared is
*removed*, one whose name is in both with another right-hand side is *changed*. Parameters are
compared by name and value, gates by name. ``str()`` of the result reads like a patch: a
``@@`` line heads each part, ``-`` and ``+`` mark what went and what came, ``~`` a parameter
whose value changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..core.units import show_value

__all__ = ["ModelDiff", "diff_models"]


@dataclass(frozen=True)
class ModelDiff:
    """The difference between two models (``new`` compared with ``old``).

    Attributes
    ----------
    old, new : str
        The models' names.
    added, removed : tuple of str
        Equation lines (as Brian2 prints them) defining a name only the new, or only the old,
        model has; parameters declarations excluded.
    changed : tuple of (str, str)
        ``(old line, new line)`` for each name both define differently.
    params_added, params_removed : dict of str to Quantity
        Parameters only the new (old) model has, with their default values.
    params_changed : dict of str to (Quantity, Quantity)
        ``(old value, new value)`` of each shared parameter whose default differs.
    gates_added, gates_removed : tuple of str

    Examples
    --------
    >>> from hh_brian import get_model
    >>> step = get_model("two_conductances").diff(get_model("passive_membrane"))
    >>> print(step)
    passive_membrane -> two_conductances
    @@ equations
    - dv/dt = (I_stim - I_L) / C_m : volt
    + dv/dt = (I_stim - I_a - I_b) / C_m : volt
    - I_L = g_L * (v - E_L) : amp/meter**2
    + I_a = g_a * (v - E_a) : amp/meter**2
    + I_b = g_b * (v - E_b) : amp/meter**2
    @@ parameters
    - E_L = -65 mV
    - g_L = 1 mS/cm^2
    + E_a = -65 mV
    + E_b = 65 mV
    + g_a = 1 mS/cm^2
    + g_b = 1 mS/cm^2
    """

    old: str
    new: str
    added: tuple
    removed: tuple
    changed: tuple
    params_added: dict
    params_removed: dict
    params_changed: dict
    gates_added: tuple
    gates_removed: tuple

    def __bool__(self) -> bool:
        return any((self.added, self.removed, self.changed, self.params_added,
                    self.params_removed, self.params_changed, self.gates_added,
                    self.gates_removed))

    def __str__(self) -> str:
        lines = [f"{self.old} -> {self.new}"]
        equation_lines = []
        for old, new in self.changed:
            equation_lines += [f"- {old}", f"+ {new}"]
        equation_lines += [f"- {line}" for line in self.removed]
        equation_lines += [f"+ {line}" for line in self.added]
        if equation_lines:
            lines += ["@@ equations", *equation_lines]
        param_lines = [f"~ {name}: {show_value(old)} -> {show_value(new)}"
                       for name, (old, new) in sorted(self.params_changed.items())]
        param_lines += [f"- {name} = {show_value(value)}"
                        for name, value in sorted(self.params_removed.items())]
        param_lines += [f"+ {name} = {show_value(value)}"
                        for name, value in sorted(self.params_added.items())]
        if param_lines:
            lines += ["@@ parameters", *param_lines]
        gate_lines = [f"- {gate}" for gate in self.gates_removed]
        gate_lines += [f"+ {gate}" for gate in self.gates_added]
        if gate_lines:
            lines += ["@@ gates", *gate_lines]
        if len(lines) == 1:
            lines.append("(no difference)")
        return "\n".join(lines)


_DEFINITION = re.compile(r"^(?:d(?P<derivative>\w+)/dt|(?P<name>\w+))\s*=")


def _lines(equations: str) -> dict[str, str]:
    """Each defined name mapped to its line as the model writes it (comments and
    parameter declarations left out: parameters are compared by value)."""
    out = {}
    for raw in equations.splitlines():
        line = raw.split("#", 1)[0].strip()
        match = _DEFINITION.match(line)
        if match:
            out[match.group("derivative") or match.group("name")] = line
    return out


def diff_models(new, old) -> ModelDiff:
    """What ``new`` adds to, changes in and removes from ``old``.

    Parameters
    ----------
    new, old : Model

    Returns
    -------
    ModelDiff

    Examples
    --------
    >>> from hh_brian import get_model
    >>> step = diff_models(get_model("hodgkin_huxley"),
    ...                    get_model("inactivating_and_delayed_conductances"))
    >>> step.gates_added, step.gates_removed
    (('n', 'm', 'h'), ('a_act', 'a_inact', 'b'))
    """
    new_lines, old_lines = _lines(new.equations), _lines(old.equations)
    added = tuple(line for name, line in new_lines.items() if name not in old_lines)
    removed = tuple(line for name, line in old_lines.items() if name not in new_lines)
    changed = tuple((old_lines[name], line) for name, line in new_lines.items()
                    if name in old_lines and old_lines[name] != line)
    params_added = {k: v for k, v in new.params.items() if k not in old.params}
    params_removed = {k: v for k, v in old.params.items() if k not in new.params}
    params_changed = {k: (old.params[k], v) for k, v in new.params.items()
                      if k in old.params and not _same(old.params[k], v)}
    return ModelDiff(
        old=old.name, new=new.name, added=added, removed=removed, changed=changed,
        params_added=params_added, params_removed=params_removed,
        params_changed=params_changed,
        gates_added=tuple(g for g in new.gates if g not in old.gates),
        gates_removed=tuple(g for g in old.gates if g not in new.gates))


def _same(a, b) -> bool:
    return np.shape(a) == np.shape(b) and bool(np.all(np.asarray(a) == np.asarray(b)))
