"""PUT and POST batches: all-or-nothing by default, element by element with ``summarizeErrors=false``.

Every element runs under Xero's rules inside one transaction, each from its
own savepoint. With ``summarizeErrors=true`` (Xero's default) one bad
element fails the whole call: HTTP 400 ``ValidationException`` listing the
elements, and nothing is written. With ``summarizeErrors=false`` the good
elements are kept and the answer is 200, every element carrying
``StatusAttributeString`` OK or ERROR (with its ``ValidationErrors``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.xero.errors import Invalid, validation_exception
from sandbox.xero.resource import Resource, WriteContext
from sandbox.xero.store import OrgBook

Record = dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What one element came to: the record written, or the messages refusing it."""

    element: Mapping[str, Any]
    record_id: str | None
    messages: tuple[str, ...] = ()


def run_batch(
    book: OrgBook,
    resource: Resource,
    elements: Sequence[Mapping[str, Any]],
    ctx: WriteContext,
    *,
    summarize: bool,
) -> tuple[int, Record | list[Record]]:
    """Write the elements; returns (HTTP status, the body or the list of elements to put in the envelope)."""
    outcomes: list[Outcome] = []
    with book.transaction() as tx:
        for element in elements:
            mark = tx.savepoint()
            try:
                record = resource.write(book, element, ctx)
            except Invalid as exc:
                tx.rollback_to(mark)
                outcomes.append(Outcome(element, None, tuple(exc.messages)))
            else:
                outcomes.append(Outcome(element, str(record[resource.id_field])))
        if summarize and any(o.messages for o in outcomes):
            tx.rollback_to(0)
            echoed = [
                resource.echo(o.element, list(o.messages)) if o.messages else {**o.element, "ValidationErrors": []}
                for o in outcomes
            ]
            return 400, validation_exception(echoed)
    shown: list[Record] = []
    for outcome in outcomes:
        if outcome.messages:
            shown.append(resource.echo(outcome.element, list(outcome.messages)))
            continue
        written = resource.find(book, outcome.record_id or "")
        if written is None:
            continue
        view = resource.view(book, written)
        view["StatusAttributeString"] = "OK"
        shown.append(view)
    return 200, shown
