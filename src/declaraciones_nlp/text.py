"""Text helpers every stage shares: folding, language guessing, de-hyphenation, country codes.

Standard library only. One definition of each, so that the lexicon, the search,
the metadata reader and the proposal see the same words:

    >>> fold("Ｍinería  ﬁscal")
    'mineria fiscal'
    >>> guess_lang("The parties agreed to expand trade.")
    'en'
    >>> country_code("pe", "country")
    'PE'
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from .errors import FieldError

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Compatibility forms unified (NFKC), lower case, accents stripped, whitespace collapsed.

    `"Ｍinería  ﬁscal"` → `"mineria fiscal"`. What the lexicon, the search index,
    the metadata reader and the proposal's sub-topics all match on.
    """
    if text.isascii():
        return " ".join(text.lower().split())
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(_COMBINING.sub("", folded).split())


# ---------------------------------------------------------------- language
_ES_WORDS = frozenset("de la que el en los del se las por un para con una su al lo como más sus ambos acordaron y".split())
_EN_WORDS = frozenset("the of and to in a is that for on with as by will our we their this be are both".split())
_WORD = re.compile(r"[a-záéíóúñ]+")


def guess_lang(text: str, default: str = "es") -> str:
    """`es` or `en` by counting frequent function words (cheap, good on a sentence); `default` on a tie."""
    es = en = 0
    for word in _WORD.findall(text[:5000].lower()):
        if word in _ES_WORDS:
            es += 1
        elif word in _EN_WORDS:
            en += 1
    if es == en:
        return default
    return "es" if es > en else "en"


# ---------------------------------------------------------------- de-hyphenation
_HYPHEN_BREAK = re.compile(r"(?<=[a-záéíóúñü])-\n[ \t]*(?=[a-záéíóúñü])")
_HYPHEN_KEEP = re.compile(r"(?<=\w)-\n[ \t]*(?=[A-ZÁÉÍÓÚÑ0-9])")


def dehyphenate(text: str) -> str:
    """Rejoin words broken at a line end (`interco-\\nnexión` → `interconexión`); a hyphen
    before a capital or a digit stays and the break goes (`Puyango-\\nTumbes` → `Puyango-Tumbes`)."""
    return _HYPHEN_KEEP.sub("-", _HYPHEN_BREAK.sub("", text))


# ---------------------------------------------------------------- country codes
# ISO 3166-1 alpha-2 (the 249 officially assigned codes), plus EU for the European Union.
ISO_3166_ALPHA2: frozenset[str] = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO
FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM
TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())
PARTY_CODES: frozenset[str] = ISO_3166_ALPHA2 | {"EU"}
_CODE_SHAPE = re.compile(r"^[A-Z]{2}$")
_SEPARATORS = re.compile(r"[-,;/\s]+")


def country_code(value: object, option: str) -> str:
    """`value` as an upper-case party code (ISO 3166-1 alpha-2 or EU), or InputError naming `option`."""
    code = str(value if value is not None else "").strip().upper()
    if not _CODE_SHAPE.match(code):
        raise FieldError(option, f"not a two-letter country code: {value!r}",
                         f"«{value}» no es un código de país de dos letras")
    if code not in PARTY_CODES:
        raise FieldError(option, f"not an ISO 3166 country code (or EU): {value!r}",
                         f"«{value}» no es un código de país ISO 3166 (ni EU)")
    return code


def country_codes(value: str | Iterable[object], option: str) -> tuple[str, ...]:
    """Codes written `"PE,US"`, `"PE US"`, `"PE-US"` or as a list, each checked by `country_code`."""
    parts = _SEPARATORS.split(value.strip()) if isinstance(value, str) else [str(p).strip() for p in value]
    return tuple(country_code(part, option) for part in parts if part)


def dyad_code(value: object, option: str = "dyad") -> str:
    """A pair of different parties as its sorted code: `"pe-co"` → `"CO-PE"`."""
    parts = [p for p in _SEPARATORS.split(str(value).strip()) if p]
    if len(parts) != 2:
        raise FieldError(option, f"not a pair of country codes like PE-CO: {value!r}",
                         f"«{value}» no es un par de códigos de país como PE-CO")
    codes = sorted(country_code(part, option) for part in parts)
    if codes[0] == codes[1]:
        raise FieldError(option, f"a dyad needs two different countries: {value!r}",
                         f"un par necesita dos países distintos: «{value}»")
    return "-".join(codes)


def party_set(value: str | Iterable[object], option: str = "parties") -> tuple[str, ...]:
    """The parties of a declaration, sorted: at least two different known codes, or FieldError.

    `"pe,us"` → `("PE", "US")`; `"PE,XX"` and `"PE"` are refused (a document of one
    party, or of an unknown one, would be stored under a dyad no query can ask for).
    """
    codes = tuple(sorted(set(country_codes(value, option))))
    if len(codes) < 2:
        shown = ",".join(codes) or str(value)
        raise FieldError(option, f"a declaration needs at least two different parties, got {shown!r}",
                         f"una declaración necesita al menos dos partes distintas; se recibió «{shown}»")
    return codes


def join_parties(parties: Iterable[str]) -> str:
    """The written form of a party tuple: `("PE", "US")` → `"PE,US"` (the item DataFrame, exports)."""
    return ",".join(parties)


def split_parties(value: object) -> tuple[str, ...]:
    """The party tuple of its written form: `"PE,US"` → `("PE", "US")`; None or NaN → `()`."""
    if not isinstance(value, str):
        return tuple(str(p).strip().upper() for p in value if str(p).strip()) if isinstance(value, (list, tuple)) else ()
    return tuple(part.upper() for part in _SEPARATORS.split(value.strip()) if part)


# Spanish names of the parties the corpus speaks of (reports and charts); other codes are shown as they are.
COUNTRY_NAMES_ES: dict[str, str] = {
    "AR": "Argentina", "BO": "Bolivia", "BR": "Brasil", "CA": "Canadá", "CL": "Chile", "CN": "China",
    "CO": "Colombia", "EC": "Ecuador", "EU": "Unión Europea", "IN": "India", "JP": "Japón",
    "MX": "México", "PE": "Perú", "PY": "Paraguay", "US": "Estados Unidos", "UY": "Uruguay",
    "VE": "Venezuela",
}


def country_name(code: str) -> str:
    """The Spanish name of a party code, or the code itself."""
    return COUNTRY_NAMES_ES.get(code, code)
