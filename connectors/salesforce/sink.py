"""Writing hub records to Salesforce: organizations as Accounts, people as Contacts, items as Product2,
customer invoices as Orders.

An item's sale price goes in its standard price book entry (created, or its
price updated, after the products are saved). Invoices are Orders with Xero's
status and amounts in custom fields (``connectors.salesforce.orders``);
supplier bills are not sent.

Records are upserted by ``Datashare_Id__c`` (the hub id) in sObject
Collections of 200, so a batch sent again after a crash or a lost answer
updates what the first send created. Tombstones are deleted (Salesforce's
recycle bin keeps them).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from connectors.base.errors import ConnectorError
from connectors.salesforce.client import SalesforceClient, SaveResult
from connectors.salesforce.mapping import NO_BILLS, READERS, WRITERS, sale_price
from connectors.salesforce.orders import push_orders
from connectors.salesforce.streams import EXTERNAL_ID
from datashare.model import CanonicalModel, Invoice, Item, Organization
from datashare.model.mapping import MappingError, Refs, WaitingForReference
from datashare.sync.push import PushResult

SUPPLIERS = "suppliers are not written to Salesforce (the CRM holds customers)"

__all__ = ["NO_BILLS", "SUPPLIERS", "SalesforceSink"]


class SnapshotView(t.Protocol):
    """What the sink reads from the hub: each record as an app last held it, in canonical form, and records."""

    def snapshots(self, entity: str, app: str, ids: t.Sequence[UUID]) -> dict[UUID, dict[str, t.Any]]:
        """Snapshots by hub id."""
        ...

    def records(self, entity: str, ids: t.Sequence[UUID]) -> dict[UUID, CanonicalModel]:
        """Records by hub id."""
        ...


@dataclass
class SalesforceSink:
    """Upserts hub records to Salesforce in batches, with one result per record."""

    client: SalesforceClient
    app: str = "salesforce"
    currency: str | None = None  # the org's currency, for reading back what was written
    hub: SnapshotView | None = None  # what Salesforce last held of each record, to skip writes that change nothing

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        """Map each record, upsert the mappable ones, delete tombstones; results in the records' order.

        Invoices are Orders, revised rather than deleted (``push_orders``).
        """
        sobject, write = WRITERS[entity]
        results: dict[int, PushResult] = {}
        payloads: list[tuple[int, dict[str, t.Any]]] = []
        tombstones: list[tuple[int, str]] = []
        ids = [r.id for r in records if r.id is not None]
        last = self.hub.snapshots(entity, self.app, ids) if self.hub is not None else {}
        if entity == "invoices":
            invoices = [t.cast(Invoice, r) for r in records]
            gone = self._gone_customers(invoices, refs)
            return push_orders(self.client, invoices, refs, last, self.currency, gone=gone)
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
                priced = self._write_prices(records, payloads, saved) if entity == "items" else {}
                for (index, payload), result in zip(payloads, saved, strict=True):
                    hub_id = records[index].id
                    assert hub_id is not None
                    remote = result.id or refs.remote_id(entity, hub_id)
                    if result.success:
                        price, note = priced.get(index, (None, None))
                        held = self._as_held(sobject, payload, remote, hub_id, refs, price)
                        results[index] = PushResult(
                            hub_id, True, remote, created=result.created, snapshot=held, error=note
                        )
                    else:
                        results[index] = PushResult(hub_id, False, remote, error=result.error or "refused")
        if tombstones:
            results.update(self._delete(records, tombstones))
        return [results[i] for i in range(len(records))]

    def _gone_customers(self, invoices: list[Invoice], refs: Refs) -> set[UUID]:
        """The customers of ``invoices`` never written to Salesforce and deleted or archived since: never coming."""
        absent = {
            i.organization_id
            for i in invoices
            if i.organization_id is not None and refs.remote_id("organizations", i.organization_id) is None
        }
        if self.hub is None or not absent:
            return set()
        found = self.hub.records("organizations", sorted(absent, key=str))
        return {hub_id for hub_id, org in found.items() if org.deleted_at is not None}

    @staticmethod
    def _holds(
        entity: str, record: CanonicalModel, payload: dict[str, t.Any], held: dict[str, t.Any] | None, refs: Refs
    ) -> bool:
        """Whether Salesforce already holds exactly what ``payload`` would write."""
        if held is None:
            return False
        try:
            before = type(record).model_validate(held)
            same_price = not isinstance(record, Item) or sale_price(t.cast(Item, before)) == sale_price(record)
            return same_price and WRITERS[entity][1](before, refs) == payload
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

    def _write_prices(
        self, records: list[CanonicalModel], payloads: list[tuple[int, dict[str, t.Any]]], saved: list[SaveResult]
    ) -> dict[int, tuple[Decimal | None, str | None]]:
        """Each saved product's sale price as its standard price book entry: (the price Salesforce holds, a note).

        An entry is created where the product has none (upserted by the item's
        hub id, so a resend finds it) and its price updated where it differs.
        A price that cannot be written is a note on the item, not a failure.
        """
        wanted: dict[str, tuple[int, Decimal, UUID]] = {}
        out: dict[int, tuple[Decimal | None, str | None]] = {}
        for (index, _), result in zip(payloads, saved, strict=True):
            item = t.cast(Item, records[index])
            price = sale_price(item)
            if result.success and result.id and price is not None and item.id is not None:
                wanted[result.id] = (index, price, item.id)
        if not wanted:
            return out
        try:
            book = self.client.standard_pricebook()
            if book is None:
                return {i: (None, "no standard price book: the price is not written") for i, _, _ in wanted.values()}
            entries = self.client.standard_prices(list(wanted))
            new = [(p, w) for p, w in wanted.items() if p not in entries]
            changed = [
                (p, w) for p, w in wanted.items() if p in entries and Decimal(str(entries[p]["UnitPrice"])) != w[1]
            ]
            for product, (index, price, _) in wanted.items():
                if product in entries and (product, wanted[product]) not in changed:
                    out[index] = (price, None)
            created = self.client.upsert(
                "PricebookEntry",
                [
                    {EXTERNAL_ID: str(hub_id), "Pricebook2Id": book, "Product2Id": p, "UnitPrice": float(price),
                     "IsActive": True}
                    for p, (_, price, hub_id) in new
                ],
            ) if new else []  # fmt: skip
            updated = (
                self.client.update(
                    "PricebookEntry", [{"Id": entries[p]["Id"], "UnitPrice": float(w[1])} for p, w in changed]
                )
                if changed
                else []
            )
        except ConnectorError as error:
            return {i: (None, f"price not written: {error}") for i, _, _ in wanted.values()}
        for (_, (index, price, _)), result in zip([*new, *changed], [*created, *updated], strict=True):
            out[index] = (price, None) if result.success else (None, f"price not written: {result.error}")
        return out

    def _as_held(
        self,
        sobject: str,
        payload: dict[str, t.Any],
        remote: str | None,
        hub_id: UUID,
        refs: Refs,
        price: Decimal | None = None,
    ) -> dict[str, t.Any] | None:
        """What Salesforce now holds, in canonical form (the base of the next merge): the payload read back.

        Salesforce's upsert answers with ids only. Without this base, fields an
        Account or Contact cannot carry (a supplier flag, a primary person) would
        read back as changes and flip the hub record.
        """
        entry = {"StandardPrice": {"UnitPrice": float(price)}} if price is not None else {}
        try:
            mapped = READERS[sobject]({**payload, **entry, "Id": remote}, refs, self.currency)
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
