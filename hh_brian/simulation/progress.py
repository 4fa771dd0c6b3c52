"""A text progress bar for long runs (a Brian2 report callback)."""

from __future__ import annotations

import sys

from brian2 import ms, second

__all__ = ["ProgressBar"]


class ProgressBar:
    """A text progress bar for runs that take longer than ``delay`` seconds of wall time.

    It is a Brian2 report callback: Brian2 calls it with the elapsed wall time, the fraction
    completed, the start time and the duration. Runs that finish within ``delay`` print
    nothing.

    Examples
    --------
    >>> import io
    >>> from brian2 import second, ms
    >>> stream = io.StringIO()
    >>> bar = ProgressBar(stream, delay=0)
    >>> bar(3*second, 0.5, 0*ms, 200*ms)
    >>> stream.getvalue().strip()
    '[###############...............]  50% of 200 ms, 3.0 s elapsed, ~3.0 s left'
    """

    def __init__(self, stream=None, delay: float = 2.0, width: int = 30):
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.width = width
        self._shown = False

    def __call__(self, elapsed, completed, start, duration):
        seconds = float(elapsed / second)
        if not self._shown and (seconds < self.delay or completed >= 1):
            return
        self._shown = True
        filled = int(round(self.width * completed))
        left = seconds * (1 - completed) / completed if completed > 0 else float("nan")
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {100 * completed:3.0f}% of {float(duration / ms):g} ms, "
                          f"{seconds:.1f} s elapsed, ~{left:.1f} s left")
        if completed >= 1:
            self.stream.write("\n")
        self.stream.flush()
