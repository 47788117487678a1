"""Shop orders into Xero for the AU tenant, end to end over loopback HTTP, without Prefect.

Run: ``.venv/bin/python bench/shops.py [--scale 20]`` (``--scale 2`` runs in a few seconds).

What one scale unit seeds: each shop's own sample (``sandbox/{shopify,magento,neto}/seed.py``;
at scale 1 Shopify has about 23 customers, 8 products and 10 orders, Magento
12 customers, 17 products and 24 orders, Neto 8 customers, 12 items and 12
orders, with paid, unpaid, cancelled, discounted and refunded ones), and the
Xero AU organisation at scale 1 (its customers and items are what the shops
match). The sandbox runs in its own process, with Xero's limits lifted; each
shop keeps its own (Shopify's query cost bucket, Neto's calls a minute).

What runs: the crm_sales then the accounting domain's work with the engine's
own functions (``batches_for``/``pull_batch`` for every (app, collection),
``pushes_for``/``push_batch`` for every push), then the same again: the second
pass must write nothing, which is asserted after the figures are printed.
Prints per batch records, seconds and records per second; requests each app
answered (counted by the sandbox); rejects by reason; peak RSS.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
import typing as t
from collections import Counter
from pathlib import Path

import tenant as bench_tenant
from xero_extract import ROOMY, _free_port

from datashare.cli.demo import DEMO_ENVIRONMENT, _connect
from datashare.config import load_config
from datashare.model import DOMAINS, with_references
from datashare.store import Hub
from tasks.pull import BatchSummary, pull_batch, push_batch
from tasks.sync import batches_for, pushes_for, sink_for, source_and_mapper
from tasks.wiring import token_store

ORGANISATION = "Southern Cross Outdoor Co"
SHOPS = ("shopify", "magento", "neto")

_APPS = """[tenants.apps.shopify]
base_url = "{base}/shopify/au"
secrets = { access_token = "env:DEMO_SHOPIFY_TOKEN" }

[tenants.apps.magento]
base_url = "{base}/magento/au"
timezone = "Australia/Sydney"
secrets = { access_token = "env:DEMO_MAGENTO_TOKEN" }

