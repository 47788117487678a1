"""Writing hub records to vTiger: the CRM side of "back to the apps".

What goes, and how (the product spec's rules, and vTiger's):

* the Company (Xero's Organisation) as vTiger's company details (Settings >
  Company Details, the CompanyDetails record: its name, address, phone,
  website and VAT ID; not its currency, see ``COMPANY_CURRENCY``). vTiger
  has one such record: it is retrieved and, when a field differs, updated
  whole (vTiger's update clears what it is not sent), its logo left as it is.
  Only an admin may change it: with another user it is skipped, saying so.
  It is never read back into the hub: Xero is where the Company comes from;
* organizations as Accounts and people as Contacts. The CRM holds customers:
  a supplier is written only as the Vendor a purchase order goes to (made
  when the first such order is written, and kept up to date after), never on
  its own;
* tax codes as Taxes where vTiger has no active tax of the same percentage
  (one that has stands for them, as Xero's rates stand for the CRM's; a 0%
  tax is no tax in vTiger and is not made);
* items as Products (Services for service items) with their price and their
  tax, the item's one tax becoming the product's (ProductTaxes). Where Xero
  keeps the stock (the tenant's ``stock`` setting, by default), an item Xero
  tracks gets Xero's quantity on hand as its Qty In Stock;
* customer invoices as Invoices, with their status (``DRAFT``/``SUBMITTED``
  -> Created, ``AUTHORISED`` -> Approved, ``PAID`` -> Paid, ``VOIDED`` ->
  Cancel), the amount received, and vTiger's totals made the books' (see
  ``connectors.vtiger.mapping``); supplier bills are not sent (vTiger has
  none). Purchase orders as PurchaseOrders to the supplier's Vendor. A line's
  item must be in vTiger first (the document waits); a line with no item goes
  on the stand-in service, made on first need;
* a record vTiger has is revised with what changed since vTiger last held it
  (its snapshot): nothing is sent when nothing changed, so vTiger's own
  spelling stays (an invoice a user marked "Sent" is not put back to
  "Approved"), and lines are sent again only when they changed;
* tombstones: an invoice voided elsewhere is cancelled in vTiger (which puts
  its stock back), a deleted one deleted; a purchase order is cancelled; an
  item made inactive (old lines still name it); organizations, people and
  taxes are deleted (vTiger's recycle bin; a tax is switched off);
* where Xero keeps the stock, the count vTiger moves on its own when it saves
  an invoice or a received purchase order we wrote (Xero has counted that
  sale already) is put back to Xero's.

vTiger has no batch write: records go one by one, each with its result.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from uuid import UUID

from connectors.base.errors import ConnectorError
from connectors.vtiger.client import VtigerClient
from connectors.vtiger.errors import AccessDeniedError, InvalidIdError, RecordNotFoundError
from connectors.vtiger.mapping import (
    NO_LOOKUPS,
    READERS,
    STAND_IN_SERVICE,
    ItemTax,
    Lookups,
    NotTaken,
    WaitingForReference,
    pick_tax,
    read_product,
    stock_to_write,
    write_account,
    write_company,
    write_contact,
    write_invoice,
    write_product,
    write_purchase_order,
    write_service,
    write_tax,
    write_vendor,
)
from connectors.vtiger.rules import check_element
from connectors.vtiger.streams import MAX_ROWS, MODULES
from connectors.vtiger.tables import find_stand_in, read_lookups
from connectors.vtiger.values import to_text
from connectors.vtiger.vtql import Condition
from datashare.model import (
    CanonicalModel,
    Company,
    DocumentStatus,
    Invoice,
    InvoiceType,
    Item,
    ItemType,
    Organization,
    Person,
    PurchaseOrder,
    TaxCode,
    TaxCodeStatus,
)
from datashare.model.mapping import MappingError, Refs
from datashare.sync.push import PushResult

__all__ = ["COMPANY_ADMIN_ONLY", "NO_BILLS", "SUPPLIERS", "HubView", "VtigerSink"]

SUPPLIERS = "suppliers are not written to vTiger (the CRM holds customers; a vendor is made for a purchase order)"
NO_BILLS = "vTiger has no supplier bills (purchases reach it as purchase orders)"
COMPANY_ADMIN_ONLY = (
    "vTiger lets only an admin user change its company details: link vTiger with an admin user to share the company"
)
_COMPANY_GONE = "the company is not deleted from vTiger (vTiger always has its company details)"

_WRITERS: dict[str, tuple[str, Callable[..., dict[str, t.Any]]]] = {
    "organizations": ("Accounts", write_account),
    "people": ("Contacts", write_contact),
}
# What a record's vTiger id says about its module (ids are <prefix>x<n>).
_PREFIXES = {module.id_prefix: module.name for module in MODULES.values()}
# Fields vTiger recomputes from the lines: sent together, or not at all.
_LINE_FIELDS = ("LineItems", "txtAdjustment", "hdnTaxType")
# Modules whose records map with vTiger's reference tables (currencies, taxes); parties need none.
_NEEDS_LOOKUPS = {"Products", "Services", "Invoice", "PurchaseOrder"}


class HubView(t.Protocol):
    """What the sink reads from the hub: records by id, and what vTiger last held of them."""

    def records(self, entity: str, ids: Sequence[UUID]) -> dict[UUID, CanonicalModel]:
        """Records by hub id."""
        ...

    def snapshots(self, entity: str, app: str, ids: Sequence[UUID]) -> dict[UUID, dict[str, t.Any]]:
        """Each record as ``app`` last held it, in canonical form."""
        ...


def _module_of(remote: str | None) -> str | None:
    """The module a vTiger id belongs to (by its prefix), or None."""
    if not remote or "x" not in remote:
        return None
    return _PREFIXES.get(remote.partition("x")[0])


def _changes(element: dict[str, t.Any], before: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The fields of ``element`` vTiger does not hold yet (all of them when what it holds is unknown).

    The lines, the tax mode and the adjustment make vTiger's totals together:
    when one changed, the three go.
    """
    if before is None:
        return dict(element)
    changed = {k: v for k, v in element.items() if before.get(k) != v}
    if any(name in changed for name in _LINE_FIELDS):
        changed.update({name: element[name] for name in _LINE_FIELDS if name in element})
    return changed


