"""Xero emulator: OAuth 2 (authorization code + PKCE, refresh rotation), connections, tenants, scopes."""

from __future__ import annotations

import base64
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from xero_support import XeroTestClient

from sandbox.common.clock import FakeClock
from sandbox.xero import SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, XeroState
from sandbox.xero.auth import PAYROLL_SCOPES, pkce_challenge
from sandbox.xero.store import OrgBook

REDIRECT = "http://127.0.0.1:8765/callback"
BASIC = "Basic " + base64.b64encode(f"{SAMPLE_CLIENT_ID}:{SAMPLE_CLIENT_SECRET}".encode()).decode()


def _authorize(client: XeroTestClient, verifier: str | None = None, **extra: str) -> dict[str, list[str]]:
    params = {
        "response_type": "code",
        "client_id": SAMPLE_CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "openid offline_access accounting.transactions accounting.contacts accounting.settings.read",
        "state": "xyz",
        **extra,
    }
    if verifier is not None:
        params.update(code_challenge=pkce_challenge(verifier), code_challenge_method="S256")
    answer = client.get("/identity/connect/authorize", params=params, auth=False, tenant=False)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(REDIRECT)
    return parse_qs(urlsplit(location).query)


def _token(client: XeroTestClient, form: dict[str, str], auth_header: str | None = BASIC) -> httpx.Response:
    headers = {"Authorization": auth_header} if auth_header else {}
    return client.request("POST", "/connect/token", data=form, headers=headers, auth=False, tenant=False)


def _exchange(client: XeroTestClient, code: str, verifier: str | None) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    if verifier:
        form["code_verifier"] = verifier
    return _token(client, form)


def _call(client: XeroTestClient, token: str, tenant: str, path: str = "Organisation") -> httpx.Response:
    return client.request(
        "GET", path, auth=False, tenant=False, headers={"Authorization": f"Bearer {token}", "xero-tenant-id": tenant}
    )


def test_authorization_code_with_pkce_issues_tokens_that_reach_the_api(xero_client, xero_org):
    verifier = secrets.token_urlsafe(48)
    redirect = _authorize(xero_client, verifier)
    assert redirect["state"] == ["xyz"]
    answer = _exchange(xero_client, redirect["code"][0], verifier)
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 1800
    assert {"access_token", "refresh_token", "id_token"} <= set(tokens)
    assert tokens["access_token"].count(".") == 2  # JWT-shaped, like Xero's
    org = _call(xero_client, tokens["access_token"], xero_org.tenant_id)
    assert org.status_code == 200
    assert org.json()["Organisations"][0]["OrganisationID"] == xero_org.tenant_id


def test_pkce_verifier_must_match_the_challenge(xero_client):
    redirect = _authorize(xero_client, "the-right-verifier-" + "x" * 30)
    answer = _exchange(xero_client, redirect["code"][0], "a-wrong-verifier-" + "y" * 30)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_authorization_code_is_single_use(xero_client):
    verifier = secrets.token_urlsafe(48)
    code = _authorize(xero_client, verifier)["code"][0]
    assert _exchange(xero_client, code, verifier).status_code == 200
    again = _exchange(xero_client, code, verifier)
    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant"}


def test_authorization_code_expires_after_five_minutes(xero_client, xero_clock):
    code = _authorize(xero_client)["code"][0]
    xero_clock.advance(301)
    assert _exchange(xero_client, code, None).json() == {"error": "invalid_grant"}


def test_wrong_client_secret_is_invalid_client(xero_client):
    code = _authorize(xero_client)["code"][0]
    bad = "Basic " + base64.b64encode(f"{SAMPLE_CLIENT_ID}:not-the-secret".encode()).decode()
    answer = _token(xero_client, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}, bad)
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_client"}


def test_public_client_must_use_pkce_and_may_then_skip_the_secret(xero_client, xero_state):
    xero_state.auth.register_client("PUBLICAPP", None, "A desktop app")
    refused = xero_client.get(
        "/identity/connect/authorize",
        params={"response_type": "code", "client_id": "PUBLICAPP", "redirect_uri": REDIRECT, "scope": "openid"},
        auth=False,
        tenant=False,
    )
    assert parse_qs(urlsplit(refused.headers["location"]).query)["error"] == ["invalid_request"]
    verifier = secrets.token_urlsafe(48)
    code = _authorize(xero_client, verifier, client_id="PUBLICAPP")["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "PUBLICAPP",
        "code_verifier": verifier,
    }
    assert _token(xero_client, form, auth_header=None).status_code == 200


