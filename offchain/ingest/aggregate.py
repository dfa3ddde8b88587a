"""Closing a month: an enterprise's readings of the month become an activity document, a readings
file and a root file, and the document lists both files as its evidence.

- Readings file (`readings_<code>_<yyyymm>.jsonl`): one reading per line, each line its
  canonical JSON with the signature (`Reading.line`), sorted by reading id, each line ending in
  `\\n`.
- Merkle root over the lines: leaf = SHA-256(0x00 ‖ line) (without the `\\n`), node =
  SHA-256(0x01 ‖ left ‖ right), leaves in file order; each level pairs neighbours from the left
  and an odd last node is promoted to the next level unchanged; the root of one leaf is that
  leaf. The 0x00/0x01 prefixes (as in RFC 6962) keep a leaf from passing for a node.
- Root file (`readings_root_<code>_<yyyymm>.json`): the root, the number of readings and the
  SHA-256 of the readings file, in canonical JSON.
- Activity document: one record per group and row, the sum of its readings' quantities in the
  row's unit, under the group's activity symbol; the period is the month; `extrainfo` lists both
  files by SHA-256 (kinds `meter_readings` and `meter_readings_root`). The activity schema allows
  no other keys in an `extrainfo` entry, so the root is committed through the root file's digest:
  the record commits to the document, the document to the root file, the root file to the root.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from offchain.errors import CarbonError
from offchain.ingest.groups import check_unit
from offchain.ingest.readings import Reading, canonical

ROOT_SCHEMA = "carbon-mrv/meter-readings-root/1"
TREE = (
    "sha256; leaf = sha256(0x00 || line), node = sha256(0x01 || left || right); leaves in "
    "reading-id order; an odd last node is promoted"
)
READINGS_KIND = "meter_readings"
ROOT_KIND = "meter_readings_root"


class AggregationError(CarbonError):
    """A month cannot be closed: no readings, or readings that do not belong to it."""


@dataclass(frozen=True)
class ClosedMonth:
    """What closing a month produces."""

    document: dict[str, Any]
    readings_name: str
    readings_file: bytes
    root_name: str
    root_file: bytes
    root: str  # 0x + 64 hex
    count: int


def leaf_hash(line: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + line).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """The root over `leaves` (already hashed), as the module docstring constructs it."""
    if not leaves:
        raise AggregationError("a Merkle root needs at least one reading")
    level = list(leaves)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = paired + level[len(level) - len(level) % 2 :]
    return level[0]


def readings_file(readings: Sequence[Reading]) -> bytes:
    """The readings file: each reading's line, sorted by reading id."""
    return b"".join(r.line() + b"\n" for r in sorted(readings, key=lambda r: r.reading_id))


def root_of_file(data: bytes) -> bytes:
    return merkle_root([leaf_hash(line) for line in data.splitlines()])


def file_names(credit_code: str, year: int, month: int) -> tuple[str, str]:
    """The names of the readings file and the root file of a month."""
    stem = f"{credit_code}_{year}{month:02d}"
    return f"readings_{stem}.jsonl", f"readings_root_{stem}.json"


def records(readings: Sequence[Reading], factors: dict[str, Any]) -> list[dict[str, Any]]:
    """One activity record per group and row: the sum of the readings, in the row's unit."""
    sums: dict[tuple[str, bytes], Decimal] = {}
    rows: dict[tuple[str, bytes], Reading] = {}
    for r in readings:
        key = (r.group, canonical(r.row))
        sums[key] = sums.get(key, Decimal(0)) + r.amount
        rows.setdefault(key, r)
    found = []
    for key in sorted(sums):
        r = rows[key]
        quantity = check_unit(factors, r.group, r.row, r.unit)
        found.append({r.group: r.row, quantity.symbol: _number(sums[key]), "unit": quantity.unit})
    return found


def close_month(
    readings: Sequence[Reading],
    factors: dict[str, Any],
    credit_code: str,
    year: int,
    month: int,
    title: str,
) -> ClosedMonth:
    """The activity document, readings file and root file of a month's `readings`."""
    if not readings:
        raise AggregationError(f"{credit_code} has no readings for {year}-{month:02d}")
    for r in readings:
        if (r.enterprise, r.year, r.month) != (credit_code, year, month):
            raise AggregationError(
                f"reading {r.reading_id} is of {r.enterprise} {r.year}-{r.month:02d}, "
                f"not of {credit_code} {year}-{month:02d}"
            )
    ids = [r.reading_id for r in readings]
    if len(set(ids)) != len(ids):
        raise AggregationError(f"{credit_code} {year}-{month:02d}: a reading id appears twice")
    data = readings_file(readings)
    root = "0x" + root_of_file(data).hex()
    readings_name, root_name = file_names(credit_code, year, month)
    root_file = canonical(
        {
            "schema": ROOT_SCHEMA,
            "enterprise": credit_code,
            "period": {"year": year, "month": month},
            "readings_file": readings_name,
            "readings_file_sha256": _sha256(data),
            "readings": len(readings),
            "merkle_root": root,
            "tree": TREE,
        }
    )
    document = {
        "title": title,
        "period": {"year": year, "month": month},
        "records": records(readings, factors),
        "extrainfo": [
            {"name": readings_name, "datalayerhash": _sha256(data), "kind": READINGS_KIND},
            {"name": root_name, "datalayerhash": _sha256(root_file), "kind": ROOT_KIND},
        ],
    }
    return ClosedMonth(document, readings_name, data, root_name, root_file, root, len(readings))


def document_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _sha256(data: bytes) -> str:
    return "0x" + hashlib.sha256(data).hexdigest()


def _number(value: Decimal) -> int | float:
    """A sum as a JSON number: an integer when it is whole; otherwise the float whose shortest
    repr is the decimal (exact for the ≤ 15 significant digits meters report)."""
    return int(value) if value == value.to_integral_value() else float(value)
