"""Stand-ins for the tests that need an app's answers, not its API: a sink, and a one-tenant config."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from datashare.model import CanonicalModel
from datashare.model.mapping import Refs
from datashare.sync.causes import NO_ROOM
from datashare.sync.push import PushResult


@dataclass
class RefusingSink:
    """An app that refuses the records in ``refuse`` on every call (saying ``refusal``), skips ``skip``, takes the rest."""

    refuse: set[UUID]
    skip: set[UUID] = field(default_factory=set)
    refusal: str = "Validation failed: accountname is too long"
    sent: list[UUID] = field(default_factory=list)
    app: str = "vtiger"

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        out = []
        for record in records:
            assert record.id is not None
            self.sent.append(record.id)
            if record.id in self.refuse:
                out.append(PushResult(record.id, False, error=self.refusal))
            elif record.id in self.skip:
                out.append(PushResult.skip(record.id, "left out: Xero takes at most 5 contact persons", NO_ROOM))
            else:
                out.append(PushResult(record.id, True, f"11x{len(self.sent)}", created=True))
        return out


def xero_only_config(folder: Path, tenant: str, store: Path) -> Path:
    """A config file in ``folder`` with one tenant linking only Xero (its secret unset: nothing is called)."""
    path = folder / "tenants.toml"
    path.write_text(
        f"""
[[tenants]]
name = "{tenant}"
xero_organisation = "Southern Cross Outdoor Co"
store = "{store}"

[tenants.apps.xero]
base_url = "http://127.0.0.1:8750/xero"
client_id = "sample"
secrets = {{ client_secret = "env:UNSET_SECRET", token_store = "file:tokens.json" }}
""",
        encoding="utf-8",
    )
    return path
