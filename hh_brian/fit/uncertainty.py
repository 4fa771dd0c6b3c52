"""How sure a least-squares estimate is: noise, covariance, intervals and correlations.

The recording is taken as the model plus independent Gaussian noise of one standard deviation
σ. The cost is then −2 log-likelihood up to constants, and near its minimum it is quadratic
with curvature JᵀJ/σ², where J is the Jacobian of the residuals with respect to the free
parameters (the Fisher information). Its inverse, σ̂²(JᵀJ)⁻¹, is the covariance of the
estimate; σ̂² = RSS/(n − p) estimates the noise from the residuals themselves.

This *linearised* (Gauss–Newton) estimate is chosen over a profile likelihood or a parametric
bootstrap because it costs one batched run of 2p candidates instead of dozens of refits, and
because with thousands of samples per sweep the cost is quadratic over the whole interval.
It is only as good as that assumption and the noise model: correlated noise (drift, 50 Hz
hum, channel noise) makes the intervals too narrow, and a model that cannot reproduce the
recording puts its own error into σ̂. The test suite checks the intervals' coverage over
many noise draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["Uncertainty", "from_jacobian"]


@dataclass(frozen=True)
class Uncertainty:
    """The linearised uncertainty of a least-squares estimate (plain numbers).

    Attributes
    ----------
    noise : float
        σ̂ = sqrt(RSS / (n − p)), in the residuals' unit.
    covariance : ndarray, shape (p, p)
        σ̂² (JᵀJ)⁻¹, in the parameters' units.
    standard_errors : ndarray, shape (p,)
        Infinite for a parameter that does not move the residuals at all.
    half_widths : ndarray, shape (p,)
        Half-width of the ``level`` confidence interval: t quantile × standard error.
    correlations : ndarray, shape (p, p)
    level : float
    dof : int
        n − p.
    condition : float
        Condition number of J with its columns scaled to unit length (so that it does not
        depend on the units): large values (> 1e8) say that some combination of parameters
        is not determined by the recording; infinite when a parameter has no effect at all.

    Examples
    --------
    >>> import numpy as np
    >>> u = from_jacobian(np.array([[1.0], [1.0], [1.0], [1.0]]), np.array([1., -1., 1., -1.]))
    >>> round(float(u.noise), 4), round(float(u.standard_errors[0]), 4), u.dof
    (1.1547, 0.5774, 3)
    """

    noise: float
    covariance: np.ndarray
    standard_errors: np.ndarray
    half_widths: np.ndarray
    correlations: np.ndarray
    level: float
    dof: int
    condition: float


def from_jacobian(jacobian, residuals, level: float = 0.95) -> Uncertainty:
    """The uncertainty of an estimate from the residuals' Jacobian and the residuals there.

    Parameters
    ----------
    jacobian : array, shape (n, p)
        d residual / d parameter at the estimate.
    residuals : array, shape (n,)
    level : float
        Confidence level of the intervals.

    Examples
    --------
    A straight line y = a + b x fitted to 5 points: the standard errors of
    :func:`scipy.stats.linregress` (0.1166 and 0.0476).

    >>> import numpy as np
    >>> x = np.arange(5.0)
    >>> y = np.array([0.1, 0.9, 2.1, 2.9, 4.2])
    >>> J = np.column_stack([np.ones(5), x])
    >>> coef, *_ = np.linalg.lstsq(J, y, rcond=None)
    >>> u = from_jacobian(J, J @ coef - y)
    >>> np.round(u.standard_errors, 4), u.dof
    (array([0.1166, 0.0476]), 3)
    """
    jacobian = np.asarray(jacobian, dtype=float)
    residuals = np.asarray(residuals, dtype=float)
    n, p = jacobian.shape
    dof = n - p
    if dof < 1:
        raise ValueError(f"residuals: {n} samples cannot determine {p} parameters")
    rss = float(residuals @ residuals)
    noise = np.sqrt(rss / dof)
    # A parameter that does not move the residuals (a column of zeros) is not determined at
    # all: its variance is infinite and its correlations undefined. The others' covariance
    # comes through the SVD of their columns.
    scales = np.linalg.norm(jacobian, axis=0)
    determined = scales > 0
    covariance = np.full((p, p), np.nan)
    np.fill_diagonal(covariance, np.inf)
    condition = np.inf
    if determined.any():
        _, singular, vt = np.linalg.svd(jacobian[:, determined], full_matrices=False)
        inner = noise**2 * (vt.T / singular**2) @ vt if singular[-1] > 0 else np.full(
            (determined.sum(),) * 2, np.inf)
        covariance[np.ix_(determined, determined)] = inner
        # On columns of unit length, so that it does not depend on the units chosen.
        normalised = np.linalg.svd(jacobian[:, determined] / scales[determined],
                                   compute_uv=False)
        if determined.all() and normalised[-1] > 0:
            condition = float(normalised[0] / normalised[-1])
    standard_errors = np.sqrt(np.diag(covariance))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlations = covariance / np.outer(standard_errors, standard_errors)
    correlations[~np.isfinite(correlations)] = np.nan
    np.fill_diagonal(correlations, np.where(determined, 1.0, np.nan))
    quantile = stats.t.ppf(0.5 + level / 2, dof)
    return Uncertainty(noise=noise, covariance=covariance, standard_errors=standard_errors,
                       half_widths=quantile * standard_errors, correlations=correlations,
                       level=level, dof=dof, condition=condition)
