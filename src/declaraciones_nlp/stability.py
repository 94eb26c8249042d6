"""How sure is a proposal's ranking? A document bootstrap and a sensitivity table.

`bootstrap(sources, pair, ...)` resamples, with replacement, the documents of
each source of the proposal (the first party with others, the second with
others, the joint record), each source keeping its size, recomputes the scores
(`scoring`) and counts, per axis, the share of resamples in which it ranks in
the top three (`top3_share`) and in the proposed top (`top_share`), and the
central 95 % of its ranks (`rank_interval`). The generator is numpy's PCG64 with
a fixed seed, so the same store gives the same figures.

`sensitivity(df, pair, settings)` recomputes the ranking with each scoring
parameter the report lists (joint weight, recency half-life) moved one at a
time, and says which axes change rank.

`verdict(...)` sorts the axes into robust and close calls and writes the
sentence that opens the report.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .schema import AXES, AXIS_NAMES_ES
from .scoring import combine_profiles, doc_table, pair_scores, rank_order, split_sources

__all__ = ["ROBUST", "SENSITIVITY_GRID", "bootstrap", "sensitivity", "verdict"]

ROBUST = 0.9  # an axis in (out of) the proposed top in at least this share of resamples is robust
# The values each parameter takes in the sensitivity table (the one in use is the baseline).
SENSITIVITY_GRID: dict[str, tuple[float | None, ...]] = {
    "joint_weight": (0.0, 1 / 3, 0.5, 1.0),
    "half_life": (None, 5.0, 10.0, 20.0),
}


def _arrays(docs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    docs = docs.sort_values("doc_id", kind="stable")
    return (docs[list(AXES)].to_numpy(dtype=float), docs["r"].to_numpy(dtype=float),
            docs["dyad"].astype(str).to_numpy())


def _mean(shares: np.ndarray, r: np.ndarray, dyads: np.ndarray | None) -> np.ndarray | None:
    if len(r) == 0:
        return None
    if dyads is not None:
        _, inverse, counts = np.unique(dyads, return_inverse=True, return_counts=True)
        r = r / counts[inverse]
    if r.sum() <= 0:
        r = np.ones_like(r)
    return (shares * r[:, None]).sum(axis=0) / r.sum()


def bootstrap(sources: dict[str, pd.DataFrame], pair: Sequence[str], joint_weight: float, combine: str = "geometric",
              partner_balance: bool = True, top: int = 3, resamples: int = 500, seed: int = 0) -> dict[str, dict]:
    """Per axis `{"top3_share", "top_share", "rank_interval": [low, high]}` over `resamples` document resamples."""
    a, b = pair
    arrays = {key: _arrays(sources[key]) for key in (a, b, "joint")}
    rng = np.random.default_rng(seed)
    ranks = np.zeros((max(resamples, 0), len(AXES)), dtype=int)
    for rep in range(resamples):
        means = {}
        for key in (a, b, "joint"):
            shares, r, dyads = arrays[key]
            pick = rng.integers(0, len(r), len(r)) if len(r) else np.zeros(0, dtype=int)
            means[key] = _mean(shares[pick], r[pick], dyads[pick] if partner_balance and key != "joint" else None)
        joint = means["joint"]
        fallback = joint if joint is not None else np.zeros(len(AXES))
        pa = means[a] if means[a] is not None else fallback
        pb = means[b] if means[b] is not None else fallback
        _, scores, _ = combine_profiles(pa, pb, joint, joint_weight, combine)
        order = np.argsort(-scores, kind="stable")
        ranks[rep, order] = np.arange(1, len(AXES) + 1)
    out = {}
    for i, axis in enumerate(AXES):
        col = ranks[:, i]
        if not len(col):
            out[axis] = {"top3_share": None, "top_share": None, "rank_interval": None}
            continue
        out[axis] = {"top3_share": round(float((col <= 3).mean()), 3),
                     "top_share": round(float((col <= top).mean()), 3),
                     "rank_interval": [int(np.quantile(col, 0.025, method="lower")),
                                       int(np.quantile(col, 0.975, method="higher"))]}
    return out


def sensitivity(df: pd.DataFrame, pair: Sequence[str], settings: Any, top: int = 3) -> list[dict]:
    """One row per parameter value other than the one in use: the order it gives and what moved.

    `df` is the frame of `propose.prepare_items` (after `since`), `settings` a
    `ProposalSettings`. Each row: `{"parameter", "value", "order", "changes":
    [{"axis", "rank", "baseline_rank"}], "top_changed"}`.
    """
    a, b = pair

    def order_for(joint_weight: float, half_life: float | None) -> list[str]:
        docs = doc_table(df, half_life, settings.reference_year)
        scored = pair_scores(split_sources(docs, a, b), (a, b), joint_weight, settings.combine,
                             settings.partner_balance)
        return rank_order(scored.scores)

    current = {"joint_weight": settings.joint_weight, "half_life": settings.half_life or None}
    baseline = order_for(current["joint_weight"], current["half_life"])
    base_rank = {axis: i for i, axis in enumerate(baseline, start=1)}
    rows = []
    for parameter, values in SENSITIVITY_GRID.items():
        for value in values:
            if value == current[parameter] or (value is not None and current[parameter] is not None
                                                and abs(value - current[parameter]) < 1e-9):
                continue
            moved = dict(current, **{parameter: value})
            order = order_for(moved["joint_weight"], moved["half_life"])
            changes = [{"axis": axis, "rank": rank, "baseline_rank": base_rank[axis]}
                       for rank, axis in enumerate(order, start=1) if base_rank[axis] != rank]
            rows.append({"parameter": parameter, "value": None if value is None else round(value, 4),
                         "order": order, "changes": changes,
                         "top_changed": set(order[:top]) != set(baseline[:top])})
    return rows


def _pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def verdict(axes: list[dict], sensitivity_rows: list[dict], top: int, resamples: int) -> dict[str, Any]:
    """Robust axes and close calls of a ranked proposal (`axes` best first, with `top_share`),
    and the Spanish sentence that says so."""
    robust, close = [], []
    for entry in axes:
        share = entry.get("top_share")
        if share is None:
            continue
        proposed = entry["rank"] <= top
        if (proposed and share >= ROBUST) or (not proposed and share <= 1 - ROBUST):
            robust.append(entry["axis"])
        else:
            close.append(entry["axis"])
    name = lambda axis: AXIS_NAMES_ES.get(axis, axis)  # noqa: E731
    share_of = {entry["axis"]: entry.get("top_share") or 0.0 for entry in axes}
    proposed_robust = [axis for axis in robust if axis in [e["axis"] for e in axes[:top]]]
    parts = []
    if resamples:
        if proposed_robust:
            parts.append(f"Ejes sólidos (entre los {top} primeros en al menos el {_pct(ROBUST)} de {resamples} "
                         "remuestreos de documentos): " + "; ".join(
                             f"{name(axis)} ({_pct(share_of[axis])})" for axis in proposed_robust) + ".")
        if close:
            parts.append(f"Casos reñidos (entre los {top} primeros en el porcentaje indicado de remuestreos): "
                         + "; ".join(f"{name(axis)} ({_pct(share_of[axis])})" for axis in close) + ".")
        else:
            parts.append(f"Ningún caso reñido: el orden de los {top} primeros no depende de qué documentos "
                         "se tomen.")
    else:
        parts.append("Sin remuestreo de documentos: no se mide la estabilidad del orden.")
    moved = [row for row in sensitivity_rows if row["top_changed"]]
    swaps = [row for row in sensitivity_rows if row["changes"] and not row["top_changed"]]
    if moved:
        parts.append("Los ejes propuestos cambian con " + "; ".join(
            f"{_setting_es(row)} ({', '.join(name(a) for a in row['order'][:top])})" for row in moved) + ".")
    elif swaps:
        parts.append("Los ejes propuestos no cambian al mover los parámetros; sí cambia el orden con "
                     + "; ".join(f"{_setting_es(row)} ("
                                 + ", ".join(f"{name(c['axis'])} pasa al {c['rank']}.º" for c in row["changes"])
                                 + ")" for row in swaps) + ".")
    elif sensitivity_rows:
        parts.append("El orden no cambia al mover el peso del registro conjunto ni la vida media.")
    return {"robust": robust, "close_calls": close, "statement": " ".join(parts)}


def _setting_es(row: dict) -> str:
    if row["parameter"] == "joint_weight":
        return f"peso del registro conjunto {row['value']:.2f}"
    return "sin ponderación temporal" if row["value"] is None else f"vida media {row['value']:g} años"
