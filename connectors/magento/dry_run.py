"""Magento in a plan: GETs are sent; a PUT or POST is answered with what it sent, as Magento echoes a save."""

from __future__ import annotations

import httpx

from connectors.base.dry_run import WriteBook, json_of

__all__ = ["MagentoRehearsal"]


class MagentoRehearsal:
    """Reads are GETs; a save is answered with the object sent (a stock item's save with its id)."""

    app = "magento"

    def reads(self, request: httpx.Request, book: WriteBook) -> bool:
        """GETs only (searches and the store's settings)."""
        return request.method in ("GET", "HEAD")

    def answer(self, request: httpx.Request, book: WriteBook) -> httpx.Response:
        """``PUT …/products/{sku}`` answers the product; ``…/stockItems/{id}`` the stock item's id."""
        if request.method not in ("PUT", "POST"):
            raise ValueError(f"Magento {request.method}")
        body = json_of(request)
        parts = request.url.path.rstrip("/").split("/")
        book.keep(self.app, request, "/".join(parts[-3:]))
        if "stockItems" in parts:
            return httpx.Response(200, json=int(parts[-1]) if parts[-1].isdigit() else 0)
        [saved] = body.values() if isinstance(body, dict) and len(body) == 1 else [body]
        return httpx.Response(200, json=saved)
