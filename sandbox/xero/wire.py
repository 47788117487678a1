"""Records in memory -> Xero's JSON on the wire, and request bodies -> Python.

In memory, money is ``Decimal`` and dates are ``date``/``datetime``; on the
wire they become numbers and ``/Date(ms+0000)/``. Keys starting with ``_``
are the sandbox's own bookkeeping and never leave it. ``None`` values are
left out, as Xero leaves out what it does not have.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sandbox.xero.dates import to_envelope_msdate, to_msdate
from sandbox.xero.errors import bad_body

Record = dict[str, Any]


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):  # datetime is a date too
        return to_msdate(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(body: object) -> bytes:
    """Encode an answer body."""
    return json.dumps(body, default=_default, separators=(",", ":"), ensure_ascii=False).encode()


def public(record: Record) -> Record:
    """A shallow copy without private keys and without empty (None) values."""
    return {k: v for k, v in record.items() if v is not None and not k.startswith("_")}


def envelope(key: str, items: list[Record], *, now: datetime, provider: str, pagination: Record | None) -> Record:
    """Xero's answer envelope: ``{Id, Status, ProviderName, DateTimeUTC, [pagination], <key>: [...]}``."""
    body: Record = {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": provider,
        "DateTimeUTC": to_envelope_msdate(now),
    }
    if pagination is not None:
        body["pagination"] = pagination
    body[key] = items
    return body


def loads(raw: bytes) -> Any:
    """Decode a request body: numbers with a fraction become Decimal; bad JSON is a 400."""
    if not raw.strip():
        raise bad_body("The request body is empty")
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_body(f"Invalid Json data: {exc}") from exc


def elements(body: Any, key: str, *, single_ok: bool = True) -> list[Record]:
    """The elements of a write body: ``{"Invoices": [...]}``, or one bare object where Xero takes that."""
    if isinstance(body, dict) and key in body:
        items = body[key]
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise bad_body(f"'{key}' must be a list of objects")
        return items
    if single_ok and isinstance(body, dict):
        return [body]
    raise bad_body(f"Expected an object with a '{key}' list")
