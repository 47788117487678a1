"""Checking Payroll AU answers and requests against Xero's spec, ``specs/xero/xero-payroll-au.yaml``.

Done as ``sandbox.xero.spec`` does it for accounting (same loader, same
MS-date formats): the spec's server is ``https://api.xero.com/payroll.xro/1.0``,
so a path of the emulator (``/payroll.xro/1.0/Employees``) maps onto it as is
under ``https://api.xero.com``; a path under the combined server's ``/xero``
mount is taken too. The US payroll API has no spec (Xero never published one).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from urllib.parse import parse_qsl

from openapi_core.testing import MockRequest, MockResponse

from sandbox.xero.spec import ACCOUNTING_SERVER, _is_msdate, _is_request_date, _is_timestamp, _openapi

SPEC_FILE = "xero-payroll-au.yaml"
MOUNT = "/xero"


class PayrollSpec:
    """Validates Payroll AU requests and answers of the emulator."""

    def __init__(self) -> None:
        answers = {"xero-msdate": _is_msdate, "xero-msdate-time": _is_msdate, "xero-utc-date-time": _is_timestamp}
        requests = {**answers, "xero-msdate": _is_request_date, "xero-msdate-time": _is_request_date}
        self.answers = _openapi(SPEC_FILE, answers)
        self.requests = _openapi(SPEC_FILE, requests)

    def validate_response(
        self,
        method: str,
        path: str,
        status: int,
        body: bytes,
        *,
        query: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Check one answer; raises openapi-core's validation error when it does not fit the spec."""
        request = _request(method, path, query, None, headers)
        self.answers.validate_response(request, MockResponse(body, status_code=status, content_type="application/json"))

    def validate_request(
        self, method: str, path: str, body: bytes | None, *, query: str = "", headers: Mapping[str, str] | None = None
    ) -> None:
        """Check a whole request as a client sent it: operation, parameters, headers and body."""
        self.requests.validate_request(_request(method, path, query, body, headers))


def _request(method: str, path: str, query: str, body: bytes | None, headers: Mapping[str, str] | None) -> MockRequest:
    if path.startswith(MOUNT + "/"):
        path = path[len(MOUNT) :]
    sent = {"Xero-Tenant-Id": "00000000-0000-0000-0000-000000000000", "Authorization": "Bearer x"}
    sent.update(headers or {})
    return MockRequest(
        ACCOUNTING_SERVER,
        method.lower(),
        path,
        args=dict(parse_qsl(query)),
        headers=sent,
        data=body,
        content_type="application/json",
    )


@cache
def payroll_spec() -> PayrollSpec:
    """The Payroll AU spec, loaded once per process."""
    return PayrollSpec()
