"""Magento's bearer auth: an integration access token, or an admin token got with a username and password.

An integration token never expires (Magento 2.4.4+ accepts it as a bearer
token once ``oauth/consumer/enable_integration_as_bearer`` is on). An admin
token comes from ``POST rest/V1/integration/admin/token`` and lives four
hours: ``MagentoAdminAuth`` fetches one before the first call, fetches a new
one shortly before it expires, and once more when a call is refused with 401
(the token was revoked or the store's lifetime is shorter). Neither the
password nor a token ever appears in a ``repr`` or an error.
"""

from __future__ import annotations

import threading
import typing as t
from collections.abc import Generator
from datetime import datetime, timedelta
from http import HTTPStatus

import httpx

from connectors.base.bodies import json_answer
from connectors.base.errors import AuthError, RetriableError, retry_after_seconds
from connectors.base.tokens import utcnow

__all__ = ["ADMIN_TOKEN_LIFETIME", "MagentoAdminAuth", "MagentoToken"]

ADMIN_TOKEN_LIFETIME = timedelta(hours=4)
"""How long Magento keeps an admin token by default."""

_MARGIN = timedelta(minutes=5)  # fetch a new token this long before the old one expires


class MagentoToken(httpx.Auth):
    """``Authorization: Bearer <integration token>`` on every request. ``repr`` hides it."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("a Magento access token is needed")
        self._token = token

    def __repr__(self) -> str:
        return "MagentoToken(***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the header."""
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class MagentoAdminAuth(httpx.Auth):
    """An admin token from a username and password, renewed before it expires and after a 401."""

    requires_response_body = True

    def __init__(
        self,
        token_url: str,
        username: str,
        password: str,
        *,
        lifetime: timedelta = ADMIN_TOKEN_LIFETIME,
        now: t.Callable[[], datetime] = utcnow,
    ) -> None:
        if not username or not password:
            raise ValueError("a Magento admin username and password are needed")
        self.token_url = token_url
        self.username = username
        self._password = password
        self.lifetime = lifetime
        self.now = now
        self.sign_ins = 0
        self._token: str | None = None
        self._expires: datetime | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MagentoAdminAuth({self.username!r}, ***)"

    def _sign_in(self) -> Generator[httpx.Request, httpx.Response, str]:
        """Ask for a new admin token; a refusal is fatal (wrong credentials), a server failure retriable."""
        response = yield httpx.Request(
            "POST", self.token_url, json={"username": self.username, "password": self._password}
        )
        status = response.status_code
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR or status == HTTPStatus.TOO_MANY_REQUESTS:
            raise RetriableError(
                f"Magento admin sign-in of {self.username!r}: {status}",
                status=status,
                retry_after=retry_after_seconds(response),
            )
        if status != HTTPStatus.OK:
            message = ""
            try:
                body = response.json()
                message = str(body.get("message", "")) if isinstance(body, dict) else ""
            except ValueError:
                pass
            raise AuthError(
                f"Magento refused the admin sign-in of {self.username!r} ({status}): {message}".strip(), status=status
            )
        token = json_answer(response, f"Magento admin sign-in of {self.username!r}")
        if not isinstance(token, str) or not token:
            raise AuthError(f"Magento's admin token answer for {self.username!r} is not a token")
        with self._lock:
            self._token = token
            self._expires = self.now() + self.lifetime
            self.sign_ins += 1
        return token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign in when there is no live token, send the request; on 401 sign in again once and resend it."""
        with self._lock:
            token = self._token if self._expires is not None and self.now() < self._expires - _MARGIN else None
        fresh = token is None
        if token is None:
            token = yield from self._sign_in()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == HTTPStatus.UNAUTHORIZED and not fresh:
            token = yield from self._sign_in()
            request.headers["Authorization"] = f"Bearer {token}"
            yield request
