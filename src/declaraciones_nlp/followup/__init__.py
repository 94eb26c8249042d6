"""The follow-up register: every commitment of a mechanism tracked from one meeting to the next.

    extract.py    which items are commitments, their responsible institutions and deadlines
    match.py      what a later item says of a commitment: repeated, done, unrelated
    register.py   the register of a pair's mechanism(s) and the compliance rates
    human.py      statuses set by people (one by one or from CSV), which win over the automatic ones
    acta.py       the acta of a meeting as Markdown or DOCX
    evaluate.py   the labelled pairs, thresholds chosen out of sample, precision and recall

docs/followup.md describes the method and its measured precision and recall.
"""
from __future__ import annotations

from .acta import acta_docx, acta_markdown
from .human import BadRows, canonical_status, rows_from_csv, status_row
from .match import DONE_THRESHOLD, PAIR_LABELS, REPEAT_THRESHOLD, classify_pairs, reports_done
from .register import RATE_GROUPS, STATUS_ES, STATUSES, item_sha1, make_ref, rates, register

__all__ = [
    "BadRows", "DONE_THRESHOLD", "PAIR_LABELS", "RATE_GROUPS", "REPEAT_THRESHOLD", "STATUSES", "STATUS_ES",
    "acta_docx", "acta_markdown", "canonical_status", "classify_pairs", "item_sha1", "make_ref", "rates",
    "register", "reports_done", "rows_from_csv", "status_row",
]
