"""Document metadata read from the text: title, date, place, parties, mechanism, edition, language."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ..schema import DOCUMENT_KINDS
from ..text import fold, guess_lang

MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_ES = re.compile(rf"\b(\d{{1,2}})(?:º|°|ro|er)?\s+de\s+({_MONTH})\s+(?:de|del)\s+(\d{{4}})\b", re.I)
_DATE_EN = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I)
_DATE_EN2 = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b", re.I)
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

# Country names and demonyms (Spanish and English, folded: lower case, no accents) → ISO code.
_COUNTRIES: dict[str, tuple[str, ...]] = {
    "PE": ("peru", "republica del peru", "peruano", "peruana", "peruanos", "peruanas", "peruvian", "peruvians"),
    "US": ("estados unidos", "estados unidos de america", "ee. uu.", "ee.uu.", "eeuu", "eua", "united states",
           "u.s.", "usa", "estadounidense", "estadounidenses", "norteamericano", "norteamericanos"),
    "BO": ("bolivia", "estado plurinacional de bolivia", "boliviano", "boliviana", "bolivianos", "bolivian"),
    "EC": ("ecuador", "ecuatoriano", "ecuatoriana", "ecuatorianos", "ecuadorian", "ecuadorians"),
    "CO": ("colombia", "colombiano", "colombiana", "colombianos", "colombian", "colombians"),
    "CL": ("chile", "chileno", "chilena", "chilenos", "chilean", "chileans"),
    "AR": ("argentina", "republica argentina", "argentino", "argentinos", "argentine", "argentinian"),
    "BR": ("brasil", "brazil", "brasileno", "brasilenos", "brazilian"),
    "MX": ("mexico", "mexicano", "mexicana", "mexicanos", "mexican", "mexicans"),
    "IN": ("india", "indian government", "republica de la india"),
    "CA": ("canada", "canadiense", "canadian"),
    "CN": ("china", "chinese", "chino"),
    "JP": ("japon", "japan", "japanese"),
    "KR": ("corea", "korea", "republic of korea"),
    "ES": ("espana", "spain", "espanol", "spanish government"),
    "PY": ("paraguay", "paraguayo"),
    "UY": ("uruguay", "uruguayo"),
    "VE": ("venezuela", "venezolano", "venezolanos", "venezuelan"),
    "EU": ("union europea", "european union"),
}
_ALIAS = {alias: code for code, aliases in _COUNTRIES.items() for alias in aliases}
_COUNTRY_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(a) for a in sorted(_ALIAS, key=len, reverse=True)) + r")(?![\w])"
)

MECHANISMS: tuple[tuple[str, re.Pattern], ...] = (
    ("Gabinete Binacional", re.compile(r"gabinete\s+(?:ministerial\s+)?binacional|binational\s+cabinet", re.I)),
    ("Diálogo de Alto Nivel", re.compile(r"di[aá]logo\s+(?:\w+\s+){0,2}de\s+alto\s+nivel|high[- ]level\s+(?:\w+\s+){0,2}dialogue", re.I)),
    ("Hoja Informativa", re.compile(r"\bfact\s+sheet\b|hoja\s+informativa", re.I)),
    ("Declaración Conjunta", re.compile(r"joint\s+(?:statement|declaration|communiqu[eé])|declaraci[oó]n\s+(?:conjunta|presidencial)|comunicado\s+conjunto", re.I)),
)
_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_EDITION_ROMAN = re.compile(rf"\b({_ROMAN})\s+(?:Reuni[oó]n\s+(?:del\s+)?)?Gabinete\s+(?:Ministerial\s+)?Binacional", re.I)
_ORDINALS = {
    "primer": "I", "primera": "I", "primero": "I", "segunda": "II", "segundo": "II", "tercera": "III", "tercer": "III",
    "tercero": "III", "cuarta": "IV", "cuarto": "IV", "quinta": "V", "quinto": "V", "sexta": "VI", "sexto": "VI",
    "séptima": "VII", "septima": "VII", "séptimo": "VII", "octava": "VIII", "octavo": "VIII", "novena": "IX",
    "noveno": "IX", "décima": "X", "decima": "X", "décimo": "X", "first": "I", "second": "II", "third": "III",
    "fourth": "IV", "fifth": "V", "sixth": "VI", "seventh": "VII", "eighth": "VIII", "ninth": "IX", "tenth": "X",
}
_EDITION_ORDINAL = re.compile(
    r"\b(" + "|".join(_ORDINALS) + r")\s+(?:Reuni[oó]n\s+(?:del\s+)?|Encuentro\s+Presidencial\s+y\s+)?"
    r"(?:Gabinete|Binational\s+Cabinet|High-Level)", re.I,
)
_PLACE_DATE_LINE = re.compile(
    rf"^\s*([A-ZÁÉÍÓÚÑ][\w .'’-]{{1,40}}?),\s*(?:\w+\s+)?(?:\d{{1,2}}(?:º|°|ro)?\s+de\s+(?:{_MONTH})|(?:{_MONTH})\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTH})\s+\d{{4}})",
    re.I,
)
_PLACE_PHRASES = re.compile(
    r"(?:reunid[oa]s\s+en|se\s+reunieron\s+en|suscrita\s+en|suscrito\s+en|hecha\s+en|hecho\s+en|firmad[oa]\s+en|done\s+at|signed\s+at|met\s+in|meeting\s+in)\s+"
    r"(?:la\s+ciudad\s+de\s+|the\s+city\s+of\s+)?([A-ZÁÉÍÓÚÑ][\wáéíóúñ]+(?:[ -](?:de\s+)?[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+)*(?:,\s*D\.C\.)?)"
)
def parse_date(text: str) -> str | None:
    """The first date in `text` as ISO `YYYY-MM-DD`: Spanish, English or ISO forms."""
    found: list[tuple[int, str]] = []
    for regex, order in ((_DATE_ES, "dmy"), (_DATE_EN, "mdy"), (_DATE_EN2, "dmy"), (_DATE_ISO, "ymd")):
        m = regex.search(text)
        if not m:
            continue
        a, b, c = m.groups()
        if order == "dmy":
            day, month, year = int(a), MONTHS[b.lower()], int(c)
        elif order == "mdy":
            day, month, year = int(b), MONTHS[a.lower()], int(c)
        else:
            year, month, day = int(a), int(b), int(c)
        if 1 <= day <= 31 and 1 <= month <= 12:
            found.append((m.start(), f"{year:04d}-{month:02d}-{day:02d}"))
    return min(found)[1] if found else None


def find_parties(text: str) -> list[str]:
    """ISO codes of the countries named in `text`, most mentioned first."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _COUNTRY_RE.finditer(fold(text).replace("\u2013", "-").replace("\u00a0", " ")):
        code = _ALIAS[m.group(1)]
        counts[code] += 1
        first.setdefault(code, m.start())
    return sorted(counts, key=lambda c: (-counts[c], first[c]))


