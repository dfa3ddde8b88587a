"""`carbon inspect`: block-explorer views of the suite from the chain alone — what a contract
is, its events, a transaction, the index with its history, an enterprise, and the proof that the
deployed code is this repository's sources."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import emit, table, when
from offchain.inspect import plain

if TYPE_CHECKING:
    from offchain.inspect.catalog import Catalog
    from offchain.inspect.events import EventRow
    from offchain.inspect.resolve import Suite


@click.group()
def inspect() -> None:
    """Explore the suite on chain: contracts, events, transactions, the index, enterprises and
    source verification. Every view has --json."""


def _suite(app: App) -> tuple["Suite", "Catalog"]:
    from offchain.inspect.catalog import Catalog
    from offchain.inspect.resolve import Suite

    return Suite(app.reader), Catalog.of(app.manifest)


# Hex longer than this (a document's bytes in an EntryContent event) is cut in tables.
LONG_HEX = 66


def _shown(value: Any, labels: dict[str, str] | None = None) -> str:
    """A value in a table cell: JSON for structures, `-` for nothing, long hex cut, and a
    suite address followed by what the suite calls it."""
    import json

    if value is None:
        return "-"
    if isinstance(value, dict | list):
        return json.dumps(plain(value), ensure_ascii=False)
    text = str(value)
    if labels and text.lower() in labels:
        return f"{text} ({labels[text.lower()]})"
    if text.startswith("0x") and len(text) > LONG_HEX:
        return f"{text[:LONG_HEX]}… ({(len(text) - 2) // 2} bytes)"
    return text


def _arguments(args: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    return ", ".join(f"{k}={_shown(v, labels)}" for k, v in args.items())


def _events_table(rows: list["EventRow"], title: str, labels: dict[str, str]) -> None:
    table(
        ["block", "time", "transaction", "sender", "contract", "event", "arguments"],
        [
            [r.block, when(r.time), r.tx, r.sender, r.contract, r.event, _arguments(r.args, labels)]
            for r in rows
        ],
        title=title,
    )


@inspect.command("contract")
@click.argument("target", metavar="ADDRESS|NAME|CREDIT-CODE")
@options.JSON
@pass_app
def inspect_contract(app: App, target: str, as_json: bool) -> None:
    """What a contract of the suite is: kind, version, proxy type (ERC-1967 slots),
    implementation, admin, every role with its members (rebuilt from RoleGranted/RoleRevoked
    logs) and every parameterless view of its state. TARGET is an address, a name of the
    deployment (CarbonIndex), an index name or an enterprise's credit code."""
    from offchain.inspect.contracts import describe

    suite, _ = _suite(app)
    view = describe(app.reader, suite.resolve(target))
    if as_json:
        emit(plain(view))
        return
    rows = [
        ("address", view.address),
        ("kind", view.kind),
        ("version", view.version),
        ("proxy", view.proxy),
        ("implementation", view.implementation),
        ("beacon", view.beacon),
        ("admin", view.admin),
        ("regulator", ", ".join(view.regulators) or None),
        ("code size", f"{view.code_size} bytes"),
    ]
    table(["field", "value"], [(k, _shown(v)) for k, v in rows], title=view.label)
    table(
        ["role", "member"],
        [(role, member) for role, members in view.roles.items() for member in members],
        title="roles (from RoleGranted/RoleRevoked)",
    )
    table(["view", "value"], [(k, _shown(v)) for k, v in view.state.items()], title="state")


@inspect.command("events")
@click.argument("target", metavar="ADDRESS|NAME|CREDIT-CODE")
@click.option("--from", "from_block", type=click.IntRange(0), default=0, help="First block.")
@click.option(
    "--kind", "kinds", multiple=True, metavar="EVENT", help="Only events of this name (repeatable)."
)
@options.JSON
@pass_app
def inspect_events(
    app: App, target: str, from_block: int, kinds: tuple[str, ...], as_json: bool
) -> None:
    """The decoded event history of a suite contract, oldest first, with block, time,
    transaction and sender. For a credit code: its EnterpriseCarbon and its DataLayer."""
    from offchain.inspect.events import history

    suite, catalog = _suite(app)
    found = suite.resolve(target)
    addresses = [found.address]
    if found.address in suite.enterprises:
        addresses.append(suite.enterprises[found.address][1])
    labels = suite.labels
    rows = history(app.reader, catalog, addresses, labels, from_block, kinds)
    if as_json:
        emit(plain(rows))
        return
    _events_table(rows, f"events of {found.label}", labels)


@inspect.command("tx")
@click.argument("tx_hash", metavar="HASH")
@options.JSON
@pass_app
def inspect_tx_command(app: App, tx_hash: str, as_json: bool) -> None:
    """A transaction decoded: the function it called with named arguments, its events, and for
    a failed one the custom error it reverted with."""
    from offchain.inspect.tx import inspect_tx

    suite, catalog = _suite(app)
    labels = suite.labels
    view = inspect_tx(app.reader, catalog, tx_hash, labels)
    if as_json:
        emit(plain(view))
        return
    call = f"{view.function}({_arguments(view.args, labels)})" if view.function else "-"
    rows = [
        ("status", view.status),
        ("block", f"{view.block} ({when(view.time)})"),
        ("sender", view.sender),
        ("to", f"{view.to} ({view.contract})" if view.contract else view.to),
        ("created", view.created),
        ("call", call if view.to else "contract creation"),
        ("error", view.error),
        ("gas used", view.gas_used),
    ]
    table(["field", "value"], [(k, _shown(v)) for k, v in rows], title=view.hash)
    if view.events:
        _events_table(view.events, "events", labels)


