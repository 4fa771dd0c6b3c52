"""The wording of messages: a count with its noun, and the name a misspelt one was meant to be."""

from __future__ import annotations

import difflib

__all__ = ["counted", "did_you_mean"]


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and ``noun``, the noun plural unless the number is one.

    Examples
    --------
    >>> counted(1, "spike"), counted(0, "spike"), counted(3, "figure")
    ('1 spike', '0 spikes', '3 figures')
    >>> counted(2, "neuron-step", "neuron-steps")
    '2 neuron-steps'
    """
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


def did_you_mean(name: str, valid) -> str:
    """``" did you mean 'X'?"`` for the valid name closest to a misspelt ``name``, or ``""``
    when none is close: a suffix for an error message.

    Examples
    --------
    >>> did_you_mean("hodgkin_huxly", ["hodgkin_huxley", "neuron_func_7"])
    " did you mean 'hodgkin_huxley'?"
    >>> did_you_mean("gNa", ["g_Na", "g_K", "g_L"])
    " did you mean 'g_Na'?"
    >>> did_you_mean("zebra", ["g_Na", "g_K"])
    ''
    """
    close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    if not close:
        lowered = {str(v).lower(): v for v in valid}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    return f" did you mean {close[0]!r}?" if close else ""
