"""The executive summary that opens a proposal report, in Spanish.

`executive_summary(proposal, chains)` turns the plain data of a proposal
(`propose.propose`) and the recurring commitments of its report
(`recurrences.chains_for_pair`) into: per proposed axis, two or three working
lines (its most widely shared sub-topics, then a commitment that keeps coming
back), and the caveats a reader must know (thin evidence, close calls, orders
that move with the parameters). Nothing is invented: every line names the
counts it rests on.
"""
from __future__ import annotations

from typing import Any

from .schema import AXIS_NAMES_ES
from .text import country_name

__all__ = ["executive_summary"]

MAX_LINES = 3


def _who(by_source: dict[str, int], pair: list[str]) -> str:
    """Who raises a sub-topic: «Perú, Estados Unidos y su registro conjunto»."""
    names = [country_name(code) for code in pair if by_source.get(code)]
    if by_source.get("joint"):
        names.append("el registro conjunto")
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " y " + names[-1]


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"


def _chain_line(axis: str, chains: list[dict], pair: list[str]) -> str | None:
    """A recurring commitment of the axis: the pair's own first, then the one with most editions."""
    own = "-".join(sorted(pair))
    fitting = [chain for chain in chains if axis in chain.get("labels", [])]
    if not fitting:
        return None
    chain = sorted(fitting, key=lambda c: (c["dyad"] != own, -c["editions"], c["items"][0].get("date") or ""))[0]
    dates = [str(item.get("date") or "s/f")[:4] for item in chain["items"]]
    return (f"Retomar el compromiso recurrente «{_short(chain['text'])}» ({chain['dyad']}, "
            f"{chain['editions']} ediciones: {', '.join(dates)}).")


def executive_summary(proposal: dict, chains: list[dict] | None = None) -> dict[str, Any]:
    """`{"axes": [{"axis", "name", "score", "top3_share", "lines": [...]}], "caveats": [...]}`."""
    pair = list(proposal["between"])
    chains = list(chains or [])
    by_axis = {entry["axis"]: entry for entry in proposal["axes"]}
    axes = []
    for axis in proposal.get("top", []):
        entry = by_axis[axis]
        lines = []
        for sub in entry.get("subtopics", [])[:MAX_LINES - 1]:
            who = _who(sub.get("by_source", {}), pair)
            lines.append(f"{sub['name']}: {sub['items']} ítems" + (f", planteado por {who}." if who else "."))
        chain = _chain_line(axis, chains, pair)
        if chain:
            lines.append(chain)
        elif len(entry.get("subtopics", [])) >= MAX_LINES:
            sub = entry["subtopics"][MAX_LINES - 1]
            who = _who(sub.get("by_source", {}), pair)
            lines.append(f"{sub['name']}: {sub['items']} ítems" + (f", planteado por {who}." if who else "."))
        if not lines:
            lines.append("Sin subtemas identificados en los ítems del eje: definir las líneas a partir de la evidencia citada.")
        axes.append({"axis": axis, "name": AXIS_NAMES_ES.get(axis, axis), "score": entry["score"],
                     "top3_share": entry.get("top3_share"), "lines": lines})

    caveats = list(proposal.get("warnings", []))
    stability = proposal.get("stability", {})
    close = [AXIS_NAMES_ES.get(axis, axis) for axis in stability.get("close_calls", [])]
    if close:
        caveats.append("Orden poco firme para " + ", ".join(close) + ": su lugar depende de qué documentos "
                       "entren en el cálculo.")
    moved = [row for row in proposal.get("sensitivity", []) if row.get("top_changed")]
    if moved:
        caveats.append(f"Los ejes propuestos cambian en {len(moved)} de {len(proposal['sensitivity'])} variantes "
                       "de los parámetros (ver «Sensibilidad a los parámetros»).")
    kinds = proposal.get("corpus", {}).get("joint_documents_by_kind", {})
    if kinds.get("prose") and not kinds.get("items"):
        caveats.append(f"El registro conjunto {pair[0]}–{pair[1]} son {kinds['prose']} relato(s) de reuniones en "
                       "prosa, sin declaración conjunta: su evidencia no es texto acordado.")
    elif kinds.get("prose"):
        caveats.append(f"Del registro conjunto {pair[0]}–{pair[1]}, {kinds['prose']} de "
                       f"{kinds['prose'] + kinds.get('items', 0)} documentos son relatos de reuniones en prosa, "
                       "no texto acordado.")
    base = proposal.get("settings", {}).get("evidence_base", {}).get("joint", {})
    if base and base.get("docs", 0) and base.get("docs", 0) < 3:
        caveats.append(f"El registro conjunto tiene solo {base['docs']} documento(s).")
    if not caveats:
        caveats.append("Sin advertencias: evidencia suficiente para ambas partes y orden estable.")
    return {"axes": axes, "caveats": caveats}
