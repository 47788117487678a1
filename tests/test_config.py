"""Tenant config: what loads, and one clear message for each way it can be wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from datashare.config import ConfigError, Share, StockKeeper, load_config
from tests.config_blocks import VTIGER as VTIGER_LINK
from tests.config_blocks import XERO

# The vTiger link shares some entities one way or none.
VTIGER = VTIGER_LINK + 'share = { organizations = "both", items = "app_to_hub", invoices = "off" }\n'
GOOD = f"""
[[tenants]]
name = "acme"
xero_organisation = "Acme Pty Ltd"
historical_data_from = 2024-07-01
payroll_access = true
{XERO}{VTIGER}
[[tenants]]
name = "bayside"
xero_organisation = "Bayside Club"
store = "/var/lib/datashare/bayside.duckdb"
{XERO.replace("acme-xero-token", "bayside-xero-token")}
"""


@pytest.fixture(autouse=True)
def secrets_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_XERO_SECRET", "x")
    monkeypatch.setenv("T_VTIGER_KEY", "v")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tenants.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config_loads_with_its_settings(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, GOOD))
    acme = config.tenant("acme")
    assert acme.xero_organisation == "Acme Pty Ltd"
    assert acme.historical_data_from == date(2024, 7, 1)
    assert acme.payroll_access is True
    assert acme.apps["xero"].base_url == "http://127.0.0.1:8750/xero"
    vtiger = acme.apps["vtiger"]
    assert vtiger.direction("items") == Share.APP_TO_HUB
    assert not vtiger.direction("items").to_app
    assert vtiger.direction("invoices") == Share.OFF
    assert vtiger.direction("people") == Share.BOTH
    assert str(vtiger.secrets["access_key"]) == "env:T_VTIGER_KEY"
    assert acme.store_path() == Path("data/acme.duckdb")
    assert config.tenant("bayside").store_path() == Path("/var/lib/datashare/bayside.duckdb")
    assert vtiger.stock == StockKeeper.XERO  # the default: Xero keeps the stock of the items it tracks


def test_the_app_can_keep_its_own_stock(tmp_path: Path) -> None:
    text = _tenant(XERO + VTIGER + 'stock = "app"\n')
    assert load_config(_write(tmp_path, text)).tenant("acme").apps["vtiger"].stock == StockKeeper.APP


def test_refused_records_are_retried_as_the_tenant_says(tmp_path: Path) -> None:
    text = _tenant("retries = { attempts = 3, first_wait_minutes = 1 }\n" + XERO)
    retries = load_config(_write(tmp_path, text)).tenant("acme").retries
    assert (retries.attempts, retries.first_wait_minutes, retries.longest_wait_hours) == (3, 1, 6)


def test_env_secret_resolves_to_its_value(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, GOOD))
    assert config.tenant("acme").apps["vtiger"].secrets["access_key"].resolve() == "v"


def test_unknown_tenant_lists_the_known_ones(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match=r"no tenant 'nope' \(known: acme, bayside\)"):
        config.tenant("nope")


def _tenant(body: str, name: str = "acme") -> str:
    return f'[[tenants]]\nname = "{name}"\nxero_organisation = "Acme"\n{body}'


BAD_CONFIGS = [
    pytest.param(
        _tenant(XERO + '[tenants.apps.zoho]\nbase_url = "http://x"\n'),
        "tenant 'acme': apps.zoho: unknown app 'zoho'",
        id="unknown-app",
    ),
    pytest.param(
        _tenant(XERO.replace(', token_store = "prefect:acme-xero-token"', "")),
        "tenant 'acme': apps.xero.secrets: missing secret 'token_store'",
        id="missing-secret",
    ),
    pytest.param(
        _tenant(XERO) + "\n" + _tenant(XERO),
        "tenant 'acme': duplicate tenant",
        id="duplicate-tenant",
    ),
    pytest.param(
        _tenant(XERO + VTIGER.replace("items =", "gizmos =")),
        "tenant 'acme': apps.vtiger.share: unknown entity 'gizmos'",
        id="unknown-entity",
    ),
    pytest.param(
        _tenant(XERO + VTIGER.replace('"app_to_hub"', '"sideways"')),
        "tenant 'acme': apps.vtiger.share.items: must be 'both', 'app_to_hub', 'hub_to_app' or 'off'",
        id="unknown-direction",
    ),
    pytest.param(
        _tenant(XERO.replace("env:T_XERO_SECRET", "hunter2")),
        "tenant 'acme': apps.xero.secrets.client_secret: must be a reference 'env:VARIABLE', 'prefect:block-name' or 'file:path'",
        id="secret-value-instead-of-reference",
    ),
    pytest.param(
        _tenant(VTIGER),
        "tenant 'acme': apps: every tenant links Xero",
        id="no-xero",
    ),
    pytest.param(
        '[[tenants]]\nname = "acme"\n' + XERO,
        "tenant 'acme': xero_organisation: missing",
        id="missing-field",
    ),
    pytest.param(
        _tenant(XERO, name="Acme Corp"),
        "tenant 'Acme Corp': name: String should match pattern",
        id="bad-tenant-name",
    ),
    pytest.param(
        _tenant("colour = 'blue'\n" + XERO),
        "tenant 'acme': colour: Extra inputs are not permitted",
        id="unknown-field",
    ),
    pytest.param(
        _tenant(XERO.replace("http://127.0.0.1:8750/xero/", "ftp://example")),
        "tenant 'acme': apps.xero.base_url: must be an http:// or https:// URL",
        id="bad-url",
    ),
    pytest.param(
        _tenant(XERO.replace("T_XERO_SECRET", "T_NOT_SET_ANYWHERE")),
        "tenant 'acme': apps.xero.secrets.client_secret: missing secret: environment variable T_NOT_SET_ANYWHERE is not set",
        id="secret-not-in-environment",
    ),
    pytest.param(
        _tenant(XERO.replace("prefect:acme-xero-token", "env:T_XERO_SECRET")),
        "tenant 'acme': apps.xero.secrets.token_store: must be 'prefect:NAME' or 'file:PATH'",
        id="token-store-that-cannot-be-written",
    ),
    pytest.param(
        _tenant(XERO + VTIGER + 'stock = "both"\n'),
        "tenant 'acme': apps.vtiger.stock: must be 'xero' or 'app'",
        id="unknown-stock-keeper",
    ),
    pytest.param(
        _tenant("retries = { attempts = 0 }\n" + XERO),
        "tenant 'acme': retries.attempts: must be greater than or equal to 1",
        id="retries-never",
    ),
    pytest.param(
        _tenant("retries = { tries = 3 }\n" + XERO),
        "tenant 'acme': retries.tries: Extra inputs are not permitted",
        id="retries-unknown-setting",
    ),
    pytest.param(
        _tenant('store = "data/shared.duckdb"\n' + XERO)
        + "\n"
        + _tenant('store = "data/./shared.duckdb"\n' + XERO.replace("acme-xero", "bay-xero"), name="bay"),
        "tenants 'acme' and 'bay' share the store data/shared.duckdb: each tenant needs a hub file of its own",
        id="shared-store",
    ),
    pytest.param(
        _tenant(XERO) + "\n" + _tenant('store = "data/acme.duckdb"\n' + XERO, name="bay"),
        "tenants 'acme' and 'bay' share the store data/acme.duckdb",
        id="store-equal-to-another-tenants-default",
    ),
    pytest.param(
        _tenant(XERO) + "\n" + _tenant(XERO, name="bay"),
        "acme/xero and bay/xero share the token store prefect:acme-xero-token: each link needs its own",
        id="shared-token-store",
    ),
    pytest.param(
        _tenant('store = "/dev/null"\n' + XERO),
        "tenant 'acme': store: must be a .duckdb file, like data/NAME.duckdb (got '/dev/null')",
        id="store-dev-null",
    ),
    pytest.param(
        _tenant('store = ""\n' + XERO),
        "tenant 'acme': store: is empty: leave it out for data/NAME.duckdb, or name a .duckdb file",
        id="store-empty",
    ),
    pytest.param(
        _tenant('store = "../../etc/evil.duckdb"\n' + XERO),
        "tenant 'acme': store: must stay inside the working folder: no '..'",
        id="store-outside",
    ),
    pytest.param(
        _tenant('store = "/proc/self/hub.duckdb"\n' + XERO),
        "tenant 'acme': store: '/proc/self/hub.duckdb' is no place for a hub file",
        id="store-in-proc",
    ),
    pytest.param("[[tenants]\nname=", "not valid TOML", id="bad-toml"),
    pytest.param("[settings]\nx = 1\n", "unknown top-level key 'settings'", id="unknown-top-level"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_bad_config_fails_at_load_naming_file_tenant_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no-such\.toml: no such config file"):
        load_config(tmp_path / "no-such.toml")


def test_env_check_can_wait_until_the_secret_is_used(tmp_path: Path) -> None:
    path = _write(tmp_path, _tenant(XERO.replace("T_XERO_SECRET", "T_NOT_SET_ANYWHERE")))
    config = load_config(path, check_env=False)
    with pytest.raises(ConfigError, match="T_NOT_SET_ANYWHERE is not set"):
        config.tenant("acme").apps["xero"].secrets["client_secret"].resolve()


def test_demo_config_is_valid() -> None:
    config = load_config(Path(__file__).parents[1] / "config" / "demo.toml", check_env=False)
    assert [t.name for t in config.tenants] == ["demo-au", "demo-us", "demo-sf", "demo-shop", "demo-nz"]
