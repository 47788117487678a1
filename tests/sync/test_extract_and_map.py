"""Extract and map over the hub: cursors after each page, rejects with reasons, ids from the id map."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from datashare.model import Organization
from datashare.model.mapping import Mapped, MappingError, Refs
from datashare.store import Hub
from datashare.sync.extract import SourcePage, extract
from datashare.sync.mapping import map_staged
from datashare.sync.refs import HubRefs
from tasks.pull import pull_batch


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub.open(tmp_path / "t.duckdb") as opened:
        yield opened


@dataclass
class ListSource:
    """Pages from a list; the cursor is the number of pages read; can fail after some pages."""

    pages_data: list[list[dict[str, t.Any]]]
    fail_after: int | None = None
    app: str = "xero"
    entity: str = "organizations"
    stream: str = "Contacts"
    asked: list[str | None] = field(default_factory=list)

    def pages(self, cursor: str | None) -> Iterator[SourcePage]:
        self.asked.append(cursor)
        start = int(cursor or 0)
        for number, records in enumerate(self.pages_data[start:], start=start + 1):
            if self.fail_after is not None and number > self.fail_after:
                raise ConnectionError("the app went away")
            yield SourcePage(records, str(number))

    def remote_id(self, record: dict[str, t.Any]) -> str | None:
        value = record.get("ContactID")
        return str(value) if value else None

    def cursor_since(self, moment: datetime) -> str | None:
        return "1" if moment.year >= 2025 else None  # pretend the first page is all from before 2025


PAGES = [
    [{"ContactID": "c1", "Name": "Acme"}, {"Name": "No id"}, {"ContactID": "c2", "Name": "Bayside"}],
    [{"ContactID": "c3", "Name": "Coast"}],
]


def test_extract_stages_pages_and_rejects_records_without_id(hub: Hub) -> None:
    counts = extract(hub, ListSource(PAGES), "run-1")
    assert (counts.pages, counts.read, counts.staged, counts.rejected) == (2, 4, 3, 1)
    assert [rid for _, rid, _ in hub.staged("xero", "organizations", "run-1")] == ["c1", "c2", "c3"]
    assert hub.query("SELECT stage, reason, json_extract_string(payload, '$.Name') FROM rejects") == [
        ("extract", "xero Contacts record without an id", "No id")
    ]
    assert hub.get_cursor("xero", "organizations", "Contacts") == "2"


def test_a_failed_extract_resumes_after_the_last_stored_page(hub: Hub) -> None:
    with pytest.raises(ConnectionError):
        extract(hub, ListSource(PAGES, fail_after=1), "run-1")
    assert hub.get_cursor("xero", "organizations", "Contacts") == "1"
    again = ListSource(PAGES)
    counts = extract(hub, again, "run-2")
    assert again.asked == ["1"]
    assert counts.staged == 1


def test_full_extract_ignores_the_cursor(hub: Hub) -> None:
    extract(hub, ListSource(PAGES), "run-1")
    source = ListSource(PAGES)
    extract(hub, source, "run-2", full=True)
    assert source.asked == [None]


def test_a_read_without_a_cursor_starts_at_the_date_given(hub: Hub) -> None:
    source = ListSource(PAGES)
    counts = extract(hub, source, "run-1", since=datetime(2025, 1, 1, tzinfo=UTC))
    assert source.asked == ["1"]
    assert [rid for _, rid, _ in hub.staged("xero", "organizations", "run-1")] == ["c3"]
    assert counts.read == 1


def test_a_stored_cursor_wins_over_the_date_and_a_full_read_starts_at_it(hub: Hub) -> None:
    extract(hub, ListSource(PAGES[:1]), "run-1")
    since = datetime(2025, 1, 1, tzinfo=UTC)
    incremental = ListSource(PAGES)
    extract(hub, incremental, "run-2", since=since)
    full = ListSource(PAGES)
    extract(hub, full, "run-3", full=True, since=since)
    assert (incremental.asked, full.asked) == (["1"], ["1"])
    old = ListSource(PAGES)
    extract(hub, old, "run-4", full=True, since=datetime(2020, 1, 1, tzinfo=UTC))
    assert old.asked == [None]  # an app that cannot filter by date reads everything


def _mapper(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
    if raw["Name"] == "Bayside":
        raise MappingError("organizations.email: not an email address (got 'x@')")
    remote = str(raw["ContactID"])
    org = Organization(id=refs.hub_id("organizations", remote), name=raw["Name"])
    return [Mapped("organizations", remote, org)]


def test_map_turns_unmappable_records_into_rejects_and_keeps_the_rest(hub: Hub) -> None:
    extract(hub, ListSource(PAGES), "run-1")
    result = map_staged(hub, "xero", "organizations", "run-1", _mapper)
    assert (result.read, result.rejected) == (3, 1)
    assert [m.remote_id for m in result.mapped] == ["c1", "c3"]
    assert hub.query("SELECT remote_id, stage, reason FROM rejects WHERE stage = 'map'") == [
        ("c2", "map", "organizations.email: not an email address (got 'x@')")
    ]


def test_map_gives_stable_hub_ids_through_the_id_map(hub: Hub) -> None:
    extract(hub, ListSource(PAGES), "run-1")
    first = {m.remote_id: m.record.id for m in map_staged(hub, "xero", "organizations", "run-1", _mapper).mapped}
    extract(hub, ListSource(PAGES), "run-2", full=True)
    second = {m.remote_id: m.record.id for m in map_staged(hub, "xero", "organizations", "run-2", _mapper).mapped}
    assert first == second
    assert hub.query("SELECT count(*) FROM id_map WHERE app = 'xero'") == [(2,)]


def test_refs_look_natural_codes_up_in_the_canonical_table(hub: Hub) -> None:
    org = Organization.model_validate({"id": "6f1c2a51-9a3e-4b7e-8e2c-1d0c6c3b9a10", "name": "Acme", "code": "C-1"})
    hub.upsert_records([org], source="xero")
    refs = HubRefs(hub, "vtiger")
    assert refs.hub_id("organizations:code", "C-1") == org.id
    assert org.id is not None
    assert refs.remote_id("organizations:code", org.id) == "C-1"
    with pytest.raises(KeyError, match="no field 'colour'"):
        refs.hub_id("organizations:colour", "red")


def test_a_run_killed_between_extract_and_load_leaves_nothing_stranded(hub: Hub) -> None:
    extract(hub, ListSource(PAGES), "run-A")  # run A read every page, moved its cursor, and died before loading
    again = ListSource(PAGES)

    summary = pull_batch(hub, again, _mapper, "run-B")

    assert again.asked == ["2"]  # nothing new to read: the cursor is past every page
    assert (summary.mapped, summary.created, summary.rejected) == (2, 2, 1)
    assert hub.query("SELECT name FROM organizations ORDER BY name") == [("Acme",), ("Coast",)]
    assert pull_batch(hub, ListSource(PAGES), _mapper, "run-C").mapped == 0  # loaded once, not again


def test_a_record_a_mapper_trips_over_is_one_reject_and_the_rest_of_the_batch_loads(hub: Hub) -> None:
    def fragile(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        if raw["Name"] == "Bayside":
            return [Mapped("organizations", "c2", Organization(name=str(Decimal(10) ** 30 / 0)))]
        return _mapper(stream, raw, refs)

    extract(hub, ListSource(PAGES), "run-1")
    result = map_staged(hub, "xero", "organizations", "run-1", fragile)

    assert (result.read, result.rejected, [m.remote_id for m in result.mapped]) == (3, 1, ["c1", "c3"])
    [(remote, reason)] = hub.query("SELECT remote_id, reason FROM rejects WHERE stage = 'map'")
    assert remote == "c2"
    assert reason.startswith("could not be read (DivisionByZero:")
