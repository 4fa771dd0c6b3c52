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
    half_widths : ndarray, shape (p,)
        Half-width of the ``level`` confidence interval: t quantile × standard error.
    correlations : ndarray, shape (p, p)
    level : float
    dof : int
        n − p.
    condition : float
        Condition number of J: large values (> 1e8) say that some combination of parameters
        is not determined by the recording.

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
    # Through the SVD, which also gives the condition number: a combination of parameters
    # the data do not determine shows as a huge variance rather than a failed inversion.
    _, singular, vt = np.linalg.svd(jacobian, full_matrices=False)
    if singular[-1] <= 0:
        raise ValueError("jacobian: a free parameter has no effect on the residuals at the "
                         "estimate (a column of zeros); it cannot be estimated")
    covariance = noise**2 * (vt.T / singular**2) @ vt
    standard_errors = np.sqrt(np.diag(covariance))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlations = covariance / np.outer(standard_errors, standard_errors)
    quantile = stats.t.ppf(0.5 + level / 2, dof)
    condition = float(singular[0] / singular[-1])
    return Uncertainty(noise=noise, covariance=covariance, standard_errors=standard_errors,
                       half_widths=quantile * standard_errors, correlations=correlations,
                       level=level, dof=dof, condition=condition)
