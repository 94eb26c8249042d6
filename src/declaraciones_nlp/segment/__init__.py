"""Document → agreement items, in order, whole, with their source.

Items are numbered paragraphs ("1.", "1)", "12.-"), bullets ("-", "•", "▪", "*",
"o") and, in prose without list markers, sentences. Sub-items ("a)", "ii.")
stay inside their parent. The title, place/date line, preamble, headings,
closing ("Suscrita en …", "Done at …") and signatures are not items; headings
become the `section` of the items under them.

>>> items = segment(read_document(Path("declaracion.txt")))
>>> items[0].n, items[0].section, items[0].verb, items[0].act
(1, 'EJE DE SEGURIDAD Y DEFENSA', 'acordar', 'commitment')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..acts import act_of, verb_by_rules, verbs_by_parser
from ..errors import NLPModelMissing
from ..schema import AgreementItem, Document
from ..text import guess_lang
from .blocks import clean_text
from .sentences import split_sentences
from .spans import Part, layout, lost_spans

__all__ = ["Part", "Segmentation", "add_parsed_verbs", "clean_text", "segment", "segment_accounted", "split_sentences"]
_FINISHED = re.compile(r"[.;:!?…)\]\"”’»*]\s*$")


@dataclass(frozen=True)
class Segmentation:
    """A document's items and the account of the rest of its text.

    `parts` are the headings and the parts dropped on purpose (title, place and
    date, preamble, furniture, closing, signatures, list markers), each with its
    reason; `lost` are the stretches of text that are in none of them (a bug: it
    should be empty). `unfinished` is True when the text ends inside an item
    (its last item stops mid-sentence, as when the rest of the file is missing).
    """

    items: list[AgreementItem]
    parts: list[Part]
    lost: list[tuple[int, int]]

    @property
    def dropped(self) -> list[Part]:
        return [p for p in self.parts if p.reason != "heading"]

    @property
    def unfinished(self) -> bool:
        if not self.items:
            return False
        last = self.items[-1].text
        return len(last.split()) > 8 and not _FINISHED.search(last)

    def warnings(self, name: str) -> list[str]:
        """One line per problem worth telling the user, naming the file."""
        out = []
        if self.unfinished:
            out.append(f"{name}: the text ends inside an unfinished item (#{self.items[-1].n}): is the file cut short?")
        if self.lost:
            out.append(f"{name}: {len(self.lost)} stretch(es) of text are in no item, heading or dropped part")
        return out


def segment(document: Document, nlp=None, use_parser: bool = True) -> list[AgreementItem]:
    """Split a document into its agreement items, numbered 1..N in document order (see `segment_accounted`)."""
    return segment_accounted(document, nlp, use_parser).items


def segment_accounted(document: Document, nlp=None, use_parser: bool = True) -> Segmentation:
    """Split a document into its agreement items, numbered 1..N in document order.

    The verb is found by rules; Spanish items the rules miss go through spaCy's
    parser (`add_parsed_verbs`) unless `use_parser` is False, so that a caller
    holding many documents can parse all their items in one batch. An empty
    list means the document holds no items.
    """
    found = layout(document)
    spans = found.spans
    texts = [clean_text(document.text[s.start:s.end]) for s in spans]
    langs = [guess_lang(t, default=document.lang) for t in texts]
    verbs = [verb_by_rules(t, lang) for t, lang in zip(texts, langs)]
    items = [
        AgreementItem(
            doc_id=document.id,
            n=n,
            text=texts[n - 1],
            section=span.section,
            page=document.page_at(span.start),
            start=span.start,
            end=span.end,
            lang=langs[n - 1],
            verb=verbs[n - 1],
            act=act_of(verbs[n - 1]),
        )
        for n, span in enumerate(spans, start=1)
    ]
    items = add_parsed_verbs(items, nlp) if use_parser else items
    covered = [(s.start, s.end) for s in spans] + [(p.start, p.end) for p in found.parts]
    return Segmentation(items, found.parts, lost_spans(document.text, covered))


def add_parsed_verbs(items: list[AgreementItem], nlp=None) -> list[AgreementItem]:
    """Give the Spanish items whose verb the rules missed the parser's governing verb, in one batch."""
    missing = [i for i, item in enumerate(items) if item.verb is None and item.lang == "es"]
    if not missing:
        return items
    try:
        if nlp is None:
            from ..nlp import load_spanish

            nlp = load_spanish()
    except NLPModelMissing:
        return items
    out = list(items)
    for i, lemma in zip(missing, verbs_by_parser([items[i].text for i in missing], nlp)):
        out[i] = replace(items[i], verb=lemma, act=act_of(lemma))
    return out
