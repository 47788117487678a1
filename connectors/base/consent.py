"""OAuth2 consent with a loopback redirect: the authorization-code flow (with PKCE) every OAuth app shares.

``authorize`` opens the app's consent page (the user logs in and approves),
catches the redirect on a one-shot listener on 127.0.0.1, and exchanges the
code for tokens (authlib does the OAuth2 and PKCE). What to do with the tokens
(Xero's organisation choice, Salesforce's instance URL) is each app's own.
"""

from __future__ import annotations

import http.server
import threading
import typing as t
import webbrowser
from urllib.parse import parse_qs, urlsplit

from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from connectors.base.errors import AuthError

__all__ = ["WAIT_SECONDS", "authorize"]

WAIT_SECONDS = 300
"""How long the user has to answer the consent page."""


class _Catcher(http.server.BaseHTTPRequestHandler):
    """Answers the one redirect the app sends back, and remembers its URL."""

    server: _CatchServer

    def do_GET(self) -> None:
        """Take the callback and tell the user they can close the tab."""
        host, port = self.server.server_address[:2]
        self.server.callback = f"http://{host!s}:{port}{self.path}"
        body = f"datashare is connected to {self.server.label}. You can close this tab.".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.done.set()

    def log_message(self, format: str, *args: t.Any) -> None:
        """Silence: the callback URL holds the authorization code."""


class _CatchServer(http.server.HTTPServer):
    callback: str | None = None
    done: threading.Event
    label: str


def _listen(label: str) -> _CatchServer:
    server = _CatchServer(("127.0.0.1", 0), _Catcher)
    server.done = threading.Event()
    server.label = label
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def authorize(
    label: str,
    *,
    authorize_url: str,
    token_url: str,
    client_id: str,
    client_secret: str | None,
    scope: str,
    open_url: t.Callable[[str], object] = webbrowser.open,
    wait_seconds: float = WAIT_SECONDS,
) -> dict[str, t.Any]:
    """Run the consent flow for the app named ``label``; the token endpoint's answer.

    ``AuthError`` when the user does not answer in time or the app refuses,
    with the app's own words (``error_description``) where it gives them.
    """
    server = _listen(label)
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/callback"
    try:
        session = OAuth2Session(
            client_id,
            client_secret,
            scope=scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if client_secret else "none",
        )
        verifier = generate_token(64)
        url, state = session.create_authorization_url(authorize_url, code_verifier=verifier)
        open_url(url)
        if not server.done.wait(wait_seconds) or server.callback is None:
            raise AuthError(f"no answer from {label}'s consent page within {wait_seconds:.0f} s")
        query = parse_qs(urlsplit(server.callback).query)
        if "error" in query:
            why = query.get("error_description", query["error"])[0]
            raise AuthError(f"{label} refused the connection: {why}")
        answer = session.fetch_token(
            token_url, authorization_response=server.callback, code_verifier=verifier, state=state
        )
    finally:
        server.shutdown()
        server.server_close()
    return dict(answer)
