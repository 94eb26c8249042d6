"""The shared text helpers: one folding for the lexicon, the search, the metadata and the proposal;
language guessing; party codes checked against ISO 3166."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from declaraciones_nlp import query
from declaraciones_nlp.classify.lexicon import Lexicon
from declaraciones_nlp.errors import InputError
from declaraciones_nlp.filters import Filters
from declaraciones_nlp.ingest.metadata import find_parties
from declaraciones_nlp.propose import propose
from declaraciones_nlp.schema import AgreementItem, Document
from declaraciones_nlp.store import Store
from declaraciones_nlp.text import ISO_3166_ALPHA2, country_code, country_codes, dyad_code, fold, guess_lang

from helpers import doc_rows, peru_us_rows, to_frame

WIDE = "Ｍinería  ﬁscal"  # fullwidth M, an fi ligature, two spaces


def test_fold_unifies_compatibility_forms_case_accents_and_spaces():
    assert fold(WIDE) == "mineria fiscal"
    assert fold("  Minería   ILEGAL, Año ") == "mineria ilegal, ano"
    assert fold("NARCOTRÁFICO\u00a0y\tcontrabando") == "narcotrafico y contrabando"


def test_the_lexicon_reads_wide_forms_as_their_plain_words():
    lexicon = Lexicon.default()
    assert lexicon.counts("Combatir la Ｍinería ilegal") == lexicon.counts("combatir la mineria ilegal")
    assert lexicon.counts("Combatir la Ｍinería ilegal")["security"] >= 1


def test_the_search_finds_wide_forms_and_is_found_by_them(tmp_path):
    texts = [WIDE + " y cooperación aduanera.", "Promover la minería fiscal responsable."]
    document = Document(id="a" * 16, text="\n".join(texts), content_hash="a" * 64, parties=("PE", "CO"))
    with Store(str(tmp_path / "wide.db")) as store:
        store.add_document(document, [AgreementItem(doc_id=document.id, n=n, text=t) for n, t in enumerate(texts, 1)])
        for words in ("mineria fiscal", WIDE, "MINERÍA FISCAL"):
            assert query.search(store, words)["n"].tolist() == [1, 2], words


def test_metadata_finds_parties_written_in_wide_forms():
    assert find_parties("Declaración conjunta ＰＥＲÚ – Bolivia") == ["PE", "BO"]


def test_proposal_subtopics_read_wide_forms():
    rows = peru_us_rows()
    rows += doc_rows(("PE", "US"), "2019-01-01", {"security": 1}, tag="-wide")
    rows[-1]["text"] = "Combatir la Ｍinería  ilegal en la Amazonía."
    result = propose(to_frame(rows), ("PE", "US"))
    security = next(axis for axis in result["axes"] if axis["axis"] == "security")
    mining = next(s for s in security["subtopics"] if s["key"] == "illegal_mining")
    assert mining["by_source"]["joint"] == 1


def test_guess_lang_on_items_and_ties():
    assert guess_lang("Los Presidentes acordaron fortalecer la cooperación.") == "es"
    assert guess_lang("Both governments agreed to expand trade and investment.") == "en"
    assert guess_lang("OEA", default="en") == "en"


@pytest.mark.parametrize("value, code", [("pe", "PE"), (" US ", "US"), ("eu", "EU")])
def test_country_code_accepts_iso_codes_and_the_eu(value, code):
    assert country_code(value, "--country") == code


@pytest.mark.parametrize("value, reason", [("ZZ", "not an ISO 3166"), ("UK", "not an ISO 3166"),
                                           ("PER", "two-letter"), ("P1", "two-letter"), ("", "two-letter")])
def test_country_code_refuses_what_is_not_a_party(value, reason):
    with pytest.raises(InputError, match=reason) as info:
        country_code(value, "--country")
    assert info.value.source == "--country"


def test_codes_and_dyads_everywhere_use_the_same_check():
    assert country_codes("PE, us", "--parties") == ("PE", "US")
    assert dyad_code("pe-co") == "CO-PE"
    for bad in ("PE-PE", "PE-XX", "PE"):
        with pytest.raises(InputError):
            dyad_code(bad)
    with pytest.raises(InputError, match="ISO 3166"):
        Filters(country="XX")


def test_the_iso_list_is_the_standards():
    """Checked against Debian's iso-codes (or tzdata's iso3166.tab) when the machine has them."""
    for source in (Path("/usr/share/iso-codes/json/iso_3166-1.json"), Path("/usr/share/zoneinfo/iso3166.tab")):
        if source.is_file():
            break
    else:
        pytest.skip("neither iso-codes nor tzdata's iso3166.tab is installed")
    if source.suffix == ".json":
        codes = {entry["alpha_2"] for entry in json.loads(source.read_text(encoding="utf-8"))["3166-1"]}
    else:
        codes = {line.split("\t")[0] for line in source.read_text(encoding="utf-8").splitlines()
                 if line and not line.startswith("#")}
    assert ISO_3166_ALPHA2 == codes and len(codes) == 249
