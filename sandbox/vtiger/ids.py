"""Webservice ids (``<idPrefix>x<crmid>``): resolving them, validating references, answering them.

The checks follow include/Webservices/{Retrieve,Update,Revise,Delete,Create}.php:
an unknown prefix is ``ACCESS_DENIED ... for id``; a record that is deleted or never
existed is ``ACCESS_DENIED`` too (vTiger looks the record's module up among live rows
before it gets to its ``RECORD_NOT_FOUND`` check); a record of another module than the
prefix says is ``INVALID_ID_ATTRIBUTE``; a reference to a module the field does not
refer to is ``REFERENCE_INVALID``.
"""

from __future__ import annotations

from sandbox.vtiger.errors import DENIED, DENIED_FOR_ID, INCORRECT_ID, ErrorCode, VtigerError
from sandbox.vtiger.modules import BY_PREFIX, USERS_PREFIX, Field, Module
from sandbox.vtiger.state import VtigerState
from sandbox.vtiger.values import as_text


def ws_id(module: Module, row_id: int) -> str:
    """The webservice id of a row."""
    return f"{module.id_prefix}x{row_id}"


def split_id(value: object) -> tuple[str, str]:
    """``"11x5"`` -> ``("11", "5")``, as ``vtws_getIdComponents`` (explode on ``x``) does."""
    parts = as_text(value).split("x")
    return parts[0], parts[1] if len(parts) > 1 else ""


def _module_of_prefix(prefix: str) -> Module:
    module = BY_PREFIX.get(int(prefix)) if prefix.isdigit() else None
    if module is None:
        raise VtigerError(ErrorCode.ACCESS_DENIED, DENIED_FOR_ID)
    return module


def resolve(state: VtigerState, value: object) -> tuple[Module, int]:
    """The module and row id of a live record named by a webservice id, or the error vTiger gives."""
    prefix, number = split_id(value)
    module = _module_of_prefix(prefix)
    row_id = int(number) if number.isdigit() else -1
    with state.lock:
        if module.is_entity:
            record = state.entities.get(row_id)
            if record is None or record.deleted:
                raise VtigerError(ErrorCode.ACCESS_DENIED, DENIED)
            if record.module != module.name:
                raise VtigerError(ErrorCode.INVALID_ID_ATTRIBUTE, INCORRECT_ID)
        elif row_id not in state.actors[module.name]:
            raise VtigerError(ErrorCode.ACCESS_DENIED, DENIED)
    return module, row_id


def check_reference(field: Field, value: object) -> str:
    """A reference value a client sent, checked as create/update check it; returns it as stored.

    vTiger checks only the module the prefix names, not that the record exists.
    """
    prefix, _ = split_id(value)
    target = _module_of_prefix(prefix)
    if target.name not in field.refers_to:
        raise VtigerError(ErrorCode.REFERENCE_INVALID, f"Invalid reference specified for {field.name}")
    return as_text(value)


def check_owner(state: VtigerState, value: object) -> str:
    """An ``assigned_user_id`` a client sent: must name an active user (``19x<id>``)."""
    prefix, number = split_id(value)
    with state.lock:
        user = state.users.get(int(number)) if number.isdigit() else None
    if prefix != str(USERS_PREFIX) or user is None or not user.active:
        raise VtigerError(ErrorCode.ACCESS_DENIED, "Cannot assign record to the given user")
    return f"{USERS_PREFIX}x{user.id}"


def live_target(state: VtigerState, targets: tuple[str, ...], number: str) -> str | None:
    """Which of ``targets`` has a live row with this id (None when none has)."""
    if not number.isdigit():
        return None
    row_id = int(number)
    with state.lock:
        for target in targets:
            if target == "Users":
                found = row_id in state.users
            elif target in state.actors:
                found = row_id in state.actors[target]
            else:
                record = state.entities.get(row_id)
                found = record is not None and not record.deleted and record.module == target
            if found:
                return target
    return None


def present_reference(state: VtigerState, field: Field, stored: str) -> str:
    """A stored reference as vTiger answers it.

    ``DataTransform::sanitizeReferences`` rebuilds the webservice id from the row the
    crmid points at, so a dangling reference (its target deleted) comes back as the
    bare crmid.
    """
    if stored == "":
        return ""
    _, number = split_id(stored)
    target = live_target(state, field.refers_to, number)
    if target is None:
        return number
    return f"{_PREFIXES[target]}x{number}"


_PREFIXES: dict[str, int] = {m.name: m.id_prefix for m in BY_PREFIX.values()} | {"Users": USERS_PREFIX}
