"""Create, retrieve, update, revise and delete, with vTiger's checks in vTiger's order.

- ``update`` replaces the record: editable fields left out are cleared (an inventory
  record sent without ``LineItems`` is revised instead, as VtigerInventoryOperation does).
- ``revise`` changes only the fields sent. A reference sent as ``""`` is ignored
  (vTiger unsets empty references before saving); ``null`` clears it.
- ``delete`` keeps a tombstone (``deleted``) so ``sync`` can report it; deleting an
  organization unlinks its contacts without touching their ``modifiedtime``, as
  Accounts::unlinkDependencies does with plain SQL.
- saving or deleting an invoice or a purchase order moves the products' stock
  (``inventory.update_stock``), as vTiger's inventory save does.
- CompanyDetails (include/Webservices/Custom/VtigerCompanyDetails.php) is the
  install's one company row: only an admin may write it (VtigerCRMActorMeta
  grants others ``retrieve`` alone); ``create`` revises the row there is;
  ``retrieve`` fills an empty ``logo`` with the logo file, base64-encoded
  (``query`` answers the column as stored); ``update`` clears what it is not
  sent, as every actor's update does, so a client sends the whole record.
"""

from __future__ import annotations

import base64
from datetime import datetime

from sandbox.vtiger.errors import ErrorCode, VtigerError
from sandbox.vtiger.ids import check_owner, check_reference, present_reference, resolve, split_id, ws_id
from sandbox.vtiger.inventory import (
    apply_totals,
    build_lines,
    number_lines,
    present_lines,
    product_taxes,
    update_stock,
)
from sandbox.vtiger.modules import USERS_PREFIX, Field, Module, module_named
from sandbox.vtiger.state import EntityRecord, User, VtigerState
from sandbox.vtiger.values import as_text, format_time, normalise

# Inventory fields the server refills with their default when a save leaves them empty.
_STICKY_DEFAULTS = {"hdnTaxType", "currency_id", "conversion_rate"}
# The status field of each inventory module (stock moves with it).
_STATUS = {"Invoice": "invoicestatus", "SalesOrder": "sostatus", "PurchaseOrder": "postatus"}


# Actor modules only an admin may write (VtigerCRMActorMeta::hasPermission allows others to retrieve).
_ADMIN_WRITES = {"CompanyDetails"}
_NOT_ADMIN = "Permission to read given object is denied"


def _check_admin(module: Module, user: User, message: str = _NOT_ADMIN) -> None:
    if module.name in _ADMIN_WRITES and not user.is_admin:
        raise VtigerError(ErrorCode.ACCESS_DENIED, message)


def _empty(field: Field) -> str:
    """What a field holds once a full update leaves it out (an unticked checkbox is "0")."""
    return "0" if field.type == "boolean" else ""


def _check_references(module: Module, element: dict[str, object]) -> dict[str, object]:
    """Validate the reference fields sent; ``""`` references are dropped, ``null`` ones kept."""
    checked = dict(element)
    for field in module.references:
        if field.name not in checked:
            continue
        value = checked[field.name]
        if value is not None and as_text(value) != "":
            checked[field.name] = check_reference(field, value)
        elif value is not None:
            del checked[field.name]
    return checked


def _check_mandatory(module: Module, element: dict[str, object], *, partial: bool) -> None:
    """Every mandatory field needs a value (for a revise: every mandatory field it sends)."""
    for name in module.mandatory:
        if partial and name not in element:
            continue
        value = element.get(name)
        if value is None or as_text(value) == "":
            raise VtigerError(ErrorCode.MANDATORY_FIELDS_MISSING, f"{name} does not have a value")


def _check_owner(state: VtigerState, module: Module, element: dict[str, object]) -> None:
    if module.is_entity and element.get("assigned_user_id") is not None:
        element["assigned_user_id"] = check_owner(state, element["assigned_user_id"])


