"""Regenerate the bundled corpus (`corpus/raw/`) from the source thesis.

Every document is an excerpt of the thesis in `shared/seed/`: the agreement
items it quotes from a joint declaration, or the sentences in which it reports
a meeting. The text is extracted from the thesis file itself; the specs below
only say where each document lives in the thesis (line ranges, the citation
that attributes each quote, the sentences to leave out) and hold its metadata.

    python scripts/build_corpus.py [--out DIR] [--thesis FILE]

Writes one UTF-8 Markdown file per declaration or meeting plus `MANIFEST.tsv`
(file, sha256, bytes, items). The output is byte-identical from run to run.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from declaraciones_nlp import config

THESIS_NAME = "000_afab1f356d31f7a2.txt"

# Artefacts of the PDF-to-text conversion that sit inside a wrapped line:
# thesis line number -> (wrong text, right text).
LINE_FIXES: dict[int, tuple[str, str]] = {
    3001: ("Ciencia y 10 la Tecnología", "Ciencia y la Tecnología"),  # stray footnote mark
}


@dataclass(frozen=True)
class ItemsSpec:
    """Quoted items: the quote bullets between `lines` whose citation is in `cites`."""

    lines: tuple[int, int]
    cites: tuple[str, ...]
    count: int  # expected number of items, a guard against a changed thesis


@dataclass(frozen=True)
class ProseSpec:
    """Reported meeting: thesis paragraphs (first line, last line, 1-based sentences to skip)."""

    paragraphs: tuple[tuple[int, int, tuple[int, ...]], ...]
    count: int


@dataclass(frozen=True)
class DocSpec:
    stem: str
    title: str
    parties: tuple[str, ...]
    date: str
    place: str | None
    mechanism: str
    edition: str | None
    citation: str
    body: ItemsSpec | ProseSpec


def _p(*paragraphs: tuple) -> tuple[tuple[int, int, tuple[int, ...]], ...]:
    return tuple((p[0], p[1], tuple(p[2]) if len(p) > 2 else ()) for p in paragraphs)


GB = "Gabinete Binacional"
DAN = "Diálogo de Alto Nivel"

DOCS: tuple[DocSpec, ...] = (
    # --- Chapter I: Peru's binational cabinets -------------------------------
    DocSpec("2015-06-23_pe-bo_declaracion-de-la-isla-esteves",
            "Declaración de la Isla Esteves", ("PE", "BO"), "2015-06-23", "Isla Esteves, Puno",
            GB, "I Gabinete Binacional", "Diario Correo, 2015; Declaración de la Isla Esteves, 2015",
            ItemsSpec((545, 565), ("Diario Correo, 2015", "Declaración de la Isla Esteves, 2015"), 3)),
    DocSpec("2016-11-04_pe-bo_declaracion-de-sucre",
            "Declaración Conjunta de Sucre", ("PE", "BO"), "2016-11-04", "Sucre, Chuquisaca",
            GB, "II Gabinete Binacional", "MRE, 2016",
            ItemsSpec((566, 597), ("MRE, 2016",), 4)),
    DocSpec("2017-09-01_pe-bo_declaracion-de-lima",
            "Declaración de Lima", ("PE", "BO"), "2017-09-01", "Lima",
            GB, "III Gabinete Binacional", "Declaración de Lima, 2017",
            ItemsSpec((598, 618), ("Declaración de Lima, 2017",), 3)),
    DocSpec("2018-09-03_pe-bo_declaracion-de-cobija",
            "Declaración de Cobija", ("PE", "BO"), "2018-09-03", "Cobija, Pando",
            GB, "IV Gabinete Binacional", "MRE, 2018",
            ItemsSpec((634, 756), ("MRE, 2018",), 13)),
    DocSpec("2017-07-07_pe-cl_declaracion-de-lima",
            "Declaración de Lima", ("PE", "CL"), "2017-07-07", "Lima",
            GB, "I Gabinete Binacional", "MRE, 2017",
            ItemsSpec((774, 860), ("MRE, 2017",), 9)),
    DocSpec("2014-09-30_pe-co_declaracion-de-iquitos",
            "Declaración de Iquitos", ("PE", "CO"), "2014-09-30", "Iquitos",
            GB, "I Gabinete Binacional", "MRE, 2014",
            ItemsSpec((950, 1090), ("MRE, 2014",), 7)),
    DocSpec("2015-10-30_pe-co_declaracion-de-medellin",
            "Declaración de Medellín", ("PE", "CO"), "2015-10-30", "Medellín",
            GB, "II Gabinete Binacional", "Cancillería de Colombia, 2015",
            ItemsSpec((950, 1090), ("Cancillería de Colombia, 2015",), 2)),
    DocSpec("2017-01-27_pe-co_declaracion-de-arequipa",
            "Declaración de Arequipa", ("PE", "CO"), "2017-01-27", "Arequipa",
            GB, "III Gabinete Binacional", "MRE, 2017",
            ItemsSpec((950, 1090), ("MRE, 2017",), 1)),
    DocSpec("2018-02-27_pe-co_declaracion-de-cartagena",
            "Declaración de Cartagena", ("PE", "CO"), "2018-02-27", "Cartagena de Indias",
            GB, "IV Gabinete Binacional", "Cancillería de Colombia, 2018",
            ItemsSpec((950, 1090), ("Cancillería de Colombia, 2018",), 3)),
    DocSpec("2014-10-30_pe-ec_declaracion-de-arenillas",
            "Declaración Presidencial de Arenillas", ("PE", "EC"), "2014-10-30", "Arenillas",
            GB, "VIII Gabinete Binacional", "MRE, 2014",
            ItemsSpec((1143, 1285), ("MRE, 2014",), 9)),
    DocSpec("2015-12-18_pe-ec_declaracion-de-jaen",
            "Declaración de Jaén", ("PE", "EC"), "2015-12-18", "Jaén",
            GB, "IX Gabinete Binacional", "Agencia Peruana de Noticias Andina, 2015",
            ItemsSpec((1143, 1285), ("Agencia Peruana de Noticias Andina, 2015",), 4)),
    DocSpec("2018-10-26_pe-ec_declaracion-de-quito",
            "Declaración de Quito", ("PE", "EC"), "2018-10-26", "Quito",
            GB, "XII Gabinete Binacional", "MRE, 2018",
            ItemsSpec((1288, 1507), ("MRE, 2018",), 22)),
    # --- Chapter I: Peru and other partners ----------------------------------
    DocSpec("2018-04-16_pe-eu_consultas-bilaterales",
            "VIII Reunión del Mecanismo de Consultas Bilaterales Perú–Unión Europea",
            ("PE", "EU"), "2018-04-16", "Lima",
            "Mecanismo de Consultas Bilaterales", "VIII Reunión", "EEAS, 2018",
            ProseSpec(_p((1612, 1626, (2,)), (1630, 1640), (1644, 1649), (1653, 1663),
                         (1667, 1677), (1681, 1697), (1701, 1708), (1712, 1720)), 12)),
    DocSpec("2015-11-30_pe-ru_asociacion-estrategica",
            "Declaración Conjunta de Asociación Estratégica Perú–Rusia", ("PE", "RU"),
            "2015-11-30", "París", "Declaración Conjunta", None, "MRE, 2015",
            ProseSpec(_p((1730, 1738), (1742, 1756), (1760, 1773), (1777, 1785),
                         (1789, 1795), (1799, 1807)), 7)),
    DocSpec("2013_pe-cn_asociacion-estrategica-integral",
            "Visita del presidente Ollanta Humala a China: Asociación Estratégica Integral",
            ("PE", "CN"), "2013", "China", "Asociación Estratégica Integral", None,
            "Agencia Peruana de Noticias Andina, 2015; Gestión, 2013",
            ProseSpec(_p((1826, 1834), (1838, 1862), (1866, 1872)), 6)),
    DocSpec("2014_pe-cn_encuentro-cumbre-brics",
            "Encuentro Perú–China en el marco de la VI Cumbre BRICS", ("PE", "CN"), "2014", None,
            "Asociación Estratégica Integral", None, "Ministerio de Relaciones Exteriores, 2014",
            ProseSpec(_p((1876, 1889, (2,)), (1893, 1903), (1907, 1915)), 4)),
    DocSpec("2016_pe-cn_visita-de-xi-jinping",
            "Visita del presidente Xi Jinping al Perú", ("PE", "CN"), "2016", "Lima",
            "Asociación Estratégica Integral", None, "El Peruano, 2016",
            ProseSpec(_p((1919, 1929), (1933, 1947)), 3)),
    # --- Chapter II: the US dialogues ----------------------------------------
    DocSpec("2010_us-co_dialogo-de-alto-nivel",
            "Diálogo de Alto Nivel Estados Unidos–Colombia: pilares y acuerdos", ("US", "CO"),
            "2010", "Bogotá", DAN, None, "Embajada de Colombia en EE. UU, (s.f)",
            ProseSpec(_p((1966, 1978), (1994, 2004), (2005, 2017), (2021, 2027),
                         (2031, 2043), (2047, 2059)), 8)),
    DocSpec("2018-03-01_us-co_vii-dialogo-de-alto-nivel",
            "VII Diálogo de Alto Nivel Colombia–Estados Unidos", ("US", "CO"), "2018-03-01",
            "Bogotá", DAN, "VII Diálogo de Alto Nivel", "Cancillería de Colombia, 2018",
            ItemsSpec((2086, 2240), ("Cancillería de Colombia, 2018",), 13)),
    DocSpec("2018-03-01_us-co_declaraciones-a-la-prensa",
            "VII Diálogo de Alto Nivel Colombia–Estados Unidos: declaraciones a la prensa",
            ("US", "CO"), "2018-03-01", "Bogotá", DAN, "VII Diálogo de Alto Nivel",
            "Cancillería de Colombia, 2018",
            ProseSpec(_p((2252, 2266), (2270, 2286), (2287, 2299), (2303, 2315), (2319, 2323),
                         (2327, 2337, (1,)), (2341, 2354), (2358, 2380), (2384, 2394),
                         (2398, 2404)), 19)),
    DocSpec("2014-10-21_us-cl_i-dialogo-de-alto-nivel",
            "I Diálogo de Alto Nivel Chile–Estados Unidos", ("US", "CL"), "2014-10-21", None,
            DAN, "I Diálogo de Alto Nivel", "Ministerio Relaciones Exteriores de Chile, 2014",
            ProseSpec(_p((2408, 2416), (2420, 2428), (2432, 2446), (2450, 2460),
                         (2461, 2477), (2481, 2491), (2495, 2509)), 8)),
    DocSpec("2015-12-04_us-cl_ii-dialogo-de-alto-nivel",
            "II Diálogo de Alto Nivel Chile–Estados Unidos", ("US", "CL"), "2015-12-04",
            "Washington D.C.", DAN, "II Diálogo de Alto Nivel",
            "Ministerio de Relaciones Exteriores de Chile, 2015",
            ProseSpec(_p((2513, 2530), (2534, 2552)), 5)),
    DocSpec("2017-11-29_us-cl_iii-dialogo-de-alto-nivel",
            "III Diálogo de Alto Nivel Chile–Estados Unidos", ("US", "CL"), "2017-11-29",
            "Washington D.C.", DAN, "III Diálogo de Alto Nivel",
            "Embajada de los Estados Unidos en Chile, 2017",
            ProseSpec(_p((2556, 2572, (2,)), (2576, 2589, (1, 3)), (2593, 2603)), 5)),
    DocSpec("2016-08-03_us-ar_i-dialogo-de-alto-nivel",
            "I Diálogo de Alto Nivel Argentina–Estados Unidos", ("US", "AR"), "2016-08-03",
            "Buenos Aires", DAN, "I Diálogo de Alto Nivel", "L-Washington20160705, 2016",
            ProseSpec(_p((2614, 2636, (2,)), (2640, 2651), (2655, 2663), (2667, 2679),
                         (2683, 2689), (2691, 2697), (2701, 2710), (2714, 2728)), 14)),
    DocSpec("2016-02-25_us-mx_dialogo-economico-de-alto-nivel",
            "III Reunión Ministerial del Diálogo Económico de Alto Nivel México–Estados Unidos",
            ("US", "MX"), "2016-02-25", "Ciudad de México", "Diálogo Económico de Alto Nivel",
            "III Reunión Ministerial", "Secretaría de Relaciones Exteriores de México, 2016",
            ItemsSpec((2785, 3030), ("Secretaría de Relaciones Exteriores de México, 2016",), 20)),
    DocSpec("2018-09-06_us-in_dialogo-2-mas-2",
            "Diálogo 2+2 Estados Unidos–India", ("US", "IN"), "2018-09-06", "Nueva Delhi",
            "Diálogo 2+2", "I Diálogo 2+2", "NDTV, 2018",
            ProseSpec(_p((3037, 3049, (3,)), (3053, 3069), (3073, 3080), (3084, 3102, (1,)),
                         (3106, 3122), (3126, 3143), (3147, 3155), (3159, 3173),
                         (3177, 3191, (2,)), (3195, 3204), (3208, 3214), (3218, 3244),
                         (3248, 3258)), 29)),
    # --- Chapter III: Peru and the United States, 2017-2018 -------------------
    DocSpec("2017-02-24_pe-us_reunion-kuczynski-trump",
            "Reunión del presidente Pedro Pablo Kuczynski con el presidente Donald Trump",
            ("PE", "US"), "2017-02-24", "Washington D.C.", "Reunión Presidencial", None,
            "MRE, 2017",
            ProseSpec(_p((3737, 3759), (3763, 3781), (3787, 3795), (3796, 3800)), 9)),
    DocSpec("2017-06-14_pe-us_dialogo-politico-militar",
            "II Reunión del Mecanismo de Diálogo Político-Militar Perú–Estados Unidos",
            ("PE", "US"), "2017-06-14", None, "Diálogo Político-Militar", "II Reunión",
            "DEVIDA, 2017",
            ProseSpec(_p((4509, 4519, (1,)), (4539, 4555), (4556, 4562), (4566, 4574)), 7)),
    DocSpec("2018-02-06_pe-us_visita-de-rex-tillerson",
            "Visita del Secretario de Estado Rex Tillerson al Perú", ("PE", "US"), "2018-02-06",
            "Lima", "Visita Oficial", None, "DW, 2018",
            ProseSpec(_p((3810, 3828, (1,)), (3832, 3854), (3855, 3869)), 7)),
    DocSpec("2018_pe-us_reunion-pence-vizcarra",
            "Reunión del vicepresidente Mike Pence con el presidente Martín Vizcarra",
            ("PE", "US"), "2018", "Lima", "Reunión Bilateral", "VIII Cumbre de las Américas",
            "La Vanguardia, 2018",
            ProseSpec(_p((3891, 3911), (3912, 3918), (3922, 3930)), 6)),
    DocSpec("2018-04-14_pe-us_compromiso-de-lima",
            "Compromiso de Lima: Gobernabilidad Democrática frente a la Corrupción",
            ("PE", "US"), "2018-04-14", "Lima", "Cumbre de las Américas",
            "VIII Cumbre de las Américas", "VIII Cumbre de las Américas, 2018",
            ItemsSpec((4904, 4993), ("VIII Cumbre de las Américas, 2018",
                                     "VII Cumbre de las Américas, 2018"), 9)),
    DocSpec("2018-06-19_pe-us_memorandum-deteccion-de-terroristas",
            "Memorándum de Entendimiento sobre intercambio de información para la detección de terroristas",
            ("PE", "US"), "2018-06-19", None, "Memorándum de Entendimiento", None, "MRE, 2018",
            ProseSpec(_p((3934, 3950), (3954, 3958)), 2)),
    DocSpec("2018_pe-us_comunicado-cambio-de-mando",
            "Comunicado del Gobierno del Perú al Gobierno de los Estados Unidos", ("PE", "US"),
            "2018", None, "Comunicado", None, "MRE, 2018",
            ProseSpec(_p((3873, 3887),), 2)),
    DocSpec("2018-09-21_pe-us_visita-de-trabajo-de-zela-sullivan",
            "Visita de trabajo del Viceministro Hugo de Zela al Secretario de Estado Adjunto John Sullivan",
            ("PE", "US"), "2018-09-21", "Washington D.C.", "Visita de Trabajo", None, "MRE, 2018",
            ProseSpec(_p((3962, 3975), (3979, 3993), (3997, 4011, (2,)), (4015, 4021)), 6)),
)

# The Compromiso de Lima is a multilateral commitment of the VIII Summit of the
# Americas; the thesis quotes it as agenda for the Peru–US mechanism (III.3.1.3).

CITATION_RE = re.compile(r"\s*\(((?:[^()]|\([^()]*\))*?,\s*(?:\d{4}|\(s\.f\)))\)")
TRAILING_CITATION_RE = re.compile(r"\s*\(((?:[^()]|\([^()]*\))*?,\s*(?:\d{4}|\(s\.f\)))\)\.?\s*$")
BULLET_RE = re.compile(r"^(?:-\s+|o\s+(?=“))")
HEADING_RE = re.compile(r"^\d+\.\d+\.\d+\.\s+(\S.*?)\s*$")
PAGE_NUMBER_RE = re.compile(r"^\d{1,3}$")
# Tokens ending in a period that do not end a sentence.
ABBREVIATIONS = ("EE.", "Nro.", "D.", "Sr.", "Sra.", "pg.")


class CorpusError(Exception):
    """The thesis does not match a document spec."""


def read_thesis(path: Path) -> list[str]:
    """Thesis lines, 1-based (index 0 is empty), with known artefacts fixed."""
    lines = [""] + path.read_text(encoding="utf-8").splitlines()
    for number, (wrong, right) in LINE_FIXES.items():
        if wrong not in lines[number]:
            raise CorpusError(f"line {number}: expected {wrong!r}")
        lines[number] = lines[number].replace(wrong, right)
    return lines


def clean_line(line: str) -> str:
    """Drop the page-break indent and trailing blanks; page numbers become empty."""
    line = line.strip()
    return "" if PAGE_NUMBER_RE.match(line) else line


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines; a word broken by a hyphen at the line end stays joined."""
    text = ""
    for line in lines:
        if not line:
            continue
        if text.endswith("-") and len(text) > 1 and text[-2] != " ":
            text += line
        else:
            text = f"{text} {line}" if text else line
    return re.sub(r"\s+", " ", text).strip()


