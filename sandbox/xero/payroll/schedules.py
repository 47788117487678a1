"""``/PayrollCalendars`` (AU) and ``/PaySchedules`` (US): when employees are paid.

A calendar needs a name (unique), a type, a StartDate (the first day of a
pay period: its periods are worked out from it, see ``calendars``) and a
PaymentDate (the first period's pay day, not before that period starts).
Its type and StartDate cannot change once pay runs use it.
"""

from __future__ import annotations

from sandbox.xero.errors import Invalid
from sandbox.xero.payroll.base import DAY, TEXT, Ctx, Kind, Record, merged, read_fields, require
from sandbox.xero.resource import Reader


class Calendars(Kind):
    """A country's pay calendars (AU PayrollCalendars, US PaySchedules)."""

    def write(self, ctx: Ctx, element: Record, key: str | None) -> Record:
        """Create a calendar, or update one the element names by id."""
        country = ctx.country
        id_field, name_field, kind_field = country.calendar_id, country.calendar_name, country.calendar_kind
        wanted = key or element.get(id_field)
        old = ctx.get(country.calendars, wanted) if wanted is not None else None
        if wanted is not None and old is None:
            raise Invalid(f"The {country.calendar_word} was not found")
        reader = Reader(element)
        fields: dict[str, str | tuple[str, ...]] = {
            name_field: TEXT,
            kind_field: country.calendar_kinds,
            "StartDate": DAY,
            "PaymentDate": DAY,
        }
        if country.code == "AU":
            fields["ReferenceDate"] = DAY
        changes = read_fields(reader, fields)
        record = merged(old, changes)
        require(reader, record, name_field, kind_field, "StartDate", "PaymentDate")
        reader.check()
        if record["PaymentDate"] < record["StartDate"]:
            raise Invalid("The payment date must not be before the start date")
        moved = old is not None and any(record[f] != old[f] for f in (kind_field, "StartDate"))
        if moved and any(r[id_field] == record.get(id_field) for r in ctx.payroll.table("PayRuns").values()):
            raise Invalid(f"The type and start date of a {country.calendar_word} with pay runs cannot change")
        name = record[name_field].casefold()
        for other in self.records(ctx):
            if other[name_field].casefold() == name and other is not old:
                raise Invalid(f"A {country.calendar_word} named '{record[name_field]}' already exists")
        record_id = old[id_field] if old is not None else ctx.payroll.new_id()
        stored = {id_field: record_id, **record, "UpdatedDateUTC": ctx.now}
        return ctx.payroll.put(country.calendars, id_field, stored)
