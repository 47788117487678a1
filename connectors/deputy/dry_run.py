"""Deputy in a plan: it is read only (nothing is written to Deputy); its ``QUERY`` POSTs read."""

from __future__ import annotations

import httpx

from connectors.base.dry_run import WriteBook

__all__ = ["DeputyRehearsal"]


class DeputyRehearsal:
    """Reads are GETs and resource ``QUERY`` calls; nothing else is ever sent."""

    app = "deputy"

    def reads(self, request: httpx.Request, book: WriteBook) -> bool:
        """GETs, and POSTs to ``…/QUERY`` (Deputy's search)."""
        return request.method in ("GET", "HEAD") or request.url.path.rstrip("/").endswith("/QUERY")

    def answer(self, request: httpx.Request, book: WriteBook) -> httpx.Response:
        """None: datashare writes nothing to Deputy, so a write here is a mistake, refused."""
        raise ValueError("datashare writes nothing to Deputy")