def normalise_citation(citation: str) -> str:
    citation = re.sub(r"\s+", " ", citation).strip()
    return re.sub(r"\s+,", ",", citation)


def parse_quote(text: str) -> tuple[str, str | None]:
    """Split a quoted bullet into (quote text, citation)."""
    citation = None
    match = TRAILING_CITATION_RE.search(text)
    if match:
        citation = normalise_citation(match.group(1))
        text = text[: match.start()]
    text = text.strip()
    if text.endswith("”."):
        text = text[:-2]
    elif text.endswith("”"):
        text = text[:-1]
    if text.startswith("“"):
        text = text[1:]
    return text.strip(), citation


def extract_items(lines: list[str], spec: ItemsSpec) -> list[tuple[str | None, str]]:
    """(heading, item text) for the quotes of `spec`, in thesis order.

    A quote without its own citation takes the citation of the next quote.
    """
    first, last = spec.lines
    blocks: list[tuple[str | None, list[str]]] = []
    heading: str | None = None
    current: list[str] | None = None
    for number in range(first, last + 1):
        line = clean_line(lines[number])
        if not line:
            continue
        heading_match = HEADING_RE.match(line)
        if heading_match:
            heading, current = heading_match.group(1), None
            continue
        bullet = BULLET_RE.match(line)
        if bullet:
            current = [line[bullet.end():]]
            blocks.append((heading, current))
        elif current is not None:
            current.append(line)
            if TRAILING_CITATION_RE.search(join_lines(current)):
                current = None
    parsed = [(h, *parse_quote(join_lines(block))) for h, block in blocks]
    items: list[tuple[str | None, str]] = []
    for index, (section, text, citation) in enumerate(parsed):
        if citation is None:
            later = [c for _, _, c in parsed[index + 1:] if c]
            citation = later[0] if later else None
        if citation in spec.cites:
            items.append((section, text))
    return items


