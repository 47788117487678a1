"""Connecting a Xero organisation: OAuth2 authorization code with PKCE and a loopback redirect.

``connect`` opens Xero's consent page (the user logs in, picks the
organisation and, for payroll, ticks "allow payroll access"), catches the
redirect on a one-shot listener on 127.0.0.1, exchanges the code (authlib does
the OAuth2 and PKCE), finds the organisation in ``/connections`` and stores the
tokens with the chosen tenant id in the tenant's token store.
"""

from __future__ import annotations

import http.server
import threading
import typing as t
import webbrowser
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from connectors.base.errors import AuthError
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
_WAIT_SECONDS = 300


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


class _Catcher(http.server.BaseHTTPRequestHandler):
    """Answers the one redirect Xero sends back, and remembers its URL."""

    server: _CatchServer

    def do_GET(self) -> None:
        """Take the callback and tell the user they can close the tab."""
        host, port = self.server.server_address[:2]
        self.server.callback = f"http://{host!s}:{port}{self.path}"
        body = b"datashare is connected to Xero. You can close this tab."
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.done.set()

    def log_message(self, format: str, *args: t.Any) -> None:
        """Silence: the callback URL holds the authorization code."""


class _CatchServer(http.server.HTTPServer):
    callback: str | None = None
    done: threading.Event


def _listen() -> _CatchServer:
    server = _CatchServer(("127.0.0.1", 0), _Catcher)
    server.done = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


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
    wait_seconds: float = _WAIT_SECONDS,
    http: httpx.Client | None = None,
) -> Connection:
    """Run the consent flow and store the tokens; returns the organisation connected."""
    server = _listen()
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/callback"
    try:
        session = OAuth2Session(
            client_id,
            client_secret,
            scope=scopes_for(payroll),
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if client_secret else "none",
        )
        verifier = generate_token(64)
        url, state = session.create_authorization_url(endpoints.authorize_url, code_verifier=verifier)
        open_url(url)
        if not server.done.wait(wait_seconds) or server.callback is None:
            raise AuthError(f"no answer from Xero's consent page within {wait_seconds:.0f} s")
        query = parse_qs(urlsplit(server.callback).query)
        if "error" in query:
            # Xero's own words where it gives them: the user is told why (e.g. payroll for an NZD organisation).
            why = query.get("error_description", query["error"])[0]
            raise AuthError(f"Xero refused the connection: {why}")
        answer = session.fetch_token(
            endpoints.token_url, authorization_response=server.callback, code_verifier=verifier, state=state
        )
    finally:
        server.shutdown()
        server.server_close()
    token = Token.from_response(dict(answer), datetime.now(UTC))
    client = http or httpx.Client(timeout=30, follow_redirects=False)
    try:
        response = client.get(endpoints.connections_url, headers={"Authorization": f"Bearer {token.access_token}"})
    finally:
        if http is None:
            client.close()
    if response.status_code != 200:
        raise AuthError(f"Xero /connections answered {response.status_code}")
    chosen = _choose(list(response.json()), organisation)
    connection = Connection(str(chosen["tenantId"]), str(chosen.get("tenantName", "")), frozenset(token.scopes))
    with store.lock():
        store.save(token.with_extra(tenant_id=connection.tenant_id, tenant_name=connection.tenant_name))
    return connection
