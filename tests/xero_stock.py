"""Stock bought in a sandbox Xero organisation, for the tests where tracked stock matters."""

from __future__ import annotations

import typing as t


def stock_bill(book: t.Any, code: str, quantity: object) -> dict[str, t.Any]:
    """An approved bill, from the organisation's first supplier, buying ``quantity`` of item ``code`` (Xero's shape).

    ``book`` is the sandbox organisation (``sandbox.xero.org_named(...)``). Dated
    on fixed days, so the bill is the same on any date.
    """
    supplier = next(c for c in book.table("Contacts").values() if c.get("IsSupplier"))
    return {
        "Type": "ACCPAY",
        "Contact": {"ContactID": supplier["ContactID"]},
        "Date": "2026-11-03",
        "DueDate": "2026-12-03",
        "Status": "AUTHORISED",
        "LineItems": [{"ItemCode": code, "Quantity": str(quantity), "UnitAmount": "4.00"}],
    }
