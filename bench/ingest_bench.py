"""Durability under load of the ingest service (`python -m bench.ingest_bench`; not in
`make test`, too long).

On a fresh anvil of its own with the suite deployed (industry 01's standards), one enterprise
registers `DEVICES` devices; `READINGS` readings are signed before the clock starts. The service
runs as a subprocess on loopback (`carbon ingest serve`, SQLite in WAL mode); `WORKERS` clients
post batches of `BATCH` concurrently; once a third of the readings are acknowledged the service
is killed with SIGKILL, started again on the same database, and every batch not acknowledged is
sent again. At the end every reading must be in the database exactly once, with the bytes that
were posted. It prints a table and the row `ingest_readings_per_s`: readings accepted and
durable per second of wall time, the kill and the restart included; and adds the row to
`bench/results/latest.json`, leaving the other rows as they are.

Everything goes to 127.0.0.1; every loop is bounded by the number of batches and a deadline.
"""

import hashlib
import json
import os
import queue
import random
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from bench import latest
from bench.latest import RESULTS
from offchain.ingest.readings import CHINA_TIME, Reading, address_of
from offchain.ingest.store import ReadingStore
from offchain.paths import ROOT

READINGS = 100_000
DEVICES = 50
BATCH = 200
WORKERS = 8
# Rows of industry 01 a device may report: (group, row, unit).
ROWS = (
    ("fuel", "燃料油", "t"),
    ("fuel", "天然气", "10^4Nm3"),
    ("electricity", "净购入使用的电力", "MWh"),
)


def device_key(n: int) -> bytes:
    """The signing key of device `n` (deterministic, so runs are repeatable)."""
    return hashlib.sha256(f"ingest bench device {n}".encode()).digest()


def device_name(n: int) -> str:
    return f"meter-{n:03d}"


def this_month() -> tuple[int, int]:
    """The current month in China Standard Time: devices registered now are in service in it."""
    moment = datetime.fromtimestamp(time.time(), UTC).astimezone(CHINA_TIME)
    return moment.year, moment.month


def signed_readings(
    credit_code: str, devices: int, count: int, year: int, month: int, prefix: str = "b"
) -> list[Reading]:
    """`count` readings spread over `devices` devices, each signed by its device."""
    rng = random.Random(count)
    keys = [device_key(n) for n in range(devices)]
    found = []
    for i in range(count):
        n = i % devices
        group, row, unit = ROWS[i % len(ROWS)]
        quantity = f"{rng.randrange(1, 100_000)}.{rng.randrange(0, 1000):03d}"
        reading = Reading(
            f"{prefix}-{device_name(n)}-{i:07d}",
            device_name(n),
            credit_code,
            group,
            row,
            quantity,
            unit,
            year,
            month,
        )
        found.append(reading.signed(keys[n]))
    return found


def device_signers(devices: int) -> list[tuple[str, str]]:
    """(device id, signing address) of each device."""
    return [(device_name(n), address_of(device_key(n))) for n in range(devices)]


@dataclass
class Service:
    """`carbon ingest serve` as a subprocess on a free loopback port."""

    deployment: Path
    db_url: str
    log: Path
    url: str = ""
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> str:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "offchain.cli", "--deployment", str(self.deployment)]
        command += ["ingest", "serve", "--port", "0", "--db", self.db_url]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, env=env)
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            self.kill()
            raise RuntimeError(f"the service printed no URL within {timeout} s; see {self.log}")
        self.url = self.process.stdout.readline().decode().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the service did not start: {self.url!r}; see {self.log}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/health", timeout=2).ok:
                    return self.url
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError(f"{self.url}/health did not answer within {timeout} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, nothing is flushed."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Tally:
    """What the clients were told."""

    statuses: dict[str, str] = field(default_factory=dict)  # reading id -> last answer
    duplicates: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)
    failed_posts: int = 0
    seconds: float = 0.0
    kills: int = 0


def drive(
    service: Service,
    readings: Sequence[Reading],
    batch: int,
    workers: int,
    kill_after: int | None,
    deadline_s: float = 600,
) -> Tally:
    """Posts `readings` in batches from `workers` threads until every one is acknowledged;
    once `kill_after` are, kills the service with SIGKILL and starts it again."""
    bodies = [
        json.dumps([r.to_json() for r in readings[i : i + batch]], ensure_ascii=False).encode()
        for i in range(0, len(readings), batch)
    ]
    work: queue.Queue[int] = queue.Queue()
    for i in range(len(bodies)):
        work.put(i)
    tally = Tally()
    lock = threading.Lock()
    done = threading.Event()
    restarting = threading.Lock()
    remaining = [len(bodies)]
    started = time.perf_counter()
    deadline = time.monotonic() + deadline_s

    def maybe_kill() -> None:
        if kill_after is None or tally.kills or len(tally.statuses) < kill_after:
            return
        with restarting:
            if tally.kills:
                return
            tally.kills += 1
            service.kill()
            service.start()

    def worker() -> None:
        session = requests.Session()
        while not done.is_set() and time.monotonic() < deadline:
            try:
                i = work.get(timeout=0.1)
            except queue.Empty:
                continue
            try:
                with restarting:
                    url = service.url
                answer = session.post(
                    f"{url}/readings",
                    data=bodies[i],
                    headers={"content-type": "application/json"},
                    timeout=60,
                )
                answer.raise_for_status()
                results = answer.json()["results"]
            except (requests.RequestException, ValueError, KeyError):
                with lock:
                    tally.failed_posts += 1
                work.put(i)  # not acknowledged: send again
                time.sleep(0.05)
                continue
            with lock:
                for result in results:
                    status = result["status"]
                    if status == "refused":
                        tally.refused.append(result)
                    tally.duplicates += status == "duplicate"
                    tally.statuses[result["reading_id"]] = status
                remaining[0] -= 1
                if remaining[0] == 0:
                    done.set()
            maybe_kill()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline_s + 60)
    tally.seconds = time.perf_counter() - started
    if not done.is_set():
        raise RuntimeError(f"{remaining[0]} batches still unacknowledged at the deadline")
    return tally


