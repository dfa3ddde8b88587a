"""`carbon quota`: allocation proposals (regulator), issuing them and naming accounts
(regulator), transfers (enterprises), balances and history (anyone)."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import emit, listing, table, when

if TYPE_CHECKING:
    from offchain.actions.allocation import History, Proposal


def _share(_ctx: click.Context, _param: click.Parameter, value: str) -> Any:
    from decimal import Decimal, InvalidOperation
    from fractions import Fraction

    try:
        share = Fraction(Decimal(value))
    except (InvalidOperation, ValueError) as exc:
        raise click.BadParameter(f"{value!r} is not a decimal number") from exc
    if not 0 < share <= 1:
        raise click.BadParameter(f"{value} is not a share in (0, 1]")
    return share


def _tonnes(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    from offchain.core.units import AmountError, parse_tonnes

    if value is None:
        return None
    try:
        amount = parse_tonnes(value)
    except AmountError as exc:
        raise click.BadParameter(str(exc)) from exc
    if amount <= 0:
        raise click.BadParameter(f"{value} t is not a positive amount")
    return amount


@click.group()
def quota() -> None:
    """Quota (配额): allocate, issue and name accounts (regulator); transfer (enterprises);
    balance and history (anyone)."""


@quota.command("allocate")
@options.YEAR
@click.option(
    "--rule",
    type=click.Choice(["average", "benchmark"]),
    required=True,
    help="average: a total split by average verified emissions; benchmark: benchmark × output.",
)
@click.option(
    "--total",
    callback=_tonnes,
    default=None,
    help="Total quota in tCO2e for the average rule (default: the trend's projection).",
)
@click.option(
    "--history",
    "history_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The regulator's history document (docs/allocation.md): the covered enterprises' "
    "emissions, energy use and outputs; Closed years on chain override it.",
)
# The defaults of --years and --share are allocation.DEFAULT_WINDOW and DEFAULT_SHARE, spelled
# out so that --help does not import the allocation module (and jsonschema with it).
@click.option(
    "--years",
    "window",
    type=click.IntRange(1, 50),
    default=3,
    show_default=True,
    help="Average rule: the years averaged, those before --year.",
)
@click.option(
    "--share",
    callback=_share,
    default="0.7",
    show_default=True,
    help="Benchmark rule: the share of benchmark × the earlier year's output pre-allocated.",
)
@click.option(
    "--benchmarks",
    "benchmarks_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Benchmarks document (default seeds/allocation/benchmarks.json).",
)
@click.option(
    "--chart",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the trend chart (PNG) here.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the proposal (JSON) here, for `carbon quota issue`.",
)
@options.JSON
@pass_app
def quota_allocate(
    app: App,
    year: int,
    rule: str,
    total: int | None,
    history_file: Path | None,
    window: int,
    share: Any,
    benchmarks_file: Path | None,
    chart: Path | None,
    out: Path | None,
    as_json: bool,
) -> None:
    """Propose the quota of --year: the history and its trend, then each enterprise's share."""
    import json

    from offchain.actions import allocation
    from offchain.actions.quota import chain_enterprises

    if rule == "benchmark" and total is not None:
        raise click.UsageError("--total is for the average rule; benchmark × output sets it")
    history = allocation.History(())
    if history_file is not None:
        data = _read(history_file)
        history = allocation.load_history(data, str(history_file))
        app.store.put(data)
    years = sorted({y.year for e in history.enterprises for y in e.years if y.year < year})
    chain = chain_enterprises(app.reader, years)
    history = allocation.merge_chain(history, chain, listed=history_file is not None)
    if not history.enterprises:
        raise click.ClickException(
            "no enterprise to allocate to: give a --history document or close verifications"
        )
    if rule == "average":
        proposal = allocation.propose_average(history, year, total, window)
    else:
        bench_path = benchmarks_file or allocation.BENCHMARKS
        bench_data = _read(bench_path)
        benchmarks = allocation.load_benchmarks(bench_data, str(bench_path))
        digest = app.store.put(bench_data)
        proposal = allocation.propose_benchmark(history, year, benchmarks, share, digest)
    document = allocation.proposal_document(proposal)
    encoded = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    digest = app.store.put(encoded)
    if out is not None:
        out.write_bytes(encoded)
    if chart is not None and proposal.trend is not None:
        allocation.render_chart(proposal, chart)
    if as_json:
        emit({"proposal": document, "digest": digest, "chart": str(chart) if chart else None})
        return
    _show_history(history, year)
    _show_trend(proposal)
    _show_proposal(proposal)
    click.echo(f"proposal {digest}" + (f" written to {out}" if out else ""))
    if chart is not None:
        click.echo(
            f"chart written to {chart}" if proposal.trend else "no chart: no emissions history"
        )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc


