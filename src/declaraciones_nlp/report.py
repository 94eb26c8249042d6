"""Markdown and self-contained HTML reports of an axis proposal, in Spanish.

`proposal_report(items, between, ...)` is the one way to a report: the proposal
(`propose.propose`) with the recurring commitments of the pair's documents
(`recurrences.chains_for_pair`), so that `run`, `propose` and the web page write
the same report for the same store. `render_markdown` and `render_html` take
that plain data. The HTML page (`templates/proposal.html`) carries its CSS
inline and its charts as base64 PNG (`charts`), so it opens offline and can be
mailed as one file; every piece of item text is escaped (Jinja2 autoescape).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd
from jinja2 import Environment, FileSystemLoader

from .charts import profile_chart_png, score_chart_png
from .propose import ProposalSettings, propose
from .recurrences import chains_for_pair
from .schema import AXIS_COLOURS, AXIS_NAMES_ES, AXIS_SHORT_ES
from .summary import executive_summary
from .text import country_name

__all__ = ["REPORT_FORMATS", "ProposalReport", "proposal_report", "render_html", "render_markdown"]
REPORT_FORMATS: tuple[str, ...] = ("md", "html", "json")


@dataclass(frozen=True)
class ProposalReport:
    """A proposal with the recurring commitments its report shows; `render(fmt)` writes it."""

    proposal: dict
    chains: list

    def render(self, fmt: str) -> str:
        """The report as `md`, `html` or `json` (the proposal alone, as `propose --format json`)."""
        if fmt == "json":
            return json.dumps(self.proposal, ensure_ascii=False, indent=2)
        return render_html(self.proposal, self.chains) if fmt == "html" else render_markdown(self.proposal, self.chains)


def proposal_report(items: pd.DataFrame, between: Sequence[str], top: int = 3, since: int | None = None,
                    settings: ProposalSettings | None = None) -> ProposalReport:
    """The axes proposed for `between` and the recurring commitments of the pair's documents."""
    result = propose(items, between, top=top, since=since, settings=settings)
    return ProposalReport(result, chains_for_pair(items, result["between"], since))

# Why each setting has its default value; shown in the report's settings section.
SETTING_NOTES_ES: dict[str, str] = {
    "joint_weight": "Peso del registro conjunto de la pareja frente al interés compartido que revelan los "
                    "demás mecanismos de cada parte. Por defecto 1/3: el registro conjunto es la prueba más "
                    "directa, pero para una pareja sin mecanismo propio suele ser escaso (algunas reuniones "
                    "narradas en prosa).",
    "effective_joint_weight": "Peso aplicado de hecho al registro conjunto (0 cuando no existe).",
    "half_life": "Vida media, en años, del peso de una declaración: una declaración con esa antigüedad "
                 "respecto del año de referencia cuenta la mitad. Por defecto 10 años; 0 o vacío desactiva "
                 "la ponderación temporal.",
    "combine": "Cómo se combinan los perfiles de las dos partes: «geometric» (raíz del producto: un eje "
               "que solo interesa a una parte puntúa poco) o «min» (el interés de la parte menos interesada).",
    "partner_balance": "Cada socio de una parte pesa lo mismo, tenga el mecanismo las ediciones que tenga.",
    "min_docs": "Mínimo de documentos propios de una parte para considerar fiable su perfil.",
    "min_items": "Mínimo de ítems propios de una parte para considerar fiable su perfil.",
    "evidence_per_source": "Ítems citados como evidencia por fuente (registro conjunto, cada parte) y eje.",
    "max_subtopics": "Subtemas listados por eje.",
    "reference_year": "Año desde el que se cuenta la antigüedad (por defecto, el más reciente de los datos).",
    "since": "Solo se usan declaraciones desde este año.",
    "top": "Número de ejes propuestos.",
    "resamples": "Remuestreos de documentos con que se mide la estabilidad del orden (cada fuente se "
                 "remuestrea con reemplazo y se recalcula la puntuación); 0 lo omite.",
    "seed": "Semilla del generador de remuestreos: el mismo almacén da las mismas cifras.",
}