def split_sentences(text: str) -> list[str]:
    """Split a paragraph at sentence ends outside quotation marks."""
    sentences, start, depth = [], 0, 0
    for index, char in enumerate(text):
        if char == "“":
            depth += 1
        elif char == "”":
            depth = max(0, depth - 1)
        elif char == " " and depth == 0 and index > 0 and text[index - 1] in ".!?":
            token = text[start:index].rsplit(" ", 1)[-1]
            following = text[index + 1: index + 2]
            if token in ABBREVIATIONS or not (following.isupper() or following in "“\"¿¡"):
                continue
            sentences.append(text[start:index].strip())
            start = index + 1
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def clean_sentence(sentence: str) -> str:
    sentence = re.sub(r"\s+([.,;:])", r"\1", sentence)
    sentence = re.sub(r"(?<!\.)\.\.(?!\.)", ".", sentence)
    sentence = sentence.strip()
    if not sentence.endswith("."):
        sentence += "."
    return sentence


def extract_prose(lines: list[str], spec: ProseSpec) -> list[list[str]]:
    """Paragraphs of kept sentences, citations removed."""
    paragraphs = []
    for first, last, skip in spec.paragraphs:
        text = join_lines([clean_line(lines[n]) for n in range(first, last + 1)])
        text = CITATION_RE.sub("", text)
        sentences = [clean_sentence(s) for s in split_sentences(text)]
        if any(n > len(sentences) for n in skip):
            raise CorpusError(f"lines {first}-{last}: cannot skip sentence {max(skip)}")
        kept = [s for n, s in enumerate(sentences, 1) if n not in skip]
        if kept:
            paragraphs.append(kept)
    return paragraphs


