"""An organisation's payroll records: one table per collection, and all-or-nothing writes.

Records are kept as they go on the wire (dates as ``date``, amounts as
``Decimal``; keys starting with ``_`` are the sandbox's own). Payroll refuses
a write request as a whole when one element is wrong, so a write runs inside
``transaction()``, which puts every table back as it was if the block raises.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Record = dict[str, Any]


class PayrollState:
    """Payroll tables of one organisation: collection name -> id -> record, in creation order."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Record]] = {}
        self.new_id: Callable[[], str] = lambda: str(uuid.uuid4())

    def table(self, name: str) -> dict[str, Record]:
        """Every record of a collection, id -> record."""
        return self.tables.setdefault(name, {})

    def get(self, name: str, record_id: str) -> Record | None:
        """One record by id (ids compare case-insensitively, as GUIDs do)."""
        return self.tables.get(name, {}).get(record_id.lower())

    def put(self, name: str, id_field: str, record: Record) -> Record:
        """Insert or replace a record; returns it."""
        self.table(name)[str(record[id_field]).lower()] = record
        return record

    def remove(self, name: str, record_id: str) -> None:
        """Delete a record (payslips of a draft pay run that is worked out again)."""
        self.table(name).pop(record_id.lower(), None)

    def count(self) -> dict[str, int]:
        """How many records each collection holds."""
        return {name: len(table) for name, table in self.tables.items()}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Undo every change made in the block if it raises (records are replaced, never edited in place)."""
        saved = {name: dict(table) for name, table in self.tables.items()}
        try:
            yield
        except BaseException:
            self.tables = saved
            raise
