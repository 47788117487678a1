"""The vTiger client against the sandbox, in process: sessions, every operation, paging, sync, writes."""

from __future__ import annotations

import hashlib
import json
import logging

import httpx
import pytest

from connectors.base.errors import FatalError
from connectors.vtiger import (
    AccessDeniedError,
    Condition,
    MandatoryFieldsMissingError,
    SyncState,
    VtigerAuthError,
)
from connectors.vtiger.auth import access_key_digest
from connectors.vtiger.streams import UnknownModuleError
from connectors.vtiger.vtql import VtqlError
from sandbox.common.clock import FakeClock
from sandbox.vtiger import SALES_ACCESS_KEY, SALES_USERNAME, SAMPLE_ACCESS_KEY, VtigerState

# --- sessions ---------------------------------------------------------------------------------


def test_login_answers_the_challenge_with_md5_of_token_and_access_key(vtiger_client, vtiger_requests, vtiger_state):
    assert vtiger_client.login() == "19x1"
    assert vtiger_requests.operations() == ["getchallenge", "login", "listtypes"]
    login = vtiger_requests.sent[1][2]
    assert login["accessKey"] != SAMPLE_ACCESS_KEY
    assert len(login["accessKey"]) == 32
    assert login["accessKey"] == login["accessKey"].lower()
    assert len(vtiger_state.sessions) == 1


def test_one_login_serves_every_later_call(vtiger_client, vtiger_requests):
    vtiger_client.types()
    vtiger_client.describe("Accounts")
    list(vtiger_client.query_all("Accounts"))
    assert vtiger_requests.count("login") == 1
    session = {params["sessionName"] for _, op, params in vtiger_requests.sent if op not in {"getchallenge", "login"}}
    assert len(session) == 1


def test_the_access_key_digest_is_lowercase_md5_of_token_then_key():
    assert access_key_digest("5f1e", "secret") == hashlib.md5(b"5f1esecret", usedforsecurity=False).hexdigest()


def test_a_wrong_access_key_is_an_auth_error_after_one_fresh_challenge(vtiger_connect, vtiger_requests):
    client = vtiger_connect(access_key="not-the-key")
    with pytest.raises(VtigerAuthError) as caught:
        client.types()
    assert caught.value.code == "INVALID_USER_CREDENTIALS"
    assert "not-the-key" not in str(caught.value)
    assert vtiger_requests.operations() == ["getchallenge", "login", "getchallenge", "login"]


def test_an_unknown_user_is_access_denied(vtiger_connect):
    with pytest.raises(AccessDeniedError) as caught:
        vtiger_connect(username="nobody").types()
    assert caught.value.code == "ACCESS_DENIED"


def test_an_inactive_user_needs_authentication(vtiger_connect, vtiger_state):
    vtiger_state.users[5].active = False
    with pytest.raises(VtigerAuthError) as caught:
        vtiger_connect(username=SALES_USERNAME, access_key=SALES_ACCESS_KEY).types()
    assert caught.value.code == "AUTHENTICATION_REQUIRED"


def test_an_expired_challenge_is_answered_with_a_fresh_one(vtiger_client, vtiger_http, vtiger_clock):
    def expire_first_challenge(request: httpx.Request) -> None:
        if b"operation=login" in request.content and not expired:
            expired.append(True)
            vtiger_clock.advance(301)  # the challenge lives 5 minutes

    expired: list[bool] = []
    vtiger_http.event_hooks["request"].append(expire_first_challenge)
    assert vtiger_client.login() == "19x1"
    assert expired
    assert vtiger_client.session.logins == 1


def _end_session(state: VtigerState, clock: FakeClock, how: str) -> None:
    if how == "INVALID_SESSIONID":
        state.sessions.clear()  # e.g. the server restarted
    elif how == "SESSION_EXPIRED":
        clock.advance(86_401)
    else:
        clock.advance(1_801)


@pytest.mark.parametrize("how", ["INVALID_SESSIONID", "SESSION_EXPIRED", "SESSION_LEFT_IDLE"])
def test_a_session_ending_mid_read_logs_in_again_and_returns_every_record_once(
    how, vtiger_accounts, vtiger_client, vtiger_state, vtiger_clock, vtiger_requests
):
    rows = vtiger_client.query_all("Accounts")
    seen = [next(rows)["id"] for _ in range(150)]  # into the second page
    _end_session(vtiger_state, vtiger_clock, how)
    seen += [row["id"] for row in rows]
    assert seen == vtiger_accounts
    assert vtiger_client.session.logins == 2
    assert vtiger_requests.count("query") == 4  # three pages, the third sent twice


