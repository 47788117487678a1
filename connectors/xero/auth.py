"""Xero OAuth2 as an ``httpx.Auth``: bearer token, tenant header, refresh of rotating tokens under a lock.

A refresh re-reads the stored token under the store's lock first: if another
task or process already refreshed, its new token is used and Xero's
single-use refresh token is not spent twice. The new token is saved before it
is used. A refresh token Xero no longer accepts (``invalid_grant``) means the
connection is gone: the error says to reconnect Xero.
"""

from __future__ import annotations

import base64
import typing as t
from collections.abc import Generator
from dataclasses import dataclass
from datetime import datetime

import httpx

from connectors.base.bodies import token_answer
from connectors.base.errors import AuthError, RetriableError
from connectors.base.tokens import Token, TokenStore, utcnow

__all__ = ["RECONNECT", "XeroAuth", "XeroEndpoints"]

RECONNECT = "reconnect Xero: run `datashare connect xero {tenant}`"


@dataclass(frozen=True)
class XeroEndpoints:
    """Where Xero's API, identity server and login page are (all three on one host in the sandbox)."""

    api: str
    identity: str
    login: str

    @classmethod
    def from_base(cls, base_url: str, auth_url: str | None = None, login_url: str | None = None) -> XeroEndpoints:
        """Endpoints from a tenant's config: ``auth_url``/``login_url`` default to the base URL."""
        return cls(
            api=base_url.rstrip("/"),
            identity=(auth_url or base_url).rstrip("/"),
            login=(login_url or base_url).rstrip("/"),
        )

    @property
    def token_url(self) -> str:
        """The token endpoint (code exchange and refresh)."""
        return f"{self.identity}/connect/token"

    @property
    def authorize_url(self) -> str:
        """The page a user approves the connection on."""
        return f"{self.login}/identity/connect/authorize"

    @property
    def connections_url(self) -> str:
        """The tenants a token may use."""
        return f"{self.api}/connections"


class XeroAuth(httpx.Auth):
    """Signs every request with the tenant's access token and ``xero-tenant-id``; refreshes when due."""

    requires_response_body = True

    def __init__(
        self,
        store: TokenStore,
        *,
        client_id: str,
        client_secret: str,
        token_url: str,
        tenant_id: str | None = None,
        tenant: str = "?",
        now: t.Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self.tenant_id = tenant_id
        self.tenant = tenant
        self.now = now
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"XeroAuth(tenant={self.tenant!r}, client_id={self.client_id!r})"

    def _sign(self, request: httpx.Request, token: Token) -> None:
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        # The organisation chosen when the tenant connected Xero is kept with its token.
        tenant_id = self.tenant_id or token.extra.get("tenant_id")
        if tenant_id:
            request.headers["xero-tenant-id"] = str(tenant_id)

    def _refresh_request(self, token: Token) -> httpx.Request:
        if not token.refresh_token:
            raise AuthError(f"Xero token has no refresh token; {RECONNECT.format(tenant=self.tenant)}")
        basic = base64.b64encode(f"{self.client_id}:{self._client_secret}".encode()).decode()
        return httpx.Request(
            "POST",
            self.token_url,
            data={"grant_type": "refresh_token", "refresh_token": token.refresh_token},
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
        )

    def _refreshed(self, response: httpx.Response, old: Token) -> Token:
        if response.status_code >= 500:
            raise RetriableError(f"Xero token endpoint answered {response.status_code}", status=response.status_code)
        body = token_answer(response, "Xero token endpoint")
        if response.status_code != 200:
            error = body.get("error", f"HTTP {response.status_code}")
            raise AuthError(f"Xero refused to refresh the token ({error}); {RECONNECT.format(tenant=self.tenant)}")
        self.refreshes += 1
        return Token.from_response(body, self.now(), previous=old)

    def _fresh_token(self, stale: Token | None, *, force: bool) -> Generator[httpx.Request, httpx.Response, Token]:
        """Under the store's lock: use a token someone else refreshed, or refresh and save it ourselves."""
        with self.store.lock():
            current = self.store.load()
            if current is None:
                raise AuthError(
                    f"Xero is not connected for tenant {self.tenant!r}; {RECONNECT.format(tenant=self.tenant)}"
                )
            replaced = stale is not None and current.access_token != stale.access_token
            if replaced and not current.expiring(self.now()):
                return current
            if not force and not current.expiring(self.now()):
                return current
            response = yield self._refresh_request(current)
            response.read()
            token = self._refreshed(response, current)
            self.store.save(token)  # before use: a crash now still leaves the live refresh token stored
            return token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign, send; on a 401 refresh once and send again."""
        token = self.store.load()
        if token is None or token.expiring(self.now()):
            token = yield from self._fresh_token(token, force=False)
        self._sign(request, token)
        response = yield request
        if response.status_code == 401:
            token = yield from self._fresh_token(token, force=True)
            self._sign(request, token)
            yield request
