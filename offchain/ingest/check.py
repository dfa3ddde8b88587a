"""What a verifier checks of a month closed from meter readings.

Given the activity document, its readings file and root file (the evidence it lists, kinds
`meter_readings` and `meter_readings_root`) and the enterprise's devices as the DeviceRegistry
keeps them: both files are the ones the document lists (SHA-256); the readings file is canonical,
sorted and without repeated ids; every reading is of the enterprise and the document's month;
every signature recovers the signer of a device registered for the enterprise and in service
during the reading's time (its timestamp, or its month); the Merkle root and the count recompute
to the root file's; and, given the factor library, the document's records are the sums of the
readings. Each finding names the reading it is about, when it is about one.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from offchain.chain.bindings import Device
from offchain.errors import CarbonError
from offchain.ingest.aggregate import READINGS_KIND, ROOT_KIND, records, root_of_file
from offchain.ingest.readings import Reading, ReadingError


@dataclass(frozen=True)
class Finding:
    """One thing wrong; `reading_id` when it is about one reading."""

    message: str
    reading_id: str | None = None

    def __str__(self) -> str:
        return f"reading {self.reading_id}: {self.message}" if self.reading_id else self.message


def listed_files(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The document's extrainfo entries of the readings file and the root file, by kind."""
    return {
        e["kind"]: e
        for e in document.get("extrainfo", [])
        if e.get("kind") in (READINGS_KIND, ROOT_KIND)
    }


def check_month(
    document: dict[str, Any],
    readings_file: bytes,
    root_file: bytes,
    credit_code: str,
    devices: Mapping[str, Device],
    factors: dict[str, Any] | None = None,
) -> list[Finding]:
    """Every finding on a month closed from readings; empty when it holds."""
    findings: list[Finding] = []
    listed = listed_files(document)
    for kind, data in ((READINGS_KIND, readings_file), (ROOT_KIND, root_file)):
        entry = listed.get(kind)
        digest = "0x" + hashlib.sha256(data).hexdigest()
        if entry is None:
            findings.append(Finding(f"the document lists no {kind} file in extrainfo"))
        elif entry["datalayerhash"] != digest:
            findings.append(
                Finding(
                    f"the {kind} file has SHA-256 {digest}, the document lists "
                    f"{entry['datalayerhash']}"
                )
            )
    period = document.get("period", {})
    readings = _readings(readings_file, findings)
    for r in readings:
        findings += _reading_findings(r, credit_code, period, devices)
    findings += _root_findings(readings_file, root_file, len(readings))
    if factors is not None and readings:
        try:
            summed = records(readings, factors)
        except CarbonError as exc:
            findings.append(Finding(f"the readings do not aggregate: {exc}"))
        else:
            if summed != document.get("records"):
                findings.append(Finding("the document's records are not the sums of its readings"))
    return findings


def _readings(data: bytes, findings: list[Finding]) -> list[Reading]:
    readings: list[Reading] = []
    if data and not data.endswith(b"\n"):
        findings.append(Finding("the readings file does not end with a newline"))
    previous = None
    for number, line in enumerate(data.splitlines(), start=1):
        try:
            reading = Reading.from_line(line)
        except ReadingError as exc:
            findings.append(Finding(f"line {number}: {exc}"))
            continue
        if reading.line() != line:
            findings.append(Finding(f"line {number} is not canonical JSON", reading.reading_id))
        if previous is not None and reading.reading_id <= previous:
            findings.append(
                Finding(f"line {number} is out of order or repeated", reading.reading_id)
            )
        previous = reading.reading_id
        readings.append(reading)
    return readings


def _reading_findings(
    r: Reading, credit_code: str, period: dict[str, Any], devices: Mapping[str, Device]
) -> list[Finding]:
    found: list[Finding] = []
    if r.enterprise != credit_code:
        found.append(Finding(f"is of enterprise {r.enterprise}, not {credit_code}", r.reading_id))
    if {"year": r.year, "month": r.month} != period:
        found.append(
            Finding(f"is of {r.year}-{r.month:02d}, the document of {period}", r.reading_id)
        )
    device = devices.get(r.device)
    if device is None:
        found.append(
            Finding(f"device {r.device!r} is not registered for {credit_code}", r.reading_id)
        )
        return found
    try:
        signer = r.signer()
    except ReadingError as exc:
        found.append(Finding(str(exc), r.reading_id))
        return found
    if signer != device.signer:
        found.append(
            Finding(
                f"signature recovers {signer}, not {device.signer} of device {r.device!r}",
                r.reading_id,
            )
        )
    if not device.active_between(*r.period_bounds):
        found.append(
            Finding(f"device {r.device!r} was not in service at the reading's time", r.reading_id)
        )
    return found


def _root_findings(readings_file: bytes, root_file: bytes, count: int) -> list[Finding]:
    try:
        committed = json.loads(root_file)
        root, listed_count = committed["merkle_root"], committed["readings"]
    except (ValueError, KeyError, TypeError):
        return [Finding("the root file is not a readings root (merkle_root, readings)")]
    found = []
    if not readings_file:
        return [Finding("the readings file is empty")]
    recomputed = "0x" + root_of_file(readings_file).hex()
    if recomputed != root:
        found.append(
            Finding(f"the Merkle root recomputes to {recomputed}, the root file says {root}")
        )
    if listed_count != count:
        found.append(Finding(f"the root file counts {listed_count} readings, the file has {count}"))
    return found
