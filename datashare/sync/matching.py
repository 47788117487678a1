"""Matching on first link: an app's record that the hub has under another app's id is linked, not duplicated.

Natural keys come from each model's ``matching_keys`` (email for people, code
for items, name for organizations…). Values are normalised so the same
customer typed a little differently in two apps still meets: case, spaces,
punctuation, ``&``/``and`` and the usual legal suffixes (``Pty. Ltd`` and
``Proprietary Limited``) are folded.
"""

from __future__ import annotations

import re
import typing as t
from uuid import UUID

from datashare.model import CanonicalModel, model_for, normalise_key_value
from datashare.store import Hub
from datashare.store.schema import quote

__all__ = ["KeyIndex", "match_key", "normalise_name"]

_APOSTROPHES = re.compile(r"['’]")
_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_SUFFIXES = {
    "limited": "ltd",
    "proprietary": "pty",
    "incorporated": "inc",
    "corporation": "corp",
    "company": "co",
    "and": "&",
}
_NAME_FIELDS = frozenset({"name"})


def normalise_name(value: str) -> str:
    """A business name folded for matching: ``"ACME Pty. Limited "`` and ``"Acme Pty Ltd"`` meet."""
    text = value.casefold().replace("&", " and ")
    text = _PUNCTUATION.sub(" ", _APOSTROPHES.sub("", text))
    words = [_SUFFIXES.get(word, word) for word in _SPACES.split(text.strip()) if word]
    return " ".join(words)


def _normalise(field: str, value: object) -> str:
    if field in _NAME_FIELDS and isinstance(value, str):
        return normalise_name(value)
    return normalise_key_value(value)


def match_key(record: CanonicalModel | t.Mapping[str, t.Any], fields: tuple[str, ...]) -> tuple[str, ...] | None:
    """The normalised values of ``fields``, or None when one is missing."""
    values = [record.get(f) if isinstance(record, t.Mapping) else getattr(record, f) for f in fields]
    if any(v is None or str(v).strip() == "" for v in values):
        return None
    return tuple(_normalise(f, v) for f, v in zip(fields, values, strict=True))


class KeyIndex:
    """The natural keys of an entity's live hub records, loaded in one query per key."""

    def __init__(self, hub: Hub, entity: str) -> None:
        self.model = model_for(entity)
        self.index: dict[tuple[tuple[str, ...], tuple[str, ...]], UUID] = {}
        for fields in self.model.matching_keys:
            columns = ", ".join(quote(f) for f in fields)
            rows = hub.query(
                f"SELECT id, {columns} FROM {quote(entity)} WHERE deleted_at IS NULL ORDER BY hub_loaded_at"
            )
            for row in rows:
                key = match_key(dict(zip(fields, row[1:], strict=True)), fields)
                if key is not None:
                    self.index.setdefault((fields, key), row[0])

    def find(self, record: CanonicalModel) -> UUID | None:
        """The hub record with the same natural key (trying each key in order), if any."""
        for fields in self.model.matching_keys:
            key = match_key(record, fields)
            if key is not None and (fields, key) in self.index:
                return self.index[(fields, key)]
        return None

    def add(self, record: CanonicalModel) -> None:
        """Remember a record loaded in this batch, so two records of one batch also meet."""
        assert record.id is not None
        for fields in self.model.matching_keys:
            key = match_key(record, fields)
            if key is not None:
                self.index.setdefault((fields, key), record.id)
