"""Quota allocation (seed 002, DESIGN §10): from the history of the controlled enterprises to the
trend of their total, and from the trend to a proposal for one year under a rule the regulator
chooses. Pure: no chain, no printing; the chain's verified emissions come in as `ChainEnterprise`.

Rules:

- `average` (grandfathering): a total, given by the regulator or else the trend's projection for
  the year, split in proportion to each enterprise's average verified emissions over the last N
  years (the N calendar years before the allocation year, of those it has).
- `benchmark` (China's national ETS for power): each enterprise's quota is benchmark × output.
  Pre-allocation: a share (70 %) of benchmark × the earlier year's output; the true-up after
  verification brings it to benchmark × the year's actual output. A negative true-up issues
  nothing (an ERC-20 issue cannot be negative): the excess is reported, to be surrendered or
  deducted from the next allocation.

All amounts of CO2e are integer micro-tonnes. A split is rounded by largest remainder so that the
shares sum exactly to the total; benchmark × output is rounded down to the micro-tonne, so that no
enterprise receives more than the formula gives.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from offchain.core.credit_code import CreditCodeError, normalise
from offchain.core.documents import parse_json, sha256_hex, validate
from offchain.core.units import MICRO_PER_TONNE, parse_tonnes, tonnes
from offchain.errors import CarbonError, DocumentError
from offchain.paths import SEEDS

BENCHMARKS = SEEDS / "allocation" / "benchmarks.json"
DEFAULT_WINDOW = 3
DEFAULT_SHARE = Fraction(7, 10)
Rule = Literal["average", "benchmark"]
# The chart's size in pixels: CHART_SIZE at CHART_DPI.
CHART_DPI = 100
CHART_SIZE = (1000, 600)


class AllocationError(CarbonError):
    """A proposal cannot be made from the inputs given (no history, no benchmark, bad total)."""


class ProposalError(DocumentError):
    """A proposal file cannot be read or is not a proposal this tooling wrote."""


# -- inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearData:
    """One enterprise's year: verified emissions, energy use and output, as far as known."""

    year: int
    emissions: int | None = None  # micro-tonnes CO2e
    energy: Decimal | None = None  # tonnes of standard coal equivalent (tce)
    output: Decimal | None = None  # in the unit of the enterprise's benchmark
    emissions_source: Literal["file", "chain"] = "file"


@dataclass(frozen=True)
class EnterpriseHistory:
    """An enterprise and its years, oldest first."""

    credit_code: str
    name: str
    industry: str  # the two-digit code of the 24 industries, e.g. "01"
    region: str
    benchmark: str | None = None  # a benchmark id; None: the industry's default
    years: tuple[YearData, ...] = ()

    def year(self, year: int) -> YearData | None:
        return next((y for y in self.years if y.year == year), None)


@dataclass(frozen=True)
class History:
    """Every enterprise's history; `digest` is the inputs document's, when one was given."""

    enterprises: tuple[EnterpriseHistory, ...]
    digest: str | None = None

    def enterprise(self, credit_code: str) -> EnterpriseHistory | None:
        return next((e for e in self.enterprises if e.credit_code == credit_code), None)


@dataclass(frozen=True)
class ChainEnterprise:
    """What the chain says of an onboarded enterprise: its profile and the verified emissions of
    its Closed years (micro-tonnes by year)."""

    credit_code: str
    name: str
    industry: str
    region: str
    verified: Mapping[int, int] = field(default_factory=dict)


def load_history(data: bytes, origin: str) -> History:
    """The regulator's history document (schema `allocation-history`), cited by its digest."""
    document = parse_json(data, origin)
    validate(document, "allocation-history", origin)
    enterprises = []
    seen: set[str] = set()
    for n, item in enumerate(document["enterprises"]):
        where = f"{origin}: enterprises/{n}"
        try:
            code = normalise(item["credit_code"])
        except CreditCodeError as exc:
            raise DocumentError(f"{where}: {exc}") from exc
        if code in seen:
            raise DocumentError(f"{where}: credit code {code} appears twice")
        seen.add(code)
        years = []
        for entry in item["years"]:
            if any(y.year == entry["year"] for y in years):
                raise DocumentError(f"{where}: year {entry['year']} appears twice for {code}")
            years.append(
                YearData(
                    entry["year"],
                    _amount(entry, "emissions", where),
                    _decimal(entry.get("energy")),
                    _decimal(entry.get("output")),
                )
            )
        enterprises.append(
            EnterpriseHistory(
                code,
                item["name"],
                item["industry"],
                item.get("region", ""),
                item.get("benchmark"),
                tuple(sorted(years, key=lambda y: y.year)),
            )
        )
    return History(tuple(enterprises), sha256_hex(data))


