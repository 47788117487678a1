"""Writing hub records to Salesforce: organizations as Accounts, people as Contacts, items as Product2.

Records are upserted by ``Datashare_Id__c`` (the hub id) in sObject
Collections of 200, so a batch sent again after a crash or a lost answer
updates what the first send created. Tombstones are deleted (Salesforce's
recycle bin keeps them).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from uuid import UUID

from connectors.base.errors import ConnectorError
from connectors.salesforce.client import SalesforceClient, SaveResult
from connectors.salesforce.mapping import READERS, WRITERS
from datashare.model import CanonicalModel, Organization
from datashare.model.mapping import MappingError, Refs, WaitingForReference
from datashare.sync.push import PushResult

SUPPLIERS = "suppliers are not written to Salesforce (the CRM holds customers)"

__all__ = ["SalesforceSink"]


class SnapshotView(t.Protocol):
    """Each record as an app last held it, in canonical form."""

    def snapshots(self, entity: str, app: str, ids: t.Sequence[UUID]) -> dict[UUID, dict[str, t.Any]]:
        """Snapshots by hub id."""
        ...


@dataclass
class SalesforceSink:
    """Upserts hub records to Salesforce in batches, with one result per record."""

    client: SalesforceClient
    app: str = "salesforce"
    currency: str | None = None  # the org's currency, for reading back what was written
    hub: SnapshotView | None = None  # what Salesforce last held of each record, to skip writes that change nothing

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        """Map each record, upsert the mappable ones, delete tombstones; results in the records' order."""
        sobject, write = WRITERS[entity]
        results: dict[int, PushResult] = {}
        payloads: list[tuple[int, dict[str, t.Any]]] = []
        tombstones: list[tuple[int, str]] = []
        ids = [r.id for r in records if r.id is not None]
        last = self.hub.snapshots(entity, self.app, ids) if self.hub is not None else {}
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
            if isinstance(record, Organization) and record.is_supplier and not record.is_customer:
                # The product's rule, as for vTiger: the CRM holds customers. An Account has no supplier
                # flag, so a supplier written there would come back as a customer and flip in Xero.
                results[index] = PushResult(record.id, False, skipped=True, error=SUPPLIERS)
                continue
            try:
                payload = write(record, refs)
                if remote is not None and self._holds(entity, record, payload, last.get(record.id), refs):
                    # A hub change Salesforce does not carry (Xero's stock on hand): nothing to send.
                    results[index] = PushResult(record.id, True, remote, snapshot=last.get(record.id), unchanged=True)
                    continue
                payloads.append((index, payload))
            except WaitingForReference as waiting:
                results[index] = PushResult.wait(record.id, waiting, remote)
            except MappingError as error:
                results[index] = PushResult(record.id, False, remote, error=str(error))
        if payloads:
            try:
                saved = self._save(entity, sobject, records, payloads, refs)
            except ConnectorError as error:
                for index, _ in payloads:
                    hub_id = records[index].id
                    assert hub_id is not None
                    results[index] = PushResult(hub_id, False, refs.remote_id(entity, hub_id), error=str(error))
            else:
                for (index, payload), result in zip(payloads, saved, strict=True):
                    hub_id = records[index].id
                    assert hub_id is not None
                    remote = result.id or refs.remote_id(entity, hub_id)
                    if result.success:
                        held = self._as_held(sobject, payload, remote, hub_id, refs)
                        results[index] = PushResult(hub_id, True, remote, created=result.created, snapshot=held)
                    else:
                        results[index] = PushResult(hub_id, False, remote, error=result.error or "refused")
        if tombstones:
            results.update(self._delete(records, tombstones))
        return [results[i] for i in range(len(records))]

    @staticmethod
    def _holds(
        entity: str, record: CanonicalModel, payload: dict[str, t.Any], held: dict[str, t.Any] | None, refs: Refs
    ) -> bool:
        """Whether Salesforce already holds exactly what ``payload`` would write."""
        if held is None:
            return False
        try:
            return WRITERS[entity][1](type(record).model_validate(held), refs) == payload
        except (MappingError, ValueError):
            return False

    def _save(
        self,
        entity: str,
        sobject: str,
        records: list[CanonicalModel],
        payloads: list[tuple[int, dict[str, t.Any]]],
        refs: Refs,
    ) -> list[SaveResult]:
        """Upsert by external id what Salesforce does not know by Id yet; update by Id what it does."""
        known = {i: refs.remote_id(entity, t.cast(UUID, records[i].id)) for i, _ in payloads}
        new = [(i, p) for i, p in payloads if known[i] is None]
        old = [(i, {**p, "Id": known[i]}) for i, p in payloads if known[i] is not None]
        done: dict[int, SaveResult] = {}
        if new:
            done.update(zip((i for i, _ in new), self.client.upsert(sobject, [p for _, p in new]), strict=True))
        if old:
            done.update(zip((i for i, _ in old), self.client.update(sobject, [p for _, p in old]), strict=True))
        return [done[i] for i, _ in payloads]

    def _as_held(
        self, sobject: str, payload: dict[str, t.Any], remote: str | None, hub_id: UUID, refs: Refs
    ) -> dict[str, t.Any] | None:
        """What Salesforce now holds, in canonical form (the base of the next merge): the payload read back.

        Salesforce's upsert answers with ids only. Without this base, fields an
        Account or Contact cannot carry (a supplier flag, a primary person) would
        read back as changes and flip the hub record.
        """
        try:
            mapped = READERS[sobject]({**payload, "Id": remote}, refs, self.currency)
        except MappingError:
            return None
        return {**mapped.record.model_dump(mode="json"), "id": str(hub_id)}

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
