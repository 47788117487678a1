"""Full extract of a big Xero sandbox organisation over loopback HTTP into the hub's raw staging.

Run: ``.venv/bin/python bench/xero_extract.py [--invoices 100000]``.

The sandbox runs in its own process (so the figures are the connector's, not
the emulator's memory), seeded with one Australian organisation scaled to the
number of invoices asked for. Its rate limits are lifted: this measures the
connector and the hub, not Xero's 60 calls a minute (the pacing test covers
that). Prints records per second per collection, API calls made against the
fewest possible, and peak memory.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import resource
import socket
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from connectors.base.tokens import MemoryTokenStore, Token
from connectors.xero.auth import XeroAuth, XeroEndpoints
from connectors.xero.client import XeroClient
from connectors.xero.source import XeroSource
from connectors.xero.streams import JOURNALS_PER_CALL, STREAMS, Paging
from datashare.store import Hub
from datashare.sync.extract import extract

INVOICES_PER_SCALE = 100
ROOMY = {"per_minute": 10**9, "per_day": 10**9, "concurrent": 100, "app_per_minute": 10**9}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(port: int, scale: int, lines: int, ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    import uvicorn

    from sandbox.xero import SAMPLE_CLIENT_ID, RateLimits, XeroState, create_app, seed_sample
    from sandbox.xero.auth import ACCOUNTING_SCOPES

    state = XeroState()
    start = time.perf_counter()
    seed_sample(state, scale=scale, orgs=("au",), lines=lines)
    org = state.org_named("AU")
    counts = {name: len(org.table(name)) for name in STREAMS if name != "Organisation"}
    lines = sum(len(i.get("LineItems", [])) for i in org.table("Invoices").values())
    answer = state.issue_tokens(
        SAMPLE_CLIENT_ID, [org.tenant_id], scopes=frozenset(ACCOUNTING_SCOPES | {"offline_access"})
    )
    ready.put((answer, org.tenant_id, counts, lines, time.perf_counter() - start))
    app = create_app(state, limits=RateLimits(**ROOMY))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def _minimum(paging: Paging, records: int, page_size: int) -> int:
    if paging == Paging.NONE:
        return 1
    if paging == Paging.OFFSET:
        return records // JOURNALS_PER_CALL + 1
    return max(1, math.ceil(records / page_size))


def main() -> None:
    """Seed, serve, extract everything, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=3, help="lines per invoice")
    args = parser.parse_args()
    scale = max(1, args.invoices // INVOICES_PER_SCALE)
    port = _free_port()
    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=_serve, args=(port, scale, args.lines, ready), daemon=True)
    server.start()
    answer, tenant_id, counts, lines, seeded = ready.get(timeout=600)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{base}/connections", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    print(
        f"sandbox: AU organisation, {counts['Invoices']:,} invoices ({lines / max(1, counts['Invoices']):.1f} lines "
        f"each), {counts['Contacts']:,} contacts, {counts['Journals']:,} journals; seeded in {seeded:.0f} s"
    )
    endpoints = XeroEndpoints.from_base(base)
    store = MemoryTokenStore(Token.from_response(answer, datetime.now(UTC)))
    # The token lives longer than the bench, so the client secret is never used.
    auth = XeroAuth(store, client_id="bench", client_secret="", token_url=endpoints.token_url, tenant_id=tenant_id)
    client = XeroClient(endpoints, auth, http=httpx.Client(timeout=120), pacer=_NoPacer())
    total_records = total_calls = total_minimum = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Hub.open(Path(tmp) / "bench.duckdb") as hub:
        print(f"{'collection':<16}{'records':>10}{'calls':>8}{'minimum':>9}{'seconds':>9}{'records/s':>11}")
        for stream in STREAMS.values():
            if stream.name == "Organisation":
                continue
            before, start = client.calls, time.perf_counter()
            result = extract(hub, XeroSource(client, stream), "bench")
            seconds = time.perf_counter() - start
            calls = client.calls - before
            minimum = _minimum(stream.paging, counts[stream.name], client.page_size)
            total_records += result.staged
            total_calls += calls
            total_minimum += minimum
            print(
                f"{stream.name:<16}{result.staged:>10,}{calls:>8,}{minimum:>9,}{seconds:>9.1f}"
                f"{result.staged / seconds:>11,.0f}"
            )
            assert result.staged == counts[stream.name], f"{stream.name}: {result.staged} of {counts[stream.name]}"
    elapsed = time.perf_counter() - started
    server.terminate()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{'total':<16}{total_records:>10,}{total_calls:>8,}{total_minimum:>9,}{elapsed:>9.1f}"
        f"{total_records / elapsed:>11,.0f}"
    )
    print(f"API calls: {total_calls:,} made, {total_minimum:,} the fewest possible")
    print(f"peak memory of the extracting process (max RSS): {peak_mib:,.0f} MiB")


class _NoPacer:
    """The bench lifts the sandbox's limits, so nothing to pace."""

    def before(self) -> None:
        return None

    def after(self, response: httpx.Response) -> None:
        return None


if __name__ == "__main__":
    main()
