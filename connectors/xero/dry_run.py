"""Xero in a plan: what reads, and Xero's answer to a write (each element echoed with its id, status OK)."""

from __future__ import annotations

import typing as t

import httpx

from connectors.base.dry_run import PLANNED, WriteBook, json_of
from connectors.xero.payroll import PAYROLL_STREAMS
from connectors.xero.streams import STREAMS, XeroStream

__all__ = ["XeroRehearsal"]

_STREAMS: tuple[XeroStream, ...] = (*STREAMS.values(), *(s for c in PAYROLL_STREAMS.values() for s in c.values()))


def _stream_of(path: str) -> XeroStream:
    """The collection a write goes to, by its path (``…/api.xro/2.0/Invoices`` or ``…/Invoices/{id}``)."""
    found = [s for s in _STREAMS if path.endswith(s.path) or f"{s.path}/" in path]
    if not found:
        raise KeyError(f"no Xero collection at {path}")
    return max(found, key=lambda s: len(s.path))


class XeroRehearsal:
    """Reads are GETs and the token refresh; a write is answered as Xero answers ``summarizeErrors=false``."""

    app = "xero"

    def reads(self, request: httpx.Request, book: WriteBook) -> bool:
        """GETs, and the identity server's token endpoint (a refresh writes nothing in the organisation)."""
        return request.method in ("GET", "HEAD") or request.url.path.endswith("/connect/token")

    def answer(self, request: httpx.Request, book: WriteBook) -> httpx.Response:
        """Each element sent, with its id (a new one where Xero would give one) and ``StatusAttributeString`` OK."""
        stream = _stream_of(request.url.path)
        body = json_of(request)
        if isinstance(body, dict) and stream.collection_key in body:
            sent = list(body[stream.collection_key])
        else:
            sent = list(body) if isinstance(body, list) else [body]
        answered = []
        for element in sent:
            element = dict(t.cast(dict[str, t.Any], element))
            if not element.get(stream.id_field):
                element[stream.id_field] = f"{PLANNED}-{book.next_number():06d}"
            element["StatusAttributeString"] = "OK"
            book.remember(str(element[stream.id_field]), element)
            answered.append(element)
        book.keep(self.app, request, f"{len(sent)} {stream.name}")
        return httpx.Response(200, json={"Status": "OK", stream.collection_key: answered})