def find_mechanism(text: str) -> str | None:
    for name, regex in MECHANISMS:
        if regex.search(text):
            return name
    return None


def find_edition(text: str) -> str | None:
    m = _EDITION_ROMAN.search(text)
    if m and m.group(1):
        return m.group(1).upper()
    m = _EDITION_ORDINAL.search(text)
    if m:
        return _ORDINALS[m.group(1).lower()]
    return None


def _edition_name(numeral: str | None, mechanism: str | None) -> str | None:
    """`XII` + `Gabinete Binacional` → `XII Gabinete Binacional`."""
    if numeral is None:
        return None
    return f"{numeral} {mechanism}" if mechanism else numeral


def find_place(text: str) -> str | None:
    for line in text.split("\n"):
        m = _PLACE_DATE_LINE.match(line)
        if m and len(line.strip()) < 80:
            return m.group(1).strip()
    m = _PLACE_PHRASES.search(text)
    return m.group(1).strip() if m else None


def guess_title(body: str) -> str | None:
    """The first line when it reads as a title (short, no final period), else None."""
    lines: list[str] = []
    for line in body.split("\n"):
        clean = re.sub(r"[*#_]+", "", line).strip()
        if not clean:
            if lines:
                break
            continue
        if clean.endswith((".", ":", ";")) or len(clean) > 160 or re.match(r"^\d{1,3}[.)-]", clean):
            break
        lines.append(clean)
        if len(lines) == 3:
            break
    title = " ".join(lines)
    return title if title and len(title.split()) <= 30 else None


def extract_metadata(body: str, front: dict[str, Any] | None = None) -> dict[str, Any]:
    """Metadata from front matter when present, else from the text."""
    front = dict(front or {})
    head = body[:4000]
    title = _clean_str(front.get("title")) or guess_title(body)
    parties = front.get("parties")
    if isinstance(parties, str):
        parties = [p for p in re.split(r"[,\s]+", parties) if p]
    if not parties:
        found = find_parties(title or "")
        if len(found) < 2:
            extra = [c for c in find_parties(head) if c not in found]
            found = found + extra
        parties = found[:2]
    date = front.get("date")
    date = str(date) if date else parse_date(head)
    mechanism = _clean_str(front.get("mechanism")) or find_mechanism((title or "") + "\n" + head)
    return {
        "title": title,
        "date": date,
        "place": _clean_str(front.get("place")) or find_place(head),
        "parties": tuple(sorted({str(p).upper() for p in parties})),
        "mechanism": mechanism,
        "edition": _clean_str(front.get("edition")) or _edition_name(find_edition((title or "") + "\n" + head), mechanism),
        "lang": front.get("lang") or guess_lang(body),
        "citation": _clean_str(front.get("citation")),
        "excerpt_only": bool(front.get("excerpt_only", False)),
        "kind": front.get("kind") if front.get("kind") in DOCUMENT_KINDS else None,
    }


def _clean_str(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).replace("\u00a0", " ").split())
    return text or None
