"""Notifications: a failed run, or a run leaving records that need attention, calls a webhook.

Configured in ``prefect.yaml`` under ``notifications`` (a key Prefect's own
``deploy`` ignores): the webhook (a Prefect ``Webhook`` block, by name and URL)
and the automations, each an event trigger whose action calls that webhook
with its payload template. ``ensure_notifications`` makes them on the Prefect
server, or brings them in line with the file: run it again and nothing is
duplicated. ``make ui`` runs ``python -m flows.notifications``.
"""

from __future__ import annotations

import argparse
import typing as t
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import yaml  # type: ignore[import-untyped]
from prefect.blocks.webhook import Webhook
from prefect.client.orchestration import get_client
from prefect.events.actions import CallWebhook
from prefect.events.schemas.automations import AutomationCore, EventTrigger

__all__ = ["PREFECT_FILE", "Notice", "Notifications", "ensure_notifications", "load_notifications"]

PREFECT_FILE = Path(__file__).parents[1] / "prefect.yaml"


@dataclass(frozen=True)
class Notice:
    """One automation: what triggers it, and the payload (a Jinja template) its webhook call sends."""

    name: str
    description: str
    trigger: EventTrigger
    payload: str

    def automation(self, block_id: UUID) -> AutomationCore:
        """The automation, calling the webhook block ``block_id``."""
        action = CallWebhook(block_document_id=block_id, payload=self.payload)
        return AutomationCore(name=self.name, description=self.description, trigger=self.trigger, actions=[action])


@dataclass(frozen=True)
class Notifications:
    """The webhook block (its name and URL) and the automations that call it."""

    block: str
    url: str
    notices: tuple[Notice, ...]


def load_notifications(prefect_file: Path = PREFECT_FILE, url: str | None = None) -> Notifications:
    """The ``notifications`` section of ``prefect.yaml``; ``url`` replaces the webhook's URL given there."""
    section: dict[str, t.Any] = yaml.safe_load(prefect_file.read_text(encoding="utf-8"))["notifications"]
    notices = tuple(
        Notice(
            spec["name"],
            spec.get("description", ""),
            EventTrigger.model_validate(spec["trigger"]),
            spec.get("payload", ""),
        )
        for spec in section["automations"]
    )
    return Notifications(str(section["webhook"]["block"]), url or str(section["webhook"]["url"]), notices)


def ensure_notifications(prefect_file: Path = PREFECT_FILE, url: str | None = None) -> Notifications:
    """Save the webhook block and make or update each automation, by name; returns what was configured."""
    wanted = load_notifications(prefect_file, url)
    # (Prefect types ``save`` as maybe a coroutine: called outside an event loop, it is the block's id.)
    block_id = t.cast(UUID, Webhook(url=wanted.url).save(wanted.block, overwrite=True))
    with get_client(sync_client=True) as client:
        for notice in wanted.notices:
            automation = notice.automation(block_id)
            found = client.read_automations_by_name(notice.name)
            if found:
                client.update_automation(found[0].id, automation)
                for duplicate in found[1:]:  # made by hand, or by an older setup: one of each name is kept
                    client.delete_automation(duplicate.id)
            else:
                client.create_automation(automation)
    return wanted


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="The webhook's URL (default: the one in prefect.yaml).")
    parser.add_argument("--file", type=Path, default=PREFECT_FILE, help="The prefect.yaml to read.")
    options = parser.parse_args()
    made = ensure_notifications(options.file, options.url)
    for notice in made.notices:
        print(f"automation {notice.name}: calls the webhook block {made.block} ({made.url})")