def _amount(entry: dict[str, Any], key: str, where: str) -> int | None:
    if key not in entry:
        return None
    try:
        return parse_tonnes(entry[key])
    except CarbonError as exc:
        raise DocumentError(f"{where} year {entry['year']}: {key}: {exc}") from exc


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def merge_chain(history: History, chain: Iterable[ChainEnterprise], listed: bool) -> History:
    """The history with the chain's verified emissions in place of the file's for every Closed
    year. When the history is `listed`, the enterprises it names are the covered ones (the
    regulator's list, 纳入配额管理的重点排放单位名单) and the chain's others are left out; else
    every onboarded enterprise with a Closed year is covered. The chain's profile (name,
    industry, region) wins over the file's."""
    enterprises = {e.credit_code: e for e in history.enterprises}
    for found in chain:
        if found.credit_code not in enterprises and (listed or not found.verified):
            continue
        known = enterprises.get(found.credit_code) or EnterpriseHistory(
            found.credit_code, found.name, found.industry, found.region
        )
        years = {y.year: y for y in known.years}
        for year, verified in found.verified.items():
            years[year] = replace(
                years.get(year, YearData(year)), emissions=verified, emissions_source="chain"
            )
        enterprises[found.credit_code] = replace(
            known,
            name=found.name,
            industry=found.industry,
            region=found.region,
            years=tuple(years[y] for y in sorted(years)),
        )
    return History(tuple(enterprises.values()), history.digest)


# -- the trend -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearTotal:
    """The total of one year over the enterprises that have it."""

    year: int
    emissions: int  # micro-tonnes CO2e
    energy: Decimal | None  # tce; None when no enterprise gave its energy use
    enterprises: int  # how many enterprises' emissions the total sums


@dataclass(frozen=True)
class Trend:
    """Yearly totals and their least-squares line, emissions = intercept + slope × year."""

    totals: tuple[YearTotal, ...]
    slope: Fraction  # micro-tonnes per year
    intercept: Fraction

    def projection(self, year: int) -> int:
        """The line's value at `year`, micro-tonnes, rounded half up; never below zero."""
        return max(0, math.floor(self.intercept + self.slope * year + Fraction(1, 2)))


def trend(history: History, before: int) -> Trend:
    """The totals of the years before `before` and the least-squares line through them (a
    level line through a single year)."""
    totals = []
    years = sorted({y.year for e in history.enterprises for y in e.years if y.year < before})
    for year in years:
        data = [e.year(year) for e in history.enterprises]
        emitted = [d.emissions for d in data if d is not None and d.emissions is not None]
        energies = [d.energy for d in data if d is not None and d.energy is not None]
        if emitted:
            totals.append(
                YearTotal(year, sum(emitted), sum(energies) if energies else None, len(emitted))
            )
    if not totals:
        raise AllocationError(f"no verified emissions before {before}: nothing to trend")
    n = len(totals)
    mean_x = Fraction(sum(t.year for t in totals), n)
    mean_y = Fraction(sum(t.emissions for t in totals), n)
    spread = sum((t.year - mean_x) ** 2 for t in totals)
    slope = (
        sum((t.year - mean_x) * (t.emissions - mean_y) for t in totals) / spread
        if spread
        else Fraction(0)
    )
    return Trend(tuple(totals), slope, mean_y - slope * mean_x)


# -- splitting a total ---------------------------------------------------------------------------


def split(total: int, weights: Sequence[Fraction | int]) -> list[int]:
    """`total` split in proportion to `weights` (≥ 0, not all zero) in whole units: each share is
    the exact quotient rounded down, and the units left over go one each to the largest
    remainders (the earlier weight first on a tie), so the shares sum exactly to `total` and each
    is within one unit of its exact value."""
    if total < 0:
        raise AllocationError(f"cannot split a negative total {total}")
    if any(w < 0 for w in weights):
        raise AllocationError("a weight of a split is negative")
    whole = sum(weights, Fraction(0))
    if whole == 0:
        raise AllocationError("every weight of the split is zero: there is nothing to split by")
    exact = [Fraction(total) * w / whole for w in weights]
    shares = [int(e) for e in exact]  # floor: every e ≥ 0
    left = total - sum(shares)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return shares


