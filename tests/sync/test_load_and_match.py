"""Load: first-link matching on natural keys, upserts, tombstones."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest

from datashare.model import Amount, Item, Organization, Person
from datashare.model.mapping import Mapped
from datashare.store import Hub
from datashare.sync.load import load_mapped
from datashare.sync.matching import normalise_name
from datashare.sync.merge import Policy
from datashare.sync.push import due
from datashare.sync.refs import HubRefs


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub.open(tmp_path / "t.duckdb") as opened:
        yield opened


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Acme Pty Ltd", "ACME Pty. Ltd"),
        ("Acme Pty Ltd", "  acme   pty ltd "),
        ("Acme Proprietary Limited", "Acme Pty Ltd"),
        ("Smith & Sons", "Smith and Sons"),
        ("O'Brien Co", "OBrien Company"),
    ],
)
def test_names_typed_a_little_differently_meet(one: str, other: str) -> None:
    assert normalise_name(one) == normalise_name(other)


def test_different_businesses_do_not_meet() -> None:
    assert normalise_name("Acme Pty Ltd") != normalise_name("Acme Holdings Pty Ltd")


def _mapped(app_hub: Hub, app: str, remote_id: str, record: Organization | Person | Item) -> Mapped:
    refs = HubRefs(app_hub, app)
    record.id = refs.hub_id(record.entity, remote_id)
    refs.flush()
    return Mapped(record.entity, remote_id, record)


def test_a_customer_both_apps_have_ends_as_one_hub_record(hub: Hub) -> None:
    xero = _mapped(hub, "xero", "X-1", Organization(name="Acme Pty Ltd", email="ap@acme.example"))
    first = load_mapped(hub, "xero", [xero])
    assert first.created == 1
    crm = _mapped(hub, "vtiger", "11x5", Organization(name="ACME Pty. Ltd", industry="Retail"))
    second = load_mapped(hub, "vtiger", [crm])
    assert (second.created, second.linked) == (0, 1)
    assert hub.query("SELECT count(*) FROM organizations") == [(1,)]
    assert HubRefs(hub, "vtiger").hub_id("organizations", "11x5") == xero.record.id
    assert hub.query("SELECT app, remote_id FROM id_map WHERE hub_id = ? ORDER BY app", str(xero.record.id)) == [
        ("vtiger", "11x5"),
        ("xero", "X-1"),
    ]


def test_people_match_on_email_before_name(hub: Hub) -> None:
    org = uuid4()
    load_mapped(
        hub,
        "xero",
        [
            _mapped(
                hub,
                "xero",
                "X-1/people/jo@x.example",
                Person(first_name="Jo", email="jo@x.example", organization_id=org),
            )
        ],
    )
    crm = _mapped(hub, "vtiger", "12x9", Person(first_name="Joanne", last_name="Bloggs", email="JO@x.example "))
    assert load_mapped(hub, "vtiger", [crm]).linked == 1


def test_two_records_of_one_app_stay_two_even_with_one_key(hub: Hub) -> None:
    batch = [
        _mapped(hub, "vtiger", "14x1", Item(code="SKU-1", name="Widget")),
        _mapped(hub, "vtiger", "24x1", Item(code="sku-1", name="Widget service")),
    ]
    counts = load_mapped(hub, "vtiger", batch)
    assert (counts.created, counts.linked) == (2, 0)
    assert hub.query("SELECT count(*) FROM items") == [(2,)]


def test_a_new_app_record_links_to_another_apps_record_found_in_the_same_batch(hub: Hub) -> None:
    load_mapped(hub, "xero", [_mapped(hub, "xero", "I-1", Item(code="SKU-1", name="Widget"))])
    counts = load_mapped(hub, "vtiger", [_mapped(hub, "vtiger", "14x1", Item(code="sku-1"))])
    assert (counts.created, counts.linked) == (0, 1)


def test_a_second_load_of_the_same_records_changes_nothing(hub: Hub) -> None:
    batch = [_mapped(hub, "xero", f"X-{i}", Organization(name=f"Org {i}")) for i in range(3)]
    load_mapped(hub, "xero", batch)
    again = load_mapped(hub, "xero", batch)
    assert (again.created, again.updated, again.unchanged, again.linked) == (0, 0, 3, 0)


def test_tombstones_mark_records_deleted_and_a_comeback_is_rewritten(hub: Hub) -> None:
    item = _mapped(hub, "xero", "X-1", Organization(name="Gone Soon"))
    load_mapped(hub, "xero", [item])
    assert item.record.id is not None
    assert load_mapped(hub, "xero", [], {"organizations": [item.record.id]}).deleted == 1
    assert hub.query("SELECT deleted_at IS NOT NULL FROM organizations") == [(True,)]
    assert load_mapped(hub, "xero", [item]).updated == 1
    assert hub.query("SELECT deleted_at IS NULL FROM organizations") == [(True,)]


def test_a_linked_apps_change_is_merged_field_by_field_without_losing_the_others(hub: Hub) -> None:
    xero = _mapped(
        hub, "xero", "X-1", Organization(name="Acme Pty Ltd", email="ap@acme.example", website="https://acme.example")
    )
    load_mapped(hub, "xero", [xero])
    crm = _mapped(hub, "vtiger", "11x5", Organization(name="ACME Pty. Ltd"))
    load_mapped(hub, "vtiger", [crm])
    linked_id = HubRefs(hub, "vtiger").hub_id("organizations", "11x5")
    changed = Organization(id=linked_id, name="ACME Pty. Ltd", industry="Retail")
    counts = load_mapped(hub, "vtiger", [Mapped("organizations", "11x5", changed)])
    assert counts.updated == 1
    assert hub.query("SELECT name, email, website, industry FROM organizations") == [
        ("Acme Pty Ltd", "ap@acme.example", "https://acme.example", "Retail")
    ]


def test_both_apps_changing_one_field_is_settled_by_policy_and_recorded(hub: Hub) -> None:
    xero = _mapped(hub, "xero", "X-1", Organization(name="Acme Pty Ltd", email="old@acme.example"))
    load_mapped(hub, "xero", [xero])
    load_mapped(
        hub, "vtiger", [_mapped(hub, "vtiger", "11x5", Organization(name="Acme Pty Ltd", email="old@acme.example"))]
    )
    hub_id = xero.record.id
    assert hub_id is not None
    load_mapped(
        hub,
        "xero",
        [Mapped("organizations", "X-1", Organization(id=hub_id, name="Acme Pty Ltd", email="x@acme.example"))],
    )
    crm = Organization(id=hub_id, name="Acme Pty Ltd", email="crm@acme.example")
    counts = load_mapped(
        hub, "vtiger", [Mapped("organizations", "11x5", crm)], policies={"organizations": Policy("xero")}, run_id="r9"
    )
    assert counts.conflicts == 1
    assert hub.query("SELECT email FROM organizations") == [("x@acme.example",)]
    assert hub.query("SELECT run_id, field, app, policy, winner FROM conflicts") == [
        ("r9", "email", "vtiger", "source:xero", "hub")
    ]


def _aud(value: Decimal) -> Amount:
    return Amount(currency="AUD", net_amount=value)


def _due_ids(hub: Hub, app: str) -> set[object]:
    return {record.id for record, _ in due(hub, app, "items")}


@pytest.mark.parametrize(("crm_price", "due_to_crm"), [(Decimal("10"), True), (Decimal("20"), False)])
def test_a_product_first_linked_to_a_xero_item_takes_xeros_price_where_it_differs(
    hub: Hub, crm_price: Decimal, due_to_crm: bool
) -> None:
    load_mapped(hub, "xero", [_mapped(hub, "xero", "I-1", Item(code="SKU-1", sale_price=_aud(Decimal("20"))))])
    counts = load_mapped(
        hub, "vtiger", [_mapped(hub, "vtiger", "14x1", Item(code="SKU-1", sale_price=_aud(crm_price)))]
    )
    assert counts.linked == 1
    assert hub.query("SELECT sale_price.net_amount FROM items") == [(Decimal("20"),)]
    [linked] = hub.query("SELECT id FROM items")[0]
    assert (linked in _due_ids(hub, "vtiger")) is due_to_crm
    assert linked not in _due_ids(hub, "xero")


def test_a_xero_item_first_linked_to_a_product_read_before_it_gives_the_hub_xeros_price_and_stock(hub: Hub) -> None:
    load_mapped(hub, "vtiger", [_mapped(hub, "vtiger", "14x1", Item(code="SKU-1", sale_price=_aud(Decimal("10"))))])
    kept = Item(code="SKU-1", sale_price=_aud(Decimal("20")), is_inventoried=True, quantity_on_hand=Decimal("5"))
    counts = load_mapped(hub, "xero", [_mapped(hub, "xero", "I-1", kept)])
    assert (counts.linked, counts.updated) == (1, 1)
    assert hub.query("SELECT sale_price.net_amount, quantity_on_hand FROM items") == [(Decimal("20"), Decimal("5"))]
    [linked] = hub.query("SELECT id FROM items")[0]
    assert linked in _due_ids(hub, "vtiger")
    assert linked not in _due_ids(hub, "xero")


def test_linking_a_customer_is_no_change_to_either_app_whatever_each_spells(hub: Hub) -> None:
    load_mapped(hub, "xero", [_mapped(hub, "xero", "X-1", Organization(name="Acme Pty Ltd", email="ap@acme.example"))])
    load_mapped(
        hub,
        "vtiger",
        [_mapped(hub, "vtiger", "11x5", Organization(name="ACME Pty. Ltd", website="https://acme.example"))],
    )
    assert hub.query("SELECT name FROM organizations") == [("Acme Pty Ltd",)]
    assert not [r for r, _ in due(hub, "vtiger", "organizations")]
