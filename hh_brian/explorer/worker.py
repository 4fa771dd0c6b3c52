"""A background worker that only ever finishes the newest job.

The explorer submits a job whenever a control moves. A job submitted while another runs
supersedes it: the older result is dropped when it arrives (or the older run is stopped at
its next progress report, for targets that report), and jobs submitted in between are never
started. So a reader dragging a slider through twenty values waits for one run, not twenty.
"""

from __future__ import annotations

import threading
import traceback

__all__ = ["LatestOnly", "Superseded"]


class Superseded(Exception):
    """Raised inside a job (from its progress report) when a newer job has been submitted.

    Examples
    --------
    >>> isinstance(Superseded(), Exception)
    True
    """


class LatestOnly:
    """Run ``work(job, superseded)`` on one background thread, newest job only.

    Parameters
    ----------
    work : callable
        ``work(job, superseded)``; ``superseded()`` is True once a newer job exists (a long
        job may check it and raise :class:`Superseded`).
    deliver : callable
        ``deliver(result)`` with the newest job's result, or with the exception it raised
        (other than :class:`Superseded`). Called on the worker's thread.

    Examples
    --------
    >>> import time
    >>> done = []
    >>> worker = LatestOnly(lambda job, superseded: (time.sleep(0.05), job * 2)[1], done.append)
    >>> for job in range(5):
    ...     worker.submit(job)
    >>> worker.wait(5)
    True
    >>> done[-1], len(done) < 5  # the newest job's result; some older ones never ran
    (8, True)
    """

    def __init__(self, work, deliver):
        self._work, self._deliver = work, deliver
        self._condition = threading.Condition()
        self._pending = None
        self._generation = 0
        self._delivered = 0
        self._thread = None
        self._closed = False

    def submit(self, job) -> None:
        """Queue ``job``, superseding any job queued or running."""
        with self._condition:
            if self._closed:
                return
            self._generation += 1
            self._pending = (self._generation, job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="hh_brian-explorer",
                                                daemon=True)
                self._thread.start()
            self._condition.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the newest job's result is delivered; False on timeout."""
        with self._condition:
            return self._condition.wait_for(lambda: self._delivered == self._generation,
                                            timeout)

    def close(self) -> None:
        """Stop the thread once its current job ends; later submissions are ignored."""
        with self._condition:
            self._closed = True
            self._pending = None
            self._delivered = self._generation
            self._condition.notify_all()

    def _loop(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._pending is not None or self._closed)
                if self._closed:
                    return
                generation, job = self._pending
                self._pending = None

            def superseded(generation=generation):
                return generation != self._generation

            try:
                result = self._work(job, superseded)
            except Superseded:
                continue
            except Exception as error:  # delivered: the app shows it and stays usable
                result = error
            if superseded():
                continue
            try:
                self._deliver(result)
            except Exception:  # pragma: no cover - a broken deliver must not stop the worker
                traceback.print_exc()
            finally:
                with self._condition:
                    if generation == self._generation:
                        self._delivered = generation
                    self._condition.notify_all()
