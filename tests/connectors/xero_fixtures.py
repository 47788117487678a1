"""Xero Accounting records as the API returns them, for the mapping tests.

Shapes and values follow the examples in ``specs/xero/xero_accounting.yaml``
(Barney Rubble's invoices, Liam Gallagher's credit note, the OUTPUT2 tax rate,
the Wells Fargo transfer…). Each fixture is a function returning a fresh copy,
so a test can change one without touching another's.
"""

from __future__ import annotations

import copy
import typing as t
from datetime import UTC, date, datetime
from uuid import UUID, uuid5

from connectors.base.mapping import DictRefs

Raw = dict[str, t.Any]

NS = UUID("0b9e1c4e-3a5f-4c61-9d0e-7a1b2c3d4e5f")

# Xero ids used across fixtures.
CONTACT_ID = "430fa14a-f945-44d3-9f97-5df5e28441b8"
BARNEY_ID = "a3675fc4-f8dd-4f03-ba5b-f1870566bcd7"
SALES_ACCOUNT_ID = "e0a5d892-9f9f-44f0-a153-5cb7db125170"
RECEIVABLE_ACCOUNT_ID = "b94495d0-44ab-4199-a1d0-427a4877e100"
BANK_ACCOUNT_ID = "6f7594f2-f059-4d56-9e67-47ac9733bfe9"
SAVINGS_ACCOUNT_ID = "7e5e243b-9fcd-4aef-8e3a-c70be1e39bfa"
GST_ACCOUNT_ID = "5690f1e8-1d02-4893-90c2-ee1a69eff942"
COGS_ACCOUNT_ID = "13918178-849a-4823-9a31-57b7eac713d7"
ITEM_ID = "c8c54d65-f3f2-452d-926e-bf450b12fb07"
INVOICE_ID = "046d8a6d-1ae1-4b4d-9340-5601bdf41b87"
CREDIT_NOTE_ID = "249f15fa-f2a7-4acc-8769-0984103f2225"

# (entity, remote id, name of the hub record): the id map a tenant would already have.
# Accounts and items are known both by GUID and by code; both keys lead to one hub record.
KNOWN: tuple[tuple[str, str, str], ...] = (
    ("organizations", CONTACT_ID, "liam"),
    ("organizations", BARNEY_ID, "barney"),
    ("accounts", SALES_ACCOUNT_ID, "sales"),
    ("accounts:code", "200", "sales"),
    ("accounts", RECEIVABLE_ACCOUNT_ID, "receivable"),
    ("accounts:code", "610", "receivable"),
    ("accounts", BANK_ACCOUNT_ID, "bank"),
    ("accounts:code", "090", "bank"),
    ("accounts", SAVINGS_ACCOUNT_ID, "savings"),
    ("accounts:code", "091", "savings"),
    ("accounts", GST_ACCOUNT_ID, "gst-account"),
    ("accounts:code", "820", "gst-account"),
    ("accounts", COGS_ACCOUNT_ID, "cogs"),
    ("accounts:code", "310", "cogs"),
    ("tax_codes", "OUTPUT2", "gst-on-income"),
    ("tax_codes", "INPUT2", "gst-on-expenses"),
    ("tax_codes", "NONE", "no-gst"),
    ("items", ITEM_ID, "guitar"),
    ("items:code", "GTR-STRAT", "guitar"),
    ("invoices", INVOICE_ID, "inv-0002"),
    ("credit_notes", CREDIT_NOTE_ID, "cn-0005"),
)


def hub(name: str) -> UUID:
    """The hub id of a named record of ``KNOWN``."""
    return uuid5(NS, name)


def known_refs() -> DictRefs:
    """A ``DictRefs`` that already knows every record of ``KNOWN``, both ways."""
    refs = DictRefs()
    for entity, remote, name in KNOWN:
        refs.to_hub[(entity, remote)] = hub(name)
        refs.to_remote[(entity, hub(name))] = remote
    return refs


def msdate(day: date | datetime, offset: str = "+0000") -> str:
    """A date in Xero's wire form, ``/Date(ms+0000)/`` (midnight UTC for a plain date)."""
    if not isinstance(day, datetime):
        day = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return f"/Date({int(day.timestamp() * 1000)}{offset})/"


UPDATED = "/Date(1551747281053+0000)/"  # 2019-03-05T00:54:41.053Z
UPDATED_AT = datetime(2019, 3, 5, 0, 54, 41, 53000, tzinfo=UTC)


