"""``sync``: what changed since a moment, as include/Webservices/GetUpdates.php answers it.

1. Take the first 100 changes (``modifiedtime > since``, oldest first) of the
   module(s) and note the newest ``modifiedtime`` among them.
2. Answer every change up to and including that second (so a batch can pass 100
   when many records share the boundary second, and none is ever skipped):
   live records in ``updated``, deleted ones as ids in ``deleted``.
3. ``lastModifiedTime`` is that second as Unix time; ``more`` says whether later
   changes exist. A client loops, feeding ``lastModifiedTime`` back.

Without ``syncType=application`` only records assigned to the caller count; an
application sync needs an admin. Only entity modules can be synced.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sandbox.vtiger.errors import DENIED, ErrorCode, VtigerError
from sandbox.vtiger.ids import ws_id
from sandbox.vtiger.modules import ENTITY_MODULES, MODULES, USERS_PREFIX
from sandbox.vtiger.records import flat_row
from sandbox.vtiger.state import User, VtigerState
from sandbox.vtiger.values import TIME_FORMAT, format_time

BATCH = 100


def _seconds(value: str) -> int:
    """The ``modifiedTime`` parameter as PHP's ``date()`` reads it (not a number: 0)."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def sync(state: VtigerState, user: User, modified_time: str, element_type: str, sync_type: str) -> dict[str, object]:
    """Changes after ``modified_time`` (Unix seconds) for ``element_type`` (all entity modules when empty)."""
    application = sync_type == "application"
    if application and not user.is_admin:
        raise VtigerError(ErrorCode.ACCESS_DENIED, "Only admin users can perform application sync")
    if element_type and element_type not in ENTITY_MODULES:
        raise VtigerError(ErrorCode.ACCESS_DENIED, DENIED)
    modules = [element_type] if element_type else ENTITY_MODULES
    mtime = _seconds(modified_time)
    since = format_time(datetime.fromtimestamp(mtime, UTC)) if mtime >= 0 else "0000-00-00 00:00:00"
    owner = f"{USERS_PREFIX}x{user.id}"
    with state.lock:
        changed = sorted(
            (
                r
                for r in state.entities.values()
                if r.module in modules
                and r.modified > since
                and (application or r.values.get("assigned_user_id") == owner)
            ),
            key=lambda r: (r.modified, r.crmid),
        )
        if not changed:
            return {"updated": [], "deleted": [], "lastModifiedTime": mtime, "more": False}
        newest = changed[:BATCH][-1].modified
        window = [r for r in changed if r.modified <= newest]
        updated = [flat_row(state, MODULES[r.module], r.crmid) for r in window if not r.deleted]
        deleted = [ws_id(MODULES[r.module], r.crmid) for r in window if r.deleted]
        more = len(window) < len(changed)
    last = int(datetime.strptime(newest, TIME_FORMAT).replace(tzinfo=UTC).timestamp())
    return {"updated": updated, "deleted": deleted, "lastModifiedTime": last, "more": more}
