"""The ASGI app: OAuth2 token endpoint, version discovery and the REST resources under ``/services/data/vXX.X``."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.common.clock import Clock
from sandbox.common.faults import Fault, FaultMiddleware, FaultPlan
from sandbox.salesforce.errors import SalesforceError, not_found
from sandbox.salesforce.soql import parse
from sandbox.salesforce.state import (
    SAMPLE_CLIENT_ID,
    SAMPLE_CLIENT_SECRET,
    SAMPLE_REFRESH_TOKEN,
    Record,
    SalesforceState,
    parse_datetime,
    wire_datetime,
    wire_value,
)

VERSIONS = ("64.0", "65.0", "66.0")
_RELEASES = {"64.0": "Summer '25", "65.0": "Winter '26", "66.0": "Spring '26"}
DEFAULT_BATCH = 2000
MAX_COLLECTION = 200
UPDATED_DAYS = 30
DELETED_DAYS = 15


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status_code=status, media_type="application/json;charset=UTF-8", headers=headers)


class _Cursor:
    def __init__(self, rows: list[dict[str, Any]], batch: int) -> None:
        self.rows = rows
        self.batch = batch


def create_app(
    state: SalesforceState | None = None, *, clock: Clock | None = None, faults: FaultPlan | None = None
) -> FaultMiddleware:
    """The Salesforce emulator as an ASGI app (``/services/oauth2/authorize`` and ``token``, ``/services/data/...``).

    ``instance_url`` in token answers is the URL the request reached, mount prefix included.
    """
    if state is None:
        state = SalesforceState() if clock is None else SalesforceState(clock=clock)
    elif clock is not None:
        state.clock = clock
    org = state
    cursors: dict[str, _Cursor] = {}
    locators = itertools.count(1)

    codes: dict[str, tuple[str, str]] = {}  # authorization code -> (redirect URI, PKCE challenge)

    async def authorize(request: Request) -> Response:
        """The consent page of the web-server flow; the sandbox's user approves at once."""
        query = request.query_params
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != SAMPLE_CLIENT_ID:
            # Salesforce shows an error page, not a redirect, for an unknown connected app.
            return Response("error=invalid_client_id&error_description=client%20identifier%20invalid", 400)
        if query.get("response_type") != "code" or not redirect:
            return Response("error=unsupported_response_type", 400)
        code = "aPrx" + secrets.token_urlsafe(24)
        codes[code] = (redirect, query.get("code_challenge", ""))
        answer = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        return Response(status_code=302, headers={"Location": f"{redirect}?{urlencode(answer)}"})

    def code_is_good(fields: dict[str, str]) -> bool:
        """An authorization code used once, at the redirect URI it was given for, with its PKCE verifier."""
        given = codes.pop(fields.get("code", ""), None)
        if given is None or given[0] != fields.get("redirect_uri"):
            return False
        if given[1]:
            digest = hashlib.sha256(fields.get("code_verifier", "").encode()).digest()
            return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == given[1]
        return True

    def base_url(request: Request) -> str:
        root = request.scope.get("root_path", "")
        return f"{request.url.scheme}://{request.url.netloc}{root}"

    async def token(request: Request) -> Response:
        fields = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        fields.update({k: v for k, v in request.query_params.items() if k not in fields})
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                fields.setdefault("client_id", user)
                fields.setdefault("client_secret", password)
            except ValueError:
                pass
        grant = fields.get("grant_type", "")

        def fail(error: str, description: str, status: int = 400) -> Response:
            return _json({"error": error, "error_description": description}, status)

        if grant not in ("refresh_token", "client_credentials", "authorization_code"):
            return fail("unsupported_grant_type", "grant type not supported")
        if fields.get("client_id") != SAMPLE_CLIENT_ID:
            return fail("invalid_client_id", "client identifier invalid")
        if grant == "authorization_code":
            if fields.get("client_secret") != SAMPLE_CLIENT_SECRET:
                return fail("invalid_client", "invalid client credentials")
            if not code_is_good(fields):
                return fail("invalid_grant", "invalid authorization code")
        if grant == "client_credentials" and fields.get("client_secret") != SAMPLE_CLIENT_SECRET:
            return fail("invalid_client", "invalid client credentials")
        if grant == "refresh_token":
            if "client_secret" in fields and fields["client_secret"] != SAMPLE_CLIENT_SECRET:
                return fail("invalid_client", "invalid client credentials")
            if fields.get("refresh_token") != SAMPLE_REFRESH_TOKEN:
                return fail("invalid_grant", "expired access/refresh token")
        access = org.issue_token()
        issued = str(int(org.now().timestamp() * 1000))
        instance = base_url(request)
        identity = f"{instance}/id/{org.org_id}/0055g00000SaNdBAAV"
        signature = base64.b64encode(secrets.token_bytes(32)).decode()
        # The web-server flow's answer is the only one that carries the refresh token.
        refresh = {"refresh_token": SAMPLE_REFRESH_TOKEN} if grant == "authorization_code" else {}
        return _json(
            {
                "access_token": access,
                **refresh,
                "instance_url": instance,
                "id": identity,
                "token_type": "Bearer",
                "issued_at": issued,
                "signature": signature,
                "scope": "api refresh_token",
            }
        )

    def guarded(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def run(request: Request) -> Response:
            try:
                auth = request.headers.get("authorization", "")
                bearer = auth[7:] if auth.lower().startswith("bearer ") else ""
                org.check_token(bearer)
                org.count_call()
                response: Response = await handler(request)
            except SalesforceError as error:
                response = _json(error.body(), error.status)
            response.headers["Sforce-Limit-Info"] = org.limit_info()
            return response

        return run

    async def versions(request: Request) -> Response:
        return _json(
            [{"label": _RELEASES[v], "url": f"/services/data/v{v}", "version": v} for v in VERSIONS],
            headers={"Sforce-Limit-Info": org.limit_info()},
        )

    async def data(request: Request) -> Response:
        version = request.path_params["version"]
        if version not in VERSIONS:
            raise not_found()
        parts = [p for p in request.path_params["rest"].split("/") if p]
        method = request.method
        prefix = f"/services/data/v{version}"
        if parts and parts[0] in ("query", "queryAll") and method == "GET":
            if len(parts) == 1:
                return query(request, prefix, parts[0] == "queryAll")
            if len(parts) == 2:
                return more(prefix, parts[0], parts[1])
        if parts and parts[0] == "sobjects":
            return await sobjects(request, prefix, parts[1:])
        if parts[:2] == ["composite", "sobjects"]:
            return await collections(request, prefix, parts[2:])
        if not parts and method == "GET":
            return _json(
                {"sobjects": f"{prefix}/sobjects", "query": f"{prefix}/query", "queryAll": f"{prefix}/queryAll"}
            )
        raise not_found()

    # --- query ------------------------------------------------------------------------------

    def render(prefix: str, sobject: str, record: Record, fields: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": {"type": sobject, "url": f"{prefix}/sobjects/{sobject}/{record['Id']}"}}
        for name in fields:
            out[name] = wire_value(record.get(name))
        return out

    def page(prefix: str, resource: str, locator: str, cursor: _Cursor, start: int) -> Response:
        rows = cursor.rows[start : start + cursor.batch]
        end = start + len(rows)
        body: dict[str, Any] = {"totalSize": len(cursor.rows), "done": end >= len(cursor.rows)}
        if end < len(cursor.rows):
            body["nextRecordsUrl"] = f"{prefix}/{resource}/{locator}-{end}"
        else:
            cursors.pop(locator, None)
        body["records"] = rows
        return _json(body)

    def query(request: Request, prefix: str, include_deleted: bool) -> Response:
        text = request.query_params.get("q")
        if not text:
            raise SalesforceError(400, "MALFORMED_QUERY", "A query string has to be specified")
        parsed = parse(text, org)
        rows = parsed.run(org, include_deleted=include_deleted)
        batch = DEFAULT_BATCH
        for option in request.headers.get("sforce-query-options", "").split(","):
            key, _, value = option.strip().partition("=")
            if key.strip().lower() == "batchsize" and value.strip().isdigit():
                batch = min(DEFAULT_BATCH, max(200, int(value)))
        rendered = [render(prefix, parsed.sobject, r, parsed.fields) for r in rows]
        locator = f"01g5g{next(locators):010d}AAA"
        cursor = _Cursor(rendered, batch)
        cursors[locator] = cursor
        return page(prefix, "queryAll" if include_deleted else "query", locator, cursor, 0)

    def more(prefix: str, resource: str, name: str) -> Response:
        locator, _, start = name.rpartition("-")
        cursor = cursors.get(locator)
        if cursor is None or not start.isdigit():
            raise SalesforceError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return page(prefix, resource, locator, cursor, int(start))

    # --- sObject rows -----------------------------------------------------------------------

    async def body_of(request: Request) -> Any:
        try:
            return json.loads(await request.body() or b"null")
        except ValueError as exc:
            raise SalesforceError(400, "JSON_PARSER_ERROR", "Unexpected character in the request body") from exc

    async def sobjects(request: Request, prefix: str, parts: list[str]) -> Response:
        method = request.method
        if not parts:
            return _json(
                {"sobjects": [{"name": n, "urls": {"sobject": f"{prefix}/sobjects/{n}"}} for n in org.records]}
            )
        kind = org.sobject(parts[0])
        if len(parts) == 1:
            if method == "POST":
                values = await body_of(request)
                if not isinstance(values, dict):
                    raise SalesforceError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
                new_id = org.create(kind.name, values)
                return _json({"id": new_id, "success": True, "errors": []}, 201)
            if method == "GET":
                recent = org.rows(kind.name)[-5:]
                return _json(
                    {
                        "objectDescribe": {"name": kind.name, "keyPrefix": kind.prefix},
                        "recentItems": [render(prefix, kind.name, r, ["Id"]) for r in recent],
                    }
                )
        if len(parts) == 2 and parts[1] in ("updated", "deleted") and method == "GET":
            return replication(request, kind.name, parts[1])
        if len(parts) == 2:
            record_id = parts[1]
            if method == "GET":
                record = org.get(kind.name, record_id)
                wanted = request.query_params.get("fields")
                names = org.all_fields(kind)
                if wanted:
                    names = []
                    for name in wanted.split(","):
                        found = org.field_kind(kind, name.strip())
                        if found is None:
                            raise SalesforceError(
                                400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {kind.name}"
                            )
                        names.append(found[0])
                return _json(render(prefix, kind.name, record, names))
            if method == "PATCH":
                values = await body_of(request)
                if not isinstance(values, dict):
                    raise SalesforceError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
                org.update(kind.name, record_id, values)
                return Response(status_code=204)
            if method == "DELETE":
                org.delete(kind.name, record_id)
                return Response(status_code=204)
        if len(parts) == 3:
            field_name = external_field(kind.name, parts[1])
            matches = org.by_external_id(kind.name, field_name, parts[2])
            if method == "GET":
                if len(matches) == 1:
                    return _json(render(prefix, kind.name, matches[0], org.all_fields(kind)))
                if not matches:
                    raise not_found()
            if method == "PATCH":
                values = await body_of(request)
                if not isinstance(values, dict):
                    raise SalesforceError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
                status, result = upsert(prefix, kind.name, field_name, parts[2], values)
                return _json(result, status)
            if len(matches) > 1:
                return _json([f"{prefix}/sobjects/{kind.name}/{r['Id']}" for r in matches], 300)
        raise not_found()

    def external_field(sobject: str, name: str) -> str:
        if name.lower() == "id":
            return "Id"
        for known in org.external_ids[sobject]:
            if known.lower() == name.lower():
                return known
        raise SalesforceError(
            404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {name}"
        )

    def upsert(prefix: str, sobject: str, field_name: str, value: str, values: dict[str, Any]) -> tuple[int, Any]:
        values = {k: v for k, v in values.items() if k.lower() != field_name.lower()}
        matches = org.by_external_id(sobject, field_name, value)
        if len(matches) > 1:
            return 300, [f"{prefix}/sobjects/{sobject}/{r['Id']}" for r in matches]
        if matches:
            org.update(sobject, matches[0]["Id"], values)
            return 200, {"id": matches[0]["Id"], "success": True, "errors": [], "created": False}
        if field_name == "Id":
            raise not_found()
        new_id = org.create(sobject, {**values, field_name: value})
        return 201, {"id": new_id, "success": True, "errors": [], "created": True}

    def replication(request: Request, sobject: str, which: str) -> Response:
        try:
            start = parse_datetime(request.query_params["start"])
            end = parse_datetime(request.query_params["end"])
        except (KeyError, ValueError) as exc:
            raise SalesforceError(400, "MALFORMED_QUERY", "start and end must be ISO 8601 dateTimes") from exc
        now = org.now()
        days = UPDATED_DAYS if which == "updated" else DELETED_DAYS
        if end < start:
            raise SalesforceError(400, "INVALID_REPLICATION_DATE", "endDate before startDate")
        if start < now - timedelta(days=days):
            raise SalesforceError(400, "INVALID_REPLICATION_DATE", f"startDate can not be more than {days} days ago")
        latest = min(end, now).replace(second=0, microsecond=0)
        if which == "updated":
            ids = [r["Id"] for r in org.rows(sobject) if start <= r["SystemModstamp"] < latest]
            return _json({"ids": ids, "latestDateCovered": wire_datetime(latest)})
        gone = [
            {"id": r["Id"], "deletedDate": wire_datetime(org.deleted[r["Id"]])}
            for r in org.rows(sobject, include_deleted=True)
            if r["IsDeleted"] and start <= org.deleted[r["Id"]] < latest
        ]
        earliest: datetime = min((org.deleted[g["id"]] for g in gone), default=now - timedelta(days=days))
        return _json(
            {
                "deletedRecords": gone,
                "earliestDateAvailable": wire_datetime(earliest),
                "latestDateCovered": wire_datetime(latest),
            }
        )

    # --- sObject Collections ----------------------------------------------------------------

    async def collections(request: Request, prefix: str, parts: list[str]) -> Response:
        method = request.method
        if method == "DELETE" and not parts:
            ids = [i for i in request.query_params.get("ids", "").split(",") if i]
            all_or_none = request.query_params.get("allOrNone", "false").lower() == "true"
            check_size(len(ids))
            return _json(batch(ids, all_or_none, delete_one))
        payload = await body_of(request)
        if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
            raise SalesforceError(400, "JSON_PARSER_ERROR", "The request body must hold a records list")
        records: list[Any] = payload["records"]
        all_or_none = bool(payload.get("allOrNone", False))
        check_size(len(records))
        if method == "POST" and not parts:
            return _json(batch(records, all_or_none, create_one))
        if method == "PATCH" and not parts:
            return _json(batch(records, all_or_none, update_one))
        if method == "PATCH" and len(parts) == 2:
            kind = org.sobject(parts[0])
            field_name = external_field(kind.name, parts[1])

            def upsert_one(item: Any) -> dict[str, Any]:
                values = dict(item)
                value = values.get(field_name)
                if value in (None, ""):
                    raise SalesforceError(400, "MISSING_ARGUMENT", f"{field_name} not specified", [field_name])
                status, result = upsert(prefix, kind.name, field_name, str(value), values)
                if status == 300:
                    raise SalesforceError(
                        300,
                        "DUPLICATE_EXTERNAL_ID",
                        f"{field_name}: more than one record found for external id field: {result}",
                        [field_name],
                    )
                return dict(result)

            return _json(batch(records, all_or_none, upsert_one))
        raise not_found()

    def check_size(count: int) -> None:
        if count > MAX_COLLECTION:
            raise SalesforceError(
                400,
                "EXCEEDED_ID_LIMIT",
                f"record limit reached. cannot submit more than {MAX_COLLECTION} records into this call",
            )

    def type_of(item: Any) -> str:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("attributes"), dict)
            or "type" not in item["attributes"]
        ):
            raise SalesforceError(400, "INVALID_TYPE", "Must send a concrete entity type.")
        return str(item["attributes"]["type"])

    def create_one(item: Any) -> dict[str, Any]:
        sobject = type_of(item)
        values = {k: v for k, v in item.items() if k != "attributes"}
        if any(k.lower() == "id" for k in values):
            raise SalesforceError(400, "INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
        return {"id": org.create(sobject, values), "success": True, "errors": []}

    def update_one(item: Any) -> dict[str, Any]:
        sobject = type_of(item)
        values = {k: v for k, v in item.items() if k != "attributes"}
        record_id = next((str(v) for k, v in values.items() if k.lower() == "id" and v), None)
        if record_id is None:
            raise SalesforceError(400, "MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
        try:
            org.update(sobject, record_id, values)
        except SalesforceError as error:
            if error.code == "NOT_FOUND":
                raise SalesforceError(
                    400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["Id"]
                ) from error
            raise
        return {"id": org.get(sobject, record_id)["Id"], "success": True, "errors": []}

    def delete_one(item: Any) -> dict[str, Any]:
        found = org.find(str(item))
        if found is None or found[1]["IsDeleted"]:
            raise SalesforceError(
                404,
                "ENTITY_IS_DELETED" if found else "INVALID_CROSS_REFERENCE_KEY",
                "entity is deleted" if found else "invalid cross reference id",
            )
        org.delete(found[0], found[1]["Id"])
        return {"id": found[1]["Id"], "success": True, "errors": []}

    def batch(items: list[Any], all_or_none: bool, one: Callable[[Any], dict[str, Any]]) -> list[dict[str, Any]]:
        saved = org.snapshot() if all_or_none else None
        results: list[dict[str, Any]] = []
        failed = False
        for item in items:
            try:
                results.append(one(item))
            except SalesforceError as error:
                failed = True
                results.append({"id": None, "success": False, "errors": [error.collection_error()]})
        if failed and saved is not None:
            org.restore(saved)
            rolled = {
                "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
                "fields": [],
            }
            results = [r if not r["success"] else {"id": None, "success": False, "errors": [rolled]} for r in results]
        return results

    app = Starlette(
        routes=[
            Route("/services/oauth2/authorize", authorize, methods=["GET"]),
            Route("/services/oauth2/token", token, methods=["POST"]),
            Route("/services/data", versions, methods=["GET"]),
            Route("/services/data/", versions, methods=["GET"]),
            Route(
                "/services/data/v{version}/{rest:path}",
                guarded(data),
                methods=["GET", "POST", "PATCH", "DELETE"],
            ),
        ],
    )
    return FaultMiddleware(app, faults if faults is not None else FaultPlan())


def rest_fault_body(status: int) -> bytes:
    """An injected error's body in Salesforce's shape."""
    code = {503: "SERVER_UNAVAILABLE"}.get(status, "UNKNOWN_EXCEPTION")
    return json.dumps([{"message": "fault injected", "errorCode": code}]).encode()


def rest_fault(*, path: str = r"/services/data/", method: str | None = None, **rule: Any) -> Fault:
    """A ``Fault`` on the REST resources (``rule``: ``Fault``'s rates and times) answering in Salesforce's shape."""
    return Fault(path=path, method=method, **rule).dressed(rest_fault_body, "application/json;charset=UTF-8")
