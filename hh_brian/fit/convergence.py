"""Whether a fit converged: each stage's own test, and what it means for the intervals.

A fit has two stages, and each stops either because its test was met or because it ran out
of its budget:

* The search (differential evolution) has **settled** when scipy's test is met: the spread
  (standard deviation) of its population's costs is below ``tol`` times their mean. A search
  that stops at ``maxiter`` generations without meeting it has settled too if its population
  has gathered into a small part of the box: across the population, each free quantity
  spans less than :data:`SETTLED_SPREAD` of its search range. The second test is there for a
  recording without noise. Its costs near the optimum fall towards zero together, so their
  spread stays of the order of their mean however close the population comes, and scipy's
  test is seldom met; the population's values, though, gather as they do for a noisy
  recording.
* The polish (scipy's ``least_squares``) has **converged** when it stops on one of its tests
  (``ftol``, ``xtol`` or ``gtol``: its status 1 to 4), not when it stops at its limit of
  evaluations (status 0).

The fit converged when both did; without a polish, when the search settled (the estimate is
then the search's best candidate). The intervals are read off the curvature of the cost at
the estimate: they are confidence intervals at a minimum of the cost, the global one, and
nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SETTLED_SPREAD", "Convergence", "FitNotConverged", "polish_convergence",
           "search_convergence"]

#: A search that ran out of generations has settled if, across its population, each free
#: quantity spans less than this fraction of its search range. A population that meets
#: scipy's test on a noisy recording spans well below it; one still exploring the box spans
#: most of it.
SETTLED_SPREAD = 0.05

# least_squares's status when one of its tests was met, and the test.
_POLISH_TESTS = {1: "gtol", 2: "ftol", 3: "xtol", 4: "ftol and xtol"}


class FitNotConverged(UserWarning):
    """A fit stopped before its tests were met: its intervals are not confidence intervals.

    :func:`hh_brian.fit.fit_trace` warns with it; the result's
    :attr:`~hh_brian.fit.FitResult.convergence` says how each stage stopped. To make it an
    error: ``warnings.simplefilter("error", FitNotConverged)``.

    Examples
    --------
    A search of one generation has not settled:

    >>> import warnings  # doctest: +SLOW
    >>> from brian2 import ms, mS, uA, cm
    >>> import hh_brian
    >>> from hh_brian import fit, stimuli
    >>> step = stimuli.step(5*uA/cm**2, start=2*ms)
    >>> v = hh_brian.simulate("passive_membrane", 10*ms, step, target="numpy", dt=0.1*ms).v
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     result = fit.fit_trace("passive_membrane", v, step, dt=0.1*ms, target="numpy",
    ...                            free={"g_L": (0.1, 2)*mS/cm**2}, maxiter=1, popsize=5)
    >>> result.converged, caught[-1].category.__name__
    (False, 'FitNotConverged')
    >>> print(str(caught[-1].message)[:92])
    passive_membrane: the fit did not converge: the search stopped at its limit of 1 generation,
    """


@dataclass(frozen=True)
class Convergence:
    """How each stage of a fit stopped, and whether it met its own test.

    Attributes
    ----------
    search_settled : bool
        The search met scipy's test (its population's costs agree within ``tol``), or ran
        out of generations with its population gathered (:data:`SETTLED_SPREAD`).
    search : str
        How the search stopped, in one sentence.
    polish_converged : bool or None
        The polish stopped on one of its tests (``ftol``, ``xtol``, ``gtol``), not at its
        limit of evaluations; None for a fit without a polish.
    polish : str
        How the polish stopped, in one sentence ("" without a polish).

    Examples
    --------
    >>> c = Convergence(search_settled=True, search="the search settled",
    ...                 polish_converged=False, polish="the polish ran out of evaluations")
    >>> c.converged, c.reasons
    (False, ('the polish ran out of evaluations',))
    >>> print(c.interval_note(0.95))
    not a 95% confidence interval: read where the fit stopped, which is not a minimum of the cost
    """

    search_settled: bool
    search: str
    polish_converged: bool | None
    polish: str = ""

    @property
    def converged(self) -> bool:
        """Both stages met their tests (without a polish: the search settled)."""
        return self.search_settled and self.polish_converged is not False

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the fit did not converge: the sentence of each stage that did not; empty when
        it converged."""
        return tuple(sentence for sentence, met in ((self.search, self.search_settled),
                                                    (self.polish, self.polish_converged))
                     if met is False)

    def interval_note(self, level: float) -> str:
        """What the intervals are when the fit did not converge ("" when it did)."""
        if self.converged:
            return ""
        if self.polish_converged:
            # A minimum of the cost, but not shown to be the global one.
            return (f"a {level:.0%} confidence interval only if this minimum of the cost is "
                    f"the global one, which the search did not settle on")
        return (f"not a {level:.0%} confidence interval: read where the fit stopped, which is "
                f"not a minimum of the cost")

    def summary(self, level: float) -> str:
        """The fit's verdict in one line: converged, or why not and what its intervals are.

        Examples
        --------
        >>> Convergence(False, "the search stopped at its limit of 2 generations", True,
        ...             "the polish met its ftol test in 4 evaluations").summary(0.95)
        'the fit did not converge: the search stopped at its limit of 2 generations; its intervals are 95% confidence intervals only if its minimum is the global one'
        """
        if self.converged:
            return "the fit converged: " + "; ".join(s for s in (self.search, self.polish) if s)
        if self.polish_converged:
            meaning = (f"its intervals are {level:.0%} confidence intervals only if its "
                       f"minimum is the global one")
        else:
            meaning = (f"its intervals are not {level:.0%} confidence intervals (read where it "
                       f"stopped, not at a minimum of the cost)")
        return f"the fit did not converge: {'; '.join(self.reasons)}; {meaning}"

    def to_dict(self) -> dict:
        """Plain values, for JSON."""
        return {"converged": self.converged, "search_settled": self.search_settled,
                "search": self.search, "polish_converged": self.polish_converged,
                "polish": self.polish, "reasons": list(self.reasons)}


