"""What a later item says of an earlier commitment: repeated, reported done, or unrelated.

Two signals, both explainable:

- **the same subject**: cosine similarity of the two items in the representation
  `recurrences` chains items with (`recurrences.item_vectorizer`: TF-IDF on
  character 3–5-grams of the folded text), computed on their *subject text*: the
  item with its act verbs and report cues removed ("Acordaron suscribir el
  Convenio X" and "Saludaron la suscripción del Convenio X" both become about
  "el Convenio X");
- **a report of completion**: a cue that the thing was done ("saludaron la
  suscripción de…", "destacaron la culminación…", "se conformó…", "welcomed the
  signing of…", "launched…"), unless the item speaks of progress only
  ("saludaron los avances en…", "welcomed progress toward…"), which is no
  completion.

A later item of the same subject (similarity ≥ `DONE_THRESHOLD`) reporting completion
says the commitment was done; one of the same subject (≥ `REPEAT_THRESHOLD`)
without such a report says it again (not yet done); anything else is unrelated. The two
thresholds were chosen out of sample on the labelled pairs of `corpus/labeled/followup/`
(`benchmarks/bench_followup.py`; figures in docs/followup.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..acts import EN_FORMS, ES_FORMS
from ..recurrences import item_vectorizer
from ..text import fold

REPEATED, DONE, UNRELATED = "repeated", "done", "unrelated"
PAIR_LABELS: tuple[str, ...] = (REPEATED, DONE, UNRELATED)
# Chosen by benchmarks/bench_followup.py on the labelled pairs (docs/followup.md).
REPEAT_THRESHOLD = 0.40
DONE_THRESHOLD = 0.40

_COMPLETION_NOUNS_ES = (
    r"suscripci[oó]n|firma|culminaci[oó]n|conclusi[oó]n|concreci[oó]n|aprobaci[oó]n|entrada en vigor|entrada en vigencia|"
    r"inauguraci[oó]n|puesta en (?:marcha|funcionamiento|operaci[oó]n|servicio)|entrada en (?:funcionamiento|operaci[oó]n|servicio)|presentaci[oó]n oficial|creaci[oó]n|conformaci[oó]n|"
    r"constituci[oó]n|instalaci[oó]n|entrega|adopci[oó]n|realizaci[oó]n|celebraci[oó]n|lanzamiento|"
    r"publicaci[oó]n|ratificaci[oó]n|canje|apertura|finalizaci[oó]n|término|cumplimiento|materializaci[oó]n|"
    r"implementaci[oó]n completa|plena implementaci[oó]n|construcci[oó]n concluida"
)
_DONE_ES = re.compile(
    rf"\b(?:(?:salud|destac|resalt|celebr|reconoc|valor|felicit|acog|relev|subray|congratul|complac)\w*\s+(?:\w+\s+){{0,6}}?"
    rf"(?:la|el|los|las|del|de la)?\s*(?:exitosa\s+|reciente\s+|pronta\s+)?(?:{_COMPLETION_NOUNS_ES})\b"
    rf"|^\s*(?:{_COMPLETION_NOUNS_ES})\b"
    rf"|\bse\s+(?:suscribi[oó]|suscribieron|firm[oó]|firmaron|conform[oó]|conformaron|cre[oó]|crearon|concluy[oó]|"
    rf"concluyeron|culmin[oó]|culminaron|inaugur[oó]|inauguraron|aprob[oó]|aprobaron|instal[oó]|instalaron|"
    rf"realiz[oó]|realizaron|constituy[oó]|constituyeron|entreg[oó]|entregaron|puso en marcha|pusieron en marcha|"
    rf"adopt[oó]|adoptaron|lanz[oó]|lanzaron|public[oó]|publicaron|implement[oó]|implementaron)\b"
    rf"|\b(?:fue|fueron|ha sido|han sido|qued[oó]|quedaron)\s+(?:\w+\s+)?(?:suscrit|firmad|conformad|cread|concluid|"
    rf"culminad|inaugurad|aprobad|instalad|realizad|constituid|entregad|adoptad|lanzad|publicad|ratificad|implementad)\w*"
    rf"|\b(?:suscribimos|firmamos|concluimos|culminamos|inauguramos|aprobamos|instalamos|creamos|conformamos|entregamos|lanzamos)\b"
    rf"|\b(?:culmin[oó]|concluy[oó]|entr[oó] en vigor|entr[oó] en vigencia|inici[oó] (?:sus )?operaciones)\b"
    rf"|\b(?:acuerdos?|convenios?|memor[aá]ndums?|memorandos?|instrumentos?|planes?|protocolos?)\s+(?:\w+\s+){{0,4}}?"
    rf"(?:suscrit|firmad|aprobad|concluid)\w*\b)",
    re.I)
_DONE_EN = re.compile(
    r"\b(?:(?:welcom|celebrat|hail|applaud|not|highlight|recogniz|recognis|commend|acknowledg|laud|congratulat)\w*\s+(?:\w+\s+){0,6}?"
    r"(?:the\s+)?(?:successful\s+|recent\s+)?(?:signing|signature|completion|conclusion|entry into force|launch|"
    r"inauguration|opening|establishment|creation|adoption|approval|ratification|delivery|publication|finalization|"
    r"commissioning|holding|exchange of (?:notes|instruments))\b"
    r"|\b(?:has|have|had|was|were)\s+(?:been\s+)?(?:successfully\s+|formally\s+|now\s+)?(?:signed|completed|concluded|launched|"
    r"established|created|adopted|approved|ratified|delivered|published|finalized|finalised|opened|inaugurated|"
    r"held|implemented|entered into force|set up|put in place)\b"
    r"|\b(?:signed|completed|concluded|launched|relaunched|established|inaugurated|finalized|finalised|delivered|opened|"
    r"convened|hosted|held|awarded|organized|organised|created|adopted)\s+(?:the|a|an|its|their|our|at least|\d+)\b"
    r"|\b(?:entered into force|came into force|began operations|went into operation)\b"
    r"|\b(?:agreement|memorandum|mou|plan|protocol|instrument|arrangement)s?\s+(?:\w+\s+){0,4}?(?:signed|concluded)\b)",
    re.I)
_PROGRESS_ES = re.compile(
    r"\b(?:avances?|progresos?|en curso|en proceso|pr[oó]xim[ao]s? (?:suscripci[oó]n|firma|culminaci[oó]n|conclusi[oó]n)|"
    r"pendiente|a[uú]n no|todav[ií]a|continuar|seguir|pronta (?:suscripci[oó]n|firma|culminaci[oó]n|conclusi[oó]n))\b", re.I)
_PROGRESS_EN = re.compile(
    r"\b(?:progress|ongoing|underway|under way|upcoming|pending|not yet|still|continue|continuing|toward|towards|"
    r"work to|working to|look forward to|expedite|swift (?:signing|conclusion|completion))\b", re.I)
# Words that say what is done with the subject, not what it is: removed before comparing subjects.
_CUE_WORDS = frozenset(fold(w) for w in (
    list(ES_FORMS) + list(EN_FORMS) + """
    saludaron destacaron resaltaron celebraron reconocieron valoraron felicitaron acogieron acogemos congratularon
    complacencia satisfaccion suscripcion firma culminacion conclusion concrecion aprobacion inauguracion creacion
    conformacion constitucion instalacion entrega adopcion realizacion lanzamiento implementacion entrada vigor
    puesta marcha suscribir firmar culminar concluir aprobar inaugurar crear conformar instalar implementar
    impulsar fortalecer promover continuar seguir avanzar avances progreso se ambos paises partes presidentes
    ministros gobiernos acordaron instruyeron comprometieron exitosa reciente pronta nuevo nueva
    welcomed welcome signing signature completion conclusion launch launched signed completed concluded established
    establishment creation adoption approval entry force progress toward towards continue leaders two countries
    sides both governments successful recent new delegations leaders officials ministers autoridades
    delegaciones funcionamiento operacion first primera primer
    """.split()))
_TOKEN = re.compile(r"\w+")


def reports_done(text: str, lang: str = "es") -> bool:
    """Whether an item reports something as completed (and not merely progressing)."""
    done = (_DONE_EN if lang == "en" else _DONE_ES).search(text)
    if not done:
        return False
    progress = (_PROGRESS_EN if lang == "en" else _PROGRESS_ES).search(text)
    return not (progress and progress.start() < done.end() + 40)


def subject_text(text: str) -> str:
    """The item without its act verbs and report cues: what it is about."""
    return " ".join(word for word in _TOKEN.findall(fold(text)) if word not in _CUE_WORDS)


@dataclass(frozen=True)
class PairVerdict:
    """What a later item says of a commitment: `label`, the subject `similarity`, whether the later
    item reports completion, and a `confidence` in [0, 1]."""

    label: str
    similarity: float
    done_cue: bool
    confidence: float


def similarities(commitments: Sequence[str], later: Sequence[str], background: Sequence[str] = ()) -> np.ndarray:
    """Subject similarity of every commitment (rows) to every later item (columns); the
    representation is fitted on the distinct texts of all of them plus `background`."""
    if not commitments or not later:
        return np.zeros((len(commitments), len(later)))
    subjects = {t: subject_text(t) for t in (*commitments, *later, *background)}
    vectorizer = item_vectorizer(preprocessor=lambda s: s).fit(list(dict.fromkeys(subjects.values())))
    a = vectorizer.transform([subjects[t] for t in commitments])
    b = vectorizer.transform([subjects[t] for t in later])
    return (a @ b.T).toarray()


def verdict(similarity: float, done_cue: bool, repeat_threshold: float = REPEAT_THRESHOLD,
            done_threshold: float = DONE_THRESHOLD) -> PairVerdict:
    """The label of a (commitment, later item) pair from its subject similarity and completion cue."""
    s = float(similarity)
    if done_cue and s >= done_threshold:
        return PairVerdict(DONE, s, True, _confidence(s, done_threshold))
    if s >= repeat_threshold:
        return PairVerdict(REPEATED, s, done_cue, _confidence(s, repeat_threshold))
    threshold = done_threshold if done_cue else repeat_threshold
    return PairVerdict(UNRELATED, s, done_cue, round(0.5 + 0.5 * (1 - min(s / threshold, 1.0)), 3))


def _confidence(s: float, threshold: float) -> float:
    """0.5 at the threshold, rising linearly to 1 at similarity threshold + 0.3 (and beyond)."""
    return round(min(1.0, 0.5 + 0.5 * (s - threshold) / 0.3), 3)


def classify_pairs(commitments: Sequence[str], later: Sequence[str], langs: Sequence[str] | None = None,
                   background: Sequence[str] = (), repeat_threshold: float = REPEAT_THRESHOLD,
                   done_threshold: float = DONE_THRESHOLD) -> list[PairVerdict]:
    """`verdict` of each pair (commitments[i], later[i])."""
    langs = list(langs) if langs is not None else ["es"] * len(later)
    texts = list(dict.fromkeys([*commitments, *later, *background]))
    index = {t: k for k, t in enumerate(texts)}
    matrix = item_vectorizer(preprocessor=lambda s: s).fit_transform([subject_text(t) for t in texts])
    out = []
    for c, item, lang in zip(commitments, later, langs):
        s = float((matrix[index[c]] @ matrix[index[item]].T).toarray()[0, 0])
        out.append(verdict(s, reports_done(item, lang), repeat_threshold, done_threshold))
    return out
