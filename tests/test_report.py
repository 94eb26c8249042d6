"""Markdown and HTML reports of a proposal, and the `propose` / `recurrences` commands."""
from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from declaraciones_nlp.cli._util import app
from declaraciones_nlp.propose import propose
from declaraciones_nlp.recurrences import recurrences
from declaraciones_nlp.report import render_html, render_markdown
from declaraciones_nlp.schema import AXES, AXIS_NAMES_ES
from declaraciones_nlp.store import Store

from helpers import (
    LAGO,
    doc_rows as _doc,
    one_document_axis_rows,
    peru_us_rows,
    recurrence_frame as _recurrence_frame,
    store_frame,
    to_frame,
)

EVIL = 'Combatir el narcotráfico <script>alert("x")</script> & <img src="http://evil.example/x.png">'


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    rows = peru_us_rows()
    extra = _doc(("PE", "US"), "2018-06-19", {"security": 1}, tag="-mou")
    extra[0]["text"] = EVIL
    return to_frame(rows + extra)


@pytest.fixture(scope="module")
def proposal(corpus) -> dict:
    return propose(corpus, ("PE", "US"))


@pytest.fixture(scope="module")
def chains() -> list:
    return recurrences(_recurrence_frame())


def test_markdown_lists_all_five_axes_with_scores_and_settings(proposal, chains):
    md = render_markdown(proposal, chains)
    for axis in AXES:
        assert AXIS_NAMES_ES[axis] in md
    table_rows = [line for line in md.splitlines() if re.match(r"^\| [1-5] \|", line)]
    assert len(table_rows) == 5
    assert "## Parámetros utilizados" in md and "joint_weight" in md and "half_life" in md
    assert "## Compromisos recurrentes" in md and "Titicaca" in md
    assert "<script>" not in md


def test_reports_open_with_the_stability_statement_and_show_the_sensitivity_table(proposal, chains):
    md = render_markdown(proposal, chains)
    paragraphs = [block for block in md.split("\n\n") if block.strip()]
    assert paragraphs[0].startswith("# Propuesta de ejes temáticos")
    assert paragraphs[1].startswith("*Generado el ")
    assert paragraphs[2] == proposal["stability"]["statement"]
    assert paragraphs[2].startswith("Ejes sólidos (entre los 3 primeros en al menos el 90 % de 500 remuestreos")
    assert "| Entre los 3 primeros (remuestreos) | Rango (95 %) |" in md
    assert "| 1 | Seguridad y Defensa | 0.352 |" in md and "| 56.1 % | 100 % | 1.º |" in md
    assert "| Peso del registro conjunto = 1.00 | Seguridad > Gobernanza > Comercio > Ambiente > Fronteras " \
           "| Gobernanza 3.º → 2.º; Comercio 2.º → 3.º |" in md
    page = render_html(proposal, chains)
    assert page.index('class="stability"') < page.index("Ejes propuestos")
    assert "Sensibilidad a los parámetros" in page and "Sin ponderación temporal" in page


def test_the_report_says_when_with_which_model_and_on_what_corpus(corpus, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764892800")  # 2025-12-05
    result = propose(corpus, ("PE", "US"))
    assert result["generated"] == "2025-12-05" and result["model_version"] == "test"
    assert result["corpus"] == {
        "documents": 21, "items": 467, "undated_documents": 0, "years": [2014, 2025],
        "documents_by_source": {"joint": 3, "PE": 10, "US": 8}, "joint_documents_by_kind": {"items": 3},
        "newest": {"doc": "US-AR-2025-09-01", "title": "Declaración US-AR 2025-09-01", "date": "2025-09-01"}}
    header = ("*Generado el 2025-12-05 · modelo test · corpus: 21 documentos, 467 ítems (2014–2025; registro "
              "conjunto PE–US: 3, Perú con otros socios: 10, Estados Unidos con otros socios: 8); el más "
              "reciente: «Declaración US-AR 2025-09-01» (2025-09-01).*")
    assert render_markdown(result).split("\n\n")[1] == header
    assert header.strip("*") in render_html(result)
    assert propose(corpus, ("PE", "US"), generated="2026-01-02")["generated"] == "2026-01-02"


def test_markdown_cites_evidence_and_shows_warnings(corpus):
    result = propose(corpus, ("PE", "EC"))
    md = render_markdown(result)
    assert "## Avisos" in md and "EC" in md
    assert "Declaración PE-EC" in md  # evidence citation: title
    assert "No se hallaron compromisos recurrentes" in md


def test_html_is_self_contained_and_escapes_item_text(proposal, chains):
    page = render_html(proposal, chains)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, flags=re.I)
    assert "<link" not in page.lower() and "<script" not in page.lower()
    assert "&lt;script&gt;" in page
    assert 'src="data:image/png;base64,' in page
    assert page.count("data:image/png;base64,") == 2
    for axis in AXES:
        assert AXIS_NAMES_ES[axis] in page
    assert "Titicaca" in page and "Parámetros utilizados" in page