def _show_history(history: "History", year: int) -> None:
    from offchain.core.units import tonnes

    years = sorted({y.year for e in history.enterprises for y in e.years if y.year < year})

    def cell(enterprise: Any, at: int) -> str:
        data = enterprise.year(at)
        if data is None or data.emissions is None:
            return "-"
        return tonnes(data.emissions) + ("*" if data.emissions_source == "chain" else "")

    table(
        ["enterprise", "name", "industry", "region", *map(str, years)],
        [
            [e.credit_code, e.name, e.industry, e.region, *(cell(e, y) for y in years)]
            for e in history.enterprises
        ],
        title="verified emissions, tCO2e (* closed on chain)",
    )


def _show_trend(proposal: "Proposal") -> None:
    from offchain.core.units import tonnes

    line = proposal.trend
    if line is None:
        return
    table(
        ["year", "total tCO2e", "energy tce", "enterprises"],
        [
            [t.year, tonnes(t.emissions), "-" if t.energy is None else t.energy, t.enterprises]
            for t in line.totals
        ],
        title="total of the covered enterprises",
    )
    click.echo(
        f"trend {tonnes(round(line.slope))} t/year; projection {proposal.year}: "
        f"{tonnes(line.projection(proposal.year))} t; proposed total: {tonnes(proposal.total)} t"
    )


def _show_proposal(proposal: "Proposal") -> None:
    from offchain.actions.allocation import AverageBasis, BenchmarkBasis
    from offchain.core.units import tonnes

    def optional(value: int | None) -> str:
        return "-" if value is None else tonnes(value)

    title = f"{proposal.year} quota, {proposal.rule} rule, total {tonnes(proposal.total)} t"
    if proposal.rule == "average":
        rows = []
        for s in proposal.shares:
            assert isinstance(s.basis, AverageBasis)  # the average rule's shares
            years = ",".join(map(str, s.basis.years)) or "none"
            rows.append(
                [s.credit_code, s.name, years, tonnes(round(s.basis.average)), tonnes(s.amount)]
            )
        table(["enterprise", "name", "years", "average t", "quota t"], rows, title=title)
        return
    rows = []
    for s in proposal.shares:
        assert isinstance(s.basis, BenchmarkBasis)  # the benchmark rule's shares
        b = s.basis
        rows.append(
            [
                s.credit_code,
                s.name,
                f"{b.benchmark.id} ({b.benchmark.tco2_per_unit} t/{b.benchmark.unit})",
                b.prior_output,
                tonnes(b.pre_allocation),
                "-" if b.output is None else b.output,
                optional(b.final),
                optional(b.true_up),
                tonnes(s.amount),
            ]
        )
    table(
        [
            "enterprise",
            "name",
            "benchmark",
            f"output {proposal.year - 1}",
            "pre-allocation t",
            f"output {proposal.year}",
            "final t",
            "true-up t",
            "quota t",
        ],
        rows,
        title=title,
    )
    if any(
        isinstance(s.basis, BenchmarkBasis) and (s.basis.true_up or 0) < 0 for s in proposal.shares
    ):
        click.echo(
            "a negative true-up issues nothing: the excess is to be surrendered or deducted "
            "from the next allocation"
        )


@quota.command("issue")
@click.option(
    "--proposal",
    "proposal_file",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="A proposal written by `carbon quota allocate --out`.",
)
@options.AS
@options.OUTCOME_JSON
@pass_app
def quota_issue(app: App, proposal_file: Path, signer: str, as_json: bool) -> None:
    """Issue a proposal: each enterprise gets what its allocation of the year still lacks, so
    issuing again issues nothing (regulator)."""
    from offchain.actions import quota as actions
    from offchain.actions.allocation import load_proposal
    from offchain.core.units import tonnes

    proposal = load_proposal(_read(proposal_file), str(proposal_file))
    lines = actions.issue(app.reader, app.tx, app.signer(signer), proposal)
    rows = [
        {
            "enterprise": line.credit_code,
            "proposed": tonnes(line.proposed),
            "allocated_before": tonnes(line.allocated_before),
            "issued": tonnes(line.issued),
            "outcome": line.outcome,
            "excess": tonnes(line.excess) if line.excess else None,
        }
        for line in lines
    ]
    if as_json:
        emit({"year": proposal.year, "proposal": proposal.digest, "enterprises": rows})
        return
    listing(
        rows,
        (
            ("enterprise", "enterprise"),
            ("proposed t", "proposed"),
            ("allocated before t", "allocated_before"),
            ("issued t", "issued"),
            ("outcome", "outcome"),
            ("excess t (to surrender)", "excess"),
        ),
        False,
        title=f"{proposal.year} quota issued from {proposal.digest[:18]}…",
    )


