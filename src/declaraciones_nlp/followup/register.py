"""The register: each commitment of a mechanism, what became of it, and the rates.

`register(items, statuses, dyad=..., mechanism=...)` takes the item DataFrame and the
statuses people set (`query.followup.followup_statuses`) and returns one row per
commitment. Meetings are the documents of the same pair and mechanism, in date order (documents of
the same date, such as a joint statement and its fact sheet, are one meeting).
Every later meeting is read for the commitment (`match`): the first item reporting it
done makes it `done`; otherwise the last one repeating it makes it `repeated`; with later
meetings and neither, `no_news`; with no later meeting yet, `pending`. A status a person
set wins (`human` is True) and the automatic one is kept beside it (`auto_status`).
"""
from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..records import plain
from ..schema import AXES
from ..text import dyad_code, fold
from .extract import deadline, institutions_many, is_commitment
from .match import DONE, DONE_THRESHOLD, REPEAT_THRESHOLD, REPEATED, reports_done, similarities, verdict

STATUSES: tuple[str, ...] = ("done", "repeated", "no_news", "pending")
STATUS_ES: dict[str, str] = {"done": "cumplido", "repeated": "reiterado", "no_news": "sin noticias",
                             "pending": "pendiente"}
COLUMNS = [
    "ref", "dyad", "mechanism", "doc_id", "n", "meeting", "date", "text", "axes", "institutions", "deadline",
    "status", "status_es", "human", "auto_status", "confidence", "evidence_doc", "evidence_n", "evidence_meeting",
    "evidence_date", "evidence_text", "next_meeting", "next_status", "set_by", "set_on", "note", "item_sha1",
]


def item_sha1(text: str) -> str:
    """The stable key of an item's text: SHA-1 of its folded text (survives re-ingestion and relabelling)."""
    return hashlib.sha1(fold(text).encode("utf-8")).hexdigest()


def make_ref(doc_id: str, n: int) -> str:
    """The reference people use for a commitment: `<document id>#<item number>`."""
    return f"{doc_id}#{int(n)}"


def register(items: pd.DataFrame, statuses: pd.DataFrame | None = None, dyad: str | None = None,
             mechanism: str | None = None, repeat_threshold: float = REPEAT_THRESHOLD,
             done_threshold: float = DONE_THRESHOLD) -> pd.DataFrame:
    """One row per commitment of the pair's mechanism(s) (columns `COLUMNS`), in meeting order."""
    df = items.copy()
    if dyad is not None:
        dyad = dyad_code(dyad, "--dyad")
        if dyad not in set(df["dyad"]):
            raise InputError("--dyad", f"no declarations of {dyad} in the store")
        df = df[df["dyad"] == dyad]
    if mechanism is not None:
        wanted = fold(mechanism)
        df = df[df["mechanism"].fillna("").map(lambda m: wanted in fold(m))]
        if df.empty:
            raise InputError("--mechanism", f"no declarations of mechanism {mechanism!r}"
                             + (f" for {dyad}" if dyad else ""))
    rows: list[dict] = []
    for (pair, mech), group in df.groupby([df["dyad"], df["mechanism"].fillna("")], sort=True):
        rows.extend(_mechanism_rows(group, pair, mech or None, repeat_threshold, done_threshold))
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["evidence_n"] = out["evidence_n"].astype("Int64")
    out["confidence"] = out["confidence"].astype(float)
    return apply_statuses(out, statuses)


def _mechanism_rows(group: pd.DataFrame, pair: str, mechanism: str | None, repeat_threshold: float,
                    done_threshold: float) -> list[dict]:
    group = group.assign(_date=group["date"].fillna("9999").astype(str), _n=pd.to_numeric(group["n"]))
    group = group.sort_values(["_date", "doc_id", "_n"], kind="stable").reset_index(drop=True)
    docs = list(dict.fromkeys(group["doc_id"]))
    committed = [is_commitment(t, plain(a), plain(v)) for t, a, v in
                 zip(group["text"], group.get("act", pd.Series([None] * len(group))),
                     group.get("verb", pd.Series([None] * len(group))))]
    commitments = group[committed]
    if commitments.empty:
        return []
    texts = group["text"].tolist()
    sim = similarities(commitments["text"].tolist(), texts)
    done_cue = np.array([reports_done(t, plain(lang) or "es") for t, lang in zip(texts, group["lang"])])
    names = institutions_many(commitments["text"].tolist(), [plain(x) or "es" for x in commitments["lang"]])
    meeting_of = {doc: _meeting(group[group["doc_id"] == doc].iloc[0]) for doc in docs}
    doc_date = dict(zip(group["doc_id"], group["_date"]))
    rows = []
    for k, ((_, c), found) in enumerate(zip(commitments.iterrows(), names)):
        later_docs = [doc for doc in docs if doc_date[doc] > doc_date[c["doc_id"]]]  # same date: same meeting
        per_meeting = []
        for doc in later_docs:
            best = None
            for j in np.flatnonzero((group["doc_id"] == doc).to_numpy()):
                v = verdict(sim[k, j], bool(done_cue[j]), repeat_threshold, done_threshold)
                rank = (v.label == DONE, v.label == REPEATED, v.similarity)
                if v.label != "unrelated" and (best is None or rank > best[0]):
                    best = (rank, v, j)
            per_meeting.append((doc, best))
        later_rows = np.flatnonzero(group["doc_id"].isin(later_docs).to_numpy())
        status, evidence, confidence = _overall(per_meeting, later_docs, sim[k, later_rows])
        next_status = None
        if later_docs:
            first = per_meeting[0][1]
            next_status = first[1].label if first else "no_news"
        ev = group.iloc[evidence] if evidence is not None else None
        rows.append({
            "ref": make_ref(c["doc_id"], c["n"]), "dyad": pair, "mechanism": mechanism, "doc_id": c["doc_id"],
            "n": int(c["n"]), "meeting": meeting_of[c["doc_id"]], "date": plain(c["date"]), "text": c["text"],
            "axes": [axis for axis in AXES if axis in c and int(c[axis] or 0)],
            "institutions": found, "deadline": deadline(c["text"], plain(c["lang"]) or "es"),
            "status": status, "status_es": STATUS_ES[status], "human": False, "auto_status": status,
            "confidence": confidence,
            "evidence_doc": None if ev is None else ev["doc_id"],
            "evidence_n": None if ev is None else int(ev["n"]),
            "evidence_meeting": None if ev is None else meeting_of[ev["doc_id"]],
            "evidence_date": None if ev is None else plain(ev["date"]),
            "evidence_text": None if ev is None else ev["text"],
            "next_meeting": meeting_of[later_docs[0]] if later_docs else None, "next_status": next_status,
            "set_by": None, "set_on": None, "note": None, "item_sha1": item_sha1(c["text"]),
        })
    return rows


