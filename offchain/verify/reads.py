"""What an offline verification reads from chain, in three JSON-RPC batch round trips.

1. For every enterprise-year: `EnterpriseCarbon.records(year)` and `profile()` at the
   enterprise's address, which follows from its credit code (CREATE2, computed here offline),
   `EnterpriseFactory.enterpriseOf(code)` to confirm that address (only until it is confirmed
   once), and `eth_blockNumber`: every later read is made at that block.
2. `DataLayer.entry()` of every record's activity document and rectification evidence, and
   `CarbonIndex.resolveStandardsSet(id)` of every standards set not yet cached.
3. `eth_getCode` of the chunks of every standards document not cached, `DataLayer.entry()` of
   every evidence entry the activity entries depend on, and per DataLayer one `eth_getLogs` for
   the `EntryContent` events of all the documents still needed (topic1 = the list of digests).

Entries kept only as digests (`DigestOnly`) come from the content store. Every byte string is
checked against its SHA-256 digest before it is kept; documents are cached by digest, resolved
standards sets by id and finished entries (Completed or Cancelled never change) by digest, so
later enterprise-years read less. A fourth round trip happens only when something is not where
the three rounds look: a `Log` entry outside the range a node accepts, evidence kept in state.
Nothing here raises for a missing or wrong document; it records why, for the verifier to report.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address
from requests.exceptions import RequestException
from web3 import Web3

from offchain.chain.manifest import Manifest
from offchain.chain.reader import ENTRY_CONTENT_TOPIC, STATUSES, STORAGE_MODES
from offchain.chain.transact import ErrorDecoder
from offchain.core.documents import sha256_hex
from offchain.core.store import DocumentStore
from offchain.errors import ChainError, NotDeployedError, StoreError

# geth's default limit of requests per batch; a single enterprise-year needs far fewer.
MAX_BATCH = 1000
FINAL = ("Completed", "Cancelled")

_ENTRY = "(address,uint40,uint8,uint8,uint32,uint40,address[],bytes32[])"
_RECORD = "(bytes32,bool,bool,bool,uint64,uint32,uint32,address,uint32,bytes32,uint8)"
_PROFILE = "(string,string,string,address,bytes2)"
_RESOLVED = "(string,uint32,address,bytes32,address,address[])[3]"
_SELECTORS = {
    sig: keccak(text=sig)[:4]
    for sig in (
        "enterpriseOf(string)",
        "records(uint16)",
        "profile()",
        "entry(bytes32)",
        "resolveStandardsSet(uint32)",
    )
}
# Solady's minimal ERC-1967 beacon proxy (LibClone.initCodeERC1967BeaconProxy), around the beacon.
_PROXY_HEAD = bytes.fromhex("60523d8160223d3973")
_PROXY_TAIL = bytes.fromhex(
    "60195155f3363d3d373d3d363d602036600436635c60da"
    "1b60e01b36527fa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6c"
    "b3582b35133d50545afa5036515af43d6000803e604d573d6000fd5b3d6000f3"
)


@dataclass(frozen=True)
class Entry:
    digest: str
    creator: str
    status: str
    mode: str
    size: int
    block_number: int
    chunks: tuple[str, ...]
    dependencies: tuple[str, ...]


@dataclass(frozen=True)
class Record:
    index: int
    data: str
    valid: bool
    aggregated: bool
    self_measured: bool
    result: int
    standards_set: int
    replaces: int  # 1-based index of the record this one replaces, 0 for none
    submitter: str
    submitted_at: int
    rectification_evidence: str | None
    data_status: str


@dataclass(frozen=True)
class Standard:
    """One standard of a set, resolved: the record pins its name and revision."""

    name: str
    revision: int
    address: str
    document: str
    data_layer: str
    chunks: tuple[str, ...]


@dataclass
class YearData:
    """Everything read for one enterprise-year; a failure is a reason, never an exception."""

    credit_code: str
    year: int
    carbon: str = ""
    layer: str = ""
    block: int = 0
    profile: dict[str, Any] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)
    entry_errors: dict[str, str] = field(default_factory=dict)
    content_errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None


class Rpc:
    """JSON-RPC batches through the reader's provider; counts round trips (a batch is one)."""

    def __init__(self, w3: Web3, max_batch: int = MAX_BATCH) -> None:
        self.w3 = w3
        self.max_batch = max_batch
        self.round_trips = 0

    def batch(self, requests: Sequence[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
        responses: list[dict[str, Any]] = []
        for start in range(0, len(requests), self.max_batch):
            chunk = list(requests[start : start + self.max_batch])
            self.round_trips += 1
            try:
                answer = self.w3.provider.make_batch_request(chunk)
            except RequestException as exc:
                raise ChainError(
                    f"cannot reach the node ({type(exc).__name__}); is it running?"
                ) from exc
            if not isinstance(answer, list) or len(answer) != len(chunk):
                raise ChainError(f"the node refused a batch of {len(chunk)} requests: {answer}")
            responses.extend(answer)
        return responses


def create_address(sender: str, nonce: int) -> str:
    """The address a contract at `sender` creates with CREATE at `nonce` (1 ≤ nonce < 128)."""
    return to_checksum_address(
        keccak(b"\xd6\x94" + bytes.fromhex(sender[2:]) + bytes([nonce]))[12:]
    )


def predicted_enterprise(factory: str, credit_code: str) -> tuple[str, str]:
    """EnterpriseCarbon and DataLayer of `credit_code`, computed without a call.

    The factory creates its two beacons in `initialize` (CREATE nonces 1 and 2 of the factory
    proxy), then each enterprise's proxies with CREATE2 salted by keccak256(credit code).
    """
    salt = keccak(text=credit_code)
    addresses = []
    for nonce in (1, 2):
        init = _PROXY_HEAD + bytes.fromhex(create_address(factory, nonce)[2:]) + _PROXY_TAIL
        raw = keccak(b"\xff" + bytes.fromhex(factory[2:]) + salt + keccak(init))[12:]
        addresses.append(to_checksum_address(raw))
    return addresses[0], addresses[1]


class ChainReads:
    """The batched reads of verification, with their caches (shared across enterprise-years)."""

    def __init__(self, w3: Web3, manifest: Manifest, store: DocumentStore | None) -> None:
        self.rpc = Rpc(w3)
        self.manifest = manifest
        self.store = store
        self.factory = to_checksum_address(manifest.address("EnterpriseFactory"))
        self.index = to_checksum_address(manifest.address("CarbonIndex"))
        self.errors = ErrorDecoder(manifest.abis.values())
        self.documents: dict[str, bytes] = {}  # digest -> bytes that hash to it
        self.sets: dict[int, tuple[Standard, ...]] = {}
        self.set_errors: dict[int, str] = {}
        self.finished: dict[tuple[str, str], Entry] = {}  # (layer, digest) -> final entry
        self.confirmed: dict[str, tuple[str, str]] = {}  # credit code -> (carbon, layer)
        self.code: dict[str, bytes] = {}

    # -- the three rounds ------------------------------------------------------------------

    def fetch(self, items: Sequence[tuple[str, int]]) -> list[YearData]:
        years = [YearData(code, year) for code, year in items]
        self._round_one(years)
        live = [y for y in years if y.error is None]
        self._round_two(live)
        self._round_three(live)
        return years

    def _round_one(self, years: list[YearData]) -> None:
        requests: list[tuple[str, list[Any]]] = [("eth_blockNumber", [])]
        for y in years:
            y.carbon, y.layer = self.confirmed.get(y.credit_code) or predicted_enterprise(
                self.factory, y.credit_code
            )
            if y.credit_code not in self.confirmed:
                requests.append(
                    self._call(self.factory, "enterpriseOf(string)", ["string"], [y.credit_code])
                )
            requests.append(self._call(y.carbon, "records(uint16)", ["uint16"], [y.year]))
            requests.append(self._call(y.carbon, "profile()", [], []))
        responses = iter(self.rpc.batch(requests))
        block = int(_result(next(responses), "eth_blockNumber"), 16)
        misplaced = []
        for y in years:
            y.block = block
            if y.credit_code not in self.confirmed:
                answer = next(responses)
                if "error" in answer:
                    raise NotDeployedError(
                        f"no enterprise with credit code {y.credit_code!r} "
                        f"({self._reason(answer)}); the regulator onboards it with "
                        "`carbon enterprise onboard`"
                    )
                carbon, layer = decode(["(address,address)"], _bytes(answer))[0]
                actual = (to_checksum_address(carbon), to_checksum_address(layer))
                self.confirmed[y.credit_code] = actual
                if actual != (y.carbon, y.layer):
                    y.carbon, y.layer = actual
                    misplaced.append(y)
            records, profile = next(responses), next(responses)
            if y not in misplaced:
                self._take_year(y, records, profile)
        if misplaced:  # the factory no longer derives addresses as predicted: ask again
            again: list[tuple[str, list[Any]]] = []
            for y in misplaced:
                again.append(self._call(y.carbon, "records(uint16)", ["uint16"], [y.year], block))
                again.append(self._call(y.carbon, "profile()", [], [], block))
            answers = iter(self.rpc.batch(again))
            for y in misplaced:
                self._take_year(y, next(answers), next(answers))

    def _take_year(self, y: YearData, records: dict[str, Any], profile: dict[str, Any]) -> None:
        if "error" in records or "error" in profile:
            failed = records if "error" in records else profile
            y.error = f"EnterpriseCarbon {y.carbon}: {self._reason(failed)}"
            return
        try:
            name, code, region, layer, industry = decode([_PROFILE], _bytes(profile))[0]
            raw = decode([_RECORD + "[]"], _bytes(records))[0]
        except Exception as exc:  # no contract there, or not an EnterpriseCarbon
            y.error = f"EnterpriseCarbon {y.carbon} answered something unreadable ({exc})"
            return
        y.profile = {
            "name": name,
            "credit_code": code,
            "region": region,
            "data_layer": to_checksum_address(layer),
            "industry": bytes(industry).decode("ascii", "replace"),
        }
        y.records = [_record(i, r) for i, r in enumerate(raw)]

    def _round_two(self, years: list[YearData]) -> None:
        requests: list[tuple[str, list[Any]]] = []
        wanted: list[tuple[YearData, str]] = []
        for y in years:
            valid = [r for r in y.records if r.valid]
            for digest in _unique(
                d for r in valid for d in (r.data, r.rectification_evidence) if d
            ):
                if not self._cached_entry(y, digest):
                    requests.append(self._entry_call(y.layer, digest, y.block))
                    wanted.append((y, digest))
        set_ids = sorted({r.standards_set for y in years for r in y.records} - set(self.sets))
        block = years[0].block if years else 0
        for set_id in set_ids:
            requests.append(
                self._call(self.index, "resolveStandardsSet(uint32)", ["uint32"], [set_id], block)
            )
        responses = self.rpc.batch(requests) if requests else []
        for (y, digest), answer in zip(wanted, responses, strict=False):
            self._take_entry(y, digest, answer)
        for set_id, answer in zip(set_ids, responses[len(wanted) :], strict=True):
            if "error" in answer:
                self.set_errors[set_id] = self._reason(answer)
                continue
            self.set_errors.pop(set_id, None)
            self.sets[set_id] = tuple(
                Standard(
                    name,
                    revision,
                    to_checksum_address(std),
                    "0x" + doc.hex(),
                    to_checksum_address(layer),
                    tuple(to_checksum_address(c) for c in chunks),
                )
                for name, revision, std, doc, layer, chunks in decode([_RESOLVED], _bytes(answer))[
                    0
                ]
            )

    def _round_three(self, years: list[YearData]) -> None:
        requests: list[tuple[str, list[Any]]] = []
        handlers: list[Any] = []
        block = years[0].block if years else 0
        # Standards documents in state: their chunks' code.
        chunks = _unique(
            c
            for s in self.sets.values()
            for std in s
            if std.document not in self.documents
            for c in std.chunks
            if c not in self.code
        )
        for chunk in chunks:
            requests.append(("eth_getCode", [chunk, hex(block)]))
            handlers.append(lambda answer, chunk=chunk: self._take_code(chunk, answer))
        for y in years:
            deps = self._dependencies(y)
            for digest in deps:
                if not self._cached_entry(y, digest):
                    requests.append(self._entry_call(y.layer, digest, y.block))
                    handlers.append(
                        lambda answer, y=y, digest=digest: self._take_entry(y, digest, answer)
                    )
            logged = [
                (d, e.block_number)
                for d, e in ((r.data, y.entries.get(r.data)) for r in y.records if r.valid)
                if e is not None and e.mode == "Log" and d not in self.documents
            ]
            needed = _unique([d for d, _ in logged] + [d for d in deps if d not in self.documents])
            if needed:
                # Evidence is stored before the documents that depend on it, at a block not known
                # yet: without it, the range starts at the first block.
                low = min(b for _, b in logged) if logged and len(needed) == len(logged) else 0
                # Dependencies are older than their dependents: the newest Log block of the
                # activity entries bounds them, when every activity entry is a Log entry.
                data = [y.entries.get(r.data) for r in y.records if r.valid]
                bounded = data and all(e is not None and e.mode == "Log" for e in data)
                high = max(e.block_number for e in data if e) if bounded else y.block
                requests.append(_logs(y.layer, needed, low, high))
                handlers.append(lambda answer, y=y: self._take_logs(y, answer))
        if requests:
            for handler, answer in zip(handlers, self.rpc.batch(requests), strict=True):
                handler(answer)
        self._fallback(years)

    # -- after the rounds: the store, and what was not where the rounds looked ---------------

    def _fallback(self, years: list[YearData]) -> None:
        requests: list[tuple[str, list[Any]]] = []
        handlers: list[Any] = []
        for y, digest, entry in self._unread(years):
            if entry.mode == "DigestOnly":
                self._from_store(y, digest)
            elif entry.mode == "Log":
                requests.append(_logs(y.layer, [digest], entry.block_number, entry.block_number))
                handlers.append(lambda answer, y=y: self._take_logs(y, answer))
            else:
                for chunk in entry.chunks:
                    requests.append(("eth_getCode", [chunk, hex(y.block)]))
                    handlers.append(lambda answer, c=chunk: self._take_code(c, answer))
        if requests:
            for handler, answer in zip(handlers, self.rpc.batch(requests), strict=True):
                handler(answer)
        for y, digest, entry in self._unread(years):
            if entry.mode == "State":
                self._assemble(digest, entry.chunks, y.content_errors)
            else:
                y.content_errors[digest] = (
                    f"no EntryContent log for it in block {entry.block_number} of DataLayer "
                    f"{y.layer} (the node may have pruned its history)"
                )

    def _unread(self, years: list[YearData]) -> Iterator[tuple[YearData, str, Entry]]:
        """Each entry valid records need (data and evidence) whose content is not yet settled:
        neither read nor refused. Checked as each is reached, so reads on the way count."""
        for y in years:
            for digest in _unique([r.data for r in y.records if r.valid] + self._dependencies(y)):
                entry = y.entries.get(digest)
                settled = digest in self.documents or digest in y.content_errors
                if entry is not None and not settled:
                    yield y, digest, entry

    def standard_document(self, standard: Standard) -> bytes | str:
        """The checked bytes of a standard's document, or why there are none."""
        if standard.document in self.documents:
            return self.documents[standard.document]
        if standard.chunks:
            errors: dict[str, str] = {}
            self._assemble(standard.document, standard.chunks, errors)
            return self.documents.get(standard.document) or errors[standard.document]
        return self._stored(standard.document)

    def _assemble(self, digest: str, chunks: Sequence[str], errors: dict[str, str]) -> None:
        if any(c not in self.code for c in chunks):
            errors[digest] = "a code chunk of it could not be read"
            return
        parts = [self.code[c][1:] for c in chunks]
        data = b"".join(p[:-20] for p in parts[:-1]) + parts[-1]
        self._keep(digest, data, f"its {len(chunks)} code chunk(s)", errors)

    def _from_store(self, y: YearData, digest: str) -> None:
        found = self._stored(digest)
        if isinstance(found, str):
            y.content_errors[digest] = found

    def _stored(self, digest: str) -> bytes | str:
        if self.store is None:
            return "it is kept only as a digest on chain and no content store is configured"
        try:
            data = self.store.get(digest)
        except StoreError as exc:
            return f"it is kept only as a digest on chain and the content store lacks it ({exc})"
        except Exception as exc:  # DigestMismatchError and anything a store may raise
            return f"the content store's copy does not match its digest ({exc})"
        errors: dict[str, str] = {}
        self._keep(digest, data, "the content store's copy", errors)
        return self.documents.get(digest) or errors[digest]

    def _keep(self, digest: str, data: bytes, origin: str, errors: dict[str, str]) -> None:
        actual = sha256_hex(data)
        if actual == digest:
            self.documents[digest] = data
        else:
            errors[digest] = f"{origin} hash to {actual}, not to the digest"

    # -- taking answers --------------------------------------------------------------------

    def _take_entry(self, y: YearData, digest: str, answer: dict[str, Any]) -> None:
        if "error" in answer:
            y.entry_errors[digest] = (
                f"DataLayer {y.layer} has no entry {digest} ({self._reason(answer)})"
            )
            return
        creator, _at, status, mode, size, block, chunks, deps = decode([_ENTRY], _bytes(answer))[0]
        entry = Entry(
            digest,
            to_checksum_address(creator),
            STATUSES[status],
            STORAGE_MODES[mode],
            size,
            block,
            tuple(to_checksum_address(c) for c in chunks),
            tuple("0x" + d.hex() for d in deps),
        )
        y.entries[digest] = entry
        if entry.status in FINAL:
            self.finished[(y.layer, digest)] = entry

    def _take_logs(self, y: YearData, answer: dict[str, Any]) -> None:
        if "error" in answer:
            return  # a node that refuses the range: the fallback reads each block exactly
        for log in answer["result"]:
            digest = log["topics"][1].lower()
            if digest in self.documents:
                continue
            data = bytes.fromhex(log["data"][2:])
            length = int.from_bytes(data[32:64], "big")
            self._keep(
                digest,
                data[64 : 64 + length],
                "the bytes of its EntryContent log",
                y.content_errors,
            )

    def _take_code(self, chunk: str, answer: dict[str, Any]) -> None:
        if "error" not in answer and answer.get("result") not in (None, "0x"):
            self.code[chunk] = bytes.fromhex(answer["result"][2:])

    # -- helpers ---------------------------------------------------------------------------

    def _cached_entry(self, y: YearData, digest: str) -> bool:
        entry = self.finished.get((y.layer, digest))
        if entry is not None:
            y.entries[digest] = entry
        return entry is not None

    def _dependencies(self, y: YearData) -> list[str]:
        return _unique(
            d
            for r in y.records
            if r.valid and r.data in y.entries
            for d in y.entries[r.data].dependencies
        )

    def _entry_call(self, layer: str, digest: str, block: int) -> tuple[str, list[Any]]:
        return self._call(layer, "entry(bytes32)", ["bytes32"], [bytes.fromhex(digest[2:])], block)

    @staticmethod
    def _call(
        to: str, signature: str, types: list[str], args: list[Any], block: int | None = None
    ) -> tuple[str, list[Any]]:
        data = _SELECTORS[signature] + (encode(types, args) if types else b"")
        tag = "latest" if block is None else hex(block)
        return ("eth_call", [{"to": to, "data": "0x" + data.hex()}, tag])

    def _reason(self, answer: dict[str, Any]) -> str:
        error = answer.get("error") or {}
        data = error.get("data")
        if isinstance(data, dict):
            data = data.get("data")
        if isinstance(data, str) and data.startswith("0x") and len(data) >= 10:
            return self.errors.explain(bytes.fromhex(data[2:]))
        return str(error.get("message", error))


def _record(index: int, raw: tuple[Any, ...]) -> Record:
    data, valid, aggregated, measured, result, set_id, replaces, submitter, at, evidence, status = (
        raw
    )
    return Record(
        index,
        "0x" + data.hex(),
        valid,
        aggregated,
        measured,
        result,
        set_id,
        replaces,
        to_checksum_address(submitter),
        at,
        "0x" + evidence.hex() if any(evidence) else None,
        STATUSES[status],
    )


def _logs(layer: str, digests: Sequence[str], low: int, high: int) -> tuple[str, list[Any]]:
    return (
        "eth_getLogs",
        [
            {
                "address": layer,
                "fromBlock": hex(low),
                "toBlock": hex(high),
                "topics": [ENTRY_CONTENT_TOPIC, list(digests)],
            }
        ],
    )


def _result(answer: dict[str, Any], what: str) -> Any:
    if "error" in answer:
        raise ChainError(f"{what} failed: {answer['error']}")
    return answer["result"]


def _bytes(answer: dict[str, Any]) -> bytes:
    return bytes.fromhex(answer["result"][2:])


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
