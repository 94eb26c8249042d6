"""Which thematic axes should a mechanism between two parties carry?

`propose(items, ("PE", "US"))` answers the question the thesis asks for a
Peru–US High-Level Dialogue, from the classified agreement items instead of a
hand reading, and works for any pair in the store (`recurrences.py` finds the
commitments that come back).

It takes the item DataFrame of `query.items()` / `Corpus.items()` (one row per
item, `doc_id`, `text`, `parties` "PE,US", `dyad`, `date`, `year`, a 0/1 column
per label and `score_<axis>` per axis) and returns plain, JSON-ready data.

How an axis is scored (defaults in `ProposalSettings`):

1. **Per-document shares.** Each document is reduced to its axis shares: an item
   with k axes gives 1/k to each; items labelled only `other` are left out; the
   shares of a document sum to 1. A 90-item cabinet declaration and a 6-item
   communiqué weigh the same.
2. **Recency.** A document `t` years older than the reference year (the latest
   year in the data used) weighs `0.5 ** (t / half_life)`. Undated documents take
   the median year of the dated ones.
3. **Each party's profile** `P_X(a)` is the weighted mean of the shares of the
   documents where X is a party and the other member of the pair is not: what X
   puts on the table with everybody else. Each partner (dyad) weighs the same
   whatever the number of its editions (`partner_balance`), so five Peru–Bolivia
   cabinets do not outvote one Peru–Chile cabinet.
4. **The joint record** `J(a)` is the weighted mean of the shares of the
   documents where both are parties: what the two have already discussed.
5. **Shared interest** `S(a) = sqrt(P_A(a) * P_B(a))` (geometric mean; `min` is
   the stricter alternative). An axis one party cares about and the other does
   not gets little; summed over axes it is the Bhattacharyya overlap of the two
   profiles. Frequency alone is not enough: borders may fill a third of Peru's
   cabinets, but if the other party never raises them the product stays small.
6. **Score** `(1 - w) * S(a) + w * J(a)` with `w = joint_weight` (default 1/3)
   when a joint record exists, else `S(a)` alone. The joint record is the most
   direct evidence of where the interests meet, but for a pair without a
   mechanism (the case the tool is for) it is thin — a few meetings, reported
   in prose — so two thirds of the score rest on the two parties' wider records.

A party with no documents of its own with others (e.g. Ecuador, present only in
its cabinets with Peru) has its profile estimated from the joint record, and the
result says so in `warnings`.
"""
from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from . import stability
from .errors import FieldError, InputError
from .records import plain
from .schema import AXES, OTHER
from .scoring import doc_table, pair_scores, split_sources
from .text import country_codes, fold, split_parties

__all__ = ["ProposalSettings", "SUBTOPICS", "generated_date", "prepare_items", "propose"]


@dataclass(frozen=True)
class ProposalSettings:
    """The knobs of `propose`, with the reasoning behind each default.

    - `joint_weight` (1/3): weight of the pair's own record against the shared
      interest read from each party's other mechanisms. 0 ignores the joint
      record; 1 uses it alone (then the score is plain frequency in it).
    - `half_life` (10 years): a declaration this many years older than the latest
      one counts half. The corpus spans about two decades, and a country's
      priorities drift over a decade; `None` or 0 switches recency off.
    - `combine` ("geometric"): how the two profiles meet, `geometric` (square
      root of the product) or `min` (the weaker party's interest).
    - `partner_balance` (True): every partner of a party weighs the same,
      however many editions its mechanism has had.
    - `min_docs` (3) / `min_items` (15): below these, a party's own record is
      reported as too thin to speak for it.
    - `evidence_per_source` (3): evidence items quoted per source (joint record,
      then each party) and axis.
    - `max_subtopics` (6): sub-topics listed per axis.
    - `reference_year` (None): the year recency counts from; default the latest
      year in the data used, so that the result does not change with the clock.
    - `resamples` (500) / `seed` (0): document resamples of the stability check
      (`stability.bootstrap`) and the seed of its generator; 0 resamples skips it.
    """

    joint_weight: float = 1 / 3
    half_life: float | None = 10.0
    combine: str = "geometric"
    partner_balance: bool = True
    min_docs: int = 3
    min_items: int = 15
    evidence_per_source: int = 3
    max_subtopics: int = 6
    reference_year: int | None = None
    resamples: int = 500
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.joint_weight <= 1.0:
            raise FieldError("joint_weight", f"must be between 0 and 1, got {self.joint_weight}",
                             f"debe estar entre 0 y 1; se recibió {self.joint_weight}")
        if self.half_life is not None and self.half_life < 0:
            raise FieldError("half_life", f"must be positive (0 = no recency), got {self.half_life}",
                             f"debe ser positiva (0 = sin ponderación temporal); se recibió {self.half_life}")
        if self.combine not in ("geometric", "min"):
            raise InputError("combine", f"must be 'geometric' or 'min', got {self.combine!r}")
        if self.resamples < 0:
            raise FieldError("resamples", f"must not be negative, got {self.resamples}",
                             f"no puede ser negativo; se recibió {self.resamples}")
        if self.min_docs < 0 or self.min_items < 0:
            raise InputError("min_docs", "must not be negative")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- sub-topics
