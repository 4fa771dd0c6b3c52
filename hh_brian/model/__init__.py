"""What a model is: the :class:`Model` value, its checks, its LaTeX, its diff, the registry.

* :mod:`~hh_brian.model.core`: :class:`Model` and the registry (:func:`get_model`,
  :func:`list_models`, :func:`register`, :data:`MODELS`);
* :mod:`~hh_brian.model.checks`: what makes equations, parameter values and an initial
  state valid;
* :mod:`~hh_brian.model.functions`: a model's expressions evaluated with numpy;
* :mod:`~hh_brian.model.latex`, :mod:`~hh_brian.model.diff`: its equations typeset, and
  what one model adds to another.

The models themselves are the catalogue, :mod:`hh_brian.models`.
"""

from .checks import RESERVED_NAMES, validate_params
from .core import MODELS, Model, get_model, list_models, register
from .diff import ModelDiff, diff_models
from .functions import ModelFunctions

__all__ = ["MODELS", "Model", "ModelDiff", "ModelFunctions", "RESERVED_NAMES", "diff_models",
           "get_model", "list_models", "register", "validate_params"]
