"""Writing hub records to Salesforce: organizations as Accounts, people as Contacts, items as Product2.

Records are upserted by ``Datashare_Id__c`` (the hub id) in sObject
Collections of 200, so a batch sent again after a crash or a lost answer
updates what the first send created. Tombstones are deleted (Salesforce's
recycle bin keeps them).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from connectors.base.errors import ConnectorError
from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.mapping import WRITERS
from datashare.model import CanonicalModel
from datashare.model.mapping import MappingError, Refs, WaitingForReference
from datashare.sync.push import PushResult

__all__ = ["SalesforceSink"]


@dataclass
class SalesforceSink:
    """Upserts hub records to Salesforce in batches, with one result per record."""

    client: SalesforceClient
    app: str = "salesforce"

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        """Map each record, upsert the mappable ones, delete tombstones; results in the records' order."""
        sobject, write = WRITERS[entity]
        results: dict[int, PushResult] = {}
        payloads: list[tuple[int, dict[str, t.Any]]] = []
        tombstones: list[tuple[int, str]] = []
        for index, record in enumerate(records):
            assert record.id is not None
            remote = refs.remote_id(entity, record.id)
            if record.deleted_at is not None:
                if remote is None:
                    results[index] = PushResult(
                        record.id, False, skipped=True, error="deleted before it reached Salesforce"
                    )
                else:
                    tombstones.append((index, remote))
                continue
            try:
                payloads.append((index, write(record, refs)))
            except WaitingForReference as waiting:
                results[index] = PushResult.wait(record.id, waiting, remote)
            except MappingError as error:
                results[index] = PushResult(record.id, False, remote, error=str(error))
        if payloads:
            try:
                saved = self.client.upsert(sobject, [p for _, p in payloads])
            except ConnectorError as error:
                for index, _ in payloads:
                    hub_id = records[index].id
                    assert hub_id is not None
                    results[index] = PushResult(hub_id, False, refs.remote_id(entity, hub_id), error=str(error))
            else:
                for (index, _), result in zip(payloads, saved, strict=True):
                    hub_id = records[index].id
                    assert hub_id is not None
                    remote = result.id or refs.remote_id(entity, hub_id)
                    if result.success:
                        results[index] = PushResult(hub_id, True, remote, created=result.created)
                    else:
                        results[index] = PushResult(hub_id, False, remote, error=result.error or "refused")
        if tombstones:
            results.update(self._delete(records, tombstones))
        return [results[i] for i in range(len(records))]

    def _delete(self, records: list[CanonicalModel], tombstones: list[tuple[int, str]]) -> dict[int, PushResult]:
        out: dict[int, PushResult] = {}
        try:
            deleted = self.client.delete([remote for _, remote in tombstones])
        except ConnectorError as error:
            for index, remote in tombstones:
                hub_id = records[index].id
                assert hub_id is not None
                out[index] = PushResult(hub_id, False, remote, error=str(error))
            return out
        for (index, remote), result in zip(tombstones, deleted, strict=True):
            hub_id = records[index].id
            assert hub_id is not None
            gone = result.success or "ENTITY_IS_DELETED" in (result.error or "")
            out[index] = PushResult(hub_id, gone, remote, error=None if gone else result.error)
        return out