def test_html_without_joint_record_still_renders():
    result = propose(to_frame(peru_us_rows(with_joint=False)), ("PE", "US"))
    page = render_html(result)
    assert "Avisos" in page and "No hay registro conjunto" in page


# ---------------------------------------------------------------- CLI
runner = CliRunner()


def stored(frame: pd.DataFrame, path) -> str:
    url = f"sqlite:///{path}"
    with Store(url) as store:
        store_frame(store, frame)
    return url


@pytest.fixture(scope="module")
def corpus_db(corpus, tmp_path_factory) -> str:
    return stored(corpus, tmp_path_factory.mktemp("report") / "corpus.db")


@pytest.mark.parametrize("between", [["PE", "US"], ["PE,US"]])
def test_cli_propose_json(corpus_db, between):
    result = runner.invoke(app, ["propose", "--between", *between, "--format", "json", "--db", corpus_db])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["between"] == ["PE", "US"] and len(data["axes"]) == 5
    assert set(data["top"]) == {"trade", "security", "governance"}
    assert all(0.0 <= axis["top3_share"] <= 1.0 and len(axis["rank_interval"]) == 2 for axis in data["axes"])
    assert data["generated"] and data["model_version"] and data["corpus"]["documents_by_source"]["joint"] == 3


def test_cli_propose_resamples_zero_skips_the_stability_check(corpus_db):
    result = runner.invoke(app, ["propose", "--between", "PE", "US", "--resamples", "0", "--format", "json",
                                 "--db", corpus_db])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stability"]["resamples"] == 0 and all(axis["top3_share"] is None for axis in data["axes"])


def test_cli_propose_writes_html_with_options(corpus_db, tmp_path):
    out = tmp_path / "pe-us.html"
    result = runner.invoke(app, ["propose", "--between", "PE", "US", "--out", str(out),
                                 "--joint-weight", "0.5", "--half-life", "0", "--since", "2014", "--db", corpus_db])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<!DOCTYPE html>" in page and "&lt;script&gt;" in page


def test_cli_propose_markdown_to_stdout(corpus_db):
    result = runner.invoke(app, ["propose", "--between", "PE", "US", "--top", "2", "--db", corpus_db])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Propuesta de ejes temáticos")


def test_cli_propose_errors(corpus_db):
    unknown = runner.invoke(app, ["propose", "--between", "PE", "ZZ", "--db", corpus_db])
    assert unknown.exit_code == 1 and "ZZ" in unknown.output
    absent = runner.invoke(app, ["propose", "--between", "PE", "FR", "--db", corpus_db])
    assert absent.exit_code == 1 and "party FR is not in the store" in absent.output
    one = runner.invoke(app, ["propose", "--between", "PE", "--db", corpus_db])
    assert one.exit_code == 2


def test_cli_recurrences(tmp_path):
    db = stored(_recurrence_frame(), tmp_path / "recurrences.db")
    table = runner.invoke(app, ["recurrences", "--dyad", "PE-BO", "--db", db])
    assert table.exit_code == 0, table.output
    assert "BO-PE" in table.stdout
    as_json = runner.invoke(app, ["recurrences", "--format", "json", "--min-similarity", "0.8", "--db", db])
    chains = json.loads(as_json.stdout)
    assert len(chains) == 1 and chains[0]["editions"] == 3
    bad = runner.invoke(app, ["recurrences", "--dyad", "PE-XX", "--db", db])
    assert bad.exit_code == 1