METHOD_ES = (
    "Cada declaración se reduce a la proporción de sus ítems que corresponde a cada eje (un ítem con k ejes "
    "aporta 1/k a cada uno; los ítems «Otros» no cuentan), de modo que una declaración larga no pesa más que "
    "una corta. El perfil de cada parte es la media, ponderada por antigüedad y con el mismo peso para cada "
    "socio, de sus declaraciones con terceros (sin la otra parte). El interés compartido de un eje es la media "
    "geométrica de los dos perfiles: un eje frecuente para una sola parte puntúa poco. La puntuación final "
    "combina el interés compartido con el registro conjunto de la pareja (declaraciones en que ambas son "
    "partes): puntuación = (1 − w) · compartido + w · conjunto."
)

SOURCE_ES = {"joint": "registro conjunto"}


def _source_label(source: str, pair: list[str]) -> str:
    if source == "joint":
        return f"registro conjunto {pair[0]}–{pair[1]}"
    return f"{country_name(source)} con otros socios"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


# What a quoted piece of text is, by its document's `kind`.
KIND_ES = {
    "items": "ítem de la declaración",
    "prose": "relato de la reunión en prosa (no es texto acordado)",
    "articles": "artículo de tratado",
}


def _cite(ev: dict) -> str:
    """Where a quote is: document, date, page and, for a declaration's own items, the item number."""
    parts = [ev.get("title") or ev.get("doc") or "documento sin título"]
    if ev.get("date"):
        parts.append(str(ev["date"]))
    if ev.get("page"):
        parts.append(f"p. {ev['page']}")
    if ev.get("n") and ev.get("kind", "items") != "prose":
        parts.append(f"{'artículo' if ev.get('kind') == 'articles' else 'ítem'} {ev['n']}")
    return ", ".join(str(p) for p in parts)


def _provenance(ev: dict) -> str:
    """What the quote is (declaration item, report of a meeting) and its original source."""
    text = KIND_ES.get(ev.get("kind") or "items", KIND_ES["items"])
    if ev.get("citation"):
        text += f"; fuente original: {ev['citation']}"
    return text


def _why(axis: dict, pair: list[str], settings: dict) -> str:
    a, b = pair
    src = axis["by_source"]
    docs = src.get("docs", {})
    text = (f"Ocupa el {_pct(src[a])} de la agenda de {country_name(a)} con otros socios "
            f"({docs.get(a, 0)} documentos) y el {_pct(src[b])} de la de {country_name(b)} "
            f"({docs.get(b, 0)} documentos); interés compartido {src['shared']:.3f}.")
    if src.get("joint") is None:
        text += f" No hay registro conjunto {a}–{b}."
    else:
        text += (f" En el registro conjunto {a}–{b} ({docs.get('joint', 0)} documentos) representa el "
                 f"{_pct(src['joint'])} (peso {settings.get('effective_joint_weight', 0):.2f}).")
    return text


def _context(proposal: dict, recurrences: list | None, max_chains: int) -> dict[str, Any]:
    pair = list(proposal["between"])
    chains = list(recurrences or [])
    own_dyad = "-".join(sorted(pair))
    chains_sorted = sorted(chains, key=lambda c: (c["dyad"] != own_dyad, -c["editions"],
                                                  c["items"][0].get("date") or ""))
    settings = proposal.get("settings", {})
    axes = []
    for entry in proposal["axes"]:
        axes.append({
            **entry,
            "name": AXIS_NAMES_ES.get(entry["axis"], entry["axis"]),
            "short": AXIS_SHORT_ES.get(entry["axis"], entry["axis"]),
            "colour": AXIS_COLOURS.get(entry["axis"], "#999999"),
            "why": _why(entry, pair, settings),
            "evidence": [{**ev, "cite": _cite(ev), "provenance": _provenance(ev),
                          "source_label": _source_label(ev.get("source", ""), pair)}
                         for ev in entry.get("evidence", [])],
        })
    plain_settings = [(k, v, SETTING_NOTES_ES.get(k, "")) for k, v in settings.items() if k != "evidence_base"]
    base = settings.get("evidence_base", {})
    base_rows = [(_source_label(k, pair), v.get("docs", 0), v.get("items", 0), ", ".join(v.get("partners", [])))
                 for k, v in base.items()]
    return {
        "pair": pair, "names": [country_name(c) for c in pair], "axes": axes,
        "top": [AXIS_NAMES_ES.get(a, a) for a in proposal.get("top", [])],
        "warnings": proposal.get("warnings", []), "settings": plain_settings, "base_rows": base_rows,
        "chains": chains_sorted[:max_chains], "n_chains": len(chains), "method": METHOD_ES,
        "axis_short": AXIS_SHORT_ES,
        "stability": proposal.get("stability", {}).get("statement", ""),
        "header": _header(proposal, pair),
        "summary": executive_summary(proposal, chains),
        "sensitivity": [_sensitivity_row(row, proposal) for row in proposal.get("sensitivity", [])],
    }


