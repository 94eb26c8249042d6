"""Queries over a corpus whose counts are known by construction (tests/test_store.py::CORPUS)."""
from __future__ import annotations

import pandas as pd
import pytest

from declaraciones_nlp.charts import bar_chart
from declaraciones_nlp.errors import FieldError, InputError
from declaraciones_nlp.filters import Filters
from declaraciones_nlp.query import export, freq, items, search
from declaraciones_nlp.schema import AXES, LABELS
from declaraciones_nlp.store import Store

from helpers import MODEL, N_ITEMS, build_corpus


@pytest.fixture
def corpus(db_url):
    with Store(db_url) as store:
        ids = build_corpus(store)
        yield store, ids


def counts(frame: pd.DataFrame, *fields: str) -> dict:
    key = (lambda row: row[fields[0]]) if len(fields) == 1 else (lambda row: tuple(row[f] for f in fields))
    return {key(row): row["items"] for _, row in frame.iterrows()}


def test_freq_by_axis(corpus):
    store, _ = corpus
    frame = freq(store, ["axis"])
    assert list(frame.columns) == ["axis", "items", "share"]
    assert list(frame["axis"]) == list(LABELS)
    assert counts(frame, "axis") == {"security": 4, "governance": 2, "trade": 3, "environment": 3,
                                     "borders": 2, "other": 1}
    assert frame.attrs["total"] == N_ITEMS
    assert frame.set_index("axis")["share"]["security"] == pytest.approx(4 / 12)


def test_freq_by_axis_and_year(corpus):
    store, _ = corpus
    frame = freq(store, ["axis", "year"])
    assert counts(frame, "axis", "year") == {
        ("security", 2014): 1, ("security", 2016): 2, ("security", 2019): 1,
        ("governance", 2016): 1, ("governance", 2019): 1,
        ("trade", 2014): 1, ("trade", 2017): 1, ("trade", 2019): 1,
        ("environment", 2014): 1, ("environment", 2017): 1, ("environment", 2019): 1,
        ("borders", 2014): 1, ("borders", 2016): 1, ("other", 2014): 1,
    }
    # by default, the share within each year: a year's axes add up to 1, as its bar in the web chart
    assert frame.groupby("year")["share_in_year"].sum().tolist() == pytest.approx([1.0] * 4)
    whole = freq(store, ["axis", "year"], share_of="all")
    assert whole["share"].sum() == pytest.approx(15 / 12)  # multi-label items count once per axis


def test_freq_share_within_the_pair(corpus):
    store, _ = corpus
    frame = freq(store, ["dyad", "axis"])
    assert "share_in_dyad" in frame.columns and "share" not in frame.columns
    shares = frame.set_index(["dyad", "axis"])["share_in_dyad"]
    assert frame.groupby("dyad")["share_in_dyad"].sum().tolist() == pytest.approx([1.0] * 3)
    assert shares[("BO-PE", "trade")] == pytest.approx(1 / 2)  # Titicaca/mining (environment) and trade
    with pytest.raises(FieldError, match="share_of"):
        freq(store, ["dyad", "axis"], share_of="pair")


def test_freq_by_year_dyad_country_mechanism_act(corpus):
    store, _ = corpus
    assert counts(freq(store, ["year"]), "year") == {2014: 4, 2016: 3, 2017: 2, 2019: 3}
    assert counts(freq(store, "dyad"), "dyad") == {"CO-PE": 7, "BO-PE": 2, "PE-US": 3}
    assert counts(freq(store, ["country"]), "country") == {"BO": 2, "CO": 7, "PE": 12, "US": 3}
    assert counts(freq(store, ["mechanism"]), "mechanism") == {
        "Diálogo de Alto Nivel": 3, "Gabinete Binacional Perú–Bolivia": 2, "Gabinete Binacional Perú–Colombia": 7}
    assert counts(freq(store, ["act"]), "act") == {"commitment": 9, "reaffirmation": 1, "acknowledgement": 2}
    frame = freq(store, ["year"])
    assert frame["share"].sum() == pytest.approx(1.0)
    total = freq(store, [])
    assert list(total.columns) == ["items", "share"] and total["items"].tolist() == [N_ITEMS]