@pytest.mark.parametrize("how", ["INVALID_SESSIONID", "SESSION_EXPIRED"])
def test_a_session_ending_mid_sync_loses_and_repeats_nothing(
    how, vtiger_accounts, vtiger_client, vtiger_state, vtiger_clock
):
    pages = vtiger_client.sync("Accounts")
    first = next(pages)
    _end_session(vtiger_state, vtiger_clock, how)
    rest = list(pages)
    ids = [r["id"] for page in [first, *rest] for r in page.updated]
    assert ids == vtiger_accounts
    assert vtiger_client.session.logins == 2


def test_a_create_refused_for_a_dead_session_is_sent_again_once(vtiger_client, vtiger_state):
    vtiger_client.login()
    vtiger_state.sessions.clear()
    created = vtiger_client.create("Accounts", {"accountname": "After Restart Pty Ltd"})
    names = [r.values["accountname"] for r in vtiger_state.entities.values()]
    assert names == ["After Restart Pty Ltd"]
    assert created["accountname"] == "After Restart Pty Ltd"


def test_logout_ends_the_session_and_the_next_call_logs_in_again(vtiger_client, vtiger_state, vtiger_requests):
    vtiger_client.login()
    vtiger_client.logout()
    assert vtiger_state.sessions == {}
    vtiger_client.logout()  # nothing open: nothing sent
    assert vtiger_requests.count("logout") == 1
    vtiger_client.types()
    assert vtiger_client.session.logins == 2


def test_logout_of_a_dead_session_does_not_log_in_again(vtiger_client, vtiger_state, vtiger_requests):
    vtiger_client.login()
    vtiger_state.sessions.clear()
    with pytest.raises(VtigerAuthError):
        vtiger_client.logout()
    assert vtiger_requests.count("login") == 1
    assert not vtiger_client.session.logged_in


def test_the_client_as_a_context_manager_logs_out(vtiger_connect, vtiger_state):
    with vtiger_connect() as client:
        client.login()
        assert len(vtiger_state.sessions) == 1
    assert vtiger_state.sessions == {}


def test_secrets_stay_out_of_logs_and_errors(vtiger_client, vtiger_state, vtiger_requests, caplog):
    caplog.set_level(logging.DEBUG)
    vtiger_client.login()
    with pytest.raises(AccessDeniedError) as caught:
        vtiger_client.retrieve("11x999999")
    session_name = next(iter(vtiger_state.sessions))
    digest = vtiger_requests.sent[1][2]["accessKey"]
    text = caplog.text + str(caught.value) + repr(vtiger_client) + repr(vtiger_client.session)
    assert "operation=retrieve" in caplog.text  # httpx did log the request…
    for secret in (SAMPLE_ACCESS_KEY, session_name, digest):
        assert secret not in text  # …without the secrets


# --- reading ----------------------------------------------------------------------------------


def test_types_lists_the_modules(vtiger_client):
    assert {"Accounts", "Contacts", "Invoice", "Tax"} <= set(vtiger_client.types())


def test_describe_gives_fields_and_id_prefix(vtiger_client):
    described = vtiger_client.describe("Contacts")
    assert described["idPrefix"] == "12"
    lastname = next(f for f in described["fields"] if f["name"] == "lastname")
    assert lastname["mandatory"] is True


def test_describe_of_a_module_outside_the_catalogue_is_refused_before_sending(vtiger_client, vtiger_requests):
    with pytest.raises(UnknownModuleError):
        vtiger_client.describe("Users")
    assert vtiger_requests.sent == []


def test_query_returns_the_rows_of_one_statement(vtiger_seeded, vtiger_client):
    rows = vtiger_client.query("SELECT count(*) FROM Invoice;")
    assert rows == [{"count": str(sum(1 for r in vtiger_seeded.entities.values() if r.module == "Invoice"))}]


