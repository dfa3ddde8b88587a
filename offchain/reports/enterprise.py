"""An enterprise's report of a year, from chain and store data only (docs/reports.md).

Each valid record's activity document is fetched and checked by digest (`verify.reads`, three
batched round trips), opened when encrypted and the caller's key is a recipient's or granted,
and recomputed per emission item with the exact standards set it pins (the sandbox, as the
verifier does). A record nobody here can open still counts with its public result, as
"unattributed". The annual aggregated record is not counted beside the monthly records it
sums; it counts only in a year without them. Every figure lists the records it comes from, by
index and the transaction of their `RecordSubmitted` event.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from offchain.calc import calculator
from offchain.chain.bindings import ComplianceState, Profile, Record, VerificationState
from offchain.chain.reader import ChainReader, CompliancePosition
from offchain.core import crypto
from offchain.core.documents import load, load_file, sha256_hex
from offchain.core.units import parse_tonnes, tonnes
from offchain.errors import CalculationError, CarbonError
from offchain.paths import SEEDS
from offchain.verify.evidence import EvidenceJudge, UnreadableError
from offchain.verify.reads import YearData, YearReads
from offchain.verify.standards import Standards, StandardsSets

ON_TRACK, WARNING = Fraction(80, 100), Fraction(100, 100)
UNATTRIBUTED = "unattributed"


class ReportError(CarbonError):
    """A report cannot be built: no such enterprise-year, or a target that does not fit it."""


@dataclass(frozen=True)
class Source:
    """Where a figure comes from: a record of the year and the transaction that submitted it."""

    index: int
    tx: str

    def to_json(self) -> dict[str, Any]:
        return {"record": self.index, "tx": self.tx}


@dataclass
class Figure:
    """An amount of micro-tonnes CO2e and the records it sums."""

    micro: int = 0
    sources: list[Source] = field(default_factory=list)

    def add(self, micro: int, source: Source) -> None:
        self.micro += micro
        if source not in self.sources:
            self.sources.append(source)

    def to_json(self) -> dict[str, Any]:
        return {"tco2e": tonnes(self.micro), "sources": [s.to_json() for s in self.sources]}


@dataclass(frozen=True)
class RecordLine:
    """One record of the year as the report reads it."""

    index: int
    tx: str
    title: str
    valid: bool
    aggregated: bool
    counted: bool  # whether the totals include it
    result: int  # micro-tonnes CO2e, public even when the document is encrypted
    encrypted: bool
    opened: bool  # whether its document was read (and, if encrypted, decrypted)
    why_not: str  # why its document was not read, "" when it was
    month: int | None
    items: dict[str, int] | None  # emission item -> micro-tonnes, when recomputed
    electricity_mwh: Decimal | None  # purchased electricity the document reports

    @property
    def source(self) -> Source:
        return Source(self.index, self.tx)

    def to_json(self) -> dict[str, Any]:
        return {
            "record": self.index,
            "tx": self.tx,
            "title": self.title,
            "valid": self.valid,
            "aggregated": self.aggregated,
            "counted": self.counted,
            "tco2e": tonnes(self.result),
            "encrypted": self.encrypted,
            "opened": self.opened,
            "why_not_opened": self.why_not or None,
            "month": self.month,
            "items": None
            if self.items is None
            else {k: tonnes(v) for k, v in sorted(self.items.items())},
            "electricity_mwh": None if self.electricity_mwh is None else str(self.electricity_mwh),
        }


@dataclass(frozen=True)
class Target:
    """An enterprise's target document, parsed, and the digest it is stored under."""

    digest: str
    document: dict[str, Any]

    @property
    def micro(self) -> int:
        return parse_tonnes(self.document["target_tco2e"])

    @property
    def instruments_mwh(self) -> Decimal:
        return sum((Decimal(i["mwh"]) for i in self.document.get("instruments", [])), Decimal(0))


