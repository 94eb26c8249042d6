"""What several test modules share: a corpus with known counts, small models, item frames.

Test modules import from here, never from each other.
"""
from __future__ import annotations

import hashlib
import itertools
import shutil
from pathlib import Path

import pandas as pd

from declaraciones_nlp import config
from declaraciones_nlp.schema import AXES, LABELS, AgreementItem, Document
from declaraciones_nlp.store import Store
from declaraciones_nlp.text import split_parties

# ---------------------------------------------------------------- a stored corpus with known counts
MODEL = "axes-v1"

# (doc id, parties, date, mechanism, lang, [(text, labels, act, {axis: score} overrides)])
CORPUS = [
    ("d1", ("PE", "CO"), "2014-06-30", "Gabinete Binacional Perú–Colombia", "es", [
        ("Combatir la minería ilegal en la frontera común.", ("security", "environment"), "commitment", {}),
        ("Impulsar el comercio y el turismo entre ambos países.", ("trade",), "commitment", {"governance": 0.6}),
        ("Fortalecer el control migratorio en los pasos de frontera.", ("borders",), "commitment", {}),
        ("Agradecer la hospitalidad del pueblo anfitrión.", ("other",), "acknowledgement", {}),
    ]),
    ("d2", ("CO", "PE"), "2016-03-01", "Gabinete Binacional Perú–Colombia", "es", [
        ("Cooperar contra el narcotráfico y el crimen organizado.", ("security",), "commitment", {}),
        ("Reafirmar la seguridad en la zona de integración fronteriza.", ("security", "borders"),
         "reaffirmation", {}),
        ("Promover la inclusión social y el buen gobierno.", ("governance",), "commitment", {}),
    ]),
    ("d3", ("PE", "BO"), "2017-11-01", "Gabinete Binacional Perú–Bolivia", "es", [
        ("Recuperar el lago Titicaca y frenar la MINERIA ilegal.", ("environment",), "commitment",
         {"security": 0.6}),
        ("Facilitar el comercio fronterizo.", ("trade",), "commitment", {}),
    ]),
    ("d4", ("PE", "US"), "2019-08-13", "Diálogo de Alto Nivel", "en", [
        ("Strengthen cooperation against illegal mining.", ("security", "environment"), "commitment", {}),
        ("Expand trade and investment.", ("trade",), "commitment", {}),
        ("Acknowledge progress on governance.", ("governance",), "acknowledgement", {}),
    ]),
]
N_ITEMS = 12


def make_document(doc_key: str, parties, date, mechanism, lang, texts) -> Document:
    body = "\n".join(text for text, *_ in texts)
    digest = hashlib.sha256(f"{doc_key}\n{body}".encode()).hexdigest()
    return Document(id=digest[:16], text=body, content_hash=digest, source_path=f"{doc_key}.md",
                    title=f"Declaración {doc_key}", date=date, place="Lima", parties=tuple(parties),
                    mechanism=mechanism, edition="I", lang=lang)


def make_items(document: Document, texts, model_version: str | None = MODEL) -> list[AgreementItem]:
    out, start = [], 0
    for n, (text, labels, act, overrides) in enumerate(texts, start=1):
        if "other" in labels:
            scores = {axis: 0.2 for axis in AXES}
        else:
            scores = {axis: (0.9 if axis in labels else 0.1) for axis in AXES}
        scores.update(overrides)
        out.append(AgreementItem(doc_id=document.id, n=n, text=text, section="Acuerdos", page=1 + n // 3,
                                 start=start, end=start + len(text), lang=document.lang, verb="acordar",
                                 act=act, labels=labels, scores=scores, model_version=model_version))
        start += len(text) + 1
    return out


def build_corpus(store: Store) -> dict[str, str]:
    """Store the four documents of CORPUS under MODEL; returns {doc key: doc id}."""
    ids = {}
    for key, parties, date, mechanism, lang, texts in CORPUS:
        document = make_document(key, parties, date, mechanism, lang, texts)
        assert store.add_document(document, make_items(document, texts))
        ids[key] = document.id
    store.register_model(MODEL, {"macro_f1": 0.8})
    return ids


# ---------------------------------------------------------------- small models
def train_small_model(out_dir: Path, every: int = 6) -> Path:
    """A real model trained in a few seconds on every `every`-th line of the written items."""
    from declaraciones_nlp.classify.train import train

    data = out_dir.parent / f"{out_dir.name}-data.jsonl"
    with data.open("w", encoding="utf-8") as handle:
        for path in sorted(config.labeled_dir().glob("written_*.jsonl")):
            with path.open(encoding="utf-8") as source:
                handle.writelines(itertools.islice(source, 0, 240, every))
    train([data], out_dir)
    return out_dir