# A curated term → sub-topic map, Spanish and English, matched as word-prefix
# regular expressions on the folded text (`text.fold`) of the items already
# labelled with the axis. It names the themes the thesis and the declarations
# use; it does not discover new ones (a theme absent from the map is not listed).
SUBTOPICS: dict[str, list[tuple[str, str, str]]] = {
    "security": [
        ("drugs", "Narcotráfico y drogas",
         r"narcotrafic|drogas?\b|drug|narcotic|estupefacient|cocain|\bcoca\b|fentanyl|precursor"),
        ("terrorism", "Terrorismo", r"terroris"),
        ("organized_crime", "Crimen organizado transnacional",
         r"crimen organizado|delincuencia organizada|organi[sz]ed crime|transnational crim|criminal organi"),
        ("illegal_mining", "Minería y tala ilegales",
         r"mineria ilegal|illegal mining|tala ilegal|illegal logging|madera ilegal"),
        ("money_laundering", "Lavado de activos",
         r"lavado de (activos|dinero)|money laundering|illicit financ|financiamiento ilicito"),
        ("human_trafficking", "Trata de personas",
         r"trata de personas|human trafficking|trafficking in persons"),
        ("arms", "Tráfico de armas", r"trafico (ilicito )?de armas|arms traffick|firearm|municion|explosiv"),
        ("smuggling", "Contrabando", r"contrabando|smuggl"),
        ("defence", "Defensa y Fuerzas Armadas",
         r"defensa\b|defen[cs]e|fuerzas armadas|armed forces|militar|military|naval|ejercito|desminado|demining"),
        ("police", "Cooperación policial e inteligencia",
         r"polic[ie]|law enforcement|inteligencia|intelligence"),
        ("cyber", "Ciberseguridad y ciberdelito", r"ciber|cyber"),
    ],
    "governance": [
        ("democracy", "Democracia y Estado de derecho",
         r"democra|estado de derecho|rule of law|carta democratica"),
        ("human_rights", "Derechos humanos", r"derechos humanos|human rights"),
        ("corruption", "Lucha contra la corrupción", r"corrup|transparen"),
        ("regional", "Coordinación regional (Venezuela, OEA, Grupo de Lima)",
         r"venezuel|grupo de lima|lima group|\boea\b|\boas\b|nicaragua|cumbre de las americas|summit of the americas"),
        ("education", "Educación, ciencia y becas",
         r"educa|beca|scholarship|universi|cienci|scien|academ|estudiant|student"),
        ("health", "Salud", r"salud|health|covid|pandemi|vacun|vaccin"),
        ("culture", "Cultura y deporte", r"\bcultur|patrimonio|heritage|deporte|deportiv|\bsports?\b"),
        ("inclusion", "Inclusión social, género y pueblos indígenas",
         r"inclusion social|pobreza|poverty|\bgenero\b|gender|mujer|women|indigena|indigenous|discapacidad|disabilit"),
        ("institutions", "Instituciones y gestión pública",
         r"institucional|gestion publica|modernizacion del estado|gobierno abierto|open government|reforma judicial"),
    ],
    "trade": [
        ("trade_investment", "Comercio e inversiones",
         r"comerci|\btrade|inversion|invest|export|importac|\bimports?\b|acceso a (los )?mercado|market access"),
        ("agreements", "Acuerdos comerciales (TLC/APC)",
         r"libre comercio|\btlc\b|promocion comercial|\bapc\b|free trade|\bfta\b|usmca|t-mec|reciprocal trade"),
        ("tourism", "Turismo", r"turis|touris"),
        ("sps_agriculture", "Sanidad agraria y agroexportación",
         r"sanitari|fitosanit|phytosanit|senasa|aphis|agricol|agricult|agroindustr|agro"),
        ("smes", "Pymes y emprendimiento", r"pyme|mype|\bsmes?\b|small and medium|emprend|entrepreneur"),
        ("customs", "Aduanas y facilitación del comercio",
         r"aduan|customs|facilitacion del comercio|trade facilitation"),
        ("integration", "Integración económica (OCDE, Alianza del Pacífico, CAN, APEC)",
         r"\bocde\b|\boecd\b|alianza del pacifico|pacific alliance|comunidad andina|\bapec\b"),
        ("logistics", "Puertos, logística y cadenas de suministro",
         r"puerto|\bports?\b|logistic|cadenas? de (suministro|valor)|supply chain"),
        ("labour", "Empleo y trabajo", r"empleo|trabajo decente|laboral|\blabou?r\b|workforce|workers"),
        ("technology", "Tecnología, innovación y economía digital",
         r"semiconduct|digital|tecnolog|technolog|innova"),
    ],
    "environment": [
        ("climate", "Cambio climático",
         r"cambio climatico|climat|acuerdo de paris|paris agreement|emision|emission|carbon"),
        ("energy", "Energía e interconexión eléctrica",
         r"energ|electric|interconexion|hidrocarbur|hydrocarbon|gas natural|natural gas|petrole|renovable|renewable|nuclear"),
        ("water", "Recursos hídricos y cuencas", r"\bagua|water|cuenca|basin|titicaca|hidric|\brios?\b"),
        ("forests", "Bosques, biodiversidad y áreas protegidas",
         r"bosque|forest|deforest|biodivers|fauna|flora|areas? (naturales )?protegidas|protected area|amazon|wildlife"),
        ("mining", "Minería y minerales", r"mineria|mining|minero|minerales|minerals|mercurio|mercury"),
        ("pollution", "Contaminación y residuos", r"contamina|pollution|residuo|waste"),
        ("fisheries", "Pesca y recursos hidrobiológicos", r"pesca|pesquer|fisher|hidrobiolog"),
        ("disasters", "Gestión del riesgo de desastres",
         r"desastre|disaster|gestion del riesgo|risk management|fenomeno el nino|early warning|alerta temprana"),
    ],
    "borders": [
        ("border_development", "Integración y desarrollo fronterizo",
         r"integracion fronteriza|zona de integracion|\bzif\b|desarrollo fronterizo|plan binacional|border development|poblaciones? fronteriza"),
        ("crossings", "Pasos y control fronterizo",
         r"paso de frontera|paso fronterizo|\bcebaf|\bcenaf|centro binacional|control integrado|border crossing|port of entry|border management"),
        ("infrastructure", "Infraestructura, transporte y conectividad",
         r"puente|carretera|\bvial|bridge|\broads?\b|transporte|transport|transito|\btransit\b|conectividad|connectivity|ferrovia"),
        ("migration", "Migración", r"migra|migrant|refugi|desplazad|displaced|asilo|asylum"),
        ("consular", "Asuntos consulares y documentos", r"consular|consulad|consulate|\bconsul\b|pasaporte|passport|\bvisas?\b|documento de identidad"),
        ("boundaries", "Límites y demarcación", r"\blimites?\b|boundar|\bhitos?\b|demarcacion|delimitacion"),
    ],
}
_SUBTOPIC_RE: dict[str, list[tuple[str, str, re.Pattern]]] = {
    axis: [(key, name, re.compile(rx)) for key, name, rx in entries] for axis, entries in SUBTOPICS.items()
}


