"""The errors hh_brian raises on purpose, beyond Python's own ValueError and TypeError."""

from __future__ import annotations

__all__ = ["IntegrationError", "MissingExtra", "RecordingTooLarge"]


class IntegrationError(ArithmeticError):
    """The integration diverged: the state became NaN or infinite.

    Attributes
    ----------
    model : str
        The model's name.
    time : Quantity
        Simulated time of the first non-finite value.
    dt : Quantity
    method : str
    neurons : tuple of int
        The neurons that diverged (``(0,)`` for a single neuron).

    Examples
    --------
    Forward Euler at 0.1 ms is unstable for HH once the protocol's step starts:

    >>> from brian2 import ms
    >>> import hh_brian
    >>> try:
    ...     hh_brian.simulate("hodgkin_huxley", 50*ms, dt=0.1*ms, target="numpy")
    ... except IntegrationError as error:
    ...     print(error)
    hodgkin_huxley: the integration diverged: the state became NaN or infinite at t = 14.2 ms with dt = 0.1 ms and method 'euler'; try a smaller dt or method='exponential_euler'

    """

    def __init__(self, model: str, time, dt, method: str, neurons=(0,)):
        self.model, self.time, self.dt, self.method = model, time, dt, method
        self.neurons = tuple(neurons)
        which = ("" if self.neurons == (0,) else
                 f" in neuron(s) {list(self.neurons)[:10]}"
                 + (f" and {len(self.neurons) - 10} more" if len(self.neurons) > 10 else ""))
        #: What happened, without the advice (the command line gives its own).
        self.summary = (f"{model}: the integration diverged{which}: the state became NaN or "
                        f"infinite at t = {_ms(time)} with dt = {_ms(dt)} and method "
                        f"{method!r}")
        #: What to try: ``("dt",)`` or ``("dt", "exponential_euler")``.
        self.remedies = ("dt",) if method == "exponential_euler" else ("dt", "exponential_euler")
        advice = " or ".join({"dt": "a smaller dt",
                              "exponential_euler": "method='exponential_euler'"}[remedy]
                             for remedy in self.remedies)
        super().__init__(f"{self.summary}; try {advice}")

    def __reduce__(self):  # picklable, for process pools
        return (type(self), (self.model, self.time, self.dt, self.method, self.neurons))


def _ms(value) -> str:
    from brian2 import ms

    return f"{float(value / ms):g} ms"


class MissingExtra(ImportError):
    """A capability needs an optional extra that is not installed; the message names it.

    Attributes
    ----------
    extra : str
        The extra to install, as in ``pip install 'hh_brian[extra]'``.

    Examples
    --------
    >>> error = MissingExtra("bifurcation", "periodic orbits need AUTO-07p")
    >>> print(error)
    periodic orbits need AUTO-07p: pip install 'hh_brian[bifurcation]'
    >>> isinstance(error, ImportError)
    True
    """

    def __init__(self, extra: str, what: str):
        self.extra, self.what = extra, what
        super().__init__(f"{what}: pip install 'hh_brian[{extra}]'")

    def __reduce__(self):
        return (type(self), (self.extra, self.what))


class RecordingTooLarge(ValueError):
    """The requested recording would need more memory than allowed.

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import simulate, stimuli
    >>> try:
    ...     simulate("hodgkin_huxley", 1000*ms, stimuli.constant(np.zeros(10000)*uA/cm**2))
    ... except RecordingTooLarge as error:
    ...     print(str(error)[:60])
    memory_limit: recording 8 trace(s) of 10000 neuron(s) x 1000
    """