def _editable_values(
    module: Module, element: dict[str, object], base: dict[str, str] | None, *, partial: bool
) -> dict[str, str]:
    """The editable fields after a save: sent ones normalised, the rest defaulted, cleared or kept."""
    values = dict(base) if base is not None else {}
    for field in module.fields:
        if not field.editable:
            continue
        if field.name in element:
            raw = element[field.name]
            values[field.name] = as_text(raw) if field.is_reference or field.type == "owner" else normalise(field, raw)
        elif not partial:
            values[field.name] = field.default if base is None else _empty(field)
        if values.get(field.name) == "" and field.name in _STICKY_DEFAULTS and module.inventory:
            values[field.name] = field.default
    return values


def _wants_lines(element: dict[str, object]) -> bool:
    lines = element.get("LineItems")
    return isinstance(lines, list) and len(lines) > 0


def flat_row(state: VtigerState, module: Module, row_id: int) -> dict[str, str]:
    """A record as ``query`` and ``sync`` answer it: every field as a string, then ``id``."""
    with state.lock:
        values = state.entities[row_id].values if module.is_entity else state.actors[module.name][row_id]
        row: dict[str, str] = {}
        for field in module.fields:
            value = values.get(field.name, "")
            if field.is_reference:
                value = present_reference(state, field, value)
            elif field.name == "taxclass":
                value = ",".join(product_taxes(state, row_id))
            row[field.name] = value
        row["id"] = ws_id(module, row_id)
        return row


def present(state: VtigerState, module: Module, row_id: int) -> dict[str, object]:
    """A record as ``retrieve`` answers it; inventory records add ``LineItems`` and the first ``productid``."""
    with state.lock:
        shown: dict[str, object] = dict(flat_row(state, module, row_id))
        if module.inventory:
            lines = present_lines(state, ws_id(module, row_id), state.entities[row_id].line_items)
            shown["LineItems"] = lines
            shown["productid"] = lines[0]["productid"] if lines else ""
        if module.name == "CompanyDetails" and not shown["logo"]:
            # vtws_getCompanyEncodedImage: the logo file, base64 (empty when there is no such file).
            shown["logo"] = base64.b64encode(state.logo_files.get(str(shown["logoname"]), b"")).decode()
        return shown


def create(
    state: VtigerState,
    user: User,
    element_type: str,
    element: dict[str, object],
    *,
    source: str = "WEBSERVICE",
    at: datetime | None = None,
) -> dict[str, object]:
    """Create a record of ``element_type``; returns it as ``retrieve`` would.

    ``source`` and ``at`` let the seeder back-date records; clients cannot set them.
    """
    module = module_named(element_type)
    with state.lock:
        _check_admin(module, user, "Permission to write is denied")
        if module.name == "CompanyDetails" and state.actors[module.name]:
            # VtigerCompanyDetails::create: there is one company; the one there is gets revised.
            return revise(state, user, {**element, "id": ws_id(module, min(state.actors[module.name]))})
        checked = _check_references(module, element)
        _check_mandatory(module, checked, partial=False)
        _check_owner(state, module, checked)
        if not module.is_entity:
            return _create_actor(state, module, checked)
        values = _editable_values(module, checked, None, partial=False)
        lines = build_lines(state, values, checked.get("LineItems")) if module.inventory else []
        stamp = format_time(at) if at is not None else state.now_text()
        crmid = state.new_crmid()
        values[module.number_field] = state.next_number(module.name, module.number_prefix)
        values.update(createdtime=stamp, modifiedtime=stamp, modifiedby=f"{USERS_PREFIX}x{user.id}", source=source)
        if module.inventory:
            number_lines(state, lines)
            apply_totals(state, module, values, lines)
        record = EntityRecord(module.name, crmid, values, line_items=lines)
        state.entities[crmid] = record
        if module.inventory:
            update_stock(state, record, values.get(_STATUS.get(module.name, ""), ""), [], lines)
        return present(state, module, crmid)