[tenants.apps.neto]
base_url = "{base}/neto/au"
username = "datashare"
secrets = { api_key = "env:DEMO_NETO_KEY" }
"""


def _serve(port: int, scale: int, ready: multiprocessing.Queue, calls: t.Any) -> None:  # type: ignore[type-arg]
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.types import Receive, Scope, Send

    from sandbox.magento import MagentoState
    from sandbox.magento import create_app as create_magento
    from sandbox.magento import seed_sample as seed_magento
    from sandbox.neto import NetoState
    from sandbox.neto import create_app as create_neto
    from sandbox.neto import seed_sample as seed_neto
    from sandbox.shopify import ShopifyState
    from sandbox.shopify import create_app as create_shopify
    from sandbox.shopify import seed_sample as seed_shopify
    from sandbox.xero import RateLimits, XeroState
    from sandbox.xero import create_app as create_xero
    from sandbox.xero import seed_sample as seed_xero

    start = time.perf_counter()
    xero = XeroState()
    seed_xero(xero, scale=1, orgs=("au",))
    shopify, magento, neto = ShopifyState(), MagentoState(), NetoState()
    seeded = {
        "shopify": seed_shopify(shopify, scale=scale).counts,
        "magento": seed_magento(magento, scale=scale).counts,
        "neto": seed_neto(neto, scale=scale).counts,
    }
    ready.put({"seeded": {k: dict(v) for k, v in seeded.items()}, "seconds": time.perf_counter() - start})
    app = Starlette(
        routes=[
            Mount("/xero", app=create_xero(xero, limits=RateLimits(**ROOMY))),
            Mount("/shopify/au", app=create_shopify(shopify)),
            Mount("/magento/au", app=create_magento(magento)),
            Mount("/neto/au", app=create_neto(neto)),
        ]
    )

    async def counted(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            app_name = scope["path"].strip("/").split("/")[0]
            calls[app_name] = calls.get(app_name, 0) + 1
        await app(scope, receive, send)

    uvicorn.run(counted, host="127.0.0.1", port=port, log_level="warning")


def one_pass(config: Path, label: str) -> list[tuple[str, BatchSummary, float]]:
    """The crm_sales then accounting work for the tenant; each batch with its seconds."""
    settings = load_config(config).tenant("bench")
    rows: list[tuple[str, BatchSummary, float]] = []
    for domain in ("crm_sales", "accounting"):
        needed = with_references(DOMAINS[domain])
        with Hub.open(settings.store_path()) as hub:
            for app, stream in batches_for(settings, needed):
                source, mapper = source_and_mapper(settings, app, stream)
                start = time.perf_counter()
                summary = pull_batch(hub, source, mapper, f"{label}-{domain}")
                rows.append((domain, summary, time.perf_counter() - start))
            for app, entity in pushes_for(settings, needed):
                start = time.perf_counter()
                summary = push_batch(hub, sink_for(settings, app, hub), entity, f"{label}-{domain}")
                rows.append((domain, summary, time.perf_counter() - start))
    return rows


def report(title: str, rows: list[tuple[str, BatchSummary, float]], wall: float) -> None:
    """Per batch: records, what was done, seconds, records per second."""
    print(f"\n{title}: {wall:.1f} s")
    print(f"  {'domain':<11}{'app':<9}{'collection':<14}{'entity':<14}{'records':>8}{'done':>28}{'s':>7}{'rec/s':>8}")
    for domain, s, seconds in rows:
        done = f"+{s.created} ~{s.updated} ={s.unchanged} link {s.linked} skip {s.skipped} rej {s.rejected}"
        rate = f"{s.read / seconds:,.0f}" if seconds > 0 and s.read else "-"
        print(f"  {domain:<11}{s.app:<9}{s.stream:<14}{s.entity:<14}{s.read:>8}{done:>28}{seconds:>7.2f}{rate:>8}")
        if s.rejected and s.notes:
            print(f"    why: {s.notes[:300]}")


def main() -> None:
    """Seed, serve, run two passes, print the figures; fail if the second pass wrote anything."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20)
    args = parser.parse_args()
    for name, value in DEMO_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    port = _free_port()
    manager = multiprocessing.Manager()
    calls = manager.dict()
    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=_serve, args=(port, args.scale, ready, calls), daemon=True)
    server.start()
    seeded = ready.get(timeout=600)
    time.sleep(1.0)  # uvicorn binds after the seed
    print(f"seeded in {seeded['seconds']:.1f} s at scale {args.scale}: {seeded['seeded']}")
    try:
        with tempfile.TemporaryDirectory() as folder:
            config = bench_tenant.write_config(Path(folder), f"http://127.0.0.1:{port}", ORGANISATION, _APPS)
            settings = load_config(config).tenant("bench")
            _connect(settings, token_store(settings, "xero"))
            figures: list[tuple[str, list[tuple[str, BatchSummary, float]], float, dict[str, int]]] = []
            for label in ("first pass", "second pass (incremental)"):
                before = dict(calls)
                start = time.perf_counter()
                rows = one_pass(config, label.split()[0])
                made = {k: calls.get(k, 0) - before.get(k, 0) for k in ("xero", *SHOPS)}
                figures.append((label, rows, time.perf_counter() - start, made))
            with Hub.open(settings.store_path()) as hub:
                reasons = Counter(
                    {f"{app} {stage}: {reason[:90]}": n for app, stage, reason, n in hub.query(
                        "SELECT app, stage, reason, count(*) FROM rejects GROUP BY ALL ORDER BY 4 DESC LIMIT 8")}
                )  # fmt: skip
                invoices = dict(
                    hub.query(
                        "SELECT s.app, count(*) FROM id_map s JOIN id_map x ON x.hub_id = s.hub_id "
                        "AND x.entity = s.entity AND x.app = 'xero' AND x.status = 'linked' "
                        "WHERE s.entity = 'invoices' AND s.app IN ('shopify', 'magento', 'neto') GROUP BY s.app"
                    )
                )
    finally:
        server.terminate()
    for label, rows, wall, made in figures:
        report(label, rows, wall)
        print(f"  requests answered: {made}")
    print(f"\nshop orders that are Xero invoices: {invoices}")
    print("rejects and notes by reason:")
    for reason, n in reasons.most_common():
        print(f"  {n:>5}  {reason}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    second = figures[-1][1]
    written = sum(s.created + s.updated + s.deleted for _, s, _ in second if s.stream == "push")
    assert written == 0, f"the second pass wrote {written} records"


if __name__ == "__main__":
    main()
