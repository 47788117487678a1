"""Writing time sheets to Xero Payroll: one employee's hours per day of one pay period.

* a time sheet Xero has processed (paid in a pay run) is not changed; the
  run says so;
* an employee Xero does not have yet makes the sheet wait, as any reference;
* Xero refuses a sheet whose dates are not one pay period of the employee's
  calendar, or a second sheet for the same period; the refusal is the
  record's error, and the other sheets go on.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from uuid import UUID

from connectors.base.errors import ConnectorError
from connectors.xero.client import XeroClient
from connectors.xero.payroll import payroll_stream
from connectors.xero.payroll_mapping import payroll_mapper, time_sheet_to_xero
from datashare.model import CanonicalModel, TimeSheet, TimeSheetStatus
from datashare.model.mapping import MappingError, Refs, WaitingForReference
from datashare.sync.push import PushResult

__all__ = ["PayrollTimesheets", "SnapshotView"]

PROCESSED = "the time sheet is PROCESSED in Xero (paid in a pay run): changes to it are not sent"


class SnapshotView(t.Protocol):
    """What Xero last held of each record, in canonical form."""

    def snapshots(self, entity: str, app: str, ids: t.Sequence[UUID]) -> dict[UUID, dict[str, t.Any]]:
        """Each record as ``app`` last held it."""
        ...


@dataclass
class PayrollTimesheets:
    """Creates and updates Xero payroll timesheets, one call each (Payroll refuses a whole request at once)."""

    client: XeroClient
    hub: SnapshotView
    app: str = "xero"

    def push(self, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        """Write time sheets; one result per sheet."""
        organisation = self.client.organisation()
        country = str(organisation.get("CountryCode", ""))
        stream = payroll_stream(country, "Timesheets")
        read_back = payroll_mapper(country, str(organisation["BaseCurrency"]))
        held = self.hub.snapshots("time_sheets", self.app, [r.id for r in records if r.id is not None])
        results: list[PushResult] = []
        ready: list[tuple[TimeSheet, dict[str, t.Any], bool]] = []
        for record in records:
            sheet = t.cast(TimeSheet, record)
            assert sheet.id is not None  # hub records always have their id
            remote = refs.remote_id("time_sheets", sheet.id)
            was = (held.get(sheet.id) or {}).get("status")
            if remote is not None and was == TimeSheetStatus.PROCESSED.value:
                results.append(PushResult(sheet.id, False, remote, skipped=True, error=PROCESSED))
                continue
            try:
                ready.append((sheet, time_sheet_to_xero(sheet, refs, country), remote is None))
            except WaitingForReference as waiting:
                results.append(PushResult.wait(sheet.id, waiting, remote))
            except MappingError as error:
                results.append(PushResult(sheet.id, False, remote, error=str(error)))
        if not ready:
            return results
        try:
            written = self.client.write(stream, [payload for _, payload, _ in ready], [str(s.id) for s, _, _ in ready])
        except ConnectorError as error:
            return results + [PushResult(s.id, False, error=str(error)) for s, _, _ in ready if s.id is not None]
        for (sheet, _, created), result in zip(ready, written, strict=True):
            assert sheet.id is not None
            if not result.ok or result.remote_id is None:
                results.append(PushResult(sheet.id, False, error="; ".join(result.errors) or "refused by Xero"))
                continue
            snapshot = None
            try:
                [mapped, *_] = read_back("Timesheets", result.record, refs)
                snapshot = {**mapped.record.model_dump(mode="json"), "id": str(sheet.id)}
            except MappingError:
                pass
            results.append(PushResult(sheet.id, True, result.remote_id, created=created, snapshot=snapshot))
        return results
