"""The portal's batched reads: what a page shows of many enterprises, in a few JSON-RPC round
trips whatever their number (the reader's `batch` of `eth_call`s, decoded by `bindings`).

The regulator's overview is three batches after the list of enterprises: every profile with its
record years; then for each enterprise's latest year its records, verification, compliance entry
and status, and quota allocation; then the balance of every named quota account.
"""

from dataclasses import dataclass
from typing import Any

from offchain.chain.bindings import (
    ComplianceEntry,
    ComplianceState,
    ComplianceStatus,
    Profile,
    QuotaAllocation,
    Record,
    VerificationState,
    VerificationSummary,
)
from offchain.chain.reader import PAGE, ChainReader, Request
from offchain.inspect.catalog import Catalog

CARBON = "EnterpriseCarbon"


@dataclass(frozen=True)
class YearFigures:
    """One enterprise-year as the overview shows it."""

    year: int
    records: list[Record]
    verification: VerificationSummary
    compliance: ComplianceEntry
    status: ComplianceStatus  # live: A covered, B deficit, C verified emissions missing
    allocation: QuotaAllocation

    @property
    def valid(self) -> list[Record]:
        return [r for r in self.records if r.valid]

    @property
    def reported(self) -> int:
        """Micro-tonnes CO2e of the valid non-aggregated records (what the verifier totals)."""
        return sum(r.result for r in self.valid if not r.aggregated)

    @property
    def verified(self) -> int | None:
        if self.verification.state is VerificationState.CLOSED:
            return self.verification.verified_emissions
        return None

    @property
    def compliance_state(self) -> ComplianceState:
        return self.compliance.state


@dataclass(frozen=True)
class OverviewRow:
    carbon: str
    profile: Profile
    latest: YearFigures | None  # None until the enterprise records anything
    quota_account: str | None
    held: int  # micro-tonnes CO2e of quota its account holds


def overview(reader: ChainReader) -> list[OverviewRow]:
    """Every onboarded enterprise with its latest year of records, in onboarding order."""
    carbons = reader.enterprises()
    first = reader.batch(
        [
            request
            for carbon in carbons
            for request in (
                reader.eth_call(CARBON, carbon, "profile", [], None),
                reader.eth_call(CARBON, carbon, "recordYears", [], None),
            )
        ]
    )
    profiles = [Profile.decode(reader.decode(CARBON, "profile", a)) for a in first[0::2]]
    latest = [max(reader.decode(CARBON, "recordYears", a), default=None) for a in first[1::2]]
    dated = [(c, y) for c, y in zip(carbons, latest, strict=True) if y is not None]
    figures = dict(zip(dated, year_figures(reader, dated), strict=True))
    accounts = {
        c: f.allocation.account
        for (c, _), f in figures.items()
        if int(f.allocation.account, 16) != 0
    }
    held = balances(reader, list(accounts.values()))
    return [
        OverviewRow(
            carbon,
            profile,
            figures.get((carbon, year)) if year is not None else None,
            accounts.get(carbon),
            held.get(accounts.get(carbon, ""), 0),
        )
        for carbon, profile, year in zip(carbons, profiles, latest, strict=True)
    ]


def year_figures(reader: ChainReader, pairs: list[tuple[str, int]]) -> list[YearFigures]:
    """Records, verification, compliance and allocation of each (EnterpriseCarbon, year), one
    batch (a year of more than `PAGE` records reads the rest page by page)."""
    verification = reader.manifest.address("CarbonVerification")
    compliance = reader.manifest.address("Compliance")
    quota = reader.manifest.address("CarbonQuota")
    requests: list[Request] = []
    for carbon, year in pairs:
        requests += [
            reader.eth_call(CARBON, carbon, "recordsPage", [year, 0, PAGE], None),
            reader.eth_call(
                "CarbonVerification", verification, "verification", [carbon, year], None
            ),
            reader.eth_call("Compliance", compliance, "compliance", [carbon, year], None),
            reader.eth_call("Compliance", compliance, "status", [carbon, year], None),
            reader.eth_call("CarbonQuota", quota, "allocation", [carbon, year], None),
        ]
    answers = reader.batch(requests)
    found = []
    for n, (carbon, year) in enumerate(pairs):
        records, summary, entry, status, allocation = answers[5 * n : 5 * n + 5]
        raw = reader.decode(CARBON, "recordsPage", records)
        live, _frozen = reader.decode_all("Compliance", "status", status)
        found.append(
            YearFigures(
                year,
                [Record.decode(r, index=i) for i, r in enumerate(raw)]
                if len(raw) < PAGE
                else reader.records(carbon, year),
                VerificationSummary.decode(
                    reader.decode("CarbonVerification", "verification", summary)
                ),
                ComplianceEntry.decode(reader.decode("Compliance", "compliance", entry)),
                ComplianceStatus(live),
                QuotaAllocation.decode(reader.decode("CarbonQuota", "allocation", allocation)),
            )
        )
    return found


def balances(reader: ChainReader, accounts: list[str]) -> dict[str, int]:
    """Quota held by each account, one batch."""
    if not accounts:
        return {}
    quota = reader.manifest.address("CarbonQuota")
    answers = reader.batch(
        [reader.eth_call("CarbonQuota", quota, "balanceOf", [a], None) for a in accounts]
    )
    return {
        a: reader.decode("CarbonQuota", "balanceOf", answer)
        for a, answer in zip(accounts, answers, strict=True)
    }


def submission_tx(
    reader: ChainReader, catalog: Catalog, carbon: str, year: int, index: int
) -> str | None:
    """The transaction that submitted record `index` of `year` (its RecordSubmitted event)."""
    (answer,) = reader.batch(
        [
            (
                "eth_getLogs",
                [
                    {
                        "address": carbon,
                        "fromBlock": "0x0",
                        "toBlock": "latest",
                        "topics": [
                            catalog.topics_of("RecordSubmitted"),
                            _word(year),
                            _word(index),
                        ],
                    }
                ],
            )
        ]
    )
    logs: list[dict[str, Any]] = answer.get("result") or []
    return logs[0]["transactionHash"] if logs else None


def _word(value: int) -> str:
    return "0x" + value.to_bytes(32, "big").hex()