def _header(proposal: dict, pair: list[str]) -> str:
    """Date, model and corpus of the report, in one line."""
    parts = []
    if proposal.get("generated"):
        parts.append(f"Generado el {proposal['generated']}")
    parts.append(f"modelo {proposal.get('model_version') or 'sin versión registrada'}")
    corpus = proposal.get("corpus")
    if corpus:
        years = corpus.get("years")
        span = "sin fechas" if not years else (str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}")
        by_source = corpus.get("documents_by_source", {})
        sources = ", ".join(f"{_source_label(key, pair)}: {n}" for key, n in by_source.items())
        text = f"corpus: {corpus.get('documents', 0)} documentos, {corpus.get('items', 0)} ítems ({span}; {sources})"
        if corpus.get("undated_documents"):
            text += f", {corpus['undated_documents']} sin fecha"
        newest = corpus.get("newest")
        if newest:
            text += f"; el más reciente: «{newest.get('title') or newest.get('doc')}» ({newest.get('date')})"
        parts.append(text)
    return " · ".join(parts) + "."


def _sensitivity_row(row: dict, proposal: dict) -> dict[str, str]:
    """A sensitivity row in Spanish: the setting, the order it gives, what moved."""
    if row["parameter"] == "joint_weight":
        setting = f"Peso del registro conjunto = {row['value']:.2f}"
    else:
        setting = "Sin ponderación temporal" if row["value"] is None else f"Vida media = {row['value']:g} años"
    order = " > ".join(AXIS_SHORT_ES.get(axis, axis) for axis in row["order"])
    if not row["changes"]:
        change = "Sin cambios"
    else:
        change = "; ".join(f"{AXIS_SHORT_ES.get(c['axis'], c['axis'])} {c['baseline_rank']}.º → {c['rank']}.º"
                           for c in row["changes"])
        if row["top_changed"]:
            change += " (cambian los ejes propuestos)"
    return {"setting": setting, "order": order, "change": change}


