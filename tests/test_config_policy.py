"""The tenant's conflict policy per entity: what loads, what the merge gets, and one clear message for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from datashare.config import ConfigError, load_config
from datashare.sync.merge import Policy
from tests.config_blocks import VTIGER, XERO


@pytest.fixture(autouse=True)
def secrets_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_XERO_SECRET", "x")
    monkeypatch.setenv("T_VTIGER_KEY", "v")


def _load(tmp_path: Path, policy: str, apps: str = XERO + VTIGER) -> Path:
    path = tmp_path / "tenants.toml"
    path.write_text(f'[[tenants]]\nname = "acme"\nxero_organisation = "Acme"\n{policy}\n{apps}', encoding="utf-8")
    return path


def test_policy_per_entity_names_the_winning_app_or_newest(tmp_path: Path) -> None:
    path = _load(tmp_path, 'policy = { organizations = "vtiger", items = "newest", invoices = "xero" }')
    tenant = load_config(path).tenant("acme")
    assert tenant.policy == {"organizations": "vtiger", "items": "newest", "invoices": "xero"}
    assert tenant.policies() == {"organizations": Policy("vtiger"), "items": Policy(), "invoices": Policy("xero")}
    assert [p.name for p in tenant.policies().values()] == ["source:vtiger", "newest", "source:xero"]


def test_no_policy_means_newest_wins_everywhere(tmp_path: Path) -> None:
    tenant = load_config(_load(tmp_path, "")).tenant("acme")
    assert tenant.policy == {}
    assert tenant.policies() == {}  # the load falls back to newest-wins for every entity


BAD_POLICIES = [
    pytest.param(
        'policy = { gizmos = "xero" }',
        XERO,
        "tenant 'acme': policy: unknown entity 'gizmos' (known: ",
        id="unknown-entity",
    ),
    pytest.param(
        'policy = { organizations = "shopify" }',
        XERO + VTIGER,
        "tenant 'acme': policy.organizations: 'shopify' is not linked to this tenant (linked: xero, vtiger)",
        id="app-not-linked",
    ),
    pytest.param(
        'policy = { organizations = "oldest" }',
        XERO,
        "tenant 'acme': policy.organizations: must be 'newest' or a linked app (xero), not 'oldest'",
        id="bad-value",
    ),
    pytest.param(
        'policy = { items = "vtiger" }',
        XERO + VTIGER + 'share = { items = "hub_to_app" }\n',
        "tenant 'acme': policy.items: vtiger does not send items to the hub (share = 'hub_to_app')",
        id="app-that-never-sends-the-entity",
    ),
    pytest.param(
        'policy = { organizations = ["xero"] }',
        XERO,
        "tenant 'acme': policy.organizations: must be a valid string",
        id="not-a-string",
    ),
    pytest.param(
        "",
        XERO + 'policy = { organizations = "xero" }\n',
        "tenant 'acme': policy: belongs to the tenant, not to an app: write it before the [tenants.apps…] tables",
        id="written-under-an-app",
    ),
]


@pytest.mark.parametrize(("policy", "apps", "message"), BAD_POLICIES)
def test_bad_policy_fails_at_load_naming_tenant_and_key(tmp_path: Path, policy: str, apps: str, message: str) -> None:
    path = _load(tmp_path, policy, apps)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)  # one line
