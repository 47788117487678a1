"""Token stores and Xero's OAuth2 refresh: rotated tokens saved before use, under a lock, never spent twice."""

from __future__ import annotations

import threading
import typing as t
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from connectors.base.errors import AuthError
from connectors.base.tokens import FileTokenStore, MemoryTokenStore, Token
from connectors.xero.auth import XeroAuth

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _token(access: str, refresh: str, minutes: int = 30) -> Token:
    return Token(access_token=access, refresh_token=refresh, expires_at=NOW + timedelta(minutes=minutes), scope="a b")


def test_token_repr_hides_secrets() -> None:
    text = repr(_token("secret-access", "secret-refresh"))
    assert "secret-access" not in text
    assert "secret-refresh" not in text


def test_file_store_round_trips_and_is_private(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens" / "acme.json")
    assert store.load() is None
    store.save(_token("a1", "r1"))
    store.save(_token("a2", "r2"))
    loaded = store.load()
    assert loaded is not None
    assert (loaded.access_token, loaded.refresh_token) == ("a2", "r2")
    assert (store.path.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in store.path.parent.iterdir() if not p.name.endswith(".lock")] == ["acme.json"]


class TokenServer:
    """A token endpoint that rotates refresh tokens and refuses a spent one."""

    def __init__(self) -> None:
        self.valid = {"r1"}
        self.issued = 0
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            form = dict(x.split("=") for x in request.content.decode().split("&"))
            with self.lock:
                if form.get("refresh_token") not in self.valid:
                    return httpx.Response(400, json={"error": "invalid_grant"})
                self.valid.discard(form["refresh_token"])
                self.issued += 1
                self.valid.add(f"r{self.issued + 1}")
                return httpx.Response(
                    200,
                    json={
                        "access_token": f"a{self.issued + 1}",
                        "refresh_token": f"r{self.issued + 1}",
                        "expires_in": 1800,
                    },
                )
        auth = request.headers.get("authorization", "")
        if auth != f"Bearer a{self.issued + 1}":
            return httpx.Response(401, json={"Title": "Unauthorized"})
        return httpx.Response(200, json={"tenant": request.headers.get("xero-tenant-id")})


def _auth(store: t.Any, now: datetime = NOW) -> XeroAuth:
    return XeroAuth(
        store,
        client_id="cid",
        client_secret="csecret",
        token_url="http://xero.test/connect/token",
        tenant_id="T1",
        tenant="acme",
        now=lambda: now,
    )


def test_expired_token_is_refreshed_saved_and_used() -> None:
    server = TokenServer()
    store = MemoryTokenStore(_token("a1", "r1", minutes=-1))
    with httpx.Client(transport=httpx.MockTransport(server), auth=_auth(store)) as client:
        response = client.get("http://xero.test/api.xro/2.0/Contacts")
    assert response.json() == {"tenant": "T1"}
    assert store.token is not None
    assert store.token.refresh_token == "r2"
    assert store.saves == 1


def test_a_401_triggers_one_refresh_and_a_resend() -> None:
    server = TokenServer()
    server.issued = 1
    server.valid = {"r1"}  # the access token a1 was revoked early; the refresh token still works
    store = MemoryTokenStore(_token("a1", "r1"))
    with httpx.Client(transport=httpx.MockTransport(server), auth=_auth(store)) as client:
        assert client.get("http://xero.test/x").status_code == 200
    assert store.token is not None
    assert store.token.access_token == "a3"


def test_a_dead_refresh_token_says_reconnect() -> None:
    server = TokenServer()
    server.valid = set()
    store = MemoryTokenStore(_token("a1", "r1", minutes=-1))
    with (
        httpx.Client(transport=httpx.MockTransport(server), auth=_auth(store)) as client,
        pytest.raises(AuthError) as caught,
    ):
        client.get("http://xero.test/x")
    assert "reconnect Xero" in str(caught.value)
    assert "datashare connect xero acme" in str(caught.value)


def test_not_connected_says_reconnect() -> None:
    with (
        httpx.Client(transport=httpx.MockTransport(TokenServer()), auth=_auth(MemoryTokenStore())) as client,
        pytest.raises(AuthError, match="not connected"),
    ):
        client.get("http://xero.test/x")


def test_two_clients_refreshing_at_once_spend_the_refresh_token_once(tmp_path: Path) -> None:
    server = TokenServer()
    path = tmp_path / "acme.json"
    FileTokenStore(path).save(_token("a1", "r1", minutes=-1))
    results: list[int] = []

    def work() -> None:
        # Each worker has its own store object on the same file, as separate processes would.
        with httpx.Client(transport=httpx.MockTransport(server), auth=_auth(FileTokenStore(path))) as client:
            results.append(client.get("http://xero.test/x").status_code)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 6
    assert server.issued == 1
    saved = FileTokenStore(path).load()
    assert saved is not None
    assert saved.refresh_token == "r2"