def _fresh(record: Raw) -> Raw:
    return copy.deepcopy(record)


def organisation() -> Raw:
    """GET /Organisation's one element (the spec's NZ demo organisation, with contact details)."""
    return _fresh(
        {
            "APIKey": "CTJ60UH519MXQIXEJSDPDALS3EOZ5Y",
            "Name": "Dev Evangelist - Sid Test 3 (NZ-2016-02)",
            "LegalName": "Dev Evangelist - Sid Test 3 (NZ-2016-02) Limited",
            "PaysTax": True,
            "Version": "NZ",
            "OrganisationType": "COMPANY",
            "BaseCurrency": "NZD",
            "CountryCode": "NZ",
            "IsDemoCompany": False,
            "OrganisationStatus": "ACTIVE",
            "TaxNumber": "071-138-054",
            "FinancialYearEndDay": 31,
            "FinancialYearEndMonth": 3,
            "CreatedDateUTC": "/Date(1455827393000)/",
            "Timezone": "NEWZEALANDSTANDARDTIME",
            "ShortCode": "!mBdtL",
            "OrganisationID": "b2c885a9-4bb9-4a00-9b6e-6c2bf60b1a2b",
            "Edition": "BUSINESS",
            "Class": "PREMIUM",
            "Addresses": [
                {
                    "AddressType": "POBOX",
                    "AddressLine1": "PO Box 1234",
                    "City": "Wellington",
                    "PostalCode": "6011",
                    "Country": "New Zealand",
                },
                {
                    "AddressType": "STREET",
                    "AddressLine1": "Level 2",
                    "AddressLine2": "15 Allen St",
                    "City": "Wellington",
                    "Region": "",
                    "PostalCode": "6011",
                    "Country": "NZ",
                },
            ],
            "Phones": [{"PhoneType": "OFFICE", "PhoneNumber": "555-1234", "PhoneAreaCode": "04"}],
            "ExternalLinks": [
                {"LinkType": "Twitter", "Url": "https://twitter.com/xeroapi"},
                {"LinkType": "Website", "Url": "https://sidtest.example"},
            ],
            "PaymentTerms": {},
        }
    )


def contact() -> Raw:
    """A Contacts element: Liam Gallagher's band, with two more contact persons."""
    return _fresh(
        {
            "ContactID": CONTACT_ID,
            "ContactNumber": "CUST-042",
            "ContactStatus": "ACTIVE",
            "Name": "Oasis Touring Ltd",
            "FirstName": "Liam",
            "LastName": "Gallagher",
            "EmailAddress": "liam@rockstar.com",
            "BankAccountDetails": "",
            "TaxNumber": "12-345-678",
            "Addresses": [
                {
                    "AddressType": "STREET",
                    "AddressLine1": "1 Stage Door",
                    "AddressLine2": "Unit 4",
                    "AddressLine3": "Back entrance",
                    "City": "Anytown",
                    "Region": "NY",
                    "PostalCode": "10101",
                    "Country": "USA",
                    "AttentionTo": "",
                },
                {
                    "AddressType": "POBOX",
                    "AddressLine1": "PO Box 77",
                    "City": "Anytown",
                    "Region": "NY",
                    "PostalCode": "10101",
                    "Country": "United States",
                    "AttentionTo": "",
                },
            ],
            "Phones": [
                {"PhoneType": "DEFAULT", "PhoneNumber": "222-2222", "PhoneAreaCode": "212", "PhoneCountryCode": ""},
                {"PhoneType": "DDI", "PhoneNumber": "", "PhoneAreaCode": "", "PhoneCountryCode": ""},
                {"PhoneType": "FAX", "PhoneNumber": "333-2233", "PhoneAreaCode": "212", "PhoneCountryCode": ""},
                {"PhoneType": "MOBILE", "PhoneNumber": "444-3433", "PhoneAreaCode": "212", "PhoneCountryCode": "1"},
            ],
            "ContactPersons": [
                {
                    "FirstName": "Noel",
                    "LastName": "Gallagher",
                    "EmailAddress": "Noel@Rockstar.com",
                    "IncludeInEmails": True,
                },
                {"FirstName": "Bonehead", "LastName": "Arthurs", "IncludeInEmails": False},
            ],
            "IsSupplier": False,
            "IsCustomer": True,
            "DefaultCurrency": "USD",
            "UpdatedDateUTC": UPDATED,
            "ContactGroups": [],
            "HasValidationErrors": False,
        }
    )


