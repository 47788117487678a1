"""Connecting a Salesforce org: the OAuth2 web-server flow (with PKCE) against the org's login host.

The token endpoint's answer names the org's ``instance_url``; it is kept
beside the tokens, so API calls go to the org's own host.
"""

from __future__ import annotations

import typing as t
import webbrowser
from datetime import UTC, datetime

from connectors.base.consent import WAIT_SECONDS, authorize
from connectors.base.errors import AuthError
from connectors.base.tokens import Token, TokenStore

__all__ = ["SCOPES", "connect"]

SCOPES = "api refresh_token"
"""REST API access, and a refresh token so runs need nobody at the keyboard."""


def connect(
    login_url: str,
    *,
    client_id: str,
    client_secret: str | None,
    store: TokenStore,
    open_url: t.Callable[[str], object] = webbrowser.open,
    wait_seconds: float = WAIT_SECONDS,
) -> str:
    """Run the consent flow at ``login_url`` (login.salesforce.com, or the sandbox) and store the tokens.

    Returns the org's instance URL. ``AuthError`` when Salesforce gives no
    refresh token (the connected app lacks the ``refresh_token`` scope).
    """
    base = login_url.rstrip("/")
    answer = authorize(
        "Salesforce",
        authorize_url=f"{base}/services/oauth2/authorize",
        token_url=f"{base}/services/oauth2/token",
        client_id=client_id,
        client_secret=client_secret,
        scope=SCOPES,
        open_url=open_url,
        wait_seconds=wait_seconds,
    )
    if not answer.get("refresh_token"):
        raise AuthError("Salesforce gave no refresh token: allow the refresh_token scope on the connected app")
    token = Token.from_response(answer, datetime.now(UTC))
    with store.lock():
        store.save(token)
    return str(answer.get("instance_url") or base)
