"""Statuses people set: one by one (web page, CLI) or from a follow-up report in CSV.

A status names a commitment by its reference (`<document id>#<item number>`, the `ref`
column of the register) and is stored under the document id and the SHA-1 of the
item's folded text, so it survives re-ingestion and relabelling. A CSV is checked
whole first: each bad row gets one line (file, row, field, reason) and nothing is
stored unless every row is good.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..records import plain
from .register import STATUS_ES, STATUSES

ALIASES: dict[str, str] = {**{s: s for s in STATUSES}, **{v: k for k, v in STATUS_ES.items()},
                           "sin_noticias": "no_news", "no news": "no_news", "reported done": "done",
                           "cumplida": "done", "reiterada": "repeated", "pendientes": "pending"}
_REF = re.compile(r"^([0-9a-f]{8,64})#(\d{1,5})$")
CSV_COLUMNS = ("ref", "status", "note")


class BadRows(InputError):
    """Rows of a follow-up CSV that cannot be used: `lines` holds one message per bad row."""

    def __init__(self, source: str, lines: list[str]) -> None:
        self.lines = lines
        super().__init__(source, f"{len(lines)} bad row(s), nothing changed: " + "; ".join(lines))


def canonical_status(value: str, source: str = "status") -> str:
    """`done`, `repeated`, `no_news` or `pending` from their English or Spanish names."""
    key = " ".join(str(value or "").strip().lower().split())
    status = ALIASES.get(key) or ALIASES.get(key.replace(" ", "_"))
    if status is None:
        raise InputError(source, f"unknown status {value!r} (use {', '.join(STATUSES)} or "
                                 f"{', '.join(STATUS_ES.values())})")
    return status


def status_row(register: pd.DataFrame, ref: str, status: str, set_by: str, note: str | None = None,
               set_on: str | None = None, source: str = "cli", where: str = "ref") -> dict:
    """The row to store for one status, checked against the register (its commitments' refs)."""
    ref = (ref or "").strip()
    if not _REF.match(ref):
        raise InputError(where, f"not a commitment reference like 3f2a9c1d0b7e4a55#5: {ref!r}")
    found = register[register["ref"] == ref]
    if found.empty:
        raise InputError(where, f"no commitment {ref} in the register")
    name = " ".join((set_by or "").split())
    if not name:
        raise InputError("name", "say who sets the status (a name)")
    day = set_on or date.today().isoformat()
    try:
        date.fromisoformat(day)
    except ValueError:
        raise InputError("date", f"not a date YYYY-MM-DD: {day!r}") from None
    auto = found.iloc[0]
    evidence = f"{auto['evidence_doc']}#{int(auto['evidence_n'])}" if plain(auto["evidence_n"]) is not None else None
    return {"doc_id": auto["doc_id"], "item_sha1": auto["item_sha1"],
            "status": canonical_status(status, where.replace("ref", "status")), "set_by": name[:200],
            "set_on": day, "note": (note or "").strip()[:2000] or None, "source": source,
            "auto_status": auto["auto_status"], "auto_evidence": evidence, "auto_confidence": plain(auto["confidence"])}


def rows_from_csv(register: pd.DataFrame, path: str | Path | None, set_by: str, text: str | None = None,
                  set_on: str | None = None) -> list[dict]:
    """The rows of a follow-up report (columns ref, status, note; `;` or `,`), all checked.

    Raises `BadRows` listing every bad row (one line each); returns nothing half-checked.
    """
    name = str(path) if path is not None else "upload"
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(name, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].strip():
        raise InputError(name, "empty file")
    dialect = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("ref", "status") if c not in header]
    if missing:
        raise InputError(name, f"missing column(s) {', '.join(missing)} (expected: {', '.join(CSV_COLUMNS)})")
    reader.fieldnames = header
    if not " ".join((set_by or "").split()):
        raise InputError("name", "say who sets the statuses (--by NAME)")
    rows, bad, seen = [], [], {}
    for k, record in enumerate(reader, start=2):
        ref = (record.get("ref") or "").strip()
        try:
            row = status_row(register, ref, record.get("status") or "", set_by, record.get("note"), set_on,
                             source="csv", where=f"{name}:{k}: ref")
        except InputError as exc:
            bad.append(str(exc))
            continue
        if ref in seen:
            bad.append(f"{name}:{k}: ref: {ref} already given on row {seen[ref]}")
            continue
        seen[ref] = k
        rows.append(row)
    if bad:
        raise BadRows(name, bad)
    if not rows:
        raise InputError(name, "no rows")
    return rows


def refs_in_csv(path: str | Path | None, text: str | None = None) -> list[str]:
    """The references a follow-up CSV names (unchecked; an unreadable file gives none)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig") if text is None else text
    except (OSError, UnicodeDecodeError):
        return []
    return re.findall(r"\b[0-9a-f]{8,64}#\d{1,5}\b", text)