def item() -> Raw:
    """An Items element: a tracked guitar with stock on hand."""
    return _fresh(
        {
            "ItemID": ITEM_ID,
            "Code": "GTR-STRAT",
            "Description": "Guitars Fender Strat",
            "PurchaseDescription": "Fender Strat, bought in",
            "UpdatedDateUTC": "/Date(1551981476267+0000)/",
            "PurchaseDetails": {"UnitPrice": 2800.5, "COGSAccountCode": "310", "TaxType": "INPUT2"},
            "SalesDetails": {"UnitPrice": 5000.0, "AccountCode": "200", "TaxType": "OUTPUT2"},
            "Name": "Guitars",
            "IsTrackedAsInventory": True,
            "InventoryAssetAccountCode": "630",
            "TotalCostPool": 14002.5,
            "QuantityOnHand": 5.0,
            "IsSold": True,
            "IsPurchased": True,
        }
    )


def invoice() -> Raw:
    """An Invoices element: an AUTHORISED sale in USD to Barney (the spec's INV-0002, with lines)."""
    return _fresh(
        {
            "Type": "ACCREC",
            "InvoiceID": INVOICE_ID,
            "InvoiceNumber": "INV-0002",
            "Reference": "Red Fish, Blue Fish",
            "Payments": [],
            "CreditNotes": [],
            "AmountDue": 20.00,
            "AmountPaid": 26.00,
            "AmountCredited": 0.00,
            "SentToContact": True,
            "CurrencyRate": 0.625,
            "HasErrors": False,
            "IsDiscounted": True,
            "Contact": {
                "ContactID": BARNEY_ID,
                "Name": "Barney Rubble-83203",
                "Addresses": [],
                "Phones": [],
                "ContactPersons": [],
            },
            "DateString": "2018-10-20T00:00:00",
            "Date": "/Date(1539993600000+0000)/",
            "DueDateString": "2018-12-30T00:00:00",
            "DueDate": "/Date(1546128000000+0000)/",
            "Status": "AUTHORISED",
            "LineAmountTypes": "Exclusive",
            "LineItems": [
                {
                    "LineItemID": "5f7a612b-fdcc-4d33-90fa-a9f6bc6db32f",
                    "Description": "Fender Strat",
                    "Quantity": 2.0,
                    "UnitAmount": 25.0,
                    "ItemCode": "GTR-STRAT",
                    "AccountCode": "200",
                    "TaxType": "OUTPUT2",
                    "TaxAmount": 6.75,
                    "LineAmount": 45.0,
                    "DiscountRate": 10.0,
                    "Tracking": [],
                },
                {
                    "LineItemID": "0b0b5a5c-2a46-4b5d-8a65-6bf4fd1e4f3b",
                    "Description": "Returned strap",
                    "Quantity": -1.0,
                    "UnitAmount": 5.0,
                    "AccountCode": "200",
                    "TaxType": "OUTPUT2",
                    "TaxAmount": -0.75,
                    "LineAmount": -5.0,
                    "Tracking": [],
                },
            ],
            "SubTotal": 40.00,
            "TotalTax": 6.00,
            "Total": 46.00,
            "UpdatedDateUTC": "/Date(1541176592690+0000)/",
            "UpdatedDateUTCString": "2018-11-02T16:36:32Z",
            "CurrencyCode": "USD",
        }
    )


def voided_invoice() -> Raw:
    """The spec's INV-0001: VOIDED, in the base currency, no lines in the list view."""
    return _fresh(
        {
            "Type": "ACCREC",
            "InvoiceID": "d4956132-ed94-4dd7-9eaa-aa22dfdf06f2",
            "InvoiceNumber": "INV-0001",
            "Reference": "Red Fish, Blue Fish",
            "AmountDue": 0.00,
            "AmountPaid": 0.00,
            "CurrencyRate": 1.000000,
            "Contact": {"ContactID": BARNEY_ID, "Name": "Barney Rubble-83203"},
            "Date": "/Date(1539993600000+0000)/",
            "DueDate": "/Date(1546128000000+0000)/",
            "Status": "VOIDED",
            "LineAmountTypes": "Exclusive",
            "LineItems": [],
            "SubTotal": 40.00,
            "TotalTax": 0.00,
            "Total": 40.00,
            "UpdatedDateUTC": "/Date(1541176290160+0000)/",
            "CurrencyCode": "NZD",
        }
    )


