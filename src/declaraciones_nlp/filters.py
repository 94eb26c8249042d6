"""Which items a question looks at: `Filters`, typed and validated once.

Below both the store and the queries: the CLI, the web app and the notebook API
build a `Filters` from what the user typed and `query` turns it into SQL.
A bad value raises `FieldError(field, reason)` before the database is touched.

    >>> Filters(country="co", since=2014, dyad="PE-CO").dyad
    'CO-PE'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from .errors import FieldError
from .schema import ACTS, LABELS, LANGS
from .text import country_code, dyad_code

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _bound(option: str, value: Any) -> str:
    """A year or ISO date (`2014`, `2014-05`, `2014-05-01`) as a normalised string."""
    text = str(value).strip()
    match = _DATE.match(text)
    if match is None or not 1000 <= int(match.group(1)) <= 9999:
        raise FieldError(option, f"not a year or date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}",
                         f"«{value}» no es un año ni una fecha (AAAA, AAAA-MM o AAAA-MM-DD)")
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise FieldError(option, f"not a valid date: {value!r}", f"«{value}» no es una fecha válida") from exc
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
    - `twins`: of a declaration stored in two languages (`twins.py`), count the text in this
      language (`es`, `en`); `both` counts both. None: Spanish. Ignored with `doc_id`.
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
    twins: str | None = None

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        if self.axis is not None:
            axis = str(self.axis).strip().lower()
            if axis not in LABELS:
                raise FieldError("axis", f"unknown axis {self.axis!r} (known: {', '.join(LABELS)})",
                                 f"eje desconocido «{self.axis}» (válidos: {', '.join(LABELS)})")
            set_("axis", axis)
        if self.country is not None:
            set_("country", country_code(self.country, "country"))
        if self.dyad is not None:
            set_("dyad", dyad_code(self.dyad, "dyad"))
        for name in ("since", "until"):
            if getattr(self, name) is not None:
                set_(name, _bound(name, getattr(self, name)))
        if self.since is not None and self.until is not None:
            start = self.since + "-01-01"[len(self.since) - 4:] if len(self.since) < 10 else self.since
            end = self.until + "-12-31"[len(self.until) - 4:] if len(self.until) < 10 else self.until
            if start > end:
                raise FieldError("since", f"{self.since} is after until {self.until}",
                                 f"{self.since} es posterior a «hasta» {self.until}")
        if self.act is not None and self.act not in ACTS:
            raise FieldError("act", f"unknown act {self.act!r} (known: {', '.join(ACTS)})",
                             f"acto desconocido «{self.act}»")
        if self.lang is not None and self.lang not in LANGS:
            raise FieldError("lang", f"unknown language {self.lang!r} (known: {', '.join(LANGS)})")
        if self.min_score is not None:
            try:
                score = float(self.min_score)
            except (TypeError, ValueError) as exc:
                raise FieldError("min_score", f"not a number: {self.min_score!r}",
                                 f"«{self.min_score}» no es un número") from exc
            if not 0.0 <= score <= 1.0:
                raise FieldError("min_score", f"must be between 0 and 1, got {self.min_score!r}",
                                 f"debe estar entre 0 y 1; se recibió {self.min_score}")
            set_("min_score", score)
        if self.twins is not None:
            twins = str(self.twins).strip().lower()
            if twins not in (*LANGS, "both"):
                raise FieldError("twins", f"unknown choice {self.twins!r} (known: {', '.join(LANGS)}, both)",
                                 f"opción desconocida «{self.twins}» (válidas: {', '.join(LANGS)}, both)")
            set_("twins", twins)
        for name in ("mechanism", "model_version", "doc_id"):
            value = getattr(self, name)
            if value is not None:
                value = str(value).strip()
                if not value:
                    raise FieldError(name, "empty value", "valor vacío")
                set_(name, value)

    @classmethod
    def of(cls, filters: "Filters | None" = None, **kwargs: Any) -> "Filters":
        """`filters` with `kwargs` set on it (unknown names refused as InputError); `Filters()` by default."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise FieldError(unknown[0], f"unknown filter (known: {', '.join(sorted(known))})")
        if filters is None:
            return cls(**kwargs)
        return replace(filters, **kwargs) if kwargs else filters
