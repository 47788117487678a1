"""Writing customer invoices to Salesforce as Orders: Xero's status and what is paid, on the Order the sale is.

Standard Salesforce has no invoice object (Salesforce Billing's is a paid
add-on); the Order is the sale Salesforce has, and the one the connector reads.
An Order a run finds linked (it came from Salesforce, or was made by an
earlier run) is revised: the header fields that changed since Salesforce last
held it (its snapshot), Xero's status, amount paid and amount due in the
custom fields among them. Its lines stay as they are: they are the CRM's, and
Salesforce locks the products of an activated order.

An invoice Salesforce does not have becomes an Order: inserted as Draft (the
only status Salesforce inserts an order with) in the standard price book,
then its OrderItems, then activated when the invoice is AUTHORISED or PAID
(activating is a change of Status alone). A line's item must be in Salesforce
first (the invoice waits); a line naming no item, or an item with no standard
price, goes on the stand-in product, made on first need.

Calls are sObject Collections of 200, never one per record. Orders are
upserted by ``Datashare_Id__c``, so an insert sent again finds the Order the
first made; OrderItems (whose order and price entry are set only on insert)
are inserted, leaving out those a first send made. What Salesforce holds
afterwards is read back, mapped as the next read will map it: the base of the
next merge, so reading back what was written is no change.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from connectors.base.errors import ConnectorError
from connectors.salesforce.client import SalesforceClient, SaveResult
from connectors.salesforce.mapping import (
    STAND_IN_NAME,
    NotTaken,
    line_products,
    read_order,
    write_order,
    write_order_items,
)
from connectors.salesforce.streams import EXTERNAL_ID, STAND_IN_CODE
from datashare.model import Invoice
from datashare.model.mapping import MappingError, Refs, WaitingForReference
from datashare.sync.push import PushResult

__all__ = ["push_orders"]

GONE = "deleted before it reached Salesforce"
CUSTOMER_GONE = "its customer was deleted or archived before it reached Salesforce"


@dataclass
class _New:
    """An Order to insert: its header, its lines' products, and whether it is activated once its lines are in."""

    invoice: Invoice
    header: dict[str, t.Any]
    products: list[str | None]
    activate: bool
    lines: list[dict[str, t.Any]] = field(default_factory=list)