def purchase_order() -> Raw:
    """A PurchaseOrders element: strings ordered from Liam's band, tax inclusive."""
    return _fresh(
        {
            "PurchaseOrderID": "44d3f8a9-7ca9-4b1d-87ea-8c4b0e1d5a61",
            "PurchaseOrderNumber": "PO-0007",
            "Reference": "Strings",
            "Contact": {"ContactID": CONTACT_ID, "Name": "Oasis Touring Ltd"},
            "Date": "/Date(1552262400000+0000)/",
            "DeliveryDate": "/Date(1552867200000+0000)/",
            "ExpectedArrivalDate": "/Date(1552953600000+0000)/",
            "DeliveryAddress": "23 Main Street\nCentral City\nMarineville 12345",
            "AttentionTo": "Sid",
            "DeliveryInstructions": "Leave at the stage door",
            "LineAmountTypes": "Inclusive",
            "LineItems": [
                {
                    "Description": "Guitar strings",
                    "Quantity": 10.0,
                    "UnitAmount": 11.5,
                    "AccountCode": "310",
                    "TaxType": "INPUT2",
                    "TaxAmount": 15.0,
                    "LineAmount": 115.0,
                }
            ],
            "SubTotal": 100.0,
            "TotalTax": 15.0,
            "Total": 115.0,
            "CurrencyCode": "NZD",
            "CurrencyRate": 1.0,
            "Status": "AUTHORISED",
            "UpdatedDateUTC": "/Date(1552357188083+0000)/",
        }
    )


def credit_note() -> Raw:
    """The spec's CN-0005 for Liam Gallagher, with one allocation to INV-0002."""
    return _fresh(
        {
            "CreditNoteID": CREDIT_NOTE_ID,
            "CreditNoteNumber": "CN-0005",
            "CurrencyRate": 1.000000,
            "Type": "ACCRECCREDIT",
            "Reference": "US Tour",
            "RemainingCredit": 32.50,
            "Allocations": [
                {
                    "AllocationID": "b12335f4-a1e5-4431-aeb4-488e5547558e",
                    "Amount": 2.00,
                    "Date": "/Date(1552521600000+0000)/",
                    "Invoice": {"InvoiceID": INVOICE_ID, "InvoiceNumber": "INV-0002"},
                }
            ],
            "Contact": {"ContactID": CONTACT_ID, "Name": "Liam Gallagher"},
            "DateString": "2019-03-05T00:00:00",
            "Date": "/Date(1551744000000+0000)/",
            "Status": "AUTHORISED",
            "LineAmountTypes": "Exclusive",
            "LineItems": [
                {
                    "Description": "Mic Stand",
                    "UnitAmount": 30.00,
                    "TaxType": "OUTPUT2",
                    "TaxAmount": 4.50,
                    "LineAmount": 30.00,
                    "AccountCode": "200",
                    "Quantity": 1.0000,
                }
            ],
            "SubTotal": 30.00,
            "TotalTax": 4.50,
            "Total": 34.50,
            "UpdatedDateUTC": "/Date(1551812346173+0000)/",
            "CurrencyCode": "NZD",
        }
    )


def manual_journal() -> Raw:
    """A ManualJournals element: a POSTED reclassification, tax exclusive."""
    return _fresh(
        {
            "Date": "/Date(1553126400000+0000)/",
            "Status": "POSTED",
            "LineAmountTypes": "Exclusive",
            "UpdatedDateUTC": "/Date(1552357188083+0000)/",
            "ManualJournalID": "0b159335-606b-485f-b51b-97b3b32bad32",
            "Narration": "Reclassify the stage hire",
            "JournalLines": [
                {
                    "LineAmount": 100.0,
                    "AccountCode": "200",
                    "Description": "Stage hire",
                    "TaxType": "OUTPUT2",
                    "TaxAmount": 15.0,
                    "IsBlank": False,
                },
                {
                    "LineAmount": -115.0,
                    "AccountCode": "090",
                    "Description": "Paid from the bank",
                    "TaxType": "NONE",
                    "TaxAmount": 0.0,
                    "IsBlank": False,
                },
            ],
            "ShowOnCashBasisReports": True,
            "HasAttachments": False,
        }
    )


