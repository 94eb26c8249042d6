"""Axis classification of agreement items: [AgreementItem] → labelled items.

    >>> from declaraciones_nlp.classify import load_model, classify_items
    >>> model = load_model()                      # the current model under models/
    >>> model.predict(["Combatir el narcotráfico"])[0].labels
    ('security',)
"""
from __future__ import annotations

from typing import Callable

from .artefacts import load_model
from .model import AxisClassifier, ModelConfig, Prediction, classify_items
from .versions import compare_versions

__all__ = [
    "AxisClassifier", "ModelConfig", "Prediction", "classify_items", "compare_versions", "ensure_default_model",
    "load_model",
]


def ensure_default_model(log: Callable[[str], None] | None = None) -> AxisClassifier:
    """The current model, trained first from corpus/labeled/ when missing or out of date."""
    from .train import train_default

    meta = train_default(quiet_if_current=True)
    if meta is not None and log is not None:
        log(f"trained {meta['version']} on {meta['data']['n']} labelled items → {meta['dir']}")
    return load_model()
