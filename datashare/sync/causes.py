"""Why a record is not in an app, as data, and what may lift it.

A sink that skips or holds a record names its cause. A cause that the record
itself cannot lift names the hub entities whose change may (``heals_on``):
the product spec's FAQ tells a user whose payment was skipped for want of a
bank account to set one up in Xero, so when a bank account reaches the hub,
every payment skipped for that cause is re-checked on the next push, and sent
if it now goes. A skip for any other cause is re-checked when the record
itself changes, as before (its content no longer matches what was noted).

Kept as data: adding a cause is one entry here and one ``cause=`` where a
sink skips.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CAUSES",
    "LOCKED_IN_XERO",
    "NO_BANK_ACCOUNT",
    "NO_CONTACT",
    "NO_ROOM",
    "REFERENCE_NOT_TAKEN",
    "RULE",
    "STOCK_SHORT",
    "WAITING_FOR_RECORD",
    "Cause",
]


@dataclass(frozen=True)
class Cause:
    """One reason a record is skipped or waits, and the hub entities whose change may lift it."""

    name: str
    says: str  # for people, in the status and why views
    heals_on: tuple[str, ...] = ()


RULE = Cause("rule", "the app does not take this record as it stands; re-checked when the record changes")
NO_BANK_ACCOUNT = Cause(
    "no_bank_account", "Xero has no bank account for the payment; re-checked when one is set up", ("accounts",)
)
LOCKED_IN_XERO = Cause(
    "locked_in_xero",
    "Xero holds the document paid, credited or voided and takes no edit; re-checked when that changes",
    ("payments", "credit_notes"),
)
NO_CONTACT = Cause(
    "no_contact", "the document names no contact Xero has; re-checked when contacts change", ("organizations", "people")
)
NO_ROOM = Cause("no_room", "Xero takes at most 5 contact persons; re-checked when the people change", ("people",))
REFERENCE_NOT_TAKEN = Cause(
    "reference_not_taken", "a record it refers to is not taken by the app; re-checked when that record changes"
)
STOCK_SHORT = Cause("stock_short", "waiting for a tracked item's stock in Xero; re-checked on every run")
WAITING_FOR_RECORD = Cause("waiting_for_record", "waiting for a record it refers to; re-checked on every run")

CAUSES: dict[str, Cause] = {
    cause.name: cause
    for cause in (
        RULE,
        NO_BANK_ACCOUNT,
        NO_CONTACT,
        LOCKED_IN_XERO,
        NO_ROOM,
        REFERENCE_NOT_TAKEN,
        STOCK_SHORT,
        WAITING_FOR_RECORD,
    )
}
"""Every cause, by the name the id map keeps."""
