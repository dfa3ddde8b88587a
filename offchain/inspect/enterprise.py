"""An enterprise as an explorer shows it: its profile and contracts, and per year its records
(valid, invalidated with the reason, rectified with links both ways), its verification with every
verdict and rejection, and its compliance state when the deployment has a Compliance contract.

Two round trips whatever the number of years (the enterprise's address follows from its credit
code): its profile, years and the head block; then every year's records, verification,
verdicts, rejections and compliance with its record events (paged eth_getLogs) in one batch.
"""

from dataclasses import dataclass, field
from typing import Any

from offchain.chain.addresses import predicted_enterprise
from offchain.chain.bindings import (
    Profile,
    Record,
    Rejection,
    Verdict,
    VerificationSummary,
)
from offchain.chain.reader import PAGE, ChainReader, Request
from offchain.errors import ChainError, NotDeployedError
from offchain.inspect.catalog import Catalog
from offchain.inspect.events import decode_log
from offchain.inspect.rpc import call_outputs, call_request, function_abi, log_requests

COMPLIANCE = "Compliance"
CARBON = "EnterpriseCarbon"
VERIFICATION = "CarbonVerification"


@dataclass(frozen=True)
class RecordView:
    record: Record
    title: str
    invalidation_reason: str | None
    replaces: int | None  # the index of the record this one rectifies
    replaced_by: int | None  # the index of the record that rectifies this one


@dataclass(frozen=True)
class YearView:
    year: int
    records: list[RecordView]
    verification: VerificationSummary
    verdicts: list[Verdict]
    rejections: list[Rejection]
    compliance: dict[str, Any] | None  # None when the deployment has no Compliance contract


@dataclass(frozen=True)
class EnterpriseView:
    credit_code: str
    carbon: str
    data_layer: str
    profile: Profile
    years: list[YearView] = field(default_factory=list)


def read_enterprise(
    reader: ChainReader, catalog: Catalog, credit_code: str, year: int | None
) -> EnterpriseView:
    # The factory's CREATE2 address for the credit code: no call needed to find the enterprise.
    carbon, _ = predicted_enterprise(reader.manifest.address("EnterpriseFactory"), credit_code)
    profile_answer, years_answer, head_answer = reader.batch(
        [
            reader.eth_call(CARBON, carbon, "profile", [], None),
            reader.eth_call(CARBON, carbon, "recordYears", [], None),
            ("eth_blockNumber", []),
        ]
    )
    if profile_answer.get("result") == "0x":  # no contract there
        raise NotDeployedError(
            f"no enterprise with credit code {credit_code!r}; the regulator onboards it with "
            "`carbon enterprise onboard`"
        )
    profile = Profile.decode(reader.decode(CARBON, "profile", profile_answer))
    years = (
        [year] if year is not None else sorted(reader.decode(CARBON, "recordYears", years_answer))
    )
    verification = reader.manifest.address(VERIFICATION)
    per_year: list[Request] = []
    for y in years:
        per_year += [
            reader.eth_call(CARBON, carbon, "recordsPage", [y, 0, PAGE], None),
            reader.eth_call(VERIFICATION, verification, "verification", [carbon, y], None),
            reader.eth_call(VERIFICATION, verification, "verdictsPage", [carbon, y, 0, PAGE], None),
            reader.eth_call(VERIFICATION, verification, "rejections", [carbon, y], None),
            *_compliance_requests(reader, carbon, y),
        ]
    topics = [
        [t for name in ("RecordSubmitted", "RecordInvalidated") for t in catalog.topics_of(name)]
    ]
    pages = log_requests([carbon], topics, 0, int(head_answer["result"], 16))
    found = reader.batch(per_year + pages)
    notes = _notes(catalog, found[len(per_year) :])
    step = len(per_year) // len(years) if years else 0
    views = []
    for i, y in enumerate(years):
        answers = found[i * step : (i + 1) * step]
        raw = list(reader.decode(CARBON, "recordsPage", answers[0]))
        records = (
            [Record.decode(r, index=n) for n, r in enumerate(raw)]
            if len(raw) < PAGE
            else reader.records(carbon, y)
        )
        verdicts = list(reader.decode(VERIFICATION, "verdictsPage", answers[2]))
        views.append(
            YearView(
                y,
                _record_views(records, notes.get(y, {})),
                VerificationSummary.decode(reader.decode(VERIFICATION, "verification", answers[1])),
                [Verdict.decode(v) for v in verdicts]
                if len(verdicts) < PAGE
                else reader.verdicts(carbon, y),
                [
                    Rejection.decode(r)
                    for r in reader.decode(VERIFICATION, "rejections", answers[3])
                ],
                _compliance(reader, answers[4:]),
            )
        )
    return EnterpriseView(credit_code, carbon, profile.data_layer, profile, views)


def _notes(catalog: Catalog, pages: list[dict[str, Any]]) -> dict[int, dict[int, dict[str, Any]]]:
    """Year -> record index -> the `title` it was submitted with and the `reason` it was
    invalidated for, from the record events (the records keep neither)."""
    notes: dict[int, dict[int, dict[str, Any]]] = {}
    for page in pages:
        if "error" in page:
            raise ChainError(f"the node refused the record events: {page['error']}")
        for log in page["result"]:
            name, args = decode_log(catalog, log)
            note = notes.setdefault(args["year"], {}).setdefault(args["index"], {})
            note["title" if name == "RecordSubmitted" else "reason"] = args.get(
                "title", args.get("reason")
            )
    return notes


def _record_views(records: list[Record], notes: dict[int, dict[str, Any]]) -> list[RecordView]:
    replaced_by = {r.replaced_index: r.index for r in records if r.replaced_index is not None}
    return [
        RecordView(
            r,
            notes.get(r.index, {}).get("title", ""),
            notes.get(r.index, {}).get("reason"),
            r.replaced_index,
            replaced_by.get(r.index),
        )
        for r in records
    ]


def _compliance_requests(reader: ChainReader, carbon: str, year: int) -> list[Request]:
    """The compliance entry and status (live, and frozen at the deadline) of the enterprise-year;
    nothing when the deployment has no Compliance contract."""
    record = reader.manifest.contracts.get(COMPLIANCE)
    abi = reader.manifest.abis.get(COMPLIANCE)
    if record is None or abi is None:
        return []
    return [
        call_request(record.address, function_abi(abi, name), [carbon, year])
        for name in ("compliance", "status")
    ]


def _compliance(reader: ChainReader, answers: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not answers:
        return None
    abi = reader.manifest.abi(COMPLIANCE)
    entry = call_outputs(reader, function_abi(abi, "compliance"), answers[0])
    status = call_outputs(reader, function_abi(abi, "status"), answers[1])
    return {"entry": next(iter(entry.values())), **status}
