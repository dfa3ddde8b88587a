"""`carbon standards`: what the CarbonIndex lists, what a standard says, and new revisions."""

import re
from pathlib import Path
from typing import Any

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import emit, listing, table, when

_SYMBOL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@click.group("standards", invoke_without_command=True)
@options.JSON
@click.pass_context
def standards(ctx: click.Context, as_json: bool) -> None:
    """The standards in the index: `carbon standards` lists them (same as `list`)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_standards, as_json=as_json)


@standards.command("list")
@options.JSON
@pass_app
def list_standards(app: App, as_json: bool = False) -> None:
    """List every series in the index with its family (GB, ISO, …), its names, oldest first,
    and the one in force."""
    reader = app.reader
    history = {s: reader.series_history(s) for s in reader.series_list()}
    if as_json:
        emit(history)
        return
    from offchain.core.names import family_of_series

    families = sorted({family_of_series(s) for s in history})
    table(
        ("family", "series", "latest", "names, oldest first"),
        [
            (family_of_series(s), s, names[-1] if names else "", ", ".join(names))
            for s, names in history.items()
        ],
        title=f"{len(history)} series in the index, families {', '.join(families)}",
    )


@standards.command("show")
@click.argument("name")
@click.option("--revision", type=click.IntRange(min=0), default=None, help="Default: the latest.")
@options.JSON
@pass_app
def show_standard(app: App, name: str, revision: int | None, as_json: bool) -> None:
    """What a standard says: a factor library's groups, rows, units, values and their status; a
    formula library's formulas and the inputs each needs; the revision and its document."""
    import json

    from offchain.core.names import parse_index_name

    reader = app.reader
    parsed = parse_index_name(name)
    ref = reader.standard(name, parsed.contract, revision)
    data = reader.document(ref.data_layer, ref.document)
    head = {
        "name": name,
        "address": ref.address,
        "revision": ref.revision,
        "version": ref.version,
        "document": ref.document,
        "data_layer": ref.data_layer,
    }
    revisions = [
        {
            "revision": n,
            "version": r.version,
            "document": r.document,
            "publisher": r.publisher,
            "published_at": r.published_at,
        }
        for n, r in enumerate(reader.revisions(name, parsed.contract))
    ]
    body: Any = data.decode("utf-8") if parsed.kind == "calculate" else json.loads(data)
    if as_json:
        emit({**head, "revisions": revisions, "content": body})
        return
    click.echo(
        f"{name} revision {ref.revision} (version {ref.version}), document {ref.document} "
        f"in DataLayer {ref.data_layer}"
    )
    listing(
        revisions,
        (
            ("revision", "revision"),
            ("version", "version"),
            ("document", "document"),
            ("publisher", "publisher"),
            ("published", lambda r: when(r["published_at"])),
        ),
        as_json=False,
        title=f"{len(revisions)} revisions",
    )
    if parsed.kind == "factor":
        _factor_table(body)
    elif parsed.kind == "formula":
        _formula_table(body)
    else:
        click.echo(f"calculation code, {len(data):,} bytes")


def _factor_table(library: dict[str, Any]) -> None:
    rows = []
    for key, group in library["groups"].items():
        activity = group.get("activity", {})
        needs = f"{activity.get('symbol', '')} [{activity.get('unit', '')}]"
        for row in group["data"]:
            label, *cells = row
            for cell in cells:
                value = "-" if cell.get("value") is None else cell["value"]
                rows.append(
                    (
                        key,
                        needs,
                        label.get("value", ""),
                        cell.get("symbol", ""),
                        value,
                        cell.get("unit", ""),
                        cell.get("status", ""),
                    )
                )
    table(
        ("group", "activity input", "row", "factor", "value", "unit", "status"),
        rows,
        title=f"{library['meta'].get('name', '')}: {len(library['groups'])} groups",
    )


def _formula_table(library: dict[str, Any]) -> None:
    rows = []
    for key, formula in library["formulas"].items():
        expression = formula.get("formula", "")
        inputs = sorted(set(_SYMBOL.findall(expression)) - {key})
        rows.append((key, formula.get("formulaid", ""), expression, ", ".join(inputs)))
    table(
        ("result", "id", "formula", "inputs"),
        rows,
        title=f"{library['meta'].get('name', '')}: {len(rows)} formulas",
    )


@standards.command("deprecate")
@click.argument("name")
@click.option("--reason", required=True, help="Why; kept on chain with the name.")
@options.AS
@pass_app
def deprecate_standard(app: App, name: str, reason: str, signer: str) -> None:
    """Deprecate NAME (regulator): it still resolves and old records still name it, but the
    newest name in force skips it and no new standards set may name it; never deleted."""
    from offchain.core.names import parse_index_name
    from offchain.errors import NotDeployedError

    parse_index_name(name)
    if not reason.strip():
        raise click.UsageError("--reason must say why the name is deprecated")
    reader = app.reader
    call = reader.index.functions.deprecate(name, reason.strip())
    app.tx.send(app.signer(signer), call, f"deprecating {name}")
    series = parse_index_name(name).series
    try:
        now = f"{series} is now {reader.latest_name(series)}"
    except NotDeployedError:
        now = f"no name of {series} is in force now"
    click.echo(f"deprecated {name}; {now}")


@standards.command("publish")
@click.argument("file", type=click.Path(path_type=Path))
@options.AS
@pass_app
def publish_standard(app: App, file: Path, signer: str) -> None:
    """Publish FILE as the next revision of the standard its name names (standards editor):
    schema, name and formulas are checked first; earlier revisions stay readable."""
    from offchain.actions.standards import publish_revision

    published = publish_revision(app.reader, app.tx, app.signer(signer), file)
    verb = "published" if published.created else "already the latest:"
    click.echo(
        f"{verb} {published.name} revision {published.revision} (version {published.version}), "
        f"document {published.document}"
    )
