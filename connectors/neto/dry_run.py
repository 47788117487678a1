"""Neto in a plan: ``Get*`` actions are sent; an ``Update*`` or ``Add*`` is answered ``Ack: Success``."""

from __future__ import annotations

import httpx

from connectors.base.dry_run import WriteBook, json_of

__all__ = ["NetoRehearsal"]


def _action(request: httpx.Request) -> str:
    return str(request.headers.get("NETOAPI_ACTION", ""))


class NetoRehearsal:
    """Reads are the ``Get`` actions; any other action is answered as Neto answers a call it took whole."""

    app = "neto"

    def reads(self, request: httpx.Request, book: WriteBook) -> bool:
        """GETs, and POSTs of a ``Get*`` action."""
        return request.method in ("GET", "HEAD") or _action(request).startswith("Get")

    def answer(self, request: httpx.Request, book: WriteBook) -> httpx.Response:
        """``{"Ack": "Success", <kind>: [{"SKU": …}, …]}``: each record sent, by its SKU."""
        action = _action(request)
        if not action.isalnum():
            raise ValueError(f"Neto action {action!r}")
        body = json_of(request) or {}
        kind = next(iter(body), "Item")
        rows = body.get(kind) or []
        rows = rows if isinstance(rows, list) else [rows]
        book.keep(self.app, request, f"{action} {len(rows)}")
        return httpx.Response(
            200, json={"Ack": "Success", kind: [{"SKU": r.get("SKU")} for r in rows if isinstance(r, dict)]}
        )
