"""The C++ standalone target, :mod:`hh_brian.targets.standalone`, under its short name.

``hh_brian.standalone.BuildError``, ``cache_dir()`` and ``build_count()`` are documented there.
"""

from .targets.standalone import COMPILE_FLAGS, BuildError, StandaloneTarget, build_count, cache_dir

__all__ = ["BuildError", "COMPILE_FLAGS", "StandaloneTarget", "build_count", "cache_dir"]
