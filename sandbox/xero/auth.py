"""OAuth 2 as Xero's identity service does it: apps, grants, tokens, scopes, connections.

- Access tokens are JWT-shaped and last 30 minutes.
- Refresh tokens (only with ``offline_access``) rotate on every refresh; the
  one just replaced keeps working for a 30-minute grace period, after which
  it answers ``invalid_grant``. Unused refresh tokens die after 60 days.
- Authorization codes last 5 minutes, are single-use, and check PKCE (S256).
- A token may reach the tenants its user connected to its app
  (``/connections``); deleting a connection takes that tenant away.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sandbox.common.clock import Clock

SAMPLE_CLIENT_ID = "6F1D3C6A2B8E4B0C9A7D5E3F1B2C4D6E"
SAMPLE_CLIENT_SECRET = "sandbox-xero-secret-Xk2v9QmT4pLr8sWz3nBy6cHd"  # noqa: S105 - a published sandbox credential
SAMPLE_APP_NAME = "datashare sandbox"
SAMPLE_USER_ID = "0b7f0c58-5c55-4c4a-9d3c-8f4f7f4d1a01"

ACCESS_TOKEN_TTL = timedelta(minutes=30)
REFRESH_GRACE = timedelta(minutes=30)
REFRESH_TOKEN_TTL = timedelta(days=60)
AUTH_CODE_TTL = timedelta(minutes=5)

PAYROLL_SCOPES = frozenset(
    f"payroll.{name}{suffix}"
    for name in ("employees", "payruns", "payslip", "settings", "timesheets")
    for suffix in ("", ".read")
)
IDENTITY_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
ACCOUNTING_SCOPES = frozenset(
    f"accounting.{name}{suffix}"
    for name in (
        *("transactions", "contacts", "settings", "attachments"),
        *("invoices", "payments", "banktransactions", "manualjournals"),
    )
    for suffix in ("", ".read")
) | frozenset({"accounting.journals.read", "accounting.reports.read", "accounting.budgets.read"})
KNOWN_SCOPES = IDENTITY_SCOPES | ACCOUNTING_SCOPES | PAYROLL_SCOPES
DEFAULT_SCOPES = frozenset(
    {"openid", "profile", "email", "offline_access"}
    | {"accounting.transactions", "accounting.contacts", "accounting.settings", "accounting.journals.read"}
)

_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge for a PKCE code verifier."""
    return _b64url(hashlib.sha256(verifier.encode()).digest())


def is_loopback_redirect(uri: str) -> bool:
    """Whether a redirect URI points at this machine (the only kind the sandbox honours)."""
    parts = urlsplit(uri)
    return parts.scheme in {"http", "https"} and (parts.hostname or "") in _LOOPBACK_HOSTS


@dataclass
class ClientApp:
    """A registered app; ``client_secret`` None means a public (PKCE-only) client."""

    client_id: str
    client_secret: str | None
    name: str


@dataclass
class Connection:
    """One tenant connected to one app by one user."""

    id: str
    tenant_id: str
    tenant_name: str
    auth_event_id: str
    created: datetime
    updated: datetime

    def as_json(self) -> dict[str, Any]:
        """The ``/connections`` element (Xero prints these timestamps without a zone)."""
        return {
            "id": self.id,
            "authEventId": self.auth_event_id,
            "tenantId": self.tenant_id,
            "tenantType": "ORGANISATION",
            "tenantName": self.tenant_name,
            "createdDateUtc": self.created.strftime("%Y-%m-%dT%H:%M:%S.%f0"),
            "updatedDateUtc": self.updated.strftime("%Y-%m-%dT%H:%M:%S.%f0"),
        }


@dataclass
class Grant:
    """What a user allowed an app: scopes, on behalf of a user."""

    client_id: str
    user_id: str
    auth_event_id: str
    scopes: frozenset[str]


@dataclass
class AccessToken:
    """An issued access token."""

    token: str
    grant: Grant
    expires_at: datetime


@dataclass
class RefreshToken:
    """An issued refresh token and its rotation state."""

    token: str
    grant: Grant
    expires_at: datetime
    rotated_at: datetime | None = None


