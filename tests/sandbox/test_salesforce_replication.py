"""Salesforce emulator: getUpdated and getDeleted, with their windows."""

from __future__ import annotations

from datetime import timedelta

from test_salesforce_support import API, org


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def test_get_updated_and_deleted():
    with org() as sf:
        start = sf.state.now()
        a = sf.state.create("Account", {"Name": "A"})
        b = sf.state.create("Account", {"Name": "B"})
        sf.clock.advance(600)
        sf.state.delete("Account", b)
        sf.clock.advance(600)
        sf.token()
        end = sf.state.now()
        updated = sf.http.get(
            f"{API}/sobjects/Account/updated/", params={"start": _iso(start), "end": _iso(end)}
        ).json()
        assert updated == {"ids": [a], "latestDateCovered": "2026-01-01T00:20:00.000+0000"}
        deleted = sf.http.get(
            f"{API}/sobjects/Account/deleted/", params={"start": _iso(start), "end": _iso(end)}
        ).json()
        assert deleted["deletedRecords"] == [{"id": b, "deletedDate": "2026-01-01T00:10:00.000+0000"}]
        assert deleted["latestDateCovered"] == "2026-01-01T00:20:00.000+0000"
        assert "earliestDateAvailable" in deleted


def test_windows_reach_thirty_and_fifteen_days():
    with org() as sf:
        sf.clock.advance(40 * 86400)
        sf.token()
        now = sf.state.now()
        ok = sf.http.get(
            f"{API}/sobjects/Account/updated/", params={"start": _iso(now - timedelta(days=29)), "end": _iso(now)}
        )
        assert ok.status_code == 200
        too_far = sf.http.get(
            f"{API}/sobjects/Account/updated/", params={"start": _iso(now - timedelta(days=31)), "end": _iso(now)}
        )
        assert too_far.status_code == 400
        assert too_far.json()[0]["errorCode"] == "INVALID_REPLICATION_DATE"
        deleted_far = sf.http.get(
            f"{API}/sobjects/Account/deleted/", params={"start": _iso(now - timedelta(days=16)), "end": _iso(now)}
        )
        assert deleted_far.json()[0]["errorCode"] == "INVALID_REPLICATION_DATE"
        deleted_ok = sf.http.get(
            f"{API}/sobjects/Account/deleted/", params={"start": _iso(now - timedelta(days=14)), "end": _iso(now)}
        )
        assert deleted_ok.status_code == 200
        assert sf.http.get(f"{API}/sobjects/Account/updated/", params={"start": "yesterday"}).status_code == 400
