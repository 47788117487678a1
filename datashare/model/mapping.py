"""The contract between the core and the connectors' pure mapping functions.

A mapping function turns one app record into canonical records (or back)
without I/O. References to other records are looked up through ``Refs``, a
lookup the map task fills beforehand in one set-based query, so the function
stays pure and testable with a plain dict.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from datashare.model.base import CanonicalModel

__all__ = ["DictRefs", "Mapped", "MappingError", "Refs", "SourcePage", "WaitingForReference"]


class MappingError(ValueError):
    """An app record that cannot be mapped; the message is the reject's reason."""


class WaitingForReference(MappingError):  # noqa: N818 - the engine's word for the record's state
    """A record points at one the target app does not have yet: it waits, and is sent on a later run."""

    def __init__(self, entity: str, hub_id: UUID, app: str, message: str | None = None) -> None:
        super().__init__(message or f"waiting for {entity} {hub_id}: it is not in {app} yet")
        self.entity = entity
        self.hub_id = hub_id

    @property
    def target(self) -> tuple[str, UUID]:
        """The (entity, hub id) waited for."""
        return self.entity, self.hub_id


class Refs(t.Protocol):
    """Id lookups between an app's remote ids and hub ids, prepared before mapping."""

    def hub_id(self, entity: str, remote_id: str) -> UUID:
        """The hub id of a record known by its remote id in this app (pull direction)."""
        ...

    def remote_id(self, entity: str, hub_id: UUID) -> str | None:
        """The app's id of a hub record, or None when it is not in the app yet (push direction)."""
        ...


@dataclass
class DictRefs:
    """A ``Refs`` over plain dicts; unknown remote ids get a new hub id (remembered), as the id map would."""

    to_hub: dict[tuple[str, str], UUID] = field(default_factory=dict)
    to_remote: dict[tuple[str, UUID], str] = field(default_factory=dict)
    new_id: t.Callable[[], UUID] = field(default=uuid4)

    def hub_id(self, entity: str, remote_id: str) -> UUID:
        """Look up, or assign and remember, the hub id of a remote record."""
        key = (entity, remote_id)
        if key not in self.to_hub:
            self.to_hub[key] = self.new_id()
            self.to_remote[(entity, self.to_hub[key])] = remote_id
        return self.to_hub[key]

    def remote_id(self, entity: str, hub_id: UUID) -> str | None:
        """The remote id of a hub record, if the app has it."""
        return self.to_remote.get((entity, hub_id))


@dataclass(frozen=True)
class Mapped:
    """One canonical record read from an app, with what the id map needs to know about it."""

    entity: str
    remote_id: str
    record: CanonicalModel
    remote_version: str | None = None
    remote_updated_at: datetime | None = None


@dataclass(frozen=True)
class SourcePage:
    """One page of raw records from an app, the ids it says were deleted, and the cursor to store after them."""

    records: list[dict[str, t.Any]]
    cursor: str
    deleted: list[str] = field(default_factory=list)
