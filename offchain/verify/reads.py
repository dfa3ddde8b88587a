"""What an offline verification reads from chain, in three JSON-RPC batch round trips.

1. For every enterprise-year: `EnterpriseCarbon.records(year)` and `profile()` at the
   enterprise's address, which follows from its credit code (`chain.addresses`),
   `EnterpriseFactory.enterpriseOf(code)` to confirm that address (only until it is confirmed
   once), and `eth_blockNumber`: every later read is made at that block.
2. `DataLayer.entries()` of every record's activity document and rectification evidence (one
   call per enterprise-year), `CarbonIndex.resolveStandardsSet(id)` of every standards set not
   yet cached, for a year with invalid records one `eth_getLogs` for their `RecordInvalidated`
   events (the reasons), and, when verifying with a key, one `eth_getLogs` for the
   KeyDirectory's `AccessGranted` events to that key's address (the data keys of encrypted
   documents granted to it) and `KeyDirectory.isRevoked`.
3. `eth_getCode` of the chunks of every standards document not cached, `DataLayer.entries()`
   of the evidence the activity entries depend on, and per DataLayer one `eth_getLogs` for
   the `EntryContent` events of all the documents still needed (topic1 = the list of digests).

Entries kept only as digests (`DigestOnly`) come from the content store. Every byte string is
checked against its SHA-256 digest before it is kept (in the reader's document cache); resolved
standards sets are cached by id and finished entries (Completed or Cancelled never change) by
digest, so later enterprise-years read less. A fourth round trip happens only when something is
not where the three rounds look: a `Log` entry outside the range a node accepts, evidence kept
in state, or a DataLayer older than `entries` (an `entry` call each). Nothing here raises for a
missing or wrong document; it records why, for the checks.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from web3 import Web3

from offchain.chain.addresses import predicted_enterprise
from offchain.chain.bindings import (
    EnterpriseContracts,
    Entry,
    EntryStatus,
    Profile,
    Record,
    ResolvedStandard,
    StorageMode,
)
from offchain.chain.reader import (
    ENTRY_CONTENT_TOPIC,
    PAGE,
    ChainReader,
    Request,
    granted_keys,
    grants_request,
    invalidation_reasons,
    invalidations_request,
    join_chunks,
    log_content,
)
from offchain.chain.revert import RevertError
from offchain.errors import ChainError, NotDeployedError, StoreError

Handler = Callable[[dict[str, Any]], None]
RECORDS_PAGE = PAGE


@dataclass
class YearData:
    """Everything read for one enterprise-year; a failure is a reason, never an exception."""

    credit_code: str
    year: int
    carbon: str = ""
    layer: str = ""
    block: int = 0
    profile: Profile | None = None
    records: list[Record] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)
    entry_errors: dict[str, str] = field(default_factory=dict)
    content_errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    invalidations: dict[int, str] = field(default_factory=dict)  # record index -> reason
    invalidations_error: str | None = None
    grants: dict[str, bytes] = field(default_factory=dict)  # document -> key granted to us
    grants_error: str | None = None
    revoked: bool = False  # the grantee's access to the enterprise's documents is revoked

    @property
    def valid(self) -> list[Record]:
        return [r for r in self.records if r.valid]

    def dependencies(self) -> list[str]:
        """The evidence the valid records' activity entries depend on."""
        return _unique(
            d
            for r in self.valid
            if r.data in self.entries
            for d in self.entries[r.data].dependencies
        )


