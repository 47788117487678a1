"""Map: staged raw records to canonical ones through a connector's pure mapping function."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from uuid import UUID

from datashare.model.mapping import Mapped, MappingError, Refs
from datashare.redact import redact_text
from datashare.store import Hub, Reject
from datashare.sync.refs import HubRefs

__all__ = ["MapResult", "Mapper", "map_staged"]

_REASON_CHARS = 300  # an unexpected error's message, cut: a validation error can quote a whole record

Mapper = t.Callable[[str, dict[str, t.Any], Refs], list[Mapped]]
"""A connector's mapping: ``(stream, raw record, refs) -> canonical records``."""


@dataclass
class MapResult:
    """What mapping one (app, entity) batch produced: records, and hub ids the app deleted."""

    read: int = 0
    rejected: int = 0
    mapped: list[Mapped] = field(default_factory=list)
    deleted: list[UUID] = field(default_factory=list)


def map_staged(hub: Hub, app: str, entity: str, run_id: str, mapper: Mapper, *, stream: str | None = None) -> MapResult:
    """Map every record the run staged (of one stream, or all); one that cannot be mapped becomes a reject.

    Whatever a mapper raises on one record (a ``MappingError`` with its reason,
    or anything unforeseen: a figure of 10**30, a list where an object was)
    rejects that record alone, with the error's type and message; the rest of
    the batch goes on.
    """
    refs = HubRefs(hub, app)
    result = MapResult()
    rejects: list[Reject] = []
    for collection, remote_id, payload in hub.staged(app, entity, run_id, stream):
        result.read += 1
        if payload is None:
            # A deletion the app reported: a tombstone for the hub record it maps to, if any.
            known = refs.remote_known(entity, remote_id)
            if known is not None:
                result.deleted.append(known)
            continue
        try:
            for mapped in mapper(collection, payload, refs):
                if mapped.record.id is None:  # the id map, not the connector, gives out hub ids
                    mapped.record.id = refs.hub_id(mapped.entity, mapped.remote_id)
                result.mapped.append(mapped)
        except MappingError as error:
            rejects.append(Reject(app, entity, "map", str(error), remote_id, payload))
        except Exception as error:  # one malformed record must not stop its batch, on every run
            reason = f"could not be read ({type(error).__name__}: {redact_text(str(error))[:_REASON_CHARS]})"
            rejects.append(Reject(app, entity, "map", reason, remote_id, payload))
    refs.flush()
    result.rejected = hub.add_rejects(rejects, run_id=run_id)
    return result
