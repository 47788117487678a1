"""Extract: pull what changed in an app into raw staging, page by page, moving the cursor after each page."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from datashare.model.mapping import SourcePage
from datashare.store import Hub, Reject

__all__ = ["ExtractCounts", "Source", "SourcePage", "extract"]


class Source(t.Protocol):
    """Something an extract reads: one collection of one app, for one canonical entity."""

    @property
    def app(self) -> str:
        """The app's name (as in the tenant config)."""
        ...

    @property
    def entity(self) -> str:
        """The canonical entity the records are staged under."""
        ...

    @property
    def stream(self) -> str:
        """The app's collection, when an entity is read from several ("" otherwise)."""
        ...

    def pages(self, cursor: str | None) -> Iterator[SourcePage]:
        """Every page changed since ``cursor`` (everything when None)."""
        ...

    def remote_id(self, record: dict[str, t.Any]) -> str | None:
        """The app's id of a record, or None when it has none."""
        ...

    def cursor_since(self, moment: datetime) -> str | None:
        """The cursor that reads what changed after ``moment`` (None: the app can only read everything)."""
        ...


@dataclass
class ExtractCounts:
    """What one extract did."""

    pages: int = 0
    read: int = 0
    staged: int = 0
    deleted: int = 0
    rejected: int = 0


def extract(
    hub: Hub, source: Source, run_id: str, *, full: bool = False, since: datetime | None = None
) -> ExtractCounts:
    """Stage every changed record of ``source``; a record without an id becomes a reject, the page goes on.

    The cursor moves only after a page is stored, so a run stopped halfway
    resumes where it stopped and nothing is skipped; a page read twice is
    staged twice harmlessly (the latest payload per id wins). ``full`` ignores
    the stored cursor (a re-import). ``since`` is where a read without a
    cursor starts (a re-import's date, or the tenant's historical-data
    cutoff): only what changed after it is read, where the app can filter so.
    """
    counts = ExtractCounts()
    cursor = None if full else hub.get_cursor(source.app, source.entity, source.stream)
    if cursor is None and since is not None:
        cursor = source.cursor_since(since)
    for page in source.pages(cursor):
        counts.pages += 1
        counts.read += len(page.records)
        good: list[tuple[str, dict[str, t.Any]]] = []
        bad: list[Reject] = []
        for record in page.records:
            remote_id = source.remote_id(record)
            if remote_id:
                good.append((remote_id, record))
            else:
                reason = f"{source.app} {source.stream or source.entity} record without an id"
                bad.append(Reject(source.app, source.entity, "extract", reason, None, record))
        if good or page.deleted:
            hub.stage_raw(source.app, source.entity, run_id, good, stream=source.stream, deleted=page.deleted)
            counts.staged += len(good)
            counts.deleted += len(page.deleted)
        counts.rejected += hub.add_rejects(bad, run_id=run_id)
        hub.set_cursor(source.app, source.entity, page.cursor, stream=source.stream)
    return counts
