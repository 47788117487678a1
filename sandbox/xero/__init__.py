"""A stateful emulator of the Xero Accounting API 2.0, Xero Payroll (AU, and US) and Xero's identity service.

``create_app`` builds the ASGI app (accounting under ``API_ROOT``, payroll
under ``PAYROLL_ROOT``); ``XeroState`` holds organisations, tokens and
records, each organisation's payroll in its ``PayrollState``
(``OrgBook.payroll``; ``OrgBook.activate_payroll()`` sets payroll up);
``seed_sample`` fills a state with the sample organisations; ``RateLimits``
configures the rate limits. The sample app's credentials are
``SAMPLE_CLIENT_ID`` / ``SAMPLE_CLIENT_SECRET``.
"""

from sandbox.xero.app import API_ROOT, create_app
from sandbox.xero.auth import DEFAULT_SCOPES, PAYROLL_SCOPES, SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET
from sandbox.xero.faults import xero_fault
from sandbox.xero.limits import RateLimits
from sandbox.xero.payroll import PayrollState
from sandbox.xero.payroll.api import PAYROLL_ROOT
from sandbox.xero.samples import PROFILES, SampleContact, SampleDirectory, SampleItem, sample_directory
from sandbox.xero.seed import seed_sample
from sandbox.xero.store import OrgBook, XeroState

__all__ = [
    "API_ROOT",
    "DEFAULT_SCOPES",
    "PAYROLL_ROOT",
    "PAYROLL_SCOPES",
    "PROFILES",
    "SAMPLE_CLIENT_ID",
    "SAMPLE_CLIENT_SECRET",
    "OrgBook",
    "PayrollState",
    "RateLimits",
    "SampleContact",
    "SampleDirectory",
    "SampleItem",
    "XeroState",
    "create_app",
    "sample_directory",
    "seed_sample",
    "xero_fault",
]
