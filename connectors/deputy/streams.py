"""What the Deputy connector reads, declared as data: one entry per resource object.

Deputy is read only for us: shifts and staff come from it, nothing is written back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["API_PREFIX", "MAX_RECORDS", "OPERATORS", "STREAMS", "DeputyStream", "resource_path"]

API_PREFIX = "api/v1"
MAX_RECORDS = 500
"""The most records one QUERY answer holds (a larger ``max`` is cut to it)."""

OPERATORS = frozenset({"eq", "ne", "gt", "lt", "ge", "le", "in", "not in", "is", "is not", "starts", "contains"})
"""The search operators of Deputy's QUERY."""

_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def resource_path(object_name: str, *rest: str) -> str:
    """``api/v1/resource/{Object}[/...]``; the object's name is checked, so nothing else reaches the path."""
    if not _NAME.match(object_name):
        raise ValueError(f"not a Deputy object name: {object_name!r}")
    return "/".join((API_PREFIX, "resource", object_name, *rest))


@dataclass(frozen=True)
class DeputyStream:
    """One resource object read for canonical entities, with the joins its mapping needs."""

    name: str
    entities: tuple[str, ...]
    id_field: str = "Id"
    joins: tuple[str, ...] = ()
    modified_field: str = "Modified"

    @property
    def query_path(self) -> str:
        """Where its QUERY is POSTed."""
        return resource_path(self.name, "QUERY")


STREAMS: dict[str, DeputyStream] = {
    s.name: s
    for s in (
        # The employee's email and phones live on its Contact; the join brings them in one call.
        DeputyStream("Employee", ("employees",), joins=("ContactObject",)),
        DeputyStream("Timesheet", ("time_activities",)),
    )
}
"""Every object the connector reads, in reference order (shifts point at employees)."""