# ---------------------------------------------------------------- one report, whichever shell writes it
@pytest.mark.slow
def test_run_propose_and_the_web_page_write_the_same_report(tmp_path, monkeypatch):
    """`run` (make run), `propose` and the web page show the same report, recurring commitments included."""
    from fastapi.testclient import TestClient

    from declaraciones_nlp import config
    from declaraciones_nlp.web.app import create_app

    raw_files = [p for p in sorted(config.raw_dir().glob("*.md")) if "_pe-bo_" in p.name or "_pe-us_" in p.name
                 or "_us-co_" in p.name]
    labelled = config.labeled_dir()
    home = tmp_path / "home"
    (home / "corpus" / "raw").mkdir(parents=True)
    (home / "corpus" / "labeled").mkdir()
    for path in raw_files:
        shutil.copy(path, home / "corpus" / "raw" / path.name)
    for year, wording in ((2019, LAGO[0]), (2020, LAGO[1])):  # one commitment that comes back
        (home / "corpus" / "raw" / f"{year}_pe-bo_prueba.md").write_text(
            f"---\ntitle: Declaración de prueba {year}\nparties: [PE, BO]\ndate: {year}-05-01\n"
            f"mechanism: Gabinete Binacional\nlang: es\n---\n\n1. {wording}\n"
            "2. Fortalecer el comercio bilateral de productos agrícolas.\n", encoding="utf-8")
    with (home / "corpus" / "labeled" / "small.jsonl").open("w", encoding="utf-8") as handle:
        for path in sorted(labelled.glob("written_*.jsonl")):
            handle.writelines(path.read_text(encoding="utf-8").splitlines(keepends=True)[:240:6])
    monkeypatch.setenv("DECLARACIONES_HOME", str(home))
    monkeypatch.delenv("DECLARACIONES_MODELS", raising=False)
    db = f"sqlite:///{tmp_path / 'run.db'}"

    ran = runner.invoke(app, ["run", "--db", db])
    assert ran.exit_code == 0, ran.output
    md = (home / "corpus" / "processed" / "propuesta-PE-US.md").read_text(encoding="utf-8")
    html = (home / "corpus" / "processed" / "propuesta-PE-US.html").read_text(encoding="utf-8")
    assert "No se hallaron compromisos recurrentes" not in md and "**BO-PE**" in md and "Titicaca" in md

    printed = runner.invoke(app, ["propose", "--between", "PE", "US", "--db", db])
    assert printed.exit_code == 0 and printed.stdout == md + "\n"
    out = tmp_path / "propuesta.html"
    written = runner.invoke(app, ["propose", "--between", "PE,US", "--out", str(out), "--db", db])
    assert written.exit_code == 0 and out.read_text(encoding="utf-8") == html

    client = TestClient(create_app(db))
    page = client.get("/propose", params={"between": "PE,US"}).text
    nav = page[page.index("<body>") + len("<body>"):page.index("</nav>") + len("</nav>")]
    assert page.replace(nav, "", 1) == html

    # other parameters: the command and the page's form still write the same report
    moved = tmp_path / "movido.html"
    written = runner.invoke(app, ["propose", "--between", "PE", "US", "--joint-weight", "0", "--half-life", "5",
                                  "--since", "2015", "--out", str(moved), "--db", db])
    assert written.exit_code == 0, written.output
    page = client.get("/propose", params={"a": "PE", "b": "US", "joint_weight": "0", "half_life": "5",
                                          "since": "2015"}).text
    nav = page[page.index("<body>") + len("<body>"):page.index("</nav>") + len("</nav>")]
    assert page.replace(nav, "", 1) == moved.read_text(encoding="utf-8") != html