def _yaml_str(value: str | None) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def front_matter(doc: DocSpec, kind: str) -> str:
    fields = [
        ("title", _yaml_str(doc.title)),
        ("parties", "[" + ", ".join(doc.parties) + "]"),
        ("date", _yaml_str(doc.date)),
        ("place", _yaml_str(doc.place)),
        ("mechanism", _yaml_str(doc.mechanism)),
        ("edition", _yaml_str(doc.edition)),
        ("lang", "es"),
        ("citation", _yaml_str(doc.citation)),
        ("excerpt_only", "true"),
        ("kind", kind),
    ]
    return "---\n" + "".join(f"{key}: {value}\n" for key, value in fields) + "---\n"


def render(doc: DocSpec, lines: list[str]) -> tuple[str, int]:
    """The Markdown text of one document and its number of items."""
    if isinstance(doc.body, ItemsSpec):
        items = extract_items(lines, doc.body)
        parts, section = [], None
        for number, (heading, text) in enumerate(items, 1):
            if heading != section and heading is not None:
                parts.append(f"\n## {heading}\n")
            section = heading
            parts.append(f"{number}. {text}")
        body, count, kind = "\n".join(parts).lstrip("\n"), len(items), "items"
    else:
        paragraphs = extract_prose(lines, doc.body)
        body = "\n\n".join("\n".join(p) for p in paragraphs)
        count, kind = sum(len(p) for p in paragraphs), "prose"
    if count != doc.body.count:
        raise CorpusError(f"{doc.stem}: {count} items extracted, spec expects {doc.body.count}")
    return f"{front_matter(doc, kind)}\n{body}\n", count


