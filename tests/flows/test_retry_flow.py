"""The retry-records flow on a real Prefect server: a record needing attention is sent by the flow, and the run says
what still needs attention and where to look further."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID, uuid4

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from datashare.config import load_config
from datashare.model import Item, Organization
from datashare.store import Hub
from flows.retry import retry_records
from sandbox.server import Sandbox

pytestmark = [pytest.mark.prefect, pytest.mark.e2e, pytest.mark.usefixtures("prefect_server")]

NAME = "Retried Outfitters Pty Ltd"
ERROR = "Validation failed: accountname is too long"


def _needing_attention(hub: Hub, entity: str, hub_id: UUID) -> None:
    """The id map as five refused sends to vTiger leave it: failed, attempts at the cap, left for a person."""
    hub.query(
        "INSERT INTO id_map (entity, hub_id, app, status, attempts, attention, last_error) "
        "VALUES (?, ?, 'vtiger', 'error', 5, true, ?)",
        entity,
        hub_id,
        ERROR,
    )


def _artifact(key: str) -> object:
    with get_client(sync_client=True) as client:
        [found] = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), limit=1)
    return found.data


def test_a_record_needing_attention_is_sent_by_the_retry_flow_and_the_rest_stay_listed(
    own_sandbox: tuple[Sandbox, Path],
) -> None:
    sandbox, config = own_sandbox
    tenant = load_config(config).tenant("demo-au")
    customer = Organization(id=uuid4(), name=NAME)
    item = Item(id=uuid4(), code="RETRY-LATER", name="Left For Later")
    with Hub.open(tenant.store_path()) as hub:
        hub.upsert_records([customer], source="xero")
        hub.upsert_records([item], source="xero")
        assert customer.id is not None
        assert item.id is not None
        _needing_attention(hub, "organizations", customer.id)
        _needing_attention(hub, "items", item.id)

    rows = retry_records(tenant="demo-au", app="vtiger", entity="organizations", config=str(config))

    assert [(r["app"], r["entity"], r["created"]) for r in rows] == [("vtiger", "organizations", 1)]
    crm = sandbox.vtiger["au"]
    assert [r.values["accountname"] for r in crm.live("Accounts") if r.values.get("accountname") == NAME] == [NAME]
    with Hub.open(tenant.store_path()) as hub:
        [(remote, status, attention, attempts)] = hub.query(
            "SELECT remote_id, status, attention, attempts FROM id_map WHERE app = 'vtiger' AND hub_id = ?",
            customer.id,
        )
    assert (remote is not None, status, attention, attempts) == (True, "linked", False, 0)
    listed = str(_artifact("retry-records-demo-au-needs-attention"))
    assert "Left For Later" in listed  # the item was not asked for: it still needs attention
    assert ERROR in listed
    assert NAME not in listed
    further = str(_artifact("retry-records-demo-au-look-further"))
    assert f"datashare why demo-au {item.id} --config {config.resolve()}" in further
    assert "datashare conflicts demo-au" in further
    assert "demo-au-dashboard.html" in further
