"""`carbon accounts`: who is behind a signer spec, and which roles that address holds."""

import click

from offchain.cli.app import App, pass_app
from offchain.cli.output import emit, table

DEV_ACCOUNTS = 10


@click.command("accounts")
@click.option(
    "--as",
    "specs",
    multiple=True,
    metavar="SPEC",
    help="A signer spec to show (repeatable); default: dev:0 … dev:9 on a local chain.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def accounts(app: App, specs: tuple[str, ...], as_json: bool) -> None:
    """Show the address behind each signer spec and its roles in the suite: regulator,
    standards editor, agency (with its status), and each enterprise it administers or writes for."""
    from offchain.actions.roles import roles_of

    chosen = specs or tuple(f"dev:{n}" for n in range(DEV_ACCOUNTS))
    rows = []
    for spec in chosen:
        address = app.signer(spec).address
        rows.append({"spec": spec, "address": address, "roles": roles_of(app.reader, address)})
    if as_json:
        emit(rows)
        return
    table(
        ("signer", "address", "roles"),
        [(r["spec"], r["address"], "; ".join(r["roles"]) or "-") for r in rows],
        title=f"chain {app.chain_id}",
    )