def _create_actor(state: VtigerState, module: Module, element: dict[str, object]) -> dict[str, object]:
    """Create a row of an actor table (Tax names itself tax1, tax2...; ProductTaxes upserts)."""
    values = _editable_values(module, element, None, partial=False)
    table = state.actors[module.name]
    if module.name == "ProductTaxes":
        key = (split_id(values["productid"])[1], split_id(values["taxid"])[1])
        for row_id, row in table.items():
            if (split_id(row["productid"])[1], split_id(row["taxid"])[1]) == key:
                table[row_id] = values
                return present(state, module, row_id)
    if module.name == "Tax":
        numbers = [int(r["taxname"][3:]) for r in table.values() if r["taxname"][3:].isdigit()]
        values["taxname"] = f"tax{max(numbers, default=0) + 1}"
    row_id = state.new_actor_id(module.name)
    table[row_id] = values
    return present(state, module, row_id)


def retrieve(state: VtigerState, record_id: object) -> dict[str, object]:
    """The record a webservice id names."""
    module, row_id = resolve(state, record_id)
    return present(state, module, row_id)


def update(state: VtigerState, user: User, element: dict[str, object]) -> dict[str, object]:
    """Replace a record with ``element`` (which must carry ``id``): fields left out are cleared."""
    with state.lock:
        module, row_id = resolve(state, element.get("id"))
        _check_admin(module, user)
        checked = _check_references(module, element)
        _check_mandatory(module, checked, partial=False)
        _check_owner(state, module, checked)
        partial = module.inventory and not _wants_lines(checked)
        return _save(state, user, module, row_id, checked, partial=partial)


def revise(state: VtigerState, user: User, element: dict[str, object]) -> dict[str, object]:
    """Change only the fields ``element`` sends (it must carry ``id``)."""
    with state.lock:
        module, row_id = resolve(state, element.get("id"))
        _check_admin(module, user)
        checked = _check_references(module, element)
        _check_mandatory(module, checked, partial=True)
        _check_owner(state, module, checked)
        return _save(state, user, module, row_id, checked, partial=True)


def _save(
    state: VtigerState, user: User, module: Module, row_id: int, element: dict[str, object], *, partial: bool
) -> dict[str, object]:
    if not module.is_entity:
        table = state.actors[module.name]
        table[row_id] = _editable_values(module, element, table[row_id], partial=partial)
        return present(state, module, row_id)
    record = state.entities[row_id]
    values = _editable_values(module, element, record.values, partial=partial)
    lines = record.line_items
    if module.inventory and _wants_lines(element):
        lines = build_lines(state, values, element["LineItems"])
        number_lines(state, lines)
    values.update(modifiedtime=state.now_text(), modifiedby=f"{USERS_PREFIX}x{user.id}")
    if module.inventory:
        apply_totals(state, module, values, lines)
    old_lines = record.line_items
    record.values = values
    record.line_items = lines
    if module.inventory:
        update_stock(state, record, values.get(_STATUS.get(module.name, ""), ""), old_lines, lines)
    return present(state, module, row_id)


def delete(state: VtigerState, user: User, record_id: object) -> dict[str, object]:
    """Delete a record (``{"status": "successful"}``); entity records keep a tombstone for ``sync``."""
    with state.lock:
        module, row_id = resolve(state, record_id)
        _check_admin(module, user)
        if module.is_entity:
            record = state.entities[row_id]
            if module.inventory:
                update_stock(state, record, "", record.line_items, [], deleted=True)
            record.deleted = True
            record.line_items = []
            record.values.update(modifiedtime=state.now_text(), modifiedby=f"{USERS_PREFIX}x{user.id}")
            if module.name == "Accounts":
                for contact in state.live("Contacts"):
                    if split_id(contact.values.get("account_id", ""))[1] == str(row_id):
                        contact.values["account_id"] = ""
        elif module.name == "Tax":
            # Taxes are switched off, not removed: old line items still name them.
            state.actors["Tax"][row_id]["deleted"] = "1"
        else:
            del state.actors[module.name][row_id]
        return {"status": "successful"}
