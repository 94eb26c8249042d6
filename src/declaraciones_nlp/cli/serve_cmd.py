"""`serve`: the web dashboard for ministry staff."""
from __future__ import annotations

from typing import Optional

import typer

from ._util import DbOption, app, console, err_console, handle_errors


@app.command()
@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (localhost only by default)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    db: Optional[str] = DbOption,
    allow_upload: bool = typer.Option(False, "--allow-upload", help="Let users upload declarations to ingest."),
    allow_review: bool = typer.Option(False, "--allow-review", help="Add the review page /revisar, where "
                                      "maintainers correct labels (stored in the database)."),
) -> None:
    """Start the web dashboard (read-only unless --allow-upload or --allow-review)."""
    import uvicorn

    from ..web.app import create_app

    application = create_app(db, allow_upload=allow_upload, allow_review=allow_review)
    console.print(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
    if allow_review:
        console.print(f"Review page: http://{host}:{port}/revisar")
        if host not in ("127.0.0.1", "localhost", "::1"):
            err_console.print(f"warning: the review page accepts corrections from any machine that reaches {host}")
    uvicorn.run(application, host=host, port=port, log_level="warning")