def test_redirect_uri_must_be_loopback(xero_client):
    answer = xero_client.get(
        "/identity/connect/authorize",
        params={"response_type": "code", "client_id": SAMPLE_CLIENT_ID, "redirect_uri": "https://evil.example.com/cb"},
        auth=False,
        tenant=False,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


def test_payroll_scopes_are_granted_only_when_payroll_access_is_ticked(xero_client):
    scope = "offline_access accounting.settings payroll.employees payroll.timesheets"
    without = _authorize(xero_client, scope=scope)
    assert "payroll.employees" not in without["scope"][0]
    ticked = _authorize(xero_client, scope=scope, payroll="1")
    assert {"payroll.employees", "payroll.timesheets"} <= set(ticked["scope"][0].split())
    only_accounting = _authorize(xero_client, scope="offline_access accounting.settings", payroll="1")
    assert set(only_accounting["scope"][0].split()) >= PAYROLL_SCOPES
    tokens = _exchange(xero_client, ticked["code"][0], None).json()
    assert "payroll.employees" in tokens["scope"].split()


def test_access_token_expires_after_thirty_minutes(xero_client, xero_clock, xero_org):
    assert xero_client.get("Organisation").status_code == 200
    xero_clock.advance(29 * 60 + 59)
    assert xero_client.get("Organisation").status_code == 200
    xero_clock.advance(1)
    expired = xero_client.get("Organisation")
    assert expired.status_code == 401
    assert expired.json()["Detail"].startswith("TokenExpired: token expired at")
    assert expired.json()["Title"] == "Unauthorized"
    assert "invalid_token" in expired.headers["www-authenticate"]


def test_refresh_token_rotates_and_old_one_dies_after_grace(xero_client, xero_state, xero_clock, xero_org):
    first = xero_state.issue_tokens(tenant_ids=[xero_org.tenant_id])
    refreshed = _token(xero_client, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert _call(xero_client, second["access_token"], xero_org.tenant_id).status_code == 200
    # Within the 30-minute grace the replaced token still works (a second process racing us).
    xero_clock.advance(29 * 60)
    graced = _token(xero_client, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert graced.status_code == 200
    xero_clock.advance(60)
    dead = _token(xero_client, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert dead.status_code == 400
    assert dead.json() == {"error": "invalid_grant"}
    # The newest token is still good.
    newest = _token(xero_client, {"grant_type": "refresh_token", "refresh_token": graced.json()["refresh_token"]})
    assert newest.status_code == 200


def test_unused_refresh_token_dies_after_sixty_days(xero_client, xero_state, xero_clock):
    tokens = xero_state.issue_tokens()
    xero_clock.advance(60 * 86_400)
    answer = _token(xero_client, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert answer.json() == {"error": "invalid_grant"}


def test_no_refresh_token_without_offline_access(xero_state):
    tokens = xero_state.issue_tokens(scopes={"accounting.settings"})
    assert "refresh_token" not in tokens
    assert "id_token" not in tokens


def test_another_app_cannot_use_a_refresh_token(xero_client, xero_state):
    tokens = xero_state.issue_tokens()
    xero_state.auth.register_client("OTHERAPP", "other-secret", "Other")
    other = "Basic " + base64.b64encode(b"OTHERAPP:other-secret").decode()
    answer = _token(xero_client, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}, other)
    assert answer.json() == {"error": "invalid_grant"}


def test_unsupported_grant_type(xero_client):
    assert _token(xero_client, {"grant_type": "password"}).json() == {"error": "unsupported_grant_type"}


def test_connections_list_the_tenants_a_token_may_see():
    state = XeroState(clock=FakeClock())
    from sandbox.xero import seed_sample

    au, us, _nz = seed_sample(state, orgs=("au", "us", "nz"), history=False)
    client = XeroTestClient(_app(state))
    try:
        tokens = state.issue_tokens(tenant_ids=[au.tenant_id, us.tenant_id])
        answer = client.get("/connections", headers={"Authorization": f"Bearer {tokens['access_token']}"}, auth=False)
        assert answer.status_code == 200
        connections = answer.json()
        assert {c["tenantId"] for c in connections} == {au.tenant_id, us.tenant_id}
        for connection in connections:
            assert set(connection) == {
                "id", "authEventId", "tenantId", "tenantType", "tenantName", "createdDateUtc", "updatedDateUtc",
            }  # fmt: skip
            assert connection["tenantType"] == "ORGANISATION"
        assert {c["tenantName"] for c in connections} == {au.name, us.name}
        event = connections[0]["authEventId"]
        filtered = client.get(
            "/connections",
            params={"authEventId": event},
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
            auth=False,
        ).json()
        assert len(filtered) == 2
        assert client.get("/connections", auth=False).status_code == 401
    finally:
        client.close()


def test_deleting_a_connection_takes_the_tenant_away(xero_client, xero_org):
    connections = xero_client.get("/connections", tenant=False).json()
    (connection,) = connections
    assert xero_client.request("DELETE", f"/connections/{connection['id']}", tenant=False).status_code == 204
    assert xero_client.get("/connections", tenant=False).json() == []
    refused = xero_client.get("Organisation")
    assert refused.status_code == 403
    assert refused.json()["Detail"] == "AuthorizationUnsuccessful"


@pytest.mark.parametrize("header", ["xero-tenant-id", "Xero-Tenant-Id", "XERO-TENANT-ID", "Xero-tenant-ID"])
def test_tenant_header_matches_case_insensitively(xero_client, xero_org, header):
    answer = xero_client.get("Organisation", tenant=False, headers={header: xero_org.tenant_id.upper()})
    assert answer.status_code == 200


def test_missing_tenant_header_is_forbidden(xero_client):
    answer = xero_client.get("Invoices", tenant=False)
    assert answer.status_code == 403
    body = answer.json()
    assert body["Title"] == "Forbidden"
    assert body["Detail"] == "AuthenticationUnsuccessful"
    assert set(body) == {"Type", "Title", "Status", "Detail", "Instance", "Extensions"}


def test_unknown_tenant_is_forbidden_with_authorization_unsuccessful(xero_client):
    answer = xero_client.get(
        "Invoices", tenant=False, headers={"xero-tenant-id": "1f0e7a9c-0000-4000-8000-000000000000"}
    )
    assert answer.status_code == 403
    assert answer.json()["Detail"] == "AuthorizationUnsuccessful"
    assert answer.json()["Status"] == 403


def test_tenant_not_connected_to_the_token_is_forbidden():
    state = XeroState(clock=FakeClock())
    from sandbox.xero import seed_sample

    au, nz = seed_sample(state, orgs=("au", "nz"), history=False)
    client = XeroTestClient(_app(state), token=state.issue_tokens(tenant_ids=[au.tenant_id])["access_token"])
    try:
        assert client.get("Organisation", headers={"xero-tenant-id": au.tenant_id}).status_code == 200
        refused = client.get("Organisation", headers={"xero-tenant-id": nz.tenant_id})
        assert refused.status_code == 403
        assert refused.json()["Detail"] == "AuthorizationUnsuccessful"
    finally:
        client.close()


@pytest.mark.parametrize("authorization", [None, "Bearer ", "Bearer not-a-token", "Basic abc"])
def test_missing_or_unknown_bearer_token_is_unauthorized(xero_client, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    answer = xero_client.get("Organisation", auth=False, headers=headers)
    assert answer.status_code == 401
    assert answer.json()["Detail"] == "AuthenticationUnsuccessful"


def _client_with(state: XeroState, org: OrgBook, app: object, scopes: set[str]) -> XeroTestClient:
    token = state.issue_tokens(tenant_ids=[org.tenant_id], scopes=scopes)["access_token"]
    return XeroTestClient(app, token=token, tenant_id=org.tenant_id)


def test_read_scope_reads_but_cannot_write(xero_state, xero_org, xero_app):
    client = _client_with(xero_state, xero_org, xero_app, {"accounting.contacts.read"})
    try:
        assert client.get("Contacts").status_code == 200
        refused = client.put("Contacts", {"Contacts": [{"Name": "Scope Test"}]})
        assert refused.status_code == 401
        assert refused.json()["Detail"] == "AuthorizationUnsuccessful"
        assert client.get("Invoices").status_code == 401
    finally:
        client.close()


@pytest.mark.parametrize(
    ("scope", "allowed", "refused"),
    [
        (
            "accounting.invoices",
            ["Invoices", "CreditNotes", "PurchaseOrders", "Quotes", "Items"],
            ["Payments", "ManualJournals"],
        ),
        ("accounting.payments.read", ["Payments"], ["Invoices", "BankTransfers"]),
        ("accounting.banktransactions", ["BankTransfers"], ["Payments", "Contacts"]),
        ("accounting.manualjournals.read", ["ManualJournals"], ["Journals", "Invoices"]),
        ("accounting.settings.read", ["Accounts", "TaxRates", "Organisation", "Items"], ["Contacts"]),
        ("accounting.journals.read", ["Journals"], ["ManualJournals"]),
        ("accounting.transactions.read", ["Invoices", "Payments", "BankTransfers", "ManualJournals"], ["Journals"]),
    ],
)
def test_granular_and_broad_scopes_reach_their_endpoints(xero_state, xero_org, xero_app, scope, allowed, refused):
    client = _client_with(xero_state, xero_org, xero_app, {scope})
    try:
        for path in allowed:
            assert client.get(path).status_code == 200, (scope, path)
        for path in refused:
            assert client.get(path).status_code == 401, (scope, path)
    finally:
        client.close()


def test_granular_write_scope_allows_creating(xero_state, xero_org, xero_app):
    client = _client_with(xero_state, xero_org, xero_app, {"accounting.invoices", "accounting.contacts"})
    try:
        created = client.put(
            "Invoices",
            {"Invoices": [{"Type": "ACCREC", "Contact": {"Name": "Granular Pty Ltd"}, "LineItems": []}]},
        )
        assert created.status_code == 200, created.text
    finally:
        client.close()


def test_every_scope_token_reaches_every_collection(xero_client):
    for path in ("Organisation", "Contacts", "Items", "Invoices", "PurchaseOrders", "Quotes", "Accounts", "CreditNotes",
                 "ManualJournals", "Journals", "Payments", "TaxRates", "BankTransfers"):  # fmt: skip
        assert xero_client.get(path).status_code == 200, path


def _app(state: XeroState) -> object:
    from xero_support import XERO_ROOMY_LIMITS

    from sandbox.xero import create_app

    return create_app(state, limits=XERO_ROOMY_LIMITS)
