"""The regulator's statistics over every onboarded enterprise (seed 002: by time, region,
industry and enterprise): emissions reported and verified, quota issued and surrendered,
compliance counts and rates (`reports.compliance.rates`), per year and per group.

Reads are batched: the enterprises (paged), their positions (`compliance_positions`, two round
trips a year) and their records (one batch of `recordsPage` a year). Grouping by month reads the
activity documents too (`verify.reads`, three round trips a year); a document nobody here can
open is counted under month "unknown".
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from offchain.chain.bindings import ComplianceState, Record
from offchain.chain.reader import PAGE, ChainReader, CompliancePosition
from offchain.core import crypto
from offchain.core.documents import load
from offchain.core.units import tonnes
from offchain.errors import CarbonError
from offchain.reports.compliance import Rate, rates
from offchain.verify.reads import YearReads

GROUPINGS = ("year", "month", "region", "industry", "enterprise")


class StatsError(CarbonError):
    """Statistics cannot be built as asked."""


@dataclass
class StatsRow:
    """One group of one year. Verified emissions and quota are annual: a month has none."""

    year: int
    group: str
    enterprises: set[str] = field(default_factory=set)
    reported: int = 0  # micro-tonnes CO2e of the counted records
    verified: int | None = 0  # micro-tonnes CO2e of Closed verifications
    issued: int | None = 0
    surrendered: int | None = 0
    rate: Rate | None = None

    def to_json(self) -> dict[str, Any]:
        def amount(micro: int | None) -> str | None:
            return None if micro is None else tonnes(micro)

        rate = self.rate
        return {
            "year": self.year,
            "group": self.group,
            "enterprises": len(self.enterprises),
            "reported_tco2e": tonnes(self.reported),
            "verified_tco2e": amount(self.verified),
            "quota_issued_tco2e": amount(self.issued),
            "quota_surrendered_tco2e": amount(self.surrendered),
            "compliance_due": rate.due if rate else None,
            "compliance_on_time": rate.on_time if rate else None,
            "compliance_late": rate.late if rate else None,
            "compliance_not_completed": rate.not_completed if rate else None,
            "compliance_rate_percent": f"{rate.rate * 100:.1f}" if rate and rate.due else None,
        }


@dataclass
class Stats:
    """The statistics of `years` grouped `by`; `totals` holds one row per year (group "all")
    for the trend."""

    years: list[int]
    by: str
    rows: list[StatsRow]
    totals: list[StatsRow]

    def to_json(self) -> dict[str, Any]:
        return {
            "years": self.years,
            "by": self.by,
            "rows": [r.to_json() for r in self.rows],
            "totals": [r.to_json() for r in self.totals],
            "notes": [
                "reported: valid records, the annual aggregated record not counted beside the "
                "monthly records it sums",
                "verified: Closed verifications only",
                "compliance rate: fulfilled (on time or late) ÷ notified, reports.compliance.rates",
            ],
        }


def counted(records: Sequence[Record]) -> list[Record]:
    """The records a year's total counts: the valid period records, else the valid aggregated."""
    valid = [r for r in records if r.valid]
    parts = [r for r in valid if not r.aggregated]
    return parts if parts else valid


def records_of(reader: ChainReader, carbons: Sequence[str], year: int) -> dict[str, list[Record]]:
    """Every record of `year` of each enterprise: one batch, more pages only where needed."""
    answers = reader.batch(
        [
            reader.eth_call("EnterpriseCarbon", c, "recordsPage", [year, 0, PAGE], None)
            for c in carbons
        ]
    )
    found = {}
    for carbon, answer in zip(carbons, answers, strict=True):
        raw = reader.decode("EnterpriseCarbon", "recordsPage", answer)
        if len(raw) == PAGE:
            found[carbon] = reader.records(carbon, year)
        else:
            found[carbon] = [Record.decode(r, index=i) for i, r in enumerate(raw)]
    return found


