"""Conflicts on a real hub: settled by the tenant's configured policy, listed, and resolved by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import duckdb
import pytest

from datashare.config import load_config
from datashare.model import Organization
from datashare.model.mapping import Mapped
from datashare.store import MIGRATIONS, Hub
from datashare.sync.conflicts import SUPERSEDED, ConflictError, Keep, list_conflicts, record_label, resolve
from datashare.sync.load import load_mapped
from datashare.sync.merge import Policy
from datashare.sync.push import due
from datashare.sync.refs import HubRefs

EARLIER = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
CONFIG = """
[[tenants]]
name = "acme"
xero_organisation = "Acme"
{policy}

[tenants.apps.xero]
base_url = "http://127.0.0.1:8750/xero"
client_id = "cid"
secrets = {{ client_secret = "env:T_XERO_SECRET", token_store = "prefect:acme-xero-token" }}

[tenants.apps.vtiger]
base_url = "http://127.0.0.1:8750/vtiger"
username = "admin"
secrets = {{ access_key = "env:T_VTIGER_KEY" }}
"""


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub.open(tmp_path / "t.duckdb") as opened:
        yield opened


def _policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: str) -> dict[str, Policy]:
    """The policies of a tenant whose config says ``policy``, as the pull passes them to the load."""
    monkeypatch.setenv("T_XERO_SECRET", "x")
    monkeypatch.setenv("T_VTIGER_KEY", "v")
    path = tmp_path / "tenants.toml"
    path.write_text(CONFIG.format(policy=policy), encoding="utf-8")
    return load_config(path).tenant("acme").policies()


def _org(hub_id: UUID, email: str, at: datetime) -> Organization:
    return Organization(id=hub_id, name="Acme Pty Ltd", email=email, updated_at=at)


def both_changed(hub: Hub, policies: dict[str, Policy], *, crm_at: datetime = EARLIER) -> UUID:
    """A customer linked in Xero and vTiger, its email changed in Xero (at LATER) and in vTiger (at ``crm_at``)."""
    refs = {app: HubRefs(hub, app) for app in ("xero", "vtiger")}
    hub_id = refs["xero"].hub_id("organizations", "X-1")
    refs["xero"].flush()
    load_mapped(hub, "xero", [Mapped("organizations", "X-1", _org(hub_id, "old@acme.example", EARLIER))])
    crm_id = refs["vtiger"].hub_id("organizations", "11x5")
    refs["vtiger"].flush()
    load_mapped(hub, "vtiger", [Mapped("organizations", "11x5", _org(crm_id, "old@acme.example", EARLIER))])
    assert HubRefs(hub, "vtiger").hub_id("organizations", "11x5") == hub_id  # linked on the name
    load_mapped(hub, "xero", [Mapped("organizations", "X-1", _org(hub_id, "x@acme.example", LATER))])
    load_mapped(
        hub,
        "vtiger",
        [Mapped("organizations", "11x5", _org(hub_id, "crm@acme.example", crm_at))],
        policies=policies,
        run_id="r2",
    )
    return hub_id


def _email(hub: Hub) -> str:
    return str(hub.query("SELECT email FROM organizations")[0][0])


def _reread_unchanged(hub: Hub, hub_id: UUID, policies: dict[str, Policy]) -> None:
    """The next run reads both apps again, neither having changed the customer since."""
    load_mapped(hub, "xero", [Mapped("organizations", "X-1", _org(hub_id, "x@acme.example", LATER))])
    load_mapped(
        hub, "vtiger", [Mapped("organizations", "11x5", _org(hub_id, "crm@acme.example", EARLIER))], policies=policies
    )


def test_the_configured_app_wins_a_conflict_even_against_a_newer_change(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policies = _policies(tmp_path, monkeypatch, 'policy = { organizations = "vtiger" }')
    both_changed(hub, policies)
    assert _email(hub) == "crm@acme.example"
    assert hub.query("SELECT run_id, policy, winner FROM conflicts") == [("r2", "source:vtiger", "vtiger")]


def test_without_a_configured_policy_the_newest_change_wins(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policies = _policies(tmp_path, monkeypatch, "")
    both_changed(hub, policies)
    assert _email(hub) == "x@acme.example"  # Xero's change is the later one
    assert hub.query("SELECT policy, winner FROM conflicts") == [("newest", "hub")]


def test_newest_in_the_config_lets_the_later_app_change_win(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policies = _policies(tmp_path, monkeypatch, 'policy = { organizations = "newest" }')
    both_changed(hub, policies, crm_at=datetime(2025, 3, 1, 11, 0, tzinfo=UTC))
    assert _email(hub) == "crm@acme.example"
    assert hub.query("SELECT policy, winner FROM conflicts") == [("newest", "vtiger")]


def test_an_open_conflict_is_listed_with_the_record_both_values_and_who_won(hub: Hub) -> None:
    hub_id = both_changed(hub, {"organizations": Policy("vtiger")})
    [conflict] = list_conflicts(hub)
    assert (conflict.entity, conflict.hub_id, conflict.record, conflict.field) == (
        "organizations",
        hub_id,
        "Acme Pty Ltd",
        "email",
    )
    assert (conflict.hub_value, conflict.app, conflict.app_value) == ("x@acme.example", "vtiger", "crm@acme.example")
    assert (conflict.policy, conflict.winner, conflict.resolution) == ("source:vtiger", "vtiger", None)
    assert list_conflicts(hub, entity="items") == []
    assert list_conflicts(hub, hub_id=hub_id) == [conflict]


def test_keeping_the_side_that_lost_rewrites_the_hub_record_and_makes_it_due_to_the_apps(hub: Hub) -> None:
    policies = {"organizations": Policy("vtiger")}
    hub_id = both_changed(hub, policies)
    assert hub_id not in {r.id for r, _ in due(hub, "vtiger", "organizations")}  # vTiger holds what won
    [conflict] = list_conflicts(hub)

    [done] = resolve(hub, [conflict.id], Keep.HUB)

    assert done.changed
    assert _email(hub) == "x@acme.example"
    assert hub_id in {r.id for r, _ in due(hub, "vtiger", "organizations")}  # the next run writes it out
    assert list_conflicts(hub) == []
    [closed] = list_conflicts(hub, include_closed=True)
    assert closed.resolution == "hub"
    assert closed.resolved_at is not None
    _reread_unchanged(hub, hub_id, policies)
    assert _email(hub) == "x@acme.example"  # the apps' unchanged records do not undo the choice
    assert list_conflicts(hub) == []  # nor raise the conflict again


def test_keeping_the_side_that_won_changes_nothing_and_closes_the_conflict(hub: Hub) -> None:
    hub_id = both_changed(hub, {"organizations": Policy("vtiger")})
    before = hub.query("SELECT hub_hash FROM organizations")
    [conflict] = list_conflicts(hub)
    [done] = resolve(hub, [conflict.id], Keep.APP)
    assert not done.changed
    assert hub.query("SELECT hub_hash FROM organizations") == before
    assert hub_id not in {r.id for r, _ in due(hub, "vtiger", "organizations")}
    assert list_conflicts(hub) == []


def test_a_conflict_resolved_or_unknown_cannot_be_resolved_again(hub: Hub) -> None:
    both_changed(hub, {})
    [conflict] = list_conflicts(hub)
    resolve(hub, [conflict.id], Keep.APP)
    with pytest.raises(ConflictError, match=rf"conflict {conflict.id} was resolved already \(kept app\)"):
        resolve(hub, [conflict.id], Keep.HUB)
    with pytest.raises(ConflictError, match="no conflict 999"):
        resolve(hub, [999], Keep.HUB)


def test_a_later_conflict_on_the_same_field_overtakes_the_earlier_one(hub: Hub) -> None:
    policies = {"organizations": Policy("vtiger")}
    hub_id = both_changed(hub, policies)
    load_mapped(hub, "xero", [Mapped("organizations", "X-1", _org(hub_id, "x2@acme.example", LATER))])
    load_mapped(
        hub, "vtiger", [Mapped("organizations", "11x5", _org(hub_id, "crm2@acme.example", LATER))], policies=policies
    )
    # Both reads conflict: Xero's change met vTiger's first win (not yet written to Xero), then vTiger's met Xero's.
    *earlier, last = list_conflicts(hub, include_closed=True)
    assert [c.resolution for c in earlier] == [SUPERSEDED, SUPERSEDED]
    assert (last.app, last.app_value, last.resolution) == ("vtiger", "crm2@acme.example", None)
    assert list_conflicts(hub) == [last]
    with pytest.raises(ConflictError, match="overtaken by a later one"):
        resolve(hub, [earlier[0].id], Keep.HUB)
    resolve(hub, [last.id], Keep.APP)
    assert _email(hub) == "crm2@acme.example"
    assert [c.resolution for c in list_conflicts(hub, include_closed=True)] == [SUPERSEDED, SUPERSEDED, "app"]


def test_records_are_named_as_people_know_them() -> None:
    assert record_label({"transaction_number": "INV-0007", "reference": "PO 12"}) == "INV-0007"
    assert record_label({"code": "SKU-1", "name": "Widget"}) == "SKU-1 Widget"
    assert record_label({"first_name": "Ada", "last_name": "Lovelace"}) == "Ada Lovelace"
    assert record_label(None) == "(no longer in the hub)"


def test_migration_5_numbers_the_conflicts_recorded_before_in_order_and_leaves_them_open(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    ).fetchall()
    for migration in MIGRATIONS:
        if migration.version < 5:
            for statement in migration.statements:
                con.execute(statement).fetchall()
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [migration.version, "old"]).fetchall()
    for n, at in ((2, LATER), (1, EARLIER)):
        con.execute(
            "INSERT INTO conflicts (entity, hub_id, field, hub_value, app, app_value, policy, winner, decided_at) "
            "VALUES ('organizations', uuid(), 'email', '\"h\"', 'vtiger', ?, 'newest', 'hub', ?)",
            [f'"a{n}"', at],
        ).fetchall()
    con.close()
    with Hub.open(path) as hub:
        assert any(m.startswith("migration 5: conflicts") for m in hub.migrations_applied)
        assert [(c.id, c.app_value) for c in list_conflicts(hub)] == [(1, "a1"), (2, "a2")]
        assert hub.query("SELECT count(*) FROM conflicts WHERE resolved_at IS NULL AND resolution IS NULL") == [(2,)]