@dataclass
class EnterpriseReport:
    """Everything the report shows; `to_json` is the one machine form (HTML and XLSX render
    it, the portal renders the same object)."""

    credit_code: str
    name: str
    region: str
    industry: str
    year: int
    carbon: str
    records: list[RecordLine]
    total: Figure
    by_item: dict[str, Figure]
    item_names: dict[str, str]
    by_month: dict[str, Figure]  # "01".."12", or "unknown" for unopened records
    scope1: Figure
    scope2_location: Figure
    scope2_market: dict[str, Any]
    grid_factor: dict[str, Any]
    reductions: dict[str, Any]
    green_rate: dict[str, Any]
    target: dict[str, Any]
    benchmark: dict[str, Any]
    trees: dict[str, Any]
    verification: dict[str, Any]
    compliance: dict[str, Any]
    notes: list[str]

    @property
    def unattributed(self) -> Figure:
        return self.by_item.get(UNATTRIBUTED, Figure())

    def to_json(self) -> dict[str, Any]:
        return {
            "enterprise": {
                "credit_code": self.credit_code,
                "name": self.name,
                "region": self.region,
                "industry": self.industry,
                "carbon": self.carbon,
            },
            "year": self.year,
            "total": self.total.to_json(),
            "scope1": self.scope1.to_json(),
            "scope2_location": self.scope2_location.to_json(),
            "scope2_market": self.scope2_market,
            "unattributed": self.unattributed.to_json(),
            "grid_factor": self.grid_factor,
            "by_item": {
                item: {**figure.to_json(), "name": self.item_names.get(item, "")}
                for item, figure in self.by_item.items()
            },
            "by_month": {month: f.to_json() for month, f in self.by_month.items()},
            "reductions": self.reductions,
            "green_rate": self.green_rate,
            "target": self.target,
            "benchmark": self.benchmark,
            "trees": self.trees,
            "verification": self.verification,
            "compliance": self.compliance,
            "records": [r.to_json() for r in self.records],
            "notes": self.notes,
        }


# -- data: scopes, equivalences, benchmarks -------------------------------------------------


@cache
def scopes() -> dict[str, Any]:
    return json.loads((SEEDS / "reports" / "scopes.json").read_text("utf-8"))


@cache
def equivalences() -> dict[str, Any]:
    return json.loads((SEEDS / "reports" / "equivalences.json").read_text("utf-8"))


@cache
def benchmarks() -> dict[str, Any]:
    return load_file(SEEDS / "allocation" / "benchmarks.json", "allocation-benchmarks")


def scope_of(item: str) -> int | None:
    """1 or 2 for an emission item of the GB formula libraries; None for unattributed."""
    if item == UNATTRIBUTED:
        return None
    return 2 if item in scopes()["scope2"] else 1


def load_target(data: bytes, origin: str) -> Target:
    """A target document from its bytes (validated against its schema)."""
    return Target(sha256_hex(data), load(data, "enterprise-target", origin))


def progress(actual: int, target: int) -> dict[str, Any]:
    """Emissions against a target: ≤ 80 % on track, ≤ 100 % warning, beyond exceeded."""
    share = Fraction(actual, target)
    status = "on track" if share <= ON_TRACK else "warning" if share <= WARNING else "exceeded"
    return {
        "percent": f"{float(share * 100):.1f}",
        "status": status,
        "rule": "≤ 80 % on track, ≤ 100 % warning, > 100 % exceeded",
    }


def trees_for(micro: int) -> dict[str, Any]:
    """Trees a year that would absorb `micro` micro-tonnes, with the factor and its source."""
    trees = equivalences()["trees"]
    per_tree = parse_tonnes(trees["tco2_per_tree_year"])
    return {
        "trees": round(Fraction(max(micro, 0), per_tree)),
        "tco2_per_tree_year": trees["tco2_per_tree_year"],
        "status": trees["status"],
        "source": trees["source"],
    }


def compare_benchmark(total: int, industry: str, target: Target | None) -> dict[str, Any]:
    """The year's intensity (emissions ÷ the output the target document declares) against the
    benchmark it names, else the industry's default benchmark."""
    table = benchmarks()["benchmarks"]
    output = target.document.get("output") if target else None
    wanted = output.get("benchmark") if output else None
    chosen = next(
        (
            b
            for b in table
            if (b["id"] == wanted if wanted else b["industry"] == industry and b.get("default"))
        ),
        None,
    )
    if wanted and chosen is None:
        raise ReportError(f"the target names benchmark {wanted!r}, which benchmarks.json lacks")
    found: dict[str, Any] = {"table": "seeds/allocation/benchmarks.json"}
    if chosen is None:
        return {**found, "status": f"no benchmark for industry {industry}"}
    found["benchmark"] = {
        k: chosen[k] for k in ("id", "name", "tco2_per_unit", "unit", "status", "source")
    }
    if output is None:
        return {**found, "status": "no output declared (the target document's `output`)"}
    if output["unit"] != chosen["unit"]:
        raise ReportError(
            f"the target declares output in {output['unit']}, benchmark {chosen['id']} is per "
            f"{chosen['unit']}"
        )
    intensity = Decimal(total) / 1_000_000 / Decimal(output["quantity"])
    bench = Decimal(chosen["tco2_per_unit"])
    return {
        **found,
        "output": output,
        "intensity": f"{intensity:.6f}",
        "ratio_percent": f"{intensity / bench * 100:.1f}",
        "status": "below benchmark" if intensity <= bench else "above benchmark",
    }