def journal() -> Raw:
    """A Journals element: what Xero posted for a taxed sale (the tax on its own GST line)."""
    return _fresh(
        {
            "JournalID": "1b31feeb-aa23-404c-8c19-24c827c53661",
            "JournalDate": "/Date(1539993600000+0000)/",
            "JournalNumber": 9,
            "CreatedDateUTC": "/Date(1541176504083+0000)/",
            "Reference": "Red Fish, Blue Fish",
            "SourceID": INVOICE_ID,
            "SourceType": "ACCREC",
            "JournalLines": [
                {
                    "JournalLineID": "ba8a5680-a753-4a35-b3dd-0bc72e5c26a1",
                    "AccountID": RECEIVABLE_ACCOUNT_ID,
                    "AccountCode": "610",
                    "AccountType": "CURRENT",
                    "AccountName": "Accounts Receivable",
                    "Description": "",
                    "NetAmount": 46.00,
                    "GrossAmount": 46.00,
                    "TaxAmount": 0.00,
                    "TrackingCategories": [],
                },
                {
                    "JournalLineID": "09a0b9b9-0222-4e24-8c31-efef472e22f1",
                    "AccountID": SALES_ACCOUNT_ID,
                    "AccountCode": "200",
                    "AccountType": "REVENUE",
                    "AccountName": "Sales",
                    "Description": "Acme Tires",
                    "NetAmount": -40.00,
                    "GrossAmount": -46.00,
                    "TaxAmount": -6.00,
                    "TaxType": "OUTPUT2",
                    "TaxName": "15% GST on Income",
                    "TrackingCategories": [],
                },
                {
                    "JournalLineID": "353be85e-ae79-4bb3-9483-5ea7682fc0a3",
                    "AccountID": GST_ACCOUNT_ID,
                    "AccountCode": "820",
                    "AccountType": "CURRLIAB",
                    "AccountName": "GST",
                    "Description": "",
                    "NetAmount": -6.00,
                    "GrossAmount": -6.00,
                    "TaxAmount": 0.00,
                    "TrackingCategories": [],
                },
            ],
        }
    )


def payment() -> Raw:
    """The spec's payment on INV-0002, here a foreign-currency (USD) one into the bank account."""
    return _fresh(
        {
            "PaymentID": "99ea7f6b-c513-4066-bc27-b7c65dcd76c2",
            "Date": "/Date(1543449600000+0000)/",
            "BankAmount": 41.60,
            "Amount": 26.00,
            "Reference": "DD 0042",
            "CurrencyRate": 0.625,
            "PaymentType": "ACCRECPAYMENT",
            "Status": "AUTHORISED",
            "UpdatedDateUTC": "/Date(1541176592690+0000)/",
            "UpdatedDateUTCString": "2018-11-02T16:36:32Z",
            "HasAccount": True,
            "IsReconciled": True,
            "Account": {"AccountID": BANK_ACCOUNT_ID, "Code": "090"},
            "Invoice": {
                "Type": "ACCREC",
                "InvoiceID": INVOICE_ID,
                "InvoiceNumber": "INV-0002",
                "Contact": {"ContactID": BARNEY_ID, "ContactNumber": "", "Name": "Barney Rubble-83203"},
                "LineItems": [],
                "CurrencyCode": "USD",
            },
            "HasValidationErrors": False,
        }
    )


def credit_note_payment() -> Raw:
    """The spec's refund of CN-0005: Xero lists it under ``Invoice`` with the credit note's Type."""
    return _fresh(
        {
            "PaymentID": "6b037c9b-2e5d-4905-84d3-eabfb3438242",
            "Date": "/Date(1552521600000+0000)/",
            "BankAmount": 2.00,
            "Amount": 2.00,
            "Reference": "Too much",
            "CurrencyRate": 1.000000,
            "PaymentType": "ARCREDITPAYMENT",
            "Status": "AUTHORISED",
            "UpdatedDateUTC": "/Date(1551812346173+0000)/",
            "HasAccount": True,
            "IsReconciled": False,
            "Account": {"AccountID": BANK_ACCOUNT_ID, "Code": "090"},
            "Invoice": {
                "Type": "ACCRECCREDIT",
                "InvoiceID": CREDIT_NOTE_ID,
                "InvoiceNumber": "CN-0005",
                "Contact": {"ContactID": CONTACT_ID, "Name": "Liam Gallagher"},
                "CurrencyCode": "NZD",
            },
        }
    )


