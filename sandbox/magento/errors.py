"""Magento's error answers, and faults dressed as them.

Magento answers every REST error as ``{"message": "...", "parameters": ...}``
with the HTTP status: the message keeps its ``%placeholders`` and
``parameters`` fills them (an object of names, or a list for ``%1``-style
messages). 401 is ``The consumer isn't authorized to access %resources.``,
404 ``No such entity with %fieldName = %fieldValue``, 400 a validation failure.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.common.faults import Fault

__all__ = ["API_PATH", "MagentoError", "error_body", "magento_fault"]

API_PATH = r"/rest/"
"""What a fault rule matches to hit every REST call of a store (mounted anywhere)."""


def error_body(status: int, message: str = "fault injected") -> bytes:
    """The JSON body of an injected error answer."""
    return json.dumps({"message": message, "parameters": []}).encode()


class MagentoError(Exception):
    """An error Magento answers with ``status``, its message template and the template's parameters."""

    def __init__(self, status: int, message: str, parameters: dict[str, Any] | list[Any] | None = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.parameters: dict[str, Any] | list[Any] = parameters if parameters is not None else []

    def body(self) -> dict[str, Any]:
        """The error as JSON."""
        return {"message": self.message, "parameters": self.parameters}


def no_such_entity(field: str, value: Any) -> MagentoError:
    """404 for a record that is not there, in Magento's words."""
    return MagentoError(404, "No such entity with %fieldName = %fieldValue", {"fieldName": field, "fieldValue": value})


def magento_fault(*, method: str | None = None, path: str = API_PATH, **rule: Any) -> Fault:
    """A ``Fault`` on the store's REST API (``rule``: ``Fault``'s rates and times) with Magento's error body."""
    return Fault(path=path, method=method, **rule).dressed(error_body)