def _share(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _interval(value: list | None) -> str:
    return "—" if not value else (f"{value[0]}.º" if value[0] == value[1] else f"{value[0]}.º–{value[1]}.º")


# ---------------------------------------------------------------- Markdown
def _md(text: Any) -> str:
    """Item text safe inside Markdown (no raw HTML, no table breaks, one line)."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("\n", " ").strip())


def render_markdown(proposal: dict, recurrences: list | None = None, max_chains: int = 15) -> str:
    """The proposal as a Markdown report in Spanish: ranking, reasons, evidence, recurrences, settings."""
    ctx = _context(proposal, recurrences, max_chains)
    a, b = ctx["pair"]
    out = [f"# Propuesta de ejes temáticos: {ctx['names'][0]} – {ctx['names'][1]}", "",
           f"*{_md(ctx['header'])}*", ""]
    if ctx["stability"]:
        out += [_md(ctx["stability"]), ""]
    out += ["## Resumen ejecutivo", ""]
    for k, axis in enumerate(ctx["summary"]["axes"], start=1):
        share = "" if axis["top3_share"] is None else f"; entre los 3 primeros en el {_share(axis['top3_share'])} de los remuestreos"
        out.append(f"{k}. **{axis['name']}** (puntuación {axis['score']:.3f}{share}). Líneas de trabajo:")
        out += [f"    - {_md(line)}" for line in axis["lines"]]
    out += ["", "Advertencias:", ""] + [f"- {_md(c)}" for c in ctx["summary"]["caveats"]] + [""]
    out.append("Ejes propuestos: " + "; ".join(f"**{name}**" for name in ctx["top"]) + ".")
    out.append("")
    if ctx["warnings"]:
        out += ["## Avisos", ""] + [f"- ⚠ {_md(w)}" for w in ctx["warnings"]] + [""]
    out += ["## Ejes ordenados", "",
            f"| Rango | Eje | Puntuación | {a} con otros | {b} con otros | Interés compartido | Registro conjunto "
            "| Entre los 3 primeros (remuestreos) | Rango (95 %) |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for axis in ctx["axes"]:
        src = axis["by_source"]
        out.append(f"| {axis['rank']} | {axis['name']} | {axis['score']:.3f} | {_pct(src[a])} | {_pct(src[b])} "
                   f"| {src['shared']:.3f} | {_pct(src.get('joint'))} | {_share(axis.get('top3_share'))} "
                   f"| {_interval(axis.get('rank_interval'))} |")
    if ctx["sensitivity"]:
        out += ["", "### Sensibilidad a los parámetros", "",
                "Orden de los ejes al mover un parámetro cada vez (los demás, como en este informe):", "",
                "| Parámetro | Orden | Cambios respecto de este informe |", "|---|---|---|"]
        out += [f"| {row['setting']} | {row['order']} | {row['change']} |" for row in ctx["sensitivity"]]
    out += ["", "## Por qué", ""]
    for axis in ctx["axes"]:
        out += [f"### {axis['rank']}. {axis['name']} — {axis['score']:.3f}", "", axis["why"], ""]
        if axis["subtopics"]:
            out.append("Subtemas: " + "; ".join(
                f"{s['name']} ({s['items']} ítems)" for s in axis["subtopics"]) + ".")
            out.append("")
        if axis["evidence"]:
            out.append("Evidencia:")
            out.append("")
            for ev in axis["evidence"]:
                out.append(f"- «{_md(ev['text'])}» — *{_md(ev['cite'])}*; {_md(ev['provenance'])} "
                           f"({_md(ev['source_label'])})")
            out.append("")
    out += ["## Compromisos recurrentes", ""]
    if ctx["chains"]:
        out.append(f"Ítems que se repiten, casi iguales, en declaraciones sucesivas de una misma pareja "
                   f"({ctx['n_chains']} cadenas; se muestran {len(ctx['chains'])}).")
        out.append("")
        for chain in ctx["chains"]:
            axes = ", ".join(AXIS_SHORT_ES.get(x, x) for x in chain.get("labels", [])) or "—"
            dates = ", ".join(str(it.get("date") or "s/f") for it in chain["items"])
            out.append(f"- **{chain['dyad']}**, {chain['editions']} ediciones ({dates}; {axes}; similitud "
                       f"mínima {chain['similarity']:.2f}): «{_md(chain['text'])}»")
        out.append("")
    else:
        out += ["No se hallaron compromisos recurrentes para esta selección.", ""]
    out += ["## Parámetros utilizados", "", ctx["method"], "", "| Parámetro | Valor | Motivo |", "|---|---|---|"]
    for key, value, note in ctx["settings"]:
        shown = "—" if value is None else (f"{value:.3f}" if isinstance(value, float) else value)
        out.append(f"| `{key}` | {shown} | {_md(note)} |")
    out += ["", "Base documental:", "", "| Fuente | Documentos | Ítems | Parejas |", "|---|---:|---:|---|"]
    for label, n_docs, n_items, partners in ctx["base_rows"]:
        out.append(f"| {label} | {n_docs} | {n_items} | {partners or '—'} |")
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- HTML
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                         autoescape=True, trim_blocks=False)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render_html(proposal: dict, recurrences: list | None = None, max_chains: int = 15) -> str:
    """The proposal as one self-contained HTML page (inline CSS, base64 PNG charts, escaped text)."""
    ctx = _context(proposal, recurrences, max_chains)
    return _TEMPLATES.get_template("proposal.html").render(
        **ctx, pct=_pct, fmt=_fmt, share=_share, interval=_interval, profile_png=profile_chart_png(proposal), score_png=score_chart_png(proposal))