# ---------------------------------------------------------------- helpers
def _label_matrix(items: pd.DataFrame) -> pd.DataFrame:
    """0/1 frame with one column per axis plus `other`, from the label columns or `labels`."""
    if all(axis in items.columns for axis in AXES):
        cols = list(AXES) + ([OTHER] if OTHER in items.columns else [])
        frame = items[cols].fillna(0).astype(float).clip(0, 1).astype(int)
        if OTHER not in frame.columns:
            frame[OTHER] = (frame[list(AXES)].sum(axis=1) == 0).astype(int)
        return frame
    if "labels" in items.columns:
        rows = [{label: int(label in (labels if isinstance(labels, (list, tuple, np.ndarray)) else []))
                 for label in list(AXES) + [OTHER]} for labels in items["labels"]]
        return pd.DataFrame(rows, index=items.index)
    raise InputError("items", "no label columns: the items must be classified "
                     f"(one 0/1 column per axis: {', '.join(AXES)})")


def prepare_items(items: pd.DataFrame) -> pd.DataFrame:
    """A working copy: parsed parties, year, label columns, per-item axis weights."""
    if not isinstance(items, pd.DataFrame):
        raise InputError("items", "expected a pandas DataFrame of classified items")
    missing = [c for c in ("doc_id", "text", "parties") if c not in items.columns]
    if missing:
        raise InputError("items", f"missing column(s): {', '.join(missing)}")
    labels = _label_matrix(items)
    df = pd.DataFrame(index=items.index)
    df["doc_id"] = items["doc_id"].astype(str)
    df["text"] = items["text"].fillna("").astype(str)
    df["party_set"] = items["parties"].map(lambda value: frozenset(split_parties(value)))
    for col in ("n", "page", "title", "date", "dyad", "mechanism", "edition", "kind", "citation"):
        df[col] = items[col] if col in items.columns else None
    df["date"] = df["date"].map(lambda d: None if plain(d) is None else str(d)[:10])
    year = items["year"] if "year" in items.columns else pd.Series(np.nan, index=items.index)
    year = pd.to_numeric(year, errors="coerce")
    from_date = pd.to_numeric(df["date"].map(lambda d: str(d)[:4] if plain(d) else None), errors="coerce")
    df["year"] = year.astype(float).fillna(from_date.astype(float))
    df["dyad"] = [d if plain(d) else "-".join(sorted(p)) for d, p in zip(df["dyad"], df["party_set"])]
    for label in list(AXES) + [OTHER]:
        df[label] = labels[label].to_numpy()
    n_axes = df[list(AXES)].sum(axis=1)
    for axis in AXES:
        df[f"w_{axis}"] = np.where(n_axes > 0, df[axis] / n_axes.where(n_axes > 0, 1), 0.0)
        col = f"score_{axis}"
        df[col] = pd.to_numeric(items[col], errors="coerce").fillna(1.0) if col in items.columns else 1.0
    df["has_axis"] = n_axes > 0
    return df.reset_index(drop=True)


