"""Paginators: small stateful strategies the one paging loop (``RestClient.paginate``) drives.

Each has three steps, after dlt's rest_client: ``init_request`` sets the first
page's parameters, ``update_state`` reads a response and its records, and
``update_request`` sets up the next page; ``has_next_page`` says when to stop.
A paginator whose next page is a path rather than parameters (a link the API
hands back) also sets ``next_path``, and the loop requests that path.
A paginator that would ask for the same page twice raises instead of looping.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

__all__ = ["NoPaginator", "OffsetPaginator", "PageNumberPaginator", "Paginator", "PagingLoopError"]


class PagingLoopError(RuntimeError):
    """The API handed back the same page position twice: stop instead of spinning."""


class Paginator(t.Protocol):
    """The contract the paging loop relies on."""

    has_next_page: bool

    def init_request(self, params: dict[str, t.Any]) -> None:
        """Set the parameters of the first page."""
        ...

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """Take in one page's answer and records."""
        ...

    def update_request(self, params: dict[str, t.Any]) -> None:
        """Set the parameters of the next page."""
        ...


@dataclass
class NoPaginator:
    """One request returns everything (Xero Items, Accounts, TaxRates)."""

    has_next_page: bool = True

    def init_request(self, params: dict[str, t.Any]) -> None:
        """Nothing to set."""

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """One page is all there is."""
        self.has_next_page = False

    def update_request(self, params: dict[str, t.Any]) -> None:
        """Never called: there is no next page."""


@dataclass
class PageNumberPaginator:
    """``page=1,2,…`` with a page size; stops on a short page or when ``pageCount`` is reached.

    >>> p = PageNumberPaginator(page_size=100)   # Xero Contacts, Invoices…
    """

    page_size: int
    page_param: str = "page"
    size_param: str | None = "pageSize"
    page_count: t.Callable[[t.Any], int | None] = lambda body: None
    start_page: int = 1  # past 1 when a read resumes where it stopped
    page: int = 1
    has_next_page: bool = True

    def init_request(self, params: dict[str, t.Any]) -> None:
        """Ask for the first page (or the one to resume at) with our page size."""
        self.page = self.start_page
        params[self.page_param] = self.page
        if self.size_param:
            params[self.size_param] = self.page_size

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """A page shorter than the page size, or the last of ``pageCount``, ends the read."""
        count = self.page_count(body)
        last = count is not None and self.page >= count
        self.has_next_page = len(records) >= self.page_size and not last

    def update_request(self, params: dict[str, t.Any]) -> None:
        """Next page number."""
        self.page += 1
        params[self.page_param] = self.page


@dataclass
class OffsetPaginator:
    """An offset taken from the records themselves (Xero Journals: the last JournalNumber) or counted.

    With ``offset_of`` the next offset is read from the page's last record;
    without it, the offset grows by the number of records (``LIMIT offset, n``).
    """

    page_size: int
    offset_param: str = "offset"
    offset_of: t.Callable[[dict[str, t.Any]], int] | None = None
    offset: int = 0
    has_next_page: bool = True
    _seen: set[int] = field(default_factory=set)

    def init_request(self, params: dict[str, t.Any]) -> None:
        """Start at the configured offset."""
        params[self.offset_param] = self.offset

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """Move the offset past this page; a short page ends the read."""
        if self.offset_of is not None and records:
            self.offset = self.offset_of(records[-1])
        else:
            self.offset += len(records)
        self.has_next_page = len(records) >= self.page_size
        if self.has_next_page:
            if self.offset in self._seen:
                raise PagingLoopError(f"offset {self.offset} came back twice")
            self._seen.add(self.offset)

    def update_request(self, params: dict[str, t.Any]) -> None:
        """Ask for the records after the offset."""
        params[self.offset_param] = self.offset