# ---------------------------------------------------------------- provenance of the evidence
def test_evidence_says_what_each_quote_is_and_prefers_declaration_items():
    rows = peru_us_rows(with_joint=False)
    prose = _doc(("PE", "US"), "2018-02-06", {"security": 3}, tag="-visita")
    declared = _doc(("PE", "US"), "2017-02-24", {"security": 1, "trade": 1})
    frame = to_frame(rows + prose + declared)
    frame["kind"] = frame["doc_id"].map(lambda doc: "prose" if doc.endswith("-visita") else "items")
    frame["citation"] = frame["doc_id"].map(lambda doc: "DW, 2018" if doc.endswith("-visita") else None)
    result = propose(frame, ("PE", "US"))
    security = next(entry for entry in result["axes"] if entry["axis"] == "security")
    joint = [ev for ev in security["evidence"] if ev["source"] == "joint"]
    assert [ev["kind"] for ev in joint] == ["items", "prose", "prose"]  # the newer prose comes after the declaration
    assert joint[1]["citation"] == "DW, 2018"
    md = render_markdown(result)
    assert ("— *Declaración PE-US 2017-02-24, 2017-02-24, p. 1, ítem 1*; ítem de la declaración "
            "(registro conjunto PE–US)") in md
    assert ("— *Declaración PE-US 2018-02-06, 2018-02-06, p. 1*; relato de la reunión en prosa (no es texto "
            "acordado); fuente original: DW, 2018 (registro conjunto PE–US)") in md
    assert "fuente original: DW, 2018" in render_html(result)


def test_stored_documents_keep_their_kind_and_citation(tmp_path):
    from declaraciones_nlp.api import Corpus

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "visita.md").write_text(
        "---\ntitle: Visita del Secretario de Estado\nparties: [PE, US]\ndate: 2018-02-06\nkind: prose\n"
        "citation: \"DW, 2018\"\nlang: es\n---\n\nEl Secretario de Estado y el Canciller acordaron reforzar la "
        "lucha contra el narcotráfico y el crimen organizado.\n", encoding="utf-8")
    with Corpus(f"sqlite:///{tmp_path / 'k.db'}") as corpus:
        corpus.ingest(raw, model=None)
        documents = corpus.documents()
    assert documents[["kind", "citation"]].to_dict("records") == [{"kind": "prose", "citation": "DW, 2018"}]


# ---------------------------------------------------------------- executive summary
def test_the_report_opens_with_an_executive_summary_of_working_lines_and_caveats(proposal, chains):
    md = render_markdown(proposal, chains)
    assert md.index("Ejes sólidos") < md.index("## Resumen ejecutivo") < md.index("## Ejes ordenados")
    summary = md[md.index("## Resumen ejecutivo"):md.index("## Ejes ordenados")]
    assert "1. **Seguridad y Defensa** (puntuación 0.352; entre los 3 primeros en el 100 % de los remuestreos)." \
           in summary
    assert "    - Narcotráfico y drogas: 57 ítems, planteado por Perú, Estados Unidos y el registro conjunto." \
           in summary
    assert summary.count("\n    - ") == 9  # three working lines per proposed axis
    assert "Advertencias:" in summary
    page = render_html(proposal, chains)
    assert page.index("Resumen ejecutivo") < page.index("Ejes ordenados")


def test_the_summary_names_close_calls_and_recurring_commitments():
    from declaraciones_nlp.summary import executive_summary

    frame = to_frame(one_document_axis_rows())
    result = propose(frame, ("PE", "US"))
    chain = {"dyad": "PE-US", "editions": 2, "labels": ["security"], "similarity": 0.9,
             "text": "Fortalecer la cooperación contra el narcotráfico.",
             "items": [{"date": "2017-02-24"}, {"date": "2018-02-06"}]}
    summary = executive_summary(result, [chain])
    security = summary["axes"][0]
    assert security["lines"][-1] == ("Retomar el compromiso recurrente «Fortalecer la cooperación contra el "
                                     "narcotráfico.» (PE-US, 2 ediciones: 2017, 2018).")
    assert any(c.startswith("Orden poco firme para Asuntos Ambientales y Minero-Energéticos, Gobernanza")
               for c in summary["caveats"])
    assert any("No hay registro conjunto PE–US" in c for c in summary["caveats"])
