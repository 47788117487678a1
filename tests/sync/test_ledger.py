"""The record ledger: failures back off and need attention after the cap, states by record, a retry on request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from datashare.model import Organization
from datashare.store import Hub
from datashare.sync.causes import NO_ROOM
from datashare.sync.ledger import clear_for_retry, entity_states, explain, needing_attention
from datashare.sync.push import Retries, push_entity
from tests.stub_apps import RefusingSink

NOW = Retries(attempts=3, first=timedelta(0), longest=timedelta(0))  # no wait between attempts: each run tries


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub.open(tmp_path / "t.duckdb") as opened:
        yield opened


def _customers(hub: Hub, *names: str) -> list[UUID]:
    records = [Organization(id=uuid4(), name=name) for name in names]
    hub.upsert_records(records, source="xero")
    return [r.id for r in records if r.id is not None]


def test_a_record_refused_on_every_call_needs_attention_after_the_cap_and_is_left_alone(hub: Hub) -> None:
    bad, good = _customers(hub, "Refused Co", "Fine Co")
    sink = RefusingSink(refuse={bad})

    runs = [push_entity(hub, sink, "organizations", f"run-{n}", retries=NOW) for n in range(5)]

    assert sink.sent.count(bad) == 3  # the cap, then no more calls for it
    assert sink.sent.count(good) == 1
    assert [r.failed for r in runs] == [1, 1, 1, 0, 0]
    assert [r.attention for r in runs] == [0, 0, 1, 1, 1]  # each run says how many need attention
    [row] = [s for s in entity_states(hub, [("vtiger", "organizations")]) if s.app == "vtiger"]
    assert (row.states["needs attention"], row.states["in step"]) == (1, 1)
    [story] = explain(hub, str(bad), [("vtiger", "organizations")])
    [vtiger] = story.apps
    assert (story.label, vtiger.state, vtiger.attempts) == ("Refused Co", "needs attention", 3)
    assert vtiger.last_error == "Validation failed: accountname is too long"
    assert [h.action for h in vtiger.history] == ["failed", "failed", "failed"]


def test_a_retry_clears_attention_and_the_record_is_sent_again(hub: Hub) -> None:
    [bad] = _customers(hub, "Refused Co")
    sink = RefusingSink(refuse={bad})
    for n in range(3):
        push_entity(hub, sink, "organizations", f"run-{n}", retries=NOW)
    assert push_entity(hub, sink, "organizations", "still", retries=NOW).due == 0

    assert clear_for_retry(hub, app="vtiger") == [("vtiger", "organizations", 1)]
    sink.refuse.clear()  # the person fixed the cause in the app
    again = push_entity(hub, sink, "organizations", "retried", retries=NOW)

    assert (again.created, again.attention) == (1, 0)
    [story] = explain(hub, str(bad))
    assert (story.apps[0].state, story.apps[0].attempts) == ("in step", 0)


def test_a_failed_record_backs_off_before_it_is_tried_again(hub: Hub) -> None:
    [bad] = _customers(hub, "Refused Co")
    sink = RefusingSink(refuse={bad})
    patient = Retries(attempts=5, first=timedelta(hours=1), longest=timedelta(hours=6))

    push_entity(hub, sink, "organizations", "first", retries=patient)
    second = push_entity(hub, sink, "organizations", "second", retries=patient)

    assert (second.due, sink.sent.count(bad)) == (0, 1)
    [(wait,)] = hub.query("SELECT retry_at - now() FROM id_map WHERE hub_id = ?", bad)
    assert timedelta(minutes=59) < wait <= timedelta(hours=1)


def test_states_count_skips_by_cause_and_records_the_app_never_had_as_due(hub: Hub) -> None:
    skipped, sent, _never = _customers(hub, "Skipped Co", "Sent Co", "New Co")
    push_entity(hub, RefusingSink(refuse=set(), skip={skipped}), "organizations", "one", retries=NOW)
    _customers(hub, "Arrived Since Co")

    [row] = [s for s in entity_states(hub, [("vtiger", "organizations")]) if s.app == "vtiger"]

    assert row.states == {"skipped": 1, "in step": 2, "due": 1}
    assert row.causes == {NO_ROOM.name: 1}
    assert explain(hub, str(sent))[0].apps[0].history[0].action == "created in app"


def test_the_records_needing_attention_are_listed_with_their_label_attempts_and_error_secrets_masked(hub: Hub) -> None:
    bad, good = _customers(hub, "Refused Co", "Fine Co")
    sink = RefusingSink(refuse={bad})
    assert needing_attention(hub) == []
    for n in range(3):
        push_entity(hub, sink, "organizations", f"run-{n}", retries=NOW)
    hub.query("UPDATE id_map SET last_error = last_error || ' (Bearer abc.def)' WHERE hub_id = ?", bad)

    [listed] = needing_attention(hub)

    assert (listed.app, listed.entity, listed.hub_id, listed.label) == ("vtiger", "organizations", bad, "Refused Co")
    assert (listed.remote_id, listed.attempts) == (None, 3)
    assert listed.last_error == "Validation failed: accountname is too long (Bearer ***)"
    assert listed.since is not None
    assert good not in {a.hub_id for a in needing_attention(hub)}
    assert needing_attention(hub, limit=0) == []
