"""A failed batch says which app, tenant, collection and endpoint, and why, in one line; retries are not stacked."""

from __future__ import annotations

import pickle

import pytest

from connectors.base.errors import FatalError, MalformedResponseError, RetriableError
from tasks.pull import BatchFailedError
from tasks.sync import retry_transient


def _spent(error: RetriableError, attempts: int, endpoint: str | None = None) -> RetriableError:
    """``error`` as the connector's retry policy leaves it once its tries are spent."""
    error.attempts, error.endpoint = attempts, endpoint
    return error


def test_a_malformed_answer_that_outlasted_the_retries_names_app_tenant_collection_endpoint_and_tries() -> None:
    error = _spent(
        MalformedResponseError("Xero GET /api.xro/2.0/Contacts: body is empty"), 6, "GET /api.xro/2.0/Contacts"
    )
    failed = BatchFailedError.of(error, app="xero", stream="Contacts", tenant="acme-au", entity="organizations")
    assert str(failed) == (
        "xero Contacts for tenant acme-au: Xero GET /api.xro/2.0/Contacts: body is empty (gave up after 6 attempts)"
    )
    assert failed.row()["notes"] == ("failed: Xero GET /api.xro/2.0/Contacts: body is empty (gave up after 6 attempts)")
    assert (failed.row()["entity"], failed.row()["read"], failed.row()["created"]) == ("organizations", 0, 0)


def test_an_error_that_does_not_name_its_endpoint_gets_it_added_once() -> None:
    error = FatalError("Salesforce: the external id matched several records")
    error.endpoint = "PATCH /services/data/v66.0/composite/sobjects/Account/Datashare_Id__c"
    failed = BatchFailedError.of(error, app="salesforce", stream="push", tenant="sf-au", entity="organizations")
    assert str(failed) == (
        "push organizations to salesforce for tenant sf-au: Salesforce: the external id matched several records "
        "(at PATCH /services/data/v66.0/composite/sobjects/Account/Datashare_Id__c)"
    )


def test_an_error_of_our_own_code_is_named_by_its_type() -> None:
    failed = BatchFailedError.of(KeyError("ContactID"), app="xero", stream="Contacts", tenant="acme-au")
    assert failed.reason == "KeyError: 'ContactID'"


def test_the_reason_is_one_short_line_without_secrets() -> None:
    error = RetriableError("GET https://x.test/a?access_token=s3cr3t -> 503:\n" + "<p>down</p>\n" * 100)
    failed = BatchFailedError.of(
        RuntimeError(f"Bearer s3cr3t refused\n{error}"), app="xero", stream="Items", tenant="t"
    )
    assert "\n" not in str(failed)
    assert "s3cr3t" not in str(failed)
    assert len(failed.reason) == 400
    assert failed.reason.endswith("…")


def test_a_batch_failure_survives_being_stored_by_prefect() -> None:
    failed = BatchFailedError.of(FatalError("no"), app="neto", stream="orders", tenant="shop", entity="invoices")
    again = pickle.loads(pickle.dumps(failed))  # noqa: S301 (our own object, just pickled)
    assert (str(again), again.row()) == (str(failed), failed.row())


class _State:
    """What Prefect hands the retry condition: a state whose result raises the task's error."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def result(self) -> None:
        raise self.error


def _wrapped(error: BaseException) -> BatchFailedError:
    try:
        raise BatchFailedError.of(error, app="xero", stream="Items", tenant="t") from error
    except BatchFailedError as failed:
        return failed


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (RetriableError("503, not retried yet"), True),
        (_spent(RetriableError("503, six times"), 6), False),
        (_spent(MalformedResponseError("garbled, six times"), 6), False),
        (FatalError("400"), False),
        (_wrapped(RetriableError("503, not retried yet")), True),
        (_wrapped(_spent(MalformedResponseError("garbled, six times"), 6)), False),
        (_wrapped(FatalError("403")), False),
    ],
    ids=["fresh", "spent", "spent garbled", "fatal", "batch fresh", "batch spent", "batch fatal"],
)
def test_prefect_retries_a_task_only_for_transient_errors_whose_requests_were_not_retried_already(
    error: BaseException, retried: bool
) -> None:
    assert retry_transient(None, None, _State(error)) is retried
