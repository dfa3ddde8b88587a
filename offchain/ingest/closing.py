"""Closing a month from the reading database: the files written where the backend submits them
from. The same readings always give the same bytes (no clock, no random), so closing a month
again gives the same document and digest, and the backend finds its record instead of filing a
second one."""

from dataclasses import dataclass
from pathlib import Path

from offchain.calc import standards
from offchain.chain.reader import ChainReader
from offchain.ingest.aggregate import close_month, document_bytes
from offchain.ingest.store import ReadingStore


@dataclass(frozen=True)
class WrittenMonth:
    """The files of a closed month, and what they hold."""

    title: str
    document: Path
    readings: Path
    root: Path
    count: int
    merkle_root: str


def close_and_write(
    store: ReadingStore,
    reader: ChainReader,
    carbon: str,
    credit_code: str,
    year: int,
    month: int,
    out: Path,
    name: str,
) -> WrittenMonth:
    """Aggregates the month's stored readings with the industry's latest factor library and
    writes the activity document, the readings file and the root file into `out`."""
    factors = standards.from_chain(reader, reader.profile(carbon).industry_code).factors
    title = f"{year}年{month}月{name}计量读数汇总"
    closed = close_month(
        store.month(credit_code, year, month), factors, credit_code, year, month, title
    )
    folder = out / f"{credit_code}_{year}{month:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    document = folder / "activity.json"
    document.write_bytes(document_bytes(closed.document))
    readings = folder / closed.readings_name
    readings.write_bytes(closed.readings_file)
    root = folder / closed.root_name
    root.write_bytes(closed.root_file)
    return WrittenMonth(title, document, readings, root, closed.count, closed.root)
