"""The ASGI app: ``/webservice.php`` (relative to the app's root), wrapped in fault injection."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.common.clock import Clock
from sandbox.common.faults import FaultMiddleware, FaultPlan
from sandbox.vtiger.operations import dispatch
from sandbox.vtiger.state import VtigerState


def encode(envelope: dict[str, object]) -> bytes:
    """JSON as PHP's json_encode writes it: non-ASCII as ``\\uXXXX`` and ``/`` as ``\\/``."""
    # "/" only ever appears inside strings in JSON, so escaping it everywhere is safe.
    return json.dumps(envelope, separators=(",", ":")).replace("/", "\\/").encode()


def _form(content_type: str, body: bytes) -> dict[str, str]:
    """The POST fields PHP would put in ``$_POST`` (url-encoded or multipart forms)."""
    kind = content_type.lower()
    if kind.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        fields: dict[str, str] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                fields[name] = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        return fields
    if kind.startswith("application/x-www-form-urlencoded") or not kind:
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return {}


def create_app(
    state: VtigerState | None = None, *, clock: Clock | None = None, faults: FaultPlan | None = None
) -> FaultMiddleware:
    """The vTiger emulator as an ASGI app serving ``/webservice.php``.

    ``state`` defaults to an empty ``VtigerState`` (seed it with ``seed_sample``);
    ``clock``, when given, becomes the state's clock. ``faults`` (kept on the returned
    middleware as ``.plan`` and changeable while serving) injects 5xx answers,
    timeouts and slow answers.
    """
    if state is None:
        state = VtigerState(clock=clock)
    elif clock is not None:
        state.clock = clock
    vtiger = state

    async def webservice(request: Request) -> Response:
        post: dict[str, str] = {}
        if request.method == "POST":
            post = _form(request.headers.get("content-type", ""), await request.body())
        envelope = dispatch(vtiger, request.method, dict(request.query_params), post)
        return Response(encode(envelope), media_type="application/json")

    app = Starlette(routes=[Route("/webservice.php", webservice, methods=["GET", "POST"])])
    return FaultMiddleware(app, faults if faults is not None else FaultPlan())
