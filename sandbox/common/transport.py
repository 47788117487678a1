"""Drive an emulator in-process from a synchronous httpx client (the connectors are synchronous)."""

from __future__ import annotations

import asyncio
import threading

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["InProcessTransport"]


class _AsAServerWould:
    """What a server does when the app fails: a 500 before the answer started, a dropped connection after."""

    def __init__(self, app: ASGIApp, *, raise_app_exceptions: bool) -> None:
        self.app = app
        self.raise_app_exceptions = raise_app_exceptions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            if started:
                # The head went out and the body never will: the client sees the connection drop mid-answer.
                raise httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body"
                ) from error
            if self.raise_app_exceptions:
                raise
            await send({"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"Internal Server Error"})


class InProcessTransport(httpx.BaseTransport):
    """A sync transport over ``httpx.ASGITransport``: no sockets, the app runs on a private event loop.

    An exception inside the app becomes a 500 answer, as a server would give,
    unless ``raise_app_exceptions`` is set; one raised after the answer started
    (a fault that drops the connection mid-answer) is a broken read, as over a socket.
    """

    def __init__(self, app: ASGIApp, *, raise_app_exceptions: bool = False) -> None:
        served = _AsAServerWould(app, raise_app_exceptions=raise_app_exceptions)
        self._inner = httpx.ASGITransport(app=served, raise_app_exceptions=True)
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()  # one event loop: one request at a time

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run the request through the app and return its complete answer."""

        async def run() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body, request=request)

        with self._lock:
            return self._loop.run_until_complete(run())

    def close(self) -> None:
        """Close the event loop."""
        with self._lock:
            if not self._loop.is_closed():
                self._loop.close()
