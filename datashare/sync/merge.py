"""Field-level three-way merge: what an app changed since we last read it, against what the hub holds now.

For each field: if the app did not change it since its last snapshot, the hub
keeps its value; if only the app changed it, the app's value is taken; if both
changed it to different values, the entity's policy decides (the source-of-truth
app wins, or the newest record wins) and the decision is recorded as a conflict.
A field the app leaves empty on first sight never erases what the hub knows.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

__all__ = ["NEWEST_WINS", "NOT_MERGED", "Conflict", "MergeResult", "Policy", "merge_fields", "same_value"]

NOT_MERGED = frozenset({"id", "created_at", "updated_at"})
NEWEST_WINS = "newest"
"""The policy name (in the tenant config and in ``conflicts``) where the newest change wins."""


@dataclass(frozen=True)
class Policy:
    """How a conflict on an entity is settled: ``source`` names the app that wins; without it, the newest wins."""

    source: str | None = None

    @classmethod
    def named(cls, winner: str) -> Policy:
        """The policy a tenant config names: ``"newest"``, or the app whose value wins."""
        return cls(None if winner == NEWEST_WINS else winner)

    @property
    def name(self) -> str:
        """As recorded in ``conflicts``."""
        return f"source:{self.source}" if self.source else NEWEST_WINS


@dataclass(frozen=True)
class Conflict:
    """One field both sides changed, and who won."""

    field: str
    base: t.Any
    hub: t.Any
    app: t.Any
    winner: str


@dataclass
class MergeResult:
    """The merged record (JSON-like) and the conflicts settled on the way."""

    record: dict[str, t.Any]
    conflicts: list[Conflict] = field(default_factory=list)
    changed: bool = False


_DECIMAL = re.compile(r"-?\d+(\.\d+)?")


def same_value(left: t.Any, right: t.Any) -> bool:
    """Equal values, looking inside lists and objects.

    Timestamps compare as moments (``Z`` and ``+00:00`` are the same time) and
    decimals as numbers (``7.0`` as the app wrote it, ``7.000000`` as the hub
    stores it), so a difference of spelling is never taken for a change.
    """
    if left == right:
        return True
    if isinstance(left, dict) and isinstance(right, dict):
        keys = left.keys() | right.keys()
        return all(same_value(left.get(k), right.get(k)) for k in keys)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same_value(a, b) for a, b in zip(left, right, strict=True))
    if not (isinstance(left, str) and isinstance(right, str)):
        return False
    if "T" in left and "T" in right:
        try:
            return datetime.fromisoformat(left) == datetime.fromisoformat(right)
        except ValueError:
            return False
    if ("." in left or "." in right) and _DECIMAL.fullmatch(left) and _DECIMAL.fullmatch(right):
        return Decimal(left) == Decimal(right)
    return False


def _newer(left: t.Any, right: t.Any) -> bool:
    """Whether timestamp ``left`` is later than ``right`` (missing counts as oldest)."""
    if left is None:
        return False
    if right is None:
        return True
    return datetime.fromisoformat(str(left)) > datetime.fromisoformat(str(right))


def merge_fields(
    base: dict[str, t.Any] | None,
    hub: dict[str, t.Any],
    incoming: dict[str, t.Any],
    *,
    app: str,
    policy: Policy,
) -> MergeResult:
    """Merge ``incoming`` (the app's record now) into ``hub`` (the hub's record now) against ``base``.

    ``base`` is the app's record as we last read it (None when we never did).
    All three are JSON-like dicts of the same canonical entity.
    """
    merged = dict(hub)
    result = MergeResult(merged)
    app_is_newer = _newer(incoming.get("updated_at"), hub.get("updated_at")) or incoming.get("updated_at") == hub.get(
        "updated_at"
    )
    for name, theirs in incoming.items():
        if name in NOT_MERGED:
            continue
        ours = hub.get(name)
        if same_value(theirs, ours):
            continue
        if base is None:
            if theirs is None:
                continue  # the app does not carry it: nothing to say about it
            app_changed, hub_changed = True, ours is not None
        else:
            before = base.get(name)
            app_changed, hub_changed = not same_value(theirs, before), not same_value(ours, before)
        if not app_changed:
            continue
        # A value against none is no conflict: the hub holds nothing there (the app that made the record does not
        # carry the field, e.g. a shop's invoice has no amount due until Xero works it out), so the app's is taken.
        if not hub_changed or (ours is None and theirs is not None):
            merged[name] = theirs
            result.changed = True
            continue
        app_wins = policy.source == app if policy.source else app_is_newer
        result.conflicts.append(
            Conflict(name, None if base is None else base.get(name), ours, theirs, app if app_wins else "hub")
        )
        if app_wins:
            merged[name] = theirs
            result.changed = True
    if result.changed and _newer(incoming.get("updated_at"), hub.get("updated_at")):
        merged["updated_at"] = incoming.get("updated_at")
    return result