def _subtopics(df: pd.DataFrame, axis: str, sources: dict[str, set[str]], limit: int) -> list[dict]:
    rows = df[df[axis] == 1]
    folded = {idx: fold(text) for idx, text in zip(rows.index, rows["text"])}
    found = []
    for key, name, rx in _SUBTOPIC_RE[axis]:
        hits = {idx for idx, text in folded.items() if rx.search(text)}
        if not hits:
            continue
        by_source = {src: int(rows.loc[list(hits), "doc_id"].isin(doc_ids).sum()) for src, doc_ids in sources.items()}
        found.append({"key": key, "name": name, "items": len(hits), "by_source": by_source})
    found.sort(key=lambda s: (-sum(1 for v in s["by_source"].values() if v), -s["items"]))
    return found[:limit]


def _evidence(df: pd.DataFrame, docs: pd.DataFrame, axis: str, sources: dict[str, set[str]],
              per_source: int) -> list[dict]:
    recency = dict(zip(docs["doc_id"], docs["r"]))
    rows = df[df[axis] == 1]
    out: list[dict] = []
    seen: set[str] = set()
    for src, doc_ids in sources.items():
        cand = rows[rows["doc_id"].isin(doc_ids)].copy()
        if cand.empty:
            continue
        cand["_rank"] = cand[f"score_{axis}"].astype(float) * cand["doc_id"].map(recency).fillna(0.0).astype(float)
        cand["_solo"] = cand[list(AXES)].sum(axis=1) == 1
        cand["_declared"] = cand["kind"].map(lambda kind: plain(kind) != "prose")  # a declaration's own words first
        cand = cand.sort_values(["_declared", "_rank", "_solo", "date"], ascending=[False, False, False, False],
                                na_position="last")
        cand["_k"] = cand.groupby("doc_id").cumcount()
        # declaration items first; among them, one item per document before a second one
        cand = cand.sort_values(["_declared", "_k"], ascending=[False, True], kind="stable")
        taken = 0
        for _, row in cand.iterrows():
            key = fold(row["text"])[:160]
            if key in seen:
                continue
            seen.add(key)
            page = plain(row["page"])
            out.append({
                "doc": row["doc_id"], "title": plain(row["title"]), "date": plain(row["date"]),
                "text": row["text"], "page": int(page) if page is not None else None,
                "n": int(plain(row["n"])) if plain(row["n"]) is not None else None,
                "dyad": row["dyad"], "source": src,
                "kind": plain(row["kind"]) or "items", "citation": plain(row["citation"]),
            })
            taken += 1
            if taken >= per_source:
                break
    return out