def _months(
    reader: ChainReader, positions: Sequence[CompliancePosition], year: int, key: bytes | None
) -> dict[tuple[str, int], str]:
    """(credit code, record index) -> "01".."12" from the activity documents it can read."""
    grantee = crypto.address_of_public_key(crypto.public_key_of(key)) if key else None
    years = YearReads(reader, grantee).fetch([(p.profile.credit_code, year) for p in positions])
    months = {}
    for y in years:
        for r in y.valid:
            data = reader.documents.get(r.data)
            if data is None:
                continue
            if crypto.is_envelope(data):
                if key is None:
                    continue
                try:
                    data = crypto.decrypt(data, key, y.grants.get(r.data))
                except CarbonError:
                    continue
            try:
                month = load(data, "activity", r.data).get("period", {}).get("month")
            except CarbonError:
                continue
            if month:
                months[(y.credit_code, r.index)] = f"{month:02d}"
    return months


def _group(by: str, p: CompliancePosition) -> str:
    if by == "region":
        return p.profile.region
    if by == "industry":
        return p.profile.industry_code
    if by == "enterprise":
        return f"{p.profile.credit_code} {p.profile.name}"
    return "all"


def regulator_stats(
    reader: ChainReader, years: Sequence[int], by: str = "year", key: bytes | None = None
) -> Stats:
    """Statistics of `years` over every onboarded enterprise, grouped `by` one of GROUPINGS;
    `key` (the regulator's) opens encrypted documents when grouping by month."""
    if by not in GROUPINGS:
        raise StatsError(f"cannot group by {by!r}; choose one of {', '.join(GROUPINGS)}")
    if not years:
        raise StatsError("no year given")
    carbons = reader.enterprises()
    rows: list[StatsRow] = []
    totals: list[StatsRow] = []
    for year in sorted(set(years)):
        positions = reader.compliance_positions(year, carbons) if carbons else []
        records = records_of(reader, carbons, year) if carbons else {}
        cycle = reader.compliance_cycle(year)
        months = _months(reader, positions, year, key) if by == "month" else {}
        groups: dict[str, StatsRow] = {}
        total = StatsRow(year, "all")
        by_group: dict[str, list[CompliancePosition]] = defaultdict(list)
        for p in positions:
            kept = counted(records[p.carbon])
            if not kept and p.entry.state is ComplianceState.NONE and not p.allocation.allocated:
                continue  # nothing of this enterprise in this year
            _add(total, p, kept)
            by_group[_group(by, p)].append(p)
            if by == "month":
                for r in kept:
                    month = months.get((p.profile.credit_code, r.index), "unknown")
                    row = groups.setdefault(
                        month, StatsRow(year, month, verified=None, issued=None, surrendered=None)
                    )
                    row.enterprises.add(p.carbon)
                    row.reported += r.result
            else:
                name = _group(by, p)
                _add(groups.setdefault(name, StatsRow(year, name)), p, kept)
        (total.rate,) = rates(positions, cycle) or (Rate("all", 0, 0, 0, 0),)
        if by != "month":
            for name, members in by_group.items():
                found = rates(members, cycle)
                groups[name].rate = found[0] if found else Rate(name, 0, 0, 0, 0)
        rows += [groups[g] for g in sorted(groups)]
        totals.append(total)
    return Stats(sorted(set(years)), by, rows, totals)


def _add(row: StatsRow, p: CompliancePosition, kept: Sequence[Record]) -> None:
    row.enterprises.add(p.carbon)
    row.reported += sum(r.result for r in kept)
    assert row.verified is not None and row.issued is not None and row.surrendered is not None
    row.verified += p.verified or 0
    row.issued += p.allocation.allocated
    row.surrendered += p.allocation.surrendered


COLUMNS = (
    "year",
    "group",
    "enterprises",
    "reported_tco2e",
    "verified_tco2e",
    "quota_issued_tco2e",
    "quota_surrendered_tco2e",
    "compliance_due",
    "compliance_on_time",
    "compliance_late",
    "compliance_not_completed",
    "compliance_rate_percent",
)
