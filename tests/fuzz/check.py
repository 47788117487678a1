"""What counts as a mapper crash: anything but a ``MappingError``, or a record the hub could not hold.

The map stage turns a ``MappingError`` into the record's reject with its
reason. Anything else it still rejects, but with a Python type and message
for a reason ("could not be read (InvalidOperation: ...)"): a crash here,
since a person cannot act on it. A record the mapper returns must also get
through what load does with it, or one figure the model lets through and
DuckDB refuses would fail a whole batch: each mapped record is dumped as load
dumps it, and the batch's records become rows of their hub tables' Arrow
schemas, as ``Hub.upsert_records`` makes them (one table per model, as load
writes; a table that fails is tried record by record to name the culprit).
"""

from __future__ import annotations

import itertools
import typing as t
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from uuid import UUID

import pyarrow as pa

from datashare.model import CanonicalModel
from datashare.model.mapping import DictRefs, Mapped, MappingError
from datashare.store.schema import arrow_schema
from datashare.sync.mapping import Mapper

__all__ = ["Crash", "crashes"]

_COUNTER = itertools.count()


def _next_id() -> UUID:
    """Hub ids from a counter: no test depends on a random draw."""
    return UUID(int=next(_COUNTER))


@dataclass(frozen=True)
class Crash:
    """A record a mapper crashed on, and how."""

    record: dict[str, t.Any]
    how: str

    def __str__(self) -> str:
        return f"{self.how}\n    on {str(self.record)[:600]}"


@cache
def _schema(model: type[CanonicalModel]) -> pa.Schema:
    return arrow_schema(model)


def _unloadable(item: Mapped) -> str | None:
    """Why load could not take a mapped record (all but its hub table row), or None."""
    if not isinstance(item.remote_id, str) or not item.remote_id:
        return f"remote id {item.remote_id!r}"
    if item.remote_version is not None and not isinstance(item.remote_version, str):
        return f"remote version {item.remote_version!r}"
    stamp = item.remote_updated_at
    if stamp is not None and (not isinstance(stamp, datetime) or stamp.tzinfo is None):
        return f"remote update time {stamp!r}"
    if item.entity != item.record.entity:
        return f"entity {item.entity!r} for a {item.record.entity} record"
    try:
        item.record.model_dump(mode="json")
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def _rows_fail(model: type[CanonicalModel], records: list[CanonicalModel]) -> str | None:
    try:
        pa.Table.from_pylist([r.model_dump(mode="python") for r in records], schema=_schema(model))
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def crashes(batch: t.Iterable[tuple[Mapper, str, dict[str, t.Any]]]) -> list[Crash]:
    """Map each ``(mapper, stream, raw record)``; every record that crashed, and how."""
    found: list[Crash] = []
    tables: dict[type[CanonicalModel], list[tuple[CanonicalModel, dict[str, t.Any]]]] = defaultdict(list)
    for mapper, stream, record in batch:
        try:
            out = mapper(stream, record, DictRefs(new_id=_next_id))
        except MappingError:
            continue
        except Exception as error:
            found.append(Crash(record, f"{type(error).__name__}: {str(error)[:300]}"))
            continue
        for item in out:
            why = _unloadable(item)
            if why is not None:
                found.append(Crash(record, f"mapped to what load cannot take: {why[:300]}"))
                break
            tables[type(item.record)].append((item.record, record))
    for model, rows in tables.items():
        if _rows_fail(model, [mapped for mapped, _ in rows]) is None:
            continue
        for mapped, record in rows:
            why = _rows_fail(model, [mapped])
            if why is not None:
                found.append(Crash(record, f"mapped to a row the hub cannot hold: {why[:300]}"))
    return found