def build(thesis_path: Path, out_dir: Path) -> list[tuple[str, str, int, int]]:
    """Write every document and MANIFEST.tsv into `out_dir`; return the manifest rows."""
    lines = read_thesis(thesis_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for doc in sorted(DOCS, key=lambda d: d.stem):
        text, count = render(doc, lines)
        data = text.encode("utf-8")
        name = f"{doc.stem}.md"
        (out_dir / name).write_bytes(data)
        rows.append((name, hashlib.sha256(data).hexdigest(), len(data), count))
    manifest = "file\tsha256\tbytes\titems\n" + "".join(
        f"{name}\t{digest}\t{size}\t{count}\n" for name, digest, size, count in rows
    )
    (out_dir / "MANIFEST.tsv").write_bytes(manifest.encode("utf-8"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=config.raw_dir(), help="output folder (default: corpus/raw)")
    parser.add_argument("--thesis", type=Path, default=config.shared_dir() / "seed" / THESIS_NAME,
                        help="the thesis text file")
    args = parser.parse_args(argv)
    if not args.thesis.is_file():
        print(f"build_corpus: thesis not found: {args.thesis}", file=sys.stderr)
        return 1
    try:
        rows = build(args.thesis, args.out)
    except CorpusError as exc:
        print(f"build_corpus: {exc}", file=sys.stderr)
        return 1
    stale = sorted(p.name for p in args.out.glob("*.md") if p.name not in {r[0] for r in rows})
    if stale:
        print(f"build_corpus: files not in the spec: {', '.join(stale)}", file=sys.stderr)
    print(f"build_corpus: {len(rows)} documents, {sum(r[3] for r in rows)} items -> {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
