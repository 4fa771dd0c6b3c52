"""hh_brian's own errors print only themselves.

Brian2 replaces ``sys.excepthook`` when it is imported: any uncaught exception then prints
"Brian 2 encountered an unexpected error. If you think this is a bug in Brian 2…" and keeps a
debug log file. For a wrong model name or a unit mistake that hh_brian itself reports, that
banner is wrong and alarming. The hook installed here passes an exception raised by
hh_brian's own code (or an :class:`~hh_brian.core.errors.IntegrationError`) to Python's default
hook, which prints the traceback and the message only, and passes every other exception on
to the hook that was there before (Brian2's), so genuine Brian2 failures keep Brian2's
diagnostics and programs using Brian2 directly behave as before.
"""

from __future__ import annotations

import pathlib
import sys

from .errors import IntegrationError

__all__ = ["install_excepthook", "raised_by_hh_brian"]

#: The package's folder: an error raised from a file below it is hh_brian's own.
_PACKAGE = pathlib.Path(__file__).resolve().parent.parent


def raised_by_hh_brian(error: BaseException) -> bool:
    """Whether hh_brian raised ``error`` itself (its innermost frame is hh_brian's code).

    Examples
    --------
    >>> import hh_brian
    >>> try:
    ...     hh_brian.get_model("no such model")
    ... except ValueError as error:
    ...     raised_by_hh_brian(error)
    True
    """
    if isinstance(error, IntegrationError):
        return True
    tb = error.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    try:
        return pathlib.Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(_PACKAGE)
    except (OSError, ValueError):
        return False


def _hook(exc_type, error, tb):
    if raised_by_hh_brian(error):
        return sys.__excepthook__(exc_type, error, tb)
    return _hook.previous(exc_type, error, tb)


def install_excepthook() -> None:
    """Wrap the current ``sys.excepthook`` (once per process); importing hh_brian does it.

    Examples
    --------
    >>> import sys
    >>> install_excepthook()
    >>> sys.excepthook._hh_brian
    True
    """
    if getattr(sys.excepthook, "_hh_brian", False):
        return
    _hook.previous = sys.excepthook
    _hook._hh_brian = True
    sys.excepthook = _hook
