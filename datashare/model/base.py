"""The base every canonical entity shares: hub id, timestamps, tombstone, matching keys."""

from __future__ import annotations

import re
import typing as t
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from datashare.model.types import HubId, RefTo, Timestamp

__all__ = ["CanonicalModel", "NaturalKey", "normalise_key_value"]

_SPACES = re.compile(r"\s+")

NaturalKey = tuple[tuple[str, ...], tuple[str, ...]]
"""Which key fields matched, and their normalised values."""


def normalise_key_value(value: object) -> str:
    """Normalise a matching-key value: trimmed, case-folded, inner spaces collapsed."""
    if isinstance(value, StrEnum):
        value = value.value  # as the hub's column holds it, so a record and a stored row meet
    return _SPACES.sub(" ", str(value)).strip().casefold()


class CanonicalModel(BaseModel):
    """A record of the hub's canonical model.

    Subclasses set ``entity`` (the hub table name, as in Connec!) and
    ``matching_keys``: the sets of fields that identify the same record in two
    apps, tried in order (for people: email first, then name within the
    organization). ``deleted_at`` makes the record a tombstone: the app deleted,
    voided or archived it.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)

    entity: t.ClassVar[str]
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = ()
    singleton: t.ClassVar[bool] = False

    id: HubId | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    deleted_at: Timestamp | None = None

    def natural_key(self) -> NaturalKey | None:
        """The first matching key whose fields are all set, with normalised values, or None."""
        for fields in self.matching_keys:
            values = [getattr(self, name) for name in fields]
            if all(v is not None and str(v).strip() != "" for v in values):
                return fields, tuple(normalise_key_value(v) for v in values)
        return None

    @classmethod
    def references(cls) -> dict[str, str]:
        """Every field that points at another record, as ``path -> entity``.

        Paths into lists use a dot: ``lines.item_id`` for the item of each line.
        """
        return _references(cls, "")


def _references(model: type[BaseModel], prefix: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, info in model.model_fields.items():
        for meta in [*info.metadata, *_metadata(info.annotation)]:
            if isinstance(meta, RefTo):
                found[prefix + name] = meta.entity
        for inner in _nested_models(info.annotation):
            found.update(_references(inner, f"{prefix}{name}."))
    return found


def _metadata(annotation: object) -> list[object]:
    """Every ``Annotated`` marker inside an annotation such as ``OrganizationRef | None``."""
    found: list[object] = list(getattr(annotation, "__metadata__", ()))
    for arg in t.get_args(annotation):
        found.extend(_metadata(arg))
    return found


def _nested_models(annotation: object) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation such as ``list[Line] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in t.get_args(annotation):
        found.extend(_nested_models(arg))
    return found
