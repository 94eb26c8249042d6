"""Axis proposal for a pair and recurring commitments, on small synthetic corpora."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from declaraciones_nlp.errors import InputError
from declaraciones_nlp.propose import ProposalSettings, propose
from declaraciones_nlp.recurrences import recurrences
from declaraciones_nlp.schema import AXES, LABELS

from helpers import doc_rows as _doc, one_document_axis_rows, peru_us_rows, recurrence_frame as _recurrence_frame, to_frame


@pytest.fixture
def corpus() -> pd.DataFrame:
    return to_frame(peru_us_rows())


def ranks(result: dict) -> dict[str, int]:
    return {entry["axis"]: entry["rank"] for entry in result["axes"]}


def test_propose_ranks_trade_security_governance_for_peru_us(corpus):
    result = propose(corpus, ("PE", "US"))
    assert set(result) == {"between", "axes", "settings", "top", "warnings", "stability", "sensitivity",
                           "generated", "model_version", "corpus"}
    assert result["between"] == ["PE", "US"]
    assert [e["axis"] for e in result["axes"]] == result["top"] + [e["axis"] for e in result["axes"][3:]]
    assert sorted(e["axis"] for e in result["axes"]) == sorted(AXES)
    assert [e["rank"] for e in result["axes"]] == [1, 2, 3, 4, 5]
    assert set(result["top"]) == {"trade", "security", "governance"}
    assert ranks(result)["environment"] > 3 and ranks(result)["borders"] > 3
    scores = [e["score"] for e in result["axes"]]
    assert scores == sorted(scores, reverse=True)
    assert result["warnings"] == []
    json.dumps(result)  # JSON-ready


def test_propose_scores_shared_interest_not_frequency(corpus):
    # Borders is Peru's most frequent axis, yet the US hardly raises it.
    result = propose(corpus, ("PE", "US"))
    borders = next(e for e in result["axes"] if e["axis"] == "borders")
    assert borders["by_source"]["PE"] == max(e["by_source"]["PE"] for e in result["axes"])
    assert borders["rank"] == 5


def test_propose_by_source_subtopics_and_evidence(corpus):
    result = propose(corpus, ("PE", "US"))
    security = next(e for e in result["axes"] if e["axis"] == "security")
    src = security["by_source"]
    assert set(src) >= {"PE", "US", "shared", "joint", "items", "docs"}
    assert src["docs"] == {"joint": 2, "PE": 10, "US": 8}
    assert src["shared"] == pytest.approx((src["PE"] * src["US"]) ** 0.5, abs=1e-3)
    w = result["settings"]["effective_joint_weight"]
    assert security["score"] == pytest.approx((1 - w) * src["shared"] + w * src["joint"], abs=1e-3)
    keys = [s["key"] for s in security["subtopics"]]
    assert "drugs" in keys and "terrorism" in keys
    evidence = security["evidence"]
    assert evidence and set(evidence[0]) >= {"doc", "title", "date", "text", "page"}
    assert evidence[0]["source"] == "joint" and evidence[0]["doc"].startswith("PE-US")
    assert {e["source"] for e in evidence} == {"joint", "PE", "US"}


def test_propose_documents_weigh_the_same_whatever_their_length(corpus):
    base = propose(corpus, ("PE", "US"))
    longer = pd.concat([corpus] + [corpus[corpus["doc_id"] == "PE-BO-2015-06-01"]] * 9, ignore_index=True)
    again = propose(longer, ("PE", "US"))
    assert [(e["axis"], e["score"]) for e in again["axes"]] == [(e["axis"], e["score"]) for e in base["axes"]]


def test_propose_follows_the_evidence_when_both_parties_shift_to_environment():
    rows = peru_us_rows()
    green = {"environment": 12, "trade": 1}
    for partner in ("BR", "AR", "PY", "UY"):
        rows += _doc(("PE", partner), "2019-05-01", green)
    for partner in ("CA", "JP", "KR", "DE"):
        rows += _doc(("US", partner), "2024-05-01", green)
    before = propose(to_frame(peru_us_rows()), ("PE", "US"))
    after = propose(to_frame(rows), ("PE", "US"))
    assert ranks(after)["environment"] == 1
    assert ranks(after)["environment"] < ranks(before)["environment"]
    assert "environment" in after["top"]


def test_propose_shift_of_one_party_only_is_not_shared():
    rows = peru_us_rows()
    for partner in ("BR", "AR", "PY", "UY"):
        rows += _doc(("PE", partner), "2019-05-01", {"environment": 12, "trade": 1})
    result = propose(to_frame(rows), ("PE", "US"))
    assert ranks(result)["environment"] > 3


def test_propose_without_the_joint_record_changes_scores():
    with_joint = propose(to_frame(peru_us_rows()), ("PE", "US"))
    without = propose(to_frame(peru_us_rows(with_joint=False)), ("PE", "US"))
    assert [e["score"] for e in without["axes"]] != [e["score"] for e in with_joint["axes"]]
    assert all(e["by_source"]["joint"] is None for e in without["axes"])
    assert without["settings"]["effective_joint_weight"] == 0
    assert any("registro conjunto" in w for w in without["warnings"])
    governance_with = next(e["score"] for e in with_joint["axes"] if e["axis"] == "governance")
    governance_without = next(e["score"] for e in without["axes"] if e["axis"] == "governance")
    assert governance_with > governance_without


def test_propose_joint_weight_and_half_life_are_settings(corpus):
    base = propose(corpus, ("PE", "US"))
    only_joint = propose(corpus, ("PE", "US"), settings=ProposalSettings(joint_weight=1.0))
    assert {e["axis"]: e["score"] for e in only_joint["axes"]}["borders"] == 0
    no_recency = propose(corpus, ("PE", "US"), settings=ProposalSettings(half_life=None))
    assert no_recency["settings"]["half_life"] is None
    assert base["settings"]["joint_weight"] == pytest.approx(1 / 3)
    assert base["settings"]["half_life"] == 10


def test_propose_since_filters_old_declarations(corpus):
    result = propose(corpus, ("PE", "US"), since=2018)
    assert result["settings"]["since"] == 2018
    assert result["settings"]["evidence_base"]["joint"]["docs"] == 1
    assert result["settings"]["evidence_base"]["PE"]["docs"] == 3


def test_propose_warns_when_a_party_has_too_little_evidence(corpus):
    # Ecuador appears only in its cabinets with Peru: no record of its own.
    result = propose(corpus, ("PE", "EC"))
    assert any("EC" in w and "insuficiente" in w for w in result["warnings"])
    assert result["settings"]["evidence_base"]["EC"]["estimated_from_joint"] is True
    assert len(result["axes"]) == 5
    # A party with a single declaration.
    thin = pd.concat([corpus, to_frame(_doc(("JP", "CL"), "2020-01-01", {"trade": 3}))], ignore_index=True)
    result = propose(thin, ("JP", "US"))
    assert any(w.startswith("Evidencia insuficiente para JP") for w in result["warnings"])
    assert not any(w.startswith("Evidencia insuficiente para US") for w in result["warnings"])


@pytest.mark.parametrize("between", [("PE", "ZZ"), ("PER", "US"), ("PE", "PE"), ("P1", "US"), ("PE",)])
def test_propose_rejects_bad_party_codes(corpus, between):
    with pytest.raises(InputError):
        propose(corpus, between)


def test_propose_accepts_lower_case_and_comma_string(corpus):
    assert propose(corpus, ("pe", "us"))["between"] == ["PE", "US"]
    assert propose(corpus, "PE,US")["top"] == propose(corpus, ("PE", "US"))["top"]


def test_propose_needs_labels(corpus):
    with pytest.raises(InputError):
        propose(corpus.drop(columns=[*LABELS, "labels"]), ("PE", "US"))


# ---------------------------------------------------------------- recurrences
def test_recurrences_chains_a_commitment_across_three_editions():
    chains = recurrences(_recurrence_frame(), dyad="PE-BO")
    assert len(chains) == 1
    chain = chains[0]
    assert chain["dyad"] == "BO-PE" and chain["editions"] == 3
    assert [it["doc"] for it in chain["items"]] == ["bo1", "bo2", "bo3"]
    assert [it["date"] for it in chain["items"]] == sorted(it["date"] for it in chain["items"])
    assert all("Titicaca" in it["text"] for it in chain["items"])
    assert chain["similarity"] >= 0.8 and chain["labels"] == ["environment"]
    assert {"doc", "title", "date", "n", "page", "text"} <= set(chain["items"][0])


def test_recurrences_stay_within_a_pair_and_respect_the_threshold():
    frame = _recurrence_frame()
    every = recurrences(frame)
    assert all(c["dyad"] == "BO-PE" for c in every)  # the Chile item is another pair, one document
    assert recurrences(frame, min_similarity=1.0) == []
    assert recurrences(frame, dyad="BO-PE") == recurrences(frame, dyad="pe-bo")


@pytest.mark.parametrize("dyad", ["PE", "PE-XX", "PEBO1"])
def test_recurrences_rejects_unknown_or_malformed_dyads(dyad):
    with pytest.raises(InputError):
        recurrences(_recurrence_frame(), dyad=dyad)


def test_recurrences_rejects_a_bad_threshold():
    with pytest.raises(InputError):
        recurrences(_recurrence_frame(), min_similarity=1.5)


# ---------------------------------------------------------------- the bundled corpus, hand labels
def _bundled_gold_items(repo_root) -> pd.DataFrame:
    """The bundled declarations with their hand labels (corpus/labeled), as an item DataFrame."""
    yaml = pytest.importorskip("yaml")
    raw, labeled = repo_root / "corpus" / "raw", repo_root / "corpus" / "labeled" / "bundled.jsonl"
    if not labeled.is_file() or not any(raw.glob("*.md")):
        pytest.skip("bundled corpus or its labels not found")
    meta = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1]) for path in raw.glob("*.md")}
    rows = []
    for line in labeled.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "text" not in record or record.get("doc") not in meta:
            continue
        front = meta[record["doc"]]
        parties = [str(code) for code in front["parties"]]
        date = str(front["date"]) if front.get("date") else None
        rows.append({"doc_id": record["doc"], "n": record.get("n"), "text": record["text"], "page": 1,
                     "title": front.get("title"), "date": date, "year": int(date[:4]) if date else None,
                     "parties": ",".join(parties), "dyad": "-".join(sorted(parties)),
                     "mechanism": front.get("mechanism"), "edition": front.get("edition"),
                     "labels": record["labels"]})
    return to_frame(rows)


def test_propose_on_the_hand_labelled_bundled_corpus_reaches_the_thesis_conclusion(repo_root):
    items = _bundled_gold_items(repo_root)
    for settings in (ProposalSettings(), ProposalSettings(joint_weight=0.0), ProposalSettings(half_life=None)):
        result = propose(items, ("PE", "US"), settings=settings)
        assert set(result["top"]) == {"trade", "security", "governance"}, result["top"]
        assert ranks(result)["environment"] > 3 and ranks(result)["borders"] > 3


def test_propose_accepts_store_dtypes_and_undated_documents(corpus):
    frame = corpus.copy()
    frame["year"] = frame["year"].astype("Int64")
    undated = frame["doc_id"] == "PE-BO-2015-06-01"
    frame.loc[undated, "year"] = pd.NA
    frame.loc[undated, "date"] = None
    result = propose(frame, ("PE", "US"))
    assert set(result["top"]) == {"trade", "security", "governance"}
    filtered = propose(frame, ("PE", "US"), since=2016)
    assert any("sin fecha" in w for w in filtered["warnings"])


# ---------------------------------------------------------------- how sure is the ranking
def test_an_axis_resting_on_one_document_has_a_low_top3_share():
    result = propose(to_frame(one_document_axis_rows()), ("PE", "US"))
    assert result["top"] == ["security", "trade", "environment"]
    shares = {entry["axis"]: entry["top3_share"] for entry in result["axes"]}
    assert shares["security"] == shares["trade"] == 1.0
    assert shares["environment"] < 0.6
    environment = next(entry for entry in result["axes"] if entry["axis"] == "environment")
    assert environment["rank_interval"] == [3, 4]
    assert result["stability"]["close_calls"] == ["environment", "governance"]
    assert result["stability"]["statement"].startswith("Ejes sólidos")
    assert "Casos reñidos (entre los 3 primeros en el porcentaje indicado de remuestreos): Asuntos Ambientales" in result["stability"]["statement"]


def test_the_bootstrap_is_deterministic_and_can_be_switched_off():
    frame = to_frame(one_document_axis_rows())
    first, again = propose(frame, ("PE", "US")), propose(frame.sample(frac=1.0, random_state=3), ("PE", "US"))
    assert [e["top3_share"] for e in first["axes"]] == [e["top3_share"] for e in again["axes"]]
    off = propose(frame, ("PE", "US"), settings=ProposalSettings(resamples=0))
    assert all(entry["top3_share"] is None for entry in off["axes"])
    assert off["stability"]["statement"].startswith("Sin remuestreo")


def test_the_sensitivity_table_says_which_orders_change(corpus):
    result = propose(corpus, ("PE", "US"))
    rows = {(row["parameter"], row["value"]): row for row in result["sensitivity"]}
    assert set(rows) == {("joint_weight", 0.0), ("joint_weight", 0.5), ("joint_weight", 1.0),
                         ("half_life", None), ("half_life", 5.0), ("half_life", 20.0)}
    swap = rows[("joint_weight", 1.0)]
    assert swap["changes"] == [{"axis": "governance", "rank": 2, "baseline_rank": 3},
                               {"axis": "trade", "rank": 3, "baseline_rank": 2}]
    assert not swap["top_changed"] and rows[("half_life", None)]["changes"] == []
    assert "peso del registro conjunto 1.00 (Gobernanza y Asuntos Sociales pasa al 2.º, Comercio, Desarrollo Económico y Turismo pasa al 3.º)" in result["stability"]["statement"]


# ---------------------------------------------------------------- the recurrence threshold, from labelled pairs
def test_the_default_recurrence_threshold_is_the_best_f1_on_the_labelled_pairs():
    from declaraciones_nlp.recurrences import DEFAULT_MIN_SIMILARITY, best_threshold, load_pairs, threshold_table

    pairs = load_pairs()
    assert len(pairs) == 58 and sum(pair["recurring"] for pair in pairs) == 29
    table = threshold_table(pairs)
    assert best_threshold(table) == DEFAULT_MIN_SIMILARITY == 0.6
    row = table[table["threshold"] == 0.6].iloc[0]
    assert (row["precision"], row["recall"], row["f1"]) == (0.957, 0.759, 0.846)  # the README's figures


def test_labelled_pairs_naming_a_missing_item_are_refused(tmp_path):
    from declaraciones_nlp.recurrences import load_pairs

    path = tmp_path / "pairs.jsonl"
    path.write_text('{"a_ref": ["no-such-doc", 1], "b": "x", "recurring": true}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"pairs.jsonl:1: a_ref \['no-such-doc', 1\] is not an item"):
        load_pairs(path)
