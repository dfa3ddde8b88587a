"""`carbon stats`: the regulator's statistics over every enterprise, by year, month, region,
industry or enterprise, as a table, JSON, CSV or XLSX, with a multi-year trend chart."""

from pathlib import Path

import click

from offchain.cli.app import App, pass_app
from offchain.cli.output import emit, table


@click.command("stats")
@click.option(
    "--year",
    "years",
    type=click.IntRange(1900, 9999),
    multiple=True,
    required=True,
    help="A year (repeatable: the trend chart shows every year given).",
)
@click.option(
    "--by",
    type=click.Choice(["year", "month", "region", "industry", "enterprise"]),
    default="year",
    show_default=True,
)
@click.option(
    "--format",
    "form",
    type=click.Choice(["table", "json", "csv", "xlsx"]),
    default="table",
    show_default=True,
)
@click.option(
    "--key",
    "key_spec",
    metavar="SPEC",
    default=None,
    help="The regulator's key, to read the month of encrypted records (--by month).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: stdout; required for xlsx).",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="PNG of the yearly trend: emissions reported and verified, quota issued and surrendered.",
)
@pass_app
def stats_command(
    app: App,
    years: tuple[int, ...],
    by: str,
    form: str,
    key_spec: str | None,
    out: Path | None,
    chart: Path | None,
) -> None:
    """Emissions reported and verified, quota issued and surrendered, compliance counts and
    rate, per year and group."""
    from offchain.reports import exports
    from offchain.reports.stats import COLUMNS, regulator_stats

    if form == "xlsx" and out is None:
        raise click.UsageError("--format xlsx writes a file: give --out PATH")
    key = bytes(app.signer(key_spec).key) if key_spec else None
    stats = regulator_stats(app.reader, years, by, key)
    if chart is not None:
        from offchain.reports.charts import stats_trend

        stats_trend(stats, chart)
        click.echo(f"wrote {chart}", err=True)
    if form == "xlsx":
        assert out is not None
        exports.stats_xlsx(stats, out)
        click.echo(f"wrote {out}", err=True)
        return
    if form == "csv":
        text = exports.stats_csv(stats)
    elif form == "json":
        if out is None:
            emit(stats.to_json())
            return
        import json

        text = json.dumps(stats.to_json(), indent=2, ensure_ascii=False) + "\n"
    else:
        rows = exports.stats_rows(stats)
        table(
            [c.removesuffix("_tco2e").replace("compliance_", "") for c in COLUMNS],
            [["-" if row[c] is None else row[c] for c in COLUMNS] for row in rows],
            title=f"statistics by {by}, tCO2e",
        )
        return
    if out is None:
        click.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, "utf-8")
        click.echo(f"wrote {out}", err=True)
