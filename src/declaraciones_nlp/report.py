"""Markdown and self-contained HTML reports of an axis proposal, in Spanish.

`render_markdown(proposal, recurrences)` and `render_html(proposal, recurrences)`
take the plain data returned by `propose.propose` and `propose.recurrences`.
The HTML page carries its CSS inline and its charts as base64 PNG (matplotlib,
Agg backend), so it opens offline and can be mailed as one file; every piece of
item text is escaped (Jinja2 autoescape).
"""
from __future__ import annotations

import base64
import io
from typing import Any

from jinja2 import Environment

from .schema import AXES, AXIS_COLOURS, AXIS_NAMES_ES, AXIS_SHORT_ES

__all__ = ["render_markdown", "render_html", "profile_chart_png", "score_chart_png", "COUNTRY_NAMES_ES"]

COUNTRY_NAMES_ES: dict[str, str] = {
    "AR": "Argentina", "BO": "Bolivia", "BR": "Brasil", "CA": "Canadá", "CL": "Chile", "CN": "China",
    "CO": "Colombia", "EC": "Ecuador", "EU": "Unión Europea", "IN": "India", "JP": "Japón",
    "MX": "México", "PE": "Perú", "PY": "Paraguay", "US": "Estados Unidos", "UY": "Uruguay",
    "VE": "Venezuela",
}

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


def _country(code: str) -> str:
    return COUNTRY_NAMES_ES.get(code, code)


def _source_label(source: str, pair: list[str]) -> str:
    if source == "joint":
        return f"registro conjunto {pair[0]}–{pair[1]}"
    return f"{_country(source)} con otros socios"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _cite(ev: dict) -> str:
    parts = [ev.get("title") or ev.get("doc") or "documento sin título"]
    if ev.get("date"):
        parts.append(str(ev["date"]))
    if ev.get("page"):
        parts.append(f"p. {ev['page']}")
    if ev.get("n"):
        parts.append(f"ítem {ev['n']}")
    return ", ".join(str(p) for p in parts)


def _why(axis: dict, pair: list[str], settings: dict) -> str:
    a, b = pair
    src = axis["by_source"]
    docs = src.get("docs", {})
    text = (f"Ocupa el {_pct(src[a])} de la agenda de {_country(a)} con otros socios "
            f"({docs.get(a, 0)} documentos) y el {_pct(src[b])} de la de {_country(b)} "
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
            "evidence": [{**ev, "cite": _cite(ev), "source_label": _source_label(ev.get("source", ""), pair)}
                         for ev in entry.get("evidence", [])],
        })
    plain_settings = [(k, v, SETTING_NOTES_ES.get(k, "")) for k, v in settings.items() if k != "evidence_base"]
    base = settings.get("evidence_base", {})
    base_rows = [(_source_label(k, pair), v.get("docs", 0), v.get("items", 0), ", ".join(v.get("partners", [])))
                 for k, v in base.items()]
    return {
        "pair": pair, "names": [_country(c) for c in pair], "axes": axes,
        "top": [AXIS_NAMES_ES.get(a, a) for a in proposal.get("top", [])],
        "warnings": proposal.get("warnings", []), "settings": plain_settings, "base_rows": base_rows,
        "chains": chains_sorted[:max_chains], "n_chains": len(chains), "method": METHOD_ES,
        "axis_short": AXIS_SHORT_ES,
    }


