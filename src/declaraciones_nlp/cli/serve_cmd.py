"""`serve`: the web dashboard for ministry staff."""
from __future__ import annotations

from typing import Optional

import typer

from ._util import DbOption, app, console, handle_errors


@app.command()
@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (localhost only by default)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    db: Optional[str] = DbOption,
    allow_upload: bool = typer.Option(False, "--allow-upload", help="Let users upload declarations to ingest."),
    workers: int = typer.Option(1, "--workers", min=1, max=16,
                                help="Server processes (docs/performance.md: one serves a 2-core machine best)."),
) -> None:
    """Start the web dashboard (read-only unless --allow-upload)."""
    import os

    import uvicorn

    from ..store import Store
    from ..web.app import create_app

    Store(db).close()  # a bad URL or store fails here, in one line, before the server starts
    console.print(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
    if workers == 1:
        uvicorn.run(create_app(db, allow_upload=allow_upload), host=host, port=port, log_level="warning")
        return
    # several processes each build the app from the environment
    if db is not None:
        os.environ["DECLARACIONES_DB"] = db
    os.environ["DECLARACIONES_ALLOW_UPLOAD"] = "1" if allow_upload else ""
    uvicorn.run("declaraciones_nlp.web.app:app_from_environment", factory=True, workers=workers,
                host=host, port=port, log_level="warning")
