"""The one HTTP client every connector uses: auth, pacing, error classification, retries, the paging loop."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from connectors.base.bodies import json_body
from connectors.base.errors import ConnectorError, FatalError, MalformedResponseError, RetriableError, classify_response
from connectors.base.logs import guard_http_logs
from connectors.base.paging import Paginator
from connectors.base.retry import RetryPolicy

__all__ = ["OnRestClient", "Pacer", "Page", "RestClient", "endpoint_of"]

T = t.TypeVar("T")

# What a select step that trips over an unexpected shape raises: the body is not what the API promised.
_SHAPE_ERRORS = (KeyError, IndexError, TypeError, AttributeError, ValueError)


def endpoint_of(request: httpx.Request) -> str:
    """A request as errors name it: method and path, never the query string (it may carry a session or data)."""
    return f"{request.method} {request.url.path}"


class Pacer(t.Protocol):
    """Keeps a connector under an app's rate limits (see ``connectors.base.pacing``)."""

    def before(self) -> None:
        """Wait, if needed, before a call is sent."""
        ...

    def after(self, response: httpx.Response) -> None:
        """Learn from a response (remaining-calls headers)."""
        ...


@dataclass(frozen=True)
class Page:
    """One page of records, with the answer it came from."""

    records: list[dict[str, t.Any]]
    body: t.Any
    response: httpx.Response
    params: dict[str, t.Any]


