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
    allow_edit: bool = typer.Option(False, "--allow-edit", help="Let staff set follow-up statuses on /seguimiento."),
) -> None:
    """Start the web dashboard (read-only unless --allow-upload or --allow-edit)."""
    import uvicorn

    from ..web.app import create_app

    application = create_app(db, allow_upload=allow_upload, allow_edit=allow_edit)
    console.print(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(application, host=host, port=port, log_level="warning")
