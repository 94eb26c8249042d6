"""Which items are commitments, who is made responsible, and by when.

An item is a commitment when its act is `commitment` (acordar, instruir,
comprometerse, disponer, agree, commit, will…), when a commitment verb governs a
later clause ("Coincidieron en la necesidad de concluir… e instruyeron…"), or when
it opens with an infinitive, as the agendas of binational cabinets list what the
parties set out to do ("Fortalecer la cooperación sanitaria…").

Responsible institutions come from rules (the objects of "instruyeron a…",
"encargaron al…", institution head nouns such as Ministerio, Grupo de Trabajo,
Department of…, acronyms such as SUNAT or USAID) and, for Spanish, from spaCy's
`ORG` entities; deadlines from a small grammar of dates and periods.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from ..acts import ACT_OF_LEMMA, EN_FORMS, ES_FORMS

COMMITMENT_FORMS: frozenset[str] = frozenset(
    form for table in (ES_FORMS, EN_FORMS) for form, lemma in table.items()
    if ACT_OF_LEMMA.get(lemma) == "commitment" and form not in {"acuerda", "dispone", "conviene", "resuelve",
                                                                 "decide", "shall"})
_WORDS = re.compile(r"[A-Za-zÁÉÍÓÚÑáéíóúñü]+")
_INFINITIVE_HEAD = re.compile(r"^(?:[A-ZÁÉÍÓÚ][a-záéíóúñ]+(?:ar|er|ir)(?:se)?)\b")
_NOT_INFINITIVES = {"Mar", "Lugar", "Hogar", "Militar", "Popular", "Particular", "Similar", "Nuclear", "Bilateral"}
# English agenda bullets open with a bare verb ("Coordinate on critical industries…").
_EN_IMPERATIVES = frozenset("""
advance build coordinate collaborate consider create deepen develop enhance establish expand explore facilitate
foster improve increase launch promote pursue reduce share strengthen support work""".split())


def is_commitment(text: str, act: str | None, verb: str | None = None) -> bool:
    """Whether an item commits the parties to something (see the module's docstring)."""
    if act == "commitment":
        return True
    if any(word.lower() in COMMITMENT_FORMS for word in _WORDS.findall(text[:600])):
        return True
    words = text.strip().split(maxsplit=1)
    if words and words[0].lower() in _EN_IMPERATIVES and words[0][:1].isupper():
        return True
    head = _INFINITIVE_HEAD.match(text.strip())
    return bool(head) and head.group(0) not in _NOT_INFINITIVES


# ------------------------------------------------------------------ institutions
_ES_HEADS = (
    r"Ministerios?|Ministr[oa]s?|Viceministerios?|Vicecancilleres|Cancillerías?|Secretarías?|Subsecretarías?|"
    r"Superintendencias?|Agencias?|Autoridad(?:es)?|Institutos?|Direcci[oó]n(?:es)?|Servicios?|Comisi[oó]n(?:es)?|"
    r"Comités?|Grupos? de Trabajo|Mesas? de Trabajo|Consejos?|Oficinas?|Empresas? Nacional(?:es)?|"
    r"Administraci[oó]n|Policías?|Fuerzas (?:Armadas|Militares|Policiales)|Armadas?|Plan Binacional|"
    r"Organismos?|Procuradurías?|Fiscalías?|Defensorías?|Registros?|Bancos?|Corporaci[oó]n|Unidad(?:es)?"
)
_EN_HEADS = (
    r"Department|Ministry|Ministries|Ministers?|Secretary|Agency|Administration|Office|Commission|Council|"
    r"Committee|Working Group|Task Force|Service|Bureau|Corps|Coast Guard|Navy|Army|Treasury|Institute|Board|"
    r"Corporation|Authority|Authorities"
)
_LINK_ES = r"(?:\s+(?:de|del|de la|de las|de los|y|para|e)\s+|\s+)"
_NAME = r"(?:[A-ZÁÉÍÓÚÑ][\w\-áéíóúñ]*|[A-Z]{2,}\b)"
_ES_INSTITUTION = re.compile(
    rf"\b(?:{_ES_HEADS})(?:{_LINK_ES}(?:{_NAME}|Estado|Salud|Comercio|Defensa|Ambiente|Turismo|Energía|Minas))*")
_EN_INSTITUTION = re.compile(
    rf"\b(?:(?:the\s+)?(?:U\.S\.\s+|US\s+|[A-Z][a-z]+\s+)?(?:{_EN_HEADS}))(?:\s+(?:of|of the|for)\s+{_NAME}(?:\s+{_NAME})*)*")
_ACRONYM = re.compile(r"\b[A-ZÁÉÍÓÚÑ]{3,}[A-Z0-9ÁÉÍÓÚÑ]*\b")
# Acronyms that are not institutions of a party: agreements, regions, blocs, the parties themselves.
_NOT_INSTITUTIONS = {
    "OCDE", "OECD", "CAN", "TPP", "ISIS", "LGBTI", "MIPYMES", "ONU", "OEA", "APEC", "BRICS", "UE", "EU", "USA",
    "EEUU", "EE", "UU", "ZIF", "III", "VII", "VIII", "XII", "COVID", "HIV", "AIDS", "USMCA", "NAFTA", "ASEAN", "NATO",
    "OTAN", "AGOA", "GDP", "PIB", "IUU", "LNG", "MOU", "MOUS",
}
_RESPONSIBLE_CUES = re.compile(
    r"\b(?:instru\w+|encarg\w+|encomend\w+|encomiend\w+|dispus\w+|dispon\w+|direct(?:ed|s)?|task(?:ed|s)?|"
    r"entre|between|through|a través de|por parte de|by)\b", re.I)


def institutions(text: str, lang: str = "es", nlp=None) -> list[str]:
    """The institutions an item names, in order, without repeats ("Ministerios de Salud",
    "Grupo de Trabajo Binacional", "SUNAT", "Department of State").

    `nlp` (spaCy's Spanish pipeline with `ner`) adds the ORG entities the rules miss.
    """
    pattern = _EN_INSTITUTION if lang == "en" else _ES_INSTITUTION
    found: list[tuple[int, str]] = []
    for m in pattern.finditer(text):
        name = _trim(m.group(0))
        if len(name.split()) >= 2 or name.endswith("s") is False and name[:1].isupper():
            found.append((m.start(), name))
    for m in _ACRONYM.finditer(text):
        if m.group(0) not in _NOT_INSTITUTIONS and not _roman(m.group(0)):
            found.append((m.start(), m.group(0)))
    if nlp is not None and lang == "es":
        for ent in nlp(text).ents:
            name = _trim(ent.text)
            agency = len(name.split()) == 1 and sum(ch.isupper() for ch in name) >= 2  # ProEcuador, PROMPERÚ
            if (ent.label_ == "ORG" and re.match(rf"(?:{_ES_HEADS})\b", name) or ent.label_ in ("ORG", "MISC") and agency) \
                    and name.upper() not in _NOT_INSTITUTIONS:
                found.append((ent.start_char, name))
    out: list[str] = []
    for _, name in sorted(found):
        if name and not any(name == kept or name in kept for kept in out):
            out = [kept for kept in out if kept not in name] + [name]
    return out


def _trim(name: str) -> str:
    name = re.sub(r"^the\s+", "", name.strip(" ,.;:"), flags=re.I)
    name = re.sub(r"(?:\s+(?:de|del|de la|de las|de los|y|e|para|of|of the|for|and))+$", "", name)
    return name.strip(" ,.;:")


def _roman(word: str) -> bool:
    return bool(re.fullmatch(r"[IVXLC]+", word))


def has_responsible_cue(text: str) -> bool:
    """Whether the item assigns the task to someone ("instruyeron a…", "between SENAE and SUNAT")."""
    return bool(_RESPONSIBLE_CUES.search(text))


# ------------------------------------------------------------------ deadlines
_MONTHS_ES = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|setiembre|septiembre|octubre|noviembre|diciembre"
_MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
_DEADLINE_ES = re.compile(
    rf"\b(?:(?:durante|antes de|a más tardar|hasta|dentro de|en|para|al|a fines de|a finales de)\s+)?"
    rf"(?:el\s+|la\s+|los\s+)?"
    rf"(?:(?:primer|segundo|tercer|cuarto)\s+(?:trimestre|semestre)\s+(?:del?\s+)?(?:año\s+)?\d{{4}}"
    rf"|(?:\d{{1,2}}\s+de\s+)?(?:{_MONTHS_ES})\s+(?:de(?:l)?\s+)?\d{{4}}"
    rf"|(?:un\s+plazo\s+(?:máximo\s+)?de\s+)?(?:\d+|un|dos|tres|seis|doce)\s+(?:días|meses|años|mes)(?:\s+\w+)?"
    rf"|(?:el\s+)?más\s+breve\s+plazo(?:\s+posible)?"
    rf"|(?:la\s+)?próxima\s+(?:reunión|edición|cita)|(?:el\s+)?próximo\s+(?:Gabinete|Encuentro|Diálogo)(?:\s+Binacional)?)",
    re.I)
_YEAR_ES = re.compile(r"\b(?:antes de|a más tardar en|hasta|para|en el año|durante)\s+(?:el\s+)?(20\d\d)\b", re.I)
_DEADLINE_EN = re.compile(
    rf"\b(?:(?:by|before|within|no later than|until|in|during)\s+)(?:the\s+)?"
    rf"(?:(?:end|first half|second half|first quarter|second quarter|third quarter|fourth quarter|spring|summer|fall|autumn|winter)\s+of\s+)?"
    rf"(?:(?:{_MONTHS_EN})\s+(?:\d{{1,2}},\s+)?\d{{4}}|20\d\d|(?:\d+|one|two|three|six|twelve)\s+(?:days|months|years|month|year)"
    rf"|next\s+(?:meeting|dialogue|round|year))"
    rf"|\bas soon as possible\b|\bat the earliest opportunity\b", re.I)


def deadline(text: str, lang: str = "es") -> str | None:
    """The first deadline the item states, as written ("durante el primer trimestre de 2019",
    "en el más breve plazo", "by the end of 2019"), or None."""
    if lang == "en":
        m = _DEADLINE_EN.search(text)
        return m.group(0).strip() if m else None
    for m in _DEADLINE_ES.finditer(text):
        phrase = m.group(0).strip()
        if re.search(r"\d{4}", phrase) and not re.match(r"(?:durante|antes|a más|hasta|dentro|en|para|al|a fin)", phrase, re.I):
            continue  # a bare date ("en enero de 1992" is a reference, "suscritos en enero de 1992" too)
        if re.search(r"(?:suscrit|celebrad|firmad|cread|adoptad)\w*\s+$", text[:m.start()]):
            continue
        return phrase
    m = _YEAR_ES.search(text)
    return m.group(0).strip() if m else None


def commitments_of(rows: Iterable[tuple[str, str | None, str | None]]) -> list[bool]:
    """`is_commitment` over (text, act, verb) rows."""
    return [is_commitment(text, act, verb) for text, act, verb in rows]


def institutions_many(texts: Sequence[str], langs: Sequence[str]) -> list[list[str]]:
    """`institutions` of many items, spaCy's entities computed in one batch for the Spanish ones."""
    nlp = spanish_ner() if any(lang == "es" for lang in langs) else None
    return [institutions(text, lang, nlp) for text, lang in zip(texts, langs)]


def spanish_ner():
    """spaCy's Spanish pipeline with its entity recogniser (None if the model is missing)."""
    from ..errors import NLPModelMissing
    from ..nlp import load_spanish

    try:
        return load_spanish(("tok2vec", "ner"))
    except NLPModelMissing:
        return None
