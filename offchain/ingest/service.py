"""The HTTP service devices post their readings to (Starlette, served by uvicorn).

`POST /readings` takes one reading (a JSON object) or a batch (a JSON array, at most
`MAX_BATCH`) and answers, per reading in the order posted, `accepted` (stored now), `duplicate`
(stored before, with the same bytes) or `refused` with a reason code and a message. A reading is
acknowledged (accepted or duplicate) only once the transaction holding it is committed, so an
acknowledged reading is on disk. `GET /health` says the service is up and how many readings it
holds.

Concurrent requests share commits: a single writer task takes every batch waiting and stores
them in one transaction (group commit), so a slow disk costs one sync per round, not per
request.
"""

import asyncio
import socket
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from offchain.errors import CarbonError, ChainError, NotDeployedError
from offchain.ingest.devices import DeviceDirectory
from offchain.ingest.groups import UnitMismatchError, UnknownGroupError, check_unit
from offchain.ingest.readings import Reading, ReadingError
from offchain.ingest.store import Outcome, ReadingStore

MAX_BATCH = 5000


@dataclass(frozen=True)
class Answer:
    """The service's answer about one posted reading."""

    reading_id: str | None
    status: str  # accepted, duplicate or refused
    reason: str | None = None  # a code, when refused
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"reading_id": self.reading_id, "status": self.status}
        if self.reason is not None:
            shown.update(reason=self.reason, message=self.message)
        return shown


class Refusal(CarbonError):
    """A reading the service will not store: `reason` is a code, the message says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def check(reading: Reading, directory: DeviceDirectory) -> None:
    """Raises Refusal unless `reading` comes from a registered device in service, its
    signature recovers that device's signer, and its group, row and unit are in the factor
    library of the enterprise's industry."""
    try:
        device = directory.device(reading.enterprise, reading.device)
    except NotDeployedError as exc:
        raise Refusal("unknown-enterprise", f"no enterprise {reading.enterprise}") from exc
    if device is None:
        raise Refusal(
            "unknown-device", f"{reading.enterprise} has no registered device {reading.device!r}"
        )
    if device.retired_at:
        raise Refusal("retired-device", f"device {reading.device!r} is retired")
    if not device.active_between(*reading.period_bounds):
        raise Refusal(
            "device-not-in-service",
            f"device {reading.device!r} was not registered yet at the reading's time",
        )
    try:
        signer = reading.signer()
    except ReadingError as exc:
        raise Refusal("bad-signature", str(exc)) from exc
    if signer != device.signer:
        raise Refusal(
            "bad-signature",
            f"the signature recovers {signer}, device {reading.device!r} signs as {device.signer}",
        )
    factors = directory.factors(reading.enterprise)
    try:
        check_unit(factors, reading.group, reading.row, reading.unit)
    except UnknownGroupError as exc:
        code = "unknown-group" if reading.group not in factors["groups"] else "unknown-row"
        raise Refusal(code, str(exc)) from exc
    except UnitMismatchError as exc:
        raise Refusal("unit-mismatch", str(exc)) from exc


def judge(
    items: Sequence[Any], directory: DeviceDirectory
) -> tuple[list[Answer | None], list[Reading]]:
    """Per posted item, a refusal (or None for a reading to store), and the readings to store."""
    answers: list[Answer | None] = []
    keep: list[Reading] = []
    for item in items:
        rid = item.get("reading_id") if isinstance(item, dict) else None
        rid = rid if isinstance(rid, str) else None
        try:
            reading = Reading.from_json(item)
        except ReadingError as exc:
            answers.append(Answer(rid, "refused", "malformed", str(exc)))
            continue
        try:
            check(reading, directory)
        except Refusal as exc:
            answers.append(Answer(rid, "refused", exc.reason, str(exc)))
            continue
        answers.append(None)
        keep.append(reading)
    return answers, keep


class GroupWriter:
    """One task that stores every batch waiting, in one transaction per round."""

    def __init__(self, store: ReadingStore) -> None:
        self.store = store
        self.queue: asyncio.Queue[tuple[list[Reading], asyncio.Future[list[Outcome]]]] = (
            asyncio.Queue()
        )

    async def add(self, readings: list[Reading]) -> list[Outcome]:
        future: asyncio.Future[list[Outcome]] = asyncio.get_running_loop().create_future()
        await self.queue.put((readings, future))
        return await future

    async def run(self) -> None:
        while True:
            waiting = [await self.queue.get()]
            while not self.queue.empty():
                waiting.append(self.queue.get_nowait())
            flat = [r for readings, _ in waiting for r in readings]
            try:
                outcomes = await asyncio.to_thread(self.store.add, flat)
            except Exception as exc:  # the database failed: nothing of this round is stored
                for _, future in waiting:
                    future.set_exception(exc)
                continue
            start = 0
            for readings, future in waiting:
                future.set_result(outcomes[start : start + len(readings)])
                start += len(readings)


def create_app(store: ReadingStore, directory: DeviceDirectory) -> Starlette:
    """The ingest service over `store`, checking devices and standards through `directory`."""
    writer = GroupWriter(store)

    async def post_readings(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "the body is not JSON: post a reading object or an array of them")
        items = body if isinstance(body, list) else [body]
        if not items:
            return _error(400, "the batch is empty")
        if len(items) > MAX_BATCH:
            return _error(413, f"a batch holds at most {MAX_BATCH} readings, not {len(items)}")
        try:
            answers, keep = await asyncio.to_thread(judge, items, directory)
        except ChainError as exc:  # devices and standards cannot be checked: store nothing
            return _error(503, f"the chain cannot be read ({exc}); retry")
        try:
            outcomes = iter(await writer.add(keep)) if keep else iter(())
        except Exception as exc:  # nothing was stored: the device must send again
            return _error(503, f"the reading database failed ({type(exc).__name__}); retry")
        stored = iter(keep)
        results = []
        for answer in answers:
            if answer is None:
                reading, outcome = next(stored), next(outcomes)
                if outcome is Outcome.CONFLICT:
                    answer = Answer(
                        reading.reading_id,
                        "refused",
                        "conflict",
                        f"reading id {reading.reading_id} is stored with other content",
                    )
                else:
                    answer = Answer(reading.reading_id, str(outcome))
            results.append(answer.to_json())
        counts = {
            s: sum(r["status"] == s for r in results) for s in ("accepted", "duplicate", "refused")
        }
        return JSONResponse({**counts, "results": results})

    async def health(_request: Request) -> JSONResponse:
        count = await asyncio.to_thread(store.count)
        return JSONResponse({"status": "ok", "readings": count})

    async def lifespan(_app: Starlette) -> Any:
        task = asyncio.create_task(writer.run())
        yield
        task.cancel()

    return Starlette(
        routes=[
            Route("/readings", post_readings, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=asynccontextmanager(lifespan),
    )


def serve(app: Starlette, host: str, port: int, announce: Callable[[str], None]) -> None:
    """Serves `app` with uvicorn on `host:port` (0: a free port) until interrupted; `announce`
    gets the URL once the socket is bound."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    shown = f"[{host}]" if ":" in host else host
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    announce(f"http://{shown}:{sock.getsockname()[1]}")
    server.run(sockets=[sock])


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
