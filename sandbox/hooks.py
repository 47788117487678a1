"""A webhook inbox for the demo: what Prefect's notifications post lands here, for a person (or a test) to read.

``POST /hooks/inbox`` keeps the request body (JSON when it parses, else text)
with when it came; ``GET /hooks/inbox`` lists what came, oldest first. It
stands in for a team's chat or pager webhook, which the demo must not call.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["HookInbox", "create_app"]

KEPT = 500  # the newest posts kept: the demo runs for days


@dataclass
class HookInbox:
    """The posts received, oldest first (the newest ``KEPT``)."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, body: bytes) -> dict[str, Any]:
        """Keep one post's body (JSON when it parses) with the moment it came."""
        text = body.decode("utf-8", errors="replace")
        try:
            content: Any = json.loads(text)
        except ValueError:
            content = text
        post = {"received_at": datetime.now(UTC).isoformat(), "body": content}
        with self._lock:
            self.posts.append(post)
            del self.posts[:-KEPT]
        return post

    def read(self) -> list[dict[str, Any]]:
        """A copy of the posts, oldest first."""
        with self._lock:
            return list(self.posts)


def create_app(inbox: HookInbox) -> Starlette:
    """The inbox's ASGI app (mounted at ``/hooks``)."""

    async def receive(request: Request) -> Response:
        inbox.add(await request.body())
        return Response(status_code=204)

    async def listing(request: Request) -> Response:
        return JSONResponse(inbox.read())

    return Starlette(routes=[Route("/inbox", receive, methods=["POST"]), Route("/inbox", listing, methods=["GET"])])
