"""The follow-up statuses people have set (table `followup_status`), as a DataFrame."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from ..store import Store
from ..store.tables import followup_status

COLUMNS = ["doc_id", "item_sha1", "status", "set_by", "set_on", "note", "source", "auto_status", "auto_evidence",
           "auto_confidence"]


def followup_statuses(store: Store) -> pd.DataFrame:
    """Every status set by a person: one row per commitment (doc_id, item_sha1)."""
    with store.read() as conn:
        rows = conn.execute(sa.select(*[followup_status.c[name] for name in COLUMNS])
                            .order_by(followup_status.c.doc_id, followup_status.c.item_sha1)).all()
    return pd.DataFrame(rows, columns=COLUMNS)