# -- proposals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AverageBasis:
    """Why an enterprise gets its share under the average rule."""

    years: tuple[int, ...]  # the years of the window it has emissions for
    average: Fraction  # micro-tonnes CO2e


@dataclass(frozen=True)
class Benchmark:
    """A benchmark of `benchmarks.json`: tCO2 per unit of output of one kind of installation."""

    id: str
    industry: str
    name: str
    tco2_per_unit: Decimal
    unit: str
    status: str
    source: str
    default: bool = False

    @property
    def micro_per_unit(self) -> Decimal:
        return self.tco2_per_unit * MICRO_PER_TONNE


@dataclass(frozen=True)
class BenchmarkBasis:
    """Why an enterprise gets its quota under the benchmark rule."""

    benchmark: Benchmark
    prior_output: Decimal  # output of the year before, in the benchmark's unit
    pre_allocation: int  # share × benchmark × prior output, micro-tonnes
    output: Decimal | None  # the year's actual output, once verified
    final: int | None  # benchmark × actual output

    @property
    def true_up(self) -> int | None:
        """What the true-up adds (negative: an excess to surrender or deduct)."""
        return None if self.final is None else self.final - self.pre_allocation


@dataclass(frozen=True)
class Share:
    """One enterprise's quota for the year: `amount` is what its allocation should reach."""

    credit_code: str
    name: str
    industry: str
    region: str
    amount: int  # micro-tonnes CO2e
    basis: AverageBasis | BenchmarkBasis


@dataclass(frozen=True)
class Proposal:
    """A year's quota under a rule: each enterprise's share, with what the rule was given (its
    parameters and the digests of the documents it read) so that it can be reproduced."""

    year: int
    rule: Rule
    total: int  # micro-tonnes CO2e, the sum of the shares
    shares: tuple[Share, ...]
    trend: Trend | None
    parameters: Mapping[str, Any]
    history: str | None  # the digest of the inputs document
    benchmarks: str | None = None  # the digest of the benchmarks document


def propose_average(
    history: History, year: int, total: int | None = None, window: int = DEFAULT_WINDOW
) -> Proposal:
    """`total` (by default the trend's projection for `year`) split in proportion to each
    enterprise's average emissions over the `window` years before `year`. An enterprise without
    emissions in the window gets nothing (a new entrant is served from a reserve, not here)."""
    if window < 1:
        raise AllocationError(f"the window must be at least one year, not {window}")
    line = trend(history, year)
    if total is None:
        total = line.projection(year)
    if total <= 0:
        raise AllocationError(f"the total for {year} is {tonnes(total)} t: nothing to allocate")
    bases = []
    for enterprise in history.enterprises:
        known = [
            y
            for y in enterprise.years
            if year - window <= y.year < year and y.emissions is not None
        ]
        average = (
            Fraction(sum(y.emissions or 0 for y in known), len(known)) if known else Fraction(0)
        )
        bases.append(AverageBasis(tuple(y.year for y in known), average))
    if not any(b.average for b in bases):
        raise AllocationError(
            f"no enterprise has verified emissions in {year - window}–{year - 1}: "
            "nothing to split the total by"
        )
    amounts = split(total, [b.average for b in bases])
    shares = tuple(
        Share(e.credit_code, e.name, e.industry, e.region, amount, basis)
        for e, amount, basis in zip(history.enterprises, amounts, bases, strict=True)
    )
    return Proposal(year, "average", total, shares, line, {"window": window}, history.digest, None)


def load_benchmarks(data: bytes, origin: str) -> dict[str, Benchmark]:
    """The benchmarks document (schema `allocation-benchmarks`), by id; one default per
    industry at most."""
    document = parse_json(data, origin)
    validate(document, "allocation-benchmarks", origin)
    found: dict[str, Benchmark] = {}
    defaults: set[str] = set()
    for item in document["benchmarks"]:
        if item["id"] in found:
            raise DocumentError(f"{origin}: benchmark {item['id']} appears twice")
        benchmark = Benchmark(
            item["id"],
            item["industry"],
            item["name"],
            Decimal(item["tco2_per_unit"]),
            item["unit"],
            item["status"],
            item["source"],
            item.get("default", False),
        )
        if benchmark.default:
            if benchmark.industry in defaults:
                raise DocumentError(f"{origin}: industry {benchmark.industry} has two defaults")
            defaults.add(benchmark.industry)
        found[benchmark.id] = benchmark
    return found


