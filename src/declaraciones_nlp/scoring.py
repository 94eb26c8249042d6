"""The arithmetic of the axis proposal: documents → per-axis scores of a pair.

`propose.py` describes the formula in full; this module holds the pieces that
`propose` and the stability checks (`stability.py`) both recompute: the document
table (`doc_table`), a party's profile (`profile`) and the per-axis scores of a
pair given its three sources of documents (`pair_scores`). Nothing here reads
text, quotes evidence or writes warnings.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import AXES

__all__ = ["PairScores", "combine_profiles", "doc_table", "pair_scores", "profile", "rank_order", "split_sources"]


def doc_table(df: pd.DataFrame, half_life: float | None, reference_year: int | None = None) -> pd.DataFrame:
    """One row per document with at least one axis item: axis shares, year, recency weight `r`.

    `df` is the frame of `propose.prepare_items`. Undated documents take the median
    year of the dated ones; `r = 0.5 ** (age / half_life)` (1 when `half_life` is falsy).
    """
    axis_items = df[df["has_axis"]]
    if axis_items.empty:
        return pd.DataFrame(columns=["doc_id", "party_set", "dyad", "year", "n_items", "r", *AXES])
    grouped = axis_items.groupby("doc_id", sort=False)
    docs = grouped[[f"w_{a}" for a in AXES]].sum()
    docs.columns = list(AXES)
    docs = docs.div(docs.sum(axis=1), axis=0)
    first = grouped.first()
    docs["party_set"] = first["party_set"]
    docs["dyad"] = first["dyad"]
    docs["year"] = first["year"]
    docs["n_items"] = grouped.size()
    known = docs["year"].dropna()
    docs["year"] = docs["year"].fillna(float(known.median()) if len(known) else 0.0)
    ref = reference_year or (int(known.max()) if len(known) else 0)
    if half_life:
        age = (ref - docs["year"]).clip(lower=0)
        docs["r"] = np.power(0.5, age / half_life)
    else:
        docs["r"] = 1.0
    return docs.reset_index()


def split_sources(docs: pd.DataFrame, a: str, b: str) -> dict[str, pd.DataFrame]:
    """The documents of `a` without `b`, of `b` without `a`, and the joint record (`"joint"`)."""
    if docs.empty:
        return {a: docs, b: docs, "joint": docs}
    has_a = docs["party_set"].map(lambda p: a in p)
    has_b = docs["party_set"].map(lambda p: b in p)
    return {a: docs[has_a & ~has_b], b: docs[has_b & ~has_a], "joint": docs[has_a & has_b]}


def _weighted_mean(shares: np.ndarray, r: np.ndarray, dyads: np.ndarray | None) -> np.ndarray:
    if dyads is not None:
        _, inverse, counts = np.unique(dyads, return_inverse=True, return_counts=True)
        r = r / counts[inverse]
    if r.sum() <= 0:
        r = np.ones_like(r)
    return (shares * r[:, None]).sum(axis=0) / r.sum()


def profile(docs: pd.DataFrame, balance: bool) -> dict[str, float] | None:
    """Recency-weighted mean of document shares; with `balance`, each dyad weighs its mean recency."""
    if docs.empty:
        return None
    vec = _weighted_mean(docs[list(AXES)].to_numpy(dtype=float), docs["r"].to_numpy(dtype=float),
                         docs["dyad"].astype(str).to_numpy() if balance else None)
    return {axis: float(v) for axis, v in zip(AXES, vec)}


def combine_profiles(pa: np.ndarray, pb: np.ndarray, joint: np.ndarray | None, joint_weight: float,
                     combine: str = "geometric") -> tuple[np.ndarray, np.ndarray, float]:
    """(shared interest, score, joint weight applied) per axis from the two profiles and the joint one."""
    shared = np.sqrt(pa * pb) if combine == "geometric" else np.minimum(pa, pb)
    if joint is None:
        return shared, shared.copy(), 0.0
    return shared, (1 - joint_weight) * shared + joint_weight * joint, joint_weight


@dataclass(frozen=True)
class PairScores:
    """Per-axis scores of a pair and what they are made of."""

    scores: dict[str, float]
    profiles: dict[str, dict[str, float]]
    shared: dict[str, float]
    joint: dict[str, float] | None
    estimated: dict[str, bool]   # profile taken from the joint record (or null) for lack of own documents
    weight: float                # joint weight applied (0 without a joint record)


def pair_scores(sources: dict[str, pd.DataFrame], pair: tuple[str, str], joint_weight: float,
                combine: str = "geometric", partner_balance: bool = True) -> PairScores:
    """Score each axis: `(1 - w) * shared(P_a, P_b) + w * J` (see `propose.py`)."""
    a, b = pair
    joint = profile(sources["joint"], balance=False)
    profiles: dict[str, dict[str, float]] = {}
    estimated: dict[str, bool] = {}
    for code in pair:
        own = profile(sources[code], partner_balance)
        estimated[code] = own is None
        profiles[code] = own if own is not None else (dict(joint) if joint is not None else dict.fromkeys(AXES, 0.0))
    vec_a, vec_b = (np.array([profiles[code][axis] for axis in AXES]) for code in pair)
    vec_j = None if joint is None else np.array([joint[axis] for axis in AXES])
    shared_vec, score_vec, w = combine_profiles(vec_a, vec_b, vec_j, joint_weight, combine)
    shared = dict(zip(AXES, map(float, shared_vec)))
    scores = dict(zip(AXES, map(float, score_vec)))
    return PairScores(scores, profiles, shared, joint, estimated, w)


def rank_order(scores: dict[str, float]) -> list[str]:
    """Axes best first; ties broken by the order of `AXES`."""
    return sorted(AXES, key=lambda axis: (-scores[axis], AXES.index(axis)))
