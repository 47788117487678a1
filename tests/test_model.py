"""The canonical model: round-trips, readable errors, matching keys, references."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from datashare.model import (
    DOMAINS,
    ENTITIES,
    Invoice,
    Item,
    Journal,
    Organization,
    Person,
    TimeSheet,
    UnknownEntityError,
    describe_errors,
    model_for,
    validate_record,
    with_references,
)
from tests.samples import SAMPLES, hub_id, sample


def test_every_entity_has_a_sample_and_belongs_to_a_domain() -> None:
    assert set(SAMPLES) == set(ENTITIES)
    in_domains = {e for entities in DOMAINS.values() for e in entities}
    assert in_domains == set(ENTITIES)


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_round_trip_through_json_gives_the_same_record(entity: str) -> None:
    model = model_for(entity)
    record = model.model_validate(sample(entity))
    again = model.model_validate_json(record.model_dump_json())
    assert again == record
    assert again.model_dump(mode="json") == record.model_dump(mode="json")


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_round_trip_through_python_dump_gives_the_same_record(entity: str) -> None:
    model = model_for(entity)
    record = model.model_validate(sample(entity))
    assert model.model_validate(record.model_dump()) == record


def test_money_is_decimal_with_its_currency_upper_cased() -> None:
    invoice = Invoice.model_validate(sample("invoices", currency="aud"))
    assert invoice.currency == "AUD"
    assert invoice.amount is not None
    assert invoice.amount.total_amount == Decimal("34.65")
    assert isinstance(invoice.lines[0].quantity, Decimal)


def test_negative_line_quantity_is_refused_with_its_path() -> None:
    data = sample("invoices")
    data["lines"] = [{**data["lines"][0], "quantity": "-2"}]
    reason = validate_record(Invoice, data)
    assert reason == "invoices.lines[0].quantity: must be >= 0 (got '-2')"


def test_negative_stock_on_hand_is_allowed() -> None:
    item = Item.model_validate(sample("items", quantity_on_hand="-5"))
    assert item.quantity_on_hand == Decimal(-5)


def test_unknown_currency_is_refused_readably() -> None:
    reason = validate_record(Invoice, sample("invoices", currency="ABC"))
    assert isinstance(reason, str)
    assert reason.startswith("invoices.currency: unknown currency 'ABC'")


def test_test_currency_code_is_not_money() -> None:
    reason = validate_record(Invoice, sample("invoices", currency="XXX"))
    assert isinstance(reason, str)
    assert "unknown currency 'XXX'" in reason


def test_line_in_another_currency_than_the_document_is_refused() -> None:
    data = sample("invoices")
    data["lines"] = [{**data["lines"][0], "unit_price": {"currency": "USD", "net_amount": "1"}}]
    reason = validate_record(Invoice, data)
    assert isinstance(reason, str)
    assert "amounts in USD on a document in AUD" in reason


def test_malformed_date_is_refused_readably() -> None:
    reason = validate_record(Invoice, sample("invoices", transaction_date="2025-02-30"))
    assert isinstance(reason, str)
    assert reason.startswith("invoices.transaction_date: must be a valid date")
    assert "'2025-02-30'" in reason


def test_naive_timestamp_is_refused() -> None:
    reason = validate_record(Organization, {"name": "Acme", "updated_at": "2025-01-01T10:00:00"})
    assert isinstance(reason, str)
    assert reason.startswith("organizations.updated_at:")
    assert "timezone" in reason


def test_too_many_decimal_places_are_refused_not_rounded() -> None:
    reason = validate_record(Item, sample("items", sale_price={"currency": "AUD", "net_amount": "1.1234567"}))
    assert isinstance(reason, str)
    assert "items.sale_price.net_amount" in reason


def test_unknown_status_lists_the_allowed_ones() -> None:
    reason = validate_record(Invoice, sample("invoices", status="SETTLED"))
    assert isinstance(reason, str)
    assert "invoices.status" in reason
    assert "'PAID'" in reason


def test_unknown_field_is_refused() -> None:
    reason = validate_record(Organization, {"name": "Acme", "colour": "blue"})
    assert reason == "organizations.colour: Extra inputs are not permitted (got 'blue')"


def test_several_problems_are_all_reported() -> None:
    reason = validate_record(Invoice, {"type": "CUSTOMER", "currency": "ABC", "transaction_date": "soon"})
    assert isinstance(reason, str)
    assert reason.count(";") == 1
    assert "invoices.currency" in reason
    assert "invoices.transaction_date" in reason


def test_due_date_before_invoice_date_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Invoice.model_validate(sample("invoices", due_date="2025-02-01"))
    assert "due date 2025-02-01 is before the invoice date 2025-03-01" in describe_errors(caught.value)


def test_posted_manual_journal_must_balance() -> None:
    data = sample("journals")
    data["lines"] = [{"net_amount": "100"}, {"net_amount": "-90"}]
    reason = validate_record(Journal, data)
    assert isinstance(reason, str)
    assert "do not balance" in reason
    assert "10" in reason


def test_time_outside_the_time_sheet_period_is_refused() -> None:
    data = sample("time_sheets")
    data["lines"][0]["time_activities"][0]["transaction_date"] = "2025-04-01"
    reason = validate_record(TimeSheet, data)
    assert isinstance(reason, str)
    assert "outside the time sheet" in reason


def test_person_needs_a_name_or_an_email() -> None:
    assert isinstance(validate_record(Person, {"job_title": "CEO"}), str)
    assert isinstance(validate_record(Person, {"email": "a@b.example"}), Person)


def test_bad_email_is_refused() -> None:
    reason = validate_record(Person, {"email": "not an email"})
    assert isinstance(reason, str)
    assert "people.email: not an email address" in reason


def test_natural_key_takes_the_first_complete_key_normalised() -> None:
    with_email = Person(first_name="Jane", last_name="Citizen", email="  Jane@Bayside.example ")
    assert with_email.natural_key() == (("email",), ("jane@bayside.example",))
    org = hub_id("acme")
    without_email = Person.model_validate({"first_name": "Jane ", "last_name": "CITIZEN", "organization_id": org})
    assert without_email.natural_key() == (("first_name", "last_name", "organization_id"), ("jane", "citizen", org))
    assert Person(first_name="Jane").natural_key() is None


def test_natural_keys_of_documents_include_their_type() -> None:
    invoice = Invoice.model_validate(sample("invoices"))
    assert invoice.natural_key() == (("type", "transaction_number"), ("customer", "inv-0001"))
    assert Item.model_validate(sample("items")).natural_key() == (("code",), ("wid-1",))
    assert Organization(name="Bayside  Club").natural_key() == (("name",), ("bayside club",))


def test_references_name_the_entity_they_point_at() -> None:
    refs = Invoice.references()
    assert refs["organization_id"] == "organizations"
    assert refs["lines.item_id"] == "items"
    assert refs["lines.tax_code_id"] == "tax_codes"
    assert model_for("payments").references()["payment_lines.credit_note_id"] == "credit_notes"
    assert model_for("pay_runs").references()["payslips.employee_id"] == "employees"


def test_references_only_point_at_known_entities_that_come_earlier() -> None:
    order = list(ENTITIES)
    for entity, model in ENTITIES.items():
        for path, target in model.references().items():
            assert target in ENTITIES, f"{entity}.{path} -> {target}"
            assert order.index(target) < order.index(entity) or target == entity, f"{entity}.{path}"


def test_unknown_entity_names_the_known_ones() -> None:
    with pytest.raises(UnknownEntityError) as caught:
        model_for("gizmos")
    assert "unknown entity 'gizmos'" in str(caught.value)
    assert "invoices" in str(caught.value)


def test_generated_journal_balances_on_net_amounts() -> None:
    data = sample("journals", type="GENERATED")
    data["lines"] = [
        {"net_amount": "100", "tax_amount": "0"},
        {"net_amount": "-90", "tax_amount": "-9"},  # the sale, showing its tax
        {"net_amount": "-10", "tax_amount": "0"},  # the tax, posted on the tax account
    ]
    assert isinstance(validate_record(Journal, data), Journal)
    data["type"] = "MANUAL"
    assert isinstance(validate_record(Journal, data), str)


def test_a_domain_reads_the_lookups_its_records_point_at_unless_told_not_to() -> None:
    assert with_references(["items"]) == ["tax_codes", "accounts", "items"]
    assert with_references(["time_sheets", "employees"], lookups=False) == ["employees", "time_sheets"]
