"""Questions ministry staff ask of the store: frequencies, search, exports → pandas.

    >>> from declaraciones_nlp.query import Filters, freq
    >>> freq(store, ["axis", "year"], Filters(country="CO", since=2014))

`Filters` validates what the user typed and raises `InputError(option, reason)`
before the database is touched.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from .errors import InputError
from .schema import ACTS, LABELS, LANGS
from .store import GROUP_FIELDS, Store, fold_text

EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet")
_CODE = re.compile(r"^[A-Z]{2}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Characters openpyxl refuses in a cell.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _code(option: str, value: str) -> str:
    code = str(value).strip().upper()
    if not _CODE.match(code):
        raise InputError(option, f"not a two-letter country code: {value!r}")
    return code


def _bound(option: str, value: Any) -> str:
    """A year or ISO date (`2014`, `2014-05`, `2014-05-01`) as a normalised string."""
    text = str(value).strip()
    match = _DATE.match(text)
    if match is None or not 1000 <= int(match.group(1)) <= 9999:
        raise InputError(option, f"not a year or date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise InputError(option, f"not a valid date: {value!r}") from exc
    return text


@dataclass(frozen=True)
class Filters:
    """Which items a query looks at. Every field is optional; None means no restriction.

    - `axis`: items carrying this label (`security` ... `other`)
    - `country`: documents where this party takes part (either side of the dyad)
    - `dyad`: the pair, order-insensitive (`PE-CO` == `CO-PE`)
    - `since` / `until`: year or ISO date, inclusive
    - `mechanism`: text contained in the mechanism name (case- and accent-insensitive)
    - `act`, `lang`: the item's act class and language
    - `min_score`: an item counts for an axis when its score ≥ min_score
      (instead of the labels the classifier assigned)
    - `model_version`: labels of this model version (default: the current model)
    - `doc_id`: one document
    """

    axis: str | None = None
    country: str | None = None
    dyad: str | None = None
    since: int | str | None = None
    until: int | str | None = None
    mechanism: str | None = None
    act: str | None = None
    min_score: float | None = None
    model_version: str | None = None
    lang: str | None = None
    doc_id: str | None = None

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        if self.axis is not None:
            axis = str(self.axis).strip().lower()
            if axis not in LABELS:
                raise InputError("--axis", f"unknown axis {self.axis!r} (known: {', '.join(LABELS)})")
            set_("axis", axis)
        if self.country is not None:
            set_("country", _code("--country", self.country))
        if self.dyad is not None:
            parts = [p for p in re.split(r"[-,/ ]+", str(self.dyad).strip()) if p]
            if len(parts) != 2:
                raise InputError("--dyad", f"not a pair of country codes like PE-CO: {self.dyad!r}")
            codes = sorted(_code("--dyad", p) for p in parts)
            if codes[0] == codes[1]:
                raise InputError("--dyad", f"a dyad needs two different countries: {self.dyad!r}")
            set_("dyad", "-".join(codes))
        for name in ("since", "until"):
            if getattr(self, name) is not None:
                set_(name, _bound(f"--{name}", getattr(self, name)))
        if self.since is not None and self.until is not None:
            start = self.since + "-01-01"[len(self.since) - 4:] if len(self.since) < 10 else self.since
            end = self.until + "-12-31"[len(self.until) - 4:] if len(self.until) < 10 else self.until
            if start > end:
                raise InputError("--since", f"{self.since} is after --until {self.until}")
        if self.act is not None and self.act not in ACTS:
            raise InputError("--act", f"unknown act {self.act!r} (known: {', '.join(ACTS)})")
        if self.lang is not None and self.lang not in LANGS:
            raise InputError("--lang", f"unknown language {self.lang!r} (known: {', '.join(LANGS)})")
        if self.min_score is not None:
            try:
                score = float(self.min_score)
            except (TypeError, ValueError) as exc:
                raise InputError("--min-score", f"not a number: {self.min_score!r}") from exc
            if not 0.0 <= score <= 1.0:
                raise InputError("--min-score", f"must be between 0 and 1, got {self.min_score!r}")
            set_("min_score", score)
        for name in ("mechanism", "model_version", "doc_id"):
            value = getattr(self, name)
            if value is not None:
                value = str(value).strip()
                if not value:
                    raise InputError(f"--{name.replace('_', '-')}", "empty value")
                set_(name, value)

    @classmethod
    def of(cls, filters: "Filters | None" = None, **kwargs: Any) -> "Filters":
        """`Filters(**kwargs)` with unknown names refused as InputError; passes a Filters through."""
        if filters is not None and not kwargs:
            return filters
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise InputError(unknown[0], f"unknown filter (known: {', '.join(sorted(known))})")
        return cls(**kwargs)


def check_by(by: str | Sequence[str] | None) -> list[str]:
    """The group fields as a list, or InputError for an unknown or repeated one."""
    fields_ = [by] if isinstance(by, str) else list(by or [])
    for field in fields_:
        if field not in GROUP_FIELDS:
            raise InputError("--by", f"unknown field {field!r} (known: {', '.join(GROUP_FIELDS)})")
    if len(set(fields_)) != len(fields_):
        raise InputError("--by", "a field is given twice")
    return fields_


def freq(store: Store, by: str | Sequence[str] = ("axis",), filters: Filters | None = None) -> pd.DataFrame:
    """Item counts grouped by `by` (any of axis, dyad, country, year, mechanism, act).

    Columns: the group fields, `items` and `share`.

    `share` = items in the group / number of distinct items in the filtered set
    (all items passing `filters`, labelled or not). Grouping by `axis`, an item
    counts once for each of its axes (the assigned labels, or with
    `filters.min_score` every axis whose score is ≥ it, `other` when none is),
    so shares across axes add up to more than 1 when items carry several axes.
    Grouping by `country`, an item counts once for each party of its document.
    The grouping runs in SQL; only the `country` expansion is done on the
    (small) grouped table. `frame.attrs["total"]` holds the size of the filtered set.
    """
    fields_ = check_by(by)
    filters = filters or Filters()
    frame, total = store.count_items(fields_, filters)
    if "country" in fields_:
        frame = frame.assign(country=frame.pop("parties").fillna("").str.split(",")).explode("country")
        frame["country"] = frame["country"].replace("", None)
        frame = (frame.groupby(fields_, dropna=False, sort=False)["items"].sum().reset_index())
    if not fields_:
        frame = pd.DataFrame({"items": [total]})
    frame = frame[fields_ + ["items"]]
    frame["items"] = frame["items"].astype(int)
    frame["share"] = frame["items"] / total if total else 0.0
    if "year" in frame:
        frame["year"] = frame["year"].astype("Int64")
    frame = _sort(frame, fields_)
    frame.attrs["total"] = total
    return frame


def _sort(frame: pd.DataFrame, fields_: list[str]) -> pd.DataFrame:
    if not fields_ or frame.empty:
        return frame.reset_index(drop=True)
    keys = {}
    for field in fields_:
        if field == "axis":
            keys[field] = frame[field].map({label: k for k, label in enumerate(LABELS)})
        else:
            keys[field] = frame[field]
    order = pd.DataFrame(keys).sort_values(fields_, na_position="last", kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def search(store: Store, q: str, filters: Filters | None = None, limit: int | None = 50) -> pd.DataFrame:
    """Items containing every word of `q` (case- and accent-insensitive: "mineria" finds "minería").

    One row per hit, newest documents first: doc_id, n, title, date, parties,
    dyad, mechanism, page, section, text, labels, model_version.
    """
    terms = fold_text(q or "").split()
    if not terms:
        raise InputError("query", "empty search query")
    if limit is not None and limit < 1:
        raise InputError("--limit", f"must be at least 1, got {limit}")
    return store.search_items(terms, filters or Filters(), limit)


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
        raise InputError("--format", f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    if not out_path.parent.is_dir():
        raise InputError("--out", f"folder does not exist: {out_path.parent}")
    if out_path.is_dir():
        raise InputError("--out", f"is a folder: {out_path}")
    frame = store.items(filters or Filters())
    if fmt != "parquet":
        frame["labels"] = frame["labels"].map(";".join)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=f".tmp.{fmt}", dir=out_path.parent)
    os.close(fd)
    try:
        if fmt == "csv":
            frame.to_csv(tmp_name, index=False)
        elif fmt == "xlsx":
            for column in ("text", "section", "title", "place", "mechanism", "edition", "verb"):
                frame[column] = frame[column].map(
                    lambda v: _XLSX_ILLEGAL.sub("", v) if isinstance(v, str) else v, na_action="ignore")
            frame.to_excel(tmp_name, index=False, sheet_name="items", engine="openpyxl")
        else:
            frame.to_parquet(tmp_name, index=False)
        os.replace(tmp_name, out_path)
    except OSError as exc:
        raise InputError("--out", f"cannot write {out_path}: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return out_path


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NA → None, numpy scalars → Python): what the CLI prints and the web API returns."""
    out = []
    for record in frame.to_dict(orient="records"):
        row = {}
        for key, value in record.items():
            if isinstance(value, (list, tuple)):
                row[key] = list(value)
            elif value is None or (not isinstance(value, str) and pd.isna(value)):
                row[key] = None
            else:
                row[key] = value.item() if hasattr(value, "item") else value
        out.append(row)
    return out
