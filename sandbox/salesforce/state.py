"""The org's records, tokens and API usage, and the writes with Salesforce's validation rules.

Orders as Salesforce has them: inserted in the Draft category only; activated
by a change of Status alone, and only with an order product; an activated
order's products cannot be added or removed, it cannot be deleted, and its
account stays. A user with Edit Activated Orders (the integration's user) may
still change its other fields, and set it back to Draft.
"""

from __future__ import annotations

import copy
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox.common.clock import Clock, SystemClock
from sandbox.salesforce.errors import SalesforceError, not_found
from sandbox.salesforce.schema import (
    BOOL,
    DATE,
    DATETIME,
    DRAFT_STATUSES,
    INSTALLED_FIELDS,
    NUMBER,
    OBJECTS,
    READ_ONLY,
    REF,
    STRING,
    SObject,
    make_id,
    object_named,
    to_id18,
)

SAMPLE_CLIENT_ID = "3MVG9sandboxDatashareConsumerKey"
SAMPLE_CLIENT_SECRET = "sandbox-consumer-secret"  # noqa: S105 - a sample credential of the emulator
SAMPLE_REFRESH_TOKEN = "5Aep861sandboxRefreshToken"  # noqa: S105
TOKEN_LIFETIME = timedelta(hours=2)
DEFAULT_DAILY_LIMIT = 15000
EXTERNAL_ID_FIELD = "Datashare_Id__c"
CUSTOM_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*__c$")
Record = dict[str, Any]


