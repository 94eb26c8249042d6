"""The acta of a meeting: its commitments, who is responsible, by when, and their status
at the next meeting, as Markdown or as a Word document (python-docx)."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import InputError, NotFoundError
from ..records import plain
from ..schema import AXIS_NAMES_ES
from .register import STATUS_ES

HEADERS = ("Ref.", "Compromiso", "Responsables", "Plazo", "Estado", "Evidencia")


def meeting_rows(frame: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    """The register rows of one meeting (document id or its first characters)."""
    if not doc_id or len(doc_id) < 6:
        raise InputError("--doc", "give a document id (at least 6 characters)")
    rows = frame[frame["doc_id"].str.startswith(doc_id)]
    if rows.empty:
        raise NotFoundError(f"no commitments of document {doc_id!r} in the register")
    if rows["doc_id"].nunique() > 1:
        raise InputError("--doc", f"{doc_id!r} names several documents; give more characters")
    return rows


def _status(row: pd.Series) -> str:
    label = STATUS_ES.get(row["status"], row["status"])
    if row["human"]:
        return f"{label} (fijado por {row['set_by']}, {row['set_on']})"
    if row["status"] == "pending":
        return label
    return f"{label} (automático, confianza {row['confidence']:.2f})"


def _evidence(row: pd.Series) -> str:
    if row["human"] and plain(row["note"]):
        return str(row["note"])
    if plain(row["evidence_text"]) is None:
        return ""
    return f"{row['evidence_meeting']}, ítem {int(row['evidence_n'])}: «{row['evidence_text']}»"


def acta_markdown(frame: pd.DataFrame, doc_id: str) -> str:
    """The acta of a meeting as Markdown."""
    rows = meeting_rows(frame, doc_id)
    first = rows.iloc[0]
    lines = [f"# Acta de seguimiento: {first['meeting']}", "",
             f"- Mecanismo: {first['mechanism'] or '—'} ({first['dyad']})",
             f"- Compromisos: {len(rows)}",
             f"- Estado según: {first['next_meeting'] or 'aún no hay reunión posterior'}", ""]
    for _, row in rows.iterrows():
        axes = ", ".join(AXIS_NAMES_ES.get(a, a) for a in row["axes"]) or "—"
        lines += [f"## {row['ref']}", "", row["text"], "",
                  f"- Ejes: {axes}",
                  f"- Responsables: {', '.join(row['institutions']) or '—'}",
                  f"- Plazo: {plain(row['deadline']) or '—'}",
                  f"- Estado: {_status(row)}"]
        evidence = _evidence(row)
        if evidence:
            lines.append(f"- {'Nota' if row['human'] and plain(row['note']) else 'Evidencia'}: {evidence}")
        lines.append("")
    return "\n".join(lines)


def acta_docx(frame: pd.DataFrame, doc_id: str, out: str | Path | None = None) -> bytes:
    """The acta of a meeting as a Word document (returned as bytes, and written to `out` if given)."""
    from docx import Document as WordDocument

    rows = meeting_rows(frame, doc_id)
    first = rows.iloc[0]
    word = WordDocument()
    word.add_heading(f"Acta de seguimiento: {first['meeting']}", level=1)
    word.add_paragraph(f"Mecanismo: {first['mechanism'] or '—'} ({first['dyad']}). Compromisos: {len(rows)}. "
                       f"Estado según: {first['next_meeting'] or 'aún no hay reunión posterior'}.")
    table = word.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, HEADERS):
        cell.text = header
    for _, row in rows.iterrows():
        cells = table.add_row().cells
        values = (row["ref"], row["text"], ", ".join(row["institutions"]) or "—", plain(row["deadline"]) or "—",
                  _status(row), _evidence(row))
        for cell, value in zip(cells, values):
            cell.text = str(value)
    buffer = io.BytesIO()
    word.save(buffer)
    data = buffer.getvalue()
    if out is not None:
        try:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_bytes(data)
        except OSError as exc:
            raise InputError(str(out), f"cannot write: {exc.strerror or exc}") from exc
    return data
