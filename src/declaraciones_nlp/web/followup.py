"""The follow-up register's page (/seguimiento), its acta downloads and JSON API (docs/followup.md)."""
from __future__ import annotations

import re
from typing import Callable, Optional
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..api import Corpus, to_records
from ..charts import svg_status_bars
from ..errors import NotFoundError
from ..followup import STATUS_ES, canonical_status, rates

RATE_NAMES = {"meeting": "Reunión", "axis": "Eje", "institution": "Institución"}
DOC_ID = re.compile(r"^[0-9a-f]{8,64}$")


def _same_origin(request: Request) -> bool:
    """A form posted from this server's own page (a browser sends Origin on a cross-site POST)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def followup_router(corpus: Corpus, page: Callable[..., HTMLResponse], allow_edit: bool) -> APIRouter:
    """The routes of the register on `corpus`; statuses can be set only with `allow_edit`."""
    router = APIRouter()

    @router.get("/seguimiento", response_class=HTMLResponse, include_in_schema=False)
    def followup_page(request: Request, dyad: str = "", mechanism: str = "", status: str = "", by: str = "meeting",
                      message: str = ""):
        by = by if by in RATE_NAMES else "meeting"
        register = corpus.followup(dyad or None, mechanism or None)
        shown = register[register["status"] == canonical_status(status)] if status else register
        rates_frame = rates(register, by)
        label = "meeting" if by == "meeting" else by
        chart = svg_status_bars(rates_frame, label, f"Cumplimiento por {RATE_NAMES[by].lower()}")
        query = urlencode([(k, v) for k, v in (("dyad", dyad), ("mechanism", mechanism), ("status", status),
                                               ("by", by)) if v])
        dyads = sorted({d for d in corpus.filter_options().get("dyads", [])})
        return page(request, "followup.html", rows=to_records(shown), chart=chart, dyad=dyad, mechanism=mechanism,
                    status_filter=status, by=by, query=query, dyads=dyads, message=message[:200])

    @router.post("/seguimiento/estado", include_in_schema=False)
    def followup_set(request: Request, ref: str = Form(...), status: str = Form(...), name: str = Form(""),
                     note: str = Form(""), back: str = Form("")):
        if not allow_edit:
            raise HTTPException(403, "Edición deshabilitada: inicie el servidor con --allow-edit.")
        if not _same_origin(request):
            raise HTTPException(403, "El formulario debe enviarse desde la página /seguimiento de este servidor.")
        row = corpus.set_followup_status(ref, status, name, note=note or None, source="web")
        kept = [(k, v) for k, v in parse_qsl(back) if k in ("dyad", "mechanism", "status", "by")]
        message = f"{ref}: {STATUS_ES[row['status']]} (fijado por {row['set_by']}, {row['set_on']})"
        return RedirectResponse("/seguimiento?" + urlencode([*kept, ("message", message)]), status_code=303)

    @router.get("/seguimiento/acta/{doc_id}.{fmt}", include_in_schema=False)
    def followup_acta(doc_id: str, fmt: str):
        if not DOC_ID.match(doc_id) or fmt not in ("md", "docx"):
            raise NotFoundError(f"no such acta: {doc_id[:40]!r}")
        result = corpus.acta(doc_id, fmt)
        if fmt == "md":
            return Response(result, media_type="text/markdown; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="acta-{doc_id}.md"'})
        return Response(result, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": f'attachment; filename="acta-{doc_id}.docx"'})

    @router.get("/api/seguimiento")
    def api_followup(dyad: Optional[str] = None, mechanism: Optional[str] = None,
                     status: Optional[str] = None) -> list[dict]:
        """The follow-up register: the rows of `declaraciones seguimiento --format json`."""
        return to_records(corpus.followup(dyad, mechanism, status))

    @router.get("/api/seguimiento/rates")
    def api_followup_rates(by: str = "meeting", dyad: Optional[str] = None, mechanism: Optional[str] = None) -> list[dict]:
        """Compliance rates per meeting, axis or institution: `declaraciones seguimiento rates --format json`."""
        return to_records(corpus.followup_rates(by, dyad, mechanism))

    return router
