"""`declaraciones data fetch`: download the external documents from their public sources.

Each file is checked against the manifest's content checksum before it is put
in place (written to a temporary file, then renamed), so an interrupted or
corrupted download never leaves a file that looks right.
"""
from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from . import ExternalDocument, content_sha256, fetched_root, locate, read_manifest, read_text

MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "declaraciones-nlp data fetch"


@dataclass
class FetchSummary:
    """What a fetch did: documents already present, downloaded, and refused with the reason."""

    present: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def is_valid(path: Path, entry: ExternalDocument) -> bool:
    try:
        return content_sha256(read_text(path)) == entry.sha256
    except OSError:
        return False


def _download(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - URLs come from the manifest
        data = response.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as handle:
        partial = Path(handle.name)
        handle.write(data)
    try:
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def fetch(
    collections: Sequence[str] | None = None,
    mirror: str | None = None,
    manifest: Path | None = None,
    target: Path | None = None,
    timeout: float = 30.0,
    progress: Callable[[str], None] | None = None,
) -> FetchSummary:
    """Download the manifest's documents that are not already available and valid.

    `mirror` replaces each document's public address by `MIRROR/<collection>/<name>`
    (an HTTP mirror of the same files); `target` defaults to `corpus/external/`.
    A document whose content does not match its checksum is refused, not stored.
    """
    target = Path(target) if target else fetched_root()
    summary = FetchSummary()
    for entry in read_manifest(manifest):
        if collections and entry.collection not in collections:
            continue
        found = locate(entry.collection, entry.name)
        if found is not None and is_valid(found, entry):
            summary.present.append(entry.key)
            continue
        url = f"{mirror.rstrip('/')}/{entry.collection}/{entry.name}" if mirror else entry.url
        if progress:
            progress(entry.key)
        try:
            data = _download(url, timeout)
        except urllib.error.HTTPError as exc:
            summary.failed.append((entry.key, f"{url}: HTTP {exc.code} {exc.reason}"))
            continue
        except (urllib.error.URLError, OSError, ValueError) as exc:
            summary.failed.append((entry.key, f"{url}: {getattr(exc, 'reason', exc)}"))
            continue
        if content_sha256(data.decode("utf-8", errors="replace")) != entry.sha256:
            summary.failed.append((entry.key, f"{url}: content does not match the manifest's checksum"))
            continue
        _write_atomically(target / entry.collection / entry.name, data)
        summary.fetched.append(entry.key)
    return summary


def status(manifest: Path | None = None) -> dict[str, dict[str, int]]:
    """Per collection: documents listed, found locally with the right content, missing, mismatched."""
    out: dict[str, dict[str, int]] = {}
    for entry in read_manifest(manifest):
        row = out.setdefault(entry.collection, {"listed": 0, "present": 0, "missing": 0, "mismatched": 0})
        row["listed"] += 1
        found = locate(entry.collection, entry.name)
        key = "missing" if found is None else ("present" if is_valid(found, entry) else "mismatched")
        row[key] += 1
    return out
