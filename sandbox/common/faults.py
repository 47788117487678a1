"""Faults on demand: a share of 5xx answers, timeouts, slow answers, lost answers and garbled reads, per endpoint.

A ``FaultPlan`` is a list of ``Fault`` rules, each matching request paths by a
regular expression (and optionally a method, a header or the body). The
``FaultMiddleware`` wraps any emulator's ASGI app and applies the first rule
that matches. Plans can be changed while the server runs (tests and the demo
flip them on and off), and draws are seeded so a test sees the same faults
every run.

A lost answer is the worst write fault: the app applies the write, then its
answer never reaches the client (the connection drops mid-answer, or a gateway
answers 504 after the fact), so the client cannot tell whether it happened.

A garbled read (``malformed_rate``) reaches the emulator and is answered, but
the 200's body is swapped on its way back, in turn for each one garbled: the
JSON cut short, a proxy's HTML error page (still 200), an empty body, ``{}``,
``[]`` (``{}`` again where the answer is a list, whose ``[]`` would be a true
empty page). Only reads are garbled: GETs, and the POSTs vendors read with (Deputy's
``/QUERY``, Neto's ``Get*`` actions, Shopify's GraphQL queries).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import cast

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MALFORMED_KINDS = ("truncated", "html", "empty", "object", "list")
"""What a garbled read's body becomes, in turn: cut short, an HTML page, nothing, ``{}``, ``[]`` (see above)."""

_PROXY_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
    b"<hr><center>nginx</center></body></html>"
)


