"""The governing verb of an agreement item and the coarse act it performs.

Rules first: a table of conjugated forms ("acordaron", "se comprometieron",
"Acordamos", "agreed", "will") found in the text. Spanish items the table
misses go, in one batch, through spaCy's parser (`resolve_with_parser`).
"""
from __future__ import annotations

import re
from typing import Iterable

ACT_OF_LEMMA: dict[str, str] = {}
for _act, _lemmas in {
    "commitment": (
        "acordar comprometerse instruir disponer decidir convenir encargar encomendar resolver "
        "agree commit will pledge intend decide direct resolve"
    ),
    "reaffirmation": "reafirmar ratificar reiterar renovar reaffirm reiterate recommit affirm",
    "acknowledgement": (
        "destacar saludar resaltar reconocer valorar felicitar celebrar subrayar relievar tomar_nota "
        "welcome highlight recognize acknowledge hail applaud celebrate laud note appreciate commend congratulate"
    ),
    "concern": "expresar_preocupación condenar lamentar deplorar rechazar concern express_concern condemn deplore",
}.items():
    for _lemma in _lemmas.split():
        ACT_OF_LEMMA[_lemma.replace("_", " ")] = _act

# Spanish verbs with their stems: (lemma, stem, conjugation); irregular forms listed apart.
_ES_REGULAR = """
acordar acord ar; reafirmar reafirm ar; ratificar ratific ar; reiterar reiter ar; destacar destac ar;
saludar salud ar; resaltar resalt ar; valorar valor ar; felicitar felicit ar; celebrar celebr ar;
subrayar subray ar; relievar reliev ar; encargar encarg ar; encomendar encomend ar; condenar conden ar;
lamentar lament ar; deplorar deplor ar; rechazar rechaz ar; expresar expres ar; manifestar manifest ar;
impulsar impuls ar; fortalecer fortalec er; promover promov er; continuar continu ar; renovar renov ar;
coincidir coincid ir; decidir decid ir; exhortar exhort ar; respaldar respald ar; apoyar apoy ar;
evaluar evalu ar; examinar examin ar; revisar revis ar; suscribir suscrib ir; aprobar aprob ar;
resolver resolv er; señalar señal ar; enfatizar enfatiz ar; afirmar afirm ar; anunciar anunci ar;
intercambiar intercambi ar; analizar analiz ar; priorizar prioriz ar; realizar realiz ar; declarar declar ar;
reconocer reconoc er; comprometer comprometer er; agradecer agradec er; establecer establec er
"""
_ES_ENDINGS = {"ar": ("aron", "amos", "an", "ó", "a"), "er": ("ieron", "emos", "en", "ió", "e"),
               "ir": ("ieron", "imos", "en", "ió", "e")}
_ES_IRREGULAR = {
    "instruir": "instruyeron instruimos instruyen instruyó instruye",
    "disponer": "dispusieron disponemos disponen dispuso dispone",
    "convenir": "convinieron convenimos convienen convino conviene",
    "acordar": "acuerdan acuerda",
    "comprometerse": "comprometieron comprometemos comprometen comprometió compromete",
    "promover": "promueven promueve",
    "renovar": "renuevan renueva",
    "manifestar": "manifiestan manifiesta",
    "encomendar": "encomiendan encomienda",
    "aprobar": "aprueban aprueba",
    "resolver": "resuelven resuelve",
    "tomar nota": "tomaron nota|tomamos nota|toman nota|tomó nota",
    "expresar preocupación": "",
}
_EN = {
    "agree": "agreed agree agrees", "commit": "committed commit commits", "will": "will shall",
    "pledge": "pledged pledge pledges", "intend": "intend intends intended", "decide": "decided decide decides",
    "direct": "directed", "resolve": "resolved resolve",
    "reaffirm": "reaffirmed reaffirm reaffirms", "reiterate": "reiterated reiterate reiterates",
    "recommit": "recommitted recommit", "affirm": "affirmed affirm affirms",
    "welcome": "welcomed welcome welcomes", "highlight": "highlighted highlight highlights",
    "recognize": "recognized recognize recognizes recognised recognise", "acknowledge": "acknowledged acknowledge acknowledges",
    "hail": "hailed hail hails", "applaud": "applauded applaud applauds", "celebrate": "celebrated celebrate celebrates",
    "laud": "lauded laud lauds", "note": "noted", "appreciate": "appreciated appreciate appreciates",
    "commend": "commended commend commends", "congratulate": "congratulated congratulate congratulates",
    "condemn": "condemned condemn condemns", "deplore": "deplored deplore deplores",
    "express concern": "", "call": "called", "urge": "urged urge urges", "discuss": "discussed discuss discusses",
    "support": "supported", "underscore": "underscored underscore underscores",
    "stress": "stressed stress stresses", "share": "share", "announce": "announced announce announces",
    "launch": "launched", "propose": "propose proposes proposed",
    "look forward": "looked forward|look forward|looks forward",
    "expect": "expect expects expected", "seek": "seek seeks sought", "oppose": "oppose opposes opposed",
}


def _build_es() -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in _ES_REGULAR.split(";"):
        lemma, stem, conj = entry.split()
        if lemma == "comprometer":
            continue
        for ending in _ES_ENDINGS[conj]:
            table[stem + ending] = lemma
    for lemma, forms in _ES_IRREGULAR.items():
        for form in (forms.split("|") if "|" in forms else forms.split()):
            table[form] = lemma
    return table


