"""Salesforce emulator over real HTTP on a loopback port, mounted as the sandbox server mounts it."""

from __future__ import annotations

import httpx
import pytest

from sandbox.common.serve import serve_in_thread
from sandbox.salesforce import SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET
from sandbox.server import build_sandbox
from tests.seed_moments import SEEDED_AT

pytestmark = pytest.mark.e2e


def test_full_round_over_loopback_http():
    sandbox = build_sandbox(seed=2, seeded_at=SEEDED_AT)
    assert set(sandbox.salesforce) == {"au", "us"}
    assert any(row[0] == "salesforce" for row in sandbox.describe("http://x"))
    with serve_in_thread(sandbox.app) as base, httpx.Client(timeout=10) as http:
        token = http.post(
            f"{base}/salesforce/au/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": SAMPLE_CLIENT_ID,
                "client_secret": SAMPLE_CLIENT_SECRET,
            },
        ).json()
        assert token["instance_url"] == f"{base}/salesforce/au"
        api = token["instance_url"] + "/services/data/v66.0"
        http.headers["Authorization"] = f"Bearer {token['access_token']}"
        versions = http.get(token["instance_url"] + "/services/data/").json()
        assert versions[-1]["version"] == "66.0"
        listed = http.get(f"{api}/query", params={"q": "SELECT Id, Name FROM Account ORDER BY Name"})
        assert listed.status_code == 200
        assert listed.headers["Sforce-Limit-Info"].startswith("api-usage=")
        assert listed.json()["totalSize"] == len(sandbox.salesforce["au"].rows("Account"))
        created = http.patch(f"{api}/sobjects/Account/Datashare_Id__c/loop-1", json={"Name": "Loopback Pty Ltd"})
        assert created.status_code == 201
        got = http.get(f"{api}/sobjects/Account/{created.json()['id']}").json()
        assert got["Name"] == "Loopback Pty Ltd"
        # the US org is separate
        assert sandbox.salesforce["us"].by_external_id("Account", "Datashare_Id__c", "loop-1") == []
