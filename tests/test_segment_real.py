"""The eight real US statements (read from ../shared, never copied) and the bundled corpus.

Counts and sample items were pinned after reading each file's segmentation.
"""
from __future__ import annotations

import json

import pytest

from declaraciones_nlp import config
from declaraciones_nlp.ingest import iter_input_files, read_document
from declaraciones_nlp.segment import clean_text, segment

PINS = {
    '2021-09-09-fact-sheet-u-s-mexico-high-level-economic-dialogue.md': {
        'count': 33, 'parties': ('MX', 'US'), 'date': '2021-09-09',
        'items': {
            1: ('United States President Joseph R. Biden and Mexican President Andrés Manuel López Obrador agreed to relaunch the U.S.-Mexico High-Level Economic Dialogue (HLED) in recognition of our broad strategic economic relationship.', 'The HLED Vision'),
            14: ('Coordinate on critical industries to mitigate supply chain disruptions.', 'Strengthening Existing and New Supply Chains'),
            27: ('Inclusiveness and Training', 'Pillar IV: Investing in Our People'),
            33: ('Mexico and the United States will regularly consult with civil society, private sector, academia, and other non-governmental organizations to contribute to the HLED, fostering an open dialogue that values inclusion and diverse viewpoints while ensuring transparency in decision-making.', 'Pillar IV: Investing in Our People'),
        },
    },
    '2021-10-08-joint-statement-u-s-mexico-high-level-security-dialogue.md': {
        'count': 44, 'parties': ('MX', 'US'), 'date': '2021-10-08',
        'items': {
            21: ('The United States and Mexico pledge to stand together to:', 'The United States-Mexico Bicentennial Framework for Security, Public Health, and Safe Communities'),
            22: ('Protect our people by investing in public health as related to the impacts of drug use, supporting safe communities, and reducing homicides and high-impact crimes.', 'The United States-Mexico Bicentennial Framework for Security, Public Health, and Safe Communities'),
            44: ('Following the June visit of Vice President Kamala Harris, we continue to support the efforts of Mexico’s National Search Commission.', 'The United States-Mexico Bicentennial Framework for Security, Public Health, and Safe Communities'),
        },
    },
    '2022-03-10-joint-statement-by-president-joseph-r-biden-jr-of-the-united-states-and-president-ivan-duque-marquez-of-the-republic-of-colombia-u-s-colombia-bicentennial-partnership.md': {
        'count': 17, 'parties': ('CO', 'US'), 'date': '2022-03-10',
        'items': {
            1: ('We met today to commemorate 200 years of diplomatic relations and to outline a vision for the future for the U.S.-Colombia relationship based on shared prosperity, social equity, the defense of human rights and fundamental freedoms, and the reaffirmation of the hemispheric consensus in favor of democracy enshrined in the Inter-American Democratic Charter.', None),
            4: ('Recognizing that strengthening Colombia’s security is in the national security interest of the United States, we agreed to sustain robust cooperation to combat terrorism and transnational criminal actors, including drug trafficking and the smuggling and trafficking of people, as well as the malign influence of external actors.', None),
            17: ('Working hand in hand, we can overcome this current crisis and truly set an example for the rest of the world.', None),
        },
    },
    '2022-09-12-joint-statement-following-the-2022-u-s-mexico-high-level-economic-dialogue.md': {
        'count': 50, 'parties': ('MX', 'US'), 'date': '2022-09-12',
        'items': {
            2: ('Secretary of State Antony J. Blinken, Secretary of Commerce Gina Raimondo, Deputy U.S. Trade Representative Jayme White, and Ambassador Ken Salazar chaired the meeting for the United States.', None),
            12: ('Building Back Together;', None),
            50: ('The United States and Mexico reaffirm our commitment to meet annually at the cabinet level and semiannually at the sub-cabinet level to build on the progress made thus far towards our shared goal of a secure and prosperous North America capable of overcoming today’s challenges and achieving tomorrow’s potential.', None),
        },
    },
    '2023-06-22-joint-statement-from-the-united-states-and-india.md': {
        'count': 58, 'parties': ('IN', 'US'), 'date': '2023-06-22',
        'items': {
            1: ('President Joseph R. Biden, Jr. and Prime Minister Narendra Modi today affirmed a vision of the United States and India as among the closest partners in the world – a partnership of democracies looking into the 21st century with hope, ambition, and confidence. The U.S.-India Comprehensive Global and Strategic Partnership is anchored in a new level of trust and mutual understanding and enriched by the warm bonds of family and friendship that inextricably link our countries together. Together, we will build an even stronger, diverse U.S.-India partnership that will advance the aspirations of our people for a bright and prosperous future grounded in respect for human rights, and shared principles of democracy, freedom, and the rule of law. Our cooperation will serve the global good as we work through a range of multilateral and regional groupings – particularly the Quad– to contribute toward a free, open, inclusive, and resilient Indo-Pacific. No corner of human enterprise is untouched by the partnership between our two great countries, which spans the seas to the stars.', None),
            27: ('President Biden and Prime Minister Modi recommitted themselves to empowering the Quad as a partnership for global good. The two leaders welcomed the progress made at the Hiroshima Summit last month among the four maritime democracies to further advance a positive and constructive agenda for peace and prosperity in the Indo-Pacific. The leaders welcomed progress on the Indo-Pacific Partnership for Maritime Domain Awareness, through which Quad partners are providing maritime domain data across the Indian Ocean, Southeast Asia, and the Pacific regions. The Quad to be hosted in India in 2024 would be another opportunity to continue the dialogue and consolidate cooperation. The leaders committed to continue working in partnership with regional platforms such as the Indian Ocean Rim Association, Indo-Pacific Oceans Initiative, and ASEAN to achieve shared aspirations and address shared challenges in the Indo-Pacific Region. Prime Minister Modi welcomed the United States joining the Indo-Pacific Oceans Initiative and President Biden welcomed India’s continued participation as an observer in the Partners in the Blue Pacific.', 'Deepening Strategic Convergence'),
            28: ('The leaders also welcomed the depth and pace of enhanced consultations between the two governments on regional issues including South Asia, the Indo-Pacific and East Asia and looked forward to our governments holding an inaugural Indian Ocean Dialogue in 2023.', 'Deepening Strategic Convergence'),
            58: ('Taken together, the leaders today affirmed that this document, in its breadth and depth, represents the most expansive and comprehensive vision for progress in the history of our bilateral relationship. Still, our ambitions are to reach ever greater heights, and we commit both our governments and our peoples to this endeavor, now and into the future.', 'Empowering Future Generations and Protecting the Health of our People'),
        },
    },
    '2023-07-25-joint-statement-from-mexico-and-the-united-states-on-shared-efforts-to-combat-illicit-fentanyl-disrupt-arms-trafficking-and-humanely-manage-migration.md': {
        'count': 8, 'parties': ('MX', 'US'), 'date': '2023-07-25',
        'items': {
            1: ('On July 24, President Andrés Manuel López Obrador and senior Government of Mexico officials hosted a U.S. delegation led by Homeland Security Advisor Dr. Elizabeth Sherwood-Randall, Deputy Attorney General Lisa O. Monaco, Acting Deputy Secretary of Homeland Security Kristie Canegallo, and Deputy Secretary of State for Management and Resources Rich Verma to further the significant cooperation that our countries already have undertaken, including on the global fight against illicit fentanyl and dual-use chemical substances, combatting arms trafficking, managing migration, and modernizing our shared border.', None),
            6: ('To that end,the United States and Mexico committed to further expand the availability of legal pathways throughout the region, including to Mexico and the United States.', None),
            8: ('Finally, the United States and Mexico committed to furthering ongoing work to modernize and advance infrastructure projects that support our border communities and benefits both nations and strengthens our bilateral relationship and security.', None),
        },
    },
    '2024-11-15-fact-sheet-advancing-the-united-states-peru-partnership.md': {
        'count': 39, 'parties': ('PE', 'US'), 'date': '2024-11-15',
        'items': {
            6: ('Recent examples of our strong collaboration in key areas include:', None),
            7: ('The United States and Peru maintain a long-standing security and defense partnership focused on strengthening counternarcotics operations, combatting transnational organized crime, improving disaster response, building peacekeeping capacity, and bolstering regional security.', 'Bolstering Security and Strengthening the Rule of Law'),
            29: ('Seaports: In October, Peru’s National Port Authority approved the master plan for the Port of Matarani, an expansion proposal that includes new U.S. private sector investments of more than $500 million to enable continued growth in Peru’s southern region as Latin America’s main port for copper and a key port for agricultural exports. The U.S. Army Corps of Engineers is providing thePeruvian Navy technical expertise through a $180 million foreign military sales case for construction at the Peruvian naval port at Callao, which may lead to a $1 billion effort beginning in 2025 to construct the new port for the Peruvian Navy.', 'Safe, Secure, and Sustainable Infrastructure'),
            39: ('The U.S. Regional English Language Office has trained over 1,750 Peruvian teachers and provides English language instruction to an average of 60 students per year. In 2025, the Access Scholarship program will reach 220 new students ages 13-18 with a grant of $250,000 dedicated to English language instruction.', 'Building People-to-People Connections'),
        },
    },
    '2025-11-13-joint-statement-on-framework-for-a-united-states-argentina-agreement-on-reciprocal-trade-and-investment.md': {
        'count': 18, 'parties': ('AR', 'US'), 'date': '2025-11-13',
        'items': {
            5: ('Key elements of the deal will include:', None),
            6: ('Tariffs: The countries will open their markets to each other on key products. Argentina will provide preferential market access for U.S. goods exports, including certain medicines, chemicals, machinery, information technologies products, medical devices, motor vehicles, and a wide range of agricultural products. In recognition of Argentina’s ambitious reform agenda and its trade commitments, and consistent with Argentina’s compliance with relevant supply chain and economic security requirements, the United States will remove the reciprocal tariffs on certain unavailable natural resources and non-patented articles for use in pharmaceutical applications. In addition, the United States may positively consider the effect that the Agreement has on national security, including taking the Agreement into consideration when taking trade action under Section 232 of the Trade Expansion Act of 1962, as amended (19 U.S.C. 1862). Furthermore, the countries have committed to improved, reciprocal, bilateral market access conditions for trade in beef.', None),
            18: ('The countries will review implementation of the Agreement and continue close coordination on trade and investment matters through the Trade and Investment Framework Agreement, and the Innovation and Creativity Forum for Economic Development.', None),
        },
    },
}