ES_FORMS = _build_es()
EN_FORMS = {form: lemma for lemma, forms in _EN.items() for form in (forms.split("|") if "|" in forms else forms.split())}
# Third person singular present forms ("acuerda", "destaca") are also nouns/adjectives often
# enough ("la agenda destaca"); they are kept, but 3rd-person plural forms win when both occur.
_WORD = re.compile(r"[A-Za-zÁÉÍÓÚÑáéíóúñü]+(?: nota| forward)?")
_CONCERN_ES = re.compile(r"\b(?:expres|manifest)\w*\s+(?:\w+\s+){0,3}preocupaci[oó]n", re.I)
_CONCERN_EN = re.compile(r"\bexpress(?:ed|es)?\s+(?:\w+\s+){0,3}concerns?\b", re.I)


def act_of(lemma: str | None) -> str:
    """The act class of a verb lemma (`commitment`, `reaffirmation`, `acknowledgement`, `concern`, `other`)."""
    if not lemma:
        return "other"
    return ACT_OF_LEMMA.get(lemma, "other")


def verb_by_rules(text: str, lang: str) -> str | None:
    """The lemma of the first verb form of the table in `text`, or None.

    >>> verb_by_rules("Los Presidentes acordaron impulsar el corredor.", "es")
    'acordar'
    """
    head = text[:400]
    concern = (_CONCERN_ES if lang == "es" else _CONCERN_EN).search(head)
    table = ES_FORMS if lang == "es" else EN_FORMS
    for m in _WORD.finditer(head):
        word = m.group(0).lower()
        if concern and m.start() >= concern.start():
            return "expresar preocupación" if lang == "es" else "express concern"
        lemma = table.get(word)
        if lemma is None and " " in word:
            lemma = table.get(word.split()[0])
        if lemma is None and lang == "es":
            lemma = _regular_es(word, first=m.start() == 0 and m.group(0)[0].isupper())
        if lemma is None:
            continue
        if lang == "es":
            if word.endswith(("a", "e")) and not word.endswith(("aron", "ieron")) and _is_sentence_noun(head, m.start()):
                continue
            if lemma == "comprometer":
                lemma = "comprometerse"
        return lemma
    if concern:
        return "expresar preocupación" if lang == "es" else "express concern"
    return _participle_es(head) if lang == "es" else None


def _regular_es(word: str, first: bool) -> str | None:
    """Lemma of a regular Spanish form the table lacks: an item-initial infinitive
    ("Fortalecer la cooperación …"), a 3rd-person preterite in -aron or -ó ("pactaron", "se firmó")."""
    if first and _INFINITIVE.fullmatch(word):
        return word
    if len(word) >= 6 and word.endswith("aron"):
        return word[:-4] + "ar"
    if len(word) >= 4 and _PRETERITE_O.search(word):
        return word[:-1] + "ar"
    future = _FUTURE.fullmatch(word)
    if future:
        return future.group(1) + future.group(2) + "r"
    if len(word) >= 7 and word.endswith("amos"):
        return word[:-4] + "ar"
    return None


def _participle_es(text: str) -> str | None:
    """"se han materializado", "fue acordado": the lemma of an -ado participle after haber/ser."""
    m = _PERFECT.search(text)
    return m.group(1) + "ar" if m else None


_INFINITIVE = re.compile(r"[a-záéíóúñ]{2,}(?:ar|er|ir)(?:se)?")
_PRETERITE_O = re.compile(r"[bcdfghjlmnprstvz]ó$")
_FUTURE = re.compile(r"([a-záéíóúñ]{2,})([aei])r(?:án|á|emos)")
_PERFECT = re.compile(r"\b(?:ha|han|hemos|había|habían|fue|fueron|ha\s+sido|han\s+sido)\s+([a-záéíóúñ]{2,})ados?\b", re.I)


def _is_sentence_noun(text: str, start: int) -> bool:
    """A third-person singular form right after an article is a noun ("la celebra...")."""
    before = text[max(0, start - 5):start].lower().split()
    return bool(before) and before[-1] in {"la", "el", "una", "un", "su", "sus", "las", "los"}


_PARSER_WORDS = 30  # the governing verb sits early; parsing the head of the item is enough


def verbs_by_parser(texts: Iterable[str], nlp) -> list[str | None]:
    """Root verb lemma of each text with spaCy's Spanish parser (batched)."""
    out: list[str | None] = []
    heads = (" ".join(text.split()[:_PARSER_WORDS]) for text in texts)
    for doc in nlp.pipe(heads, batch_size=64):
        lemma = None
        for sent in doc.sents:
            root = sent.root
            if root.pos_ in ("VERB", "AUX"):
                lemma = root.lemma_.lower()
                if any(child.lower_ == "se" for child in root.children) and lemma + "se" in ACT_OF_LEMMA:
                    lemma += "se"
                break
            verbs = [t for t in sent if t.pos_ == "VERB"]
            if verbs:
                lemma = verbs[0].lemma_.lower()
                break
        if lemma == "comprometer":
            lemma = "comprometerse"
        out.append(lemma)
    return out
