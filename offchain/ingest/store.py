"""Where accepted readings are kept: one table, keyed by reading id, through SQLAlchemy Core.

SQLite by default (`sqlite:///path`), any SQLAlchemy URL otherwise. On SQLite the database runs
in WAL mode with `synchronous=FULL`: a commit returns only once the WAL is on disk, so a reading
the service has acknowledged survives the service being killed (SIGKILL) and the machine losing
power. A server database commits durably by default (PostgreSQL `synchronous_commit=on`).

A reading id is stored once. Posting it again with the same bytes is a duplicate, acknowledged
and not stored again; posting it with other bytes is a conflict, refused.
"""

import threading
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from offchain.errors import CarbonError
from offchain.ingest.readings import Reading

metadata = MetaData()
readings_table = Table(
    "readings",
    metadata,
    Column("reading_id", String(128), primary_key=True),
    Column("enterprise", String(18), nullable=False),
    Column("device", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("line", LargeBinary, nullable=False),  # the canonical signed reading
    Index("readings_by_month", "enterprise", "year", "month"),
)
# Ids per SELECT … IN: below SQLite's default limit of 32,766 host parameters.
_CHUNK = 10_000


class StoreFailure(CarbonError):
    """The reading database cannot be opened or written."""


class Outcome(StrEnum):
    """What storing one reading did."""

    ACCEPTED = "accepted"  # stored now
    DUPLICATE = "duplicate"  # stored before, with the same bytes
    CONFLICT = "conflict"  # its id is stored with other bytes


class ReadingStore:
    """The readings database at `url`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        self._write = threading.Lock()  # one writer: SQLite has one anyway
        try:
            metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise StoreFailure(f"cannot open the reading database {url!r}: {exc.orig}") from exc

    def add(self, readings: Sequence[Reading]) -> list[Outcome]:
        """Stores `readings` in one transaction; per reading, what happened. Returns only once
        the transaction is committed (durable)."""
        lines = [r.line() for r in readings]
        with self._write, self.engine.begin() as connection:
            stored = self._lines(connection, {r.reading_id for r in readings})
            outcomes: list[Outcome] = []
            rows: list[dict[str, Any]] = []
            for reading, line in zip(readings, lines, strict=True):
                known = stored.get(reading.reading_id)
                if known is None:
                    stored[reading.reading_id] = line
                    rows.append(_row(reading, line))
                    outcomes.append(Outcome.ACCEPTED)
                else:
                    outcomes.append(Outcome.DUPLICATE if known == line else Outcome.CONFLICT)
            if rows:
                connection.execute(readings_table.insert(), rows)
        return outcomes

    def month(self, enterprise: str, year: int, month: int) -> list[Reading]:
        """Every reading of an enterprise's month, sorted by reading id."""
        query = (
            select(readings_table.c.line)
            .where(
                readings_table.c.enterprise == enterprise,
                readings_table.c.year == year,
                readings_table.c.month == month,
            )
            .order_by(readings_table.c.reading_id)
        )
        with self.engine.connect() as connection:
            return [Reading.from_line(line) for (line,) in connection.execute(query)]

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(readings_table)).scalar_one()

    def lines(self, reading_ids: Sequence[str]) -> dict[str, bytes]:
        """The stored line of each of `reading_ids` that is stored."""
        with self.engine.connect() as connection:
            return self._lines(connection, set(reading_ids))

    def close(self) -> None:
        self.engine.dispose()

    @staticmethod
    def _lines(connection: Any, ids: set[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        wanted = sorted(ids)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = select(readings_table.c.reading_id, readings_table.c.line).where(
                readings_table.c.reading_id.in_(chunk)
            )
            found.update((rid, bytes(line)) for rid, line in connection.execute(query))
        return found


def _row(reading: Reading, line: bytes) -> dict[str, Any]:
    return {
        "reading_id": reading.reading_id,
        "enterprise": reading.enterprise,
        "device": reading.device,
        "year": reading.year,
        "month": reading.month,
        "line": line,
    }


def _engine(url: str) -> Engine:
    try:
        engine = create_engine(url)
    except Exception as exc:  # a malformed URL or a missing driver, each its own class
        raise StoreFailure(f"cannot open the reading database {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _durable(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    return engine
