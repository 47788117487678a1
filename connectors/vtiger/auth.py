"""vTiger's challenge/login handshake and its session, as an ``httpx.Auth``.

1. ``getchallenge`` hands out a token; ``login`` wants
   ``accessKey = md5(token + userAccessKey)`` (lowercase hex) and opens a session
   named by ``sessionName``.
2. Every later call carries ``sessionName`` (query string for GET, form for POST).
3. When vTiger says the session is gone (``INVALID_SESSIONID``,
   ``SESSION_EXPIRED``, ``SESSION_LEFT_IDLE``) the flow logs in again once and
   sends the very same request again. vTiger checks the session before it does
   anything, so the first request had no effect: nothing is lost or repeated,
   and a read that was paging on goes on from the page it asked for.

The access key and the session name never reach a log or an error message.
"""

from __future__ import annotations

import hashlib
import logging
import typing as t
from collections.abc import Generator

import httpx

from connectors.base.bodies import object_under
from connectors.vtiger.errors import VtigerAuthError, check_vtiger_response, operation_of, session_error_code

__all__ = ["PRELOGIN_OPERATIONS", "VtigerSession", "access_key_digest"]

log = logging.getLogger(__name__)

PRELOGIN_OPERATIONS = frozenset({"getchallenge", "login"})
"""Operations sent without a session."""


def access_key_digest(token: str, access_key: str) -> str:
    """What ``login`` wants as ``accessKey``: md5 of the challenge token followed by the user's access key."""
    return hashlib.md5((token + access_key).encode(), usedforsecurity=False).hexdigest()


def _with_session(request: httpx.Request, session_name: str) -> httpx.Request:
    """The request carrying ``session_name``, where vTiger reads it for the request's verb."""
    if request.method == "GET":
        return httpx.Request(
            "GET",
            request.url.copy_set_param("sessionName", session_name),
            headers=request.headers,
            extensions=request.extensions,
        )
    form = dict(httpx.QueryParams(request.content.decode()).multi_items())
    form["sessionName"] = session_name
    headers = {k: v for k, v in request.headers.items() if k.lower() not in {"content-length", "content-type"}}
    return httpx.Request(request.method, request.url, data=form, headers=headers, extensions=request.extensions)


class VtigerSession(httpx.Auth):
    """Logs in on first use, adds ``sessionName`` to every call, logs in again once when the session dies."""

    requires_response_body = True

    def __init__(self, endpoint: str, username: str, access_key: str) -> None:
        self.endpoint = endpoint
        self.username = username
        self._access_key = access_key
        self._session_name: str | None = None
        self.user_id: str | None = None
        self.logins = 0

    def __repr__(self) -> str:
        return f"VtigerSession(endpoint={self.endpoint!r}, username={self.username!r})"

    @property
    def logged_in(self) -> bool:
        """Whether a session is open (as far as we know)."""
        return self._session_name is not None

    def forget(self) -> None:
        """Drop the session (after ``logout``)."""
        self._session_name = None

    def _result(self, response: httpx.Response) -> dict[str, t.Any]:
        check_vtiger_response(response)
        return object_under(response.json(), "result")

    def _login(self) -> Generator[httpx.Request, httpx.Response, None]:
        """The handshake; tried twice, since a login elsewhere with the same user replaces our challenge."""
        for attempt in (1, 2):
            challenge = yield httpx.Request(
                "GET", self.endpoint, params={"operation": "getchallenge", "username": self.username}
            )
            token = str(self._result(challenge)["token"])
            answer = yield httpx.Request(
                "POST",
                self.endpoint,
                data={
                    "operation": "login",
                    "username": self.username,
                    "accessKey": access_key_digest(token, self._access_key),
                },
            )
            try:
                result = self._result(answer)
            except VtigerAuthError as error:
                if attempt == 1 and error.code in {"INVALID_USER_CREDENTIALS", "INVALID_AUTH_TOKEN"}:
                    log.info("vTiger refused the login (%s); asking for a new challenge once", error.code)
                    continue
                raise
            self._session_name = str(result["sessionName"])
            self.user_id = str(result.get("userId") or "") or None
            self.logins += 1
            log.info("logged in to vTiger as %s (user %s)", self.username, self.user_id)
            return

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send ``request`` inside a session; on a dead session, log in again and send it once more."""
        if operation_of(request) in PRELOGIN_OPERATIONS:
            yield request
            return
        if self._session_name is None:
            yield from self._login()
        assert self._session_name is not None
        sent_with = self._session_name
        response = yield _with_session(request, sent_with)
        code = session_error_code(response)
        # Logging in again only to log out would be silly: a dead session is as good as logged out.
        if code is None or operation_of(request) == "logout":
            return
        log.info("vTiger session ended (%s); logging in again and resending the request", code)
        if self._session_name == sent_with:
            self._session_name = None
            yield from self._login()
        assert self._session_name is not None
        yield _with_session(request, self._session_name)
