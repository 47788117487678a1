"""Shopify's error answers (REST bodies ``{"errors": ...}``), and faults dressed as them.

REST errors carry ``{"errors": "Not Found"}`` (a string) or, for a record
refused, ``{"errors": {"email": ["has already been taken"]}}`` (field ->
messages), per shopify.dev's REST reference. GraphQL answers errors inside a
200 (see ``graphql_api``), except for auth and unknown versions, which are
the REST shapes.
"""

from __future__ import annotations

import json
import typing as t

from sandbox.common.faults import Fault

__all__ = ["API_PATH", "ShopifyError", "error_body", "shopify_fault"]

API_PATH = r"/admin/api/"
"""What a fault rule matches to hit every Admin API call of a shop (mounted anywhere)."""

_REASONS = {
    400: "Bad Request",
    401: "[API] Invalid API key or access token (unrecognized login or wrong password)",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    406: "Not Acceptable",
    429: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def error_body(status: int, errors: str | dict[str, list[str]] | None = None) -> bytes:
    """The JSON body of an error answer (``errors`` defaults to the status's usual text)."""
    return json.dumps({"errors": errors if errors is not None else _REASONS.get(status, "Error")}).encode()


class ShopifyError(Exception):
    """An error the Admin API answers with ``status`` and ``{"errors": ...}``."""

    def __init__(
        self, status: int, errors: str | dict[str, list[str]] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        self.errors: str | dict[str, list[str]] = errors if errors is not None else _REASONS.get(status, "Error")
        super().__init__(f"{status}: {self.errors}")
        self.status = status
        self.headers = headers or {}

    def body(self) -> dict[str, t.Any]:
        """The error as JSON."""
        return {"errors": self.errors}


def shopify_fault(*, method: str | None = None, path: str = API_PATH, **rule: t.Any) -> Fault:
    """A ``Fault`` on the shop's API (``rule``: ``Fault``'s rates and times) with Shopify's error body."""
    return Fault(path=path, method=method, **rule).dressed(error_body)
