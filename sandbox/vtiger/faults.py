"""Faults shaped like the ones a vTiger install gives: Apache's HTML error pages, not JSON."""

from __future__ import annotations

from http import HTTPStatus

from sandbox.common.faults import Fault

WEBSERVICE_PATH = r"/webservice\.php$"


def html_error_page(status: int) -> bytes:
    """The page Apache answers when PHP behind it fails or is overloaded."""
    phrase = HTTPStatus(status).phrase
    return (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        f"<html><head>\n<title>{status} {phrase}</title>\n</head><body>\n<h1>{phrase}</h1>\n"
        "<p>The server is temporarily unable to service your request due to maintenance downtime "
        "or capacity problems. Please try again later.</p>\n<hr>\n"
        "<address>Apache/2.4.41 (Ubuntu) Server at crm.example.test Port 443</address>\n</body></html>\n"
    ).encode()


def webservice_fault(
    *,
    error_rate: float = 0.0,
    error_status: int = 503,
    timeout_rate: float = 0.0,
    timeout_seconds: float = 30.0,
    delay_seconds: float = 0.0,
    method: str | None = None,
) -> Fault:
    """A ``Fault`` on ``/webservice.php`` whose injected errors carry Apache's HTML page."""
    return Fault(
        path=WEBSERVICE_PATH,
        method=method,
        error_rate=error_rate,
        error_status=error_status,
        timeout_rate=timeout_rate,
        timeout_seconds=timeout_seconds,
        delay_seconds=delay_seconds,
        error_body=html_error_page(error_status),
        error_content_type="text/html; charset=iso-8859-1",
    )
