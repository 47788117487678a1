"""The Deputy mapping as the map stage calls it: ``(stream, raw record, refs) -> canonical records``."""

from __future__ import annotations

import typing as t
from datetime import UTC, datetime

from connectors.deputy.mapping import READERS
from datashare.model.mapping import Mapped, MappingError, Refs

__all__ = ["deputy_mapper"]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def deputy_mapper(
    *, clock: t.Callable[[], datetime] = _utcnow
) -> t.Callable[[str, dict[str, t.Any], Refs], list[Mapped]]:
    """A mapper for one Deputy install; ``clock`` tells whether a termination date is past (now, by default)."""

    def map_record(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        read = READERS.get(stream)
        if read is None:
            raise MappingError(f"Deputy {stream}: the connector does not read this object")
        return [read(raw, refs, clock())]

    return map_record
