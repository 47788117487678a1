"""vTiger in a plan: what reads, and vTiger's answer to a write (the record echoed, with an id of its module)."""

from __future__ import annotations

import json

import httpx

from connectors.base.dry_run import WriteBook, form_of
from connectors.vtiger.streams import module_named

__all__ = ["PLANNED_NUMBER", "VtigerRehearsal"]

PLANNED_NUMBER = 900_000_000
"""Where the record numbers a plan gives out start: vTiger ids are ``<module prefix>x<number>``."""

_READ_OPERATIONS = frozenset({"getchallenge", "login", "logout", "listtypes", "describe", "query", "sync", "retrieve"})


def _prefix(module: str) -> str:
    try:
        return module_named(module).id_prefix
    except KeyError:
        return "0"  # a table the connector knows by name only (ProductTaxes): its rows are not read by id


def _ok(result: object) -> httpx.Response:
    return httpx.Response(200, json={"success": True, "result": result})


class VtigerRehearsal:
    """Reads are the read operations (a retrieve of a record the plan made up is answered from the book)."""

    app = "vtiger"

    def reads(self, request: httpx.Request, book: WriteBook) -> bool:
        """GETs of read operations, and the login handshake."""
        if request.method == "GET":
            operation = request.url.params.get("operation", "")
            planned = operation == "retrieve" and request.url.params.get("id", "") in book.records
            return operation in _READ_OPERATIONS and not planned
        return request.method == "POST" and form_of(request).get("operation") in ("login", "logout")

    def answer(self, request: httpx.Request, book: WriteBook) -> httpx.Response:
        """create: the element with a new id; revise and update: the element; delete: done."""
        if request.method == "GET":
            return _ok(book.records[request.url.params["id"]])
        form = form_of(request)
        operation = form["operation"]
        if operation == "create":
            module = form["elementType"]
            element = {**json.loads(form["element"])}
            element["id"] = f"{_prefix(module)}x{PLANNED_NUMBER + book.next_number()}"
            book.remember(element["id"], element)
            book.keep(self.app, request, f"create {module}")
            return _ok(element)
        if operation in ("revise", "update"):
            element = json.loads(form["element"])
            record = {**book.records.get(element["id"], {}), **element}
            book.keep(self.app, request, f"{operation} {element['id']}")
            return _ok(record)
        if operation == "delete":
            book.keep(self.app, request, f"delete {form['id']}")
            return _ok({"status": "successful"})
        raise ValueError(f"vTiger operation {operation!r}")
