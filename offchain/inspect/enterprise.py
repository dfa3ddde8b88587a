"""An enterprise as an explorer shows it: its profile and contracts, and per year its records
(valid, invalidated with the reason, rectified with links both ways), its verification with every
verdict and rejection, and its compliance state when the deployment has a Compliance contract."""

from dataclasses import dataclass, field
from typing import Any

from offchain.chain.bindings import Profile, Record, Rejection, Verdict, VerificationSummary
from offchain.chain.reader import ChainReader
from offchain.inspect.rpc import call_outputs, call_request, function_abi

COMPLIANCE = "Compliance"


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


def read_enterprise(reader: ChainReader, credit_code: str, year: int | None) -> EnterpriseView:
    contracts = reader.enterprise(credit_code)
    carbon = contracts.carbon
    years = [year] if year is not None else reader.record_years(carbon)
    views = []
    for y in years:
        records = reader.records(carbon, y)
        notes = reader.record_notes(carbon, y)
        replaced_by = {r.replaced_index: r.index for r in records if r.replaced_index is not None}
        rows = [
            RecordView(
                r,
                notes[r.index].title if r.index in notes else "",
                notes[r.index].invalidation_reason if r.index in notes else None,
                r.replaced_index,
                replaced_by.get(r.index),
            )
            for r in records
        ]
        views.append(
            YearView(
                y,
                rows,
                reader.verification(carbon, y),
                reader.verdicts(carbon, y),
                reader.rejections(carbon, y),
                compliance(reader, carbon, y),
            )
        )
    return EnterpriseView(credit_code, carbon, contracts.data_layer, reader.profile(carbon), views)


def compliance(reader: ChainReader, carbon: str, year: int) -> dict[str, Any] | None:
    """The enterprise-year's compliance entry and status (live and frozen at the deadline), in
    one batch; None when the deployment has no Compliance contract."""
    record = reader.manifest.contracts.get(COMPLIANCE)
    abi = reader.manifest.abis.get(COMPLIANCE)
    if record is None or abi is None:
        return None
    entry, status = function_abi(abi, "compliance"), function_abi(abi, "status")
    answers = reader.batch(
        [call_request(record.address, f, [carbon, year]) for f in (entry, status)]
    )
    found = call_outputs(reader, entry, answers[0])
    return {"entry": next(iter(found.values())), **call_outputs(reader, status, answers[1])}
