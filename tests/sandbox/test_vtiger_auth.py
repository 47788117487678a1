"""vTiger emulator: the challenge/login handshake, sessions and their expiry."""

from __future__ import annotations

import hashlib

import pytest

from sandbox.vtiger import SALES_ACCESS_KEY, SALES_USERNAME, SAMPLE_ACCESS_KEY, access_key_for

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_getchallenge_gives_a_token_valid_five_minutes(vtiger_client, vtiger_clock):
    result = await vtiger_client.ok(vtiger_client.get("getchallenge", username="admin"))
    now = int(vtiger_clock.now().timestamp())
    assert set(result) == {"token", "serverTime", "expireTime"}
    assert len(result["token"]) == 13
    assert result["serverTime"] == now
    assert result["expireTime"] == now + 300


async def test_login_with_md5_of_token_and_access_key_opens_a_session(vtiger_client):
    challenge = await vtiger_client.ok(vtiger_client.get("getchallenge", username="admin"))
    key = hashlib.md5((challenge["token"] + SAMPLE_ACCESS_KEY).encode()).hexdigest()  # noqa: S324
    result = await vtiger_client.ok(vtiger_client.post("login", username="admin", accessKey=key))
    assert result["userId"] == "19x1"
    assert result["version"] == "0.22"
    assert result["vtigerVersion"].startswith("7.")
    assert isinstance(result["sessionName"], str)
    assert len(result["sessionName"]) >= 20
    vtiger_client.session = result["sessionName"]
    assert "Accounts" in (await vtiger_client.ok(vtiger_client.get("listtypes")))["types"]


async def test_wrong_access_key_is_invalid_user_credentials(vtiger_client):
    challenge = await vtiger_client.ok(vtiger_client.get("getchallenge", username="admin"))
    error = await vtiger_client.error(
        vtiger_client.post("login", username="admin", accessKey=access_key_for(challenge["token"], "not-the-key"))
    )
    assert error == {"code": "INVALID_USER_CREDENTIALS", "message": "Invalid username or password"}


async def test_access_key_in_uppercase_hex_is_refused(vtiger_client):
    challenge = await vtiger_client.ok(vtiger_client.get("getchallenge", username="admin"))
    key = access_key_for(challenge["token"], SAMPLE_ACCESS_KEY).upper()
    error = await vtiger_client.error(vtiger_client.post("login", username="admin", accessKey=key))
    assert error["code"] == "INVALID_USER_CREDENTIALS"


async def test_login_without_challenge_is_invalid_auth_token(vtiger_client):
    error = await vtiger_client.error(vtiger_client.post("login", username="admin", accessKey="0" * 32))
    assert error == {"code": "INVALID_AUTH_TOKEN", "message": "Specified token is invalid or expired"}


async def test_challenge_expires_after_five_minutes(vtiger_client, vtiger_clock):
    challenge = await vtiger_client.ok(vtiger_client.get("getchallenge", username="admin"))
    vtiger_clock.advance(301)
    key = access_key_for(challenge["token"], SAMPLE_ACCESS_KEY)
    error = await vtiger_client.error(vtiger_client.post("login", username="admin", accessKey=key))
    assert error["code"] == "INVALID_AUTH_TOKEN"


async def test_new_challenge_replaces_the_old_token(vtiger_client):
    first = await vtiger_client.ok(vtiger_client.get("getchallenge", username="admin"))
    await vtiger_client.ok(vtiger_client.get("getchallenge", username="admin"))
    key = access_key_for(first["token"], SAMPLE_ACCESS_KEY)
    error = await vtiger_client.error(vtiger_client.post("login", username="admin", accessKey=key))
    assert error["code"] == "INVALID_USER_CREDENTIALS"


async def test_challenge_for_unknown_or_missing_user_is_access_denied(vtiger_client):
    unknown = await vtiger_client.error(vtiger_client.get("getchallenge", username="nobody"))
    assert unknown == {"code": "ACCESS_DENIED", "message": "username does not exists"}
    missing = await vtiger_client.error(vtiger_client.get("getchallenge"))
    assert missing == {"code": "ACCESS_DENIED", "message": "No username given"}


async def test_login_sent_as_get_finds_no_parameters(vtiger_client):
    challenge = await vtiger_client.ok(vtiger_client.get("getchallenge", username="admin"))
    key = access_key_for(challenge["token"], SAMPLE_ACCESS_KEY)
    error = await vtiger_client.error(vtiger_client.get("login", username="admin", accessKey=key))
    assert error["code"] == "INVALID_AUTH_TOKEN"