def tamper(model_dir: Path, out_dir: Path) -> Path:
    """A copy of `model_dir` with one byte of the model file changed (meta.json untouched)."""
    shutil.copytree(model_dir, out_dir)
    model_file = out_dir / "model.npz"
    data = bytearray(model_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    model_file.write_bytes(bytes(data))
    return out_dir


# ---------------------------------------------------------------- item frames for the proposal
TEMPLATES = {
    "security": [
        "Fortalecer la cooperación en la lucha contra el narcotráfico y el crimen organizado transnacional.",
        "Intercambiar información de inteligencia sobre terrorismo y lavado de activos.",
        "Combatir la minería ilegal y la trata de personas en coordinación policial.",
        "Expand joint efforts against drug trafficking, fentanyl and arms trafficking.",
    ],
    "governance": [
        "Reafirmar el compromiso con la democracia, el Estado de derecho y los derechos humanos.",
        "Cooperar en la lucha contra la corrupción y la transparencia de la gestión pública.",
        "Ampliar el programa de becas y el intercambio académico entre universidades.",
        "Support democratic institutions and coordinate on the crisis in Venezuela.",
    ],
    "trade": [
        "Incrementar el comercio bilateral y las inversiones en el marco del tratado de libre comercio.",
        "Promover el turismo receptivo y la conectividad aérea para el turismo.",
        "Facilitar el acceso a mercados de productos agrícolas con medidas sanitarias y fitosanitarias.",
        "Deepen trade and investment ties and support small and medium enterprises.",
    ],
    "environment": [
        "Impulsar la recuperación ambiental de la cuenca del río y la calidad del agua.",
        "Cooperar frente al cambio climático y la deforestación de los bosques amazónicos.",
        "Avanzar en la interconexión eléctrica y las energías renovables.",
        "Partner on clean energy, climate action and biodiversity conservation.",
    ],
    "borders": [
        "Ejecutar el plan de desarrollo de la zona de integración fronteriza.",
        "Poner en funcionamiento el centro binacional de atención en frontera y el paso de frontera.",
        "Mejorar la carretera y el puente internacional para el transporte de carga.",
        "Coordinate migration management and consular assistance to migrants.",
    ],
    "other": ["Agradecer la hospitalidad y acordar la sede de la próxima reunión."],
}

PERU_NEIGHBOURS = {"borders": 8, "environment": 6, "security": 5, "trade": 4, "governance": 3, "other": 1}
US_DIALOGUES = {"security": 7, "trade": 7, "governance": 5, "environment": 2, "borders": 1, "other": 1}
PERU_US = {"trade": 2, "security": 2, "governance": 2}


def doc_rows(parties: tuple[str, str], date: str, mix: dict[str, int], tag: str = "", mechanism: str = "") -> list[dict]:
    """The item rows of one declaration: `mix[axis]` items per axis, templated texts."""
    doc_id = f"{'-'.join(parties)}-{date}{tag}"
    rows = []
    for axis, count in mix.items():
        for i in range(count):
            text = TEMPLATES[axis][i % len(TEMPLATES[axis])]
            rows.append({"text": f"{text} ({doc_id} {axis} {i})", "labels": [axis]})
    out = []
    for n, row in enumerate(rows, start=1):
        out.append({
            "doc_id": doc_id, "n": n, "text": row["text"], "section": None, "page": 1 + n // 10,
            "start": 0, "end": 0, "lang": "es", "verb": None, "act": "commitment",
            "title": f"Declaración {'-'.join(parties)} {date}", "date": date, "year": int(date[:4]),
            "place": None, "parties": ",".join(parties), "dyad": "-".join(sorted(parties)),
            "mechanism": mechanism or "gabinete binacional", "edition": None, "model_version": "test",
            "labels": row["labels"],
        })
    return out


def to_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows → the item DataFrame contract: 0/1 column per label, `score_<axis>` per axis."""
    df = pd.DataFrame(rows)
    for label in LABELS:
        df[label] = df["labels"].map(lambda labels, label=label: int(label in labels))
    for axis in AXES:
        df[f"score_{axis}"] = df[axis].map(lambda v: 0.9 if v else 0.05)
    return df


def peru_us_rows(with_joint: bool = True) -> list[dict]:
    rows: list[dict] = []
    for partner, years in {"BO": [2015, 2016, 2017], "EC": [2014, 2016, 2018], "CO": [2016, 2018],
                           "CL": [2017, 2018]}.items():
        for year in years:
            rows += doc_rows(("PE", partner), f"{year}-06-01", PERU_NEIGHBOURS)
    for partner, years in {"CO": [2021, 2023], "MX": [2021, 2022, 2023], "CL": [2019], "IN": [2023],
                           "AR": [2025]}.items():
        for year in years:
            rows += doc_rows(("US", partner), f"{year}-09-01", US_DIALOGUES, mechanism="Diálogo de Alto Nivel")
    if with_joint:
        rows += doc_rows(("PE", "US"), "2017-02-24", PERU_US, mechanism="visita presidencial")
        rows += doc_rows(("PE", "US"), "2018-02-06", PERU_US, mechanism="visita")
    return rows


def one_document_axis_rows() -> list[dict]:
    """Peru and the US each raise the environment in one declaration only, security and trade in all."""
    rows: list[dict] = []
    for i, partner in enumerate(["BO", "EC", "CO", "CL", "AR", "BR"]):
        rows += doc_rows(("PE", partner), f"{2015 + i}-06-01", {"security": 4, "trade": 4, "borders": 2})
        rows += doc_rows(("US", partner), f"{2015 + i}-09-01", {"security": 4, "trade": 4, "governance": 2})
    rows += doc_rows(("PE", "MX"), "2019-06-01", {"environment": 10})
    rows += doc_rows(("US", "MX"), "2019-09-01", {"environment": 10})
    return rows


LAGO = [
    "Impulsar la recuperación ambiental de la cuenca del Lago Titicaca y de sus recursos hídricos.",
    "Impulsar la recuperación ambiental integral de la cuenca del Lago Titicaca y sus recursos hídricos.",
    "Impulsar la recuperación ambiental de la cuenca del Lago Titicaca y sus recursos hídricos compartidos.",
]
UNRELATED = [
    ["Fortalecer el comercio bilateral de productos agrícolas.",
     "Instalar una mesa de trabajo sobre educación intercultural bilingüe."],
    ["Promover la cooperación entre las fuerzas armadas en desminado humanitario.",
     "Crear un fondo para el turismo rural comunitario en la región."],
    ["Modernizar el puerto de Ilo como salida al mar para la carga boliviana.",
     "Evaluar la calidad del aire en las ciudades del altiplano."],
]


def recurrence_frame() -> pd.DataFrame:
    rows = []
    for edition, (lago, others, year) in enumerate(zip(LAGO, UNRELATED, (2015, 2016, 2017)), start=1):
        texts = [others[0], lago, others[1]]
        for n, text in enumerate(texts, start=1):
            rows.append({"doc_id": f"bo{edition}", "n": n, "text": text, "page": n, "date": f"{year}-10-01",
                         "year": year, "title": f"Declaración de Gabinete Binacional Perú–Bolivia {year}",
                         "parties": "PE,BO", "dyad": "BO-PE", "mechanism": "Gabinete Binacional",
                         "edition": str(edition), "labels": ["environment"] if text in LAGO else ["trade"]})
    rows.append({"doc_id": "cl1", "n": 1, "text": LAGO[0], "page": 1, "date": "2016-01-01", "year": 2016,
                 "title": "Chile", "parties": "PE,CL", "dyad": "CL-PE", "mechanism": "Gabinete Binacional",
                 "edition": "1", "labels": ["environment"]})
    return to_frame(rows)


def store_frame(store: Store, frame: pd.DataFrame, model_version: str = "test") -> None:
    """Store the rows of an item frame (`to_frame`) as documents and labelled items."""
    for doc_id, rows in frame.groupby("doc_id", sort=False):
        first = rows.iloc[0]
        body = "\n".join(rows["text"])
        digest = hashlib.sha256(f"{doc_id}\n{body}".encode()).hexdigest()
        document = Document(id=str(doc_id), text=body, content_hash=digest, title=first["title"],
                            date=first["date"], parties=split_parties(first["parties"]),
                            mechanism=first["mechanism"], edition=first.get("edition"), lang="es")
        items = [AgreementItem(doc_id=document.id, n=int(row["n"]), text=row["text"], page=int(row["page"]),
                               labels=tuple(row["labels"]), model_version=model_version,
                               scores={axis: float(row[f"score_{axis}"]) for axis in AXES})
                 for _, row in rows.iterrows()]
        store.add_document(document, items)
    store.register_model(model_version, {}, make_current=True)
