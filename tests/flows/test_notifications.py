"""Notifications on a real Prefect server: a failed run, and a run leaving records that need attention, call the
webhook that prefect.yaml names (here the sandbox's inbox); making them twice duplicates nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from prefect import flow
from prefect.blocks.webhook import Webhook
from prefect.client.orchestration import get_client

from datashare.config import load_config
from datashare.model import Organization
from datashare.store import Hub
from flows.attention import report_attention
from flows.notifications import Notifications, ensure_notifications
from sandbox.server import Sandbox
from tests.stub_apps import xero_only_config

pytestmark = [pytest.mark.prefect, pytest.mark.e2e, pytest.mark.usefixtures("prefect_server")]

WAIT = 60.0  # seconds: the server's trigger and action services work in the background


@pytest.fixture
def notifications(sandbox_url: str) -> Iterator[Notifications]:
    """The notifications of prefect.yaml, calling the sandbox's inbox; removed afterwards (the server is shared)."""
    made = ensure_notifications(url=f"{sandbox_url}/hooks/inbox")
    yield made
    with get_client(sync_client=True) as client:
        for notice in made.notices:
            for automation in client.read_automations_by_name(notice.name):
                client.delete_automation(automation.id)


@flow(name="breaks_on_purpose", flow_run_name="breaks-on-purpose")
def breaks_on_purpose() -> None:
    """A run that fails."""
    raise RuntimeError("failed on purpose")


def _arrived(sandbox: Sandbox, **wanted: Any) -> dict[str, Any]:
    """The first post to the inbox whose body has the ``wanted`` values, waiting for it up to ``WAIT`` seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for post in sandbox.hooks.read():
            body = post["body"]
            if isinstance(body, dict) and all(body.get(k) == v for k, v in wanted.items()):
                return body
        time.sleep(0.5)
    raise AssertionError(f"no post with {wanted} within {WAIT} s; the inbox has {sandbox.hooks.read()}")


def _tenant_with_a_record_needing_attention(tmp_path: Path) -> Path:
    store = tmp_path / "notify.duckdb"
    config = xero_only_config(tmp_path, "notify-test", store)
    customer = Organization(id=uuid4(), name="Refused Co")
    with Hub.open(store) as hub:
        hub.upsert_records([customer], source="xero")
        hub.query(
            "INSERT INTO id_map (entity, hub_id, app, status, attempts, attention, last_error) "
            "VALUES ('organizations', ?, 'vtiger', 'error', 5, true, 'refused')",
            customer.id,
        )
    return config


def test_making_the_notifications_again_keeps_one_automation_of_each_name_and_the_webhook_block(
    notifications: Notifications, sandbox_url: str
) -> None:
    again = ensure_notifications(url=f"{sandbox_url}/hooks/inbox")

    assert [n.name for n in again.notices] == ["datashare-run-failed", "datashare-needs-attention"]
    with get_client(sync_client=True) as client:
        for notice in again.notices:
            [automation] = client.read_automations_by_name(notice.name)
            assert automation.enabled
            assert [a.type for a in automation.actions] == ["call-webhook"]
    block = Webhook.load(again.block)
    assert block.url.get_secret_value() == f"{sandbox_url}/hooks/inbox"  # type: ignore[union-attr]


def test_a_failed_run_and_a_run_with_records_needing_attention_call_the_webhook(
    notifications: Notifications, sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = load_config(_tenant_with_a_record_needing_attention(tmp_path), check_env=False).tenant("notify-test")

    @flow(name="leaves_attention", flow_run_name="leaves-attention")
    def leaves_attention() -> int:
        return report_attention(settings, "tenants.toml", "notify-test", "a test run for notify-test")

    with pytest.raises(RuntimeError, match="on purpose"):
        breaks_on_purpose()
    assert leaves_attention() == 1

    failed = _arrived(sandbox, notice="run failed", flow_run="breaks-on-purpose")
    assert failed["event"] == "prefect.flow-run.Failed"
    attention = _arrived(sandbox, notice="records need attention", tenant="notify-test")
    assert (attention["attention"], attention["flow_run"]) == (1, "leaves-attention")
