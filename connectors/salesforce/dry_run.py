"""Salesforce in a plan: what reads, and the sObject Collections' answer to a write (a success per record)."""

from __future__ import annotations

import typing as t

import httpx

from connectors.base.dry_run import WriteBook, json_of

__all__ = ["SalesforceRehearsal"]

# The key prefixes Salesforce's ids start with, per sObject the connector writes: a made-up id looks like one.
_KEY_PREFIXES = {
    "Account": "001",
    "Contact": "003",
    "Product2": "01t",
    "PricebookEntry": "01u",
    "Order": "801",
    "OrderItem": "802",
}


def _new_id(sobject: str, book: WriteBook) -> str:
    """A 15-character id (no checksum to get wrong) that no org holds: ``<prefix>PLAN<number>``."""
    return f"{_KEY_PREFIXES.get(sobject, '000')}PLAN{book.next_number():08d}"


class SalesforceRehearsal:
    """Reads are GETs and the token endpoint; a collection write is answered with a success per record."""

    app = "salesforce"

    def reads(self, request: httpx.Request, book: WriteBook) -> bool:
        """GETs (queries, describes, getDeleted), and the OAuth token endpoint."""
        return request.method in ("GET", "HEAD") or request.url.path.endswith("/services/oauth2/token")

    def answer(self, request: httpx.Request, book: WriteBook) -> httpx.Response:
        """Upserts and inserts create (a new id each), updates and deletes succeed, as ``allOrNone: false`` answers."""
        path = request.url.path
        if "/composite/sobjects" not in path:
            raise ValueError(f"no sObject Collections write at {path}")
        if request.method == "DELETE":
            ids = [i for i in request.url.params.get("ids", "").split(",") if i]
            book.keep(self.app, request, f"delete {len(ids)}")
            return httpx.Response(200, json=[{"id": i, "success": True, "errors": []} for i in ids])
        records: list[dict[str, t.Any]] = list(json_of(request)["records"])
        upsert = request.method == "PATCH" and path.rstrip("/").split("/")[-2] != "composite"
        answered = []
        for record in records:
            sobject = str((record.get("attributes") or {}).get("type") or path.rstrip("/").split("/")[-2])
            if request.method == "POST" or upsert:
                new = _new_id(sobject, book)
                book.remember(new, record)
                answered.append({"id": new, "success": True, "created": True, "errors": []})
            else:
                answered.append({"id": record["id"], "success": True, "created": False, "errors": []})
        kind = "upsert" if upsert else "insert" if request.method == "POST" else "update"
        book.keep(self.app, request, f"{kind} {len(records)}")
        return httpx.Response(200, json=answered)