async def test_inactive_user_cannot_log_in(vtiger_client, vtiger_state):
    vtiger_state.user_named(SALES_USERNAME).active = False
    challenge = await vtiger_client.ok(vtiger_client.get("getchallenge", username=SALES_USERNAME))
    key = access_key_for(challenge["token"], SALES_ACCESS_KEY)
    error = await vtiger_client.error(vtiger_client.post("login", username=SALES_USERNAME, accessKey=key))
    assert error == {"code": "AUTHENTICATION_REQUIRED", "message": "Given user is inactive"}


async def test_calls_without_session_need_authentication(vtiger_client):
    error = await vtiger_client.error(vtiger_client.get("listtypes"))
    assert error == {"code": "AUTHENTICATION_REQUIRED", "message": "Authencation required"}
    vtiger_client.session = "null"
    assert (await vtiger_client.error(vtiger_client.get("listtypes")))["code"] == "AUTHENTICATION_REQUIRED"


async def test_unknown_session_is_invalid_sessionid(vtiger_client):
    vtiger_client.session = "5f1d2c3b4a5968778695a4b3c2"
    error = await vtiger_client.error(vtiger_client.get("listtypes"))
    assert error == {"code": "INVALID_SESSIONID", "message": "Session Identifier provided is Invalid"}


async def test_idle_session_expires_then_is_unknown(vtiger_admin, vtiger_clock):
    vtiger_clock.advance(1801)
    error = await vtiger_admin.error(vtiger_admin.get("listtypes"))
    assert error == {"code": "SESSION_LEFT_IDLE", "message": "Session has been invalidated to due lack activity"}
    assert (await vtiger_admin.error(vtiger_admin.get("listtypes")))["code"] == "INVALID_SESSIONID"


async def test_activity_keeps_session_alive_until_its_lifetime_ends(vtiger_admin, vtiger_clock):
    for _ in range(48):  # 48 x 1799 s = 86352 s: still inside the day
        vtiger_clock.advance(1799)
        await vtiger_admin.ok(vtiger_admin.get("listtypes"))
    vtiger_clock.advance(1799)
    error = await vtiger_admin.error(vtiger_admin.get("listtypes"))
    assert error == {"code": "SESSION_EXPIRED", "message": "Session has life span over please login again"}
    assert (await vtiger_admin.error(vtiger_admin.get("listtypes")))["code"] == "INVALID_SESSIONID"


async def test_session_limits_are_configurable(vtiger_client, vtiger_state, vtiger_clock):
    vtiger_state.session_idle_seconds = 10
    await vtiger_client.login()
    vtiger_clock.advance(9)
    await vtiger_client.ok(vtiger_client.get("listtypes"))
    vtiger_clock.advance(11)
    assert (await vtiger_client.error(vtiger_client.get("listtypes")))["code"] == "SESSION_LEFT_IDLE"


async def test_logout_ends_the_session(vtiger_admin):
    assert await vtiger_admin.ok(vtiger_admin.post("logout")) == {"message": "successfull"}
    assert (await vtiger_admin.error(vtiger_admin.get("listtypes")))["code"] == "INVALID_SESSIONID"


async def test_logout_must_be_posted(vtiger_admin):
    error = await vtiger_admin.error(vtiger_admin.get("logout"))
    assert error == {"code": "OPERATION_NOT_SUPPORTED", "message": "Permission to perform the operation is denied"}
    await vtiger_admin.ok(vtiger_admin.get("listtypes"))


async def test_unknown_operation(vtiger_admin):
    error = await vtiger_admin.error(vtiger_admin.get("frobnicate"))
    assert error == {"code": "UNKNOWN_OPERATION", "message": "Unknown operation requested"}


async def test_errors_come_with_http_200_as_json(vtiger_client):
    response = await vtiger_client.http.get("/webservice.php", params={"operation": "listtypes"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["success"] is False


async def test_two_users_hold_separate_sessions(vtiger_client, vtiger_state):
    admin = await vtiger_client.login()
    sales = await vtiger_client.login(SALES_USERNAME, SALES_ACCESS_KEY)
    assert admin["sessionName"] != sales["sessionName"]
    assert sales["userId"] == "19x5"
    assert {s.user_id for s in vtiger_state.sessions.values()} == {1, 5}