@quota.command("account")
@options.ENTERPRISE
@click.option("--account", required=True, help="The account that holds the enterprise's quota.")
@options.AS
@pass_app
def quota_account(app: App, credit_code: str, account: str, signer: str) -> None:
    """Name the account that holds an enterprise's quota, once (regulator; idempotent)."""
    from eth_utils import is_address, to_checksum_address

    from offchain.actions import quota as actions

    if not is_address(account):
        raise click.UsageError(f"--account {account!r} is not an Ethereum address")
    named = actions.name_account(app.reader, app.tx, app.signer(signer), credit_code, account)
    state = "named" if named else "already named"
    click.echo(f"{credit_code}: quota account {to_checksum_address(account)} {state}")


def _chain_year(app: App) -> int:
    """The calendar year (UTC) of the latest block: the default year of balance."""
    from datetime import UTC, datetime

    latest = app.reader.w3.eth.get_block("latest")
    return datetime.fromtimestamp(latest["timestamp"], UTC).year


@quota.command("balance")
@options.OPTIONAL_ENTERPRISE
@click.option(
    "--year",
    type=click.IntRange(1900, 9999),
    default=None,
    help="The year of the allocation shown (default: the year of the latest block).",
)
@options.JSON
@pass_app
def quota_balance(app: App, credit_code: str | None, year: int | None, as_json: bool) -> None:
    """Each enterprise's quota account, what it holds, and its allocation of the year."""
    from offchain.actions import quota as actions
    from offchain.core.units import tonnes

    year = year or _chain_year(app)
    found = actions.standings(app.reader, year, None if credit_code is None else [credit_code])
    rows = [
        {
            "enterprise": s.credit_code,
            "name": s.name,
            "account": s.account,
            "balance": tonnes(s.balance),
            "year": year,
            "allocated": tonnes(s.allocated),
            "surrendered": tonnes(s.surrendered),
        }
        for s in found
    ]
    listing(
        rows,
        (
            ("enterprise", "enterprise"),
            ("name", "name"),
            ("account", "account"),
            ("balance t", "balance"),
            (f"allocated {year} t", "allocated"),
            (f"surrendered {year} t", "surrendered"),
        ),
        as_json,
        title=f"quota of {len(rows)} enterprises",
    )


@quota.command("transfer")
@click.option("--from", "from_code", required=True, callback=options.credit_code_option)
@click.option("--to", "to_code", required=True, callback=options.credit_code_option)
@click.option("--amount", required=True, callback=_tonnes, help="tCO2e, e.g. 12.5.")
@options.AS
@pass_app
def quota_transfer(app: App, from_code: str, to_code: str, amount: int, signer: str) -> None:
    """Move quota from one enterprise's account to another's (signed by the sending account)."""
    from offchain.actions import quota as actions
    from offchain.core.units import tonnes

    sender, recipient = actions.transfer(
        app.reader, app.tx, app.signer(signer), from_code, to_code, amount
    )
    click.echo(f"{tonnes(amount)} t moved from {from_code} ({sender}) to {to_code} ({recipient})")


@quota.command("history")
@options.OPTIONAL_ENTERPRISE
@click.option(
    "--year",
    type=click.IntRange(1900, 9999),
    default=None,
    help="Only the issues and surrenders of this year (transfers carry no year).",
)
@options.JSON
@pass_app
def quota_history(app: App, credit_code: str | None, year: int | None, as_json: bool) -> None:
    """Quota issued, surrendered and transferred, oldest first, from the chain's events."""
    from offchain.actions import quota as actions
    from offchain.core.units import tonnes

    rows = []
    for m in actions.movements(app.reader, credit_code, year):
        e = m.event
        rows.append(
            {
                "at": e.timestamp,
                "block": e.block,
                "event": e.kind,
                "year": e.year,
                "enterprise": m.enterprise,
                "from": m.sender,
                "to": m.recipient,
                "amount": tonnes(e.amount),
                "by": e.by,
                "transaction": e.transaction,
            }
        )
    listing(
        rows,
        (
            ("when", lambda r: when(r["at"])),
            ("block", "block"),
            ("event", "event"),
            ("year", "year"),
            ("enterprise", "enterprise"),
            ("from", "from"),
            ("to", "to"),
            ("amount t", "amount"),
        ),
        as_json,
        title=f"{len(rows)} quota events",
    )
