"""The three-way field merge, as a pure function."""

from __future__ import annotations

from datashare.sync.merge import Policy, merge_fields

NEWEST = Policy()
BASE = {
    "id": "h1",
    "name": "Acme",
    "email": "a@acme.example",
    "website": None,
    "updated_at": "2025-01-01T00:00:00+00:00",
}


def test_a_field_only_the_app_changed_is_taken() -> None:
    result = merge_fields(BASE, dict(BASE), {**BASE, "email": "new@acme.example"}, app="vtiger", policy=NEWEST)
    assert result.record["email"] == "new@acme.example"
    assert result.changed
    assert result.conflicts == []


def test_a_field_only_the_hub_changed_is_kept() -> None:
    hub = {**BASE, "website": "https://acme.example"}
    result = merge_fields(BASE, hub, dict(BASE), app="vtiger", policy=NEWEST)
    assert result.record["website"] == "https://acme.example"
    assert not result.changed


def test_changes_to_different_fields_are_both_kept() -> None:
    hub = {**BASE, "website": "https://acme.example"}
    incoming = {**BASE, "email": "new@acme.example"}
    result = merge_fields(BASE, hub, incoming, app="vtiger", policy=NEWEST)
    assert (result.record["website"], result.record["email"]) == ("https://acme.example", "new@acme.example")


def test_both_changed_the_newest_wins_and_the_decision_is_recorded() -> None:
    hub = {**BASE, "name": "Acme Hub", "updated_at": "2025-01-02T00:00:00+00:00"}
    incoming = {**BASE, "name": "Acme App", "updated_at": "2025-01-03T00:00:00+00:00"}
    result = merge_fields(BASE, hub, incoming, app="vtiger", policy=NEWEST)
    assert result.record["name"] == "Acme App"
    assert [(c.field, c.base, c.hub, c.app, c.winner) for c in result.conflicts] == [
        ("name", "Acme", "Acme Hub", "Acme App", "vtiger")
    ]
    older = {**incoming, "updated_at": "2025-01-01T12:00:00+00:00"}
    assert merge_fields(BASE, hub, older, app="vtiger", policy=NEWEST).record["name"] == "Acme Hub"


def test_the_source_of_truth_wins_whatever_the_times() -> None:
    hub = {**BASE, "name": "Acme Hub", "updated_at": "2025-01-09T00:00:00+00:00"}
    incoming = {**BASE, "name": "Acme Xero"}
    assert merge_fields(BASE, hub, incoming, app="xero", policy=Policy("xero")).record["name"] == "Acme Xero"
    result = merge_fields(BASE, hub, {**BASE, "name": "Acme CRM"}, app="vtiger", policy=Policy("xero"))
    assert result.record["name"] == "Acme Hub"
    assert result.conflicts[0].winner == "hub"


def test_a_field_the_app_does_not_carry_never_erases_the_hubs_value() -> None:
    hub = {**BASE, "website": "https://acme.example"}
    incoming = {**BASE, "website": None}
    assert merge_fields(None, hub, incoming, app="vtiger", policy=NEWEST).record["website"] == "https://acme.example"


def test_nothing_changed_means_nothing_to_write() -> None:
    result = merge_fields(BASE, dict(BASE), dict(BASE), app="xero", policy=NEWEST)
    assert not result.changed
    assert result.record == BASE


def test_a_value_where_the_hub_holds_none_is_taken_without_a_conflict() -> None:
    # A shop's invoice has no amount due: Xero works it out, then changes it when the payment arrives.
    base = {**BASE, "website": "https://old.example"}
    hub = {**BASE, "website": None, "updated_at": "2025-01-09T00:00:00+00:00"}
    incoming = {**BASE, "website": "https://new.example"}
    result = merge_fields(base, hub, incoming, app="xero", policy=Policy("vtiger"))
    assert result.record["website"] == "https://new.example"
    assert (result.changed, result.conflicts) == (True, [])
