"""Connecting a Salesforce org: the web-server flow with PKCE against the sandbox over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from typer.testing import CliRunner

from connectors.base.errors import AuthError
from connectors.base.tokens import FileTokenStore
from connectors.salesforce import SalesforceAuth, SalesforceClient
from connectors.salesforce.connect import connect
from datashare.cli.main import app
from sandbox.common.serve import serve_in_thread
from sandbox.salesforce import SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, SalesforceState, create_app, seed_sample

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def login_url() -> Iterator[str]:
    state = SalesforceState()
    seed_sample(state)
    with serve_in_thread(Starlette(routes=[Mount("/salesforce/au", app=create_app(state))])) as url:
        yield f"{url}/salesforce/au"


def _approve(url: str) -> None:
    httpx.get(url, follow_redirects=True, timeout=30)


def test_connecting_stores_a_refresh_token_and_the_instance_url_and_the_client_then_reads(
    login_url: str, tmp_path: Path
) -> None:
    store = FileTokenStore(tmp_path / "sf.json")

    instance = connect(
        login_url, client_id=SAMPLE_CLIENT_ID, client_secret=SAMPLE_CLIENT_SECRET, store=store, open_url=_approve
    )

    token = store.load()
    assert token is not None
    assert token.refresh_token
    assert instance == login_url == token.extra["instance_url"]
    auth = SalesforceAuth(
        store,
        client_id=SAMPLE_CLIENT_ID,
        client_secret=SAMPLE_CLIENT_SECRET,
        token_url=f"{login_url}/services/oauth2/token",
    )
    client = SalesforceClient(auth)
    try:
        assert list(client.rows("Account"))
    finally:
        client.close()


def test_an_unknown_connected_app_gets_no_code_and_the_connection_times_out_clearly(
    login_url: str, tmp_path: Path
) -> None:
    store = FileTokenStore(tmp_path / "sf.json")

    with pytest.raises(AuthError, match="no answer from Salesforce's consent page within 1 s"):
        connect(login_url, client_id="not-ours", client_secret="x", store=store, open_url=_approve, wait_seconds=1)
    assert store.load() is None


def test_datashare_connect_salesforce_connects_the_tenants_org(
    login_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SF_SECRET", SAMPLE_CLIENT_SECRET)
    config = tmp_path / "tenants.toml"
    config.write_text(
        f"""
[[tenants]]
name = "acme"
xero_organisation = "Acme"

[tenants.apps.xero]
base_url = "http://127.0.0.1:1/xero"
client_id = "x"
secrets = {{ client_secret = "env:SF_SECRET", token_store = "file:{tmp_path}/xero.json" }}

[tenants.apps.salesforce]
base_url = "{login_url}"
client_id = "{SAMPLE_CLIENT_ID}"
secrets = {{ client_secret = "env:SF_SECRET", token_store = "file:{tmp_path}/sf.json" }}
""",
        encoding="utf-8",
    )

    result = CliRunner().invoke(app, ["connect", "salesforce", "acme", "-c", str(config), "--sandbox-approve"])

    assert result.exit_code == 0, result.output
    assert f"connected to the Salesforce org at {login_url}" in result.output
    assert SAMPLE_CLIENT_SECRET not in result.output
    assert FileTokenStore(tmp_path / "sf.json").load() is not None
