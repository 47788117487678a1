"""Checking the emulator against Xero's published OpenAPI specs (``specs/xero/``).

The specs are loaded once (they are large) and adapted in memory, never
copied by hand:

- Xero's date fields are ``type: string`` with ``x-is-msdate`` or
  ``x-is-msdate-time``. Those schemas get a ``format`` (``xero-msdate``,
  ``xero-msdate-time``) with a format checker: answers must carry
  ``/Date(ms[+hhmm])/``; requests may also send ``YYYY-MM-DD`` or an ISO
  date-time, as Xero accepts.
- The identity spec says ``format: date-time`` for ``createdDateUtc``, but
  Xero sends those timestamps without a zone; they are checked as ISO
  timestamps whose zone may be missing (``xero-utc-date-time``).
- The specs themselves are not re-validated (the accounting spec has string
  defaults on booleans that a strict spec validator rejects).

The directory comes from ``DATASHARE_SPECS_DIR`` or, by default, the
project's copy in ``specs/xero`` (Xero's own files, MIT, see SOURCE.md there).
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import yaml  # type: ignore[import-untyped]
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.validators import V30RequestBodyValidator

_MSDATE = re.compile(r"^/Date\(-?\d+([+-]\d{4})?\)/$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# An ISO timestamp whose zone may be missing (Xero's identity service leaves it out).
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")

ACCOUNTING_SERVER = "https://api.xero.com"
ACCOUNTING_PREFIX = "/api.xro/2.0"


def specs_dir() -> Path:
    """Where Xero's spec files are: ``$DATASHARE_SPECS_DIR`` (with or without ``/xero``) or the copy in ``specs/xero``."""
    configured = os.environ.get("DATASHARE_SPECS_DIR")
    if configured:
        base = Path(configured)
        return base / "xero" if (base / "xero").is_dir() else base
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root / "specs" / "xero"


def _is_msdate(value: object) -> bool:
    return not isinstance(value, str) or _MSDATE.match(value) is not None


def _is_request_date(value: object) -> bool:
    if not isinstance(value, str) or _MSDATE.match(value) or _ISO_DATE.match(value):
        return True
    return _is_timestamp(value)


def _is_timestamp(value: object) -> bool:
    return not isinstance(value, str) or _TIMESTAMP.match(value) is not None


def _tag_dates(node: Any) -> int:
    """Give every ``x-is-msdate``/``x-is-msdate-time`` schema a format; returns how many were tagged."""
    tagged = 0
    if isinstance(node, dict):
        if node.get("x-is-msdate"):
            node["format"] = "xero-msdate"
            tagged += 1
        elif node.get("x-is-msdate-time"):
            node["format"] = "xero-msdate-time"
            tagged += 1
        elif node.get("format") == "date-time" and node.get("x-is-datetime"):
            node["format"] = "xero-utc-date-time"
            tagged += 1
        for value in node.values():
            tagged += _tag_dates(value)
    elif isinstance(node, list):
        for value in node:
            tagged += _tag_dates(value)
    return tagged


@cache
def _load(name: str) -> dict[str, Any]:
    with (specs_dir() / name).open(encoding="utf-8") as handle:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document: dict[str, Any] = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader, C or Python
    _tag_dates(document)
    return document


def _openapi(name: str, formats: Mapping[str, Callable[[object], bool]]) -> OpenAPI:
    config = Config(spec_validator_cls=None, extra_format_validators=dict(formats))
    return OpenAPI.from_dict(copy.deepcopy(_load(name)), config=config)


class XeroSpec:
    """Validates sandbox requests and answers against Xero's accounting and identity specs."""

    def __init__(self) -> None:
        answers = {"xero-msdate": _is_msdate, "xero-msdate-time": _is_msdate, "xero-utc-date-time": _is_timestamp}
        requests = {**answers, "xero-msdate": _is_request_date, "xero-msdate-time": _is_request_date}
        self.accounting = _openapi("xero_accounting.yaml", answers)
        self.accounting_requests = _openapi("xero_accounting.yaml", requests)
        self.identity = _openapi("xero-identity.yaml", answers)

    def validate_response(
        self,
        method: str,
        path: str,
        status: int,
        body: bytes,
        *,
        query: str = "",
        request_body: bytes | None = None,
    ) -> None:
        """Check one answer of the emulator; ``path`` is relative to the emulator's root.

        Raises openapi-core's validation error when the answer does not fit.
        """
        spec, request = self._request(method, path, query, request_body, answers=True)
        spec.validate_response(request, MockResponse(body, status_code=status, content_type="application/json"))

    def validate_request_body(self, method: str, path: str, body: bytes, *, query: str = "") -> None:
        """Check a request body the way Xero's spec describes it."""
        spec, request = self._request(method, path, query, body, answers=False)
        V30RequestBodyValidator(spec.spec, extra_format_validators=spec.config.extra_format_validators).validate(
            request
        )

    def validate_request(
        self, method: str, path: str, body: bytes | None, *, query: str = "", headers: Mapping[str, str] | None = None
    ) -> None:
        """Check a whole request as a client sent it: operation, query parameters, headers and body."""
        spec, request = self._request(method, path, query, body or None, answers=False, headers=headers)
        spec.validate_request(request)

    def _request(
        self,
        method: str,
        path: str,
        query: str,
        body: bytes | None,
        *,
        answers: bool,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[OpenAPI, MockRequest]:
        if path.startswith(ACCOUNTING_PREFIX):
            spec = self.accounting if answers else self.accounting_requests
        else:
            spec = self.identity
            path = "/Connections" + path[len("/connections") :] if path.lower().startswith("/connections") else path
        args = dict(parse_qsl(query))
        sent = {"xero-tenant-id": "00000000-0000-0000-0000-000000000000", "Authorization": "Bearer x"}
        sent.update(headers or {})
        request = MockRequest(
            ACCOUNTING_SERVER,
            method.lower(),
            path,
            args=args,
            headers=sent,
            data=body,
            content_type="application/json",
        )
        return spec, request


@cache
def xero_spec() -> XeroSpec:
    """The specs, loaded once per process."""
    return XeroSpec()


def dump_for_spec(body: object) -> bytes:
    """JSON bytes of a body built in a test (for request-body checks)."""
    return json.dumps(body).encode()