def test_query_all_pages_with_limit_offset_100_in_id_order(vtiger_accounts, vtiger_client, vtiger_requests):
    rows = list(vtiger_client.query_all("Accounts", columns=["accountname"]))
    assert [r["id"] for r in rows] == vtiger_accounts
    assert set(rows[0]) == {"accountname", "id"}
    statements = [params["query"] for _, op, params in vtiger_requests.sent if op == "query"]
    assert statements == [
        "SELECT accountname FROM Accounts ORDER BY id LIMIT 0,100;",
        "SELECT accountname FROM Accounts ORDER BY id LIMIT 100,100;",
        "SELECT accountname FROM Accounts ORDER BY id LIMIT 200,100;",
    ]


def test_query_all_stops_after_a_full_last_page_with_an_empty_one(vtiger_add, vtiger_client, vtiger_requests):
    for n in range(200):
        vtiger_add("Accounts", {"accountname": f"Org {n}"})
    assert len(list(vtiger_client.query_all("Accounts"))) == 200
    assert vtiger_requests.count("query") == 3


def test_query_all_filters_by_where(vtiger_accounts, vtiger_client):
    rows = list(
        vtiger_client.query_all(
            "Accounts",
            where=[Condition("accountname", "like", "Customer 25%"), Condition("id", "!=", vtiger_accounts[250])],
        )
    )
    assert [r["accountname"] for r in rows] == [f"Customer {n} Pty Ltd" for n in range(251, 260)]


@pytest.mark.parametrize(
    "name",
    [
        "O'Brien & Sons",
        "Quote '' doubled",
        "Back\\slash",
        "Ends with backslash\\",
        "\\' OR 1=1; --",
        "x' OR accountname LIKE '%",
    ],
)
def test_values_in_where_clauses_are_escaped_so_they_match_only_themselves(name, vtiger_add, vtiger_client):
    vtiger_add("Accounts", {"accountname": "Decoy Pty Ltd"})
    created = vtiger_client.create("Accounts", {"accountname": name})
    rows = list(vtiger_client.query_all("Accounts", where={"accountname": name}))
    assert [(r["id"], r["accountname"]) for r in rows] == [(created["id"], name)]


def test_names_outside_the_catalogue_never_reach_vtiger(vtiger_client, vtiger_requests):
    with pytest.raises(VtqlError):
        vtiger_client.query_all("Accounts", where={"accountname = '' OR id": "1"})
    with pytest.raises(VtqlError):
        vtiger_client.query_all("Accounts", columns=["*"])
    with pytest.raises(UnknownModuleError):
        vtiger_client.query_all("Accounts; DELETE")
    assert vtiger_requests.sent == []


def test_retrieve_returns_an_inventory_record_with_its_line_items(vtiger_seeded, vtiger_client):
    invoice = next(r for r in vtiger_seeded.entities.values() if r.module == "Invoice")
    record = vtiger_client.retrieve(f"7x{invoice.crmid}")
    assert record["id"] == f"7x{invoice.crmid}"
    assert len(record["LineItems"]) == len(invoice.line_items) >= 1


# --- sync -------------------------------------------------------------------------------------


def test_sync_follows_more_until_done_in_batches_of_about_100(vtiger_accounts, vtiger_client):
    pages = list(vtiger_client.sync("Accounts"))
    assert [len(p.updated) for p in pages] == [100, 100, 60]
    assert [p.last for p in pages] == [False, False, True]
    assert [r["id"] for p in pages for r in p.updated] == vtiger_accounts


def test_sync_resumes_from_a_stored_cursor_without_repeating(vtiger_accounts, vtiger_client):
    first = next(iter(vtiger_client.sync("Accounts")))
    rest = list(vtiger_client.sync("Accounts", first.cursor))
    assert [r["id"] for r in first.updated] + [r["id"] for p in rest for r in p.updated] == vtiger_accounts


def test_an_incremental_sync_returns_exactly_one_edit_and_one_delete(
    vtiger_accounts, vtiger_client, vtiger_clock, vtiger_state
):
    *_, last = vtiger_client.sync("Accounts")
    vtiger_clock.advance(30)
    vtiger_client.revise({"id": vtiger_accounts[10], "website": "https://example.com.au"})
    vtiger_client.delete(vtiger_accounts[20])
    vtiger_clock.advance(30)
    pages = list(vtiger_client.sync("Accounts", last.cursor))
    assert [r["id"] for p in pages for r in p.updated] == [vtiger_accounts[10]]
    assert pages[0].updated[0]["website"] == "https://example.com.au"
    assert [i for p in pages for i in p.deleted] == [vtiger_accounts[20]]
    assert next(iter(vtiger_client.sync("Accounts", pages[-1].cursor))).updated == []


