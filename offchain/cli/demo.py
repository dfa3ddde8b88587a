"""`carbon demo`: the main job's enterprises, records and verifications on the local chain."""

from pathlib import Path

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import progress

# Per enterprise: twelve monthly records and the annual one.
RECORDS_PER_ENTERPRISE = 13


@click.command("demo")
@options.folder("--work", ".demo", "Folder for the generated activity data and evidence files.")
@pass_app
def demo_command(app: App, work: Path) -> None:
    """Onboard four sample enterprises (three under GB, one under ISO), submit their 2023
    records, have the agency verify every year, and run the compliance cycle of the three GB
    enterprises (local chain; moves chain time; idempotent)."""
    from offchain.core.units import tonnes
    from offchain.demo import run as demo

    reader, tx, store = app.reader, app.tx, app.store
    total = RECORDS_PER_ENTERPRISE * len(demo.SUBMITTED)
    with progress(total, "submitting") as bar:
        runs = demo.run(reader, tx, store, work, progress=lambda _step: bar.update(1))
    header = f"{'enterprise':24} {'industry':8} {'months (tCO2e)':>16} {'annual (tCO2e)':>16}"
    click.echo(f"\n{header}  evidence")
    for run in runs:
        months = tonnes(sum(o.result.total_micro_tonnes() for o in run.monthly))
        annual = tonnes(run.annual.result.total_micro_tonnes())
        evidence = (
            "encrypted (enterprise + regulator; agency by grant)"
            if run.enterprise.encrypted
            else "plain"
        )
        click.echo(
            f"{run.enterprise.credit_code:24} {run.enterprise.industry:8} {months:>16} "
            f"{annual:>16}  {evidence}"
        )
    with progress(len(runs), "verifying") as bar:
        verified = demo.verify(reader, tx, store, work, runs, progress=lambda _step: bar.update(1))
    click.echo(f"\n{'enterprise':24} {'verifications':22} {'state':8} {'verified (tCO2e)':>18}")
    for outcome in verified:
        rounds = " -> ".join("pass" if passed else "FAIL" for passed in outcome.verdicts)
        shown = tonnes(outcome.verified_micro) if outcome.verified_micro is not None else "-"
        state = str(outcome.state)  # the Solidity name; an IntEnum formats as its number
        click.echo(f"{outcome.enterprise.credit_code:24} {rounds:22} {state:8} {shown:>18}")
        for report in outcome.reports:
            for check in (c for c in report.checks if c.status == "fail"):
                click.echo(f"  failed: {check.subject}: {check.reason}")
    _compliance(app, work)
    click.echo(
        f"reports in {work / 'reports'}; {tx.sent} transactions, {tx.gas_used:,} gas "
        "this run (0 when everything was already on chain)"
    )


def _compliance(app: App, work: Path) -> None:
    """The compliance cycle of the verified year, and where each enterprise ended."""
    from offchain.core.units import tonnes
    from offchain.demo import compliance

    with progress(6, "compliance") as bar:
        outcome = compliance.run(
            app.reader, app.tx, app.store, work, progress=lambda _step: bar.update(1)
        )
    if outcome.alarms_before_deadline:
        click.echo("\nalarms before the deadline:")
        for alarm in outcome.alarms_before_deadline:
            click.echo(f"  {alarm.kind:18} {alarm.credit_code}  {alarm.detail}")
    click.echo(
        f"\n{'enterprise':24} {'state':10} {'quota':>16} {'verified':>16} {'offsets':>14} "
        f"{'surrendered':>16} {'shortfall':>16} status"
    )
    for p in outcome.positions:
        entry = p.entry
        click.echo(
            f"{p.profile.credit_code:24} {entry.state:10} {tonnes(entry.quota):>16} "
            f"{'-' if p.verified is None else tonnes(p.verified):>16} {tonnes(entry.offsets):>14} "
            f"{tonnes(p.allocation.surrendered):>16} {tonnes(entry.shortfall):>16} "
            f"{p.live.letter} (at the deadline {p.frozen.letter}), "
            f"{entry.applications} applications, {entry.rejections} rejected"
        )
    for code, reason in outcome.rejections.items():
        click.echo(f"  {code} rejected: {reason}")
    for rate in outcome.rates:
        click.echo(
            f"compliance rate {rate.rate:.1%}: {rate.fulfilled} of {rate.due} fulfilled "
            f"({rate.on_time} on time, {rate.late} late), {rate.not_completed} not completed"
        )