def _benchmark_of(enterprise: EnterpriseHistory, benchmarks: Mapping[str, Benchmark]) -> Benchmark:
    if enterprise.benchmark is not None:
        chosen = benchmarks.get(enterprise.benchmark)
        if chosen is None:
            raise AllocationError(
                f"{enterprise.credit_code}: no benchmark {enterprise.benchmark!r}; known: "
                + ", ".join(sorted(benchmarks))
            )
        if chosen.industry != enterprise.industry:
            raise AllocationError(
                f"{enterprise.credit_code}: benchmark {chosen.id} is for industry "
                f"{chosen.industry}, the enterprise is in industry {enterprise.industry}"
            )
        return chosen
    default = next(
        (b for b in benchmarks.values() if b.industry == enterprise.industry and b.default), None
    )
    if default is None:
        raise AllocationError(
            f"{enterprise.credit_code}: industry {enterprise.industry} has no default benchmark; "
            "name one in the history document or use the average rule"
        )
    return default


def propose_benchmark(
    history: History,
    year: int,
    benchmarks: Mapping[str, Benchmark],
    share: Fraction = DEFAULT_SHARE,
    benchmarks_digest: str | None = None,
) -> Proposal:
    """Each enterprise's quota for `year` as benchmark × output: the pre-allocation (`share` of
    benchmark × the output of `year - 1`) until the year's output is known, then benchmark × that
    output (the true-up, possibly negative). Every enterprise needs its output of `year - 1`."""
    if not 0 < share <= 1:
        raise AllocationError(f"the pre-allocation share must be in (0, 1], not {float(share)}")
    shares = []
    for enterprise in history.enterprises:
        benchmark = _benchmark_of(enterprise, benchmarks)
        prior = enterprise.year(year - 1)
        if prior is None or prior.output is None:
            raise AllocationError(
                f"{enterprise.credit_code}: no output for {year - 1} in the history document; "
                f"the benchmark rule pre-allocates from it ({benchmark.unit})"
            )
        pre = math.floor(Fraction(benchmark.micro_per_unit) * Fraction(prior.output) * share)
        actual = enterprise.year(year)
        output = actual.output if actual is not None else None
        final = (
            None
            if output is None
            else math.floor(Fraction(benchmark.micro_per_unit) * Fraction(output))
        )
        basis = BenchmarkBasis(benchmark, prior.output, pre, output, final)
        amount = pre if final is None else final
        shares.append(
            Share(
                enterprise.credit_code,
                enterprise.name,
                enterprise.industry,
                enterprise.region,
                amount,
                basis,
            )
        )
    try:
        line: Trend | None = trend(history, year)
    except AllocationError:
        line = None  # the benchmark rule needs outputs, not a history of emissions
    return Proposal(
        year,
        "benchmark",
        sum(s.amount for s in shares),
        tuple(shares),
        line,
        {"share": str(share.numerator / Decimal(share.denominator))},
        history.digest,
        benchmarks_digest,
    )


# -- the proposal as a document ------------------------------------------------------------------


def proposal_document(proposal: Proposal) -> dict[str, Any]:
    """The proposal as JSON (schema `quota-proposal`): amounts as decimal strings of tonnes."""
    line = proposal.trend
    return {
        "year": proposal.year,
        "rule": proposal.rule,
        "parameters": dict(proposal.parameters),
        "history": proposal.history,
        "benchmarks": proposal.benchmarks,
        "total": tonnes(proposal.total),
        "trend": None
        if line is None
        else {
            "totals": [
                {
                    "year": t.year,
                    "emissions": tonnes(t.emissions),
                    "energy": None if t.energy is None else str(t.energy),
                    "enterprises": t.enterprises,
                }
                for t in line.totals
            ],
            "slope_per_year": tonnes(round(line.slope)),
            "projection": tonnes(line.projection(proposal.year)),
        },
        "enterprises": [_share_document(s) for s in proposal.shares],
    }


def _share_document(share: Share) -> dict[str, Any]:
    document: dict[str, Any] = {
        "credit_code": share.credit_code,
        "name": share.name,
        "industry": share.industry,
        "region": share.region,
        "amount": tonnes(share.amount),
    }
    basis = share.basis
    if isinstance(basis, AverageBasis):
        document["average"] = {
            "years": list(basis.years),
            "emissions": tonnes(round(basis.average)),
        }
    else:
        document["benchmark"] = {
            "id": basis.benchmark.id,
            "tco2_per_unit": str(basis.benchmark.tco2_per_unit),
            "unit": basis.benchmark.unit,
            "prior_output": str(basis.prior_output),
            "pre_allocation": tonnes(basis.pre_allocation),
            "output": None if basis.output is None else str(basis.output),
            "final": None if basis.final is None else tonnes(basis.final),
            "true_up": None if basis.true_up is None else tonnes(basis.true_up),
        }
    return document


