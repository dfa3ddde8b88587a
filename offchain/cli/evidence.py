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
    help="Account whose key opens an encrypted document: dev:N, env:VAR or keystore:PATH.",
)
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="File to write the bytes to."
)
@pass_app
def evidence_get(app: App, credit_code: str, digest: str, key_spec: str | None, out: Path) -> None:
    """Write the document with DIGEST to --out: from chain (state or log) or the content store,
    its digest checked; an encrypted one is decrypted with --key (its plaintext digest checked)."""
    from offchain.core import crypto
    from offchain.core.documents import sha256_hex

    digest = digest.lower()
    if len(digest) != 66 or not digest.startswith("0x"):
        raise click.UsageError(f"--digest {digest!r} is not 0x and 64 hex digits")
    reader = app.reader
    layer = reader.enterprise(credit_code).data_layer
    data = reader.document(layer, digest)
    note = f"{len(data):,} bytes, hashes to its digest"
    if crypto.is_envelope(data):
        if key_spec is None:
            readers = ", ".join(crypto.recipients_of(data))
            raise click.UsageError(f"{digest} is encrypted for {readers}; name a key with --key")
        data = crypto.decrypt(data, bytes(app.signer(key_spec).key))
        note = f"decrypted, {len(data):,} bytes, plaintext sha256 {sha256_hex(data)}"
    out.write_bytes(data)
    click.echo(f"{out}: {note}")
