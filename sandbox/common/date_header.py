"""The ``Date`` header every HTTP server sends, taken from the emulator's own clock.

Clients use it to know the server's time (e.g. where an incremental read
starts next time); with a fake clock the header must follow the fake time.
"""

from __future__ import annotations

from email.utils import format_datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.common.clock import Clock

__all__ = ["DateHeaderMiddleware"]


class DateHeaderMiddleware:
    """Adds (or replaces) ``Date`` on every answer."""

    def __init__(self, app: ASGIApp, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; stamp the answer's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", format_datetime(self.clock.now(), usegmt=True).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, stamped)
