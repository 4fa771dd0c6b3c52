"""The registry of code-generation targets by name."""

from __future__ import annotations

from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

from .base import Target
from .runtime import IEEECythonCodeObject, RuntimeTarget
from .standalone import StandaloneTarget

__all__ = ["TARGETS", "get_target", "register_target"]

#: Code-generation targets by name. :func:`register_target` adds one.
TARGETS: dict[str, Target] = {}


def register_target(name: str, target: Target) -> Target:
    """Register ``target`` under ``name`` (which must be new).

    Examples
    --------
    >>> from hh_brian.targets import TARGETS, register_target
    >>> register_target("numpy", TARGETS["numpy"])
    Traceback (most recent call last):
    ...
    ValueError: target name 'numpy' is already registered
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name: expected a non-empty string, got {name!r}")
    if not isinstance(target, Target):
        raise TypeError(f"target: expected a Target, got {target!r}")
    if name in TARGETS:
        raise ValueError(f"target name {name!r} is already registered")
    target.name = name
    TARGETS[name] = target
    return target


def get_target(target) -> Target:
    """The target a name, a :class:`Target` instance or a Target class stands for.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the registered ones.
    TypeError
        For anything else.

    Examples
    --------
    >>> get_target("numpy").name
    'numpy'
    >>> get_target("gpu")
    Traceback (most recent call last):
    ...
    ValueError: target: unknown target 'gpu'; valid targets: cython, numpy, cpp_standalone
    """
    if isinstance(target, Target):
        return target
    if isinstance(target, type) and issubclass(target, Target):
        return target()
    if isinstance(target, str):
        if target in TARGETS:
            return TARGETS[target]
        raise ValueError(f"target: unknown target {target!r}; valid targets: "
                         f"{', '.join(TARGETS)}")
    raise TypeError(f"target: expected a target name ({', '.join(TARGETS)}) or a Target, "
                    f"got {target!r}")


# Step costs: one HH neuron on this package's own benchmarks, rounded (seconds per step).
register_target("cython", RuntimeTarget(IEEECythonCodeObject,
                                        "Brian2 runtime, generated Cython compiled by g++",
                                        compiles_per_shape=True, step_cost=2e-6))
register_target("numpy", RuntimeTarget(NumpyCodeObject,
                                       "Brian2 runtime, generated vectorised numpy",
                                       step_cost=2e-5))
register_target("cpp_standalone", StandaloneTarget())
