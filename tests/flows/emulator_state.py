"""What the sandbox's emulators hold, as flat data, to tell whether anything was written to them.

Everything a client's write could change is walked (records, tables, line
items, settings); what reads change too (sessions, tokens, rate-limit
buckets, call counters, lookup caches) is left out.
"""

from __future__ import annotations

import typing as t
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sandbox.server import Sandbox

__all__ = ["business_state"]

_VOLATILE = frozenset(
    {
        "app",
        "clock",
        "lock",
        "_lock",
        "sessions",
        "challenges",
        "tokens",
        "admin_tokens",
        "auth",
        "api_usage",
        "usage_day",
        "indexes",
        "idempotency",
        "faults",
        "limits",
        "logo_files",
        "seeded_at",
    }
)
_LEAVES = (str, int, float, bool, Decimal, date, datetime, Enum, bytes, type(None))


def _walk(value: t.Any, path: str, out: dict[str, str], seen: set[int]) -> None:
    if isinstance(value, _LEAVES):
        out[path] = repr(value)
        return
    if id(value) in seen or (callable(value) and not hasattr(value, "__dict__")):
        return
    seen.add(id(value))
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{path}[{key!r}]", out, seen)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", out, seen)
    elif isinstance(value, set | frozenset):
        out[path] = repr(sorted(map(repr, value)))
    elif hasattr(value, "__dict__"):
        for name, item in vars(value).items():
            if name not in _VOLATILE and not name.startswith("__") and not callable(item):
                _walk(item, f"{path}.{name}", out, seen)


def business_state(sandbox: Sandbox) -> dict[str, str]:
    """Every business value each emulator holds, by its path (``.xero.orgs[…].tables['Contacts'][…]…``)."""
    out: dict[str, str] = {}
    _walk(sandbox, "", out, set())
    return out