def test_freq_by_axis_and_country(corpus):
    store, _ = corpus
    frame = freq(store, ["axis", "country"], Filters(country="BO"))
    assert counts(frame, "axis", "country") == {("environment", "BO"): 1, ("environment", "PE"): 1,
                                                ("trade", "BO"): 1, ("trade", "PE"): 1}
    assert frame.attrs["total"] == 2


def test_freq_filters(corpus):
    store, ids = corpus
    co = freq(store, ["axis"], Filters(country="CO"))
    assert co.attrs["total"] == 7
    assert counts(co, "axis") == {"security": 3, "governance": 1, "trade": 1, "environment": 1,
                                  "borders": 2, "other": 1}
    assert co.set_index("axis")["share"]["security"] == pytest.approx(3 / 7)
    assert freq(store, [], Filters(dyad="CO-PE")).attrs["total"] == 7
    assert freq(store, [], Filters(dyad="pe-co")).attrs["total"] == 7
    assert freq(store, [], Filters(since=2015)).attrs["total"] == 8
    assert freq(store, [], Filters(until="2016")).attrs["total"] == 7
    assert freq(store, [], Filters(since=2015, until=2017)).attrs["total"] == 5
    assert freq(store, [], Filters(since="2016-03-02")).attrs["total"] == 5
    assert freq(store, [], Filters(until="2016-03")).attrs["total"] == 7
    assert freq(store, [], Filters(mechanism="bolivia")).attrs["total"] == 2
    assert freq(store, [], Filters(mechanism="PERU")).attrs["total"] == 9  # accents ignored
    assert freq(store, [], Filters(mechanism="nothing like it")).attrs["total"] == 0
    assert freq(store, [], Filters(act="acknowledgement")).attrs["total"] == 2
    assert freq(store, [], Filters(lang="en")).attrs["total"] == 3
    assert freq(store, [], Filters(doc_id=ids["d3"])).attrs["total"] == 2
    by_year = freq(store, ["year"], Filters(axis="security"))
    assert counts(by_year, "year") == {2014: 1, 2016: 2, 2019: 1}
    assert by_year.attrs["total"] == 4
    assert counts(freq(store, ["axis", "year"], Filters(since=2016, until=2017)), "axis", "year") == {
        ("security", 2016): 2, ("governance", 2016): 1, ("borders", 2016): 1,
        ("trade", 2017): 1, ("environment", 2017): 1}
    assert counts(freq(store, ["axis", "act"], Filters(country="CO", axis="security")), "axis", "act") == {
        ("security", "commitment"): 2, ("security", "reaffirmation"): 1, ("environment", "commitment"): 1,
        ("borders", "reaffirmation"): 1}


def test_freq_min_score(corpus):
    store, _ = corpus
    frame = freq(store, ["axis"], Filters(min_score=0.5))
    assert counts(frame, "axis") == {"security": 5, "governance": 3, "trade": 3, "environment": 3,
                                     "borders": 2, "other": 1}
    nothing = freq(store, ["axis"], Filters(min_score=0.95))
    assert counts(nothing, "axis") == {"other": N_ITEMS}
    assert counts(freq(store, ["axis", "year"], Filters(min_score=0.5, country="BO")), "axis", "year") == {
        ("security", 2017): 1, ("trade", 2017): 1, ("environment", 2017): 1}
    assert freq(store, [], Filters(axis="security", min_score=0.5)).attrs["total"] == 5


def test_freq_model_version(corpus):
    store, ids = corpus
    from declaraciones_nlp.schema import AgreementItem

    relabelled = [AgreementItem(doc_id=ids["d4"], n=n, text="", labels=("trade",),
                                scores={a: 0.9 if a == "trade" else 0.0 for a in AXES}) for n in (1, 2, 3)]
    store.set_labels(relabelled, "axes-v2")
    store.register_model("axes-v2", {})
    assert counts(freq(store, ["axis"]), "axis") == {"trade": 3}
    assert counts(freq(store, ["axis"], Filters(model_version=MODEL)), "axis")["security"] == 4
    with pytest.raises(InputError, match="unknown model version 'nope'"):
        freq(store, ["axis"], Filters(model_version="nope"))


