"""Salesforce query paging: follow ``nextRecordsUrl`` until ``done``, as a paginator of the one paging loop.

Salesforce's next page is a path of its own
(``/services/data/v66.0/query/01g…-2000``): the paginator names it as
``next_path``, which the paging loop requests, after checking it is a path
under ``/services/data/`` on the same instance (never another host).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from connectors.base.errors import FatalError
from connectors.base.paging import PagingLoopError

__all__ = ["NextRecordsPaginator"]


@dataclass
class NextRecordsPaginator:
    """``q=SOQL`` for the first page, then each ``nextRecordsUrl`` until ``done`` is true.

    >>> NextRecordsPaginator("SELECT Id FROM Account")
    """

    soql: str
    has_next_page: bool = True
    next_url: str | None = None
    next_path: str | None = None
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
        target = str(self.next_url)
        if not target.startswith("/services/data/") or "//" in target or "?" in target or ".." in target:
            raise FatalError(f"Salesforce gave a next page outside the API: {target!r}")
        params.clear()
        self.next_path = target