@dataclass(frozen=True)
class Durability:
    """Whether every acknowledged reading is in the database exactly once, as posted."""

    acknowledged: int
    stored: int
    missing: list[str]
    altered: list[str]

    @property
    def holds(self) -> bool:
        return not self.missing and not self.altered and self.stored == self.acknowledged


def durability(db_url: str, readings: Sequence[Reading], tally: Tally) -> Durability:
    acked = [r for r in readings if tally.statuses.get(r.reading_id) in ("accepted", "duplicate")]
    store = ReadingStore(db_url)
    try:
        lines = store.lines([r.reading_id for r in acked])
        count = store.count()
    finally:
        store.close()
    missing = [r.reading_id for r in acked if r.reading_id not in lines]
    altered = [
        r.reading_id for r in acked if r.reading_id in lines and lines[r.reading_id] != r.line()
    ]
    return Durability(len(acked), count, missing, altered)


# -- the benchmark on its own chain ------------------------------------------------------------


def _deploy(work: Path) -> tuple[Path, str, Callable[[], None]]:
    """A fresh anvil with the suite, an enterprise and its devices: (manifest, code, stop)."""
    from ape import networks
    from ape.logging import logger

    from bench.run import fresh_node, small_suite
    from offchain.actions import onboarding
    from offchain.chain.accounts import dev_account
    from offchain.chain.bindings import Onboarding
    from offchain.chain.reader import ChainReader
    from offchain.chain.transact import Transactor
    from offchain.core.credit_code import with_check
    from offchain.core.store import FolderStore
    from offchain.ingest import devices

    logger.set_level("WARNING")
    node = fresh_node()
    node.start()
    code = with_check("91110000MA0BENCH1")
    try:
        with networks.parse_network_choice(f"ethereum:local:{node.url}") as provider:
            deployer = small_suite(provider, FolderStore(work / "store"))
        manifest = work / "deployment.json"
        deployer.manifest.save(manifest)
        reader = ChainReader(node.url, deployer.manifest)
        tx = Transactor(reader.w3, reader.errors)
        admin = dev_account(3)
        enterprise = Onboarding("基准计量电厂", code, "01", "北京", admin.address, admin.address)
        onboarding.onboard(reader, tx, dev_account(0), enterprise)
        for name, signer in device_signers(DEVICES):
            devices.register(reader, tx, admin, code, name, signer, "bench")
    except BaseException:
        node.stop()
        raise
    return manifest, code, node.stop


def _table(rows: list[tuple[str, Any]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


def main() -> None:
    work = RESULTS.parent / ".ingest.tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    manifest, code, stop_node = _deploy(work)
    try:
        year, month = this_month()
        started = time.perf_counter()
        readings = signed_readings(code, DEVICES, READINGS, year, month)
        signing = time.perf_counter() - started
        db_url = f"sqlite:///{work / 'readings.db'}"
        service = Service(manifest, db_url, work / "service.log")
        service.start()
        try:
            tally = drive(service, readings, BATCH, WORKERS, kill_after=READINGS // 3)
        finally:
            service.stop()
        held = durability(db_url, readings, tally)
    finally:
        stop_node()
    rate = held.stored / tally.seconds
    print("\nIngest: signed readings posted under load, SIGKILL in the middle, resent")
    _table(
        [
            ("readings", READINGS),
            ("devices", DEVICES),
            ("batch / concurrent clients", f"{BATCH} / {WORKERS}"),
            ("pre-signing (not timed)", f"{signing:.1f} s"),
            ("SIGKILLs", tally.kills),
            ("posts failed and resent", tally.failed_posts),
            ("acknowledged as duplicate on resend", tally.duplicates),
            ("refused", len(tally.refused)),
            ("acknowledged", held.acknowledged),
            ("in the database", held.stored),
            ("missing / altered", f"{len(held.missing)} / {len(held.altered)}"),
            ("seconds (kill and restart included)", f"{tally.seconds:.1f}"),
            ("ingest_readings_per_s", f"{rate:.0f}"),
        ]
    )
    if not held.holds or tally.refused:
        raise SystemExit("durability does not hold: see the table above")
    latest.merge(
        [
            {
                "name": "ingest_readings_per_s",
                "value": round(rate),
                "unit": "readings/s",
                "readings": READINGS,
                "devices": DEVICES,
                "sigkills": tally.kills,
                "seconds": round(tally.seconds, 1),
            }
        ]
    )
    print(f"\nwritten to {RESULTS}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
