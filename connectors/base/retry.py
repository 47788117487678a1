"""The one retry policy: only transient errors, honouring ``Retry-After``, bounded in tries and time."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

import httpx
import tenacity

from connectors.base.errors import ConnectorError, RetriableError

__all__ = ["RetryPolicy", "is_transient"]

T = t.TypeVar("T")


def is_transient(error: BaseException) -> bool:
    """Whether an error is worth another try: our retriable errors and httpx's transport failures."""
    return isinstance(error, RetriableError | httpx.TransportError)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry transient failures."""

    attempts: int = 6
    initial_wait: float = 0.5
    max_wait: float = 60.0
    max_total: float = 300.0
    sleep: t.Callable[[float], None] = tenacity.nap.sleep

    def _wait(self, state: tenacity.RetryCallState) -> float:
        backoff = tenacity.wait_exponential_jitter(multiplier=self.initial_wait, max=self.max_wait)(state)
        error = state.outcome.exception() if state.outcome else None
        asked = getattr(error, "retry_after", None)
        # The server's own Retry-After wins over our guess when it asks for longer.
        return max(backoff, float(asked)) if asked is not None else backoff

    def call(self, action: t.Callable[[], T]) -> T:
        """Run ``action``, retrying it on transient errors; the last error is raised as it was.

        A ``ConnectorError`` raised in the end says how many times it was tried
        (``attempts``), so a layer above knows the request's retries are spent.
        """
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_transient),
            stop=tenacity.stop_after_attempt(self.attempts) | tenacity.stop_after_delay(self.max_total),
            wait=self._wait,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(action)
        except ConnectorError as error:
            error.attempts = int(retrying.statistics.get("attempt_number", 1))
            raise
