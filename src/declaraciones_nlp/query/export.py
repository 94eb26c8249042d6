"""The item × axis table written as a file: csv, xlsx or parquet, whole or not at all."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..errors import FieldError
from ..files import publish
from ..filters import Filters
from ..store import Store
from .frame import item_frame

EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet")
# Characters openpyxl refuses in a cell.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TEXT_COLUMNS = ("text", "section", "title", "place", "mechanism", "edition", "verb")


def export(store: Store, fmt: str | None, out_path: str | Path, filters: Filters | None = None) -> Path:
    """Write the item × axis table (the item DataFrame) as csv, xlsx or parquet; returns the path.

    One row per item with its source columns, a 0/1 column per label and a
    score column per axis. `fmt` None takes the format from the file suffix.
    The file is written to a temporary name beside `out_path` and renamed, so
    a reader never sees half a file.
    """
    out_path = Path(out_path).expanduser()
    fmt = (fmt or out_path.suffix.lstrip(".")).lower()
    if fmt not in EXPORT_FORMATS:
        raise FieldError("format", f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    if not out_path.parent.is_dir():
        raise FieldError("out", f"folder does not exist: {out_path.parent}")
    if out_path.is_dir():
        raise FieldError("out", f"is a folder: {out_path}")
    frame = item_frame(store, filters)
    if fmt != "parquet":
        frame["labels"] = frame["labels"].map(";".join)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=f".tmp.{fmt}", dir=out_path.parent)
    os.close(fd)
    try:
        if fmt == "csv":
            frame.to_csv(tmp_name, index=False)
        elif fmt == "xlsx":
            for column in _TEXT_COLUMNS:
                frame[column] = frame[column].map(
                    lambda v: _XLSX_ILLEGAL.sub("", v) if isinstance(v, str) else v, na_action="ignore")
            frame.to_excel(tmp_name, index=False, sheet_name="items", engine="openpyxl")
        else:
            frame.to_parquet(tmp_name, index=False)
        publish(tmp_name, out_path)
    except OSError as exc:
        raise FieldError("out", f"cannot write {out_path}: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return out_path