# -- reading the year -----------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    """What a record's `RecordSubmitted` event says: the transaction and the title."""

    tx: str
    title: str


def submissions(reader: ChainReader, carbon: str, year: int) -> dict[int, Submitted]:
    """Record index -> its `RecordSubmitted` event, for every record of `year` (one getLogs)."""
    event = reader.contract("EnterpriseCarbon", carbon).events.RecordSubmitted()
    logs = event.get_logs(from_block=0, argument_filters={"year": year})
    return {
        log["args"]["index"]: Submitted(
            "0x" + bytes(log["transactionHash"]).hex(), log["args"]["title"]
        )
        for log in logs
    }


@dataclass(frozen=True)
class Opened:
    """An activity document as the report could read it."""

    document: dict[str, Any] | None
    encrypted: bool
    why_not: str  # "" when read


@dataclass(frozen=True)
class YearRead:
    """An enterprise-year as `read_year` reads it: what `assemble` builds the report from."""

    data: YearData
    lines: list[RecordLine]
    item_names: dict[str, str]
    notes: list[str]


class _Opener:
    """Opens a year's activity documents with the caller's key, if any."""

    def __init__(self, reader: ChainReader, y: YearData, key: bytes | None) -> None:
        self.reader = reader
        self.y = y
        self.judge = EvidenceJudge(reader.documents, key)

    def open(self, record: Record) -> Opened:
        data = self.reader.documents.get(record.data)
        if data is None:
            why = self.y.entry_errors.get(record.data) or self.y.content_errors.get(
                record.data, "its bytes were not found"
            )
            return Opened(None, False, f"document {record.data}: {why}")
        encrypted = crypto.is_envelope(data)
        if encrypted:
            try:
                data, _how = self.judge.open(self.y, record.data, data)
            except UnreadableError as exc:
                return Opened(None, True, f"encrypted: {exc}")
            except CarbonError as exc:
                return Opened(None, True, f"cannot decrypt: {exc}")
        try:
            document = load(data, "activity", f"activity document {record.data}")
        except CarbonError as exc:
            return Opened(None, encrypted, str(exc))
        return Opened(document, encrypted, "")


def _electricity_mwh(document: dict[str, Any], standards: Standards) -> Decimal | None:
    """Purchased electricity (MWh) of the document's electricity records, None when it has none."""
    total, seen = Decimal(0), False
    for record in document["records"]:
        for group in ("electricity", "electricity_regional"):
            if group not in record:
                continue
            activity = standards.factors["groups"].get(group, {}).get("activity", {})
            if activity.get("unit") != "MWh" or record.get("unit", "MWh") != "MWh":
                continue
            symbol = activity.get("symbol", "AC")
            if isinstance(record.get(symbol), int | float):
                total += Decimal(str(record[symbol]))
                seen = True
    return total if seen else None


def _item_names(standards: Iterable[Standards]) -> dict[str, str]:
    names: dict[str, str] = {}
    for s in standards:
        for item, formula in s.formulas.get("formulas", {}).items():
            if formula.get("type") == "emission_item":
                names.setdefault(item, formula.get("name", ""))
    return names


def _counted(records: list[Record]) -> set[int]:
    """Indexes the totals count: the valid period records, else the valid aggregated ones."""
    valid = [r for r in records if r.valid]
    parts = [r.index for r in valid if not r.aggregated]
    return set(parts) if parts else {r.index for r in valid}