# ---------------------------------------------------------------- Markdown
def _md(text: Any) -> str:
    """Item text safe inside Markdown (no raw HTML, no table breaks, one line)."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("\n", " ").strip())


def render_markdown(proposal: dict, recurrences: list | None = None, max_chains: int = 15) -> str:
    """The proposal as a Markdown report in Spanish: ranking, reasons, evidence, recurrences, settings."""
    ctx = _context(proposal, recurrences, max_chains)
    a, b = ctx["pair"]
    out = [f"# Propuesta de ejes temáticos: {ctx['names'][0]} – {ctx['names'][1]}", ""]
    out.append("Ejes propuestos: " + "; ".join(f"**{name}**" for name in ctx["top"]) + ".")
    out.append("")
    if ctx["warnings"]:
        out += ["## Avisos", ""] + [f"- ⚠ {_md(w)}" for w in ctx["warnings"]] + [""]
    out += ["## Ejes ordenados", "",
            f"| Rango | Eje | Puntuación | {a} con otros | {b} con otros | Interés compartido | Registro conjunto |",
            "|---:|---|---:|---:|---:|---:|---:|"]
    for axis in ctx["axes"]:
        src = axis["by_source"]
        out.append(f"| {axis['rank']} | {axis['name']} | {axis['score']:.3f} | {_pct(src[a])} | {_pct(src[b])} "
                   f"| {src['shared']:.3f} | {_pct(src.get('joint'))} |")
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
                out.append(f"- «{_md(ev['text'])}» — *{_md(ev['cite'])}* ({_md(ev['source_label'])})")
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


# ---------------------------------------------------------------- charts
def _png(fig) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def profile_chart_png(proposal: dict) -> str:
    """Base64 PNG: one panel per source (each party with others, joint record), axis shares in %."""
    from matplotlib.figure import Figure

    a, b = proposal["between"]
    by_axis = {entry["axis"]: entry["by_source"] for entry in proposal["axes"]}
    panels = [(a, f"{_country(a)} con otros"), (b, f"{_country(b)} con otros")]
    if any(src.get("joint") is not None for src in by_axis.values()):
        panels.append(("joint", f"Registro conjunto {a}–{b}"))
    fig = Figure(figsize=(3.2 * len(panels), 2.8))
    labels = [AXIS_SHORT_ES[axis] for axis in AXES]
    colours = [AXIS_COLOURS[axis] for axis in AXES]
    top = max([100 * (by_axis[axis].get(key) or 0) for key, _ in panels for axis in AXES] + [1])
    for i, (key, title) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), i + 1)
        values = [100 * (by_axis[axis].get(key) or 0) for axis in AXES]
        ax.barh(labels, values, color=colours)
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.15)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("% de la agenda", fontsize=8)
        ax.tick_params(labelsize=8)
        if i:
            ax.set_yticklabels([])
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
    fig.tight_layout()
    return _png(fig)


def score_chart_png(proposal: dict) -> str:
    """Base64 PNG: the ranked scores, split into the shared-interest and joint-record parts."""
    from matplotlib.figure import Figure

    w = float(proposal.get("settings", {}).get("effective_joint_weight", 0) or 0)
    entries = proposal["axes"]
    labels = [AXIS_SHORT_ES.get(e["axis"], e["axis"]) for e in entries]
    shared = [(1 - w) * e["by_source"]["shared"] for e in entries]
    joint = [w * (e["by_source"].get("joint") or 0) for e in entries]
    colours = [AXIS_COLOURS.get(e["axis"], "#999999") for e in entries]
    fig = Figure(figsize=(6, 2.6))
    ax = fig.add_subplot(1, 1, 1)
    ax.barh(labels, shared, color=colours)
    ax.barh(labels, joint, left=shared, color=colours, alpha=0.45, hatch="//")
    ax.invert_yaxis()
    ax.set_xlabel("puntuación", fontsize=8)
    ax.tick_params(labelsize=8)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(facecolor="#777777", label="interés compartido"),
                       Patch(facecolor="#777777", alpha=0.45, hatch="//", label="registro conjunto")],
              fontsize=7, frameon=False, loc="lower right")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    fig.tight_layout()
    return _png(fig)


# ---------------------------------------------------------------- HTML
_HTML = """<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Propuesta de ejes temáticos: {{ names[0] }} – {{ names[1] }}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.92rem}th,td{border:1px solid #ddd;padding:.3rem .5rem;vertical-align:top}
th{background:#f4f4f4;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.35rem;vertical-align:middle}
.warn{background:#fff4e0;border-left:4px solid #E69F00;padding:.5rem .8rem;margin:.4rem 0}
.axis{border-left:6px solid #999;padding:.2rem 0 .2rem 1rem;margin:1.2rem 0}
blockquote{margin:.4rem 0;padding:.3rem .8rem;background:#f8f8f8;border-left:3px solid #ccc}
.cite{color:#555;font-size:.85rem}.muted{color:#666;font-size:.9rem}img{max-width:100%}
.top{font-size:1.1rem}.tag{display:inline-block;background:#eef;border-radius:3px;padding:0 .3rem;margin:0 .2rem .2rem 0;font-size:.85rem}
</style></head><body>
<h1>Propuesta de ejes temáticos: {{ names[0] }} – {{ names[1] }}</h1>
<p class="top">Ejes propuestos:
{% for name in top %}<strong>{{ name }}</strong>{% if not loop.last %}; {% endif %}{% endfor %}.</p>
{% if warnings %}<h2>Avisos</h2>{% for w in warnings %}<div class="warn">⚠ {{ w }}</div>{% endfor %}{% endif %}
<h2>Ejes ordenados</h2>
<table><thead><tr><th>Rango</th><th>Eje</th><th>Puntuación</th><th>{{ pair[0] }} con otros</th><th>{{ pair[1] }} con otros</th><th>Interés compartido</th><th>Registro conjunto</th></tr></thead><tbody>
{% for axis in axes %}<tr><td class="num">{{ axis.rank }}</td><td><span class="swatch" style="background:{{ axis.colour }}"></span>{{ axis.name }}</td>
<td class="num">{{ '%.3f'|format(axis.score) }}</td><td class="num">{{ pct(axis.by_source[pair[0]]) }}</td><td class="num">{{ pct(axis.by_source[pair[1]]) }}</td>
<td class="num">{{ '%.3f'|format(axis.by_source.shared) }}</td><td class="num">{{ pct(axis.by_source.joint) }}</td></tr>
{% endfor %}</tbody></table>
<p><img alt="Puntuación por eje" src="data:image/png;base64,{{ score_png }}"></p>
<h2>Perfil temático de cada parte</h2>
<p class="muted">Proporción media de cada eje en las declaraciones de cada parte con otros socios y en el registro conjunto.</p>
<p><img alt="Perfil temático por eje" src="data:image/png;base64,{{ profile_png }}"></p>
<h2>Por qué</h2>
{% for axis in axes %}<div class="axis" style="border-left-color:{{ axis.colour }}">
<h3>{{ axis.rank }}. {{ axis.name }} — {{ '%.3f'|format(axis.score) }}</h3>
<p>{{ axis.why }}</p>
{% if axis.subtopics %}<p>Subtemas: {% for s in axis.subtopics %}<span class="tag">{{ s.name }} ({{ s['items'] }})</span>{% endfor %}</p>{% endif %}
{% for ev in axis.evidence %}<blockquote>«{{ ev.text }}»<br><span class="cite">{{ ev.cite }} · {{ ev.source_label }}</span></blockquote>{% endfor %}
</div>{% endfor %}
<h2>Compromisos recurrentes</h2>
{% if chains %}<p class="muted">Ítems que se repiten, casi iguales, en declaraciones sucesivas de una misma pareja ({{ n_chains }} cadenas; se muestran {{ chains|length }}).</p>
{% for chain in chains %}<div class="axis"><strong>{{ chain.dyad }}</strong> · {{ chain.editions }} ediciones · similitud mínima {{ '%.2f'|format(chain.similarity) }}
{% for x in chain.labels %}<span class="tag">{{ axis_short.get(x, x) }}</span>{% endfor %}
{% for it in chain['items'] %}<blockquote>«{{ it.text }}»<br><span class="cite">{{ it.title or it.doc }}{% if it.date %}, {{ it.date }}{% endif %}{% if it.page %}, p. {{ it.page }}{% endif %}{% if it.n %}, ítem {{ it.n }}{% endif %}</span></blockquote>{% endfor %}
</div>{% endfor %}
{% else %}<p>No se hallaron compromisos recurrentes para esta selección.</p>{% endif %}
<h2>Parámetros utilizados</h2>
<p>{{ method }}</p>
<table><thead><tr><th>Parámetro</th><th>Valor</th><th>Motivo</th></tr></thead><tbody>
{% for key, value, note in settings %}<tr><td><code>{{ key }}</code></td><td>{{ fmt(value) }}</td><td>{{ note }}</td></tr>{% endfor %}
</tbody></table>
<table><thead><tr><th>Fuente</th><th>Documentos</th><th>Ítems</th><th>Parejas</th></tr></thead><tbody>
{% for label, n_docs, n_items, partners in base_rows %}<tr><td>{{ label }}</td><td class="num">{{ n_docs }}</td><td class="num">{{ n_items }}</td><td>{{ partners or '—' }}</td></tr>{% endfor %}
</tbody></table>
</body></html>
"""

_ENV = Environment(autoescape=True, trim_blocks=False)
_TEMPLATE = _ENV.from_string(_HTML)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render_html(proposal: dict, recurrences: list | None = None, max_chains: int = 15) -> str:
    """The proposal as one self-contained HTML page (inline CSS, base64 PNG charts, escaped text)."""
    ctx = _context(proposal, recurrences, max_chains)
    return _TEMPLATE.render(**ctx, pct=_pct, fmt=_fmt,
                            profile_png=profile_chart_png(proposal), score_png=score_chart_png(proposal))
