"""A small labelled corpus whose counts are known by construction, for the web and API tests."""
from __future__ import annotations

import hashlib

from declaraciones_nlp.schema import AXES, AgreementItem, Document

# The act of an item's first word, as segment.py would find it.
VERBS = {"Acordaron": ("acordar", "commitment"), "Reafirmaron": ("reafirmar", "reaffirmation"),
         "Destacaron": ("destacar", "acknowledgement")}


def _doc(title: str, parties: tuple[str, str], date: str, mechanism: str, texts: list[tuple[str, tuple[str, ...]]]):
    body = "\n".join(f"{i}. {t}" for i, (t, _) in enumerate(texts, 1))
    digest = hashlib.sha256((title + body).encode()).hexdigest()
    document = Document(id=digest[:16], text=body, content_hash=digest, source_path=f"{title}.txt", title=title,
                        date=date, parties=parties, mechanism=mechanism, lang="es")
    items, offset = [], 0
    for n, (text, labels) in enumerate(texts, 1):
        start = body.index(text, offset)
        offset = start + len(text)
        scores = {axis: (0.9 if axis in labels else 0.1) for axis in AXES}
        verb, act = VERBS.get(text.split()[0], (None, None))
        items.append(AgreementItem(doc_id=document.id, n=n, text=text, start=start, end=offset, lang="es",
                                   verb=verb, act=act, labels=labels, scores=scores, model_version="test-v1"))
    return document, items


DOCUMENTS = [
    _doc("Declaración de Cartagena", ("PE", "CO"), "2018-02-27", "Gabinete Binacional", [
        ("Acordaron fortalecer la lucha contra la minería ilegal y el narcotráfico.", ("security",)),
        ("Destacaron el Plan Binacional de Desarrollo de la Zona de Integración Fronteriza.", ("borders",)),
        ("Saludaron el crecimiento del comercio y el turismo entre ambos países.", ("trade",)),
    ]),
    _doc("Declaración de Lima", ("PE", "BO"), "2017-09-01", "Gabinete Binacional", [
        ("Ratificaron el compromiso con la recuperación ambiental del Lago Titicaca.", ("environment",)),
        ("Se comprometieron a promover el Puerto de Ilo para el comercio exterior boliviano.", ("trade",)),
    ]),
    _doc("Diálogo de Alto Nivel EE. UU.–Colombia", ("CO", "US"), "2012-04-15", "Diálogo de Alto Nivel", [
        ("Acordaron cooperar en seguridad ciudadana y en la lucha contra el crimen organizado.", ("security",)),
        ("Reafirmaron su compromiso con la democracia y los derechos humanos <script>alert(1)</script>.", ("governance",)),
    ]),
]