def test_a_change_saved_in_the_same_second_as_the_last_one_synced_is_not_lost(vtiger_client, vtiger_clock):
    vtiger_client.create("Accounts", {"accountname": "First Pty Ltd"})
    *_, last = vtiger_client.sync("Accounts")  # vTiger's clock is still in that second
    late = vtiger_client.create("Accounts", {"accountname": "Same Second Pty Ltd"})
    again = [r["id"] for p in vtiger_client.sync("Accounts", last.cursor) for r in p.updated]
    assert late["id"] in again


def test_sync_of_an_inventory_module_brings_the_line_items(vtiger_seeded, vtiger_client):
    records = [r for p in vtiger_client.sync("PurchaseOrder") for r in p.updated]
    assert len(records) == sum(1 for r in vtiger_seeded.entities.values() if r.module == "PurchaseOrder")
    assert all(r["LineItems"] for r in records)


def test_sync_of_a_table_without_modified_time_is_refused(vtiger_client):
    with pytest.raises(FatalError, match="query_all"):
        vtiger_client.sync("Tax")


def test_an_application_sync_needs_an_admin_and_a_user_sync_does_not(vtiger_connect, vtiger_add):
    vtiger_add("Accounts", {"accountname": "Admin's Pty Ltd"})
    with pytest.raises(AccessDeniedError):
        list(vtiger_connect(username=SALES_USERNAME, access_key=SALES_ACCESS_KEY).sync("Accounts"))
    sales = vtiger_connect(username=SALES_USERNAME, access_key=SALES_ACCESS_KEY, sync_type="user")
    assert [p.updated for p in sales.sync("Accounts")] == [[]]  # nothing is assigned to the sales user


def test_the_sync_cursor_is_a_small_json_document():
    assert SyncState.parse(None) == SyncState(0)
    assert SyncState.parse(SyncState(1_700_000_000).dump()) == SyncState(1_700_000_000)
    assert json.loads(SyncState(5).dump()) == {"modified_time": 5}


# --- writing ----------------------------------------------------------------------------------


def test_create_retrieve_revise_delete(vtiger_client):
    created = vtiger_client.create("Accounts", {"accountname": "Acme Pty Ltd", "phone": "02 9999 0000"})
    assert created["assigned_user_id"] == "19x1"  # the logged-in user, filled in by the client
    assert vtiger_client.retrieve(created["id"]) == created
    revised = vtiger_client.revise({"id": created["id"], "website": "https://acme.example"})
    assert revised["website"] == "https://acme.example"
    assert revised["phone"] == "02 9999 0000"  # a revise leaves the fields it does not send
    vtiger_client.delete(created["id"])
    with pytest.raises(AccessDeniedError):
        vtiger_client.retrieve(created["id"])


def test_writing_a_read_only_module_is_refused(vtiger_client, vtiger_requests):
    with pytest.raises(FatalError, match="read only"):
        vtiger_client.create("Currency", {"currency_name": "Euro", "currency_code": "EUR", "currency_symbol": "€"})
    assert vtiger_requests.sent == []


def test_revise_needs_an_id(vtiger_client):
    with pytest.raises(FatalError, match="id"):
        vtiger_client.revise({"accountname": "No Id"})


def test_an_inventory_record_without_line_items_is_refused(vtiger_client, vtiger_add):
    account = vtiger_add("Accounts", {"accountname": "Buyer Pty Ltd"})
    with pytest.raises(MandatoryFieldsMissingError) as caught:
        vtiger_client.create(
            "Invoice",
            {"subject": "Empty", "account_id": account["id"], "bill_street": "1 A St", "ship_street": "1 A St"},
        )
    assert caught.value.code == "MANDATORY_FIELDS_MISSING"


def test_create_sends_values_as_json_in_a_post_form(vtiger_client, vtiger_requests):
    vtiger_client.create("Accounts", {"accountname": "Form Pty Ltd", "employees": "12"})
    method, _, params = vtiger_requests.sent[-1]
    assert method == "POST"
    assert params["elementType"] == "Accounts"
    assert json.loads(params["element"]) == {
        "accountname": "Form Pty Ltd",
        "employees": "12",
        "assigned_user_id": "19x1",
    }


def test_the_client_counts_its_calls(vtiger_client):
    vtiger_client.types()
    vtiger_client.create("Accounts", {"accountname": "Counted Pty Ltd"})
    assert vtiger_client.calls == 2