@dataclass
class AuthCode:
    """A pending authorization code."""

    code: str
    client_id: str
    redirect_uri: str
    grant: Grant
    tenant_names: dict[str, str]
    challenge: str | None
    expires_at: datetime
    used: bool = False


class OAuthError(Exception):
    """An OAuth error answer: ``{"error": code}`` with HTTP 400."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(error)
        self.error = error
        self.description = description


@dataclass
class AuthStore:
    """Apps, codes, tokens and connections, behind their own lock."""

    clock: Clock
    clients: dict[str, ClientApp] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._signing_key = secrets.token_bytes(32)
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._codes: dict[str, AuthCode] = {}
        self._connections: dict[tuple[str, str], dict[str, Connection]] = {}
        self.register_client(SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, SAMPLE_APP_NAME)

    def register_client(self, client_id: str, client_secret: str | None, name: str) -> ClientApp:
        """Add an app (a public PKCE client when ``client_secret`` is None)."""
        app = ClientApp(client_id, client_secret, name)
        with self._lock:
            self.clients[client_id] = app
        return app

    def authenticate_client(self, client_id: str, client_secret: str | None, *, pkce: bool) -> ClientApp:
        """Check an app's credentials; a secret may be left out only on a PKCE exchange."""
        app = self.clients.get(client_id)
        if app is None:
            raise OAuthError("invalid_client")
        if client_secret is None:
            if pkce:
                return app
            raise OAuthError("invalid_client")
        if app.client_secret is None or not hmac.compare_digest(app.client_secret, client_secret):
            raise OAuthError("invalid_client")
        return app

    # -- granting -----------------------------------------------------------------

    def grant(
        self, client_id: str, tenant_names: dict[str, str], scopes: frozenset[str], *, user_id: str | None = None
    ) -> dict[str, Any]:
        """Connect tenants for a user of ``client_id`` and issue a token set (used by tests and the demo)."""
        if client_id not in self.clients:
            raise KeyError(f"no such client: {client_id}")
        grant = Grant(client_id, user_id or str(uuid.uuid4()), str(uuid.uuid4()), scopes)
        with self._lock:
            self._connect(grant, tenant_names)
            return self._issue(grant)

    def authorize(
        self,
        client_id: str,
        redirect_uri: str,
        scopes: frozenset[str],
        tenant_names: dict[str, str],
        challenge: str | None,
    ) -> str:
        """Record an approved authorization request and return its code."""
        now = self.clock.now()
        grant = Grant(client_id, SAMPLE_USER_ID, str(uuid.uuid4()), scopes)
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = AuthCode(
                code, client_id, redirect_uri, grant, tenant_names, challenge, now + AUTH_CODE_TTL
            )
        return code

    def exchange_code(self, app: ClientApp, code: str, redirect_uri: str, verifier: str | None) -> dict[str, Any]:
        """The ``authorization_code`` grant."""
        with self._lock:
            pending = self._codes.get(code)
            if pending is None or pending.used or self.clock.now() >= pending.expires_at:
                raise OAuthError("invalid_grant")
            if pending.client_id != app.client_id or pending.redirect_uri != redirect_uri:
                raise OAuthError("invalid_grant")
            if pending.challenge is not None and (
                not verifier or not hmac.compare_digest(pkce_challenge(verifier), pending.challenge)
            ):
                raise OAuthError("invalid_grant", "PKCE verification failed")
            pending.used = True
            self._connect(pending.grant, pending.tenant_names)
            return self._issue(pending.grant)

    def code_uses_pkce(self, code: str) -> bool:
        """Whether a pending code was requested with a PKCE challenge."""
        pending = self._codes.get(code)
        return pending is not None and pending.challenge is not None

    def refresh(self, app: ClientApp, token: str) -> dict[str, Any]:
        """The ``refresh_token`` grant: rotate, leaving the old token a grace period."""
        now = self.clock.now()
        with self._lock:
            held = self._refresh.get(token)
            if held is None or held.grant.client_id != app.client_id or now >= held.expires_at:
                raise OAuthError("invalid_grant")
            if held.rotated_at is not None and now >= held.rotated_at + REFRESH_GRACE:
                raise OAuthError("invalid_grant")
            if held.rotated_at is None:
                held.rotated_at = now
            return self._issue(held.grant)

    # -- using tokens -------------------------------------------------------------

    def access(self, token: str) -> tuple[AccessToken | None, str]:
        """Look up a bearer token: (token, "") or (None, the reason Xero gives)."""
        with self._lock:
            held = self._access.get(token)
        if held is None:
            return None, "AuthenticationUnsuccessful"
        if self.clock.now() >= held.expires_at:
            return None, f"TokenExpired: token expired at {held.expires_at.strftime('%m/%d/%Y %H:%M:%S')}"
        return held, ""

    def connections(self, held: AccessToken) -> list[Connection]:
        """The tenants this token's user has connected to its app."""
        with self._lock:
            found = self._connections.get((held.grant.client_id, held.grant.user_id), {})
            return list(found.values())

    def may_access(self, held: AccessToken, tenant_id: str) -> bool:
        """Whether the token's user has this tenant connected to the app."""
        with self._lock:
            return tenant_id in self._connections.get((held.grant.client_id, held.grant.user_id), {})

    def disconnect(self, held: AccessToken, connection_id: str) -> bool:
        """Remove one connection; False when there is no such connection."""
        with self._lock:
            found = self._connections.get((held.grant.client_id, held.grant.user_id), {})
            for tenant_id, connection in list(found.items()):
                if connection.id == connection_id:
                    del found[tenant_id]
                    return True
        return False

    def app_name(self, client_id: str) -> str:
        """The app's display name (Xero's ``ProviderName``)."""
        app = self.clients.get(client_id)
        return app.name if app else client_id

    # -- internals (call with the lock held) ----------------------------------------

    def _connect(self, grant: Grant, tenant_names: dict[str, str]) -> None:
        now = self.clock.now()
        found = self._connections.setdefault((grant.client_id, grant.user_id), {})
        for tenant_id, name in tenant_names.items():
            existing = found.get(tenant_id)
            created = existing.created if existing else now
            connection_id = existing.id if existing else str(uuid.uuid4())
            found[tenant_id] = Connection(connection_id, tenant_id, name, grant.auth_event_id, created, now)

    def _issue(self, grant: Grant) -> dict[str, Any]:
        now = self.clock.now()
        self._prune(now)
        expires = now + ACCESS_TOKEN_TTL
        access = self._jwt(
            {
                "nbf": int(now.timestamp()),
                "exp": int(expires.timestamp()),
                "iss": "https://identity.xero.com",
                "aud": "https://identity.xero.com/resources",
                "client_id": grant.client_id,
                "sub": grant.user_id,
                "xero_userid": grant.user_id,
                "authentication_event_id": grant.auth_event_id,
                "jti": secrets.token_hex(16),
                "scope": sorted(grant.scopes),
            }
        )
        self._access[access] = AccessToken(access, grant, expires)
        answer: dict[str, Any] = {
            "access_token": access,
            "expires_in": int(ACCESS_TOKEN_TTL.total_seconds()),
            "token_type": "Bearer",
            "scope": " ".join(sorted(grant.scopes)),
        }
        if "openid" in grant.scopes:
            answer["id_token"] = self._jwt(
                {
                    "iss": "https://identity.xero.com",
                    "aud": grant.client_id,
                    "sub": grant.user_id,
                    "xero_userid": grant.user_id,
                    "email": "sandbox.user@example.com",
                    "given_name": "Sandbox",
                    "family_name": "User",
                    "iat": int(now.timestamp()),
                    "exp": int((now + timedelta(minutes=5)).timestamp()),
                }
            )
        if "offline_access" in grant.scopes:
            refresh = secrets.token_hex(32)
            self._refresh[refresh] = RefreshToken(refresh, grant, now + REFRESH_TOKEN_TTL)
            answer["refresh_token"] = refresh
        return answer

    def _jwt(self, claims: dict[str, Any]) -> str:
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._signing_key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64url(signature)}"

    def _prune(self, now: datetime) -> None:
        # Keep memory bounded in long demo runs: drop what can never be used again.
        if len(self._access) > 5000:
            self._access = {k: v for k, v in self._access.items() if v.expires_at > now}
        if len(self._refresh) > 5000:
            self._refresh = {
                k: v
                for k, v in self._refresh.items()
                if v.expires_at > now and (v.rotated_at is None or v.rotated_at + REFRESH_GRACE > now)
            }
