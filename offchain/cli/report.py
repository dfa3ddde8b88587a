"""`carbon report`: an enterprise's report of a year (docs/reports.md), as JSON, a standalone
HTML page or an XLSX workbook, with PNG charts."""

from pathlib import Path
from typing import TYPE_CHECKING

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import emit

if TYPE_CHECKING:
    from offchain.reports.enterprise import Target


@click.command("report")
@options.enterprise_year
@click.option(
    "--key",
    "key_spec",
    metavar="SPEC",
    default=None,
    help="Account whose key opens encrypted documents (a recipient's, e.g. the regulator's, or "
    "one granted access): dev:N, env:VAR or keystore:PATH. Without it encrypted records count "
    "with their public result, unattributed to items and scopes.",
)
@click.option(
    "--target",
    "target_ref",
    default=None,
    metavar="FILE|DIGEST",
    help="The enterprise's target document (seeds/schemas/enterprise-target.schema.json): a "
    "file, put in the store and cited by digest, or the 0x digest of one already stored.",
)
@click.option(
    "--format",
    "form",
    type=click.Choice(["json", "html", "xlsx"]),
    default="json",
    show_default=True,
)
@click.option(
    "--charts",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the PNG charts to (monthly trend, scope split, target progress); "
    "the HTML page embeds them.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: stdout; required for xlsx).",
)
@pass_app
def report_command(
    app: App,
    credit_code: str,
    year: int,
    key_spec: str | None,
    target_ref: str | None,
    form: str,
    charts: Path | None,
    out: Path | None,
) -> None:
    """An enterprise's emissions of a year by item, month and scope, against its target and its
    industry's benchmark, with its verification and compliance; every figure names the records
    and transactions it comes from."""
    from offchain.reports import exports
    from offchain.reports.enterprise import enterprise_report

    if form == "xlsx" and out is None:
        raise click.UsageError("--format xlsx writes a file: give --out PATH")
    target = _target(app, target_ref)
    key = bytes(app.signer(key_spec).key) if key_spec else None
    report = enterprise_report(app.reader, credit_code, year, key, target)
    made = []
    if charts is not None:
        from offchain.reports.charts import enterprise_charts

        made = enterprise_charts(report, charts)
    if form == "xlsx":
        assert out is not None
        exports.enterprise_xlsx(report, out)
    elif form == "html":
        _write(exports.enterprise_html(report, made), out)
    elif out is not None:
        import json

        _write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", out)
    else:
        emit(report.to_json())
    for path in ([out] if out else []) + made:
        click.echo(f"wrote {path}", err=True)


def _target(app: App, ref: str | None) -> "Target | None":
    from offchain.core.documents import read_file
    from offchain.reports.enterprise import load_target

    if ref is None:
        return None
    if ref.startswith("0x") and not Path(ref).exists():
        return load_target(app.store.get(ref.lower()), f"target document {ref}")
    data = read_file(Path(ref))
    target = load_target(data, ref)
    app.store.put(data)
    return target


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, "utf-8")