def read_year(reader: ChainReader, credit_code: str, year: int, key: bytes | None) -> YearRead:
    """The year's records, the counted ones opened and recomputed per item where possible."""
    grantee = crypto.address_of_public_key(crypto.public_key_of(key)) if key else None
    reads = YearReads(reader, grantee)
    (y,) = reads.fetch([(credit_code, year)])
    if y.error is not None:
        raise ReportError(f"{credit_code} {year}: {y.error}")
    events = submissions(reader, y.carbon, year)
    counted = _counted(y.records)
    opener = _Opener(reader, y, key)
    sets = StandardsSets(reads)
    notes: list[str] = []
    # The aggregated record is not recomputed beside the months it sums: it is not counted.
    opened = {r.index: opener.open(r) for r in y.records if r.index in counted}
    results: dict[int, calculator.CalculationResult] = {}
    groups: dict[int, list[Record]] = defaultdict(list)
    used: dict[int, Standards] = {}
    for r in y.records:
        if r.index in opened and opened[r.index].document is not None:
            chosen = sets.get(r.standards_set)
            if isinstance(chosen, str):
                notes.append(f"record #{r.index}: {chosen}; counted as unattributed")
                continue
            used[r.standards_set] = chosen
            groups[r.standards_set].append(r)
    for set_id, members in groups.items():
        s = used[set_id]
        answers = calculator.calculate_batch(
            s.factors, s.formulas, s.code, [opened[r.index].document for r in members]
        )
        for r, answer in zip(members, answers, strict=True):
            if isinstance(answer, CalculationError):
                notes.append(f"record #{r.index}: the pinned code refuses it ({answer})")
                continue
            results[r.index] = answer
            if answer.total_micro_tonnes() != r.result:
                notes.append(
                    f"record #{r.index}: recomputed {tonnes(answer.total_micro_tonnes())} t, the "
                    f"chain records {tonnes(r.result)} t; the items are the recomputation's"
                )
    lines = []
    for r in y.records:
        event = events.get(r.index, Submitted("", ""))
        shown = opened.get(r.index, Opened(None, False, "not counted: not read"))
        document = shown.document
        result = results.get(r.index)
        period = (document or {}).get("period", {})
        lines.append(
            RecordLine(
                index=r.index,
                tx=event.tx,
                title=event.title,
                valid=r.valid,
                aggregated=r.aggregated,
                counted=r.index in counted,
                result=r.result,
                encrypted=shown.encrypted,
                opened=document is not None,
                why_not=shown.why_not,
                month=period.get("month") if document else None,
                items=None if result is None else result.items_micro_tonnes(),
                electricity_mwh=None
                if document is None or r.standards_set not in used
                else _electricity_mwh(document, used[r.standards_set]),
            )
        )
    return YearRead(y, lines, _item_names(used.values()), notes)


# -- the report -----------------------------------------------------------------------------


def enterprise_report(
    reader: ChainReader,
    credit_code: str,
    year: int,
    key: bytes | None = None,
    target: Target | None = None,
) -> EnterpriseReport:
    """The report of `credit_code`'s `year`; `key` opens encrypted documents it may read."""
    if target is not None and (
        target.document["credit_code"] != credit_code or target.document["year"] != year
    ):
        raise ReportError(
            f"the target document {target.digest} is for {target.document['credit_code']} "
            f"{target.document['year']}, not {credit_code} {year}"
        )
    read = read_year(reader, credit_code, year, key)
    y = read.data
    assert y.profile is not None
    if not y.records:
        raise ReportError(f"{credit_code} has no records in {year}")
    position = reader.compliance_positions(year, [y.carbon])[0]
    return assemble(
        y.profile,
        year,
        y.carbon,
        read.lines,
        read.item_names,
        read.notes,
        _verification(position),
        _compliance(position),
        target,
    )


def assemble(
    profile: Profile,
    year: int,
    carbon: str,
    lines: list[RecordLine],
    names: dict[str, str],
    notes: list[str],
    verification: dict[str, Any],
    compliance: dict[str, Any],
    target: Target | None = None,
) -> EnterpriseReport:
    """The report from the year's records as `read_year` reads them: the sums, scopes, market-based
    scope 2, target progress, benchmark and equivalences (no reads)."""
    total, scope1, scope2 = Figure(), Figure(), Figure()
    electricity_location = Figure()
    by_item: dict[str, Figure] = defaultdict(Figure)
    by_month: dict[str, Figure] = defaultdict(Figure)
    mwh, mwh_known = Decimal(0), True
    for line in (r for r in lines if r.counted):
        source = line.source
        total.add(line.result, source)
        month = f"{line.month:02d}" if line.month else "unknown"
        by_month[month].add(line.result, source)
        if line.items is None:
            by_item[UNATTRIBUTED].add(line.result, source)
            mwh_known = False
            continue
        for item, micro in line.items.items():
            if micro == 0:
                continue
            by_item[item].add(micro, source)
            (scope2 if scope_of(item) == 2 else scope1).add(micro, source)
            if item in scopes()["electricity"]:
                electricity_location.add(micro, source)
        mwh += line.electricity_mwh or 0
    grid = _grid_factor(electricity_location, mwh, mwh_known)
    market, green = _market_based(scope2, electricity_location, mwh, mwh_known, target)
    report = EnterpriseReport(
        credit_code=profile.credit_code,
        name=profile.name,
        region=profile.region,
        industry=profile.industry_code,
        year=year,
        carbon=carbon,
        records=lines,
        total=total,
        by_item=dict(sorted(by_item.items())),
        item_names=names,
        by_month=dict(sorted(by_month.items())),
        scope1=scope1,
        scope2_location=scope2,
        scope2_market=market,
        grid_factor=grid,
        reductions={
            "status": "none reported",
            "why": "the activity documents report no on-site generation: the GB factor libraries "
            "have no group for it, so no reduction (generation × grid factor) is claimed",
        },
        green_rate=green,
        target=_target(total.micro, target),
        benchmark=compare_benchmark(total.micro, profile.industry_code, target),
        trees=trees_for(total.micro),
        verification=verification,
        compliance=compliance,
        notes=list(notes),
    )
    if report.unattributed.micro:
        report.notes.append(
            f"{tonnes(report.unattributed.micro)} t of records whose documents could not be "
            "opened count in the total but in neither scope nor any item"
        )
    return report


