"""One fully filled record of every canonical entity, for round-trip and store tests."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid5

NS = UUID("6f1c2a51-9a3e-4b7e-8e2c-1d0c6c3b9a10")


def hub_id(name: str) -> str:
    """A stable hub id for a sample record."""
    return str(uuid5(NS, name))


STAMP = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
AUD = {"currency": "AUD"}
ADDRESS = {"line1": "1 George St", "city": "Sydney", "region": "NSW", "postal_code": "2000", "country": "AU"}
LINE = {
    "line_number": 1,
    "item_id": hub_id("item"),
    "description": "Widget",
    "quantity": "3",
    "unit_price": {**AUD, "net_amount": "10.5", "tax_rate": "10"},
    "total_price": {**AUD, "net_amount": "31.5", "tax_amount": "3.15", "total_amount": "34.65"},
    "tax_code_id": hub_id("gst"),
    "account_id": hub_id("sales"),
}
DOC = {
    "transaction_number": "INV-0001",
    "reference": "PO 77",
    "transaction_date": date(2025, 3, 1),
    "organization_id": hub_id("acme"),
    "person_id": hub_id("jane"),
    "currency": "AUD",
    "line_amount_type": "EXCLUSIVE",
    "amount": {**AUD, "net_amount": "31.5", "tax_amount": "3.15", "total_amount": "34.65"},
    "lines": [LINE],
}

SAMPLES: dict[str, dict[str, Any]] = {
    "company": {
        "name": "Acme Pty Ltd",
        "legal_name": "Acme Holdings Pty Ltd",
        "country": "AU",
        "currency": "AUD",
        "timezone": "Australia/Sydney",
        "email": "hello@acme.example",
        "phone": {"landline": "+61 2 5550 1234"},
        "address": {"billing": ADDRESS},
        "financial_year_end": "06-30",
    },
    "tax_codes": {
        "code": "OUTPUT",
        "name": "GST on Income",
        "sale_tax_rate": "10",
        "components": [{"name": "GST", "rate": "10"}],
    },
    "accounts": {
        "code": "090",
        "name": "Business Bank Account",
        "type": "BANK",
        "account_class": "ASSET",
        "currency": "AUD",
        "bank_account": {"bank_name": "Westpac", "account_number": "032-000 123456"},
    },
    "organizations": {
        "name": "Bayside Club",
        "code": "C-001",
        "email": "accounts@bayside.example",
        "address": {"billing": ADDRESS, "shipping": ADDRESS},
        "phone": {"landline": "+61 2 5550 0000", "mobile": "+61 400 000 000"},
        "is_customer": True,
        "number_of_employees": 12,
    },
    "people": {
        "first_name": "Jane",
        "last_name": "Citizen",
        "email": "jane@bayside.example",
        "organization_id": hub_id("acme"),
        "is_primary": True,
        "birth_date": date(1990, 5, 17),
        "address_work": ADDRESS,
    },
    "items": {
        "code": "WID-1",
        "name": "Widget",
        "sale_price": {**AUD, "net_amount": "10.5"},
        "purchase_price": {**AUD, "net_amount": "4.25"},
        "sale_tax_code_id": hub_id("gst"),
        "is_inventoried": True,
        "quantity_on_hand": "-2",
    },
    "invoices": {
        **DOC,
        "type": "CUSTOMER",
        "status": "AUTHORISED",
        "due_date": date(2025, 3, 31),
        "balance": "34.65",
        "billing_address": ADDRESS,
    },
    "quotes": {
        **DOC,
        "transaction_number": "QU-0001",
        "status": "ACCEPTED",
        "title": "Spring range",
        "expiry_date": date(2025, 3, 31),
        "terms": "Valid for 30 days",
    },
    "purchase_orders": {
        **DOC,
        "transaction_number": "PO-0001",
        "status": "SUBMITTED",
        "delivery_date": date(2025, 3, 8),
        "delivery_address": ADDRESS,
    },
    "credit_notes": {
        **DOC,
        "transaction_number": "CN-0001",
        "type": "CUSTOMER",
        "status": "AUTHORISED",
        "remaining_credit": "4.65",
        "allocations": [{"invoice_id": hub_id("inv"), "amount": "30", "transaction_date": date(2025, 3, 2)}],
    },
    "payments": {
        "type": "CUSTOMER",
        "transaction_number": "PAY-1",
        "transaction_date": date(2025, 3, 5),
        "organization_id": hub_id("acme"),
        "account_id": hub_id("bank"),
        "amount": {**AUD, "total_amount": "34.65"},
        "currency_rate": "1",
        "payment_lines": [
            {"amount": "30", "invoice_id": hub_id("inv")},
            {"amount": "4.65", "credit_note_id": hub_id("cn")},
        ],
    },
    "journals": {
        "type": "MANUAL",
        "transaction_number": "MJ-1",
        "transaction_date": date(2025, 3, 31),
        "narration": "Accrue rent",
        "currency": "AUD",
        "lines": [
            {"account_id": hub_id("rent"), "net_amount": "100"},
            {"account_id": hub_id("accruals"), "net_amount": "-100"},
        ],
    },
    "transfers": {
        "from_account_id": hub_id("bank"),
        "to_account_id": hub_id("savings"),
        "amount": {**AUD, "total_amount": "500"},
        "transaction_date": date(2025, 3, 10),
        "reference": "to savings",
    },
    "work_locations": {"name": "Head office", "address": {**ADDRESS, "country": "US"}, "is_primary": True},
    "pay_items": {"name": "Ordinary Hours", "type": "EARNINGS", "rate": "32.5", "account_id": hub_id("wages")},
    "pay_schedules": {"name": "Weekly", "schedule_type": "WEEKLY", "start_date": date(2025, 1, 6)},
    "employees": {
        "code": "E-7",
        "first_name": "Sam",
        "last_name": "Worker",
        "email": "sam@acme.example",
        "gender": "N",
        "hired_date": date(2024, 2, 1),
        "pay_schedule_id": hub_id("weekly"),
    },
    "employee_salaries": {
        "employee_id": hub_id("sam"),
        "pay_item_id": hub_id("ordinary"),
        "type": "HOURLY",
        "currency": "AUD",
        "hourly_rate": "32.5",
        "hours_per_week": "38",
    },
    "time_sheets": {
        "employee_id": hub_id("sam"),
        "start_date": date(2025, 3, 3),
        "end_date": date(2025, 3, 9),
        "status": "APPROVED",
        "total_hours": "7.5",
        "lines": [
            {
                "line_order": 1,
                "pay_item_id": hub_id("ordinary"),
                "time_activities": [
                    {
                        "transaction_date": date(2025, 3, 3),
                        "hours": "7.5",
                        "start_time": datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
                        "end_time": datetime(2025, 3, 3, 17, 0, tzinfo=UTC),
                    }
                ],
            }
        ],
    },
    "time_activities": {
        "employee_id": hub_id("sam"),
        "transaction_date": date(2025, 3, 3),
        "hours": "7.5",
        "start_time": datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
        "end_time": datetime(2025, 3, 3, 17, 0, tzinfo=UTC),
        "break_minutes": "30",
        "approved": True,
    },
    "leave_applications": {
        "employee_id": hub_id("sam"),
        "pay_item_id": hub_id("annual-leave"),
        "title": "Holiday",
        "start_date": date(2025, 4, 1),
        "end_date": date(2025, 4, 4),
        "leave_periods": [{"start_date": date(2025, 4, 1), "end_date": date(2025, 4, 4), "units": "30.4"}],
    },
    "pay_runs": {
        "pay_schedule_id": hub_id("weekly"),
        "status": "POSTED",
        "period_start": date(2025, 3, 3),
        "period_end": date(2025, 3, 9),
        "payment_date": date(2025, 3, 11),
        "currency": "AUD",
        "payslips": [{"employee_id": hub_id("sam"), "earnings": "1235", "tax": "250", "net_pay": "985", "hours": "38"}],
    },
}


def sample(entity: str, **changes: Any) -> dict[str, Any]:
    """The sample record of ``entity`` as plain data, with a hub id and timestamps, plus ``changes``."""
    data = {"id": hub_id(entity), "created_at": STAMP, "updated_at": STAMP, **SAMPLES[entity], **changes}
    return copy.deepcopy(data)  # tests change nested parts; the samples stay as they are
