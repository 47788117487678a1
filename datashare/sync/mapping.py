"""Map: staged raw records to canonical ones through a connector's pure mapping function."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from datashare.model.mapping import Mapped, MappingError, Refs
from datashare.store import Hub, Reject
from datashare.sync.refs import HubRefs

__all__ = ["MapResult", "Mapper", "map_staged"]

Mapper = t.Callable[[str, dict[str, t.Any], Refs], list[Mapped]]
"""A connector's mapping: ``(stream, raw record, refs) -> canonical records``."""


@dataclass
class MapResult:
    """What mapping one (app, entity) batch produced."""

    read: int = 0
    rejected: int = 0
    mapped: list[Mapped] = field(default_factory=list)


def map_staged(hub: Hub, app: str, entity: str, run_id: str, mapper: Mapper) -> MapResult:
    """Map every record the run staged; one that cannot be mapped becomes a reject with its reason."""
    refs = HubRefs(hub, app)
    result = MapResult()
    rejects: list[Reject] = []
    for stream, remote_id, payload in hub.staged(app, entity, run_id):
        result.read += 1
        try:
            result.mapped.extend(mapper(stream, payload, refs))
        except MappingError as error:
            rejects.append(Reject(app, entity, "map", str(error), remote_id, payload))
    refs.flush()
    result.rejected = hub.add_rejects(rejects, run_id=run_id)
    return result