class YearReads:
    """The batched reads of verification, with their caches (shared across enterprise-years)."""

    def __init__(self, reader: ChainReader, grantee: str | None = None) -> None:
        """With `grantee`, the grants of encrypted documents made to that address are read."""
        self.reader = reader
        self.grantee = grantee
        self.directory = Web3.to_checksum_address(reader.manifest.address("KeyDirectory"))
        self.factory = Web3.to_checksum_address(reader.manifest.address("EnterpriseFactory"))
        self.index = Web3.to_checksum_address(reader.manifest.address("CarbonIndex"))
        self.sets: dict[int, tuple[ResolvedStandard, ...]] = {}
        self.set_errors: dict[int, str] = {}
        self.finished: dict[tuple[str, str], Entry] = {}  # (layer, digest) -> final entry
        self.confirmed: dict[str, tuple[str, str]] = {}  # credit code -> (carbon, layer)
        self.code: dict[str, bytes] = {}
        # Entries of DataLayers that could not answer `entries`, read one by one after a round;
        # all of them when the deployment's DataLayer ABI has no `entries`.
        self.older: list[tuple[YearData, list[str]]] = []
        self.batched_entries = any(
            item.get("name") == "entries" for item in reader.manifest.abi("DataLayer")
        )

    @property
    def documents(self) -> dict[str, bytes]:
        """Checked documents by digest (the reader's cache)."""
        return self.reader.documents

    # -- the three rounds ------------------------------------------------------------------

    def fetch(self, items: Sequence[tuple[str, int]]) -> list[YearData]:
        years = [YearData(code, year) for code, year in items]
        self._round_one(years)
        self._more_records(years)
        live = [y for y in years if y.error is None]
        self._round_two(live)
        self._round_three(live)
        return years

    def _round_one(self, years: list[YearData]) -> None:
        requests: list[Request] = [("eth_blockNumber", [])]
        for y in years:
            y.carbon, y.layer = self.confirmed.get(y.credit_code) or predicted_enterprise(
                self.factory, y.credit_code
            )
            if y.credit_code not in self.confirmed:
                requests.append(
                    self._call("EnterpriseFactory", self.factory, "enterpriseOf", y.credit_code)
                )
            requests += self._year_calls(y, None)
        responses = iter(self.reader.batch(requests))
        block = _block_number(next(responses))
        misplaced = []
        for y in years:
            y.block = block
            if y.credit_code not in self.confirmed:
                actual = self._confirm(y, next(responses))
                if actual != (y.carbon, y.layer):
                    y.carbon, y.layer = actual
                    misplaced.append(y)
            records, profile = next(responses), next(responses)
            if y not in misplaced:
                self._take_year(y, records, profile)
        if misplaced:  # the factory no longer derives addresses as predicted: ask again
            again = [request for y in misplaced for request in self._year_calls(y, block)]
            answers = iter(self.reader.batch(again))
            for y in misplaced:
                self._take_year(y, next(answers), next(answers))

    def _year_calls(self, y: YearData, block: int | None) -> list[Request]:
        return [
            self._call(
                "EnterpriseCarbon", y.carbon, "recordsPage", y.year, 0, RECORDS_PAGE, block=block
            ),
            self._call("EnterpriseCarbon", y.carbon, "profile", block=block),
        ]

    def _confirm(self, y: YearData, answer: dict[str, Any]) -> tuple[str, str]:
        try:
            found = EnterpriseContracts.decode(
                self.reader.decode("EnterpriseFactory", "enterpriseOf", answer)
            )
        except RevertError as exc:
            raise NotDeployedError(
                f"no enterprise with credit code {y.credit_code!r} ({exc}); the regulator "
                "onboards it with `carbon enterprise onboard`"
            ) from exc
        self.confirmed[y.credit_code] = (found.carbon, found.data_layer)
        return found.carbon, found.data_layer

    def _take_year(self, y: YearData, records: dict[str, Any], profile: dict[str, Any]) -> None:
        try:
            raw_profile = self.reader.decode("EnterpriseCarbon", "profile", profile)
            raw_records = self.reader.decode("EnterpriseCarbon", "recordsPage", records)
        except RevertError as exc:
            y.error = f"EnterpriseCarbon {y.carbon}: {exc}"
            return
        except ChainError as exc:  # no contract there, or not an EnterpriseCarbon
            y.error = f"EnterpriseCarbon {y.carbon} answered something unreadable ({exc})"
            return
        y.profile = Profile.decode(raw_profile)
        y.records = [Record.decode(r, index=i) for i, r in enumerate(raw_records)]

    def _more_records(self, years: list[YearData]) -> None:
        """Further pages of the years whose last page was full: an extra round trip only for a
        year of more than RECORDS_PAGE records."""
        full = [y for y in years if y.error is None and len(y.records) == RECORDS_PAGE]
        while full:
            requests = [
                self._call(
                    "EnterpriseCarbon",
                    y.carbon,
                    "recordsPage",
                    y.year,
                    len(y.records),
                    RECORDS_PAGE,
                    block=y.block,
                )
                for y in full
            ]
            answers = self.reader.batch(requests)
            pages = [self.reader.decode("EnterpriseCarbon", "recordsPage", a) for a in answers]
            for y, page in zip(full, pages, strict=True):
                start = len(y.records)
                y.records += [Record.decode(r, index=start + i) for i, r in enumerate(page)]
            full = [y for y, page in zip(full, pages, strict=True) if len(page) == RECORDS_PAGE]

    def _round_two(self, years: list[YearData]) -> None:
        requests: list[Request] = []
        handlers: list[Handler] = []
        for y in years:
            wanted = (d for r in y.valid for d in (r.data, r.rectification_evidence) if d)
            self._entries(y, _unique(wanted), requests, handlers)
            if any(not r.valid for r in y.records):
                requests.append(invalidations_request(y.carbon, y.year, y.block))
                handlers.append(lambda answer, y=y: self._take_invalidations(y, answer))
            if self.grantee is not None:
                requests.append(grants_request(self.directory, y.carbon, self.grantee, y.block))
                handlers.append(lambda answer, y=y: self._take_grants(y, answer))
                requests.append(
                    self._call(
                        "KeyDirectory",
                        self.directory,
                        "isRevoked",
                        y.carbon,
                        self.grantee,
                        block=y.block,
                    )
                )
                handlers.append(lambda answer, y=y: self._take_revoked(y, answer))
        set_ids = sorted({r.standards_set for y in years for r in y.records} - set(self.sets))
        block = years[0].block if years else 0
        for set_id in set_ids:
            requests.append(
                self._call("CarbonIndex", self.index, "resolveStandardsSet", set_id, block=block)
            )
            handlers.append(lambda answer, set_id=set_id: self._take_set(set_id, answer))
        self._send(requests, handlers)
        self._one_by_one()

    def _take_invalidations(self, y: YearData, answer: dict[str, Any]) -> None:
        if "error" in answer:
            y.invalidations_error = (
                f"the node refused the RecordInvalidated logs: {answer['error']}"
            )
            return
        y.invalidations.update(invalidation_reasons(answer["result"]))

    def _take_grants(self, y: YearData, answer: dict[str, Any]) -> None:
        if "error" in answer:
            y.grants_error = f"the node refused the AccessGranted logs: {answer['error']}"
            return
        y.grants = granted_keys(answer["result"])

    def _take_revoked(self, y: YearData, answer: dict[str, Any]) -> None:
        try:
            y.revoked = bool(self.reader.decode("KeyDirectory", "isRevoked", answer))
        except ChainError:  # a KeyDirectory before grants existed: nothing was ever revoked
            y.revoked = False

    def _take_set(self, set_id: int, answer: dict[str, Any]) -> None:
        try:
            raw = self.reader.decode("CarbonIndex", "resolveStandardsSet", answer)
        except RevertError as exc:
            self.set_errors[set_id] = str(exc)
            return
        self.set_errors.pop(set_id, None)
        self.sets[set_id] = tuple(ResolvedStandard.decode(s) for s in raw)

    def _round_three(self, years: list[YearData]) -> None:
        requests: list[Request] = []
        handlers: list[Handler] = []
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
        self._code(chunks, block, requests, handlers)
        for y in years:
            deps = y.dependencies()
            self._entries(y, deps, requests, handlers)
            logged = [
                (r.data, e.block_number)
                for r, e in ((r, y.entries.get(r.data)) for r in y.valid)
                if e is not None and e.mode is StorageMode.LOG and r.data not in self.documents
            ]
            needed = _unique([d for d, _ in logged] + [d for d in deps if d not in self.documents])
            if needed:
                # Evidence is stored before the documents that depend on it, at a block not known
                # yet: without it, the range starts at the first block.
                low = min(b for _, b in logged) if logged and len(needed) == len(logged) else 0
                # Dependencies are older than their dependents: the newest Log block of the
                # activity entries bounds them, when every activity entry is a Log entry.
                data = [y.entries.get(r.data) for r in y.valid]
                bounded = data and all(e is not None and e.mode is StorageMode.LOG for e in data)
                high = max(e.block_number for e in data if e) if bounded else y.block
                requests.append(_logs(y.layer, needed, low, high))
                handlers.append(lambda answer, y=y: self._take_logs(y, answer))
        self._send(requests, handlers)
        self._one_by_one()
        self._fallback(years)

    # -- after the rounds: the store, and what was not where the rounds looked ---------------

    def _fallback(self, years: list[YearData]) -> None:
        requests: list[Request] = []
        handlers: list[Handler] = []
        for y, digest, entry in self._unread(years):
            if entry.mode is StorageMode.DIGEST_ONLY:
                self._from_store(y, digest)
            elif entry.mode is StorageMode.LOG:
                requests.append(_logs(y.layer, [digest], entry.block_number, entry.block_number))
                handlers.append(lambda answer, y=y: self._take_logs(y, answer))
            else:
                self._code(entry.chunks, y.block, requests, handlers)
        self._send(requests, handlers)
        for y, digest, entry in self._unread(years):
            if entry.mode is StorageMode.STATE:
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
            for digest in _unique([r.data for r in y.valid] + y.dependencies()):
                entry = y.entries.get(digest)
                settled = digest in self.documents or digest in y.content_errors
                if entry is not None and not settled:
                    yield y, digest, entry

    def standard_document(self, standard: ResolvedStandard) -> bytes | str:
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
        data = join_chunks([self.code[c] for c in chunks])
        self._keep(digest, data, f"its {len(chunks)} code chunk(s)", errors)

    def _from_store(self, y: YearData, digest: str) -> None:
        found = self._stored(digest)
        if isinstance(found, str):
            y.content_errors[digest] = found

    def _stored(self, digest: str) -> bytes | str:
        store = self.reader.store
        if store is None:
            return "it is kept only as a digest on chain and no content store is configured"
        try:
            data = store.get(digest)
        except StoreError as exc:
            return f"it is kept only as a digest on chain and the content store lacks it ({exc})"
        except Exception as exc:  # DigestMismatchError and anything a store may raise
            return f"the content store's copy does not match its digest ({exc})"
        errors: dict[str, str] = {}
        self._keep(digest, data, "the content store's copy", errors)
        return self.documents.get(digest) or errors[digest]

    def _keep(self, digest: str, data: bytes, origin: str, errors: dict[str, str]) -> None:
        actual = self.reader.keep(digest, data)
        if actual is not None:
            errors[digest] = f"{origin} hash to {actual}, not to the digest"

    # -- requests and answers ----------------------------------------------------------------

    def _send(self, requests: list[Request], handlers: list[Handler]) -> None:
        if requests:
            for handler, answer in zip(handlers, self.reader.batch(requests), strict=True):
                handler(answer)

    def _entries(
        self, y: YearData, digests: Iterable[str], requests: list[Request], handlers: list[Handler]
    ) -> None:
        """One `DataLayer.entries` call for the entries of `y` not cached."""
        wanted = [d for d in digests if not self._cached_entry(y, d)]
        if wanted and not self.batched_entries:
            self.older.append((y, wanted))
        elif wanted:
            ids = [bytes.fromhex(d[2:]) for d in wanted]
            requests.append(self._call("DataLayer", y.layer, "entries", ids, block=y.block))
            handlers.append(lambda answer, y=y, w=wanted: self._take_entries(y, w, answer))

    def _one_by_one(self) -> None:
        """The entries a DataLayer without `entries` (one before 1.3.0) could not give at once:
        an `entry` call each, in one more round trip."""
        requests: list[Request] = []
        handlers: list[Handler] = []
        for y, digests in self.older:
            for digest in digests:
                requests.append(
                    self._call(
                        "DataLayer", y.layer, "entry", bytes.fromhex(digest[2:]), block=y.block
                    )
                )
                handlers.append(lambda answer, y=y, d=digest: self._take_entry(y, d, answer))
        self.older = []
        self._send(requests, handlers)

    def _code(
        self, chunks: Iterable[str], block: int, requests: list[Request], handlers: list[Handler]
    ) -> None:
        for chunk in chunks:
            requests.append(("eth_getCode", [chunk, hex(block)]))
            handlers.append(lambda answer, chunk=chunk: self._take_code(chunk, answer))

    def _take_entries(self, y: YearData, digests: list[str], answer: dict[str, Any]) -> None:
        try:
            raw = self.reader.decode("DataLayer", "entries", answer)
        except ChainError:  # RevertError included: a DataLayer without `entries`
            raw = None
        if raw is None or len(raw) != len(digests):
            self.older.append((y, digests))
            return
        for digest, fields in zip(digests, raw, strict=True):
            entry = Entry.decode(fields)
            if entry.status is EntryStatus.NONE:
                y.entry_errors[digest] = f"DataLayer {y.layer} has no entry {digest}"
            else:
                self._keep_entry(y, digest, entry)

    def _take_entry(self, y: YearData, digest: str, answer: dict[str, Any]) -> None:
        try:
            entry = Entry.decode(self.reader.decode("DataLayer", "entry", answer))
        except RevertError as exc:
            y.entry_errors[digest] = f"DataLayer {y.layer} has no entry {digest} ({exc})"
            return
        self._keep_entry(y, digest, entry)

    def _keep_entry(self, y: YearData, digest: str, entry: Entry) -> None:
        y.entries[digest] = entry
        if entry.status.final:
            self.finished[(y.layer, digest)] = entry

    def _take_logs(self, y: YearData, answer: dict[str, Any]) -> None:
        if "error" in answer:
            return  # a node that refuses the range: the fallback reads each block exactly
        for log in answer["result"]:
            digest = log["topics"][1].lower()
            if digest not in self.documents:
                content = log_content(log["data"])
                self._keep(digest, content, "the bytes of its EntryContent log", y.content_errors)

    def _take_code(self, chunk: str, answer: dict[str, Any]) -> None:
        if "error" not in answer and answer.get("result") not in (None, "0x"):
            self.code[chunk] = bytes.fromhex(answer["result"][2:])

    def _cached_entry(self, y: YearData, digest: str) -> bool:
        entry = self.finished.get((y.layer, digest))
        if entry is not None:
            y.entries[digest] = entry
        return entry is not None

    def _call(
        self, kind: str, to: str, function: str, *args: Any, block: int | None = None
    ) -> Request:
        return self.reader.eth_call(kind, to, function, args, block)


def _logs(layer: str, digests: Sequence[str], low: int, high: int) -> Request:
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


def _block_number(answer: dict[str, Any]) -> int:
    if "error" in answer:
        raise ChainError(f"eth_blockNumber failed: {answer['error']}")
    return int(answer["result"], 16)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
