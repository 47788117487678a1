"""Identity endpoints: ``/identity/connect/authorize``, ``/connect/token``, ``/connections``.

The authorize endpoint approves at once (there is no login page): it checks
the app, the loopback redirect URI and PKCE parameters, connects the
organisations (all of them, or those ``tenants`` picks by id, name or short
code) and redirects back with a code. ``payroll=1`` plays the user ticking
"allow payroll access": payroll scopes are granted only then (the ones asked
for, or all). Payroll exists only for organisations paying in AUD or USD:
ticking it for an organisation picked in ``tenants`` whose base currency is
another one is refused as Xero refuses it (``error=access_denied`` with
Xero's description). Without ``tenants`` every organisation is connected.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from sandbox.xero.auth import KNOWN_SCOPES, PAYROLL_SCOPES, AccessToken, OAuthError, is_loopback_redirect
from sandbox.xero.errors import XeroError, not_found, unauthorized
from sandbox.xero.store import OrgBook, XeroState

PAYROLL_CURRENCIES = frozenset({"AUD", "USD"})
PAYROLL_REFUSED = (
    "The app has requested access to data that this organization doesn't allow. "
    "For further information please contact the app's provider"
)


class Identity:
    """The identity service over a state's auth store."""

    def __init__(self, state: XeroState) -> None:
        self.state = state

    async def authorize(self, request: Request) -> Response:
        """GET /identity/connect/authorize: approve and redirect with ``code`` and ``state``."""
        params = request.query_params
        auth = self.state.auth
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        app = auth.clients.get(client_id)
        if app is None:
            return JSONResponse({"error": "unauthorized_client"}, status_code=400)
        if not is_loopback_redirect(redirect_uri):
            return JSONResponse(
                {"error": "invalid_request", "error_description": "redirect_uri must be a loopback address"},
                status_code=400,
            )
        back = {"state": params["state"]} if "state" in params else {}
        requested = frozenset(params.get("scope", "").split())
        challenge = params.get("code_challenge")
        method = params.get("code_challenge_method", "S256" if challenge else None)
        error = None
        if params.get("response_type") != "code":
            error = "unsupported_response_type"
        elif not requested or not requested <= KNOWN_SCOPES:
            error = "invalid_scope"
        elif (challenge is not None and method != "S256") or (app.client_secret is None and challenge is None):
            error = "invalid_request"
        if error is not None:
            return RedirectResponse(f"{redirect_uri}?{urlencode({'error': error, **back})}", status_code=302)
        granted = requested - PAYROLL_SCOPES
        payroll = params.get("payroll", "").lower() in {"1", "true", "yes"}
        if payroll:
            granted |= (requested & PAYROLL_SCOPES) or PAYROLL_SCOPES
        wanted = [t.strip() for t in params.get("tenants", "").split(",") if t.strip()]
        books = [self._book(t) for t in wanted] if wanted else list(self.state.orgs.values())
        if payroll and wanted and any(b is not None and b.base_currency not in PAYROLL_CURRENCIES for b in books):
            refusal = {"error": "access_denied", "error_description": PAYROLL_REFUSED, **back}
            return RedirectResponse(f"{redirect_uri}?{urlencode(refusal)}", status_code=302)
        tenant_names = {b.tenant_id: b.name for b in books if b is not None}
        code = auth.authorize(client_id, redirect_uri, granted, tenant_names, challenge)
        query = urlencode({"code": code, "scope": " ".join(sorted(granted)), **back})
        return RedirectResponse(f"{redirect_uri}?{query}", status_code=302)

    def _book(self, wanted: str) -> OrgBook | None:
        """The organisation the user picked: by tenant id, or by name or short code."""
        found = self.state.org(wanted)
        if found is not None:
            return found
        try:
            return self.state.org_named(wanted)
        except KeyError:
            return None

    async def token(self, request: Request) -> Response:
        """POST /connect/token: ``authorization_code`` and ``refresh_token`` grants."""
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode(errors="replace")).items()}
        client_id, secret = _client_credentials(request, form)
        grant_type = form.get("grant_type", "")
        auth = self.state.auth
        try:
            if grant_type == "authorization_code":
                code = form.get("code", "")
                app = auth.authenticate_client(client_id, secret, pkce=auth.code_uses_pkce(code))
                answer = auth.exchange_code(app, code, form.get("redirect_uri", ""), form.get("code_verifier"))
            elif grant_type == "refresh_token":
                app = auth.authenticate_client(client_id, secret, pkce=False)
                answer = auth.refresh(app, form.get("refresh_token", ""))
            else:
                raise OAuthError("unsupported_grant_type")
        except OAuthError as exc:
            body = {"error": exc.error}
            if exc.description:
                body["error_description"] = exc.description
            return JSONResponse(body, status_code=400, headers={"Cache-Control": "no-store"})
        return JSONResponse(answer, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    async def connections(self, request: Request) -> Response:
        """GET /connections: the tenants this token may reach (optionally one auth event's)."""
        try:
            token = self._bearer(request)
        except XeroError as exc:
            return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)
        found = self.state.auth.connections(token)
        event = request.query_params.get("authEventId")
        if event:
            found = [c for c in found if c.auth_event_id == event]
        return JSONResponse([c.as_json() for c in found])

    async def disconnect(self, request: Request) -> Response:
        """DELETE /connections/{id}: take a tenant away from the app."""
        try:
            token = self._bearer(request)
            if not self.state.auth.disconnect(token, request.path_params["connection_id"]):
                raise not_found()
        except XeroError as exc:
            return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)
        return Response(status_code=204)

    def _bearer(self, request: Request) -> AccessToken:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise unauthorized()
        held, reason = self.state.auth.access(value.strip())
        if held is None:
            raise unauthorized(reason)
        return held


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str | None]:
    """Client id and secret from HTTP Basic (Xero's way) or, failing that, the form."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip()).decode()
        except ValueError:
            return "", None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret")