def tax_rate() -> Raw:
    """The spec's OUTPUT2 tax rate (15% GST on Income)."""
    return _fresh(
        {
            "Name": "15% GST on Income",
            "TaxType": "OUTPUT2",
            "ReportTaxType": "OUTPUT",
            "CanApplyToAssets": True,
            "CanApplyToEquity": True,
            "CanApplyToExpenses": False,
            "CanApplyToLiabilities": True,
            "CanApplyToRevenue": True,
            "DisplayTaxRate": 15.0000,
            "EffectiveRate": 15.0000,
            "Status": "ACTIVE",
            "TaxComponents": [{"Name": "GST", "Rate": 15.0000, "IsCompound": False, "IsNonRecoverable": False}],
        }
    )


def bank_account() -> Raw:
    """An Accounts element: the business's main bank account."""
    return _fresh(
        {
            "AccountID": BANK_ACCOUNT_ID,
            "Code": "090",
            "Name": "Business Wells Fargo",
            "Status": "ACTIVE",
            "Type": "BANK",
            "TaxType": "NONE",
            "Class": "ASSET",
            "EnablePaymentsToAccount": False,
            "ShowInExpenseClaims": False,
            "BankAccountNumber": "132435465",
            "BankAccountType": "BANK",
            "CurrencyCode": "NZD",
            "ReportingCode": "ASS",
            "ReportingCodeName": "Assets",
            "HasAttachments": False,
            "UpdatedDateUTC": "/Date(1573755038314+0000)/",
            "AddToWatchlist": False,
        }
    )


def archived_account() -> Raw:
    """An Accounts element: an old revenue account, archived."""
    return _fresh(
        {
            "AccountID": "ceef66a5-a545-413b-9312-78a53caadbc4",
            "Code": "4400",
            "Name": "Food Sales",
            "Status": "ARCHIVED",
            "Type": "REVENUE",
            "TaxType": "OUTPUT2",
            "Description": "Sales of food at gigs",
            "Class": "REVENUE",
            "EnablePaymentsToAccount": False,
            "UpdatedDateUTC": "/Date(1573755038314+0000)/",
        }
    )


def bank_transfer() -> Raw:
    """The spec's first BankTransfers element: 20.00 from Wells Fargo to savings."""
    return _fresh(
        {
            "BankTransferID": "6221458a-ef7a-4d5f-9b1c-1b96ce03833c",
            "CreatedDateUTCString": "2016-10-17T20:46:01",
            "CreatedDateUTC": "/Date(1476737161140+0000)/",
            "DateString": "2016-11-12T21:10:00",
            "Date": "/Date(1478985000000+0000)/",
            "Status": "AUTHORISED",
            "FromBankAccount": {"AccountID": BANK_ACCOUNT_ID, "Name": "Business Wells Fargo"},
            "ToBankAccount": {"AccountID": SAVINGS_ACCOUNT_ID, "Name": "My Savings"},
            "Amount": 20.00,
            "FromBankTransactionID": "a3eca480-bc04-4292-9bbd-5c57b8ba12b4",
            "ToBankTransactionID": "4ca13f40-f3a0-4530-a442-a600f5696118",
            "FromIsReconciled": True,
            "ToIsReconciled": True,
            "Reference": "Sub 098801",
            "HasAttachments": True,
        }
    )


_DATE_FIELDS = ("Date", "DueDate", "DeliveryDate", "ExpectedArrivalDate")


def echo(payload: dict[str, t.Any], id_field: str, remote_id: str, **computed: t.Any) -> Raw:
    """What Xero answers to a write: the element as sent, with its id, MS dates and what Xero computes."""
    answer = copy.deepcopy(payload)
    answer[id_field] = remote_id
    for key in _DATE_FIELDS:
        if isinstance(answer.get(key), str):
            answer[key] = msdate(date.fromisoformat(answer[key]))
    for line in answer.get("LineItems", []):
        if "LineAmount" not in line and "UnitAmount" in line:
            discount = 1 - line.get("DiscountRate", 0) / 100
            line["LineAmount"] = round(line.get("Quantity", 1) * line["UnitAmount"] * discount, 2)
    answer["UpdatedDateUTC"] = UPDATED
    answer.update(computed)
    return answer