@dataclass(frozen=True)
class Fault:
    """One rule: which requests it hits and what goes wrong with them.

    ``error_rate``: share of matching requests answered with ``error_status``.
    ``timeout_rate``: share that hang for ``timeout_seconds`` and then drop the
    connection without an answer (the client sees a timeout or a broken read).
    ``delay_seconds``: added to every matching request (a slow endpoint).
    ``lost_answer_rate``: share the app answers (a write is applied) whose answer is then lost:
    the connection drops after the answer's head, or, with ``lost_answer_status`` set, a
    gateway answers that status (504) instead.
    ``body``: a regular expression the request's body must contain (vTiger's
    ``operation=create``, a GraphQL ``mutation``), for apps whose reads and
    writes share one endpoint; ``header``: ``(name, regular expression)`` a
    request header must match (Neto's ``NETOAPI_ACTION``).
    ``error_body``/``error_content_type``: what an injected error answers, in the vendor's shape.
    ``malformed_rate``: share of matching reads whose 200 answer comes back garbled
    (the read itself is done; see the module docstring for the bodies).
    """

    path: str = ".*"
    method: str | None = None
    error_rate: float = 0.0
    error_status: int = 503
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    delay_seconds: float = 0.0
    lost_answer_rate: float = 0.0
    lost_answer_status: int | None = None
    body: str | None = None
    header: tuple[str, str] | None = None
    error_body: bytes = b'{"Title":"Service Unavailable","Detail":"fault injected"}'
    error_content_type: str = "application/json"
    malformed_rate: float = 0.0

    def dressed(self, body_for: Callable[[int], bytes], content_type: str = "application/json") -> Fault:
        """The same rule, its injected errors in a vendor's own shape (``body_for(status)``)."""
        return replace(self, error_body=body_for(self.error_status), error_content_type=content_type)

    def matches(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bool:
        """Whether this rule applies to a request (``headers`` by lower-case name)."""
        if self.method and self.method.upper() != method.upper():
            return False
        if self.body is not None and re.search(self.body, body.decode("utf-8", "replace")) is None:
            return False
        if self.header is not None:
            name, pattern = self.header
            if re.search(pattern, (headers or {}).get(name.lower(), "")) is None:
                return False
        return re.search(self.path, path) is not None

    @property
    def reads_body(self) -> bool:
        """Whether telling if the rule applies needs the request's body."""
        return self.body is not None


@dataclass
class FaultPlan:
    """The faults in force; thread-safe, seeded, changeable at run time."""

    faults: list[Fault] = field(default_factory=list)
    seed: int = 0
    injected: int = 0
    garbled: int = 0
    """Reads answered with a garbled body so far (also counted in ``injected``)."""

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._cycle = 0  # which garbled body comes next
        self._lock = threading.Lock()

    def set(self, *faults: Fault, seed: int | None = None) -> None:
        """Replace the rules (no arguments clears them).

        ``seed``: start the draws afresh from it, so a test sees the same faults
        whatever requests an earlier test drew with this plan.
        """
        with self._lock:
            self.faults = list(faults)
            if seed is not None:
                self._random = random.Random(seed)
                self._cycle = 0

    def reseed(self, seed: int) -> None:
        """Draw from ``seed`` from now on (a test picks the faults it sees, the same every run)."""
        with self._lock:
            self.seed = seed
            self._random = random.Random(seed)

    def clear(self) -> None:
        """No faults from now on."""
        self.set()

    @property
    def reads_body(self) -> bool:
        """Whether a rule in force needs the request's body to tell whether it applies."""
        with self._lock:
            return any(rule.reads_body for rule in self.faults)

    def draw(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None, *, read: bool = True
    ) -> tuple[str, Fault] | None:
        """Decide the fate of one request: ``("error"|"timeout"|"lost"|"malformed"|"delay", rule)`` or None.

        ``read``: whether the request only reads (only reads are garbled).
        """
        with self._lock:
            for rule in self.faults:
                if not rule.matches(method, path, body, headers):
                    continue
                roll = self._random.random()
                if roll < rule.error_rate:
                    self.injected += 1
                    return "error", rule
                if roll < rule.error_rate + rule.timeout_rate:
                    self.injected += 1
                    return "timeout", rule
                if roll < rule.error_rate + rule.timeout_rate + rule.lost_answer_rate:
                    self.injected += 1
                    return "lost", rule
                if read and roll < rule.error_rate + rule.timeout_rate + rule.lost_answer_rate + rule.malformed_rate:
                    return "malformed", rule
                if rule.delay_seconds > 0:
                    return "delay", rule
                return None
        return None

    def garble(self, body: bytes) -> tuple[bytes, bytes]:
        """The next garbled body (and its content type) in place of a read's 200 answer ``body``."""
        with self._lock:
            kind = MALFORMED_KINDS[self._cycle % len(MALFORMED_KINDS)]
            self._cycle += 1
            self.garbled += 1
            self.injected += 1
        if kind == "truncated":
            return (body[: len(body) // 2] if len(body) > 1 else b"{"), b"application/json"
        if kind == "html":
            return _PROXY_PAGE, b"text/html"
        if kind == "empty":
            return b"", b"application/json"
        if kind == "object" or body.lstrip().startswith(b"["):
            # For an answer that is a list (Deputy's QUERY), ``[]`` would be a true empty page: ``{}`` is wrong.
            return b"{}", b"application/json"
        return b"[]", b"application/json"


class FaultMiddleware:
    """ASGI middleware that applies a ``FaultPlan`` before the wrapped app answers."""

    def __init__(self, app: ASGIApp, plan: FaultPlan) -> None:
        self.app = app
        self.plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Maybe fail, hang, slow down or lose the answer; otherwise pass the request on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = b""
        garbles = any(f.malformed_rate > 0 for f in self.plan.faults)
        if self.plan.reads_body or (garbles and scope["method"] == "POST"):
            # Whether a rule applies, or a POST only reads (a GraphQL query), shows in the body: read it, hand it on.
            body, receive = await _buffered(receive)
        read = _reads(scope, body) if scope["method"] == "POST" else scope["method"] in ("GET", "HEAD")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        fate = self.plan.draw(scope["method"], scope["path"], body, headers, read=read)
        if fate is None:
            await self.app(scope, receive, send)
            return
        kind, rule = fate
        if kind == "malformed":
            await self.app(scope, receive, _garbling(send, self.plan))
        elif kind == "delay":
            await asyncio.sleep(rule.delay_seconds)
            await self.app(scope, receive, send)
        elif kind == "lost":
            await self._lose_answer(scope, receive, send, rule)
        elif kind == "timeout":
            await _hold(receive, rule.timeout_seconds)
            # Start an answer and abandon it: the server drops the connection, so a client that
            # waited this long sees a broken read, never a well-formed error it could mistake for data.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1024")]})
            raise ConnectionAbortedError("fault injected: timeout")
        else:
            await self._error(send, rule.error_status, rule)

    @staticmethod
    async def _error(send: Send, status: int, rule: Fault) -> None:
        body = rule.error_body
        headers: list[tuple[bytes, bytes]] = [
            (b"content-type", rule.error_content_type.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _lose_answer(self, scope: Scope, receive: Receive, send: Send, rule: Fault) -> None:
        """Let the app apply the request in full, then lose its answer on the way back."""
        head: list[Message] = []

        async def swallow(message: Message) -> None:
            if message["type"] == "http.response.start":
                head.append(message)

        await self.app(scope, receive, swallow)
        if rule.lost_answer_status is not None:
            # A gateway that gave up waiting answers in its own words, after the app did its work.
            await self._error(send, rule.lost_answer_status, rule)
            return
        # The answer's head goes out and its body never follows: the client sees the connection
        # drop mid-answer, the harshest way an answer is lost (no status it could trust).
        start: Message = head[0] if head else {"type": "http.response.start", "status": 200, "headers": []}
        given = cast("list[tuple[bytes, bytes]]", start.get("headers") or [])
        kept = [(k, v) for k, v in given if k.lower() != b"content-length"]
        length = next((int(v) for k, v in given if k.lower() == b"content-length"), 0)
        # Promise at least one byte, so even an empty answer cannot read as complete.
        await send({**start, "headers": [*kept, (b"content-length", str(max(length, 1)).encode())]})
        raise ConnectionAbortedError("fault injected: answer lost after the write was applied")


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The request's whole body, and a ``receive`` that hands it to the app as if unread."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _hold(receive: Receive, seconds: float) -> None:
    """Wait ``seconds``, or less if the client gives up and disconnects first."""

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(disconnected(), timeout=seconds)


def _reads(scope: Scope, body: bytes) -> bool:
    """Whether a POST only reads: Deputy's ``/QUERY``, a Neto ``Get*`` action, a GraphQL query (not a mutation)."""
    path = str(scope["path"])
    if path.upper().endswith("/QUERY"):
        return True
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    if headers.get("netoapi_action", "").startswith("Get"):
        return True
    if path.endswith("graphql.json"):
        try:
            document = json.loads(body or b"{}").get("query", "")
        except (ValueError, AttributeError):
            return False
        lines = [line.split("#")[0] for line in str(document).splitlines()]
        return not " ".join(lines).lstrip().startswith("mutation")
    return False


def _garbling(send: Send, plan: FaultPlan) -> Send:
    """A ``send`` that swaps a 200 answer's body for a garbled one (other answers pass as they are)."""
    held: list[Message] = []
    parts: list[bytes] = []

    async def garbled(message: Message) -> None:
        if message["type"] == "http.response.start":
            if message["status"] != 200:
                await send(message)
                return
            held.append(message)
            return
        if not held or message["type"] != "http.response.body":
            await send(message)
            return
        parts.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body, kind = plan.garble(b"".join(parts))
        start = held.pop()
        headers = [(k, v) for k, v in start["headers"] if k.lower() not in (b"content-length", b"content-type")]
        headers += [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return garbled