# ---------------------------------------------------------------- propose
def generated_date() -> str:
    """Today's date (UTC), or the date of `SOURCE_DATE_EPOCH` when set (reproducible reports)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return moment.date().isoformat()


def _corpus_context(items: pd.DataFrame, df: pd.DataFrame, sources: dict[str, set[str]]) -> dict[str, Any]:
    """What the proposal read: documents per source, the years covered, the newest document."""
    dated = df.dropna(subset=["year"])
    newest = None
    if len(dated):
        row = dated.sort_values(["date", "year", "doc_id"], na_position="first", kind="stable").iloc[-1]
        newest = {"doc": row["doc_id"], "title": plain(row["title"]), "date": plain(row["date"])}
    joint = df[df["doc_id"].isin(sources["joint"])].drop_duplicates("doc_id")
    joint_kinds = joint["kind"].map(lambda kind: plain(kind) or "items").value_counts()
    return {"documents": int(df["doc_id"].nunique()), "items": int(len(df)),
            "documents_by_source": {src: len(ids) for src, ids in sources.items()},
            "joint_documents_by_kind": {str(kind): int(n) for kind, n in sorted(joint_kinds.items())},
            "years": [int(dated["year"].min()), int(dated["year"].max())] if len(dated) else None,
            "undated_documents": int(df.loc[df["year"].isna(), "doc_id"].nunique()),
            "newest": newest}


def _model_version(items: pd.DataFrame) -> str | None:
    if "model_version" not in items.columns:
        return None
    versions = sorted({str(v) for v in items["model_version"] if plain(v) is not None})
    return ", ".join(versions) or None


def propose(items: pd.DataFrame, between: tuple[str, str], top: int = 3, since: int | None = None,
            settings: ProposalSettings | None = None, generated: str | None = None) -> dict:
    """Rank the five axes by how much they are a shared interest of the pair `between`.

    Returns `{"between", "generated", "model_version", "corpus", "axes", "settings", "top",
    "warnings", "stability", "sensitivity"}`: `generated` is `generated` or today's
    date (`generated_date`), `corpus` what was read (documents per source, years,
    newest document); `axes` lists all
    five axes, best first, each with `rank`, `score`, `by_source` (each party's
    profile, the shared interest, the joint record, and the documents/items
    behind them), `subtopics` and `evidence` (joint record first, then each
    party's). See the module docstring for the formula.

    >>> result = propose(corpus.items(), ("PE", "US"))     # doctest: +SKIP
    >>> result["top"]                                        # doctest: +SKIP
    ['trade', 'security', 'governance']

    Raises `InputError` for a malformed code, a code absent from the items, or
    items without labels.
    """
    settings = settings or ProposalSettings()
    codes = country_codes(between, "between")
    if len(codes) != 2:
        raise FieldError("between", f"expected two party codes, got {len(codes)}",
                         f"se esperaban dos códigos de país; se recibieron {len(codes)}")
    a, b = codes
    if a == b:
        raise FieldError("between", f"the two parties must differ (got {a} twice)",
                         f"las dos partes deben ser distintas ({a} dos veces)")
    if not isinstance(top, int) or top < 1 or top > len(AXES):
        raise FieldError("top", f"must be between 1 and {len(AXES)}, got {top}",
                         f"debe estar entre 1 y {len(AXES)}; se recibió {top}")

    df = prepare_items(items)
    present = set().union(*df["party_set"]) if len(df) else set()
    for code in (a, b):
        if code not in present:
            known = ", ".join(sorted(present)) or "none"
            raise FieldError("between", f"party {code} is not in the store (parties present: {known})",
                             f"{code} no figura en ninguna declaración guardada (partes presentes: {known})")

    warnings: list[str] = []
    if since is not None:
        undated = df["year"].isna()
        if undated.any():
            warnings.append(f"{df.loc[undated, 'doc_id'].nunique()} documento(s) sin fecha quedan fuera "
                            f"del filtro desde {since}.")
        df = df[df["year"].ge(since) & ~undated].reset_index(drop=True)

    docs = doc_table(df, settings.half_life, settings.reference_year)
    parts = split_sources(docs, a, b)
    own, joint_docs = {a: parts[a], b: parts[b]}, parts["joint"]
    scored = pair_scores(parts, (a, b), settings.joint_weight, settings.combine, settings.partner_balance)
    joint, profiles, estimated = scored.joint, scored.profiles, scored.estimated

    for code in (a, b):
        n_docs, n_items = len(own[code]), int(own[code]["n_items"].sum()) if len(own[code]) else 0
        other = b if code == a else a
        if n_docs < settings.min_docs or n_items < settings.min_items:
            warnings.append(f"Evidencia insuficiente para {code}: {n_docs} documento(s) y {n_items} ítem(s) "
                            f"en sus mecanismos sin {other} (mínimo {settings.min_docs} documentos y "
                            f"{settings.min_items} ítems); su perfil es poco fiable.")
        if estimated[code]:
            if joint is None:
                warnings.append(f"{code} no tiene documentos clasificados con ejes temáticos: su perfil es nulo.")
            else:
                warnings.append(f"{code} no tiene mecanismos propios con otros países en el corpus: su perfil "
                                f"se estima con el registro conjunto {a}–{b}.")

    if joint is None:
        warnings.append(f"No hay registro conjunto {a}–{b} (declaraciones con ambas partes): la puntuación "
                        f"descansa solo en los perfiles de cada parte.")
    w = scored.weight

    sources: dict[str, set[str]] = {"joint": set(joint_docs["doc_id"]) if len(joint_docs) else set(),
                                    a: set(own[a]["doc_id"]) if len(own[a]) else set(),
                                    b: set(own[b]["doc_id"]) if len(own[b]) else set()}
    docs_by_source = {src: len(ids) for src, ids in sources.items()}

    axes_out = []
    for axis in AXES:
        pa, pb = profiles[a][axis], profiles[b][axis]
        shared, score = scored.shared[axis], scored.scores[axis]
        j = joint[axis] if joint is not None else None
        item_counts = {src: int(df.loc[df["doc_id"].isin(ids), axis].sum()) for src, ids in sources.items()}
        axes_out.append({
            "axis": axis, "rank": 0, "score": round(score, 4),
            "by_source": {a: round(pa, 4), b: round(pb, 4), "shared": round(shared, 4),
                          "joint": None if j is None else round(j, 4),
                          "items": item_counts, "docs": dict(docs_by_source)},
            "subtopics": _subtopics(df, axis, sources, settings.max_subtopics),
            "evidence": _evidence(df, docs, axis, sources, settings.evidence_per_source),
            "_exact": score,
        })
    axes_out.sort(key=lambda x: (-x["_exact"], AXES.index(x["axis"])))
    for rank, entry in enumerate(axes_out, start=1):
        entry["rank"] = rank
        del entry["_exact"]
    shares = stability.bootstrap(parts, (a, b), settings.joint_weight, settings.combine, settings.partner_balance,
                                 top=top, resamples=settings.resamples, seed=settings.seed)
    for entry in axes_out:
        entry.update(shares[entry["axis"]])
    moved = stability.sensitivity(df, (a, b), settings, top=top)

    ref_year = settings.reference_year
    if ref_year is None and len(docs) and docs["year"].notna().any():
        ref_year = int(docs["year"].max())
    settings_out = settings.to_dict()
    settings_out.update({
        "reference_year": ref_year, "since": since, "top": top, "effective_joint_weight": round(w, 4),
        "evidence_base": {
            code: {"docs": len(own[code]), "items": int(own[code]["n_items"].sum()) if len(own[code]) else 0,
                   "partners": sorted(set(own[code]["dyad"])) if len(own[code]) else [],
                   "estimated_from_joint": estimated[code]}
            for code in (a, b)
        } | {"joint": {"docs": len(joint_docs),
                       "items": int(joint_docs["n_items"].sum()) if len(joint_docs) else 0,
                       "partners": sorted(set(joint_docs["dyad"])) if len(joint_docs) else []}},
    })
    return {"between": [a, b], "generated": generated or generated_date(), "model_version": _model_version(items),
            "corpus": _corpus_context(items, df, sources), "axes": axes_out, "settings": settings_out,
            "top": [entry["axis"] for entry in axes_out[:top]], "warnings": warnings,
            "stability": {"resamples": settings.resamples, "seed": settings.seed, "robust_share": stability.ROBUST,
                          **stability.verdict(axes_out, moved, top, settings.resamples)},
            "sensitivity": moved}
