"""A stateful emulator of vTiger CRM's legacy webservice (``/webservice.php``).

It behaves as a vTiger 7 install does as far as a client can see: the
challenge/login handshake and session expiry, ``listtypes``/``describe``, create,
retrieve, update (whole record) and revise (partial), delete with tombstones,
VTQL ``query`` (100 rows at most), ``sync``, inventory line items with computed
totals, the stock an invoice or a received purchase order moves, and vTiger's
error envelope sent with HTTP 200.

    state = VtigerState()
    seed_sample(state)
    app = create_app(state)          # serves /webservice.php
    # log in as SAMPLE_USERNAME with SAMPLE_ACCESS_KEY
"""

from sandbox.common.spelling import spelling_variant
from sandbox.vtiger.app import create_app
from sandbox.vtiger.auth import access_key_for
from sandbox.vtiger.errors import ErrorCode, VtigerError
from sandbox.vtiger.faults import html_error_page, webservice_fault
from sandbox.vtiger.seed import SeedSummary, seed_sample
from sandbox.vtiger.state import (
    SALES_ACCESS_KEY,
    SALES_USERNAME,
    SAMPLE_ACCESS_KEY,
    SAMPLE_USERNAME,
    VtigerState,
)

__all__ = [
    "SALES_ACCESS_KEY",
    "SALES_USERNAME",
    "SAMPLE_ACCESS_KEY",
    "SAMPLE_USERNAME",
    "ErrorCode",
    "SeedSummary",
    "VtigerError",
    "VtigerState",
    "access_key_for",
    "create_app",
    "html_error_page",
    "seed_sample",
    "spelling_variant",
    "webservice_fault",
]
