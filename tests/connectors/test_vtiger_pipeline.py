"""vTiger through extract and map: staged changes and deletions, rejects with reasons, tombstones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.base.source import CollectionSource
from connectors.vtiger import VtigerClient, make_mapper
from connectors.vtiger.source import VtigerSource
from connectors.vtiger.streams import VtigerModule, module_named
from datashare.model.mapping import SourcePage
from datashare.store import Hub
from datashare.sync.extract import extract
from datashare.sync.mapping import map_staged
from sandbox.common.clock import FakeClock
from sandbox.vtiger import VtigerState


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub.open(tmp_path / "t.duckdb") as opened:
        yield opened


def CorruptedSource(client: VtigerClient, module: VtigerModule) -> CollectionSource:  # noqa: N802
    """The first page as a broken install might send it: one record without id, one with a bad number."""
    source = VtigerSource(client, module)
    clean = source.read

    def read(cursor: str | None) -> Iterator[SourcePage]:
        for number, page in enumerate(clean(cursor)):
            if number == 0:
                page.records[0].pop("id")
                page.records[1]["employees"] = "12,5x"
            yield page

    source.read = read
    return source


def test_accounts_extract_and_map_with_no_rejects(
    vtiger_seeded: VtigerState, vtiger_client: VtigerClient, hub: Hub
) -> None:
    counts = extract(hub, VtigerSource(vtiger_client, module_named("Accounts")), "run-1")
    accounts = sum(1 for r in vtiger_seeded.entities.values() if r.module == "Accounts")
    assert counts.staged == accounts
    result = map_staged(hub, "vtiger", "organizations", "run-1", make_mapper())
    assert (result.read, result.rejected, len(result.mapped)) == (accounts, 0, accounts)


def test_a_malformed_record_becomes_a_reject_with_its_reason(
    vtiger_seeded: VtigerState, vtiger_client: VtigerClient, hub: Hub
) -> None:
    counts = extract(hub, CorruptedSource(vtiger_client, module_named("Accounts")), "run-1")
    assert counts.rejected == 1
    result = map_staged(hub, "vtiger", "organizations", "run-1", make_mapper())
    assert result.rejected == 1
    assert len(result.mapped) == counts.staged - 1
    reasons = dict(hub.query("SELECT stage, reason FROM rejects"))
    assert reasons["extract"] == "vtiger Accounts record without an id"
    assert "employees" in reasons["map"]
    assert "12,5x" in reasons["map"]


def test_a_deletion_in_vtiger_becomes_a_tombstone_for_its_hub_record(
    vtiger_seeded: VtigerState, vtiger_client: VtigerClient, vtiger_clock: FakeClock, hub: Hub
) -> None:
    source = VtigerSource(vtiger_client, module_named("Accounts"))
    extract(hub, source, "run-1")
    first = {
        m.remote_id: m.record.id for m in map_staged(hub, "vtiger", "organizations", "run-1", make_mapper()).mapped
    }
    hub.mark_loaded("vtiger", "organizations", hub.now())  # as run 1's load would
    victim = sorted(first)[0]
    vtiger_clock.advance(5)
    vtiger_client.delete(victim)
    vtiger_clock.advance(5)
    counts = extract(hub, source, "run-2")
    assert (counts.staged, counts.deleted) == (0, 1)
    result = map_staged(hub, "vtiger", "organizations", "run-2", make_mapper())
    assert result.deleted == [first[victim]]
    assert result.mapped == []


def test_tables_without_a_modified_time_are_read_whole(
    vtiger_seeded: VtigerState, vtiger_client: VtigerClient, hub: Hub
) -> None:
    source = VtigerSource(vtiger_client, module_named("Tax"))
    first = extract(hub, source, "run-1")
    again = extract(hub, source, "run-2")
    assert first.staged == again.staged > 0
