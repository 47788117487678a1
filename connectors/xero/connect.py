"""Connecting a Xero organisation: OAuth2 authorization code with PKCE and a loopback redirect.

``connect`` runs the shared consent flow (``connectors.base.consent``: the
user logs in, picks the organisation and, for payroll, ticks "allow payroll
access"), finds the organisation in ``/connections`` and stores the tokens
with the chosen tenant id in the tenant's token store. Where Xero refuses
(payroll for an NZD organisation), its own words are shown.
"""

from __future__ import annotations

import typing as t
import webbrowser
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from connectors.base.bodies import json_answer, records_under
from connectors.base.consent import WAIT_SECONDS, authorize
from connectors.base.errors import AuthError, MalformedResponseError
from connectors.base.tokens import Token, TokenStore
from connectors.xero.auth import XeroEndpoints

__all__ = ["ACCOUNTING_SCOPES", "PAYROLL_SCOPES", "Connection", "connect", "scopes_for"]

ACCOUNTING_SCOPES = (
    "openid",
    "profile",
    "email",
    "offline_access",
    "accounting.transactions",
    "accounting.contacts",
    "accounting.settings",
    "accounting.journals.read",
)
PAYROLL_SCOPES = (
    "payroll.employees",
    "payroll.payruns",
    "payroll.payslip",
    "payroll.settings",
    "payroll.timesheets",
)


def scopes_for(payroll: bool) -> str:
    """The scopes to ask for: accounting always, payroll when the tenant shares HR data."""
    return " ".join(ACCOUNTING_SCOPES + (PAYROLL_SCOPES if payroll else ()))


@dataclass(frozen=True)
class Connection:
    """The organisation a token was connected to."""

    tenant_id: str
    tenant_name: str
    scopes: frozenset[str]

    @property
    def payroll(self) -> bool:
        """Whether the user allowed payroll access."""
        return any(s.startswith("payroll.") for s in self.scopes)


def _choose(connections: list[dict[str, t.Any]], organisation: str) -> dict[str, t.Any]:
    for item in connections:
        if organisation in (item.get("tenantId"), item.get("tenantName")):
            return item
    names = ", ".join(str(c.get("tenantName")) for c in connections) or "none"
    raise AuthError(f"Xero organisation {organisation!r} was not among the connected ones ({names})")


def connect(
    endpoints: XeroEndpoints,
    *,
    client_id: str,
    client_secret: str | None,
    organisation: str,
    store: TokenStore,
    payroll: bool = False,
    open_url: t.Callable[[str], object] = webbrowser.open,
    wait_seconds: float = WAIT_SECONDS,
    http: httpx.Client | None = None,
) -> Connection:
    """Run the consent flow and store the tokens; returns the organisation connected."""
    answer = authorize(
        "Xero",
        authorize_url=endpoints.authorize_url,
        token_url=endpoints.token_url,
        client_id=client_id,
        client_secret=client_secret,
        scope=scopes_for(payroll),
        open_url=open_url,
        wait_seconds=wait_seconds,
    )
    token = Token.from_response(answer, datetime.now(UTC))
    client = http or httpx.Client(timeout=30, follow_redirects=False)
    try:
        response = client.get(endpoints.connections_url, headers={"Authorization": f"Bearer {token.access_token}"})
    finally:
        if http is None:
            client.close()
    if response.status_code != 200:
        raise AuthError(f"Xero /connections answered {response.status_code}")
    body = json_answer(response, "Xero /connections")
    try:
        connections = records_under(body)
    except MalformedResponseError as error:
        raise MalformedResponseError(f"Xero /connections: {error}", status=response.status_code) from None
    chosen = _choose(connections, organisation)
    connection = Connection(str(chosen["tenantId"]), str(chosen.get("tenantName", "")), frozenset(token.scopes))
    with store.lock():
        store.save(token.with_extra(tenant_id=connection.tenant_id, tenant_name=connection.tenant_name))
    return connection
