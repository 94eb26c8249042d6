"""A small neural network on the multilingual sentence embeddings (opt-in, `semantic-head`).

The linear model reads words; this head reads the encoder's sentence vector, which
places a paraphrase or a translation near what was labelled even when no word is shared.
Its per-label score joins the calibration stacker beside the linear score, so the stacker
learns, label by label, how far to trust each. One hidden layer is enough: a linear
layer on the same vectors (the `semantic` block) gains less on real text.
"""
from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from .features import sentence_embeddings

HIDDEN = 256
ALPHA = 1.0  # L2 penalty: 1e-2 screened level, 1.0 fits faster
EPOCHS = 60  # a fixed budget (the screen tried 40 and 60), not training to convergence


class EmbeddingHead:
    """Multi-label scores (logits, one per label) from a text's sentence embedding."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.weights: list[np.ndarray] = []  # W1, b1, W2, b2 of the fitted network
        self.mean = self.scale = None

    @staticmethod
    def embed(texts: Sequence[str]) -> np.ndarray:
        return sentence_embeddings(texts).astype(np.float64)

    def fit(self, vectors: np.ndarray, Y: np.ndarray, weight: np.ndarray) -> "EmbeddingHead":
        self.mean, self.scale = vectors.mean(axis=0), vectors.std(axis=0) + 1e-6
        # a constant label would make the network's output layer degenerate: train on the
        # others and give that one a fixed score
        varying = Y.min(axis=0) != Y.max(axis=0)
        net = MLPClassifier((HIDDEN,), alpha=ALPHA, max_iter=EPOCHS, random_state=self.seed)
        with warnings.catch_warnings():  # stopping at EPOCHS is the design, not a failure
            warnings.simplefilter("ignore", ConvergenceWarning)
            net.fit(self._standard(vectors), Y[:, varying], sample_weight=weight)
        W2 = np.zeros((HIDDEN, Y.shape[1]))
        b2 = np.where(Y[0] > 0, 10.0, -10.0)
        W2[:, varying], b2[varying] = net.coefs_[1], net.intercepts_[1]
        self.weights = [net.coefs_[0], net.intercepts_[0], W2, b2]
        return self

    def _standard(self, vectors: np.ndarray) -> np.ndarray:
        return (vectors - self.mean) / self.scale

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """(items, labels) logits: the network's forward pass (ReLU, then linear)."""
        W1, b1, W2, b2 = self.weights
        return np.maximum(self._standard(vectors) @ W1 + b1, 0.0) @ W2 + b2

    def to_arrays(self) -> dict[str, np.ndarray]:
        names = ("head_W1", "head_b1", "head_W2", "head_b2")
        return dict(zip(names, self.weights)) | {"head_mean": self.mean, "head_scale": self.scale}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> "EmbeddingHead":
        head = cls()
        head.weights = [arrays[k] for k in ("head_W1", "head_b1", "head_W2", "head_b2")]
        head.mean, head.scale = arrays["head_mean"], arrays["head_scale"]
        return head
