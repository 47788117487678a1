"""DuckDB and Arrow types derived from the canonical pydantic models.

The canonical tables' DDL is generated here from the models, so a field is
declared once (in ``datashare.model``) and the table follows it.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import NoneType, UnionType
from uuid import UUID

import pyarrow as pa
from pydantic import AwareDatetime, BaseModel

from datashare.model import CanonicalModel
from datashare.model.types import MONEY_DIGITS, MONEY_PLACES

__all__ = [
    "HUB_COLUMNS",
    "Column",
    "arrow_schema",
    "canonical_columns",
    "content_fields",
    "duck_type",
    "quote",
]

DECIMAL = f"DECIMAL({MONEY_DIGITS},{MONEY_PLACES})"

# Bookkeeping columns the hub adds to every canonical table, after the model's fields.
HUB_COLUMNS: tuple[tuple[str, str], ...] = (
    ("hub_hash", "VARCHAR"),
    ("hub_source", "VARCHAR"),
    ("hub_loaded_at", "TIMESTAMPTZ"),
)

# Fields left out of the content hash: they change without the content changing.
_NOT_CONTENT = frozenset({"id", "created_at", "updated_at"})

_SCALARS: dict[type, tuple[str, pa.DataType]] = {
    bool: ("BOOLEAN", pa.bool_()),
    int: ("BIGINT", pa.int64()),
    str: ("VARCHAR", pa.string()),
    Decimal: (DECIMAL, pa.decimal128(MONEY_DIGITS, MONEY_PLACES)),
    date: ("DATE", pa.date32()),
    datetime: ("TIMESTAMPTZ", pa.timestamp("us", tz="UTC")),
    # Hub ids travel as text in Arrow and are cast to UUID by DuckDB.
    UUID: ("UUID", pa.string()),
}


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    ddl: str
    arrow: pa.DataType


def quote(name: str) -> str:
    """A DuckDB identifier, double-quoted (field names such as ``type`` are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def _strip(annotation: object) -> object:
    """Drop ``Annotated`` wrappers and ``None`` from a union: the type that is stored."""
    while t.get_origin(annotation) is t.Annotated:
        annotation = t.get_args(annotation)[0]
    if t.get_origin(annotation) in (t.Union, UnionType):
        members = [a for a in t.get_args(annotation) if a is not NoneType]
        if len(members) != 1:
            raise TypeError(f"cannot store a union of {members}")
        return _strip(members[0])
    return annotation


def _types(annotation: object) -> tuple[str, pa.DataType]:
    kind = _strip(annotation)
    if t.get_origin(kind) is list:
        inner_ddl, inner_arrow = _types(t.get_args(kind)[0])
        return f"{inner_ddl}[]", pa.list_(inner_arrow)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        fields = [(name, *_types(info.annotation)) for name, info in kind.model_fields.items()]
        ddl = ", ".join(f"{quote(name)} {ddl}" for name, ddl, _ in fields)
        return f"STRUCT({ddl})", pa.struct([pa.field(name, arrow) for name, _, arrow in fields])
    if kind is AwareDatetime:
        return _SCALARS[datetime]
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "VARCHAR", pa.string()
    if isinstance(kind, type):
        for base, types in _SCALARS.items():
            if issubclass(kind, base) and not (base is int and kind is bool):
                return types
    raise TypeError(f"no hub column type for {annotation!r}")


def duck_type(annotation: object) -> str:
    """The DuckDB type that stores a field of this annotation."""
    return _types(annotation)[0]


def canonical_columns(model: type[CanonicalModel]) -> list[Column]:
    """The model's fields as columns, ``id`` first, then the hub's bookkeeping columns."""
    columns = [Column(name, *_types(info.annotation)) for name, info in model.model_fields.items()]
    columns.sort(key=lambda c: c.name != "id")
    hub = [
        Column(name, ddl, _SCALARS[datetime][1] if ddl == "TIMESTAMPTZ" else pa.string()) for name, ddl in HUB_COLUMNS
    ]
    return columns + hub


def content_fields(model: type[CanonicalModel]) -> list[str]:
    """The fields whose values make up a record's content hash."""
    return [name for name in model.model_fields if name not in _NOT_CONTENT]


def arrow_schema(model: type[CanonicalModel]) -> pa.Schema:
    """The Arrow schema of the model's fields (what ``records_to_arrow`` produces)."""
    return pa.schema([pa.field(c.name, c.arrow) for c in canonical_columns(model) if c.name in model.model_fields])
