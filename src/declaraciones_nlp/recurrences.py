"""Commitments that come back, nearly word for word, in successive declarations of a pair.

`recurrences(items)` takes the item DataFrame (as `propose.propose` does) and
returns JSON-ready chains; `chains_for_pair` picks the ones a proposal report
for a pair shows, so that every report of the same store says the same.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from . import config
from .errors import FieldError, InputError
from .propose import prepare_items
from .records import plain
from .schema import AXES
from .text import dyad_code, fold, split_parties

# The default threshold, chosen on labelled pairs (corpus/recurrences/pairs.jsonl; see
# `threshold_table` and the README): the highest F1 of recurring against non-recurring pairs.
DEFAULT_MIN_SIMILARITY = config.RECURRENCE_MIN_SIMILARITY


def item_vectorizer(preprocessor: Callable[[str], str] = fold):
    """The representation items are compared in: TF-IDF on character 3–5-grams of the
    accent-folded text (robust to small rewordings, inflection and numbering). Shared by
    `recurrences`, the labelled-pair threshold check and the follow-up register (`followup.match`)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), preprocessor=preprocessor, sublinear_tf=True)


def similarity_matrix(texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of the texts in `item_vectorizer`'s representation, IDF fitted on `texts`."""
    matrix = item_vectorizer().fit_transform(list(texts))
    return (matrix @ matrix.T).toarray()


def recurrences(items: pd.DataFrame, dyad: str | None = None, min_similarity: float = DEFAULT_MIN_SIMILARITY,
                min_chars: int = 30) -> list[dict]:
    """Chains of near-identical items across successive declarations of the same pair.

    Within each dyad, items are compared by TF-IDF cosine similarity on
    character 3–5-grams of their accent-folded text (robust to small rewordings,
    inflection and numbering). Documents are walked in date order; each item
    joins the chain holding the item it resembles most (similarity to any of
    the chain's items at least `min_similarity`, chain not already holding an
    item of that document), or starts a new one. Chains spanning two or more documents are returned, with
    their items in date order; chains are ordered by the date of their first
    item, longer chains first on ties. Items labelled only `other` (thanks,
    venue of the next meeting) and items shorter than `min_chars` are ignored.

    Each chain: `{"dyad", "mechanism", "editions", "similarity" (the weakest
    link), "labels", "text" (the first wording), "items": [{"doc", "title",
    "date", "edition", "n", "page", "text", "similarity"}...]}`.
    """
    if not 0.0 < float(min_similarity) <= 1.0:
        raise FieldError("min_similarity", f"must be in (0, 1], got {min_similarity}")
    df = prepare_items(items)
    if dyad is not None:
        dyad = dyad_code(dyad, "dyad")
        if dyad not in set(df["dyad"]):
            raise FieldError("dyad", f"no declarations of {dyad} in the store")
        df = df[df["dyad"] == dyad]
    df = df[df["has_axis"] & (df["text"].str.len() >= min_chars)]

    chains_out: list[dict] = []
    for pair, group in df.groupby("dyad", sort=True):
        if group["doc_id"].nunique() < 2:
            continue
        group = group.assign(_date=group["date"].fillna("9999"), _n=pd.to_numeric(group["n"], errors="coerce"))
        group = group.sort_values(["_date", "doc_id", "_n"], kind="stable").reset_index(drop=True)
        sim = similarity_matrix(group["text"])
        chains: list[dict] = []  # {"rows": [...], "docs": set, "links": [...]}
        for doc_id in list(dict.fromkeys(group["doc_id"])):
            rows = group.index[group["doc_id"] == doc_id].tolist()
            candidates = []
            for row in rows:
                for c_idx, chain in enumerate(chains):
                    if doc_id in chain["docs"]:
                        continue
                    s = sim[row, chain["rows"]].max()
                    if s >= min_similarity:
                        candidates.append((s, row, c_idx))
            used_rows, used_chains = set(), set()
            for s, row, c_idx in sorted(candidates, reverse=True):
                if row in used_rows or c_idx in used_chains:
                    continue
                chains[c_idx]["rows"].append(row)
                chains[c_idx]["docs"].add(doc_id)
                chains[c_idx]["links"].append(float(s))
                used_rows.add(row)
                used_chains.add(c_idx)
            for row in rows:
                if row not in used_rows:
                    chains.append({"rows": [row], "docs": {doc_id}, "links": [1.0]})
        for chain in chains:
            if len(chain["docs"]) < 2:
                continue
            rows = group.loc[chain["rows"]]
            first = rows.iloc[0]
            chains_out.append({
                "dyad": pair,
                "mechanism": plain(first["mechanism"]),
                "editions": len(chain["docs"]),
                "similarity": round(min(chain["links"][1:]), 4),
                "labels": [axis for axis in AXES if int(first[axis])],
                "text": first["text"],
                "items": [{
                    "doc": r["doc_id"], "title": plain(r["title"]), "date": plain(r["date"]),
                    "edition": plain(r["edition"]),
                    "n": int(plain(r["n"])) if plain(r["n"]) is not None else None,
                    "page": int(plain(r["page"])) if plain(r["page"]) is not None else None,
                    "text": r["text"], "similarity": round(link, 4),
                } for (_, r), link in zip(rows.iterrows(), chain["links"])],
            })
    chains_out.sort(key=lambda c: (c["items"][0]["date"] or "9999", -c["editions"], c["dyad"]))
    return chains_out


def chains_for_pair(items: pd.DataFrame, between: Sequence[str], since: int | None = None,
                    min_similarity: float = DEFAULT_MIN_SIMILARITY) -> list[dict]:
    """The chains a proposal report for `between` shows: those of the documents where
    either party takes part (from `since` on, when given)."""
    wanted = set(between)
    mask = items["parties"].map(lambda parties: bool(wanted & set(split_parties(parties))))
    if since is not None and "year" in items.columns:
        mask &= items["year"].ge(since).fillna(False).astype(bool)
    return recurrences(items[mask], min_similarity=min_similarity) if mask.any() else []


# ---------------------------------------------------------------- choosing the threshold
def load_pairs(path: Path | None = None) -> list[dict]:
    """Labelled pairs `{"a", "b", "recurring", "why"}`; a pair may name bundled items by reference
    (`"a_ref": [doc, n]`), resolved against corpus/labeled/bundled.jsonl."""
    path = path or config.repo_root() / "corpus" / "recurrences" / "pairs.jsonl"
    bundled: dict[tuple[str, int], str] = {}
    source = config.labeled_dir() / "bundled.jsonl"
    if source.is_file():
        for line in source.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if "text" in record and record.get("doc") is not None:
                bundled[(record["doc"], int(record.get("n") or 0))] = record["text"]
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        for side in ("a", "b"):
            ref = record.get(f"{side}_ref")
            if ref is not None:
                key = (str(ref[0]), int(ref[1]))
                if key not in bundled:
                    raise InputError(f"{path}:{number}", f"{side}_ref {ref} is not an item of {source.name}")
                record[side] = bundled[key]
        if not isinstance(record.get("recurring"), bool) or not record.get("a") or not record.get("b"):
            raise InputError(f"{path}:{number}", "a pair needs texts a and b and recurring true/false")
        pairs.append(record)
    return pairs


def threshold_table(pairs: Sequence[dict], thresholds: Sequence[float] | None = None) -> pd.DataFrame:
    """Precision, recall and F1 of "similarity ≥ threshold" against the pairs' labels, per threshold.

    The IDF is fitted on all the pairs' texts together (in a store, on the items of one dyad).
    """
    texts = [p["a"] for p in pairs] + [p["b"] for p in pairs]
    sim = similarity_matrix(texts)
    n = len(pairs)
    scores = np.array([sim[k, n + k] for k in range(n)])
    truth = np.array([bool(p["recurring"]) for p in pairs])
    if thresholds is None:
        thresholds = [round(t, 2) for t in np.arange(0.30, 0.951, 0.05)]
    rows = []
    for t in thresholds:
        found = scores >= t
        tp, fp, fn = int((found & truth).sum()), int((found & ~truth).sum()), int((~found & truth).sum())
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"threshold": float(t), "tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 3),
                     "recall": round(recall, 3), "f1": round(f1, 3)})
    return pd.DataFrame(rows)


def best_threshold(table: pd.DataFrame) -> float:
    """The threshold of highest F1 (the higher threshold on ties: fewer false chains)."""
    best = table.sort_values(["f1", "threshold"], ascending=[False, False]).iloc[0]
    return float(best["threshold"])
