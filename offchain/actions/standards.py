"""Publishing a new revision of a standard already in the index, from a file (standards editor).

The file is checked first as the deploy checks seeds: its schema, its name against the index
naming convention and its `meta.index_name`, and every formula parsed by the calculation code in
force. The document goes into the official DataLayer; the library's earlier revisions stay.
"""

from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount

from offchain.actions.deploy import STATE_LIMIT, SeedDocument, json_seed
from offchain.chain.bindings import EntryStatus
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core.documents import read_file
from offchain.core.names import parse_index_name, series_of
from offchain.errors import CarbonError


class PublishError(CarbonError):
    """A file that cannot be published as a new revision of its standard."""


@dataclass(frozen=True)
class Published:
    """What `publish_revision` left on chain."""

    name: str
    revision: int
    version: str
    document: str
    created: bool


def publish_revision(
    reader: ChainReader, tx: Transactor, editor: LocalAccount, path: Path
) -> Published:
    """Publishes `path` as the next revision of the standard its file name names (idempotent)."""
    seed = _seed(reader, path)
    kind = parse_index_name(seed.name).contract
    address = reader.resolve(seed.name)
    library = reader.contract(kind, address).functions
    latest = reader.standard(seed.name, kind)
    if latest.document == seed.digest:
        return Published(seed.name, latest.revision, latest.version, seed.digest, False)
    layer = reader.manifest.address("DataLayer")
    _store(reader, tx, editor, layer, seed)
    call = library.publish(seed.version, layer, bytes.fromhex(seed.digest[2:]))
    tx.send(editor, call, f"publishing {seed.name} {seed.version}")
    new = reader.standard(seed.name, kind)
    return Published(seed.name, new.revision, new.version, new.document, True)


def _seed(reader: ChainReader, path: Path) -> SeedDocument:
    name = parse_index_name(path.stem)
    if name.kind == "calculate":
        raise PublishError(
            f"{path}: calculation code is published by the deploy (`ape run deploy`), which "
            "checks every formula library against it"
        )
    code_name = reader.latest_name(series_of(name.prefix, None, "calculate"))
    code_ref = reader.standard(code_name, "CalcCode")
    code = reader.document(code_ref.data_layer, code_ref.document).decode("utf-8")
    schema = "factor-library" if name.kind == "factor" else "formula-library"
    read_file(path)  # a missing or unreadable file is named before anything else
    return json_seed(path, name.kind, schema, code)


def _store(
    reader: ChainReader, tx: Transactor, editor: LocalAccount, layer: str, seed: SeedDocument
) -> None:
    functions = reader.contract("DataLayer", layer).functions
    digest = bytes.fromhex(seed.digest[2:])
    status = reader.status_of(layer, seed.digest)
    if status is EntryStatus.CANCELLED:
        raise PublishError(
            f"{seed.name}: its document {seed.digest} was cancelled in the DataLayer"
        )
    if status is EntryStatus.NONE:
        if len(seed.data) <= STATE_LIMIT:
            call = functions.storeInState(seed.data, [])
        else:
            if reader.store is None:
                raise PublishError(f"{seed.name}: {len(seed.data)} bytes need a content store")
            reader.store.put(seed.data)
            call = functions.storeDigest(digest, len(seed.data), [])
        tx.send(editor, call, f"storing {seed.name}")
    if status in (EntryStatus.NONE, EntryStatus.IN_PROGRESS):
        tx.send(editor, functions.complete(digest), f"completing {seed.name}")
