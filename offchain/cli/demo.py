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
    """Onboard three sample enterprises, submit their 2023 records, and have the agency verify
    every year (local chain; idempotent)."""
    from offchain.core.units import tonnes
    from offchain.demo import run as demo

    reader, tx, store = app.reader, app.tx, app.store
    total = RECORDS_PER_ENTERPRISE * len(demo.ENTERPRISES)
    with progress(total, "submitting") as bar:
        runs = demo.run(reader, tx, store, work, progress=lambda _step: bar.update(1))
    header = f"{'enterprise':24} {'industry':8} {'months (tCO2e)':>16} {'annual (tCO2e)':>16}"
    click.echo(f"\n{header}  evidence")
    for run in runs:
        months = tonnes(sum(o.result.total_micro_tonnes() for o in run.monthly))
        annual = tonnes(run.annual.result.total_micro_tonnes())
        evidence = "encrypted for regulator + agency" if run.enterprise.encrypted else "plain"
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
    click.echo(
        f"reports in {work / 'reports'}; {tx.sent} transactions, {tx.gas_used:,} gas "
        "this run (0 when everything was already on chain)"
    )
