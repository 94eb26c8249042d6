"""The dashboard for ministry staff: server-rendered pages and a JSON API.

Every page and endpoint calls the same library functions as the CLI (through
`api.Corpus`). The app is read-only unless created with `allow_upload=True`.
"""
from __future__ import annotations

import io
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from urllib.parse import parse_qsl, urlencode

import pandas as pd
from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import config
from ..api import Corpus, to_records
from ..charts import svg_stacked_bars, svg_status_bars
from ..errors import DeclaracionesError, InputError, NotFoundError
from ..followup import STATUS_ES, STATUSES, canonical_status, rates
from ..ingest import SUPPORTED_EXTENSIONS
from ..schema import AXES, AXIS_COLOURS, AXIS_NAMES_ES, AXIS_SHORT_ES, LABELS
from ..text import country_codes

HERE = Path(__file__).resolve().parent
DOC_ID = re.compile(r"^[0-9a-f]{8,64}$")
FILTER_KEYS = ("axis", "country", "dyad", "mechanism", "since", "until", "min_score")
GROUPS = {"dyad": "Par de países", "year": "Año"}
RATE_NAMES = {"meeting": "Reunión", "axis": "Eje", "institution": "Institución"}


class BodyLimit:
    """Refuse request bodies above `limit` bytes on `path_prefix` before they are read whole."""

    def __init__(self, app: ASGIApp, limit: int, path_prefix: str) -> None:
        self.app, self.limit, self.path_prefix = app, limit, path_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.path_prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send, self.limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f"El archivo supera el límite de {limit // (1024 * 1024)} MB.".encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": body})


def filters_from(request: Request) -> dict[str, Any]:
    """The filter query parameters that are set, as keyword arguments for `Corpus`."""
    params = request.query_params
    values: dict[str, Any] = {}
    for key in FILTER_KEYS:
        raw = params.get(key, "").strip()
        if not raw:
            continue
        if key in ("since", "until"):
            if not raw.isdigit():
                raise InputError(key, f"not a year: {raw!r}")
            values[key] = int(raw)
        elif key == "min_score":
            try:
                values[key] = float(raw)
            except ValueError:
                raise InputError(key, f"not a number: {raw!r}") from None
        else:
            values[key] = raw
    return values


def dashboard_table(corpus: Corpus, group: str, filters: dict[str, Any],
                    by_axis: pd.DataFrame | None = None, totals: pd.Series | None = None) -> pd.DataFrame:
    """Items per `group` value and axis — the table the dashboard shows and downloads."""
    freq = corpus.freq(by=[group, "axis"], **filters) if by_axis is None else by_axis
    if freq.empty:
        return pd.DataFrame(columns=[group, *LABELS, "total"])
    totals = item_totals(corpus, group, filters) if totals is None else totals
    pivot = freq.pivot_table(index=group, columns="axis", values="items", aggfunc="sum", fill_value=0)
    pivot = pivot.reindex(columns=list(LABELS), fill_value=0).astype(int)
    pivot["total"] = totals.reindex(pivot.index, fill_value=0).astype(int)
    return pivot.reset_index()


def item_totals(corpus: Corpus, group: str, filters: dict[str, Any]) -> pd.Series:
    """Distinct items per `group` value (an item with two axes counts once)."""
    totals = corpus.freq(by=[group], **filters)
    return totals.set_index(group)["items"] if not totals.empty else pd.Series(dtype=int)


