"""A text progress bar for long runs (a Brian2 report callback) and other long loops."""

from __future__ import annotations

import sys

from brian2 import ms, second

__all__ = ["ProgressBar"]


class ProgressBar:
    """A text progress bar, on one line, for work that takes longer than ``delay`` seconds.

    Called, it is a Brian2 report callback: Brian2 calls it with the elapsed wall time, the
    fraction completed, the start time and the duration. Runs that finish within ``delay``
    print nothing. Other loops (a fit's generations) draw it with :meth:`show` and end its
    line with :meth:`close`.

    Examples
    --------
    >>> import io
    >>> from brian2 import second, ms
    >>> stream = io.StringIO()
    >>> bar = ProgressBar(stream, delay=0)
    >>> bar(3*second, 0.5, 0*ms, 200*ms)
    >>> stream.getvalue().strip()
    '[###############...............]  50% of 200 ms, 3.0 s elapsed, ~3.0 s left'

    A loop of known length at most, with its own text:

    >>> stream = io.StringIO()
    >>> bar = ProgressBar(stream, delay=0, width=10)
    >>> bar.show(0.3, 1.5, "step 6 of 20, 1.5 s elapsed")
    >>> bar.close()
    >>> stream.getvalue()
    '\\r[###.......] step 6 of 20, 1.5 s elapsed\\n'
    """

    def __init__(self, stream=None, delay: float = 2.0, width: int = 30):
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.width = width
        self._shown = False
        self._length = 0  # of the line last drawn, to blank what a shorter one leaves

    def __call__(self, elapsed, completed, start, duration):
        seconds = float(elapsed / second)
        if not self._shown and (seconds < self.delay or completed >= 1):
            return
        left = seconds * (1 - completed) / completed if completed > 0 else float("nan")
        self.show(completed, seconds, f"{100 * completed:3.0f}% of {float(duration / ms):g} ms, "
                                      f"{seconds:.1f} s elapsed, ~{left:.1f} s left")
        if completed >= 1:
            self.close()

    def show(self, completed: float, seconds: float, text: str) -> None:
        """Draw the bar ``completed`` (0 to 1) of the way, with ``text`` after it, over the
        line drawn before; nothing until ``seconds`` (elapsed) reaches ``delay``."""
        if not self._shown and seconds < self.delay:
            return
        self._shown = True
        filled = round(self.width * min(max(completed, 0.0), 1.0))
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {text}"
        self.stream.write("\r" + line + " " * max(self._length - len(line), 0))
        self._length = len(line)
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line, if one was drawn; a later :meth:`show` starts a new bar."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
        self._shown, self._length = False, 0
