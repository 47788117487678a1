"""Writing hub records to vTiger: organizations as Accounts, people as Contacts."""

from __future__ import annotations

import typing as t
from collections.abc import Callable
from dataclasses import dataclass

from connectors.base.errors import ConnectorError
from connectors.vtiger.client import VtigerClient
from connectors.vtiger.mapping import READERS, WaitingForReference, write_account, write_contact
from datashare.model import CanonicalModel, Organization
from datashare.model.mapping import MappingError, Refs
from datashare.sync.push import PushResult

__all__ = ["VtigerSink"]

_WRITERS: dict[str, tuple[str, Callable[[t.Any, Refs], dict[str, t.Any]]]] = {
    "organizations": ("Accounts", write_account),
    "people": ("Contacts", write_contact),
}


def _as_held(module: str, saved: dict[str, t.Any], refs: Refs, hub_id: t.Any) -> dict[str, t.Any] | None:
    """The saved vTiger record in canonical form, as the next read will map it."""
    try:
        record = READERS[module](saved, refs).record
    except MappingError:
        return None
    return {**record.model_dump(mode="json"), "id": str(hub_id)}


@dataclass
class VtigerSink:
    """Creates or revises vTiger records one by one (vTiger has no batch write), with a result each."""

    client: VtigerClient
    app: str = "vtiger"

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        """Create the records vTiger does not have, revise the others."""
        module, write = _WRITERS[entity]
        results = []
        for record in records:
            assert record.id is not None
            if isinstance(record, Organization) and record.is_supplier and not record.is_customer:
                # Suppliers live in vTiger's Vendors, which this connector reads but does not write.
                results.append(PushResult(record.id, False, skipped=True, error="suppliers are not written to vTiger"))
                continue
            remote = refs.remote_id(entity, record.id)
            if record.deleted_at is not None:
                results.append(self._delete(record.id, remote))
                continue
            try:
                element = write(record, refs)
                if remote:
                    saved = self.client.revise({**element, "id": remote})
                    held = _as_held(module, saved, refs, record.id)
                    results.append(PushResult(record.id, True, remote, snapshot=held))
                else:
                    saved = self.client.create(module, element)
                    held = _as_held(module, saved, refs, record.id)
                    results.append(PushResult(record.id, True, str(saved["id"]), created=True, snapshot=held))
            except WaitingForReference as waiting:
                results.append(PushResult.wait(record.id, waiting, remote))
            except (MappingError, ConnectorError) as error:
                results.append(PushResult(record.id, False, remote, error=str(error)))
        return results

    def _delete(self, hub_id: t.Any, remote: str | None) -> PushResult:
        """A record deleted, voided or archived elsewhere is deleted in vTiger (its recycle bin keeps it)."""
        if remote is None:
            return PushResult(hub_id, False, skipped=True, error="deleted before it reached vTiger")
        try:
            self.client.delete(remote)
        except ConnectorError as error:
            return PushResult(hub_id, False, remote, error=str(error))
        return PushResult(hub_id, True, remote)
