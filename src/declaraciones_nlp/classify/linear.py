"""The per-label linear models of `AxisClassifier` and their out-of-fold scores.

liblinear reseeds one process-wide random state at every fit, so labels fitted in
threads would interleave their draws and the model would not reproduce. Processes each
own that state: on a large training set the labels are fitted in parallel processes,
and the weights are the same bits as when fitted one after another (the shipped
model's test rebuilds it and compares its hash).
"""
from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import clone

# stored feature values from which fitting in parallel pays for starting the processes
# (every labelled item: 5.5 million, fitted in 78 s instead of 131 s on two cores)
PARALLEL_FROM = 1_000_000

Fragments = tuple[sp.csr_matrix, np.ndarray]  # (features of every fragment, each item's first)


def best_fragment(fragments: Fragments, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Per item and label, the highest linear score among the item's fragments."""
    F, starts = fragments
    return np.maximum.reduceat(F @ coef + intercept, starts, axis=0)


def fit_linear(estimator: Any, X: sp.csr_matrix, y: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, float]:
    """(weights, intercept) of one label; a constant score when `y` has one class only."""
    if y.min() == y.max():
        return np.zeros(X.shape[1]), (10.0 if y[0] else -10.0)
    fitted = clone(estimator).fit(X, y, sample_weight=weight)
    return fitted.coef_.ravel().astype(np.float64), float(fitted.intercept_[0])


def _fit_label(estimator, X, y, weight, tests: Sequence[np.ndarray], fragments: Fragments | None):
    coef, intercept = fit_linear(estimator, X, y, weight)
    oof = np.zeros(len(y))
    oof_fragment = np.zeros(len(y)) if fragments else None
    for test in tests:
        w, b = fit_linear(estimator, X[~test], y[~test], weight[~test])
        oof[test] = X[test] @ w + b
        if fragments:
            oof_fragment[test] = best_fragment(fragments, w[:, None], np.array([b]))[test, 0]
    return coef, intercept, oof, oof_fragment


def fit_labels(
    estimator: Any, X: sp.csr_matrix, Y: np.ndarray, weight: np.ndarray,
    tests: Sequence[np.ndarray], fragments: Fragments | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Per label (columns of `Y`): the model fitted on every item, and the out-of-fold
    linear scores (each fold's items scored by a model fitted on the others) and, with
    `fragments`, the out-of-fold best-fragment scores.

    Returns (coef (labels, features), intercept (labels,), oof (items, labels),
    oof_fragment (items, labels) or None).
    """
    jobs = min(Y.shape[1], os.cpu_count() or 1) if X.nnz >= PARALLEL_FROM else 1
    # the solver puts the matrix in canonical form in place (its first fit did, in sequence);
    # a worker's copy is read-only, so it is done here, once
    X.sum_duplicates()
    fits = Parallel(n_jobs=jobs)(
        delayed(_fit_label)(estimator, X, Y[:, j], weight, tests, fragments) for j in range(Y.shape[1])
    )
    coef = np.vstack([fit[0] for fit in fits])
    intercept = np.array([fit[1] for fit in fits])
    oof = np.column_stack([fit[2] for fit in fits])
    oof_fragment = np.column_stack([fit[3] for fit in fits]) if fragments else None
    return coef, intercept, oof, oof_fragment
