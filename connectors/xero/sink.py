"""Writing hub records to Xero: an organization and its people become one Xero contact.

The product's rules: the contact's name is the organization's, its people are
the primary person and contact persons, the organization's address is the
contact's; Xero takes at most five contact persons, so the others are left out
and the run says so; a person without an organization is not sent.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from connectors.base.errors import ConnectorError
from connectors.xero.client import XeroClient
from connectors.xero.mapping import contact_payload, contact_to_canonical, person_remote_id
from connectors.xero.rules import describe_person
from connectors.xero.streams import STREAMS
from datashare.model import CanonicalModel, Organization, Person
from datashare.model.mapping import MappingError, Refs
from datashare.sync.push import PushResult

__all__ = ["XeroSink"]

PeopleOf = Callable[[list[UUID]], list[Person]]
Organizations = Callable[[list[UUID]], dict[UUID, Organization]]


@dataclass
class XeroSink:
    """Contacts written in batches of 50, one result per organization and per person."""

    client: XeroClient
    people_of: PeopleOf
    organizations: Organizations
    app: str = "xero"

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        """Write organizations (with their people), or the organizations of the people given."""
        if entity == "organizations":
            return self._contacts([t.cast(Organization, r) for r in records], refs, only_people=None)
        people = [t.cast(Person, r) for r in records]
        orphans = [
            PushResult(p.id, False, skipped=True, error="a person without an organization is not sent to Xero")
            for p in people
            if p.id is not None and p.organization_id is None
        ]
        org_ids = sorted({p.organization_id for p in people if p.organization_id is not None})
        orgs = list(self.organizations(org_ids).values())
        wanted = {p.id for p in people}
        return orphans + self._contacts(orgs, refs, only_people=wanted)

    def _contacts(
        self, orgs: list[Organization], refs: Refs, *, only_people: set[UUID | None] | None
    ) -> list[PushResult]:
        people: dict[UUID, list[Person]] = {}
        for person in self.people_of([o.id for o in orgs if o.id is not None]):
            if person.organization_id is not None:
                people.setdefault(person.organization_id, []).append(person)
        for group in people.values():
            # People Xero already has keep their places: sending a contact replaces its persons,
            # so the ones left out for lack of room are always the newcomers, and they are reported.
            group.sort(key=lambda p: p.id is None or refs.remote_id("people", p.id) is None)
        payloads, dropped, new = [], [], []
        for org in orgs:
            assert org.id is not None  # hub records always have their id
            payload, left_out = contact_payload(org, people.get(org.id, []), refs)
            payloads.append(payload)
            dropped.append(left_out)
            new.append(refs.remote_id("organizations", org.id) is None)
        try:
            written = self.client.write(STREAMS["Contacts"], payloads)
        except ConnectorError as error:
            return [PushResult(o.id, False, error=str(error)) for o in orgs if o.id is not None]
        results: list[PushResult] = []
        for org, result, left_out, created in zip(orgs, written, dropped, new, strict=True):
            assert org.id is not None
            if not result.ok or result.remote_id is None:
                results.append(PushResult(org.id, False, error="; ".join(result.errors) or "refused by Xero"))
                continue
            note = None
            if left_out:
                names = ", ".join(describe_person(p) for p in left_out)
                note = f"{len(left_out)} people left out (Xero takes at most 5 contact persons): {names}"
            if only_people is None:
                held = _held(result.record, refs, org.id)
                results.append(PushResult(org.id, True, result.remote_id, error=note, created=created, snapshot=held))
            results += self._people_results(result.remote_id, people.get(org.id, []), left_out, only_people)
        return results

    @staticmethod
    def _people_results(
        contact_id: str, people: list[Person], left_out: list[Person], only: set[UUID | None] | None
    ) -> list[PushResult]:
        if only is None:
            return []
        out = []
        for person in people:
            if person.id is None or person.id not in only:
                continue
            if person in left_out:
                out.append(
                    PushResult(person.id, False, skipped=True, error="left out: Xero takes at most 5 contact persons")
                )
                continue
            remote = person_remote_id(contact_id, person.first_name, person.last_name, person.email)
            out.append(PushResult(person.id, True, remote))
        return out


def _held(element: dict[str, t.Any], refs: Refs, org_id: UUID) -> dict[str, t.Any] | None:
    """The contact as Xero saved it, in canonical form (the organization only)."""
    try:
        mapped = contact_to_canonical(element, refs)
    except MappingError:
        return None
    return {**mapped[0].record.model_dump(mode="json"), "id": str(org_id)}