@pytest.mark.parametrize("kwargs, field", [
    ({"axis": "economy"}, "axis"), ({"country": "COL"}, "country"), ({"country": "C1"}, "country"),
    ({"dyad": "PE"}, "dyad"), ({"dyad": "PE-PE"}, "dyad"), ({"dyad": "PER-COL"}, "dyad"),
    ({"since": "20x4"}, "since"), ({"until": "2014-13"}, "until"), ({"since": "2014-02-30"}, "since"),
    ({"since": 2018, "until": 2014}, "since"), ({"min_score": 2}, "min_score"), ({"act": "promise"}, "act"),
    ({"lang": "fr"}, "lang"),
])
def test_filters_refuse_bad_input(kwargs, field):
    """The library names the field as the API spells it; the CLI and the web translate it."""
    with pytest.raises(FieldError) as info:
        Filters(**kwargs)
    assert info.value.field == field
    assert "\n" not in str(info.value)


def test_freq_refuses_bad_by(corpus):
    store, _ = corpus
    with pytest.raises(InputError, match="unknown field 'colour'"):
        freq(store, ["colour"])


def test_search_accent_insensitive(corpus):
    store, ids = corpus
    hits = search(store, "mineria")
    assert sorted(zip(hits["doc_id"], hits["n"])) == sorted([(ids["d1"], 1), (ids["d3"], 1)])
    assert list(hits["doc_id"]) == [ids["d3"], ids["d1"]]  # newest first
    first = hits.iloc[1]
    assert first["title"] == "Declaración d1" and first["date"] == "2014-06-30"
    assert first["parties"] == "PE,CO" and first["page"] == 1
    assert first["labels"] == ["security", "environment"]
    assert len(search(store, "MINERÍA Ilegal")) == 2
    assert len(search(store, "minería", Filters(country="BO"))) == 1
    assert len(search(store, "mining")) == 1
    assert len(search(store, "comercio", Filters(axis="trade"))) == 2
    assert len(search(store, "100%_off")) == 0  # LIKE wildcards are escaped
    assert len(search(store, "a", limit=3)) == 3
    with pytest.raises(InputError):
        search(store, "   ")


def test_items_with_filters(corpus):
    store, _ = corpus
    frame = items(store, Filters(dyad="BO-PE"))
    assert len(frame) == 2
    assert frame["labels"].tolist() == [["environment"], ["trade"]]
    scored = items(store, Filters(min_score=0.5, dyad="BO-PE"))
    assert scored["labels"].tolist() == [["security", "environment"], ["trade"]]
    assert scored["score_security"].tolist() == pytest.approx([0.6, 0.1])


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_export_formats(corpus, tmp_path, fmt):
    store, _ = corpus
    folder = tmp_path / "out"
    folder.mkdir()
    out = export(store, fmt, folder / f"acuerdos.{fmt}", Filters(country="CO"))
    assert [p.name for p in folder.iterdir()] == [out.name]  # no temporary file left
    reader = {"csv": pd.read_csv, "xlsx": pd.read_excel, "parquet": pd.read_parquet}[fmt]
    frame = reader(out)
    assert len(frame) == 7
    assert frame[list(LABELS)].sum().to_dict() == {"security": 3, "governance": 1, "trade": 1,
                                                   "environment": 1, "borders": 2, "other": 1}
    assert {f"score_{axis}" for axis in AXES} <= set(frame.columns)
    assert {"doc_id", "n", "text", "title", "date", "parties", "page"} <= set(frame.columns)


def test_export_bad_destination(corpus, tmp_path):
    store, _ = corpus
    with pytest.raises(InputError, match="folder does not exist"):
        export(store, "csv", tmp_path / "missing" / "x.csv")
    with pytest.raises(InputError, match="unknown export format"):
        export(store, None, tmp_path / "x.txt")


@pytest.mark.parametrize("by", [["axis"], ["axis", "year"], ["axis", "dyad"], ["year"]])
@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_bar_chart(corpus, tmp_path, by, suffix):
    store, _ = corpus
    folder = tmp_path / "charts"
    folder.mkdir()
    path = bar_chart(freq(store, by), folder / f"chart{suffix}")
    assert path.stat().st_size > 1000
    if suffix == ".svg":
        text = path.read_text()
        assert "<svg" in text
    assert [p.name for p in folder.iterdir()] == [path.name]


def test_bar_chart_refuses(corpus, tmp_path):
    store, _ = corpus
    with pytest.raises(InputError, match="png or .svg"):
        bar_chart(freq(store, ["axis"]), tmp_path / "chart.jpg")
    with pytest.raises(InputError, match="at most one other field"):
        bar_chart(freq(store, ["axis", "year", "dyad"]), tmp_path / "chart.png")
