"""Database work of a request is cancelled when its client goes away (docs/performance.md)."""
from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from ..api import CancelToken, cancellable


class CancelOnDisconnect:
    """Cancel the database work of a GET request whose client goes away before the answer.

    The request runs under a `CancelToken`; a task waits for `http.disconnect`
    and, if the response is not complete, cancels the token, which interrupts
    the running statement (SQLite) or cancels it (PostgreSQL), so its connection
    goes back to the pool at once.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request_message = await receive()
        while request_message.get("more_body"):  # a GET with a body: read and drop it
            request_message = await receive()
        token, finished, disconnected = CancelToken(), anyio.Event(), anyio.Event()
        request_message = {**request_message, "body": b"", "more_body": False}
        given = False

        async def app_receive() -> dict:
            nonlocal given
            if not given:
                given = True
                return request_message
            await disconnected.wait()
            return {"type": "http.disconnect"}

        async def app_send(message: dict) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                finished.set()
            await send(message)

        async def watch() -> None:
            message = await receive()
            while message["type"] != "http.disconnect":
                message = await receive()
            if not finished.is_set():
                token.cancel()
            disconnected.set()

        with cancellable(token):
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(watch)
                try:
                    await self.app(scope, app_receive, app_send)
                finally:
                    finished.set()
                    tasks.cancel_scope.cancel()
