"""`carbon compliance`: the compliance cycle (履约) — notices, acknowledgements, applications with
offsets, review, default (regulator and enterprises), status, alarms and rates (anyone)."""

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import emit, listing, table, when

if TYPE_CHECKING:
    from offchain.chain.bindings import ComplianceCycle, Offset
    from offchain.chain.reader import CompliancePosition

_DURATION = re.compile(r"(\d+)([hd])")


def _duration(_ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """`48h`, `72h`, `10d` → seconds."""
    if value is None:
        return None
    found = _DURATION.fullmatch(value.strip().lower())
    if found is None:
        raise click.BadParameter(f"{value!r} is not a duration such as 48h, 72h or 10d")
    return int(found.group(1)) * (3600 if found.group(2) == "h" else 86400)


def _deadline(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    """`2025-12-31` (end of that day, UTC) or `2025-12-31T18:00` (UTC) → timestamp."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date such as 2025-12-31") from exc
    if len(value.strip()) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return int(moment.replace(tzinfo=moment.tzinfo or UTC).timestamp())


def _cap(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    """`5%` or `5` (per cent, up to two decimals) → basis points."""
    from decimal import Decimal, InvalidOperation

    text = value.strip().rstrip("%").strip()
    try:
        bps = Decimal(text) * 100
    except InvalidOperation as exc:
        raise click.BadParameter(f"{value!r} is not a percentage such as 5%") from exc
    if bps != bps.to_integral_value() or not 0 <= bps <= 10_000:
        raise click.BadParameter(f"{value!r} is not a percentage from 0 to 100 in steps of 0.01")
    return int(bps)


YEARS = click.option(
    "--year",
    "years",
    type=click.IntRange(1900, 9999),
    multiple=True,
    required=True,
    help="Compliance year (repeatable).",
)


@click.group()
def compliance() -> None:
    """The compliance cycle: notify, ack, apply, review, default; status, alarms, rate."""


@compliance.command("notify")
@options.YEAR
@options.ENTERPRISES
@click.option(
    "--deadline",
    callback=_deadline,
    default=None,
    help="Compliance deadline, UTC (2025-12-31 means its end); needed to open the cycle.",
)
@click.option(
    "--rules",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The rules document (stored; its SHA-256 goes into every notice); to open the cycle.",
)
@click.option(
    "--cap",
    "cap_bps",
    default="5%",
    show_default=True,
    callback=_cap,
    help="Offsets accepted at most, as a share of verified emissions (China's ETS: 5 %).",
)
@click.option(
    "--ack-window",
    default="48h",
    show_default=True,
    callback=_duration,
    help="Time to acknowledge a notice before an alarm: 48h, 72h or 10d (seed 002).",
)
@options.AS
@pass_app
def compliance_notify(
    app: App,
    year: int,
    credit_codes: list[str],
    deadline: int | None,
    rules: Path | None,
    cap_bps: int,
    ack_window: int,
    signer: str,
) -> None:
    """Open the year's cycle (once) and send each enterprise its notice with its quota."""
    from offchain.actions.compliance import ComplianceError
    from offchain.chain.bindings import ComplianceCycle

    desk, reader, regulator = app.compliance, app.reader, app.signer(signer)
    if not reader.compliance_cycle(year).open:
        if deadline is None or rules is None:
            raise ComplianceError(
                f"the cycle of {year} is not open: give --deadline and --rules to open it"
            )
        digest = app.store.put(rules.read_bytes())
        desk.open_cycle(regulator, year, ComplianceCycle(deadline, ack_window, cap_bps, digest))
        click.echo(f"opened the cycle of {year}: deadline {when(deadline)}, rules {digest}")
    if credit_codes:
        targets = [(code, app.carbon(code)) for code in credit_codes]
    else:
        targets = _holding_quota(app, year)
        if not targets:
            raise ComplianceError(f"no enterprise holds quota for {year}; issue quota first")
    for code, carbon in targets:
        sent = desk.notify(regulator, carbon, code, year)
        quota = reader.compliance(carbon, year).quota
        click.echo(
            f"{code} {year}: {'notified' if sent else 'notified already'}, quota {_t(quota)} t"
        )


def _holding_quota(app: App, year: int) -> list[tuple[str, str]]:
    """(credit code, EnterpriseCarbon) of every enterprise issued quota for `year`."""
    from offchain.chain.quota_reads import QuotaReads

    reader = app.reader
    carbons = reader.enterprises()
    allocations = QuotaReads(reader).allocations(carbons, year)  # one batch
    return [
        (reader.profile(carbon).credit_code, carbon)
        for carbon, allocation in zip(carbons, allocations, strict=True)
        if allocation.allocated
    ]


@compliance.command("ack")
@options.enterprise_year
@options.AS
@pass_app
def compliance_ack(app: App, credit_code: str, year: int, signer: str) -> None:
    """Acknowledge the notice (the enterprise's carbon administrator)."""
    sent = app.compliance.acknowledge(
        app.signer(signer), app.carbon(credit_code), credit_code, year
    )
    click.echo(f"{credit_code} {year}: {'acknowledged' if sent else 'acknowledged already'}")


def _offsets(app: App, specs: tuple[str, ...]) -> list["Offset"]:
    """`AMOUNT:KIND:EVIDENCE-FILE` (tonnes, e.g. `120.5:CCER:cert.pdf`) → offsets; the evidence
    is stored and cited by its SHA-256."""
    from offchain.chain.bindings import Offset, short_label
    from offchain.core.units import parse_tonnes

    found = []
    for spec in specs:
        parts = spec.split(":", 2)
        if len(parts) != 3:
            raise click.BadParameter(
                f"{spec!r} is not AMOUNT:KIND:EVIDENCE-FILE", param_hint="--offset"
            )
        amount, kind, evidence = parts
        micro = parse_tonnes(amount)
        if micro <= 0:
            raise click.BadParameter(
                f"{spec!r}: the amount must be positive", param_hint="--offset"
            )
        try:
            short_label(kind)
        except ValueError as exc:
            raise click.BadParameter(f"{spec!r}: kind {exc}", param_hint="--offset") from exc
        path = Path(evidence)
        if not path.is_file():
            raise click.BadParameter(
                f"{spec!r}: no evidence file {evidence}", param_hint="--offset"
            )
        found.append(Offset(micro, kind, app.store.put(path.read_bytes())))
    return found


@compliance.command("apply")
@options.enterprise_year
@click.option(
    "--offset",
    "offset_specs",
    multiple=True,
    metavar="T:KIND:FILE",
    help="An offset: tonnes, kind (e.g. CCER) and its evidence file (repeatable).",
)
@options.AS
@pass_app
def compliance_apply(
    app: App, credit_code: str, year: int, offset_specs: tuple[str, ...], signer: str
) -> None:
    """Apply with the verified emissions (read on chain, never typed in) and offsets."""
    offsets = _offsets(app, offset_specs)
    desk, carbon = app.compliance, app.carbon(credit_code)
    desk.apply(app.signer(signer), carbon, credit_code, year, offsets)
    entry = app.reader.compliance(carbon, year)
    click.echo(
        f"{credit_code} {year}: applied (application {entry.applications}), verified "
        f"{_t(entry.verified)} t, offsets {_t(entry.offsets)} t"
    )


@compliance.command("review")
@options.enterprise_year
@click.option("--accept", "accepted", is_flag=True, help="Pass: surrender the quota due.")
@click.option("--reject", "reason", default=None, metavar="REASON", help="Reject, with the reason.")
@options.AS
@pass_app
def compliance_review(
    app: App, credit_code: str, year: int, accepted: bool, reason: str | None, signer: str
) -> None:
    """Review an application (regulator): --accept surrenders quota, --reject gives a reason."""
    if accepted == (reason is not None):
        raise click.UsageError("give exactly one of --accept and --reject REASON")
    desk, carbon = app.compliance, app.carbon(credit_code)
    assessment = desk.review(app.signer(signer), carbon, credit_code, year, reason)
    if reason is not None:
        click.echo(f"{credit_code} {year}: rejected ({reason.strip()})")
        return
    click.echo(
        f"{credit_code} {year}: Fulfilled; verified {_t(assessment.verified)} t, offsets "
        f"{_t(assessment.offsets)} t, quota surrendered {_t(assessment.due)} t"
    )


@compliance.command("default")
@options.YEAR
@options.OPTIONAL_ENTERPRISE
@options.AS
@pass_app
def compliance_default(app: App, year: int, credit_code: str | None, signer: str) -> None:
    """After the deadline, declare unfulfilled enterprise-years defaulted (anyone)."""
    from offchain.chain.bindings import ComplianceState
    from offchain.reports.compliance import OPEN_STATES

    desk, caller = app.compliance, app.signer(signer)
    if credit_code is not None:
        targets = [(credit_code, app.carbon(credit_code))]
    else:
        targets = [
            (p.profile.credit_code, p.carbon)
            for p in app.reader.compliance_positions(year)
            if p.entry.state in OPEN_STATES
        ]
    for code, carbon in targets:
        declared = desk.declare_default(caller, carbon, code, year)
        entry = app.reader.compliance(carbon, year)
        if entry.state is ComplianceState.DEFAULTED:
            click.echo(
                f"{code} {year}: {'Defaulted' if declared else 'Defaulted already'}, shortfall "
                f"{_t(entry.shortfall)} t, status at the deadline {entry.frozen.letter}"
            )
    if not targets:
        click.echo(f"no unfulfilled enterprise-year in {year}")


def _position_row(p: "CompliancePosition") -> dict[str, Any]:
    entry = p.entry
    return {
        "enterprise": p.profile.credit_code,
        "name": p.profile.name,
        "region": p.profile.region,
        "industry": p.profile.industry_code,
        "state": str(entry.state),
        "quota_tco2e": _t(entry.quota),
        "held_tco2e": _t(p.balance),
        "verified_tco2e": None if p.verified is None else _t(p.verified),
        "offsets_tco2e": _t(entry.offsets),
        "surrendered_tco2e": _t(p.allocation.surrendered),
        "shortfall_tco2e": _t(entry.shortfall),
        "applications": entry.applications,
        "rejections": entry.rejections,
        "notified_at": entry.notified_at or None,
        "acknowledged_at": entry.acknowledged_at or None,
        "fulfilled_at": entry.fulfilled_at or None,
        "status": p.live.letter,
        "status_at_deadline": p.frozen.letter,
    }


@compliance.command("status")
@options.YEAR
@options.OPTIONAL_ENTERPRISE
@options.JSON
@pass_app
def compliance_status(app: App, year: int, credit_code: str | None, as_json: bool) -> None:
    """Each notified enterprise's state, quota, verified emissions, offsets and status A/B/C."""
    reader = app.reader
    cycle = reader.compliance_cycle(year)
    only = None if credit_code is None else [app.carbon(credit_code)]
    rows = [_position_row(p) for p in reader.compliance_positions(year, only)]
    if as_json:
        emit({"year": year, "cycle": _cycle_json(cycle), "enterprises": rows})
        return
    if cycle.open:
        click.echo(
            f"cycle {year}: deadline {when(cycle.deadline)}, offsets up to "
            f"{cycle.offset_cap_bps / 100:g} % of verified emissions, rules {cycle.rules}"
        )
    listing(
        rows,
        (
            ("enterprise", "enterprise"),
            ("name", "name"),
            ("state", "state"),
            ("quota t", "quota_tco2e"),
            ("held t", "held_tco2e"),
            ("verified t", "verified_tco2e"),
            ("offsets t", "offsets_tco2e"),
            ("surrendered t", "surrendered_tco2e"),
            ("shortfall t", "shortfall_tco2e"),
            ("status", "status"),
            ("at deadline", "status_at_deadline"),
        ),
        False,
        title=f"compliance {year}: {len(rows)} enterprises notified",
    )


def _cycle_json(cycle: "ComplianceCycle") -> dict[str, Any] | None:
    if not cycle.open:
        return None
    return {
        "deadline": cycle.deadline,
        "ack_window_s": cycle.ack_window,
        "offset_cap_bps": cycle.offset_cap_bps,
        "rules": cycle.rules,
    }


@compliance.command("alarms")
@options.YEAR
@click.option(
    "--ack-window",
    default=None,
    callback=_duration,
    help="Acknowledgement window: 48h, 72h or 10d (default: the cycle's).",
)
@click.option(
    "--remind",
    default="30d",
    show_default=True,
    callback=_duration,
    help="Remind open applications this long before the deadline.",
)
@options.JSON
@pass_app
def compliance_alarms(
    app: App, year: int, ack_window: int | None, remind: int, as_json: bool
) -> None:
    """Notices not acknowledged in time, verified emissions missing, surrender deficits,
    deadline reminders — at the chain's current time."""
    from offchain.reports.compliance import alarms

    reader = app.reader
    cycle = reader.compliance_cycle(year)
    now = reader.w3.eth.get_block("latest")["timestamp"]
    found = alarms(reader.compliance_positions(year), cycle, now, ack_window, remind)
    rows = [
        {"alarm": str(a.kind), "enterprise": a.credit_code, "name": a.name, "detail": a.detail}
        for a in found
    ]
    listing(
        rows,
        (("alarm", "alarm"), ("enterprise", "enterprise"), ("name", "name"), ("detail", "detail")),
        as_json,
        title=f"{len(rows)} alarms, {year}, chain time {when(now)}",
    )


@compliance.command("rate")
@YEARS
@click.option(
    "--by",
    type=click.Choice(["year", "region", "industry"]),
    default="year",
    show_default=True,
)
@options.JSON
@pass_app
def compliance_rate(app: App, years: tuple[int, ...], by: str, as_json: bool) -> None:
    """Compliance rate (fulfilled ÷ due): on time, late and not completed, per year, region or
    industry."""
    from offchain.reports.compliance import rates

    reader = app.reader
    rows = []
    for year in sorted(set(years)):
        cycle = reader.compliance_cycle(year)
        for rate in rates(reader.compliance_positions(year), cycle, by):
            rows.append(
                {
                    "year": year,
                    by: rate.group if by != "year" else year,
                    "due": rate.due,
                    "on_time": rate.on_time,
                    "late": rate.late,
                    "not_completed": rate.not_completed,
                    "rate": round(rate.rate, 4),
                    "on_time_rate": round(rate.on_time_rate, 4),
                }
            )
    if as_json:
        emit(rows)
        return
    columns = [("year", "year")] + ([(by, by)] if by != "year" else [])
    table(
        [h for h, _ in columns] + ["due", "on time", "late", "not completed", "rate"],
        [
            [row[k] for _, k in columns]
            + [row["due"], row["on_time"], row["late"], row["not_completed"], f"{row['rate']:.1%}"]
            for row in rows
        ],
        title="compliance rate (fulfilled ÷ due)",
    )


def _t(micro: int) -> str:
    from offchain.core.units import tonnes

    return tonnes(micro)