def _changes(payload: dict[str, t.Any], before: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The fields of ``payload`` Salesforce does not hold yet (all of them when what it holds is unknown)."""
    if before is None:
        return dict(payload)
    return {name: value for name, value in payload.items() if before.get(name) != value}


def push_orders(
    client: SalesforceClient,
    invoices: Sequence[Invoice],
    refs: Refs,
    held: Mapping[UUID, dict[str, t.Any]],
    currency: str | None,
    *,
    gone: t.Collection[UUID] = (),
) -> list[PushResult]:
    """Write customer ``invoices`` as Orders; one result each, in order.

    ``held``: each invoice as Salesforce last held it (canonical snapshots);
    ``currency``: the org's; ``gone``: customers deleted or archived before
    they reached Salesforce (their invoices would wait for ever: not sent).
    """
    results: dict[int, PushResult] = {}
    new: dict[int, _New] = {}
    updates: dict[int, dict[str, t.Any]] = {}
    activate: set[int] = set()
    for index, invoice in enumerate(invoices):
        assert invoice.id is not None
        remote = refs.remote_id("invoices", invoice.id)
        if invoice.deleted_at is not None and remote is None:
            results[index] = PushResult(invoice.id, False, skipped=True, error=GONE)
            continue
        if remote is None and invoice.organization_id in gone:
            results[index] = PushResult(invoice.id, False, skipped=True, error=CUSTOMER_GONE)
            continue
        try:
            payload = write_order(invoice, refs, currency=currency)
            wanted = payload.pop("Status", None) == "Activated"
            if remote is None:
                new[index] = _New(invoice, payload, line_products(invoice, refs), wanted)
                continue
            before = _before(held.get(invoice.id), refs, currency)
            changes = _changes(payload, before)
            active = before is not None and before.get("Status") == "Activated"
        except WaitingForReference as waiting:
            results[index] = PushResult.wait(invoice.id, waiting, remote)
            continue
        except NotTaken as reason:
            results[index] = PushResult(invoice.id, False, remote, skipped=True, error=str(reason))
            continue
        except MappingError as error:
            results[index] = PushResult(invoice.id, False, remote, error=str(error))
            continue
        if not changes and (active or not wanted):
            results[index] = PushResult(invoice.id, True, remote, snapshot=held.get(invoice.id), unchanged=True)
            continue
        if changes:
            updates[index] = {**changes, "Id": remote}
        if wanted and not active:
            activate.add(index)
    written: dict[int, tuple[str, bool]] = {}  # index -> (Order id, created)
    if new:
        written.update(_insert(client, invoices, refs, new, results))
        activate.update(i for i in written if new[i].activate)
    if updates:
        written.update(_update(client, invoices, refs, updates, results))
    for index in activate - set(updates) - set(new):
        written[index] = (str(refs.remote_id("invoices", t.cast(UUID, invoices[index].id))), False)
    for index, failure in _activate(client, {i: written[i][0] for i in sorted(activate) if i in written}).items():
        order, _ = written.pop(index)
        results[index] = PushResult(t.cast(UUID, invoices[index].id), False, order, error=failure)
    snapshots = _read_back(client, refs, currency, {i: order for i, (order, _) in written.items()}, invoices)
    for index, (order, created) in written.items():
        hub_id = t.cast(UUID, invoices[index].id)
        results[index] = PushResult(hub_id, True, order, created=created, snapshot=snapshots.get(index))
    return [results[i] for i in range(len(invoices))]


def _before(snapshot: dict[str, t.Any] | None, refs: Refs, currency: str | None) -> dict[str, t.Any] | None:
    """What Salesforce holds, as the Order payload the same writer makes of it (None when it cannot be told)."""
    if snapshot is None:
        return None
    try:
        return write_order(Invoice.model_validate(snapshot), refs, currency=currency)
    except (MappingError, ValueError):
        return None


def _fail(
    results: dict[int, PushResult], invoices: Sequence[Invoice], indexes: t.Iterable[int], error: str, refs: Refs
) -> None:
    for index in indexes:
        hub_id = t.cast(UUID, invoices[index].id)
        results[index] = PushResult(hub_id, False, refs.remote_id("invoices", hub_id), error=error)


def _insert(
    client: SalesforceClient,
    invoices: Sequence[Invoice],
    refs: Refs,
    new: dict[int, _New],
    results: dict[int, PushResult],
) -> dict[int, tuple[str, bool]]:
    """Insert the new Orders (as Draft, in the standard price book) and their lines; the ones that got through."""
    try:
        book = client.standard_pricebook()
        if book is None:
            _fail(results, invoices, new, "Salesforce has no standard price book: an Order needs one", refs)
            return {}
        named = sorted({p for order in new.values() for p in order.products if p is not None})
        prices = {product: str(entry["Id"]) for product, entry in client.standard_prices(named, book).items()}
        needs = any(p is None or p not in prices for order in new.values() for p in order.products)
        stand_in = _stand_in(client, book) if needs else None
    except ConnectorError as error:
        _fail(results, invoices, new, str(error), refs)
        return {}
    ready: dict[int, _New] = {}
    for index, order in new.items():
        try:
            order.lines = write_order_items(order.invoice, refs, prices=prices, stand_in=stand_in)
        except MappingError as error:
            _fail(results, invoices, [index], str(error), refs)
            continue
        ready[index] = order
    if not ready:
        return {}
    indexes = list(ready)
    try:
        saved = client.upsert("Order", [{**ready[i].header, "Status": "Draft", "Pricebook2Id": book} for i in indexes])
    except ConnectorError as error:
        _fail(results, invoices, indexes, str(error), refs)
        return {}
    placed: dict[int, SaveResult] = {}
    for index, result in zip(indexes, saved, strict=True):
        if result.success and result.id:
            placed[index] = result
        else:
            _fail(results, invoices, [index], result.error or "refused", refs)
    try:
        failed = _insert_lines(client, {i: (str(r.id), ready[i].lines, r.created) for i, r in placed.items()})
    except ConnectorError as error:
        failed = dict.fromkeys(placed, str(error))
    for index, why in failed.items():
        # The Order is there, a draft: the next run finds it by its external id and sends what is missing.
        results[index] = PushResult(t.cast(UUID, invoices[index].id), False, placed[index].id, error=why)
    return {i: (str(r.id), r.created) for i, r in placed.items() if i not in failed}


def _insert_lines(
    client: SalesforceClient, orders: dict[int, tuple[str, list[dict[str, t.Any]], bool]]
) -> dict[int, str]:
    """Insert each Order's lines (but those an earlier send of an Order already there made); failures by Order."""
    again = [order for order, _, created in orders.values() if not created]
    there = {
        str(line.get(EXTERNAL_ID))
        for lines in (client.order_items(again).values() if again else [])
        for line in lines
        if line.get(EXTERNAL_ID)
    }
    sent: list[tuple[int, dict[str, t.Any]]] = [
        (index, {**line, "OrderId": order})
        for index, (order, lines, _) in orders.items()
        for line in lines
        if line[EXTERNAL_ID] not in there
    ]
    failed: dict[int, str] = {}
    if not sent:
        return failed
    for (index, line), result in zip(sent, client.create("OrderItem", [line for _, line in sent]), strict=True):
        if not result.success and index not in failed:
            number = str(line[EXTERNAL_ID]).rpartition("/")[2]
            failed[index] = f"line {number}: {result.error or 'refused'}"
    return failed


def _update(
    client: SalesforceClient,
    invoices: Sequence[Invoice],
    refs: Refs,
    updates: dict[int, dict[str, t.Any]],
    results: dict[int, PushResult],
) -> dict[int, tuple[str, bool]]:
    """Send what changed on Orders Salesforce has; the ones that got through."""
    indexes = list(updates)
    try:
        saved = client.update("Order", [updates[i] for i in indexes])
    except ConnectorError as error:
        _fail(results, invoices, indexes, str(error), refs)
        return {}
    done: dict[int, tuple[str, bool]] = {}
    for index, result in zip(indexes, saved, strict=True):
        if result.success:
            done[index] = (str(updates[index]["Id"]), False)
        else:
            _fail(results, invoices, [index], result.error or "refused", refs)
    return done


def _activate(client: SalesforceClient, orders: dict[int, str]) -> dict[int, str]:
    """Activate Orders (Status alone, as Salesforce activates); why each that was not, by index."""
    if not orders:
        return {}
    indexes = list(orders)
    try:
        saved = client.update("Order", [{"Id": orders[i], "Status": "Activated"} for i in indexes])
    except ConnectorError as error:
        return {i: f"not activated: {error}" for i in indexes}
    return {
        index: f"not activated: {result.error or 'refused'}"
        for index, result in zip(indexes, saved, strict=True)
        if not result.success
    }


def _stand_in(client: SalesforceClient, book: str) -> str | None:
    """The standard price entry of the stand-in product lines naming no item go on, both made on first need."""
    product = client.stand_in_product()
    if product is not None:
        entry = client.standard_prices([product], book).get(product)
        if entry is not None:
            return str(entry["Id"])
    else:
        [made] = client.upsert(
            "Product2",
            [
                {
                    EXTERNAL_ID: STAND_IN_CODE,
                    "Name": STAND_IN_NAME,
                    "ProductCode": STAND_IN_CODE,
                    "IsActive": True,
                    "Description": "Made by datashare: order lines that name no item (an order line needs a product).",
                }
            ],
        )
        if not made.success or not made.id:
            return None
        product = made.id
    [priced] = client.upsert(
        "PricebookEntry",
        [{EXTERNAL_ID: STAND_IN_CODE, "Pricebook2Id": book, "Product2Id": product, "UnitPrice": 0.0, "IsActive": True}],
    )
    return priced.id if priced.success else None


def _read_back(
    client: SalesforceClient,
    refs: Refs,
    currency: str | None,
    orders: dict[int, str],
    invoices: Sequence[Invoice],
) -> dict[int, dict[str, t.Any]]:
    """Each written Order as Salesforce now holds it, in canonical form (the base of the next merge)."""
    if not orders:
        return {}
    try:
        found = {str(o["Id"]): o for o in client.orders(orders.values())}
    except ConnectorError:
        return {}
    out: dict[int, dict[str, t.Any]] = {}
    for index, order in orders.items():
        record = found.get(order)
        if record is None:
            continue
        try:
            mapped = read_order(record, refs, currency)
        except MappingError:
            continue
        out[index] = {**mapped.record.model_dump(mode="json"), "id": str(invoices[index].id)}
    return out