@pytest.fixture(scope="module")
def us_segmented(us_statements_dir):
    out = {}
    for path in sorted(us_statements_dir.glob("*.md")):
        if path.name in PINS:
            document = read_document(path)
            out[path.name] = (document, segment(document, use_parser=False))
    return out


def test_all_eight_statements_present(us_segmented):
    assert sorted(us_segmented) == sorted(PINS)


@pytest.mark.parametrize("name", sorted(PINS))
def test_us_statement_items(us_segmented, name):
    document, items = us_segmented[name]
    pins = PINS[name]
    assert len(items) == pins["count"]
    assert [i.n for i in items] == list(range(1, len(items) + 1))
    for n, (text, section) in pins["items"].items():
        assert (items[n - 1].text, items[n - 1].section) == (text, section), n
    assert document.parties == pins["parties"] and document.date == pins["date"]
    assert document.title and "source_url" not in document.text[:200]
    assert all(i.lang == "en" for i in items)
    for item in items:
        assert clean_text(document.text[item.start:item.end]) == item.text
        assert "**" not in item.text and "](" not in item.text and "<" not in item.text


def test_us_statement_sections_recorded(us_segmented):
    _, items = us_segmented["2023-06-22-joint-statement-from-the-united-states-and-india.md"]
    sections = [i.section for i in items]
    assert sections.count("Charting a Technology Partnership for the Future") == 9
    assert sections[-1] == "Empowering Future Generations and Protecting the Health of our People"


def test_us_statement_verbs_found_by_rules(us_segmented):
    _, items = us_segmented["2023-06-22-joint-statement-from-the-united-states-and-india.md"]
    found = sum(1 for i in items if i.verb)
    assert found / len(items) > 0.9
    assert {i.act for i in items} >= {"commitment", "reaffirmation", "acknowledgement", "concern"}


def _bundled():
    labeled = config.labeled_dir() / "bundled.jsonl"
    raw = sorted(config.raw_dir().glob("*.md"))
    if not raw or not labeled.exists():
        return []
    return raw


@pytest.mark.skipif(not _bundled(), reason="corpus/raw or corpus/labeled/bundled.jsonl not written yet")
def test_bundled_corpus_segments_into_the_labelled_items():
    expected: dict[str, list[tuple[int | None, str]]] = {}
    with open(config.labeled_dir() / "bundled.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                expected.setdefault(row["doc"], []).append((row.get("n"), row["text"]))
    for path in iter_input_files([config.raw_dir()]):
        if path.suffix != ".md":
            continue
        rows = sorted(expected.get(path.stem, []), key=lambda r: (r[0] is None, r[0] or 0))
        items = segment(read_document(path), use_parser=False)
        assert [i.text for i in items] == [text for _, text in rows], path.name
