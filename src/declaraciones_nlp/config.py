"""Paths and settings, in one place. No side effects at import.

Every value can be overridden by an environment variable; the CLI options
override those in turn.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def repo_root() -> Path:
    """The project checkout (or `DECLARACIONES_HOME`)."""
    env = os.environ.get("DECLARACIONES_HOME")
    return Path(env).resolve() if env else PACKAGE_DIR.parents[1]


def raw_dir() -> Path:
    return repo_root() / "corpus" / "raw"


def labeled_dir() -> Path:
    return repo_root() / "corpus" / "labeled"


def processed_dir() -> Path:
    return repo_root() / "corpus" / "processed"


def models_dir() -> Path:
    env = os.environ.get("DECLARACIONES_MODELS")
    return Path(env).resolve() if env else repo_root() / "models"


def shared_dir() -> Path:
    """The team's shared folder beside the checkout (`../shared`): the thesis that
    `scripts/build_corpus.py` regenerates `corpus/raw/` from. Nothing else reads it;
    external documents are found through `external` (see `DECLARACIONES_DATA`)."""
    env = os.environ.get("DECLARACIONES_SHARED")
    return Path(env).resolve() if env else repo_root().parent / "shared"


def default_db_url() -> str:
    """`DECLARACIONES_DB`, else the SQLite file under `corpus/processed/`."""
    env = os.environ.get("DECLARACIONES_DB")
    if env:
        return env
    return f"sqlite:///{processed_dir() / 'declaraciones.db'}"


def embeddings_cache() -> Path:
    """Sentence embeddings already computed, one file per embedding model (a build output)."""
    env = os.environ.get("DECLARACIONES_EMBEDDINGS")
    return Path(env).resolve() if env else models_dir() / ".embeddings"


def semantic_features() -> bool:
    """`DECLARACIONES_SEMANTIC=1`: the project's models add sentence embeddings (`train --semantic`)."""
    return os.environ.get("DECLARACIONES_SEMANTIC", "").strip().lower() not in ("", "0", "false", "no")


# Inputs larger than this are refused before being read whole.
MAX_INPUT_BYTES = int(os.environ.get("DECLARACIONES_MAX_BYTES", 50 * 1024 * 1024))
MAX_UPLOAD_BYTES = int(os.environ.get("DECLARACIONES_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# Cosine similarity above which two commitments form a recurrence chain; chosen on
# corpus/recurrences/pairs.jsonl (scripts/recurrence_threshold.py, README).
RECURRENCE_MIN_SIMILARITY = 0.6


def db_pool_size() -> int:
    """Database connections a process keeps open at most (`DECLARACIONES_DB_POOL`, default 4 for 2 cores)."""
    return max(1, int(os.environ.get("DECLARACIONES_DB_POOL", 4)))


def sqlite_cache_kib() -> int:
    """SQLite page cache per connection in KiB (`DECLARACIONES_SQLITE_CACHE_KIB`, default 16 MiB)."""
    return max(256, int(os.environ.get("DECLARACIONES_SQLITE_CACHE_KIB", 16 * 1024)))


def sqlite_mmap_mib() -> int:
    """Bytes of the SQLite file read through mmap, in MiB (`DECLARACIONES_SQLITE_MMAP_MIB`, default 256)."""
    return max(0, int(os.environ.get("DECLARACIONES_SQLITE_MMAP_MIB", 256)))
