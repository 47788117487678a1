"""Faults shaped like the ones a vTiger install gives: Apache's HTML error pages, not JSON."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

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


def webservice_fault(*, method: str | None = None, **rule: Any) -> Fault:
    """A ``Fault`` on ``/webservice.php`` (``rule``: ``Fault``'s rates and times) with Apache's HTML error page."""
    return Fault(path=WEBSERVICE_PATH, method=method, **rule).dressed(html_error_page, "text/html; charset=iso-8859-1")