def _overall(per_meeting: list, later_docs: Sequence[str], sims: np.ndarray) -> tuple[str, int | None, float | None]:
    """(status, row of the evidence item, confidence) from the verdict of each later meeting."""
    if not later_docs:
        return "pending", None, None
    for _, best in per_meeting:  # the first meeting reporting it done
        if best and best[1].label == DONE:
            return "done", int(best[2]), best[1].confidence
    for _, best in reversed(per_meeting):  # the last meeting repeating it
        if best and best[1].label == REPEATED:
            return "repeated", int(best[2]), best[1].confidence
    return "no_news", None, round(0.5 + 0.5 * (1 - min(float(sims.max(initial=0.0)) / REPEAT_THRESHOLD, 1.0)), 3)


def _meeting(row: pd.Series) -> str:
    edition = plain(row.get("edition"))
    title = plain(row.get("title"))
    date = plain(row.get("date"))
    name = edition or title or row["doc_id"]
    return f"{name} ({str(date)[:10]})" if date else str(name)


def apply_statuses(frame: pd.DataFrame, statuses: pd.DataFrame | None) -> pd.DataFrame:
    """Put the statuses people set over the automatic ones (matched by doc_id and item_sha1)."""
    if statuses is None or statuses.empty or frame.empty:
        return frame
    frame = frame.copy()
    by_key = {(r.doc_id, r.item_sha1): r for r in statuses.itertuples(index=False)}
    for idx, (doc, sha) in zip(frame.index, zip(frame["doc_id"], frame["item_sha1"])):
        human = by_key.get((doc, sha))
        if human is None:
            continue
        frame.at[idx, "status"] = human.status
        frame.at[idx, "status_es"] = STATUS_ES[human.status]
        frame.at[idx, "human"] = True
        frame.at[idx, "set_by"], frame.at[idx, "set_on"], frame.at[idx, "note"] = human.set_by, human.set_on, human.note
    return frame


RATE_GROUPS = ("meeting", "axis", "institution")


def rates(frame: pd.DataFrame, by: str = "meeting") -> pd.DataFrame:
    """Compliance per meeting, axis or institution: commitments, each status, and `done_rate`
    (done / commitments with a later meeting; NaN when none has one yet)."""
    if by not in RATE_GROUPS:
        raise InputError("--by", f"must be one of {', '.join(RATE_GROUPS)}, got {by!r}")
    df = frame.copy()
    if by == "axis":
        df["axis"] = df["axes"].map(lambda axes: list(axes) or ["other"])
        df = df.explode("axis")
    elif by == "institution":
        df["institution"] = df["institutions"].map(lambda names: list(names) or ["(sin institución)"])
        df = df.explode("institution")
    keys = ["dyad", "meeting", "date"] if by == "meeting" else [by]
    if df.empty:
        return pd.DataFrame(columns=[*keys, "commitments", *STATUSES, "done_rate"])
    counts = pd.crosstab([df[k].fillna("") for k in keys], df["status"]).reindex(columns=list(STATUSES), fill_value=0)
    counts.insert(0, "commitments", counts.sum(axis=1))
    assessed = counts["commitments"] - counts["pending"]
    counts["done_rate"] = (counts["done"] / assessed.where(assessed > 0)).round(3)
    out = counts.reset_index()
    out.columns.name = None
    return out.sort_values(keys[-1] if by == "meeting" else "commitments", ascending=by == "meeting",
                           kind="stable").reset_index(drop=True)
