"""Salesforce's error shape: a JSON array of ``{"message","errorCode","fields"}`` with an HTTP status."""

from __future__ import annotations

from typing import Any


class SalesforceError(Exception):
    """An error the REST API answers with ``status`` and ``[{"message","errorCode","fields"}]``."""

    def __init__(self, status: int, code: str, message: str, fields: list[str] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or []

    def body(self) -> list[dict[str, Any]]:
        """The answer's JSON body (REST resources)."""
        entry: dict[str, Any] = {"message": self.message, "errorCode": self.code}
        if self.fields:
            entry["fields"] = self.fields
        return [entry]

    def collection_error(self) -> dict[str, Any]:
        """The error as sObject Collections report it (``statusCode``, not ``errorCode``)."""
        return {"statusCode": self.code, "message": self.message, "fields": self.fields}


def not_found() -> SalesforceError:
    """404 for a resource or record that does not exist."""
    return SalesforceError(404, "NOT_FOUND", "The requested resource does not exist")
