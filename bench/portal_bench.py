"""The regulator's overview page for 1,000 enterprise-years (`python -m bench.portal_bench`; not
in `make test`, too long).

On a fresh anvil of its own with the suite deployed (industry 01's standards), 1,000 enterprises
get a year of 13 records each (12 monthly, 1 annual aggregated) the way `bench.verify_bench`
generates them: pipelined raw transactions, full blocks, no evidence. Generation is not timed.
The portal then runs on uvicorn on loopback and `GET /` is timed end to end (the batched reads,
decoding 13,000 records and rendering the HTML), best of three; the row
`portal_overview_seconds_1000` (target ≤ 2 s) goes into `bench/results/latest.json`, the other
rows left as they are.
"""

import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import uvicorn

from bench import latest
from bench.latest import RESULTS
from bench.timing import best_of

ENTERPRISES = 1000
TARGET_SECONDS = 2.0


def main() -> None:
    from ape import networks
    from ape.logging import logger

    from bench import verify_bench
    from bench.run import fresh_node, small_suite
    from offchain.chain.reader import ChainReader
    from offchain.chain.transact import Transactor
    from offchain.core.store import FolderStore
    from offchain.web.app import create_app

    logger.set_level("WARNING")
    work = RESULTS.parent / ".portal.tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store = FolderStore(work / "store")
    node = fresh_node()
    node.start()
    try:
        with networks.parse_network_choice(f"ethereum:local:{node.url}") as provider:
            deployer = small_suite(provider, store)
        reader = ChainReader(node.url, deployer.manifest, store)
        started = time.perf_counter()
        verify_bench._generate(reader, Transactor(reader.w3, reader.errors), ENTERPRISES)
        generated = time.perf_counter() - started

        portal_reader = ChainReader(node.url, deployer.manifest, store)
        url, stop = _serve(create_app(lambda: portal_reader, store))
        try:
            pages: list[bytes] = []
            before = portal_reader.round_trips
            seconds = best_of(lambda: pages.append(_get(url + "/")), 3)
            trips = (portal_reader.round_trips - before) // 3
        finally:
            stop()
    finally:
        node.stop()
        shutil.rmtree(work, ignore_errors=True)
    rows = pages[-1].count(b"<tr data-code=")
    if rows != ENTERPRISES:
        raise RuntimeError(f"the overview shows {rows} enterprises, not {ENTERPRISES}")
    row = {
        "name": f"portal_overview_seconds_{ENTERPRISES}",
        "value": round(seconds, 3),
        "unit": "s",
        "note": f"GET / over uvicorn: {ENTERPRISES} enterprise-years of 13 records, "
        f"{trips} RPC round trips, {len(pages[-1]) // 1024} KiB of HTML, best of 3 "
        f"(target ≤ {TARGET_SECONDS:g} s); generation {generated:.0f} s not timed",
    }
    print(f"\nPortal overview, {ENTERPRISES} enterprise-years")
    print(f"  seconds      {row['value']}")
    print(f"  round trips  {trips}")
    print(f"  HTML         {len(pages[-1]) // 1024} KiB")
    latest.merge([row])


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as answer:
        return answer.read()


def _serve(app: Any) -> tuple[str, Callable[[], None]]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)

    return f"http://127.0.0.1:{sock.getsockname()[1]}", stop


if __name__ == "__main__":
    main()
