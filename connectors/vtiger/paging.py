"""vTiger's two ways of paging, as paginators the one paging loop (``RestClient.paginate``) drives.

- ``VtqlPaginator``: ``LIMIT offset,100`` written into the statement itself
  (vTiger reads no offset parameter); the offset and its loop check are
  ``OffsetPaginator``'s.
- ``SyncPaginator``: ``sync`` batches, feeding ``lastModifiedTime`` back as
  ``modifiedTime`` while ``more`` is true.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from connectors.base.paging import OffsetPaginator, PagingLoopError
from connectors.vtiger.streams import MAX_ROWS

__all__ = ["SyncPaginator", "VtqlPaginator"]


class VtqlPaginator:
    """Pages of a VTQL query: the statement for each offset comes from ``statement(offset)``.

    >>> VtqlPaginator(lambda offset: select(module_named("Accounts"), offset=offset))
    """

    def __init__(self, statement: t.Callable[[int], str], *, offset: int = 0, page_size: int = MAX_ROWS) -> None:
        self.statement = statement
        self._offsets = OffsetPaginator(page_size=page_size, offset=offset)
        self.has_next_page = True

    @property
    def offset(self) -> int:
        """Where the next page starts."""
        return self._offsets.offset

    def init_request(self, params: dict[str, t.Any]) -> None:
        """The first page's statement."""
        self._offsets.init_request({})
        params["query"] = self.statement(self.offset)

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """Past this page; a short page is the last."""
        self._offsets.update_state(body, records)
        self.has_next_page = self._offsets.has_next_page

    def update_request(self, params: dict[str, t.Any]) -> None:
        """The next page's statement."""
        params["query"] = self.statement(self.offset)


@dataclass
class SyncPaginator:
    """``sync`` batches: the next one asks for changes after the last batch's ``lastModifiedTime``.

    >>> SyncPaginator(modified_time=0)   # everything, oldest change first
    """

    modified_time: int = 0
    has_next_page: bool = True

    def init_request(self, params: dict[str, t.Any]) -> None:
        """Changes after the cursor's time."""
        params["modifiedTime"] = self.modified_time

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """Move to the batch's newest change; ``more`` says whether newer ones wait."""
        result = body["result"]
        last = int(result["lastModifiedTime"])
        self.has_next_page = bool(result.get("more"))
        if self.has_next_page and last <= self.modified_time:
            raise PagingLoopError(f"vTiger sync did not move past modifiedTime {last}")
        self.modified_time = last

    def update_request(self, params: dict[str, t.Any]) -> None:
        """Ask for what changed after the batch."""
        params["modifiedTime"] = self.modified_time
