"""Seeding a state with the sample organisations and a year of their history.

Each organisation gets its country's tax rates and a chart of accounts (bank
accounts included), then its customers and suppliers (with contact persons,
addresses and phones) and items (some tracked as inventory), then a year of
invoices and bills in every status with 1–3 lines, payments, credit notes,
manual journals, purchase orders, bank transfers and quotes (DRAFT, SENT,
ACCEPTED, one DECLINED and one INVOICED in every eight), written in time order
through the same rules as API writes, so journals, totals, statuses and
stock agree. Xero won't sell a tracked item it does not hold, so the year
opens with each organisation buying its stock of the tracked items (one
approved bill from its first supplier, paid a month later): what the year's
approved sales and supplier returns take out, plus a margin for the CRMs'
sales, in cartons of 10. Everything is deterministic for a seed; timestamps
lie in the year before the clock's today. ``scale`` multiplies the counts.
The Australian and US organisations also get their payroll
(``sandbox.xero.payroll.seed``), from random streams of its own.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any

from sandbox.xero.api import build_resources
from sandbox.xero.payroll.seed import seed_payroll
from sandbox.xero.resource import Resource, WriteContext
from sandbox.xero.samples import OrgProfile, SampleCounts, org_profile, sample_directory
from sandbox.xero.store import OrgBook, XeroState

Record = dict[str, Any]

SEED_CLIENT_ID = "sandbox-seed"
# Version 4 and the RFC 4122 variant, set in a random 128-bit number.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)

# code, name, Type, tax role, extras
_CHART: tuple[tuple[str, str, str, str, dict[str, Any]], ...] = (
    ("090", "Business Bank Account", "BANK", "exempt", {"BankAccountNumber": "0831-0000-4527"}),
    ("091", "Business Savings Account", "BANK", "exempt", {"BankAccountNumber": "0831-0000-9912"}),
    ("200", "Sales", "REVENUE", "sales", {}),
    ("260", "Other Revenue", "REVENUE", "sales", {}),
    ("270", "Interest Income", "REVENUE", "exempt", {}),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "purchases", {}),
    ("400", "Advertising", "EXPENSE", "purchases", {}),
    ("404", "Bank Fees", "EXPENSE", "fees", {}),
    ("429", "General Expenses", "EXPENSE", "purchases", {}),
    ("445", "Light, Power, Heating", "OVERHEADS", "purchases", {}),
    ("453", "Office Expenses", "EXPENSE", "purchases", {}),
    ("461", "Printing & Stationery", "EXPENSE", "purchases", {}),
    ("469", "Rent", "OVERHEADS", "purchases", {}),
    ("489", "Telephone & Internet", "EXPENSE", "purchases", {}),
    ("493", "Travel - National", "EXPENSE", "purchases", {}),
    ("610", "Accounts Receivable", "CURRENT", "exempt", {"SystemAccount": "DEBTORS"}),
    ("630", "Inventory", "INVENTORY", "exempt", {}),
    ("800", "Accounts Payable", "CURRLIAB", "exempt", {"SystemAccount": "CREDITORS"}),
    ("820", "Sales Tax", "CURRLIAB", "exempt", {"SystemAccount": "GST"}),
    ("881", "Owner A Funds Introduced", "EQUITY", "exempt", {"EnablePaymentsToAccount": True}),
    ("960", "Retained Earnings", "EQUITY", "exempt", {"SystemAccount": "RETAINEDEARNINGS"}),
    ("970", "Owner A Share Capital", "EQUITY", "exempt", {}),
)
_SALES_ACCOUNTS = ("200", "260")
_EXPENSE_ACCOUNTS = ("310", "400", "429", "445", "453", "461", "469", "489", "493")
# (status at creation, what happens later), cycled so every scale has every status:
# 10% draft, 5% submitted, 5% deleted, 5% voided, 30% awaiting payment (a third part paid), 45% paid.
_INVOICE_PLANS: tuple[tuple[str, str | None], ...] = (
    ("DRAFT", None), ("DRAFT", None), ("SUBMITTED", None), ("DRAFT", "DELETED"), ("AUTHORISED", "VOIDED"),
    ("AUTHORISED", None), ("AUTHORISED", "PART"), ("AUTHORISED", None), ("AUTHORISED", None),
    ("AUTHORISED", "PART"), ("AUTHORISED", None),
    *(("AUTHORISED", "PAID"),) * 9,
)  # fmt: skip
_ORDER_PLANS: tuple[tuple[str, bool], ...] = (
    ("DRAFT", False), ("DRAFT", False), ("SUBMITTED", False), ("AUTHORISED", False),
    ("AUTHORISED", False), ("AUTHORISED", True), ("AUTHORISED", False), ("AUTHORISED", True),
)  # fmt: skip
# The statuses each quote goes through, cycled: created in the first, moved on through the rest.
_QUOTE_PLANS: tuple[tuple[str, ...], ...] = (
    ("DRAFT",), ("DRAFT",), ("DRAFT", "SENT"), ("SENT",), ("SENT", "ACCEPTED"), ("SENT", "ACCEPTED"),
    ("SENT", "DECLINED"), ("SENT", "ACCEPTED", "INVOICED"),
)  # fmt: skip
_QUOTE_SUMMARIES = ("Supply as discussed", "Seasonal restock", "Fit-out for the new store", "Event hire package")
_SERVICES = ("Installation", "Repairs", "Consulting", "Freight", "Workshop session", "Design work", "Support plan")
# Opening stock is bought in cartons, with at least this much left over after the year's sales:
# the CRMs seeded from the same sample directory sell these items too, and their sales reach Xero.
_CARTON = 10
_STOCK_MARGIN = 50


# -- seeding a state ------------------------------------------------------------------------


class _Seeder:
    """Writes one organisation's sample history through the resources, in time order."""

    def __init__(self, state: XeroState, profile: OrgProfile, scale: int, seed: int, lines: int | None = None) -> None:
        self.lines = lines
        self.profile = profile
        self.scale, self.seed = scale, seed
        self.seeded_at = state.clock.now()
        self.counts = SampleCounts.of(scale)
        self.rng = random.Random(f"{seed}:{profile.key}:history")
        self.ids = random.Random(f"{seed}:{profile.key}:ids")
        # Quotes draw from streams of their own, so adding them left every other seeded record as it was.
        self.quote_rng = random.Random(f"{seed}:{profile.key}:quotes")
        self.quote_ids = random.Random(f"{seed}:{profile.key}:quote-ids")
        self.directory = sample_directory(profile.key, scale=scale, seed=seed)
        self.resources = build_resources()
        self.today = state.clock.now().date()
        self.events: list[tuple[datetime, int, Callable[[datetime], None]]] = []
        self.created: dict[str, str] = {}
        # Units of each tracked item the scheduled documents will take out of stock.
        self.stock_out: Counter[str] = Counter()
        self.tracked = {item.Code for item in self.directory.items if item.tracked}
        organisation = self._organisation(random.Random(f"{seed}:orgs:{profile.key}"))
        self.book = state.add_org(organisation, payroll_enabled=profile.payroll)
        self.book.new_id = self._new_id

    def _new_id(self) -> str:
        return _uuid_from(self.ids)

    def _organisation(self, rng: random.Random) -> Record:
        p = self.profile
        return {
            "OrganisationID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "APIKey": "",
            "Name": p.name,
            "LegalName": p.legal_name,
            "PaysTax": True,
            "Version": p.version,
            "OrganisationType": "COMPANY",
            "OrganisationEntityType": "COMPANY",
            "BaseCurrency": p.currency,
            "CountryCode": p.country,
            "IsDemoCompany": p.demo,
            "OrganisationStatus": "ACTIVE",
            "TaxNumber": f"{rng.randrange(10**8, 10**9)}",
            "FinancialYearEndDay": p.year_end[0],
            "FinancialYearEndMonth": p.year_end[1],
            "SalesTaxBasis": "ACCRUALS" if p.country != "US" else "ACCRUAL",
            "SalesTaxPeriod": "QUARTERLY",
            "DefaultSalesTax": "Tax Exclusive",
            "DefaultPurchasesTax": "Tax Exclusive",
            "CreatedDateUTC": datetime.combine(self.today - timedelta(days=900), time(), tzinfo=UTC),
            "Timezone": p.timezone,
            "ShortCode": p.short_code,
            "Class": p.org_class,
            "Edition": "BUSINESS",
            "LineOfBusiness": "Retail",
            "Addresses": [{"AddressType": "STREET", "AddressLine1": "1 Sample Street", "Country": p.country}],
            "Phones": [{"PhoneType": "OFFICE", "PhoneNumber": "555 0100"}],
            "ExternalLinks": [],
            "PaymentTerms": {
                "Bills": {"Day": 20, "Type": "OFFOLLOWINGMONTH"},
                "Sales": {"Day": 14, "Type": "DAYSAFTERBILLDATE"},
            },
            "_sales_tax_type": p.tax_roles["sales"],
            "_purchases_tax_type": p.tax_roles["purchases"],
        }

    # -- the timeline ---------------------------------------------------------------

    def at(self, moment: datetime, action: Callable[[datetime], None]) -> None:
        """Schedule a write (ties keep the order they were scheduled in)."""
        self.events.append((moment, len(self.events), action))

    def moment(self, days_ago: int, rng: random.Random | None = None) -> datetime:
        """A working-hours time ``days_ago`` days before today (the second drawn from ``rng``, else the history's)."""
        day = self.today - timedelta(days=days_ago)
        return datetime.combine(day, time(8), tzinfo=UTC) + timedelta(seconds=(rng or self.rng).randrange(9 * 3600))

    def later(self, moment: datetime, days: int, rng: random.Random | None = None) -> datetime:
        """``days`` after ``moment``, but never at or after today."""
        limit = datetime.combine(self.today, time(), tzinfo=UTC) - timedelta(minutes=1)
        return min(moment + timedelta(days=days, seconds=(rng or self.rng).randrange(3600)), limit)

    def write(
        self, entity: str, element: Record, moment: datetime, method: str = "PUT", key: str | None = None
    ) -> Record:
        """One write through the resource's rules (a seeding bug fails loudly)."""
        resource: Resource = self.resources[entity.lower()]
        ctx = WriteContext(moment, SEED_CLIENT_ID, method, key)
        return resource.write(self.book, element, ctx)

    def run(self, *, history: bool = True) -> None:
        """Seed settings at once, then (with ``history``) people, items and the year's documents in time order."""
        start = datetime.combine(self.today - timedelta(days=800), time(9), tzinfo=UTC)
        self._settings(start)
        seed_payroll(self.book, self.profile.key, scale=self.scale, seed=self.seed, now=self.seeded_at, history=history)
        if not history:
            self.book.new_id = lambda: str(uuid.uuid4())
            return
        self._contacts(start)
        self._items(start)
        self._invoices()
        self._credit_notes()
        self._manual_journals()
        self._purchase_orders()
        self._transfers()
        self._quotes()
        self._opening_stock(datetime.combine(self.today - timedelta(days=365), time(8), tzinfo=UTC))
        for moment, _, action in sorted(self.events, key=itemgetter(0, 1)):
            action(moment)
        self.book.new_id = lambda: str(uuid.uuid4())

    # -- settings and people -----------------------------------------------------------

    def _settings(self, moment: datetime) -> None:
        p = self.profile
        for spec in p.taxes:
            record = {
                "TaxType": spec.tax_type,
                "Name": spec.name,
                "ReportTaxType": spec.report,
                "Status": "ACTIVE",
                "TaxComponents": [
                    {"Name": n, "Rate": Decimal(r), "IsCompound": False, "IsNonRecoverable": False}
                    for n, r in spec.components
                ],
                "CanApplyToAssets": True,
                "CanApplyToEquity": True,
                "CanApplyToExpenses": True,
                "CanApplyToLiabilities": True,
                "CanApplyToRevenue": True,
                "_system": True,
            }
            rate = sum((Decimal(r) for _, r in spec.components), Decimal(0)).quantize(Decimal("0.0001"))
            record.update(EffectiveRate=rate, DisplayTaxRate=rate)
            self.book.put("TaxRates", "TaxType", record)
        for code, name, kind, role, extras in _CHART:
            element: Record = {"Code": code, "Name": name, "Type": kind, "TaxType": p.tax_roles[role]}
            element.update({k: v for k, v in extras.items() if k != "SystemAccount"})
            account = self.write("Accounts", element, moment)
            if "SystemAccount" in extras:
                self.book.put("Accounts", "AccountID", {**account, "SystemAccount": extras["SystemAccount"]})

    def _contacts(self, start: datetime) -> None:
        directory = self.directory
        for role, people in (("customers", directory.customers), ("suppliers", directory.suppliers)):
            for index, person in enumerate(people):
                persons = [
                    {"FirstName": person.FirstName, "LastName": person.LastName, "EmailAddress": person.EmailAddress,
                     "IncludeInEmails": True}
                ]  # fmt: skip
                if index % 3 == 0:
                    persons.append(
                        {"FirstName": "Accounts", "LastName": "Team", "IncludeInEmails": True,
                         "EmailAddress": f"accounts@{person.EmailAddress.split('@')[1]}"}
                    )  # fmt: skip
                element: Record = {
                    "Name": person.Name,
                    "ContactNumber": person.ContactNumber,
                    "FirstName": person.FirstName,
                    "LastName": person.LastName,
                    "EmailAddress": person.EmailAddress,
                    "ContactPersons": persons,
                    "Addresses": [
                        {"AddressType": "STREET", "AddressLine1": person.AddressLine1, "City": person.City,
                         "Region": person.Region, "PostalCode": person.PostalCode, "Country": person.Country},
                        {"AddressType": "POBOX", "AddressLine1": person.AddressLine1, "City": person.City,
                         "Region": person.Region, "PostalCode": person.PostalCode, "Country": person.Country},
                    ],
                    "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": person.Phone}],
                }  # fmt: skip
                moment = start + timedelta(minutes=index)
                record = self.write("Contacts", element, moment)
                self.created[f"{role}:{index}"] = record["ContactID"]
                # A few customers leave: archived later in the year.
                if role == "customers" and index % 20 == 19:
                    contact_id = record["ContactID"]
                    self.at(self.moment(self.rng.randrange(5, 60)), partial(self._archive, contact_id))

    def _archive(self, contact_id: str, moment: datetime) -> None:
        self.write("Contacts", {"ContactStatus": "ARCHIVED"}, moment, "POST", contact_id)

    def _items(self, start: datetime) -> None:
        tax = self.profile.tax_roles
        for index, item in enumerate(self.directory.items):
            element: Record = {
                "Code": item.Code,
                "Name": item.Name,
                "Description": item.Description,
                "PurchaseDescription": f"{item.Name} (wholesale)",
                "SalesDetails": {"UnitPrice": item.UnitPrice, "AccountCode": "200", "TaxType": tax["sales"]},
                "PurchaseDetails": {"UnitPrice": item.PurchasePrice, "AccountCode": "310", "TaxType": tax["purchases"]},
            }
            if item.tracked:
                element["InventoryAssetAccountCode"] = "630"
                element["PurchaseDetails"] = {**element["PurchaseDetails"], "COGSAccountCode": "310"}
                del element["PurchaseDetails"]["AccountCode"]
            self.write("Items", element, start + timedelta(hours=1, minutes=index))

    def _opening_stock(self, moment: datetime) -> None:
        """Schedule the bill buying every tracked item the year takes out of stock (with a margin), and its payment.

        ``moment`` comes before every other document of the year, so no sale finds the shelf empty.
        """
        lines = []
        for code in sorted(self.tracked):
            needed = self.stock_out[code] + _STOCK_MARGIN
            cartons = -(-needed // _CARTON)
            lines.append({"ItemCode": code, "Quantity": Decimal(cartons * _CARTON)})
        if not lines:
            return
        bill: Record = {
            "Type": "ACCPAY",
            "Contact": {"ContactID": self.created["suppliers:0"]},
            "Date": moment.date().isoformat(),
            "DueDate": (moment.date() + timedelta(days=30)).isoformat(),
            "InvoiceNumber": "OPENING-STOCK",
            "Reference": "Opening stock",
            "Status": "AUTHORISED",
            "LineItems": lines,
        }
        self.at(moment, partial(self._create, "Invoices", "InvoiceID", bill, "invoice:opening"))
        self.at(moment + timedelta(days=30), self._pay_opening_stock)

    def _pay_opening_stock(self, moment: datetime) -> None:
        bill = self.book.table("Invoices")[self.created["invoice:opening"]]
        payment: Record = {
            "Invoice": {"InvoiceID": bill["InvoiceID"]},
            "Account": {"Code": "090"},
            "Date": moment.date().isoformat(),
            "Amount": bill["AmountDue"],
            "Reference": "Opening stock",
        }
        self.write("Payments", payment, moment)

    def _takes_stock(self, element: Record) -> None:
        """Count the tracked units an approved sale or supplier credit note will take out of stock."""
        if element["Status"] != "AUTHORISED" or element["Type"] not in {"ACCREC", "ACCPAYCREDIT"}:
            return
        for line in element["LineItems"]:
            if line.get("ItemCode") in self.tracked:
                self.stock_out[line["ItemCode"]] += int(line["Quantity"])

    # -- documents ---------------------------------------------------------------------

    def _lines(self, purchase: bool, rng: random.Random | None = None) -> list[Record]:
        rng = rng or self.rng
        lines: list[Record] = []
        for _ in range(self.lines or rng.randint(1, 3)):
            if rng.random() < 0.6:
                item = rng.choice(self.directory.items)
                lines.append({"ItemCode": item.Code, "Quantity": Decimal(rng.randint(1, 10))})
            else:
                accounts = _EXPENSE_ACCOUNTS if purchase else _SALES_ACCOUNTS
                lines.append(
                    {
                        "Description": rng.choice(_SERVICES),
                        "Quantity": Decimal(rng.randint(1, 5)),
                        "UnitAmount": Decimal(rng.randrange(2_000, 90_000)) / 100,
                        "AccountCode": rng.choice(accounts),
                    }
                )
        return lines

    def _contact_id(self, purchase: bool) -> str:
        if purchase:
            return self.created[f"suppliers:{self.rng.randrange(self.counts.suppliers)}"]
        return self.created[f"customers:{self.rng.randrange(self.counts.customers)}"]

    def _invoices(self) -> None:
        rng = self.rng
        for index in range(self.counts.invoices):
            purchase = rng.random() < 0.3
            created = self.moment(rng.randrange(1, 365))
            day = created.date()
            element: Record = {
                "Type": "ACCPAY" if purchase else "ACCREC",
                "Contact": {"ContactID": self._contact_id(purchase)},
                "Date": day.isoformat(),
                "DueDate": (day + timedelta(days=rng.choice((7, 14, 30)))).isoformat(),
                "LineItems": self._lines(purchase),
                "LineAmountTypes": "Inclusive" if rng.random() < 0.15 else "Exclusive",
            }
            if purchase:
                element["InvoiceNumber"] = f"BILL-{rng.randrange(10_000, 99_999)}"
            elif rng.random() < 0.5:
                element["Reference"] = f"PO {rng.randrange(1000, 9999)}"
            if rng.random() < 0.1:
                element["CurrencyCode"] = self.profile.foreign_currency
                if rng.random() < 0.5:
                    element["CurrencyRate"] = Decimal(rng.randrange(60, 140)) / 100
            key = f"invoice:{index}"
            status, follow = _INVOICE_PLANS[index % len(_INVOICE_PLANS)]
            element["Status"] = status
            self._takes_stock(element)
            self.at(created, partial(self._create, "Invoices", "InvoiceID", element, key))
            if follow is not None:
                self.at(self.later(created, rng.randrange(1, 45)), partial(self._follow_invoice, key, follow))

    def _create(self, entity: str, id_field: str, element: Record, key: str, moment: datetime) -> None:
        self.created[key] = self.write(entity, element, moment)[id_field]

    def _set_status(self, entity: str, key: str, status: str, moment: datetime) -> None:
        self.write(entity, {"Status": status}, moment, "POST", self.created[key])

    def _follow_invoice(self, key: str, follow: str, moment: datetime) -> None:
        invoice_id = self.created[key]
        invoice = self.book.table("Invoices")[invoice_id]
        if follow in {"DELETED", "VOIDED"}:
            self.write("Invoices", {"Status": follow}, moment, "POST", invoice_id)
            return
        amount = invoice["AmountDue"] if follow == "PAID" else (invoice["AmountDue"] / 2).quantize(Decimal("0.01"))
        if amount <= 0:
            return
        account = "881" if self.rng.random() < 0.1 else "090"
        payment: Record = {
            "Invoice": {"InvoiceID": invoice_id},
            "Account": {"Code": account},
            "Date": moment.date().isoformat(),
            "Amount": amount,
            "Reference": f"Payment {invoice.get('InvoiceNumber', '')}".strip(),
        }
        self.write("Payments", payment, moment)

    def _credit_notes(self) -> None:
        rng = self.rng
        for index in range(self.counts.credit_notes):
            purchase = rng.random() < 0.25
            created = self.moment(rng.randrange(1, 300))
            element: Record = {
                "Type": "ACCPAYCREDIT" if purchase else "ACCRECCREDIT",
                "Contact": {"ContactID": self._contact_id(purchase)},
                "Date": created.date().isoformat(),
                "LineItems": self._lines(purchase)[:1],
                "Status": "DRAFT" if index % 4 == 3 else "AUTHORISED",
                "Reference": f"Credit for returned goods {index + 1}",
            }
            key = f"credit:{index}"
            self._takes_stock(element)
            self.at(created, partial(self._create, "CreditNotes", "CreditNoteID", element, key))
            if element["Status"] == "AUTHORISED" and index % 4 == 1:
                self.at(self.later(created, rng.randrange(1, 20)), partial(self._refund, key))

    def _refund(self, key: str, moment: datetime) -> None:
        note = self.book.table("CreditNotes")[self.created[key]]
        refund = {
            "CreditNote": {"CreditNoteID": note["CreditNoteID"]},
            "Account": {"Code": "090"},
            "Date": moment.date().isoformat(),
            "Amount": note["RemainingCredit"],
        }
        self.write("Payments", refund, moment)

    def _manual_journals(self) -> None:
        rng = self.rng
        for index in range(self.counts.manual_journals):
            created = self.moment(rng.randrange(1, 330))
            amount = Decimal(rng.randrange(10_000, 500_000)) / 100
            element: Record = {
                "Narration": rng.choice(("Owner contribution to expenses", "Accrued expenses", "Year-end adjustment")),
                "Date": created.date().isoformat(),
                "Status": "DRAFT" if index % 5 == 0 else "POSTED",
                "JournalLines": [
                    {"LineAmount": amount, "AccountCode": rng.choice(("429", "453", "493")), "Description": "Expense"},
                    {"LineAmount": -amount, "AccountCode": "881", "Description": "Funds introduced"},
                ],
            }
            key = f"journal:{index}"
            self.at(created, partial(self._create, "ManualJournals", "ManualJournalID", element, key))
            if index % 5 == 4:  # posted, then voided
                self.at(
                    self.later(created, rng.randrange(1, 30)),
                    partial(self._set_status, "ManualJournals", key, "VOIDED"),
                )

    def _purchase_orders(self) -> None:
        rng = self.rng
        for index in range(self.counts.purchase_orders):
            created = self.moment(rng.randrange(1, 200))
            status, billed = _ORDER_PLANS[index % len(_ORDER_PLANS)]
            element: Record = {
                "Contact": {"ContactID": self._contact_id(True)},
                "Date": created.date().isoformat(),
                "DeliveryDate": (created.date() + timedelta(days=14)).isoformat(),
                "LineItems": self._lines(True),
                "Status": status,
                "AttentionTo": "Receiving",
            }
            key = f"po:{index}"
            self.at(created, partial(self._create, "PurchaseOrders", "PurchaseOrderID", element, key))
            if billed:
                self.at(
                    self.later(created, rng.randrange(5, 30)),
                    partial(self._set_status, "PurchaseOrders", key, "BILLED"),
                )

    def _transfers(self) -> None:
        rng = self.rng
        for index in range(self.counts.transfers):
            created = self.moment(rng.randrange(1, 300))
            source, target = ("090", "091") if rng.random() < 0.6 else ("091", "090")
            element: Record = {
                "FromBankAccount": {"Code": source},
                "ToBankAccount": {"Code": target},
                "Amount": Decimal(rng.randrange(10_000, 800_000)) / 100,
                "Date": created.date().isoformat(),
                "Reference": f"Transfer {index + 1}",
            }
            key = f"transfer:{index}"
            self.at(created, partial(self._create, "BankTransfers", "BankTransferID", element, key))
            if index % 5 == 4:
                self.at(self.later(created, 2), partial(self._set_status, "BankTransfers", key, "DELETED"))

    def _quotes(self) -> None:
        """Schedule the quotes: each created, then moved on through its plan's statuses as a client would."""
        rng = self.quote_rng
        # Customers still active when the quotes are written (every twentieth is archived during the year).
        customers = [i for i in range(self.counts.customers) if i % 20 != 19]
        for index in range(self.counts.quotes):
            created = self.moment(rng.randrange(20, 150), rng)
            day = created.date()
            plan = _QUOTE_PLANS[index % len(_QUOTE_PLANS)]
            element: Record = {
                "Contact": {"ContactID": self.created[f"customers:{rng.choice(customers)}"]},
                "Date": day.isoformat(),
                "ExpiryDate": (day + timedelta(days=30)).isoformat(),
                "LineItems": self._lines(False, rng),
                "LineAmountTypes": "INCLUSIVE" if rng.random() < 0.2 else "EXCLUSIVE",
                "Title": "Quote",
                "Summary": rng.choice(_QUOTE_SUMMARIES),
                "Terms": "Valid for 30 days. Prices include delivery within the metro area.",
            }
            if rng.random() < 0.5:
                element["Reference"] = f"RFQ {rng.randrange(1000, 9999)}"
            key = f"quote:{index}"
            self.at(created, partial(self._quote_step, key, {**element, "Status": plan[0]}))
            step = created
            for status in plan[1:]:
                step = self.later(step, rng.randrange(1, 8), rng)
                # Xero wants the whole quote again with a status change: omitted fields would be cleared.
                self.at(step, partial(self._quote_step, key, {**element, "Status": status}))

    def _quote_step(self, key: str, element: Record, moment: datetime) -> None:
        """Create the quote, or write it again with its next status; ids come from the quotes' own stream."""
        saved, self.book.new_id = self.book.new_id, partial(_uuid_from, self.quote_ids)
        try:
            if key in self.created:
                self.write("Quotes", element, moment, "POST", self.created[key])
            else:
                self.created[key] = self.write("Quotes", element, moment)["QuoteID"]
        finally:
            self.book.new_id = saved


def _uuid_from(rng: random.Random) -> str:
    """A version-4 UUID from a seeded generator, formatted by hand (uuid.UUID is slow in bulk)."""
    bits = (rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def seed_sample(
    state: XeroState,
    scale: int = 1,
    seed: int = 0,
    *,
    orgs: tuple[str, ...] = ("au", "us", "nz"),
    history: bool = True,
    lines: int | None = None,
) -> list[OrgBook]:
    """Add the sample organisations (all three, or those named in ``orgs``: au, us, nz).

    With ``history=False`` an organisation gets only its settings (tax rates
    and chart of accounts): a clean slate for tests that build their own records.
    ``lines`` fixes the number of lines per document (1 to 3 at random otherwise).
    """
    books: list[OrgBook] = []
    with state.lock:
        for key in orgs:
            seeder = _Seeder(state, org_profile(key), scale, seed, lines)
            seeder.run(history=history)
            books.append(seeder.book)
    return books
