"""The one HTTP client every connector uses: auth, pacing, error classification, retries, the paging loop."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from connectors.base.errors import FatalError, RetriableError, classify_response
from connectors.base.logs import guard_http_logs
from connectors.base.paging import Paginator
from connectors.base.retry import RetryPolicy

__all__ = ["Pacer", "Page", "RestClient"]


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
    ) -> None:
        guard_http_logs()
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

        def attempt() -> httpx.Response:
            if self.pacer:
                self.pacer.before()
            self.calls += 1
            try:
                response = self.http.request(
                    method,
                    self.url(path),
                    params=params,
                    json=json,
                    data=data,
                    headers={**self.headers, **(headers or {})},
                    auth=self.auth if self.auth is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.TimeoutException as error:
                raise RetriableError(f"{method} {self.url(path)}: timed out ({type(error).__name__})") from error
            except httpx.TransportError as error:
                raise RetriableError(f"{method} {self.url(path)}: {type(error).__name__}: {error}") from error
            if self.pacer:
                self.pacer.after(response)
            if response.is_redirect:
                target = response.headers.get("location", "?")
                raise FatalError(f"{method} {self.url(path)}: redirected to {target}; redirects are refused")
            self.check(response)
            return response

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
        while True:
            if in_body:
                response = self.request("POST", path, json=query, headers=headers)
            else:
                response = self.request("GET", path, params=query, headers=headers)
            body = response.json()
            records = select(body)
            paginator.update_state(body, records)
            yield Page(records=records, body=body, response=response, params=dict(query))
            if not paginator.has_next_page:
                return
            paginator.update_request(query)
            # A paginator whose next page is a link of the API's own (Salesforce's nextRecordsUrl) names its path.
            path = getattr(paginator, "next_path", None) or path


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
