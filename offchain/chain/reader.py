"""Reading the suite from chain: names through the index, documents through DataLayers.

Every document fetched is checked against the digest the chain commits to before it is used,
and cached by digest: a digest never changes meaning, so a cached document never goes stale.
"""

from dataclasses import dataclass
from typing import Any

from eth_utils import keccak
from web3 import HTTPProvider, Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError

from offchain.chain.manifest import Manifest
from offchain.core.documents import sha256_hex
from offchain.core.store import DocumentStore
from offchain.errors import ChainError, DigestMismatchError, NotDeployedError, StoreError

STORAGE_MODES = ("DigestOnly", "State", "Log")
STATUSES = ("None", "InProgress", "Completed", "Cancelled")
ENTRY_CONTENT_TOPIC = "0x" + keccak(text="EntryContent(bytes32,bytes)").hex()


class CountingHTTPProvider(HTTPProvider):
    """An HTTP provider that counts JSON-RPC round trips; a batch is one round trip."""

    round_trips = 0

    def make_request(self, method: Any, params: Any) -> Any:
        self.round_trips += 1
        return super().make_request(method, params)

    def make_batch_request(self, requests: Any) -> Any:
        self.round_trips += 1
        return super().make_batch_request(requests)


@dataclass(frozen=True)
class StandardRef:
    """A standard as a record pins it: index name, revision, and the document it points at."""

    name: str
    address: str
    revision: int
    version: str
    document: str
    data_layer: str


class ChainReader:
    """Reads the suite deployed per `manifest` through `w3`."""

    def __init__(self, w3: Web3, manifest: Manifest, store: DocumentStore | None = None) -> None:
        self.w3 = w3
        self.manifest = manifest
        self.store = store
        self._cache: dict[str, bytes] = {}

    def contract(self, kind: str, address: str) -> Contract:
        return self.w3.eth.contract(
            address=Web3.to_checksum_address(address), abi=self.manifest.abi(kind)
        )

    @property
    def index(self) -> Contract:
        return self.contract("CarbonIndex", self.manifest.address("CarbonIndex"))

    def enterprise(self, credit_code: str) -> tuple[Contract, Contract]:
        """The EnterpriseCarbon and DataLayer of the enterprise with `credit_code`."""
        factory = self.contract("EnterpriseFactory", self.manifest.address("EnterpriseFactory"))
        try:
            carbon, layer = factory.functions.enterpriseOf(credit_code).call()
        except ContractLogicError as exc:
            raise NotDeployedError(
                f"no enterprise with credit code {credit_code!r}; the regulator onboards it with "
                "`carbon enterprise onboard`"
            ) from exc
        return self.contract("EnterpriseCarbon", carbon), self.contract("DataLayer", layer)

    def public_key(self, address: str) -> tuple[str, bytes]:
        """The checksummed address and the public key it published in the KeyDirectory."""
        if not Web3.is_address(address):
            raise ChainError(f"{address!r} is not an Ethereum address")
        checksummed = Web3.to_checksum_address(address)
        directory = self.contract("KeyDirectory", self.manifest.address("KeyDirectory"))
        try:
            return checksummed, bytes(directory.functions.publicKeyOf(checksummed).call())
        except ContractLogicError as exc:
            raise NotDeployedError(
                f"no public key published for {checksummed}; that account must run "
                "`carbon keys publish` first"
            ) from exc

    def resolve(self, name: str) -> str:
        """The address registered under `name`."""
        try:
            return self.index.functions.resolve(name).call()
        except ContractLogicError as exc:
            raise NotDeployedError(f"the index has no standard named {name!r}") from exc

    def latest_name(self, series: str) -> str:
        """The newest name of `series`, e.g. `GB_01_factor` -> `GB_01_factor_20231001_0000`."""
        try:
            name, _ = self.index.functions.latest(series).call()
        except ContractLogicError as exc:
            raise NotDeployedError(f"the index has no series {series!r}") from exc
        return name

    def standard(self, name: str, kind: str, revision: int | None = None) -> StandardRef:
        """The revision (latest by default) of the standard registered under `name`."""
        address = self.resolve(name)
        library = self.contract(kind, address)
        try:
            if revision is None:
                revision, rev = library.functions.latest().call()
            else:
                rev = library.functions.revision(revision).call()
        except ContractLogicError as exc:
            raise NotDeployedError(f"{name} has no revision {revision}") from exc
        version, document, data_layer, _publisher, _at = rev
        return StandardRef(name, address, revision, version, "0x" + document.hex(), data_layer)

    def document(self, data_layer: str, digest: str) -> bytes:
        """The bytes of entry `digest` of `data_layer`, checked against the digest."""
        digest = digest.lower()
        if digest in self._cache:
            return self._cache[digest]
        entry = self.entry(data_layer, digest)
        data = self._fetch(data_layer, digest, entry)
        actual = sha256_hex(data)
        if actual != digest:
            raise DigestMismatchError(
                f"DataLayer {data_layer} entry {digest}: fetched bytes hash to {actual}"
            )
        self._cache[digest] = data
        if self.store is not None:
            self.store.put(data)
        return data

    def entry(self, data_layer: str, digest: str) -> dict[str, Any]:
        """Entry `digest` of `data_layer` with its mode and status spelled out."""
        layer = self.contract("DataLayer", data_layer)
        try:
            raw = layer.functions.entry(bytes.fromhex(digest.removeprefix("0x"))).call()
        except ContractLogicError as exc:
            raise NotDeployedError(f"DataLayer {data_layer} has no entry {digest}") from exc
        creator, created_at, status, mode, size, block_number, chunks, deps = raw
        return {
            "creator": creator,
            "created_at": created_at,
            "status": STATUSES[status],
            "mode": STORAGE_MODES[mode],
            "size": size,
            "block_number": block_number,
            "chunks": list(chunks),
            "dependencies": ["0x" + d.hex() for d in deps],
        }

    def _fetch(self, data_layer: str, digest: str, entry: dict[str, Any]) -> bytes:
        mode = entry["mode"]
        if mode == "State":
            return self._from_code(entry["chunks"])
        if mode == "Log":
            return self._from_log(data_layer, digest, entry["block_number"])
        if self.store is None:
            raise StoreError(
                f"entry {digest} keeps only its digest on chain and no store is configured"
            )
        return self.store.get(digest)

    def _from_code(self, chunks: list[str]) -> bytes:
        # Each SSTORE2 chunk begins with a STOP byte that keeps it uncallable; every chunk but
        # the last ends with the 20-byte address of the next one.
        parts = [bytes(self.w3.eth.get_code(chunk))[1:] for chunk in chunks]
        return b"".join(part[:-20] for part in parts[:-1]) + parts[-1]

    def _from_log(self, data_layer: str, digest: str, block: int) -> bytes:
        logs = self.w3.eth.get_logs(
            {
                "address": Web3.to_checksum_address(data_layer),
                "fromBlock": block,
                "toBlock": block,
                "topics": [ENTRY_CONTENT_TOPIC, digest],
            }
        )
        if not logs:
            raise ChainError(
                f"DataLayer {data_layer} entry {digest}: no EntryContent log in block {block} "
                "(the node may have pruned its history)"
            )
        event = self.contract("DataLayer", data_layer).events.EntryContent()
        return bytes(event.process_log(logs[0])["args"]["content"])
