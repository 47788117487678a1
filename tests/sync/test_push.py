"""Push: what is due to an app, what its sink said, and what the id map remembers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pyarrow as pa
import pytest

from datashare.model import CanonicalModel, Item, Organization, Person
from datashare.model.mapping import Refs, WaitingForReference
from datashare.store import Hub
from datashare.sync.push import PushResult, due, push_entity


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub.open(tmp_path / "t.duckdb") as opened:
        yield opened


@dataclass
class RecordingSink:
    """A sink that takes everything (suppliers excepted) and remembers what it was sent."""

    app: str = "vtiger"
    sent: list[CanonicalModel] = field(default_factory=list)

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        results = []
        for record in records:
            assert record.id is not None
            self.sent.append(record)
            if isinstance(record, Organization) and record.is_supplier:
                results.append(PushResult(record.id, False, skipped=True, error="suppliers are not written"))
            elif isinstance(record, Person) and record.organization_id is not None:
                if refs.remote_id("organizations", record.organization_id) is None:
                    waiting = WaitingForReference("organizations", record.organization_id, self.app)
                    results.append(PushResult.wait(record.id, waiting))
                else:
                    results.append(PushResult(record.id, True, f"p-{record.id}", created=True))
            else:
                results.append(PushResult(record.id, True, f"r-{record.id}", created=True))
        return results


def _held_by(hub: Hub, entity: str, hub_id: UUID | None, app: str, remote: str) -> None:
    """The app holds the record as the hub has it (as if it had come from there)."""
    [(digest,)] = hub.query(f"SELECT hub_hash FROM {entity} WHERE id = ?", str(hub_id))
    table = {"entity": [entity], "hub_id": [str(hub_id)], "app": [app], "remote_id": [remote], "pushed_hash": [digest]}
    hub.upsert_id_map(pa.table(table))


def test_what_was_pushed_is_not_due_again_until_it_changes(hub: Hub) -> None:
    acme = Organization(id=uuid4(), name="Acme")
    hub.upsert_records([acme], source="xero")
    sink = RecordingSink()
    assert push_entity(hub, sink, "organizations").created == 1
    assert due(hub, "vtiger", "organizations") == []
    hub.upsert_records([acme.model_copy(update={"email": "hello@acme.example"})], source="xero")
    assert [r.id for r, _ in due(hub, "vtiger", "organizations")] == [acme.id]


def test_a_record_waiting_for_one_the_app_does_not_take_is_skipped_with_the_reason(hub: Hub) -> None:
    supplier = Organization(id=uuid4(), name="Parts Co", is_supplier=True, is_customer=False)
    buyer = Person(id=uuid4(), first_name="Sam", last_name="Lee", organization_id=supplier.id)
    hub.upsert_records([supplier], source="xero")
    hub.upsert_records([buyer], source="xero")
    sink = RecordingSink()
    push_entity(hub, sink, "organizations")

    counts = push_entity(hub, sink, "people")

    assert (counts.skipped, counts.waiting) == (1, 0)
    [(status, reason)] = hub.query(
        "SELECT status, last_error FROM id_map WHERE app = 'vtiger' AND entity = 'people' AND hub_id = ?",
        str(buyer.id),
    )
    assert status == "skipped"
    assert reason == (
        "not sent: the organizations record it refers to is not taken by vtiger (suppliers are not written)"
    )
    assert due(hub, "vtiger", "people") == []  # not asked again until the person changes


def test_a_tombstone_goes_to_the_apps_that_hold_the_record_and_never_back_to_the_one_that_deleted_it(
    hub: Hub,
) -> None:
    kept, never_sent = Organization(id=uuid4(), name="Gone Pty Ltd"), Organization(id=uuid4(), name="Draft Co")
    hub.upsert_records([kept, never_sent], source="xero")
    _held_by(hub, "organizations", kept.id, "xero", "x-1")
    push_entity(hub, RecordingSink(), "organizations")  # vTiger now holds both
    hub.query("DELETE FROM id_map WHERE app = 'vtiger' AND hub_id = ?", str(never_sent.id))
    assert kept.id is not None
    assert never_sent.id is not None

    hub.mark_deleted("organizations", [kept.id, never_sent.id], app="xero")

    assert [r.id for r, _ in due(hub, "vtiger", "organizations")] == [kept.id]  # not one vTiger never had
    assert due(hub, "xero", "organizations") == []  # Xero deleted it: nothing goes back
    sink = RecordingSink()
    push_entity(hub, sink, "organizations")
    assert [r.deleted_at is not None for r in sink.sent] == [True]
    assert due(hub, "vtiger", "organizations") == []


def test_a_change_to_a_field_an_app_does_not_hold_is_not_due_to_it(hub: Hub) -> None:
    widget = Item(id=uuid4(), code="W-1", name="Widget", quantity_on_hand=Decimal(5))
    hub.upsert_records([widget], source="xero")
    for app in ("salesforce", "vtiger"):
        assert push_entity(hub, RecordingSink(app=app), "items").created == 1

    hub.upsert_records([widget.model_copy(update={"quantity_on_hand": Decimal(2)})], source="xero")

    assert due(hub, "salesforce", "items") == []  # Salesforce holds no stock on hand
    assert [r.id for r, _ in due(hub, "vtiger", "items")] == [widget.id]
    hub.upsert_records([widget.model_copy(update={"name": "Widget Pro"})], source="xero")
    assert [r.id for r, _ in due(hub, "salesforce", "items")] == [widget.id]
