"""Drive an emulator in-process from a synchronous httpx client (the connectors are synchronous)."""

from __future__ import annotations

import asyncio
import threading

import httpx
from starlette.types import ASGIApp

__all__ = ["InProcessTransport"]


class InProcessTransport(httpx.BaseTransport):
    """A sync transport over ``httpx.ASGITransport``: no sockets, the app runs on a private event loop.

    An exception inside the app becomes a 500 answer, as a server would give,
    unless ``raise_app_exceptions`` is set.
    """

    def __init__(self, app: ASGIApp, *, raise_app_exceptions: bool = False) -> None:
        self._inner = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
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
