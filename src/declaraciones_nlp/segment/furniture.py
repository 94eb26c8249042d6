"""Web-page and press furniture around a republished declaration, in Spanish and English.

News agencies and ministry sites publish a declaration inside a page: a dateline
with the hour ("14:16 | Lima, oct. 30."), the press lead, "Vea aquí la galería
fotográfica", "Lee también: …", bylines with social handles, share buttons, an
agency sign-off ("(FIN) ABC/XYZ") and a publication note ("El texto de la
siguiente declaración fue publicado…"). None of them is an agreement item.
"""
from __future__ import annotations

import re

from ..ingest.metadata import _MONTH as _MONTHS

_TIME = re.compile(r"\b\d{1,2}:\d{2}\b(?:\s*(?:[ap]\.?\s?m\.?|h(?:rs?)?\.?))?", re.I)
_SHORT_MONTH = r"(?:ene|feb|mar|abr|may|jun|jul|ago|sep|set|oct|nov|dic|jan|apr|aug|dec)\.?"
_DATE_WORD = re.compile(rf"\b(?:{_MONTHS}|{_SHORT_MONTH})\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b", re.I)
_FURNITURE = re.compile(
    r"^(?:"
    r"(?:vea|ver|vean|mira|mire|revisa|revise|observa)\s+(?:aqu[ií]\s+|m[aá]s\s+)?(?:la\s+|el\s+|las\s+|los\s+)?"
    r"(?:galer[ií]a|fotos?|fotograf[ií]as|video|v[ií]deo|transmisi[oó]n)"
    r"|(?:see|view|watch)\s+(?:the\s+)?(?:photo|gallery|video|pictures)"
    r"|(?:(?:lee|lea|leer)\s+(?:tambi[eé]n|m[aá]s|aqu[ií])|te\s+puede\s+interesar|tambi[eé]n\s+te\s+puede|"
    r"m[aá]s\s+informaci[oó]n\s*:|m[aá]s\s+en\s+\w+\s*:|read\s+(?:more|also)|related\s*(?:articles|news|stories)?\s*:|"
    r"see\s+also)\b"
    r"|(?:con[oó]zca(?:n)?|conoce)\s+(?:los|las|el|la|m[aá]s|aqu[ií])\b"
    r"|(?:compartir|comparte|share)(?:\s+(?:this|esta\s+nota|la\s+noticia|article|story))?\s*(?::|$)"
    r"|(?:compartir|share)\s+(?:en|on)\s+\w+|s[ií]guenos\b|follow\s+us\b"
    r"|(?:inicio\s+del\s+texto|ir\s+al\s+contenido|saltar\s+al\s+contenido|skip\s+to\s+(?:main\s+)?content)\b"
    r"|(?:nota\s+de\s+prensa|comunicado\s+de\s+prensa|press\s+release|for\s+immediate\s+release)\b[^.]{0,40}$"
    r"|\(fin\)|por\s*:\s|fuente\s*:|foto\s*:|photo\s*:|credit\s*:"
    r"|(?:el\s+)?texto\s+(?:[ií]ntegro\s+)?de\s+la\s+(?:siguiente\s+)?declaraci[oó]n\b"
    r"|a\s+continuaci[oó]n,?\s+(?:el\s+texto|la\s+declaraci[oó]n|reproducimos)"
    r"|(?:the\s+)?(?:full\s+)?text\s+of\s+the\s+(?:following\s+)?(?:joint\s+)?(?:statement|declaration)\b"
    r")",
    re.I,
)
_SOCIAL = re.compile(r"(?<![\w.])@\w{3,}|\b(?:twitter|facebook|instagram|whatsapp|youtube|tiktok)\s*:", re.I)
_AGENCY = re.compile(r"\bagencia\s+(?:peruana\s+)?de\s+noticias\b|\bnews\s+agency\b", re.I)
# The title of the declaration itself, where a page starts to republish it.
_DECLARATION_TITLE = re.compile(
    r"^(?:texto\s+de\s+la\s+)?(?:declaraci[oó]n|comunicado\s+conjunto|acta|joint\s+(?:statement|declaration)|"
    r"declaration)\b",
    re.I,
)


def is_furniture(text: str) -> bool:
    """True for a line, sentence or paragraph of page furniture (see the module's docstring)."""
    text = " ".join(text.split())
    if not text:
        return False
    words = len(text.split())
    if words <= 14 and _TIME.search(text) and _DATE_WORD.search(text):
        return True  # "14:16 | Lima, oct. 30.", "15 de marzo de 2024 - 6:00 p. m."
    if _SOCIAL.search(text) and (words <= 20 or _AGENCY.search(text)):
        return True
    if _AGENCY.search(text) and words <= 12:
        return True
    start = text.lstrip("*_#>•-–— ")
    return words <= 40 and not start[:1].islower() and bool(_FURNITURE.match(start))


def is_publication_note(text: str) -> bool:
    """"El texto de la siguiente declaración fue publicado…", "A continuación, el texto de la declaración:"."""
    text = " ".join(text.split()).lower()
    return bool(re.match(r"(?:el\s+)?texto\s+(?:[ií]ntegro\s+)?de\s+la\s+(?:siguiente\s+)?declaraci|"
                         r"a\s+continuaci[oó]n,?\s+(?:el\s+texto|la\s+declaraci|reproducimos)|"
                         r"(?:the\s+)?(?:full\s+)?text\s+of\s+the\s+(?:following\s+)?(?:joint\s+)?(?:statement|declaration)"
                         r"|conoce\s+(?:los\s+puntos|el\s+texto)", text))


def is_declaration_title(text: str) -> bool:
    """"DECLARACIÓN CONJUNTA DE LOS CANCILLERES …", "Joint Statement …": a title line, not a sentence."""
    text = " ".join(text.split()).strip("*_# ")
    return len(text.split()) <= 25 and not re.search(r"[.;]$", text) and bool(_DECLARATION_TITLE.match(text))
