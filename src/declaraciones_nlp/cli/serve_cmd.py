"""`serve`: the web dashboard for ministry staff."""
from __future__ import annotations

from typing import Optional

import typer

from ._util import DbOption, app, console, err_console, handle_errors, open_corpus


@app.command()
@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (localhost only by default)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    db: Optional[str] = DbOption,
    allow_upload: bool = typer.Option(False, "--allow-upload", help="Let users upload declarations to ingest."),
    allow_review: bool = typer.Option(False, "--allow-review", help="Add the review page /revisar, where "
                                      "maintainers correct labels (stored in the database)."),
    allow_edit: bool = typer.Option(False, "--allow-edit", help="Let staff set follow-up statuses on /seguimiento."),
    workers: int = typer.Option(1, "--workers", min=1, max=16,
                                help="Server processes (docs/performance.md: one serves a 2-core machine best)."),
) -> None:
    """Start the web dashboard (read-only unless --allow-upload, --allow-review or --allow-edit)."""
    import os

    import uvicorn

    from ..web.app import create_app

    open_corpus(db, create=True).close()  # a bad URL or store fails here, in one line, before the server starts
    console.print(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
    if allow_review:
        console.print(f"Review page: http://{host}:{port}/revisar")
        if host not in ("127.0.0.1", "localhost", "::1"):
            err_console.print(f"warning: the review page accepts corrections from any machine that reaches {host}")
    if workers == 1:
        application = create_app(db, allow_upload=allow_upload, allow_review=allow_review, allow_edit=allow_edit)
        uvicorn.run(application, host=host, port=port, log_level="warning")
        return
    # several processes each build the app from the environment
    if db is not None:
        os.environ["DECLARACIONES_DB"] = db
    os.environ["DECLARACIONES_ALLOW_UPLOAD"] = "1" if allow_upload else ""
    os.environ["DECLARACIONES_ALLOW_REVIEW"] = "1" if allow_review else ""
    os.environ["DECLARACIONES_ALLOW_EDIT"] = "1" if allow_edit else ""
    if allow_review:
        import secrets

        os.environ["DECLARACIONES_REVIEW_TOKEN"] = secrets.token_urlsafe(32)
    uvicorn.run("declaraciones_nlp.web.app:app_from_environment", factory=True, workers=workers,
                host=host, port=port, log_level="warning")
