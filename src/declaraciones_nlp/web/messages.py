"""Library errors as the web page says them: in Spanish, naming the field as the form labels it.

The library names the field as the Python API spells it (`min_score`) and gives
its reason in English, with a Spanish version (`reason_es`) for the values a
visitor types; the JSON API keeps both (`error`, `field`) and adds `mensaje`.
"""
from __future__ import annotations

import re
from typing import Any

from ..errors import DeclaracionesError, FieldError, InputError, NotFoundError, StoreError

_NOT_STORED = re.compile(r"^document '(.*)' is not stored$")
FIELD_NAMES_ES: dict[str, str] = {
    "axis": "Eje", "country": "País", "dyad": "Par de países", "since": "Desde", "until": "Hasta",
    "mechanism": "Mecanismo", "min_score": "Confianza mínima", "act": "Acto", "lang": "Idioma",
    "model_version": "Versión del modelo", "doc_id": "Documento", "between": "Pareja", "top": "Número de ejes",
    "joint_weight": "Peso del registro conjunto", "half_life": "Vida media", "parties": "Partes",
    "date": "Fecha", "title": "Título", "by": "Agrupar por", "limit": "Límite", "query": "Búsqueda",
    "min_similarity": "Similitud mínima", "format": "Formato", "share_of": "Proporción sobre",
    "kind": "Tipo de documento", "resamples": "Remuestreos",
}


def spanish_message(exc: DeclaracionesError) -> str:
    """One line in Spanish for a library error."""
    if isinstance(exc, FieldError):
        name = FIELD_NAMES_ES.get(exc.field, exc.field)
        return f"{name}: {exc.reason_es or 'valor no válido (' + exc.reason + ')'}"
    if isinstance(exc, NotFoundError):
        match = _NOT_STORED.match(str(exc))
        return f"No hay ningún documento «{match.group(1)}»." if match else f"No encontrado: {exc}"
    if isinstance(exc, InputError):
        return f"No se pudo usar «{exc.source}»: {exc.reason_es or exc.reason}"
    if isinstance(exc, StoreError):
        return f"Error de la base de datos: {exc}"
    return f"Error: {exc}"


def api_error(exc: DeclaracionesError) -> dict[str, Any]:
    """The JSON body of an API error: the library's message, the field at fault, the Spanish message."""
    body: dict[str, Any] = {"error": str(exc), "mensaje": spanish_message(exc)}
    if isinstance(exc, FieldError):
        body["field"] = exc.field
    return body
