"""`carbon keys`: readers publish their public keys so documents can be encrypted for them."""

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app


@click.group()
def keys() -> None:
    """Encryption keys: readers publish theirs so documents can be encrypted for them."""


@keys.command("publish")
@options.AS
@pass_app
def keys_publish(app: App, signer: str) -> None:
    """Publish the signing account's public key in the KeyDirectory (idempotent)."""
    from offchain.actions.onboarding import publish_key

    account = app.signer(signer)
    published = publish_key(app.reader, app.tx, account)
    click.echo(f"{account.address}: key {'published' if published else 'already published'}")
