"""`carbon agency`: verification agencies in the VerifierRegistry (regulator)."""

from typing import Any

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import listing, when


@click.group()
def agency() -> None:
    """Verification agencies in the VerifierRegistry (regulator)."""


@agency.command("approve")
@click.option("--address", required=True, help="The agency's account.")
@click.option("--name", required=True)
@click.option("--licence", required=True, help="Licence reference.")
@options.AS
@pass_app
def agency_approve(app: App, address: str, name: str, licence: str, signer: str) -> None:
    """Approve an agency; its public key is the one it published (`carbon keys publish`)."""
    reader = app.reader
    checksummed, public = reader.public_key(address)
    app.workflow.approve(app.signer(signer), checksummed, public, name, licence)
    click.echo(f"{checksummed}: {reader.agency_status(checksummed)}")


def _agency_change(action: str) -> click.Command:
    @agency.command(
        action,
        help=f"{action.capitalize()} an agency, with a reason kept in its history (regulator).",
    )
    @click.option("--address", required=True, help="The agency's account.")
    @click.option("--reason", required=True, help="Why; kept in the agency's history.")
    @options.AS
    @pass_app
    def change(app: App, address: str, reason: str, signer: str) -> None:
        from eth_utils import is_address, to_checksum_address

        if not is_address(address):
            raise click.UsageError(f"--address {address!r} is not an Ethereum address")
        account = to_checksum_address(address)
        status = app.workflow.change_agency(app.signer(signer), account, action, reason)
        click.echo(f"{account}: {status}")

    return change


agency_suspend = _agency_change("suspend")
agency_reinstate = _agency_change("reinstate")
agency_revoke = _agency_change("revoke")


@agency.command("list")
@options.JSON
@pass_app
def agency_list(app: App, as_json: bool) -> None:
    """Every agency the registry knows: name, licence, status, and each change with its reason."""
    reader = app.reader
    rows = []
    for address in reader.agencies():
        info = reader.agency(address)
        history = [
            {"status": str(c.status), "at": c.at, "reason": c.reason}
            for c in reader.agency_history(address)
        ]
        rows.append(
            {
                "address": address,
                "name": info.name,
                "licence": info.licence,
                "status": str(info.status),
                "history": history,
            }
        )
    listing(
        rows,
        (
            ("agency", "address"),
            ("name", "name"),
            ("licence", "licence"),
            ("status", "status"),
            ("history", _history),
        ),
        as_json,
        title=f"{len(rows)} agencies",
    )


def _history(row: dict[str, Any]) -> str:
    return "; ".join(f"{when(c['at'])} {c['status']}: {c['reason']}" for c in row["history"])
