"""`carbon agency`: verification agencies in the VerifierRegistry (regulator)."""

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app


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
    from offchain.actions.verification import Workflow

    reader = app.reader
    checksummed, public = reader.public_key(address)
    Workflow(reader, app.tx).approve(app.signer(signer), checksummed, public, name, licence)
    click.echo(f"{checksummed}: {reader.agency_status(checksummed)}")
