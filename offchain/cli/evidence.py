"""`carbon evidence`: fetch a document of an enterprise's DataLayer, decrypted when encrypted
for the key given, checked against its digest either way."""

from pathlib import Path

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app


@click.group()
def evidence() -> None:
    """Evidence and activity documents of an enterprise (anyone; encrypted ones need a key)."""


@evidence.command("get")
@options.ENTERPRISE
@click.option("--digest", required=True, help="The document's digest (0x + 64 hex digits).")
@click.option(
    "--key",
    "key_spec",
    default=None,
    metavar="SPEC",
    help="Account whose key opens an encrypted document (as a recipient or through a grant): "
    "dev:N, env:VAR or keystore:PATH.",
)
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="File to write the bytes to."
)
@pass_app
def evidence_get(app: App, credit_code: str, digest: str, key_spec: str | None, out: Path) -> None:
    """Write the document with DIGEST to --out: from chain (state or log) or the content store,
    its digest checked; an encrypted one is decrypted with --key (its commitment checked)."""
    from offchain.core import crypto

    digest = digest.lower()
    if len(digest) != 66 or not digest.startswith("0x"):
        raise click.UsageError(f"--digest {digest!r} is not 0x and 64 hex digits")
    reader = app.reader
    contracts = reader.enterprise(credit_code)
    data = reader.document(contracts.data_layer, digest)
    note = f"{len(data):,} bytes, hashes to its digest"
    if crypto.is_envelope(data):
        if key_spec is None:
            readers = ", ".join(crypto.recipients_of(data))
            raise click.UsageError(f"{digest} is encrypted for {readers}; name a key with --key")
        account = app.signer(key_spec)
        granted = None
        if account.address not in crypto.recipients_of(data):
            granted = reader.grants(contracts.carbon, account.address).get(digest)
        data = crypto.decrypt(data, bytes(account.key), granted)
        how = "through a grant" if granted else "as a recipient"
        note = f"decrypted {how}, {len(data):,} bytes, commitment checked"
    out.write_bytes(data)
    click.echo(f"{out}: {note}")
