"""The one reader of the suite's state on chain, for the CLI, the backend and the verifier.

Every call goes through one HTTP provider that counts JSON-RPC round trips (a batch is one), and
every batch through `batch`. Reads return the named fields of `bindings`; a refusal becomes a
one-line error naming the contract's custom error. Every document fetched is checked against the
digest the chain commits to before it is used, and cached by digest: a digest never changes
meaning, so a cached document never goes stale.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from eth_abi import encode
from eth_utils import function_abi_to_4byte_selector, keccak
from eth_utils.abi import get_abi_input_types, get_abi_output_types
from requests.exceptions import RequestException
from web3 import HTTPProvider, Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import BadFunctionCallOutput

from offchain.chain import abi_decode
from offchain.chain.bindings import (
    ROLES,
    Agency,
    AgencyStatus,
    ComplianceCycle,
    ComplianceEntry,
    ComplianceStatus,
    EnterpriseContracts,
    Entry,
    EntryStatus,
    Profile,
    QuotaAllocation,
    Record,
    Rejection,
    Revision,
    StandardsSet,
    StatusChange,
    StorageMode,
    Verdict,
    VerificationState,
    VerificationSummary,
)
from offchain.chain.manifest import Manifest
from offchain.chain.revert import ErrorDecoder, RevertError
from offchain.chain.transact import REFUSALS
from offchain.core.documents import sha256_hex
from offchain.core.store import DocumentStore
from offchain.errors import ChainError, DigestMismatchError, NotDeployedError, StoreError

# geth's default limit of requests per batch.
MAX_BATCH = 1000
# Items per call of a paged view: about 2,000 records of a year would exceed a 30 M gas call cap.
PAGE = 500
ENTRY_CONTENT_TOPIC = "0x" + keccak(text="EntryContent(bytes32,bytes)").hex()
INVALIDATED_TOPIC = "0x" + keccak(text="RecordInvalidated(uint16,uint32,string)").hex()

Request = tuple[str, list[Any]]


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


@dataclass(frozen=True)
class _Signature:
    """How to call one function of a contract kind without building a web3 contract."""

    selector: bytes
    inputs: list[str]
    outputs: list[str]


@dataclass(frozen=True)
class YearLock:
    """`ICarbonVerification.lockOf`: frozen from an agency's assignment on; rectifiable while
    frozen only after a failed verdict, never once closed."""

    frozen: bool
    rectifiable: bool
    state: VerificationState


@dataclass(frozen=True)
class CompliancePosition:
    """Where one enterprise stands in a year's compliance cycle, as one batch reads it."""

    carbon: str
    profile: Profile
    entry: ComplianceEntry
    live: ComplianceStatus
    frozen: ComplianceStatus
    verification: VerificationSummary
    allocation: QuotaAllocation
    balance: int = 0  # micro-tonnes CO2e the enterprise's quota account holds

    @property
    def verified(self) -> int | None:
        """Verified emissions once the verification is closed, micro-tonnes CO2e."""
        if self.verification.state is VerificationState.CLOSED:
            return self.verification.verified_emissions
        return None


@dataclass(frozen=True)
class RecordNote:
    """What a record's events add to it: the title it was submitted with, and the reason it was
    invalidated (None while it is valid)."""

    title: str
    invalidation_reason: str | None


def join_chunks(codes: Sequence[bytes]) -> bytes:
    """A document kept in state, from the runtime code of its SSTORE2 chunks in order.

    Each chunk begins with a STOP byte that keeps it uncallable; every chunk but the last ends
    with the 20-byte address of the next one.
    """
    parts = [bytes(code)[1:] for code in codes]
    return b"".join(part[:-20] for part in parts[:-1]) + parts[-1]


