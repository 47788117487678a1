"""A poisoned record in a real pull: one reject naming it and why, and the rest of its batch in the hub.

The sandbox's vTiger, on a loopback port, holds one organization whose
employee count is 10**30 (what the issue's fuzzing found stopping every run
of the collection); the connector pulls Accounts into a real DuckDB hub.
What no mapper foresees is a reject too: its type and its message, redacted
and cut short.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.base.retry import RetryPolicy
from connectors.vtiger import VtigerClient, make_mapper
from connectors.vtiger.source import VtigerSource
from connectors.vtiger.streams import module_named
from connectors.vtiger.tables import read_lookups
from datashare.model.mapping import Mapped, Refs
from datashare.store import Hub
from sandbox.vtiger import SAMPLE_ACCESS_KEY, SAMPLE_USERNAME, VtigerState
from tasks.pull import pull_batch
from tests.sample_crm import served_sample_crm

pytestmark = pytest.mark.e2e

POISON = "1" + "0" * 30


@pytest.fixture
def crm() -> Iterator[tuple[VtigerState, str]]:
    """The sample CRM, served under /vtiger on a loopback port."""
    with served_sample_crm() as served:
        yield served


def test_a_poisoned_record_is_one_reject_naming_it_and_the_rest_of_its_batch_loads(
    crm: tuple[VtigerState, str], tmp_path: Path
) -> None:
    state, base = crm
    accounts = sorted(state.live("Accounts"), key=lambda record: record.crmid)
    poisoned = accounts[len(accounts) // 2]
    poisoned.values["employees"] = POISON  # as a broken import left it in the CRM's table
    with VtigerClient(base, SAMPLE_USERNAME, SAMPLE_ACCESS_KEY, retry=RetryPolicy(attempts=2)) as client:
        source = VtigerSource(client, module_named("Accounts"))
        mapper = make_mapper(lookups=read_lookups(client))
        with Hub.open(tmp_path / "hub.duckdb") as hub:
            summary = pull_batch(hub, source, mapper, "run-1")
            rejects = hub.query("SELECT app, remote_id, stage, reason FROM rejects")
            loaded = {row[0] for row in hub.query("SELECT remote_id FROM id_map WHERE entity = 'organizations'")}
            [(organizations,)] = hub.query("SELECT count(*) FROM organizations")

    remote_id = f"11x{poisoned.crmid}"
    [(app, rejected, stage, reason)] = rejects
    assert (app, rejected, stage) == ("vtiger", remote_id, "map")
    assert f"vTiger Accounts {remote_id}: employees is too large to keep" in reason
    assert (summary.read, summary.rejected, summary.created) == (len(accounts), 1, len(accounts) - 1)
    assert organizations == len(accounts) - 1
    assert {f"11x{record.crmid}" for record in accounts} - loaded == {remote_id}


def test_an_error_no_mapper_foresaw_is_the_records_reject_with_its_type_and_a_redacted_message_cut_short(
    crm: tuple[VtigerState, str], tmp_path: Path
) -> None:
    state, base = crm
    accounts = state.live("Accounts")
    poisoned = f"11x{accounts[0].crmid}"
    with VtigerClient(base, SAMPLE_USERNAME, SAMPLE_ACCESS_KEY, retry=RetryPolicy(attempts=2)) as client:
        mapper = make_mapper(lookups=read_lookups(client))

        def trips(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
            if raw.get("id") == poisoned:
                raise RuntimeError("upstream said Authorization: Bearer s3cr3t-t0ken " + "and more " * 100)
            return mapper(stream, raw, refs)

        with Hub.open(tmp_path / "hub.duckdb") as hub:
            summary = pull_batch(hub, VtigerSource(client, module_named("Accounts")), trips, "run-1")
            [(rejected, reason)] = hub.query("SELECT remote_id, reason FROM rejects")

    assert rejected == poisoned
    assert reason.startswith("could not be read (RuntimeError: upstream said Authorization: Bearer ***")
    assert "s3cr3t" not in reason
    assert len(reason) < 400  # the message is cut at 300 characters
    assert (summary.rejected, summary.created) == (1, len(accounts) - 1)