class RestClient:
    """An httpx client with the project's rules built in.

    - requests go to ``base_url`` only: redirects are refused, never followed;
    - every answer is classified once (``classify_response`` or the app's own
      ``check``) and transient failures are retried by one ``RetryPolicy``;
    - a 200 whose body is not the JSON expected (``call``, ``paginate``) is a
      ``MalformedResponseError``, retried like a 503 within the same attempts,
      then raised naming the app, the endpoint and what was wrong;
    - a ``Pacer`` spaces calls to stay under the app's limits;
    - ``paginate`` is the one paging loop; paginators only say where the next page is.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        http: httpx.Client | None = None,
        pacer: Pacer | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        headers: dict[str, str] | None = None,
        check: t.Callable[[httpx.Response], None] = classify_response,
        app: str = "",
        describe: t.Callable[[httpx.Request], str] = endpoint_of,
    ) -> None:
        """``app``: the app's name in error messages; ``describe``: how a request is named in them."""
        guard_http_logs()
        self.app = app
        self.describe = describe
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.http = http or httpx.Client(timeout=timeout, follow_redirects=False)
        self.pacer = pacer
        self.retry = retry or RetryPolicy()
        self.headers = headers or {}
        self.check = check
        self.calls = 0

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def url(self, path: str) -> str:
        """The absolute URL of a path under the base URL."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, t.Any] | None = None,
        json: t.Any = None,
        data: dict[str, t.Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request (retried on transient failures) and return its checked response."""
        return self._send(method, path, lambda response: response, params=params, json=json, data=data, headers=headers)

    def call(
        self,
        method: str,
        path: str,
        select: t.Callable[[t.Any], T],
        *,
        params: dict[str, t.Any] | None = None,
        json: t.Any = None,
        data: dict[str, t.Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> T:
        """Send one request and return what ``select`` takes from its JSON body.

        A body that is not JSON, or that ``select`` finds of the wrong shape, is
        sent again like a 503 (use it where sending the request twice is safe:
        reads, idempotent writes), then raised as ``MalformedResponseError``.
        """

        def read(response: httpx.Response) -> T:
            return self._read(response, select)

        return self._send(method, path, read, params=params, json=json, data=data, headers=headers)

    def body(self, response: httpx.Response, select: t.Callable[[t.Any], T]) -> T:
        """What ``select`` takes from an answer already received; malformed is raised, never resent.

        For the answer of a write that must not be sent twice (a create without
        an idempotency key): the caller decides what a lost answer means.
        """
        try:
            return self._read(response, select)
        except ConnectorError as error:
            raise self._placed(error, response.request, response.status_code) from error.__cause__

    @staticmethod
    def _read(response: httpx.Response, select: t.Callable[[t.Any], T]) -> T:
        return _selected(json_body(response), select, response.status_code)

    def _placed(self, error: ConnectorError, request: httpx.Request, status: int | None = None) -> ConnectorError:
        """The error, saying which request it came from: a malformed answer is named with the app and endpoint."""
        endpoint = self.describe(request)
        if isinstance(error, MalformedResponseError) and error.endpoint is None:
            named = f"{self.app} {endpoint}".strip()
            placed = MalformedResponseError(f"{named}: {error}", status=error.status or status)
            placed.endpoint = endpoint
            return placed
        if error.endpoint is None:
            error.endpoint = endpoint
        return error

    def _send(
        self,
        method: str,
        path: str,
        read: t.Callable[[httpx.Response], T],
        *,
        params: dict[str, t.Any] | None = None,
        json: t.Any = None,
        data: dict[str, t.Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> T:
        """One request, its answer checked and ``read`` within each attempt, so a bad answer is sent again."""

        def attempt() -> T:
            if self.pacer:
                self.pacer.before()
            self.calls += 1
            request = self.http.build_request(
                method,
                self.url(path),
                params=params,
                json=json,
                data=data,
                headers={**self.headers, **(headers or {})},
            )
            try:
                response = self.http.send(
                    request, auth=self.auth if self.auth is not None else httpx.USE_CLIENT_DEFAULT
                )
            except ConnectorError as error:  # from the auth flow (a token endpoint, a login)
                raise self._placed(error, request) from error.__cause__
            except httpx.TimeoutException as error:
                failure = RetriableError(f"{method} {self.url(path)}: timed out ({type(error).__name__})")
                raise self._placed(failure, request) from error
            except httpx.TransportError as error:
                failure = RetriableError(f"{method} {self.url(path)}: {type(error).__name__}: {error}")
                raise self._placed(failure, request) from error
            if self.pacer:
                self.pacer.after(response)
            if response.is_redirect:
                target = response.headers.get("location", "?")
                refused = FatalError(f"{method} {self.url(path)}: redirected to {target}; redirects are refused")
                raise self._placed(refused, request)
            try:
                self.check(response)
                return read(response)
            except ConnectorError as error:
                raise self._placed(error, request, response.status_code) from error.__cause__

        return self.retry.call(attempt)

    def paginate(
        self,
        path: str,
        *,
        paginator: Paginator,
        select: t.Callable[[t.Any], list[dict[str, t.Any]]],
        params: dict[str, t.Any] | None = None,
        headers: dict[str, str] | None = None,
        in_body: bool = False,
    ) -> Iterator[Page]:
        """Yield every page of a listing, following ``paginator`` until it says there is no more.

        ``in_body``: the listing is a POST whose JSON body holds the parameters
        (Deputy's QUERY), rather than a GET with them in the query string.
        """
        query = dict(params or {})
        paginator.init_request(query)

        def read(response: httpx.Response) -> tuple[httpx.Response, t.Any, list[dict[str, t.Any]]]:
            body = json_body(response)
            return response, body, _selected(body, select, response.status_code)

        while True:
            if in_body:
                response, body, records = self._send("POST", path, read, json=query, headers=headers)
            else:
                response, body, records = self._send("GET", path, read, params=query, headers=headers)
            paginator.update_state(body, records)
            yield Page(records=records, body=body, response=response, params=dict(query))
            if not paginator.has_next_page:
                return
            paginator.update_request(query)
            # A paginator whose next page is a link of the API's own (Salesforce's nextRecordsUrl) names its path.
            path = getattr(paginator, "next_path", None) or path


def _selected(body: t.Any, select: t.Callable[[t.Any], T], status: int) -> T:
    """What ``select`` takes from a body; the shape errors it trips over are the body's fault."""
    try:
        return select(body)
    except ConnectorError:
        raise
    except _SHAPE_ERRORS as error:
        # A select step is a few lookups: what trips it is the body, not our code.
        raise MalformedResponseError(f"unexpected shape ({type(error).__name__}: {error})", status=status) from error


class OnRestClient:
    """What every app client built on one ``RestClient`` (``self.rest``) shares: a name, a count, closing.

    Use it as a context manager (``with DeputyClient(...) as client:``) or call ``close``.
    """

    rest: RestClient

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.rest.base_url!r})"

    def __enter__(self) -> t.Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: t.Any) -> None:
        self.close()

    @property
    def calls(self) -> int:
        """Requests sent so far (retries included)."""
        return self.rest.calls

    def close(self) -> None:
        """Close connections."""
        self.rest.close()