_REFUSALS = (WaitingForReference, NotTaken, MappingError, ConnectorError)
"""What a record's write may raise that ends that record only: the rest of the push goes on."""


def _refused(hub_id: UUID, remote: str | None, error: Exception) -> PushResult:
    """A write that raised, as its result: waiting for a reference, not taken (skipped, with why), or failed."""
    if isinstance(error, WaitingForReference):
        return PushResult.wait(hub_id, error, remote)
    if isinstance(error, NotTaken):
        return PushResult(hub_id, False, remote, skipped=True, error=str(error))
    return PushResult(hub_id, False, remote, error=str(error))


@dataclass
class _Overlay:
    """``Refs`` that also know the vTiger ids given out during this push (vendors just made)."""

    refs: Refs
    made: dict[tuple[str, UUID], str] = field(default_factory=dict)

    def hub_id(self, entity: str, remote_id: str) -> UUID:
        return self.refs.hub_id(entity, remote_id)

    def remote_id(self, entity: str, hub_id: UUID) -> str | None:
        return self.made.get((entity, hub_id)) or self.refs.remote_id(entity, hub_id)


@dataclass
class VtigerSink:
    """Creates or revises vTiger records one by one (vTiger has no batch write), with a result each.

    ``hub``: records a write needs besides the ones pushed (an invoice's
    organization and tax codes) and what vTiger last held of each record.
    ``xero_keeps_stock``: the tenant's stock setting (Xero keeps the count of
    the items it tracks); False when vTiger keeps its own.
    """

    client: VtigerClient
    app: str = "vtiger"
    hub: HubView | None = None
    xero_keeps_stock: bool = True
    _lookups: Lookups | None = field(default=None, init=False, repr=False)

    # -- the engine's entry point ---------------------------------------------------------------

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        """Write ``records`` of ``entity``: create what vTiger lacks, revise what changed, results in order."""
        self._lookups = None  # vTiger's tables as they are now, read on first need
        if entity == "company":
            return [self._company(t.cast(Company, r), refs) for r in records]
        held = self._held(entity, records)
        if entity == "tax_codes":
            return [self._tax_code(t.cast(TaxCode, r), refs, held.get(r.id)) for r in records]
        if entity == "items":
            items = [t.cast(Item, r) for r in records]
            codes = self._tax_codes_of(i.sale_tax_code_id for i in items)
            return [self._item(i, refs, held.get(i.id), codes) for i in items]
        if entity in ("invoices", "purchase_orders"):
            return self._documents(entity, records, refs, held)
        return [self._party(entity, r, refs, held.get(r.id)) for r in records]

    # -- what vTiger holds ----------------------------------------------------------------------

    @property
    def lookups(self) -> Lookups:
        """vTiger's currencies, taxes and product taxes, read once per push and kept up to date by it."""
        if self._lookups is None:
            self._lookups = read_lookups(self.client)
        return self._lookups

    def _held(self, entity: str, records: Sequence[CanonicalModel]) -> dict[UUID | None, dict[str, t.Any]]:
        if self.hub is None:
            return {}
        found = self.hub.snapshots(entity, self.app, [r.id for r in records if r.id is not None])
        return {hub_id: snapshot for hub_id, snapshot in found.items()}

    def _as_held(self, module: str, saved: Mapping[str, t.Any], refs: Refs, hub_id: UUID) -> dict[str, t.Any] | None:
        """The saved vTiger record in canonical form, as the next read will map it (the base of the next merge)."""
        try:
            lookups = self.lookups if module in _NEEDS_LOOKUPS else NO_LOOKUPS
            if module == "Products":
                record = read_product(saved, refs, lookups=lookups, stock=not self.xero_keeps_stock).record
            else:
                record = READERS[module](saved, refs, lookups=lookups).record
        except MappingError:
            return None
        return {**record.model_dump(mode="json"), "id": str(hub_id)}

    @staticmethod
    def _before(
        write: Callable[[CanonicalModel], dict[str, t.Any]], model: type[CanonicalModel], held: dict[str, t.Any] | None
    ) -> dict[str, t.Any] | None:
        """What vTiger holds, as the element the same writer makes of it (None when it cannot be told)."""
        if held is None:
            return None
        try:
            return write(model.model_validate(held))
        except (MappingError, ValueError):
            return None

    def _save(
        self,
        module: str,
        hub_id: UUID,
        element: dict[str, t.Any],
        before: dict[str, t.Any] | None,
        remote: str | None,
        refs: Refs,
        held: dict[str, t.Any] | None,
    ) -> tuple[PushResult, dict[str, t.Any] | None]:
        """Create the record, or revise what changed; the result and vTiger's record (None when nothing was sent)."""
        if remote is None:
            reason = check_element(module, element)
            if reason:
                return PushResult(hub_id, False, skipped=True, error=reason), None
            saved = self.client.create(module, element)
            snapshot = self._as_held(module, saved, refs, hub_id)
            return PushResult(hub_id, True, str(saved["id"]), created=True, snapshot=snapshot), saved
        changes = _changes(element, before)
        if not changes:
            return PushResult(hub_id, True, remote, snapshot=held, unchanged=True), None
        reason = check_element(module, changes, partial=True)
        if reason:
            return PushResult(hub_id, False, remote, skipped=True, error=reason), None
        saved = self.client.revise({**changes, "id": remote})
        return PushResult(hub_id, True, remote, snapshot=self._as_held(module, saved, refs, hub_id)), saved

    def _delete(self, hub_id: UUID, remote: str | None) -> PushResult:
        """A record deleted, voided or archived elsewhere is deleted in vTiger (its recycle bin keeps it)."""
        if remote is None:
            return PushResult(hub_id, False, skipped=True, error="deleted before it reached vTiger")
        try:
            self.client.delete(remote)
        except ConnectorError as error:
            return PushResult(hub_id, False, remote, error=str(error))
        return PushResult(hub_id, True, remote)

    def _revise_only(self, module: str, hub_id: UUID, remote: str, changes: dict[str, t.Any], refs: Refs) -> PushResult:
        """A tombstone passed on as a change of status (cancelled, inactive) rather than a delete."""
        try:
            saved = self.client.revise({**changes, "id": remote})
        except ConnectorError as error:
            return PushResult(hub_id, False, remote, error=str(error))
        return PushResult(hub_id, True, remote, snapshot=self._as_held(module, saved, refs, hub_id))

    # -- the company ----------------------------------------------------------------------------

    def _company(self, company: Company, refs: Refs) -> PushResult:
        """vTiger's company details made the hub's Company's: updated when a field differs, else left alone."""
        assert company.id is not None
        remote = refs.remote_id("company", company.id)
        if company.deleted_at is not None:
            return PushResult(company.id, False, remote, skipped=True, error=_COMPANY_GONE)
        try:
            element = write_company(company)
            held = self._company_details(remote)
        except (MappingError, ConnectorError) as error:
            return PushResult(company.id, False, remote, error=str(error))
        try:
            if held is None:  # an install without its company row (vTiger makes one when it is created)
                saved = self.client.create("CompanyDetails", element)
                return PushResult(company.id, True, str(saved["id"]), created=True)
            remote = str(held["id"])
            changes = {name: value for name, value in element.items() if to_text(held.get(name)) != value}
            if not changes:
                return PushResult(company.id, True, remote, unchanged=True)
            # The whole record goes back (vTiger's update clears what it is not sent) but the logo, which
            # retrieve fills with the logo file and vTiger's own company screen clears on every save.
            self.client.update({**{k: v for k, v in held.items() if k != "logo"}, **changes})
        except AccessDeniedError:
            return PushResult(company.id, False, remote, skipped=True, error=COMPANY_ADMIN_ONLY)
        except ConnectorError as error:
            return PushResult(company.id, False, remote, error=str(error))
        return PushResult(company.id, True, remote)

    def _company_details(self, remote: str | None) -> dict[str, t.Any] | None:
        """vTiger's CompanyDetails record: the one linked, else the one vTiger has (None: it has none)."""
        if remote is not None:
            try:
                return self.client.retrieve(remote)
            except (AccessDeniedError, InvalidIdError, RecordNotFoundError):
                pass  # not there any more: look it up
        for row in self.client.query_all("CompanyDetails", columns=["id"]):
            return self.client.retrieve(str(row["id"]))
        return None

    # -- organizations and people ---------------------------------------------------------------

    def _party(self, entity: str, record: CanonicalModel, refs: Refs, held: dict[str, t.Any] | None) -> PushResult:
        assert record.id is not None
        module, write = _WRITERS[entity]
        remote = refs.remote_id(entity, record.id)
        if isinstance(record, Organization) and _module_of(remote) == "Vendors":
            module, write = "Vendors", write_vendor  # the vendor a purchase order went to: kept up to date
        elif isinstance(record, Organization) and record.is_supplier and not record.is_customer:
            return PushResult(record.id, False, remote, skipped=True, error=SUPPLIERS)
        elif isinstance(record, Person) and _module_of(self._org_of(record, refs)) == "Vendors":
            # A vendor is in vTiger for its purchase orders only; a Contact cannot even name one.
            return PushResult(record.id, False, remote, skipped=True, error=SUPPLIERS)
        if record.deleted_at is not None:
            return self._delete(record.id, remote)
        try:
            element = write(record, refs)
            before = self._before(lambda r: write(r, refs), type(record), held)
            return self._save(module, record.id, element, before, remote, refs, held)[0]
        except _REFUSALS as error:
            return _refused(record.id, remote, error)

    @staticmethod
    def _org_of(person: Person, refs: Refs) -> str | None:
        """The vTiger id of a person's organization (None: none, or not in vTiger)."""
        return refs.remote_id("organizations", person.organization_id) if person.organization_id else None

    # -- taxes ----------------------------------------------------------------------------------

    def _tax_code(self, tax: TaxCode, refs: Refs, held: dict[str, t.Any] | None) -> PushResult:
        """A tax vTiger lacks the rate of is made; one it has a tax of the same percentage for uses that one."""
        assert tax.id is not None
        remote = refs.remote_id("tax_codes", tax.id)
        if tax.deleted_at is not None:
            return self._delete(tax.id, remote)
        try:
            if remote is None:
                reason = self._tax_not_made(tax)
                if reason:
                    return PushResult(tax.id, False, skipped=True, error=reason)
            element = write_tax(tax, refs)
            before = self._before(lambda r: write_tax(t.cast(TaxCode, r), refs), TaxCode, held)
            result, saved = self._save("Tax", tax.id, element, before, remote, refs, held)
        except (NotTaken, MappingError, ConnectorError) as error:
            return _refused(tax.id, remote, error)
        if saved is not None and result.remote_id is not None:
            # The tax stands for the ones of its percentage that come after it in this push.
            made = ItemTax(result.remote_id, str(saved.get("taxname") or ""), tax.name, Decimal(element["percentage"]))
            self._lookups = replace(self.lookups, taxes={**self.lookups.taxes, made.tax_id: made})
        return result

    def _tax_not_made(self, tax: TaxCode) -> str | None:
        """Why a tax vTiger does not hold by id is not made there (None: it is)."""
        rate = tax.sale_tax_rate if tax.sale_tax_rate is not None else tax.purchase_tax_rate
        if tax.status != TaxCodeStatus.ACTIVE:
            return f"tax {tax.name} is {tax.status.value.lower()}: not made in vTiger"
        if rate is None:
            return f"tax {tax.name} has no rate, and a vTiger tax is a percentage"
        if rate == 0:
            return f"tax {tax.name} is 0%: in vTiger a product or line without a tax pays none"
        same = pick_tax(rate, tax.name, self.lookups.taxes.values())
        if same is not None:
            return f"uses vTiger's tax {same.label} ({same.name}) of the same percentage"
        return None

    def _tax_for(self, tax_id: UUID | None, refs: Refs, codes: Mapping[UUID, CanonicalModel]) -> ItemTax | None:
        """The active vTiger tax standing for a hub tax code: the one it is by id, else one of its percentage."""
        if tax_id is None:
            return None
        remote = refs.remote_id("tax_codes", tax_id)
        if remote is not None and remote in self.lookups.taxes:
            return self.lookups.taxes[remote]
        code = codes.get(tax_id)
        if not isinstance(code, TaxCode):
            return None
        rate = code.sale_tax_rate if code.sale_tax_rate is not None else code.purchase_tax_rate
        return pick_tax(rate, code.name, self.lookups.taxes.values())

    def _tax_codes_of(self, ids: Iterable[UUID | None]) -> dict[UUID, CanonicalModel]:
        wanted = sorted({i for i in ids if i is not None}, key=str)
        return self.hub.records("tax_codes", wanted) if self.hub is not None and wanted else {}

    def _carry(self, product: str, tax: ItemTax) -> bool:
        """Let a product or service carry ``tax`` (ProductTaxes); whether a row was written."""
        carried = self.lookups.item_taxes.get(product, ())
        if any(held.tax_id == tax.tax_id for held in carried):
            return False
        self.client.create(
            "ProductTaxes", {"productid": product, "taxid": tax.tax_id, "taxpercentage": to_text(tax.percentage)}
        )
        item_taxes = {**self.lookups.item_taxes, product: (*carried, tax)}
        self._lookups = replace(self.lookups, item_taxes=item_taxes)
        return True

    # -- items ----------------------------------------------------------------------------------

    def _item(
        self, item: Item, refs: Refs, held: dict[str, t.Any] | None, codes: Mapping[UUID, CanonicalModel]
    ) -> PushResult:
        assert item.id is not None
        remote = refs.remote_id("items", item.id)
        module = _module_of(remote) or ("Services" if item.type == ItemType.SERVICE else "Products")
        if item.deleted_at is not None:
            # Inactive, not deleted: invoice lines vTiger already has still name the product.
            if remote is None:
                return PushResult(item.id, False, skipped=True, error="deleted before it reached vTiger")
            return self._revise_only(module, item.id, remote, {"discontinued": "0"}, refs)
        writer = write_service if module == "Services" else write_product
        stock = stock_to_write(item, xero_keeps_stock=self.xero_keeps_stock)

        def write(record: CanonicalModel) -> dict[str, t.Any]:
            return writer(
                t.cast(Item, record).model_copy(update={"quantity_on_hand": stock}), refs, lookups=self.lookups
            )

        try:
            element = write(item)
            # Xero's stock is sent whenever the item is due: vTiger's own count is not read back to compare.
            before = self._before(lambda r: {k: v for k, v in write(r).items() if k != "qtyinstock"}, Item, held)
            tax = self._tax_for(item.sale_tax_code_id, refs, codes)
            result, saved = self._save(module, item.id, element, before, remote, refs, held)
            if not result.ok or tax is None:
                return result
            product = str(result.remote_id)
            if not self._carry(product, tax):
                return result
            # The product carries its tax from now on: the snapshot says so, and a product unchanged
            # otherwise was written to all the same.
            saved = saved if saved is not None else self.client.retrieve(product)
            snapshot = self._as_held(module, saved, refs, item.id)
            return replace(result, snapshot=snapshot, unchanged=False)
        except _REFUSALS as error:
            return _refused(item.id, remote, error)

    # -- invoices and purchase orders -----------------------------------------------------------

    def _documents(
        self, entity: str, records: list[CanonicalModel], refs: Refs, held: dict[UUID | None, dict[str, t.Any]]
    ) -> list[PushResult]:
        docs = [t.cast(Invoice | PurchaseOrder, r) for r in records]
        orgs = (
            self.hub.records("organizations", [d.organization_id for d in docs if d.organization_id])
            if self.hub
            else {}
        )
        # The rates of the taxes the lines name, and of those vTiger's lines named when last read.
        named = [line.tax_code_id for d in docs for line in d.lines]
        named += [line.get("tax_code_id") for snapshot in held.values() for line in snapshot.get("lines") or []]
        codes = self._tax_codes_of(UUID(str(i)) if i else None for i in named)
        rates: dict[UUID, Decimal] = {}
        for code_id, code in codes.items():
            if isinstance(code, TaxCode):
                rate = code.sale_tax_rate if code.sale_tax_rate is not None else code.purchase_tax_rate
                if rate is not None:
                    rates[code_id] = rate
        overlay = _Overlay(refs)
        results: list[PushResult] = []
        moved: dict[str, UUID] = {}  # the products whose stock vTiger may have moved, with their hub items
        for doc in docs:
            results += self._document(entity, doc, overlay, orgs, rates, held.get(doc.id), moved)
        self._restore_stock(moved)
        return results

    def _document(
        self,
        entity: str,
        doc: Invoice | PurchaseOrder,
        refs: _Overlay,
        orgs: Mapping[UUID, CanonicalModel],
        rates: Mapping[UUID, Decimal],
        held: dict[str, t.Any] | None,
        moved: dict[str, UUID],
    ) -> list[PushResult]:
        """One document's result, and the vendor's when one was made for it (a carried record)."""
        assert doc.id is not None
        module = "Invoice" if entity == "invoices" else "PurchaseOrder"
        remote = refs.remote_id(entity, doc.id)
        if doc.deleted_at is not None:
            return [self._document_gone(module, doc, remote, refs)]
        if isinstance(doc, Invoice) and doc.type != InvoiceType.CUSTOMER:
            return [PushResult(doc.id, False, remote, skipped=True, error=NO_BILLS)]
        if self.lookups.currency_id(doc.currency) is None:
            reason = f"vTiger has no currency {doc.currency}: add it under Settings > Currencies"
            return [PushResult(doc.id, False, remote, skipped=True, error=reason)]
        org = orgs.get(doc.organization_id) if doc.organization_id else None
        gone = org is not None and org.deleted_at is not None
        if remote is None and gone and doc.organization_id and not refs.remote_id("organizations", doc.organization_id):
            # Waiting would be for ever: a deleted or archived organization is never written to vTiger.
            reason = f"its organization {getattr(org, 'name', '')} was deleted or archived before it reached vTiger"
            return [PushResult(doc.id, False, skipped=True, error=reason)]
        carried: list[PushResult] = []
        try:
            if isinstance(doc, PurchaseOrder):
                carried = self._vendor_for(doc, refs, orgs)
            if any(line.item_id is None for line in doc.lines):
                self._stand_in()
            fallback = org.address if isinstance(org, Organization) else None

            def write(record: CanonicalModel) -> dict[str, t.Any]:
                if isinstance(record, Invoice):
                    return write_invoice(record, refs, lookups=self.lookups, fallback=fallback, rates=rates)
                return write_purchase_order(
                    t.cast(PurchaseOrder, record), refs, lookups=self.lookups, fallback=fallback, rates=rates
                )

            element = write(doc)
            before = self._before(write, type(doc), held)
            result, saved = self._save(module, doc.id, element, before, remote, refs, held)
        except _REFUSALS as error:
            return [*carried, _refused(doc.id, remote, error)]
        if saved is not None:
            # vTiger moves stock when it saves lines or a status: the products of the old and the new lines.
            named = [line.item_id for line in doc.lines]
            named += [UUID(str(line["item_id"])) for line in (held or {}).get("lines") or [] if line.get("item_id")]
            for item_id in named:
                product = refs.remote_id("items", item_id) if item_id is not None else None
                if product is not None and item_id is not None:
                    moved[product] = item_id
        return [*carried, result]

    def _document_gone(self, module: str, doc: Invoice | PurchaseOrder, remote: str | None, refs: Refs) -> PushResult:
        """A voided invoice is cancelled (vTiger puts its stock back), a deleted one deleted; an order cancelled."""
        assert doc.id is not None
        if remote is None:
            return PushResult(doc.id, False, skipped=True, error="deleted before it reached vTiger")
        if isinstance(doc, PurchaseOrder):
            return self._revise_only(module, doc.id, remote, {"postatus": "Cancelled"}, refs)
        if doc.status == DocumentStatus.DELETED:
            return self._delete(doc.id, remote)
        return self._revise_only(module, doc.id, remote, {"invoicestatus": "Cancel"}, refs)

    def _vendor_for(
        self, order: PurchaseOrder, refs: _Overlay, orgs: Mapping[UUID, CanonicalModel]
    ) -> list[PushResult]:
        """The supplier's vTiger Vendor, made when the order's supplier has none yet (reported as its own record)."""
        org_id = order.organization_id
        if org_id is None or refs.remote_id("organizations", org_id) is not None:
            return []
        org = orgs.get(org_id)
        if not isinstance(org, Organization) or org.deleted_at is not None or not org.is_supplier:
            return []  # the order waits for its organization, as any reference waits
        saved = self.client.create("Vendors", write_vendor(org, refs))
        vendor = str(saved["id"])
        refs.made[("organizations", org_id)] = vendor
        snapshot = self._as_held("Vendors", saved, refs, org_id)
        return [PushResult(org_id, True, vendor, created=True, snapshot=snapshot, entity="organizations")]

    def _stand_in(self) -> str:
        """The stand-in service lines without an item go on, made (carrying one tax, so lines can set theirs) on first need."""
        if self.lookups.stand_in is not None:
            return self.lookups.stand_in
        found = find_stand_in(self.client)
        if found is None:
            saved = self.client.create(
                "Services",
                {
                    "servicename": STAND_IN_SERVICE,
                    "unit_price": "0",
                    "discontinued": "1",
                    "description": "Made by datashare: document lines that name no item (vTiger lines need a product or service).",
                },
            )
            found = str(saved["id"])
        self._lookups = replace(self.lookups, stand_in=found)
        first = min(self.lookups.taxes.values(), key=lambda tax: int(tax.tax_id.partition("x")[2] or 0), default=None)
        if first is not None:
            self._carry(found, first)
        return found

    def _restore_stock(self, moved: Mapping[str, UUID]) -> None:
        """Put back Xero's count where vTiger moved the stock of an item Xero tracks while saving our documents."""
        products = {remote: hub_id for remote, hub_id in moved.items() if _module_of(remote) == "Products"}
        if not self.xero_keeps_stock or self.hub is None or not products:
            return
        items = self.hub.records("items", list(products.values()))
        wanted: dict[str, Decimal] = {}
        for remote, hub_id in products.items():
            item = items.get(hub_id)
            count = stock_to_write(item, xero_keeps_stock=True) if isinstance(item, Item) else None
            if count is not None and item is not None and item.deleted_at is None:
                wanted[remote] = count
        ids = sorted(wanted)
        for start in range(0, len(ids), MAX_ROWS):
            chunk = ids[start : start + MAX_ROWS]
            rows = self.client.query_all("Products", where=[Condition("id", "in", chunk)], columns=["id", "qtyinstock"])
            for row in rows:
                product = str(row["id"])
                held = str(row.get("qtyinstock") or "").strip()
                if product in wanted and (not held or Decimal(held) != wanted[product]):
                    self.client.revise({"id": product, "qtyinstock": to_text(wanted[product])})
