"""The resource objects this emulator serves, declared as data: fields with Deputy's types, joins, rules.

Deputy describes each object at ``GET /resource/{Object}/INFO`` as field name
-> type (``Integer``, ``VarChar``, ``Bit``, ``Date``, ``DateTime``, ``Float``,
``Blob``) and join name -> object. The field lists are the subset of Deputy's
own that the sample data fills (developer.deputy.com lists more).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["OBJECTS", "DeputyObject", "FieldType", "Join"]


class FieldType(StrEnum):
    """Deputy's field types, as INFO names them."""

    INTEGER = "Integer"
    FLOAT = "Float"
    VARCHAR = "VarChar"
    BLOB = "Blob"
    BIT = "Bit"
    DATE = "Date"
    DATETIME = "DateTime"


@dataclass(frozen=True)
class Join:
    """A related record a QUERY can embed: ``{name}`` holds the record whose Id is in ``via``."""

    target: str
    via: str


@dataclass(frozen=True)
class DeputyObject:
    """One resource object: its fields and types, joins, what a create needs, what the server alone sets."""

    name: str
    fields: dict[str, FieldType]
    joins: dict[str, Join] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    computed: frozenset[str] = frozenset()  # derived by the server from other fields; what a client sends is ignored
    read_only: frozenset[str] = frozenset({"Id", "Creator", "Created", "Modified"})

    def info(self, count: int) -> dict[str, Any]:
        """The INFO answer: fields and their types, joins and their objects, and how many records there are."""
        return {
            "name": self.name,
            "fields": {name: kind.value for name, kind in self.fields.items()},
            "joins": {name: join.target for name, join in self.joins.items()},
            "assocs": {},
            "count": count,
        }


_I, _F, _S, _B, _BIT, _D, _DT = (
    FieldType.INTEGER,
    FieldType.FLOAT,
    FieldType.VARCHAR,
    FieldType.BLOB,
    FieldType.BIT,
    FieldType.DATE,
    FieldType.DATETIME,
)

_AUDIT = {"Creator": _I, "Created": _DT, "Modified": _DT}

OBJECTS: dict[str, DeputyObject] = {
    o.name: o
    for o in (
        DeputyObject(
            "Contact",
            {"Id": _I, "Email": _S, "Phone": _S, "Mobile": _S, "Notes": _B, **_AUDIT},
        ),
        DeputyObject(
            "Employee",
            {
                "Id": _I,
                "Company": _I,
                "FirstName": _S,
                "LastName": _S,
                "DisplayName": _S,
                "OtherName": _S,
                "DateOfBirth": _D,
                "Contact": _I,
                "Active": _BIT,
                "StartDate": _D,
                "TerminationDate": _D,
                "Position": _S,
                "Role": _I,
                **_AUDIT,
            },
            joins={"ContactObject": Join("Contact", "Contact")},
            required=("FirstName", "LastName"),
        ),
        DeputyObject(
            "Timesheet",
            {
                "Id": _I,
                "Employee": _I,
                "Date": _D,
                "StartTime": _I,
                "EndTime": _I,
                "Mealbreak": _DT,
                "TotalTime": _F,
                "Cost": _F,
                "Roster": _I,
                "EmployeeComment": _B,
                "SupervisorComment": _B,
                "Supervisor": _I,
                "Disputed": _BIT,
                "TimeApproved": _BIT,
                "TimeApprover": _I,
                "Discarded": _BIT,
                "OperationalUnit": _I,
                "IsInProgress": _BIT,
                "IsLeave": _BIT,
                "PayRuleApproved": _BIT,
                "Exported": _BIT,
                **_AUDIT,
            },
            joins={"EmployeeObject": Join("Employee", "Employee")},
            required=("Employee", "StartTime"),
            computed=frozenset({"Date", "TotalTime", "IsInProgress"}),
        ),
    )
}
"""Every object the emulator knows; any other name is a 404."""
