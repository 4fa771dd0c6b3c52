"""Old import paths, kept for one release: each still works and warns, naming the new one.

The package was regrouped by family (``core``, ``model``, ``simulation``, ``sweeps``,
``analysis``, ``reference``, ``cli``, ``course``). A module that moved is found under its
old name by :class:`MovedModules` (installed by the package's ``__init__``); a name that
moved out of a module that still exists is found by that module's ``__getattr__``, made by
:func:`moved_names`. Both raise a :class:`DeprecationWarning` that names the new path.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings

__all__ = ["MOVED_MODULES", "MOVED_NAMES", "MovedModules", "moved_names"]

#: Old module paths and their new ones.
MOVED_MODULES = {
    "hh_brian.errors": "hh_brian.core.errors",
    "hh_brian.units": "hh_brian.core.units",
    "hh_brian.ranges": "hh_brian.core.ranges",
    "hh_brian.traces": "hh_brian.core.traces",
    "hh_brian.expressions": "hh_brian.model.functions",
    "hh_brian.modeldiff": "hh_brian.model.diff",
    "hh_brian.parallel": "hh_brian.sweeps.jobs",
    "hh_brian.regimes": "hh_brian.sweeps.regimes",
    "hh_brian.gallery": "hh_brian.course.gallery",
    "hh_brian.validation": "hh_brian.reference.compare",
    "hh_brian.standalone": "hh_brian.targets.standalone",
    "hh_brian.fit.demo": "hh_brian.course.fit_demo",
    "hh_brian.fit.teaching": "hh_brian.course.teaching",
}

#: Names that moved out of a module that still exists: ``{module: {old name: (new module,
#: new name)}}``.
MOVED_NAMES = {
    "hh_brian.models": {name: ("hh_brian.model", name) for name in (
        "MODELS", "Model", "RESERVED_NAMES", "get_model", "list_models", "register",
        "validate_params")},
    "hh_brian.plotting": {
        **{name: ("hh_brian.sweeps.plot", name)
           for name in ("REGIME_COLOURS", "plot_fi_curve", "plot_regime_map")},
        **{name: ("hh_brian.course.notebook_figures", name)
           for name in ("plot_dvdt_at_v_vs_gate", "plot_dvdt_family",
                        "plot_dvdt_relative_change", "plot_izhikevich_comparison",
                        "plot_noise_run")}},
    "hh_brian.targets": {"RunSpec": ("hh_brian.targets.base", "RunPlan")},
    "hh_brian.targets.base": {"RunSpec": ("hh_brian.targets.base", "RunPlan")},
    "hh_brian.fit": {"sweep": ("hh_brian.fit.data", "recorded_sweep")},
    "hh_brian.course.gallery": {"HH_PUBLISHED": ("hh_brian.models", "HH_1952")},
    "hh_brian.fit.data": {"sweep": ("hh_brian.fit.data", "recorded_sweep")},
}


def _warn(old: str, new: str) -> None:
    warnings.warn(f"{old} moved to {new}; the old path goes in the next release",
                  DeprecationWarning, stacklevel=3)


class _Alias(importlib.abc.Loader):
    def __init__(self, new: str):
        self.new = new

    def create_module(self, spec):
        return importlib.import_module(self.new)

    def exec_module(self, module):
        pass


class MovedModules(importlib.abc.MetaPathFinder):
    """Finds a moved module under its old name: the new module, with a warning.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     from hh_brian.parallel import run_job
    >>> run_job.__module__, str(caught[0].message)
    ('hh_brian.sweeps.jobs', 'hh_brian.parallel moved to hh_brian.sweeps.jobs; the old path goes in the next release')
    """

    def find_spec(self, fullname, path=None, target=None):
        new = MOVED_MODULES.get(fullname)
        if new is None:
            return None
        _warn(fullname, new)
        return importlib.machinery.ModuleSpec(fullname, _Alias(new))


def install() -> None:
    """Put :class:`MovedModules` on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, MovedModules) for finder in sys.meta_path):
        sys.meta_path.append(MovedModules())


def moved_names(module: str):
    """A module ``__getattr__`` that finds the names that moved out of ``module``.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     from hh_brian.models import get_model
    >>> get_model.__module__, str(caught[0].message)
    ('hh_brian.model.core', 'hh_brian.models.get_model moved to hh_brian.model.get_model; the old path goes in the next release')
    """
    moved = MOVED_NAMES.get(module, {})

    def __getattr__(name):
        if name in moved:
            new_module, new_name = moved[name]
            _warn(f"{module}.{name}", f"{new_module}.{new_name}")
            return getattr(importlib.import_module(new_module), new_name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