def create_app(db: str | None = None, allow_upload: bool = False, allow_edit: bool = False) -> FastAPI:
    """Build the app on the store at `db` (default: the project's database). `allow_edit` lets
    staff record follow-up statuses on /seguimiento."""
    # Swagger UI's script and stylesheet come from the installed fastapi-offline, not a CDN: /docs works offline.
    app = FastAPIOffline(
        title="declaraciones-nlp",
        description="Ejes temáticos de las declaraciones conjuntas: frecuencias, ítems, documentos y propuestas.",
        version="1",
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(
        AXES=AXES, LABELS=LABELS, AXIS_NAMES_ES=AXIS_NAMES_ES, AXIS_SHORT_ES=AXIS_SHORT_ES,
        AXIS_COLOURS=AXIS_COLOURS, GROUPS=GROUPS, allow_upload=allow_upload, allow_edit=allow_edit,
        STATUSES=STATUSES, STATUS_ES=STATUS_ES, RATE_NAMES=RATE_NAMES,
    )
    corpus = Corpus(db)
    app.state.corpus = corpus

    @lru_cache(maxsize=1)
    def model():
        from ..classify import load_model

        try:
            return load_model()
        except DeclaracionesError:
            return None

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, template, context, status_code=status)

    @app.exception_handler(DeclaracionesError)
    async def library_error(request: Request, exc: DeclaracionesError):
        status = 404 if isinstance(exc, NotFoundError) else 400
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=status)
        return page(request, "error.html", status=status, message=str(exc))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(request: Request, group: str = "dyad"):
        group = group if group in GROUPS else "dyad"
        filters = filters_from(request)
        by_axis = {field: corpus.freq(by=[field, "axis"], **filters) for field in GROUPS}
        totals = {field: item_totals(corpus, field, filters) for field in GROUPS}
        table = dashboard_table(corpus, group, filters, by_axis[group], totals[group])
        charts = [svg_stacked_bars(by_axis[field], field, title, totals[field].to_dict())
                  for field, title in (("dyad", "Ejes por par de países"), ("year", "Ejes por año"))]
        kept = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "group" and v])
        return page(request, "dashboard.html", table=table, group=group, charts=charts, filters=filters,
                    query=urlencode([*parse_qsl(kept), ("group", group)]),
                    query_without_group=f"{kept}&" if kept else "", options=corpus.filter_options())

    @app.get("/download.{fmt}", include_in_schema=False)
    def download(request: Request, fmt: str, group: str = "dyad"):
        group = group if group in GROUPS else "dyad"
        table = dashboard_table(corpus, group, filters_from(request))
        if fmt == "csv":
            return Response(table.to_csv(index=False), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="ejes-por-{group}.csv"'})
        if fmt == "xlsx":
            buffer = io.BytesIO()
            table.to_excel(buffer, index=False)
            return Response(buffer.getvalue(),
                            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"Content-Disposition": f'attachment; filename="ejes-por-{group}.xlsx"'})
        raise HTTPException(404)

    @app.get("/items", response_class=HTMLResponse, include_in_schema=False)
    def items_page(request: Request, q: str = ""):
        filters = filters_from(request)
        hits = corpus.search(q, **filters) if q.strip() else corpus.items(**filters)
        hits = hits.head(200)
        explanations = _explain(model(), hits)
        return page(request, "items.html", hits=to_records(hits), explanations=explanations, q=q,
                    filters=filters, options=corpus.filter_options())

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str):
        if not DOC_ID.match(doc_id):
            raise NotFoundError(f"no such document: {doc_id[:40]!r}")
        document = corpus.document(doc_id)
        return page(request, "document.html", document=document)

    @app.get("/propose", response_class=HTMLResponse, include_in_schema=False)
    def propose_page(request: Request, between: str = "PE,US"):
        html = corpus.proposal_report(_pair(between)).render("html")
        nav = ('<nav style="font-family:sans-serif;padding:.5rem 1rem;background:#f3f4f6">'
               '<a href="/">← Panel</a></nav>')
        return HTMLResponse(html.replace("<body>", "<body>" + nav, 1))

    @app.get("/api/freq")
    def api_freq(request: Request, by: list[str] = Query(["axis"])) -> list[dict]:
        """Items per group: the rows of `declaraciones freq --format json`."""
        return to_records(corpus.freq(by=by, **filters_from(request)))

    @app.get("/api/items")
    def api_items(request: Request, q: str = "", limit: int = Query(500, ge=1, le=5000)) -> list[dict]:
        """Items matching `q` (accent-insensitive) and the filters: the lines of `declaraciones search --format jsonl`."""
        filters = filters_from(request)
        hits = corpus.search(q, **filters) if q.strip() else corpus.items(**filters)
        return to_records(hits.head(limit))

    @app.get("/api/documents")
    def api_documents() -> list[dict]:
        """Stored documents: the rows of `declaraciones documents --format json`."""
        return to_records(corpus.documents())

    @app.get("/api/propose")
    def api_propose(between: str = "PE,US", top: int = 3, since: Optional[int] = None) -> dict:
        """The axes proposed for a pair: the output of `declaraciones propose --format json`."""
        return corpus.propose(_pair(between), top=top, since=since)

    @app.get("/seguimiento", response_class=HTMLResponse, include_in_schema=False)
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

    @app.post("/seguimiento/estado", include_in_schema=False)
    def followup_set(ref: str = Form(...), status: str = Form(...), name: str = Form(""), note: str = Form(""),
                     back: str = Form("")):
        if not allow_edit:
            raise HTTPException(403, "Edición deshabilitada: inicie el servidor con --allow-edit.")
        row = corpus.set_followup_status(ref, status, name, note=note or None, source="web")
        kept = [(k, v) for k, v in parse_qsl(back) if k in ("dyad", "mechanism", "status", "by")]
        message = f"{ref}: {STATUS_ES[row['status']]} (fijado por {row['set_by']}, {row['set_on']})"
        return RedirectResponse("/seguimiento?" + urlencode([*kept, ("message", message)]), status_code=303)

    @app.get("/seguimiento/acta/{doc_id}.{fmt}", include_in_schema=False)
    def followup_acta(doc_id: str, fmt: str):
        if not DOC_ID.match(doc_id) or fmt not in ("md", "docx"):
            raise NotFoundError(f"no such acta: {doc_id[:40]!r}")
        result = corpus.acta(doc_id, fmt)
        if fmt == "md":
            return Response(result, media_type="text/markdown; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="acta-{doc_id}.md"'})
        return Response(result, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": f'attachment; filename="acta-{doc_id}.docx"'})

    @app.get("/api/seguimiento")
    def api_followup(dyad: Optional[str] = None, mechanism: Optional[str] = None,
                     status: Optional[str] = None) -> list[dict]:
        """The follow-up register: the rows of `declaraciones seguimiento --format json`."""
        return to_records(corpus.followup(dyad, mechanism, status))

    @app.get("/api/seguimiento/rates")
    def api_followup_rates(by: str = "meeting", dyad: Optional[str] = None, mechanism: Optional[str] = None) -> list[dict]:
        """Compliance rates per meeting, axis or institution: `declaraciones seguimiento rates --format json`."""
        return to_records(corpus.followup_rates(by, dyad, mechanism))

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def upload_form(request: Request):
        if not allow_upload:
            raise HTTPException(403, "Carga deshabilitada: inicie el servidor con --allow-upload.")
        return page(request, "upload.html", extensions=sorted(SUPPORTED_EXTENSIONS),
                    limit_mb=config.MAX_UPLOAD_BYTES // (1024 * 1024))

    @app.post("/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload(request: Request, file: UploadFile = File(...), parties: str = Form(""),
                     date: str = Form(""), title: str = Form("")):
        if not allow_upload:
            raise HTTPException(403, "Carga deshabilitada: inicie el servidor con --allow-upload.")
        summary, name = await _ingest_upload(corpus, model(), file, parties, date, title)
        return page(request, "upload.html", extensions=sorted(SUPPORTED_EXTENSIONS), summary=summary,
                    filename=name, limit_mb=config.MAX_UPLOAD_BYTES // (1024 * 1024))

    if allow_upload:
        app.add_middleware(BodyLimit, limit=config.MAX_UPLOAD_BYTES + 64 * 1024, path_prefix="/upload")
    return app


def _pair(between: str) -> tuple[str, ...]:
    codes = country_codes(between, "between")
    if len(codes) != 2:
        raise InputError("between", f"expected two country codes such as PE,US, got {between!r}")
    return codes


def _explain(model, hits: pd.DataFrame) -> list[dict[str, list[str]]]:
    """The terms that weighed most for each hit's labels (empty without a model)."""
    if model is None or hits.empty:
        return [{} for _ in range(len(hits))]
    langs = hits["lang"].tolist() if "lang" in hits else None
    predictions = model.predict(hits["text"].tolist(), langs=langs)
    return [{axis: list(terms) for axis, terms in p.explanation.items()} for p in predictions]


async def _ingest_upload(corpus: Corpus, model, file: UploadFile, parties: str, date: str, title: str):
    name = Path(file.filename or "").name
    suffix = Path(name).suffix.lower()
    if not name or suffix not in SUPPORTED_EXTENSIONS:
        raise InputError(name or "upload", f"unsupported file type {suffix or '(none)'}; "
                         f"accepted: {', '.join(sorted(SUPPORTED_EXTENSIONS))}")
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[-120:] or f"upload{suffix}"
    overrides = {k: v for k, v in {"parties": [c.strip().upper() for c in parties.split(",") if c.strip()],
                                   "date": date.strip(), "title": title.strip()}.items() if v}
    with tempfile.TemporaryDirectory(prefix="declaraciones-upload-") as folder:
        target = Path(folder) / safe_name
        size = 0
        with target.open("wb") as out:
            while chunk := await file.read(1024 * 1024):
                size += len(chunk)
                if size > config.MAX_UPLOAD_BYTES:
                    raise InputError(name, f"file larger than {config.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
                out.write(chunk)
        summary = corpus.ingest([target], model=model, silent=True, workers=1, **overrides)
    if summary.refused:
        reason = summary.refused[0][1].replace(str(target), name)
        raise InputError(name, reason.split(": ", 1)[-1] if reason.startswith(name) else reason)
    return summary, name