def _grid_factor(electricity: Figure, mwh: Decimal, known: bool) -> dict[str, Any]:
    if not known or mwh == 0:
        return {"status": "unknown: no purchased electricity read from the documents"}
    return {
        "tco2_per_mwh": f"{Decimal(electricity.micro) / 1_000_000 / mwh:.6f}",
        "electricity_mwh": str(mwh),
        "how": "the electricity items' emissions ÷ the MWh the documents report: the factor the "
        "records' pinned factor libraries applied",
        "sources": [s.to_json() for s in electricity.sources],
    }


def _market_based(
    scope2: Figure, electricity: Figure, mwh: Decimal, known: bool, target: Target | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Market-based scope 2 (instrument-covered MWh × 0, the rest at the grid factor) and the
    green rate (covered MWh ÷ purchased MWh)."""
    covered = target.instruments_mwh if target else Decimal(0)
    if covered == 0:
        why = "equal to location-based: no contractual instruments (green certificates, PPAs) " + (
            "are named" if target else "known: no target document given"
        )
        return (
            {**scope2.to_json(), "basis": why},
            {"status": "unknown" if target is None else "0.0", "why": why},
        )
    if not known or mwh == 0:
        why = "instruments are named but the purchased electricity is not known"
        return {**scope2.to_json(), "basis": why}, {"status": "unknown", "why": why}
    share = min(Fraction(covered) / Fraction(mwh), Fraction(1))
    avoided = round(electricity.micro * share)
    figure = {
        "tco2e": tonnes(scope2.micro - avoided),
        "sources": scope2.to_json()["sources"],
        "basis": f"{min(covered, mwh)} MWh covered by instruments × 0 tCO2/MWh, the rest of the "
        "electricity at the grid factor (no residual mix factor is published for China)",
        "instruments_target": target.digest if target else None,
    }
    green = {
        "percent": f"{float(share * 100):.1f}",
        "green_mwh": str(covered),
        "electricity_mwh": str(mwh),
        "why": "instrument-covered MWh (target document) ÷ purchased MWh (activity documents)",
    }
    return figure, green


def _target(total: int, target: Target | None) -> dict[str, Any]:
    if target is None:
        return {"status": "no target document given"}
    return {
        "digest": target.digest,
        "target_tco2e": tonnes(target.micro),
        "source": target.document["source"],
        "actual_tco2e": tonnes(total),
        **progress(total, target.micro),
    }


def _verification(p: CompliancePosition) -> dict[str, Any]:
    summary = p.verification
    return {
        "state": str(summary.state),
        "agency": summary.agency,
        "verdicts": summary.verdicts,
        "verified_tco2e": tonnes(summary.verified_emissions)
        if summary.state is VerificationState.CLOSED
        else None,
    }


def _compliance(p: CompliancePosition) -> dict[str, Any]:
    entry = p.entry
    return {
        "state": str(entry.state),
        "notified": entry.state is not ComplianceState.NONE,
        "status_live": p.live.letter,
        "status_frozen": p.frozen.letter,
        "quota_allocated_tco2e": tonnes(p.allocation.allocated),
        "quota_surrendered_tco2e": tonnes(p.allocation.surrendered),
        "balance_tco2e": tonnes(p.balance),
    }


def item_rows(report: EnterpriseReport) -> list[Mapping[str, Any]]:
    """The emission items as table rows (HTML, XLSX and CSV show the same)."""
    return [
        {
            "item": item,
            "name": report.item_names.get(item, ""),
            "scope": scope_of(item) or "-",
            "tco2e": tonnes(f.micro),
            "records": ", ".join(f"#{s.index}" for s in f.sources),
        }
        for item, f in report.by_item.items()
    ]
