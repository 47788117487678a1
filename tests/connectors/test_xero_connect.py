"""Connecting a real organisation: authorization code + PKCE against the sandbox over loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from connectors.base.tokens import FileTokenStore
from datashare.cli.main import app
from datashare.config import load_config
from sandbox.common.serve import serve_in_thread
from sandbox.server import Sandbox, build_sandbox
from sandbox.xero import SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET
from tasks.wiring import xero_client
from tests.seed_moments import SEEDED_AT

runner = CliRunner()

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return build_sandbox(seeded_at=SEEDED_AT)


@pytest.fixture(scope="module")
def base_url(sandbox: Sandbox) -> Iterator[str]:
    with serve_in_thread(sandbox.app) as url:
        yield url


def _config(tmp_path: Path, base_url: str, organisation: str, payroll: bool) -> Path:
    path = tmp_path / "tenants.toml"
    path.write_text(
        f"""
[[tenants]]
name = "acme"
xero_organisation = "{organisation}"
payroll_access = {str(payroll).lower()}

[tenants.apps.xero]
base_url = "{base_url}/xero"
client_id = "{SAMPLE_CLIENT_ID}"
secrets = {{ client_secret = "env:T_XERO_SECRET", token_store = "file:{tmp_path}/tokens/acme-xero.json" }}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(autouse=True)
def client_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_XERO_SECRET", SAMPLE_CLIENT_SECRET)
    monkeypatch.setenv("COLUMNS", "200")


def test_connect_stores_tokens_for_the_chosen_organisation_with_payroll(
    tmp_path: Path, base_url: str, sandbox: Sandbox
) -> None:
    config = _config(tmp_path, base_url, "Southern Cross Outdoor Co", payroll=True)
    result = runner.invoke(app, ["connect", "xero", "acme", "--config", str(config), "--sandbox-approve"])
    assert result.exit_code == 0, result.output
    assert "connected to Xero organisation 'Southern Cross Outdoor Co' (with payroll access)" in result.output
    token = FileTokenStore(tmp_path / "tokens" / "acme-xero.json").load()
    assert token is not None
    assert token.extra["tenant_id"] == sandbox.xero.org_named("AU").tenant_id
    assert "payroll.employees" in token.scopes
    assert token.refresh_token
    tenant = load_config(config).tenant("acme")
    assert xero_client(tenant).organisation()["Name"] == "Southern Cross Outdoor Co"
    stored = (tmp_path / "tokens" / "acme-xero.json").read_text()
    assert token.access_token not in result.output
    assert json.loads(stored)["extra"]["tenant_name"] == "Southern Cross Outdoor Co"


def test_connect_without_payroll_asks_for_accounting_only(tmp_path: Path, base_url: str) -> None:
    config = _config(tmp_path, base_url, "Demo Company (NZ)", payroll=False)
    result = runner.invoke(app, ["connect", "xero", "acme", "--config", str(config), "--sandbox-approve"])
    assert result.exit_code == 0, result.output
    assert "without payroll access" in result.output
    token = FileTokenStore(tmp_path / "tokens" / "acme-xero.json").load()
    assert token is not None
    assert not any(s.startswith("payroll.") for s in token.scopes)


def test_connect_to_an_organisation_the_user_did_not_pick_fails_clearly(tmp_path: Path, base_url: str) -> None:
    config = _config(tmp_path, base_url, "Nonexistent Pty Ltd", payroll=False)
    result = runner.invoke(app, ["connect", "xero", "acme", "--config", str(config), "--sandbox-approve"])
    assert result.exit_code == 2
    assert "Xero organisation 'Nonexistent Pty Ltd' was not among the connected ones" in result.output
    assert not (tmp_path / "tokens" / "acme-xero.json").exists()