class ChainReader:
    """Reads the suite deployed per `manifest` from the node at `url`."""

    def __init__(
        self,
        url: str,
        manifest: Manifest,
        store: DocumentStore | None = None,
        timeout: float = 30,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self.url = url
        self.provider = CountingHTTPProvider(url, request_kwargs={"timeout": timeout})
        self.w3 = Web3(self.provider)
        self.manifest = manifest
        self.store = store
        self.max_batch = max_batch
        self.errors = ErrorDecoder(manifest.abis.values())
        self.documents: dict[str, bytes] = {}  # digest -> bytes that hash to it
        self._signatures: dict[tuple[str, str], _Signature] = {}

    @property
    def round_trips(self) -> int:
        """JSON-RPC round trips so far, every call and batch of this reader's included."""
        return self.provider.round_trips

    # -- raw access ----------------------------------------------------------------------------

    def batch(self, requests: Sequence[Request]) -> list[dict[str, Any]]:
        """Answers to JSON-RPC requests, sent as batches: one round trip per `max_batch`."""
        responses: list[dict[str, Any]] = []
        for start in range(0, len(requests), self.max_batch):
            chunk = list(requests[start : start + self.max_batch])
            try:
                answer = self.provider.make_batch_request(chunk)
            except RequestException as exc:
                raise ChainError(
                    f"cannot reach the node ({type(exc).__name__}); is it running?"
                ) from exc
            if not isinstance(answer, list) or len(answer) != len(chunk):
                raise ChainError(f"the node refused a batch of {len(chunk)} requests: {answer}")
            responses.extend(answer)
        return responses

    def contract(self, kind: str, address: str) -> Contract:
        """A web3 contract of `kind` (its ABI from the manifest) at `address`."""
        return self.w3.eth.contract(
            address=Web3.to_checksum_address(address), abi=self.manifest.abi(kind)
        )

    def singleton(self, kind: str) -> Contract:
        """The deployment's one contract of `kind` (CarbonIndex, EnterpriseFactory, …)."""
        return self.contract(kind, self.manifest.address(kind))

    @property
    def index(self) -> Contract:
        return self.singleton("CarbonIndex")

    def call(self, function: ContractFunction, what: str) -> Any:
        """A read; a refusal becomes a RevertError that says `what` was refused and why."""
        try:
            return function.call()
        except REFUSALS as exc:
            raise RevertError(f"{what}: {self.errors.reason(exc)}") from exc
        except BadFunctionCallOutput as exc:
            raise ChainError(
                f"{what}: the contract at {function.address} answered nothing; is this node the "
                "one the deployment was made on?"
            ) from exc

    def pages(
        self, page: Callable[[int, int], ContractFunction], what: str, size: int = PAGE
    ) -> list[Any]:
        """Every item of a paged view (`page(offset, limit)`), a page per call: an unbounded
        list read at once can exceed what a node lets one call spend."""
        items: list[Any] = []
        while True:
            got = self.call(page(len(items), size), what)
            items += got
            if len(got) < size:
                return items

    def eth_call(
        self, kind: str, address: str, function: str, args: Sequence[Any], block: int | None
    ) -> Request:
        """The JSON-RPC request of a read, for `batch`; `decode` reads its answer."""
        signature = self._function(kind, function)
        data = signature.selector + _encode_arguments(signature.inputs, args)
        tag = "latest" if block is None else hex(block)
        return ("eth_call", [{"to": address, "data": "0x" + data.hex()}, tag])

    def decode(self, kind: str, function: str, answer: dict[str, Any]) -> Any:
        """The value a batched read returned (the first output), or RevertError naming why not."""
        return self.decode_all(kind, function, answer)[0]

    def decode_all(self, kind: str, function: str, answer: dict[str, Any]) -> tuple[Any, ...]:
        """Every output of a batched read, or RevertError naming why not."""
        if "error" in answer:
            raise RevertError(self.errors.reason_of_answer(answer))
        result = answer.get("result") or "0x"
        try:
            return abi_decode.decode(
                self._function(kind, function).outputs, bytes.fromhex(result[2:])
            )
        except Exception as exc:  # no contract there, or not one of this kind
            raise ChainError(
                f"{kind}.{function} answered something unreadable: {result[:74]}"
            ) from exc

    def _function(self, kind: str, function: str) -> "_Signature":
        key = (kind, function)
        if key not in self._signatures:
            abi = next(
                item
                for item in self.manifest.abi(kind)
                if item.get("type") == "function" and item["name"] == function
            )
            self._signatures[key] = _Signature(
                function_abi_to_4byte_selector(abi),
                list(get_abi_input_types(abi)),
                list(get_abi_output_types(abi)),
            )
        return self._signatures[key]

    # -- the index and the standards ---------------------------------------------------------

    def resolve(self, name: str) -> str:
        """The address registered under `name`."""
        try:
            return self.call(self.index.functions.resolve(name), "resolve")
        except RevertError as exc:
            raise NotDeployedError(f"the index has no standard named {name!r}") from exc

    def latest_name(self, series: str) -> str:
        """The newest name of `series`, e.g. `GB_01_factor` -> `GB_01_factor_20231001_0000`."""
        try:
            name, _ = self.call(self.index.functions.latest(series), "latest")
        except RevertError as exc:
            raise NotDeployedError(f"the index has no series {series!r}") from exc
        return name

    def standard(self, name: str, kind: str, revision: int | None = None) -> StandardRef:
        """The revision (latest by default) of the standard registered under `name`."""
        address = self.resolve(name)
        library = self.contract(kind, address).functions
        try:
            if revision is None:
                revision, raw = self.call(library.latest(), name)
            else:
                raw = self.call(library.revision(revision), name)
        except RevertError as exc:
            raise NotDeployedError(f"{name} has no revision {revision}") from exc
        rev = Revision.decode(raw)
        return StandardRef(name, address, revision, rev.version, rev.document, rev.data_layer)

    def revisions(self, name: str, kind: str) -> list[Revision]:
        """Every revision of the standard registered under `name`, oldest first."""
        library = self.contract(kind, self.resolve(name)).functions
        count = self.call(library.revisionCount(), f"revisions of {name}")
        return [Revision.decode(self.call(library.revision(n), name)) for n in range(count)]

    def standards_set_id(self, chosen: StandardsSet) -> int:
        """The index's id of a set of revisions, 0 when it is not registered."""
        return self.call(self.index.functions.standardsSetId(chosen.encode()), "standardsSetId")

    def standards_set(self, set_id: int) -> StandardsSet:
        return StandardsSet.decode(
            self.call(self.index.functions.standardsSet(set_id), f"standards set {set_id}")
        )

    # -- enterprises ---------------------------------------------------------------------------

    def enterprise(self, credit_code: str) -> EnterpriseContracts:
        """The EnterpriseCarbon and DataLayer of the enterprise with `credit_code`."""
        factory = self.singleton("EnterpriseFactory").functions
        try:
            raw = self.call(factory.enterpriseOf(credit_code), "enterpriseOf")
        except RevertError as exc:
            raise NotDeployedError(
                f"no enterprise with credit code {credit_code!r}; the regulator onboards it with "
                "`carbon enterprise onboard`"
            ) from exc
        return EnterpriseContracts.decode(raw)

    def enterprises(self) -> list[str]:
        """The EnterpriseCarbon of every onboarded enterprise, in onboarding order."""
        factory = self.singleton("EnterpriseFactory").functions
        return self.pages(factory.enterprisesPage, "enterprises")

    def record_years(self, carbon: str) -> list[int]:
        """The years in which the enterprise has records."""
        functions = self.contract("EnterpriseCarbon", carbon).functions
        return sorted(self.call(functions.recordYears(), f"years of {carbon}"))

    def profile(self, carbon: str) -> Profile:
        functions = self.contract("EnterpriseCarbon", carbon).functions
        return Profile.decode(self.call(functions.profile(), f"profile of {carbon}"))

    def records(self, carbon: str, year: int) -> list[Record]:
        """Every record of `year`, valid or not, in order."""
        functions = self.contract("EnterpriseCarbon", carbon).functions
        raw = self.pages(
            lambda offset, limit: functions.recordsPage(year, offset, limit),
            f"records of {carbon} {year}",
        )
        return [Record.decode(r, index=i) for i, r in enumerate(raw)]

    def record_notes(self, carbon: str, year: int) -> dict[int, "RecordNote"]:
        """What the events of `year` say of each record: the title it was submitted with, and
        why it was invalidated (the records themselves keep neither)."""
        events = self.contract("EnterpriseCarbon", carbon).events
        titles = {
            log["args"]["index"]: log["args"]["title"]
            for log in events.RecordSubmitted().get_logs(
                from_block=0, argument_filters={"year": year}
            )
        }
        reasons = self.invalidations(carbon, year)
        return {
            index: RecordNote(titles.get(index, ""), reasons.get(index))
            for index in titles.keys() | reasons.keys()
        }

    def record(self, carbon: str, year: int, index: int) -> Record:
        functions = self.contract("EnterpriseCarbon", carbon).functions
        raw = self.call(functions.record(year, index), f"record #{index} of {year}")
        return Record.decode(raw, index=index)

    def record_of_data(self, carbon: str, data: str) -> tuple[int, int] | None:
        """(year, index) of the record of activity document `data`, None when there is none."""
        functions = self.contract("EnterpriseCarbon", carbon).functions
        try:
            year, index = self.call(functions.recordOfData(bytes.fromhex(data[2:])), "record")
        except RevertError:
            return None
        return year, index

    def has_role(self, kind: str, address: str, role: str, account: str) -> bool:
        functions = self.contract(kind, address).functions
        return self.call(functions.hasRole(ROLES[role], account), "hasRole")

    def public_key(self, address: str) -> tuple[str, bytes]:
        """The checksummed address and the public key it published in the KeyDirectory."""
        if not Web3.is_address(address):
            raise ChainError(f"{address!r} is not an Ethereum address")
        checksummed = Web3.to_checksum_address(address)
        directory = self.singleton("KeyDirectory").functions
        try:
            return checksummed, bytes(self.call(directory.publicKeyOf(checksummed), "key"))
        except RevertError as exc:
            raise NotDeployedError(
                f"no public key published for {checksummed}; that account must run "
                "`carbon keys publish` first"
            ) from exc

    # -- verification --------------------------------------------------------------------------

    def verification(self, carbon: str, year: int) -> VerificationSummary:
        functions = self.singleton("CarbonVerification").functions
        raw = self.call(functions.verification(carbon, year), f"verification of {year}")
        return VerificationSummary.decode(raw)

    def verdicts(self, carbon: str, year: int) -> list[Verdict]:
        functions = self.singleton("CarbonVerification").functions
        raw = self.pages(
            lambda offset, limit: functions.verdictsPage(carbon, year, offset, limit),
            f"verdicts of {year}",
        )
        return [Verdict.decode(v) for v in raw]

    def year_lock(self, carbon: str, year: int) -> YearLock:
        """Whether the enterprise may still change `year`: what EnterpriseCarbon asks before
        every submission, invalidation and rectification."""
        functions = self.singleton("CarbonVerification").functions
        frozen, rectifiable, state = self.call(functions.lockOf(carbon, year), f"lock of {year}")
        return YearLock(frozen, rectifiable, VerificationState(state))

    def rejections(self, carbon: str, year: int) -> list[Rejection]:
        """Every passing verdict the regulator took back, oldest first."""
        functions = self.singleton("CarbonVerification").functions
        raw = self.call(functions.rejections(carbon, year), f"rejections of {year}")
        return [Rejection.decode(r) for r in raw]

    # -- quota and compliance --------------------------------------------------------------------

    def compliance_cycle(self, year: int) -> ComplianceCycle:
        functions = self.singleton("Compliance").functions
        return ComplianceCycle.decode(self.call(functions.cycle(year), f"cycle of {year}"))

    def compliance(self, carbon: str, year: int) -> ComplianceEntry:
        functions = self.singleton("Compliance").functions
        raw = self.call(functions.compliance(carbon, year), f"compliance of {year}")
        return ComplianceEntry.decode(raw)

    def notified(self, year: int) -> list[str]:
        """The enterprises notified for `year`, in order of notice."""
        functions = self.singleton("Compliance").functions
        return self.pages(
            lambda offset, limit: functions.notifiedPage(year, offset, limit),
            f"notices of {year}",
        )

    def compliance_positions(
        self, year: int, enterprises: Sequence[str] | None = None
    ) -> list["CompliancePosition"]:
        """Where each enterprise notified for `year` (or each of `enterprises`) stands: its
        profile, cycle entry, live and frozen status, verification and quota, read in two
        batched round trips after the list of notices."""
        carbons = list(self.notified(year) if enterprises is None else enterprises)
        compliance = self.manifest.address("Compliance")
        verification = self.manifest.address("CarbonVerification")
        quota = self.manifest.address("CarbonQuota")
        requests: list[Request] = []
        for carbon in carbons:
            requests += [
                self.eth_call("EnterpriseCarbon", carbon, "profile", [], None),
                self.eth_call("Compliance", compliance, "compliance", [carbon, year], None),
                self.eth_call("Compliance", compliance, "status", [carbon, year], None),
                self.eth_call(
                    "CarbonVerification", verification, "verification", [carbon, year], None
                ),
                self.eth_call("CarbonQuota", quota, "allocation", [carbon, year], None),
            ]
        answers = self.batch(requests)
        found = []
        for n, carbon in enumerate(carbons):
            profile, entry, status, summary, allocation = answers[5 * n : 5 * n + 5]
            live, frozen = self.decode_all("Compliance", "status", status)
            found.append(
                CompliancePosition(
                    carbon=carbon,
                    profile=Profile.decode(self.decode("EnterpriseCarbon", "profile", profile)),
                    entry=ComplianceEntry.decode(self.decode("Compliance", "compliance", entry)),
                    live=ComplianceStatus(live),
                    frozen=ComplianceStatus(frozen),
                    verification=VerificationSummary.decode(
                        self.decode("CarbonVerification", "verification", summary)
                    ),
                    allocation=QuotaAllocation.decode(
                        self.decode("CarbonQuota", "allocation", allocation)
                    ),
                )
            )
        balances = self.batch(
            [
                self.eth_call("CarbonQuota", quota, "balanceOf", [p.allocation.account], None)
                for p in found
            ]
        )
        return [
            replace(p, balance=self.decode("CarbonQuota", "balanceOf", b))
            for p, b in zip(found, balances, strict=True)
        ]

    def series_list(self) -> list[str]:
        """Every series the index knows, e.g. `GB_01_factor`."""
        return list(self.call(self.index.functions.seriesList(), "seriesList"))

    def series_history(self, series: str) -> list[str]:
        """Every name of `series` in the index, oldest first."""
        index = self.index.functions
        return self.pages(
            lambda offset, limit: index.seriesHistoryPage(series, offset, limit),
            f"history of {series}",
        )

    def assignments(self, agency: str | None = None) -> list[tuple[str, int, str]]:
        """(EnterpriseCarbon, year, agency) of every assignment, oldest first; only `agency`'s
        when given (read from the AgencyAssigned events)."""
        event = self.singleton("CarbonVerification").events.AgencyAssigned()
        filters = {"agency": Web3.to_checksum_address(agency)} if agency else {}
        logs = event.get_logs(from_block=0, argument_filters=filters)
        return [
            (log["args"]["enterprise"], log["args"]["year"], log["args"]["agency"]) for log in logs
        ]

    def agencies(self) -> list[str]:
        """Every agency the registry has known, in the order it was approved."""
        functions = self.singleton("VerifierRegistry").functions
        return list(self.call(functions.agencies(), "agencies"))

    def agency(self, agency: str) -> Agency:
        functions = self.singleton("VerifierRegistry").functions
        return Agency.decode(self.call(functions.agencyInfo(agency), f"agency {agency}"))

    def agency_history(self, agency: str) -> list[StatusChange]:
        functions = self.singleton("VerifierRegistry").functions
        raw = self.call(functions.statusHistory(agency), f"history of agency {agency}")
        return [StatusChange.decode(change) for change in raw]

    def agency_status(self, agency: str) -> AgencyStatus:
        functions = self.singleton("VerifierRegistry").functions
        return AgencyStatus(self.call(functions.statusOf(agency), "agency status"))

    # -- documents -------------------------------------------------------------------------------

    def status_of(self, data_layer: str, digest: str) -> EntryStatus:
        functions = self.contract("DataLayer", data_layer).functions
        return EntryStatus(self.call(functions.statusOf(bytes.fromhex(digest[2:])), "statusOf"))

    def entry(self, data_layer: str, digest: str) -> Entry:
        """Entry `digest` of `data_layer`."""
        functions = self.contract("DataLayer", data_layer).functions
        try:
            raw = self.call(functions.entry(bytes.fromhex(digest.removeprefix("0x"))), "entry")
        except RevertError as exc:
            raise NotDeployedError(f"DataLayer {data_layer} has no entry {digest}") from exc
        return Entry.decode(raw)

    def keep(self, digest: str, data: bytes) -> str | None:
        """Caches `data` as document `digest` if it hashes to it; else returns what it hashes to."""
        actual = sha256_hex(data)
        if actual != digest:
            return actual
        self.documents[digest] = data
        return None

    def document(self, data_layer: str, digest: str) -> bytes:
        """The bytes of entry `digest` of `data_layer`, checked against the digest."""
        digest = digest.lower()
        if digest in self.documents:
            return self.documents[digest]
        entry = self.entry(data_layer, digest)
        data = self._fetch(data_layer, digest, entry)
        actual = self.keep(digest, data)
        if actual is not None:
            raise DigestMismatchError(
                f"DataLayer {data_layer} entry {digest}: fetched bytes hash to {actual}"
            )
        if self.store is not None:
            self.store.put(data)
        return data

    def invalidations(self, carbon: str, year: int, to_block: int | None = None) -> dict[int, str]:
        """Why each invalidated record of `year` was invalidated, by record index: the reason of
        its `RecordInvalidated` event. One eth_getLogs; a record is invalidated at most once."""
        (answer,) = self.batch([invalidations_request(carbon, year, to_block)])
        if "error" in answer:
            raise ChainError(f"the node refused the RecordInvalidated logs: {answer['error']}")
        return invalidation_reasons(answer["result"])

    def _fetch(self, data_layer: str, digest: str, entry: Entry) -> bytes:
        if entry.mode is StorageMode.STATE:
            return join_chunks([self.w3.eth.get_code(chunk) for chunk in entry.chunks])
        if entry.mode is StorageMode.LOG:
            return self._from_log(data_layer, digest, entry.block_number)
        if self.store is None:
            raise StoreError(
                f"entry {digest} keeps only its digest on chain and no store is configured"
            )
        return self.store.get(digest)

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
        return log_content(logs[0]["data"])

    # -- readers of encrypted documents (KeyDirectory) ----------------------------------------

    def regulators(self) -> list[str]:
        """Every account holding the regulator role of the KeyDirectory now (from its
        RoleGranted logs): the readers every encrypted enterprise document is sealed for."""
        directory = self.singleton("KeyDirectory")
        granted = directory.events.RoleGranted().get_logs(
            from_block=0, argument_filters={"role": ROLES["REGULATOR"]}
        )
        accounts = list(dict.fromkeys(log["args"]["account"] for log in granted))
        return [
            a for a in accounts if self.has_role("KeyDirectory", directory.address, "REGULATOR", a)
        ]

    def grants(self, carbon: str, reader: str) -> dict[str, bytes]:
        """The data keys wrapped for `reader` of `carbon`'s encrypted documents, by document
        digest (the KeyDirectory's AccessGranted events; the latest grant of a document wins)."""
        directory = self.manifest.address("KeyDirectory")
        (answer,) = self.batch([grants_request(directory, carbon, reader, None)])
        if "error" in answer:
            raise ChainError(f"the node refused the AccessGranted logs: {answer['error']}")
        return granted_keys(answer["result"])

    def is_revoked(self, carbon: str, reader: str) -> bool:
        """Whether `reader`'s access to `carbon`'s documents is revoked (no further grants)."""
        functions = self.singleton("KeyDirectory").functions
        return bool(self.call(functions.isRevoked(carbon, reader), "isRevoked"))


def invalidations_request(carbon: str, year: int, to_block: int | None) -> Request:
    """The eth_getLogs of an enterprise-year's `RecordInvalidated` events (up to `to_block`)."""
    return (
        "eth_getLogs",
        [
            {
                "address": Web3.to_checksum_address(carbon),
                "fromBlock": "0x0",
                "toBlock": "latest" if to_block is None else hex(to_block),
                "topics": [INVALIDATED_TOPIC, "0x" + year.to_bytes(32, "big").hex()],
            }
        ],
    )


def invalidation_reasons(logs: list[dict[str, Any]]) -> dict[int, str]:
    """Record index -> reason, from the JSON-RPC logs `invalidations_request` asks for."""
    return {
        int(log["topics"][2], 16): abi_decode.decode(["string"], bytes.fromhex(log["data"][2:]))[0]
        for log in logs
    }


def log_content(data: str | bytes) -> bytes:
    """The document of an `EntryContent(bytes32 indexed, bytes)` log from its data field."""
    raw = bytes.fromhex(data[2:]) if isinstance(data, str) else bytes(data)
    length = int.from_bytes(raw[32:64], "big")
    return raw[64 : 64 + length]


ACCESS_GRANTED_TOPIC = (
    "0x" + keccak(text="AccessGranted(address,address,bytes32,address,bytes)").hex()
)


def grants_request(directory: str, carbon: str, reader: str, to_block: int | None) -> Request:
    """The eth_getLogs of the grants to `reader` of `carbon`'s documents (up to `to_block`)."""
    return (
        "eth_getLogs",
        [
            {
                "address": Web3.to_checksum_address(directory),
                "fromBlock": "0x0",
                "toBlock": "latest" if to_block is None else hex(to_block),
                "topics": [ACCESS_GRANTED_TOPIC, _topic(carbon), _topic(reader)],
            }
        ],
    )


def granted_keys(logs: list[dict[str, Any]]) -> dict[str, bytes]:
    """Document digest -> wrapped key, from the logs `grants_request` asks for."""
    found = {}
    for log in logs:
        _grantor, wrapped = abi_decode.decode(["address", "bytes"], bytes.fromhex(log["data"][2:]))
        found[log["topics"][3].lower()] = bytes(wrapped)
    return found


def _topic(address: str) -> str:
    return "0x" + "00" * 12 + address.lower().removeprefix("0x")


def _encode_arguments(types: Sequence[str], args: Sequence[Any]) -> bytes:
    """The ABI encoding of a call's arguments; unsigned integers, addresses and 32-byte words
    (every argument of the bulk reads) a word at a time, the rest by eth_abi."""
    words = []
    for abi_type, value in zip(types, args, strict=True):
        if abi_type.startswith("uint") and type(value) is int and 0 <= value < _bound(abi_type):
            words.append(value.to_bytes(32, "big"))
        elif abi_type == "address" and isinstance(value, str) and len(value) == 42:
            words.append(bytes(12) + bytes.fromhex(value[2:]))
        elif abi_type == "bytes32" and isinstance(value, bytes) and len(value) == 32:
            words.append(value)
        elif abi_type == "bytes32[]" and len(types) == 1 and all(_word32(v) for v in value):
            words += [(32).to_bytes(32, "big"), len(value).to_bytes(32, "big"), *map(bytes, value)]
        else:
            return encode(types, list(args))
    return b"".join(words)


def _bound(uint_type: str) -> int:
    return 1 << int(uint_type[4:] or 256)


def _word32(value: Any) -> bool:
    return isinstance(value, bytes) and len(value) == 32
