"""Salesforce query paging: follow ``nextRecordsUrl`` until ``done``, as a paginator of the one paging loop.

``RestClient.paginate`` keeps one path and changes only parameters, while
Salesforce's next page is a path of its own
(``/services/data/v66.0/query/01g…-2000``). So the paginator puts that path in
the reserved parameter ``NEXT_PAGE``, and the Salesforce client sends the
request to it instead (after checking it is a path under ``/services/data/``
on the same instance: never another host).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from connectors.base.paging import PagingLoopError

__all__ = ["NEXT_PAGE", "NextRecordsPaginator"]

NEXT_PAGE = "__nextRecordsUrl"
"""The parameter that carries the next page's path from the paginator to the client."""


@dataclass
class NextRecordsPaginator:
    """``q=SOQL`` for the first page, then each ``nextRecordsUrl`` until ``done`` is true.

    >>> NextRecordsPaginator("SELECT Id FROM Account")
    """

    soql: str
    has_next_page: bool = True
    next_url: str | None = None
    _seen: set[str] = field(default_factory=set)

    def init_request(self, params: dict[str, t.Any]) -> None:
        """The statement, in ``q``."""
        params["q"] = self.soql

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """More pages while ``done`` is false; the same locator twice is a loop."""
        self.next_url = None if body.get("done", True) else body.get("nextRecordsUrl")
        self.has_next_page = bool(self.next_url)
        if self.next_url:
            if self.next_url in self._seen:
                raise PagingLoopError(f"Salesforce handed back {self.next_url} twice")
            self._seen.add(self.next_url)

    def update_request(self, params: dict[str, t.Any]) -> None:
        """The next page is the locator's path, with no query string."""
        params.clear()
        params[NEXT_PAGE] = self.next_url
