"""Salesforce OAuth2 as an ``httpx.Auth``: bearer token, ``instance_url`` from the store, refresh on 401.

Salesforce says nothing about when a session ends (it times out on
inactivity), so the token is refreshed when Salesforce answers 401
``INVALID_SESSION_ID``: once per request, under the store's lock. Under the
lock the stored token is read again first: if another task already refreshed,
its token is used and no second refresh is spent. The new token is saved
before it is used. The token endpoint's ``instance_url`` lands in the token's
``extra`` (``Token.from_response`` keeps unknown keys), so the API's base URL
is stored with the token.
"""

from __future__ import annotations

import typing as t
from collections.abc import Generator
from datetime import datetime

import httpx

from connectors.base.bodies import token_answer
from connectors.base.errors import AuthError, RetriableError
from connectors.base.tokens import Token, TokenStore, utcnow

__all__ = ["RECONNECT", "SalesforceAuth"]

RECONNECT = "reconnect Salesforce for tenant {tenant}"


class SalesforceAuth(httpx.Auth):
    """Signs requests with the stored access token; on 401 refreshes it once (``grant_type=refresh_token``)."""

    requires_response_body = True

    def __init__(
        self,
        store: TokenStore,
        *,
        client_id: str,
        client_secret: str,
        token_url: str,
        tenant: str = "?",
        now: t.Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self.tenant = tenant
        self.now = now
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"SalesforceAuth(tenant={self.tenant!r}, client_id={self.client_id!r})"

    def token(self) -> Token:
        """The stored token; ``AuthError`` when Salesforce was never connected."""
        token = self.store.load()
        if token is None:
            raise AuthError(f"Salesforce is not connected; {RECONNECT.format(tenant=self.tenant)}")
        return token

    @property
    def instance_url(self) -> str | None:
        """The org's API host, as the token endpoint gave it."""
        value = self.token().extra.get("instance_url")
        return str(value).rstrip("/") if value else None

    def _refresh_request(self, token: Token) -> httpx.Request:
        if not token.refresh_token:
            raise AuthError(f"Salesforce token has no refresh token; {RECONNECT.format(tenant=self.tenant)}")
        return httpx.Request(
            "POST",
            self.token_url,
            data={
                "grant_type": "refresh_token",
                "refresh_token": token.refresh_token,
                "client_id": self.client_id,
                "client_secret": self._client_secret,
            },
            headers={"Accept": "application/json"},
        )

    def _refreshed(self, response: httpx.Response, old: Token) -> Token:
        if response.status_code >= 500:
            raise RetriableError(
                f"Salesforce token endpoint answered {response.status_code}", status=response.status_code
            )
        body = token_answer(response, "Salesforce token endpoint")
        if response.status_code != 200:
            error = body.get("error", f"HTTP {response.status_code}")
            raise AuthError(
                f"Salesforce refused to refresh the token ({error}); {RECONNECT.format(tenant=self.tenant)}"
            )
        self.refreshes += 1
        # Salesforce gives no expires_in: the session lasts until it is idle too long; 401 tells us.
        return Token.from_response({"expires_in": 7200, **body}, self.now(), previous=old)

    def _fresh_token(self, stale: Token) -> Generator[httpx.Request, httpx.Response, Token]:
        """Under the store's lock: a token someone else refreshed meanwhile, or one we refresh and save."""
        with self.store.lock():
            current = self.token()
            if current.access_token != stale.access_token:
                return current
            response = yield self._refresh_request(current)
            response.read()
            token = self._refreshed(response, current)
            self.store.save(token)  # before use: a crash now still leaves a working token stored
            return token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign and send; on 401 (``INVALID_SESSION_ID``) refresh once and send again."""
        token = self.token()
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        response = yield request
        if response.status_code == 401:
            token = yield from self._fresh_token(token)
            request.headers["Authorization"] = f"Bearer {token.access_token}"
            yield request