def search_convergence(search, *, maxiter: int, tol: float) -> tuple[bool, str]:
    """Whether differential evolution settled, and how it stopped, in a few words.

    Parameters
    ----------
    search : OptimizeResult
        What :func:`scipy.optimize.differential_evolution` returned, searching the unit
        cube (so that its population's coordinates are fractions of the search ranges).
    maxiter : int
        Its limit of generations.
    tol : float
        Its tolerance.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.optimize import OptimizeResult
    >>> gathered = OptimizeResult(success=False, nit=300, message="Maximum number of ...",
    ...                           population=0.5 + 0.002 * np.eye(3),
    ...                           population_energies=np.array([100., 200., 300.]))
    >>> search_convergence(gathered, maxiter=300, tol=0.01)
    (True, 'the search gathered within 0.2% of each range in 300 generations (costs not within tol = 0.01, as near a noise-free optimum)')
    """
    costs = np.asarray(search.population_energies, dtype=float)
    spread = float(np.max(np.ptp(np.asarray(search.population), axis=0)))
    mean = float(np.mean(costs))
    relative = float(np.std(costs)) / abs(mean) if mean else 0.0
    if search.success:
        return True, (f"the search settled in {_generations(search.nit)} (costs within "
                      f"tol = {tol:g})")
    if search.nit < maxiter:
        return False, (f"the search stopped after {_generations(search.nit)}: "
                       f"{search.message}")
    if spread < SETTLED_SPREAD:
        return True, (f"the search gathered within {spread:.1%} of each range in "
                      f"{_generations(maxiter)} (costs not within tol = {tol:g}, as near a "
                      f"noise-free optimum)")
    return False, (f"the search stopped at its limit of {_generations(maxiter)}, unsettled (its "
                   f"costs spread by {relative:.0%} of their mean, tol = {tol:g}; a free "
                   f"quantity over {spread:.0%} of its range): allow more generations")


def polish_convergence(polish, *, max_nfev: int, costs=()) -> tuple[bool, str]:
    """Whether least squares converged, and how it stopped, in a few words.

    Parameters
    ----------
    polish : OptimizeResult
        What :func:`scipy.optimize.least_squares` returned.
    max_nfev : int
        Its limit of evaluations.
    costs : sequence of float
        The cost at each point it kept, in order: the last step's decrease is quoted.

    Examples
    --------
    >>> from scipy.optimize import OptimizeResult
    >>> polish_convergence(OptimizeResult(status=0, nfev=300, message="..."), max_nfev=300,
    ...                    costs=[0.20, 0.195])
    (False, 'the polish stopped at its limit of 300 evaluations, no test met (its last step still lowered the cost by 2.5 %): the estimate is not a minimum of the cost')
    """
    if polish.status in _POLISH_TESTS:
        return True, (f"the polish met its {_POLISH_TESTS[polish.status]} test in "
                      f"{_counted(polish.nfev, 'evaluation')}")
    if polish.status == 0:
        falling = ""
        if len(costs) >= 2 and costs[-2] > 0:
            drop = 100 * (costs[-2] - costs[-1]) / costs[-2]
            falling = f" (its last step still lowered the cost by {drop:.2g} %)"
        return False, (f"the polish stopped at its limit of {_counted(max_nfev, 'evaluation')}, "
                       f"no test met{falling}: the estimate is not a minimum of the cost")
    return False, f"the polish stopped: {polish.message}"


def _generations(n: int) -> str:
    return _counted(n, "generation")


def _counted(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")