@dataclass(frozen=True)
class ProposedQuota:
    """What `carbon quota issue` reads back from a proposal: an enterprise and its amount."""

    credit_code: str
    amount: int  # micro-tonnes CO2e


@dataclass(frozen=True)
class ProposalFile:
    """A proposal read back for issuing: its year, rule, digest and amounts."""

    year: int
    rule: Rule
    digest: str
    quotas: tuple[ProposedQuota, ...]


def load_proposal(data: bytes, origin: str) -> ProposalFile:
    """A proposal written by `proposal_document`, checked against its schema."""
    try:
        document = parse_json(data, origin)
        validate(document, "quota-proposal", origin)
    except DocumentError as exc:
        raise ProposalError(str(exc)) from exc
    quotas = []
    for n, item in enumerate(document["enterprises"]):
        try:
            quotas.append(
                ProposedQuota(normalise(item["credit_code"]), parse_tonnes(item["amount"]))
            )
        except CarbonError as exc:
            raise ProposalError(f"{origin}: enterprises/{n}: {exc}") from exc
    codes = [q.credit_code for q in quotas]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise ProposalError(f"{origin}: {', '.join(twice)} appear more than once")
    return ProposalFile(document["year"], document["rule"], sha256_hex(data), tuple(quotas))


# -- the chart -----------------------------------------------------------------------------------


def render_chart(proposal: Proposal, path: Path) -> None:
    """The trend of the total emissions (bars of energy use on a second axis when known), its
    least-squares line projected to the proposal's year, and the proposed total: a PNG of
    CHART_SIZE pixels. Labels are English: no CJK font can be assumed on the machine."""
    line = proposal.trend
    if line is None:
        raise AllocationError("the proposal has no history of emissions to chart")
    import matplotlib

    matplotlib.use("Agg")  # no display: render to a file
    from matplotlib.figure import Figure

    width, height = CHART_SIZE
    figure = Figure(figsize=(width / CHART_DPI, height / CHART_DPI), dpi=CHART_DPI)
    axes = figure.add_subplot()
    years = [t.year for t in line.totals]
    kilo = 1000 * MICRO_PER_TONNE  # kt: the axis reads in thousands of tonnes
    energies = [(t.year, t.energy) for t in line.totals if t.energy is not None]
    if energies:
        energy_axes = axes.twinx()
        energy_axes.bar(
            [y for y, _ in energies],
            [float(e) / 1000 for _, e in energies],
            color="#c9d6e3",
            width=0.6,
            label="energy use (kt ce)",
        )
        energy_axes.set_ylabel("energy use (kt standard coal equivalent)")
        axes.set_zorder(energy_axes.get_zorder() + 1)
        axes.patch.set_visible(False)
    axes.plot(
        years,
        [t.emissions / kilo for t in line.totals],
        marker="o",
        color="#1f4e79",
        label="total verified emissions",
    )
    ends = [years[0], proposal.year]
    axes.plot(
        ends,
        [float(line.intercept + line.slope * y) / kilo for y in ends],
        linestyle="--",
        color="#7f7f7f",
        label="least-squares trend",
    )
    axes.plot(
        [proposal.year],
        [line.projection(proposal.year) / kilo],
        marker="o",
        fillstyle="none",
        color="#7f7f7f",
        linestyle="none",
        label=f"projection {proposal.year}",
    )
    axes.plot(
        [proposal.year],
        [proposal.total / kilo],
        marker="*",
        markersize=14,
        color="#c00000",
        linestyle="none",
        label=f"proposed total {proposal.year} ({proposal.rule})",
    )
    axes.set_xlabel("year")
    axes.set_ylabel("emissions (kt CO2e)")
    axes.set_title(f"Controlled enterprises: total emissions and the {proposal.year} quota")
    axes.set_xticks([*years, proposal.year] if proposal.year not in years else years)
    axes.grid(True, alpha=0.3)
    # One legend for both axes, so the energy bars' entry cannot cover the proposed total.
    handles, labels = axes.get_legend_handles_labels()
    for other in figure.axes[1:]:
        more_handles, more_labels = other.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    axes.legend(handles, labels, loc="upper left", fontsize="small")
    figure.savefig(path, format="png", dpi=CHART_DPI)