@inspect.command("index")
@options.JSON
@pass_app
def inspect_index(app: App, as_json: bool) -> None:
    """Every series of the index with each name's target, registrar, time and transaction
    (deprecated names marked), and the upgrade history of every proxy and beacon."""
    from offchain.inspect.index import read_index

    suite, catalog = _suite(app)
    view = read_index(app.reader, catalog, suite)
    if as_json:
        emit(plain(view))
        return
    rows = []
    for series in view.series:
        for entry in series.names:
            if entry.deprecated is not None:
                state = f"deprecated: {entry.deprecated}"
            else:
                state = "current" if entry.name == series.current else "superseded"
            rows.append(
                [
                    series.series,
                    entry.name,
                    state,
                    entry.target,
                    entry.registrar,
                    when(entry.registered_at),
                    _shown(entry.tx),
                ]
            )
    table(
        ["series", "name", "state", "target", "registrar", "registered", "transaction"],
        rows,
        title=f"CarbonIndex {view.address}",
    )
    _events_table(view.upgrades, "upgrades", suite.labels)


@inspect.command("enterprise")
@click.argument("credit_code", metavar="CREDIT-CODE")
@click.option("--year", type=click.IntRange(1900, 9999), default=None, help="Only this year.")
@options.JSON
@pass_app
def inspect_enterprise(app: App, credit_code: str, year: int | None, as_json: bool) -> None:
    """An enterprise's profile, and per year its records (invalidated with the reason,
    rectifications linked), its verification with every verdict, and its compliance state."""
    from offchain.core.credit_code import normalise
    from offchain.core.units import tonnes
    from offchain.inspect.catalog import Catalog
    from offchain.inspect.enterprise import read_enterprise

    view = read_enterprise(app.reader, Catalog.of(app.manifest), normalise(credit_code), year)
    if as_json:
        emit(plain(view))
        return
    p = view.profile
    click.echo(f"{p.name} ({p.credit_code}), industry {p.industry_code}, {p.region}")
    click.echo(f"EnterpriseCarbon {view.carbon}, DataLayer {view.data_layer}")
    for y in view.years:
        rows = []
        for r in y.records:
            record = r.record
            reason = r.invalidation_reason or "-"
            state = "valid" if record.valid else f"invalidated: {reason}"
            links = []
            if r.replaces is not None:
                links.append(f"rectifies #{r.replaces}")
            if r.replaced_by is not None:
                links.append(f"rectified by #{r.replaced_by}")
            rows.append(
                [
                    record.index,
                    r.title,
                    tonnes(record.result),
                    state,
                    "; ".join(links) or "-",
                    when(record.submitted_at),
                    record.data,
                ]
            )
        table(
            ["#", "title", "tCO2e", "state", "links", "submitted", "activity data"],
            rows,
            title=f"{y.year} records",
        )
        v = y.verification
        click.echo(
            f"{y.year} verification: {v.state}, agency {v.agency}, verified "
            f"{tonnes(v.verified_emissions)} tCO2e"
        )
        table(
            ["verdict", "agency", "recomputed tCO2e", "at", "reason"],
            [
                [
                    "passed" if d.passed else "failed",
                    d.agency,
                    tonnes(d.recomputed),
                    when(d.at),
                    d.reason,
                ]
                for d in y.verdicts
            ]
            + [
                [f"rejected #{r.verdict}", r.regulator, "-", when(r.at), r.reason]
                for r in y.rejections
            ],
            title=f"{y.year} verdicts",
        )
        if y.compliance is not None:
            click.echo(f"{y.year} compliance: {_shown(plain(y.compliance))}")


@inspect.command("sources")
@click.option("--check", is_flag=True, help="Compare every deployed contract with the sources.")
@click.option(
    "--export",
    "export_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Write per contract what a public verifier takes into this folder.",
)
@options.JSON
@pass_app
def inspect_sources(app: App, check: bool, export_dir: Path | None, as_json: bool) -> None:
    """Prove that the deployed code is this repository's sources: every implementation, proxy
    and beacon is compared with a fresh compilation (perfect: equal with the CBOR metadata hash;
    partial: equal without it; immutables masked); exits non-zero naming any mismatch.
    --export DIR writes per contract the standard-JSON input (sources inlined), the metadata,
    the compiler version, address, constructor arguments and creation transaction."""
    from offchain.inspect.sources import Verifier, compile_sources

    if not check and export_dir is None:
        raise click.UsageError("say --check, --export DIR or both")
    verifier = Verifier(app.reader, compile_sources())
    exported = [str(path) for path in verifier.export(export_dir)] if export_dir else []
    if exported and not as_json:
        click.echo(f"{len(exported)} contracts exported to {export_dir}")
    if not check:
        if as_json:
            emit(exported)
        return
    checks = verifier.check()
    if as_json:
        emit({"exported": exported, "checks": plain(checks)} if exported else plain(checks))
    else:
        table(
            ["contract", "address", "compared with", "match"],
            [[c.label, c.address, c.contract, c.match] for c in checks],
            title=f"sources compiled with solc {verifier.build.compiler}",
        )
    failed = [c for c in checks if not c.match.ok]
    if failed:
        named = ", ".join(f"{c.label} at {c.address} ({c.match})" for c in failed)
        raise click.ClickException(f"deployed code differs from the sources: {named}")