@dataclass
class SalesforceState:
    """One org: records by object type and id, custom and external-id fields, tokens, API usage.

    ``records[type][id]`` holds Python values (``datetime``, ``date``, ``float``, ``bool``, ``str``
    or None); soft-deleted records stay with ``IsDeleted`` true and a ``deleted_at`` entry in
    ``deleted``. ``daily_limit`` caps the API calls a UTC day (403 past it).
    """

    clock: Clock = field(default_factory=SystemClock)
    org_id: str = "00D5g000004SaNdBOX"
    daily_limit: int = DEFAULT_DAILY_LIMIT
    api_usage: int = 0
    usage_day: date | None = None
    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {name: {} for name in OBJECTS})
    deleted: dict[str, datetime] = field(default_factory=dict)
    custom_fields: dict[str, dict[str, str]] = field(default_factory=lambda: {name: {} for name in OBJECTS})
    external_ids: dict[str, set[str]] = field(default_factory=lambda: {name: {EXTERNAL_ID_FIELD} for name in OBJECTS})
    tokens: dict[str, datetime] = field(default_factory=dict)
    serial: int = 0
    order_serial: int = 0

    def __post_init__(self) -> None:
        for name in OBJECTS:
            self.custom_fields[name].setdefault(EXTERNAL_ID_FIELD, STRING)
            for field_name, kind in INSTALLED_FIELDS.get(name, {}).items():
                self.custom_fields[name].setdefault(field_name, kind)

    # --- time, tokens, limits ---------------------------------------------------------------

    def now(self) -> datetime:
        """The org's time, to the millisecond (Salesforce keeps milliseconds)."""
        now = self.clock.now().astimezone(UTC)
        return now.replace(microsecond=now.microsecond // 1000 * 1000)

    def issue_token(self) -> str:
        """A new access token, valid for ``TOKEN_LIFETIME``."""
        token = f"{self.org_id[:15]}!AQ{secrets.token_urlsafe(24)}"
        self.tokens[token] = self.now()
        return token

    def check_token(self, token: str) -> None:
        """Raise 401 INVALID_SESSION_ID unless ``token`` was issued and has not expired."""
        issued = self.tokens.get(token)
        if issued is None or self.now() - issued >= TOKEN_LIFETIME:
            raise SalesforceError(401, "INVALID_SESSION_ID", "Session expired or invalid")

    def count_call(self) -> None:
        """Count one API call; 403 REQUEST_LIMIT_EXCEEDED once today's calls pass the daily limit."""
        today = self.now().date()
        if self.usage_day != today:
            self.usage_day, self.api_usage = today, 0
        if self.api_usage >= self.daily_limit:
            raise SalesforceError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        self.api_usage += 1

    def limit_info(self) -> str:
        """The ``Sforce-Limit-Info`` header value."""
        return f"api-usage={self.api_usage}/{self.daily_limit}"

    # --- schema -----------------------------------------------------------------------------

    def sobject(self, name: str) -> SObject:
        """The object type ``name``; 404 NOT_FOUND for an unknown one."""
        found = object_named(name)
        if found is None:
            raise SalesforceError(404, "NOT_FOUND", f"The requested resource does not exist: sObject type '{name}'")
        return found

    def declare_field(self, sobject: str, name: str, *, external_id: bool = False, kind: str = STRING) -> None:
        """Add custom field ``name`` (ending ``__c``) to ``sobject``; ``external_id`` makes it usable for upsert."""
        self.custom_fields[sobject][name] = kind
        if external_id:
            self.external_ids[sobject].add(name)

    def field_kind(self, sobject: SObject, name: str) -> tuple[str, str] | None:
        """``(spelling, kind)`` of a standard or custom field (case-insensitive), None if unknown."""
        real = sobject.field_name(name)
        if real:
            return real, sobject.fields[real]
        for custom, kind in self.custom_fields[sobject.name].items():
            if custom.lower() == name.lower():
                return custom, kind
        return None

    def all_fields(self, sobject: SObject) -> list[str]:
        """Every field of ``sobject``, standard then custom."""
        return [*sobject.fields, *self.custom_fields[sobject.name]]

    # --- reads ------------------------------------------------------------------------------

    def rows(self, sobject: str, *, include_deleted: bool = False) -> list[Record]:
        """The records of a type in creation order (soft-deleted ones only when asked)."""
        return [r for r in self.records[sobject].values() if include_deleted or not r["IsDeleted"]]

    def find(self, record_id: str) -> tuple[str, Record] | None:
        """``(type, record)`` for an id of any type, deleted or not."""
        full = to_id18(record_id)
        for name, table in self.records.items():
            if full in table:
                return name, table[full]
        return None

    def get(self, sobject: str, record_id: str) -> Record:
        """A live record; 404 NOT_FOUND when missing or deleted."""
        record = self.records[self.sobject(sobject).name].get(to_id18(record_id))
        if record is None or record["IsDeleted"]:
            raise not_found()
        return record

    def by_external_id(self, sobject: str, name: str, value: str) -> list[Record]:
        """Live records whose external-id field ``name`` equals ``value`` (case-insensitive, as Salesforce's default)."""
        return [r for r in self.rows(sobject) if str(r.get(name) or "").lower() == value.lower()]

    # --- writes -----------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Everything a write changes, for an all-or-none rollback."""
        return copy.deepcopy(
            {
                "records": self.records,
                "deleted": self.deleted,
                "custom": self.custom_fields,
                "serial": self.serial,
                "order": self.order_serial,
            }
        )

    def restore(self, saved: dict[str, Any]) -> None:
        """Undo the writes since ``snapshot``."""
        self.records, self.deleted, self.custom_fields = saved["records"], saved["deleted"], saved["custom"]
        self.serial, self.order_serial = saved["serial"], saved["order"]

    def create(self, sobject: str, values: dict[str, Any], *, at: datetime | None = None) -> str:
        """Insert a record; return its id. Raises ``SalesforceError`` as the API would."""
        kind = self.sobject(sobject)
        if any(k.lower() == "id" for k in values):
            raise SalesforceError(400, "INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
        fields = self._coerce(kind, values)
        record: Record = {name: None for name in self.all_fields(kind)}
        record.update(kind.defaults)
        record.update(fields)
        missing = [name for name in kind.required if record.get(name) in (None, "")]
        if missing:
            raise SalesforceError(
                400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing
            )
        self._check(kind, record)
        if kind.name == "Order" and record["Status"] not in DRAFT_STATUSES:
            raise SalesforceError(
                400,
                "FIELD_INTEGRITY_EXCEPTION",
                "An order is created with a Draft status, then activated",
                ["Status"],
            )
        if kind.name == "OrderItem":
            self._order_unlocked(record["OrderId"])
        moment = at or self.now()
        self.serial += 1
        record_id = make_id(kind.prefix, self.serial)
        record.update(Id=record_id, IsDeleted=False, CreatedDate=moment, LastModifiedDate=moment, SystemModstamp=moment)
        self._derive(kind, record)
        self.records[kind.name][record_id] = record
        self._after_write(kind, record, moment)
        return record_id

    def update(self, sobject: str, record_id: str, values: dict[str, Any], *, at: datetime | None = None) -> None:
        """Change some fields of a live record."""
        kind = self.sobject(sobject)
        record = self.get(kind.name, record_id)
        values = {k: v for k, v in values.items() if k.lower() != "id"}
        fields = self._coerce(kind, values)
        merged = {**record, **fields}
        missing = [name for name in kind.required if name in fields and merged.get(name) in (None, "")]
        if missing:
            raise SalesforceError(
                400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing
            )
        if kind.name == "OrderItem" and "OrderId" in fields and fields["OrderId"] != record["OrderId"]:
            raise SalesforceError(400, "FIELD_INTEGRITY_EXCEPTION", "OrderId cannot be changed", ["OrderId"])
        self._check(kind, merged)
        if kind.name == "Order":
            self._order_change(record, fields)
        moment = at or self.now()
        record.update(fields)
        record.update(LastModifiedDate=moment, SystemModstamp=moment)
        self._derive(kind, record)
        self._after_write(kind, record, moment)

    def delete(self, sobject: str, record_id: str, *, at: datetime | None = None) -> None:
        """Soft-delete a live record (children of an Order go with it)."""
        kind = self.sobject(sobject)
        record = self.get(kind.name, record_id)
        if kind.name == "Order":
            self._order_unlocked(record["Id"])
        if kind.name == "OrderItem":
            self._order_unlocked(record["OrderId"])
        moment = at or self.now()
        record.update(IsDeleted=True, SystemModstamp=moment)
        self.deleted[record["Id"]] = moment
        if kind.name == "Order":
            for item in self.rows("OrderItem"):
                if item["OrderId"] == record["Id"]:
                    item.update(IsDeleted=True, SystemModstamp=moment)
                    self.deleted[item["Id"]] = moment
        if kind.name == "OrderItem":
            self._total_order(record["OrderId"], moment)

    # --- rules ------------------------------------------------------------------------------

    def _order_unlocked(self, order_id: str) -> None:
        """ENTITY_IS_LOCKED unless the order is a draft: an activated order's products are fixed, and it stays."""
        order = self.records["Order"].get(to_id18(str(order_id)))
        if order is not None and order["Status"] not in DRAFT_STATUSES:
            raise SalesforceError(
                400,
                "ENTITY_IS_LOCKED",
                "Unable to modify activated or superseded Order: cannot delete Order, or add or remove Order Products",
            )

    def _order_change(self, order: Record, fields: Record) -> None:
        """Salesforce's rules for changing an order.

        Activating one is a change of Status alone, and needs an order product;
        the account of an activated order stays (Salesforce: AccountId "can only
        be updated when the order's StatusCode value is Draft").
        """
        draft = order["Status"] in DRAFT_STATUSES
        if draft and fields.get("Status", order["Status"]) not in DRAFT_STATUSES:
            others = [name for name, value in fields.items() if name != "Status" and value != order.get(name)]
            if others:
                raise SalesforceError(
                    400,
                    "FIELD_INTEGRITY_EXCEPTION",
                    "Status is the only field you can update when activating an order",
                    others,
                )
            if not any(item["OrderId"] == order["Id"] for item in self.rows("OrderItem")):
                raise SalesforceError(
                    400, "FIELD_INTEGRITY_EXCEPTION", "An order without order products can't be activated", ["Status"]
                )
        account = fields.get("AccountId")
        if not draft and account is not None and to_id18(str(account)) != order["AccountId"]:
            raise SalesforceError(
                400,
                "FIELD_INTEGRITY_EXCEPTION",
                "The account of an activated order can't be changed",
                ["AccountId"],
            )

    def _coerce(self, kind: SObject, values: dict[str, Any]) -> Record:
        out: Record = {}
        for key, value in values.items():
            if key == "attributes":
                continue
            found = self.field_kind(kind, key)
            if found is None and CUSTOM_FIELD.match(key):
                self.declare_field(kind.name, key)
                found = (key, STRING)
            if found is None:
                raise SalesforceError(
                    400, "INVALID_FIELD", f"No such column '{key}' on sobject of type {kind.name}", [key]
                )
            name, field_kind = found
            if name in READ_ONLY or name in kind.computed:
                raise SalesforceError(
                    400,
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    f"Unable to create/update fields: {name}. Please check the security settings of this field "
                    "and verify that it is read/write for your profile or permission set.",
                    [name],
                )
            out[name] = _value(name, field_kind, value)
        return out

    def _check(self, kind: SObject, record: Record) -> None:
        for name, choices in kind.picklists.items():
            if record.get(name) is not None and record[name] not in choices:
                raise SalesforceError(
                    400,
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{name}: bad value for restricted picklist field: {record[name]}",
                    [name],
                )
        for name, target in kind.references.items():
            value = record.get(name)
            if value in (None, ""):
                continue
            row = self.records[target].get(to_id18(str(value)))
            if row is None or row["IsDeleted"]:
                raise SalesforceError(
                    400, "INVALID_CROSS_REFERENCE_KEY", f"invalid cross reference id: {value}", [name]
                )
            record[name] = row["Id"]
        if kind.name == "OrderItem":
            order = self.records["Order"][record["OrderId"]]
            entry = self.records["PricebookEntry"][record["PricebookEntryId"]]
            if order["Pricebook2Id"] and order["Pricebook2Id"] != entry["Pricebook2Id"]:
                raise SalesforceError(
                    400,
                    "FIELD_INTEGRITY_EXCEPTION",
                    "field integrity exception: PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the order)",
                    ["PricebookEntryId"],
                )

    def _derive(self, kind: SObject, record: Record) -> None:
        if kind.name == "PricebookEntry":
            product = self.records["Product2"][record["Product2Id"]]
            record.update(Name=product["Name"], ProductCode=product["ProductCode"])
        elif kind.name == "OrderItem":
            entry = self.records["PricebookEntry"][record["PricebookEntryId"]]
            record["Product2Id"] = entry["Product2Id"]
            record["TotalPrice"] = round(float(record["Quantity"]) * float(record["UnitPrice"]), 2)
        elif kind.name == "Order":
            if record["OrderNumber"] is None:
                self.order_serial += 1
                record["OrderNumber"] = f"{self.order_serial:08d}"
            if record["TotalAmount"] is None:
                record["TotalAmount"] = 0.0

    def _after_write(self, kind: SObject, record: Record, moment: datetime) -> None:
        if kind.name == "OrderItem":
            order = self.records["Order"][record["OrderId"]]
            if not order["Pricebook2Id"]:
                order["Pricebook2Id"] = self.records["PricebookEntry"][record["PricebookEntryId"]]["Pricebook2Id"]
            self._total_order(record["OrderId"], moment)

    def _total_order(self, order_id: str, moment: datetime) -> None:
        order = self.records["Order"][order_id]
        total = sum(i["TotalPrice"] for i in self.rows("OrderItem") if i["OrderId"] == order_id)
        order.update(TotalAmount=round(total, 2), SystemModstamp=moment)


def _value(name: str, kind: str, value: Any) -> Any:
    """A JSON value as the field stores it; 400 for one of the wrong type."""
    if value is None:
        return None
    try:
        if kind == BOOL:
            if not isinstance(value, bool):
                raise ValueError(value)
            return value
        if kind == NUMBER:
            if isinstance(value, bool):
                raise ValueError(value)
            return float(value)
        if kind == DATE:
            return date.fromisoformat(str(value))
        if kind == DATETIME:
            return parse_datetime(str(value))
        if kind in (STRING, REF):
            if isinstance(value, dict | list):
                raise ValueError(value)
            return value if isinstance(value, str) else str(value)
    except ValueError as exc:
        raise SalesforceError(
            400, "JSON_PARSER_ERROR", f"Cannot deserialize instance of {kind} from value {value!r} for field {name}"
        ) from exc
    return value


def parse_datetime(text: str) -> datetime:
    """An ISO 8601 datetime as Salesforce accepts it (``Z``, ``+0000`` or ``+00:00``), in UTC."""
    text = text.strip().replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):
        text = text[:-2] + ":" + text[-2:]
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def wire_datetime(moment: datetime) -> str:
    """A datetime as records carry it: ``2013-05-20T20:49:32.000+0000``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def wire_value(value: Any) -> Any:
    """A stored value as JSON."""
    if isinstance(value, datetime):
        return wire_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
