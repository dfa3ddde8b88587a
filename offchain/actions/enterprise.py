"""The enterprise backend: evidence into the store and the DataLayer, emissions computed from the
chain's own standards, and the record submitted with the exact versions used.

`submit` checks everything it can before the first transaction (the enterprise, the signers'
roles, the title, the activity document and its period, the evidence files, the recipients' keys,
the calculation and its plausibility rules, that the result fits the chain, and that no other
valid record of the year covers the same period), so bad input leaves nothing behind. Every
step then looks at the chain before it writes: an entry that exists is not stored again, a
record that exists is not submitted again. Encryption is derived
from the writer's key and the plaintext, so a retry produces the same envelope and the same
digest. Running the same submission again, after a crash or a node restart, finishes the job
without a second record or a second copy of anything.

An encrypted submission (`Submission.encrypted`, the backend's `encrypt_by_default`, or readers
named in `encrypt_for`) seals the activity document and every evidence file for the enterprise
(its writer and admin), the regulator and the readers named; outsiders see digests, the result
in micro-tonnes and the flags. A reader added later (the agency, once assigned) is given access
with `grant_access`: each document's data key wrapped for its key, on chain in the KeyDirectory,
the documents and records unchanged. There is no annual report separate from the records in
this backend: the annual aggregated record's activity document is sealed like any other.
"""

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3
from web3._utils.method_formatters import receipt_formatter
from web3.contract import Contract
from web3.datastructures import AttributeDict

from offchain.calc import calculator, plausibility, standards
from offchain.calc.calculator import CalculationResult
from offchain.calc.plausibility import DuplicatePeriodError, ImplausibleValueError, Period
from offchain.chain import bindings
from offchain.chain.bindings import (
    ROLES,
    EnterpriseContracts,
    EntryStatus,
    Profile,
    Record,
    Revision,
    StandardsSet,
    StorageMode,
    VerificationState,
)
from offchain.chain.reader import (
    ENTRY_CONTENT_TOPIC,
    PAGE,
    ChainReader,
    Request,
    StandardRef,
    YearLock,
    log_content,
)
from offchain.chain.revert import RevertError
from offchain.chain.transact import Transactor
from offchain.core import crypto, documents, equipment
from offchain.core.names import CONTRACT_OF_KIND, parse_index_name, series_of
from offchain.core.store import DocumentStore
from offchain.errors import (
    CalculationError,
    CarbonError,
    ChainError,
    DocumentError,
    FormulaSyntaxError,
    NotARecipientError,
    NotDeployedError,
    SandboxError,
)

# Small documents go into an event log (about 41 gas per byte); larger ones keep only their
# digest on chain and their bytes in the content-addressed store.
LOG_LIMIT = 16 * 1024
RECEIPT_POLL = 0.1  # seconds between looks for a receipt (a dev node mines within this)
RECORD_SUBMITTED_TOPIC = keccak(
    text="RecordSubmitted(uint16,uint32,bytes32,string,uint64,uint32,address)"
)

Progress = Callable[[str], None]
_ONE_MESSAGE_ERRORS = (
    CalculationError,
    ImplausibleValueError,
    FormulaSyntaxError,
    SandboxError,
)


class EnterpriseError(CarbonError):
    """The enterprise, a signer or an input does not allow the submission."""


class MissingReasonError(EnterpriseError):
    """An invalidation without a reason: the reason is what the record's readers are shown."""


@dataclass(frozen=True)
class Submission:
    """What `carbon enterprise submit` asks for."""

    credit_code: str
    year: int
    title: str
    activity: Path
    evidence: Sequence[Path] = ()
    encrypt_for: Sequence[str] = ()
    pinned: Sequence[str] = ()
    aggregated: bool = False
    # A rectification (整改): the record of the same year it replaces, and the evidence of why.
    replaces: int | None = None
    rectification_evidence: Path | None = None
    # The month filed for (a monthly record): the document's period must name it.
    month: int | None = None
    # Sealed for the enterprise and the regulator (both must have published keys), whether or
    # not further readers are named in `encrypt_for`.
    encrypted: bool = False


@dataclass(frozen=True)
class StoredDocument:
    """A document as the DataLayer keeps it: its digest, and the plaintext's if encrypted."""

    name: str
    digest: str
    plaintext_sha256: str
    encrypted: bool
    data: bytes = field(repr=False)

    def extrainfo(self, kind: str) -> dict[str, Any]:
        entry = {"name": self.name, "datalayerhash": self.digest, "kind": kind}
        if self.encrypted:
            entry.update({"encrypted": True, "sha256": self.plaintext_sha256})
        return entry


@dataclass(frozen=True)
class Prepared:
    """A submission checked, computed and stored, waiting for its record."""

    submission: Submission
    carbon: Contract
    data: str
    result: CalculationResult
    chosen: standards.StandardSet
    evidence: Sequence[StoredDocument]
    rectification: Sequence[StoredDocument]
    encrypted: bool = False

    def outcome(self, index: int, created: bool) -> "Outcome":
        """What this submission left on chain once its record is record `index` of the year."""
        return Outcome(
            self.submission.credit_code,
            self.submission.year,
            index,
            self.data,
            self.result,
            self.chosen.provenance(),
            [d.extrainfo("evidence") for d in self.evidence],
            created,
            self.encrypted,
        )


@dataclass(frozen=True)
class Outcome:
    """What a submission left on chain."""

    credit_code: str
    year: int
    index: int
    data: str
    result: CalculationResult
    standards: dict[str, Any]
    evidence: list[dict[str, Any]]
    created: bool
    encrypted: bool = False


@dataclass(frozen=True)
class _Checked:
    """A submission checked and computed, nothing written yet."""

    prepared: Prepared
    layer: Contract
    activity: StoredDocument  # the activity document as stored (sealed when encrypted)
    existing: tuple[int, int] | None  # (year, index) of its record when already on chain
    one_transaction: bool  # the EnterpriseCarbon stores the documents itself
    period: Period  # the period its activity document covers


@dataclass(frozen=True)
class _View:
    """What a submission checks on chain, read in one round trip."""

    roles: tuple[bool, ...]  # admin is ENTERPRISE_ADMIN, carbon and writer are DATA_WRITER
    lock: YearLock
    records: list[Record]  # of the year
    standards: standards.StandardSet


class _StandardsLookup:
    """The standards of `industry` (latest, except the kinds `pins` name) in batched reads:
    the index's entry of each, and the latest revision of the library found there last time
    (`libraries`, by pinned name or series) in the same round trip; a library that changed
    costs one more."""

    def __init__(
        self,
        reader: ChainReader,
        industry: str,
        pins: Sequence[str],
        libraries: dict[str, str],
        prefix: str = "GB",
    ) -> None:
        self.reader = reader
        self.libraries = libraries
        names: dict[str, str | None] = dict.fromkeys(standards.KINDS)
        for name in pins:
            parsed = parse_index_name(name)
            if parsed.kind != "calculate" and parsed.industry != industry:
                raise CarbonError(f"--at {name} is for industry {parsed.industry}, not {industry}")
            names[parsed.kind] = name
        index = reader.manifest.address("CarbonIndex")
        self.keys = {k: names[k] or series_of(prefix, industry, k) for k in standards.KINDS}
        self.pinned = names
        self.requests: list[Request] = []
        for kind in standards.KINDS:
            name = names[kind]
            if name:
                self.requests.append(reader.eth_call("CarbonIndex", index, "resolve", [name], None))
            else:
                series = self.keys[kind]
                self.requests.append(
                    reader.eth_call("CarbonIndex", index, "latest", [series], None)
                )
        # Speculative: the latest revision of each library found there last time.
        self.guessed = [k for k in standards.KINDS if self.keys[k] in libraries]
        self.requests += [
            reader.eth_call(CONTRACT_OF_KIND[k], libraries[self.keys[k]], "latest", [], None)
            for k in self.guessed
        ]

    def standards(self, answers: Sequence[dict[str, Any]]) -> standards.StandardSet:
        """The set, from the answers to `requests` (and one more round trip if needed)."""
        r, kinds = self.reader, standards.KINDS
        found: dict[str, tuple[str, str]] = {}
        for kind, answer in zip(kinds, answers[: len(kinds)], strict=True):
            name = self.pinned[kind]
            try:
                if name:
                    found[kind] = (name, r.decode("CarbonIndex", "resolve", answer))
                else:
                    found[kind] = r.decode_all("CarbonIndex", "latest", answer)
            except RevertError as exc:
                what = f"standard named {name!r}" if name else f"series {self.keys[kind]!r}"
                raise NotDeployedError(f"the index has no {what}") from exc
        latest = dict(zip(self.guessed, answers[len(kinds) :], strict=True))
        stale = [k for k in kinds if self.libraries.get(self.keys[k]) != found[k][1]]
        if stale:
            fresh = r.batch(
                [r.eth_call(CONTRACT_OF_KIND[k], found[k][1], "latest", [], None) for k in stale]
            )
            latest.update(zip(stale, fresh, strict=True))
        refs: dict[str, StandardRef] = {}
        for kind in kinds:
            name, address = found[kind]
            try:
                revision, raw = r.decode_all(CONTRACT_OF_KIND[kind], "latest", latest[kind])
            except RevertError as exc:
                raise NotDeployedError(f"{name} has no revision") from exc
            rev = Revision.decode(raw)
            refs[kind] = StandardRef(
                name, address, revision, rev.version, rev.document, rev.data_layer
            )
            self.libraries[self.keys[kind]] = address
        factors, formulas, code = (r.document(refs[k].data_layer, refs[k].document) for k in kinds)
        try:
            text = code.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                f"{refs['calculate'].name}: calculation code is not UTF-8 text"
            ) from exc
        return standards.StandardSet(
            documents.load(factors, "factor-library", refs["factor"].name),
            documents.load(formulas, "formula-library", refs["formula"].name),
            text,
            refs,
        )


class EnterpriseBackend:
    """Submits an enterprise's records: `writer` stores entries, `admin` submits records.

    With `encrypt_by_default` every submission is sealed as if `Submission.encrypted` were set:
    the enterprise's own setting for its confidential data."""

    def __init__(
        self,
        reader: ChainReader,
        tx: Transactor,
        store: DocumentStore,
        writer: LocalAccount,
        admin: LocalAccount,
        encrypt_by_default: bool = False,
    ) -> None:
        self.reader = reader
        self.tx = tx
        self.store = store
        self.writer = writer
        self.admin = admin
        self.encrypt_by_default = encrypt_by_default
        # What never changes once on chain, asked once per backend: enterprises' addresses by
        # credit code, standards sets' ids, and the last industry and libraries seen (checked
        # again on every submission, in the same round trip as the rest).
        self._enterprises: dict[str, EnterpriseContracts] = {}
        self._set_ids: dict[tuple[Any, ...], int] = {}
        self._industries: dict[str, str] = {}
        self._libraries: dict[str, str] = {}  # index name -> library address

    # -- looking things up -----------------------------------------------------------------

    def recipients(self, addresses: Sequence[str]) -> dict[str, bytes]:
        """The published public key of every recipient, or an error naming the one without."""
        return dict(self.reader.public_key(address) for address in addresses)

    # -- the submission --------------------------------------------------------------------

    def submit(self, submission: Submission, progress: Progress = lambda _: None) -> Outcome:
        """Stores evidence and activity data, computes, and submits the record (idempotent).

        When the enterprise's EnterpriseCarbon may write its DataLayer (every enterprise the
        factory onboards now; the regulator grants it to older ones) the documents and the record
        go in one transaction from the admin (`submitWithData`), else, and for a rectification,
        in steps: each entry from the writer, then the record."""
        checked = self._check(submission, progress)
        if checked.one_transaction and not checked.prepared.rectification:
            [(index, created)] = self._submit_at_once([checked], progress)
        else:
            self._store_entries(checked, progress)
            index, created = self._ensure_record(checked.prepared)
        progress("record submitted" if created else "record already on chain")
        return checked.prepared.outcome(index, created)

    def submit_batch(
        self, submissions: Sequence[Submission], progress: Progress = lambda _: None
    ) -> list[Outcome]:
        """Many records of one enterprise (e.g. a year's backlog of months) and all their
        documents in one `submitWithData` transaction (idempotent: records already on chain are
        left out, and a retry sends only what is missing). Each is checked as `submit` checks it,
        and no two of them may cover the same period; nothing is sent unless all pass."""
        if not submissions:
            raise EnterpriseError("a batch needs at least one activity document")
        codes = {s.credit_code for s in submissions}
        if len(codes) != 1:
            raise EnterpriseError(
                f"a batch is one enterprise's records, not those of {', '.join(sorted(codes))}"
            )
        if any(s.replaces is not None for s in submissions):
            raise EnterpriseError(
                "a rectification is submitted on its own (carbon enterprise rectify)"
            )
        batch = [self._check(s, lambda _: None) for s in submissions]
        code = submissions[0].credit_code
        if not batch[0].one_transaction:
            raise EnterpriseError(
                f"{code}'s EnterpriseCarbon may not write its DataLayer, so its records cannot be "
                "submitted in one transaction; the regulator grants it DATA_WRITER once "
                f"(carbon enterprise role grant DATA_WRITER {batch[0].prepared.carbon.address})"
            )
        for n, c in enumerate(batch):
            if c.existing is not None:
                continue
            earlier = [(k, o.period) for k, o in enumerate(batch[:n]) if o.existing is None]
            clash = plausibility.overlapping(c.period, earlier)
            if clash:
                raise DuplicatePeriodError(
                    f"{c.prepared.submission.activity}: key 'period' ({c.period.describe()}) is "
                    f"also covered by {batch[clash[0]].prepared.submission.activity} in this batch"
                )
        progress("checked")
        placed = self._submit_at_once(batch, progress)
        progress("records submitted" if any(created for _, created in placed) else "all on chain")
        return [
            c.prepared.outcome(i, created) for c, (i, created) in zip(batch, placed, strict=True)
        ]

    def prepare(self, submission: Submission, progress: Progress = lambda _: None) -> "Prepared":
        """Everything but the record: checks, calculation, evidence and activity data stored
        (each entry by the writer, in its own transactions)."""
        checked = self._check(submission, progress)
        self._store_entries(checked, progress)
        return checked.prepared

    def _check(self, submission: Submission, progress: Progress) -> "_Checked":
        """Checks and calculation, nothing written: the final activity document and its digest
        are known before the first transaction."""
        origin = str(submission.activity)
        if not submission.title.strip():
            raise EnterpriseError("the title is empty; a record needs a title (--title)")
        if not 1900 <= submission.year <= 9999:
            raise EnterpriseError(f"--year {submission.year} is not a year")
        if submission.month is not None and submission.month not in plausibility.MONTHS:
            raise EnterpriseError(f"--month {submission.month} is not a month (1-12)")
        contracts = self._enterprise(submission.credit_code)
        carbon = self.reader.contract("EnterpriseCarbon", contracts.carbon)
        layer = self.reader.contract("DataLayer", contracts.data_layer)
        activity = documents.load_file(submission.activity, "activity")
        pins = _pins(activity, submission.pinned)
        standards.require_one_family(pins)  # a record pins one family (GB, ISO, …)
        view = self._view(carbon.address, layer.address, submission.year, pins)
        one_transaction = self._require_roles(submission.credit_code, carbon, layer, view)
        plausibility.check_period(activity, submission.year, submission.month, origin)
        problems = equipment.problems(activity)
        if problems:
            raise DocumentError(f"{origin}: {'; '.join(problems)}")
        recipients = self._sealed_for(submission, carbon.address)
        evidence = [self._seal_file(path, recipients) for path in submission.evidence]
        _check_self_measured_evidence(activity, evidence, submission.activity)
        rectification = self._rectification(carbon, submission, recipients)
        chosen = view.standards
        activity["standards"] = {
            "factors": chosen.refs["factor"].name,
            "formulas": chosen.refs["formula"].name,
            "code": chosen.refs["calculate"].name,
        }
        try:
            result = calculator.calculate(chosen.factors, chosen.formulas, chosen.code, activity)
        except CalculationError as exc:  # named after the document, of the same class
            kind = type(exc) if type(exc) in _ONE_MESSAGE_ERRORS else CalculationError
            raise kind(f"{origin}: {exc}") from exc
        plausibility.check_range(result.total, result.items, origin)
        document = _final_document(activity, evidence, rectification, result)
        stored = self._seal(submission.activity.name, document, recipients)
        digest = stored.digest
        # A frozen year refuses a change, not a retry. A record of this document in another
        # year cannot be (its period names the year); the contract refuses it if it were.
        existing = next(
            ((submission.year, r.index) for r in view.records if r.data == digest), None
        )
        if existing is None:
            refuse_frozen_year(
                submission.credit_code, submission.year, view.lock, submission.replaces is not None
            )
        self._check_period_is_free(layer, submission, activity, digest, view.records)
        progress("checked")
        prepared = Prepared(
            submission, carbon, digest, result, chosen, evidence, rectification, bool(recipients)
        )
        period = plausibility.period_of(activity, submission.year, submission.aggregated)
        return _Checked(prepared, layer, stored, existing, one_transaction, period)

    def _store_entries(self, checked: "_Checked", progress: Progress) -> None:
        """Each document an entry of its own, stored and completed by the writer."""
        prepared = checked.prepared
        side = [*prepared.evidence, *prepared.rectification]
        for doc in side:
            self._ensure_entry(checked.layer, doc, ())
        progress("evidence stored")
        self._ensure_entry(checked.layer, checked.activity, [d.digest for d in side])
        self.reader.keep(prepared.data, checked.activity.data)
        progress("activity data stored")

    def _submit_at_once(
        self, batch: Sequence["_Checked"], progress: Progress
    ) -> list[tuple[int, bool]]:
        """Documents and records in one `submitWithData` transaction from the admin: each
        record's evidence, then its activity document depending on it. Documents Completed
        already (a retry) are left out, and records already on chain are not sent again.
        (index, created) of each record, in order."""
        todo = [c for c in batch if c.existing is None]
        if not todo:
            return [(c.existing[1], False) for c in batch if c.existing is not None]
        layer, carbon = todo[0].layer, todo[0].prepared.carbon
        documents_: dict[str, tuple[StoredDocument, bindings.DataDocument]] = {}
        for c in todo:
            evidence = list(c.prepared.evidence)
            for doc in evidence:
                documents_.setdefault(doc.digest, (doc, _data_document(doc, ())))
            deps = tuple(d.digest for d in evidence)
            documents_.setdefault(c.activity.digest, (c.activity, _data_document(c.activity, deps)))
        for doc, _ in documents_.values():
            self.store.put(doc.data)
        reads = [
            self.reader.eth_call(
                "DataLayer", layer.address, "statusOf", [bytes.fromhex(d[2:])], None
            )
            for d in documents_
        ]
        # The cached standards-set ids are checked in the same round trip: a registration the
        # chain lost (a reorganisation, a test's snapshot reverted) must not leave records
        # naming a set that does not exist (the contract only refuses set 0).
        sets = {_pinned(c.prepared.chosen) for c in todo}
        index = self.reader.manifest.address("CarbonIndex")
        checks = [
            self.reader.eth_call("CarbonIndex", index, "standardsSetId", [p.encode()], None)
            for p in sets
        ]
        # Documents Completed already are skipped by the contract: the estimate made with all of
        # them bounds the transaction sent without them.
        every = [d.encode() for _, d in documents_.values()]

        def records() -> list[Any]:
            return [
                self.record_fields(c.prepared, standards_set=self._set_id(c.prepared)).encode()
                for c in todo
            ]

        data = carbon.encode_abi("submitWithData", [records(), every])
        unsigned, refusal, answers = self._unsigned(carbon.address, data, [*reads, *checks])
        on_chain = [
            self.reader.decode("CarbonIndex", "standardsSetId", a) for a in answers[len(reads) :]
        ]
        answers = answers[: len(reads)]
        lost = [
            p
            for p, found in zip(sets, on_chain, strict=True)
            if found != self._set_ids.get(_set_key(p))
        ]
        if lost:
            for p in lost:
                self._set_ids.pop(_set_key(p), None)
            data = carbon.encode_abi("submitWithData", [records(), every])
            unsigned, refusal, _ = self._unsigned(carbon.address, data, [])
        statuses = [EntryStatus(self.reader.decode("DataLayer", "statusOf", a)) for a in answers]
        stored = list(zip(documents_.values(), statuses, strict=True))
        for (doc, _), status in stored:
            if status is EntryStatus.CANCELLED:
                raise EnterpriseError(f"{doc.name}: DataLayer entry {doc.digest} was cancelled")
        left = [doc for (doc, _), status in stored if status is EntryStatus.IN_PROGRESS]
        for doc in left:  # left by a submission made in steps that died before completing it
            call = layer.functions.complete(bytes.fromhex(doc.digest[2:]))
            self.tx.send(self.writer, call, f"completing {doc.name}")
        wanted = [d.encode() for (_, d), status in stored if status is EntryStatus.NONE]
        data = carbon.encode_abi("submitWithData", [records(), wanted])
        if left:  # the estimate saw them in progress, and the writer may be the admin
            unsigned, refusal, _ = self._unsigned(carbon.address, data, [])
        if refusal is not None:
            raise RevertError(f"submitting refused: {refusal}")
        unsigned["data"] = data
        progress("sending")
        titles = ", ".join(repr(c.prepared.submission.title) for c in todo)
        receipt = self._send(unsigned, f"submitting {titles}")
        for c in todo:
            self.reader.keep(c.prepared.data, c.activity.data)
        # RecordSubmitted(year, index, data, …): all three indexed, so the receipt names the index.
        found = {
            "0x" + bytes(log["topics"][3]).hex(): int.from_bytes(bytes(log["topics"][2]), "big")
            for log in receipt["logs"]
            if log["address"] == carbon.address
            and len(log["topics"]) == 4
            and bytes(log["topics"][0]) == RECORD_SUBMITTED_TOPIC
        }
        outcomes = []
        for c in batch:
            if c.existing is not None:
                outcomes.append((c.existing[1], False))
            elif c.prepared.data in found:
                outcomes.append((found[c.prepared.data], True))
            else:
                raise RevertError(f"record for {c.prepared.data} not found after submitting it")
        return outcomes

    def _set_id(self, prepared: Prepared) -> int:
        """The standards set's id (registered if new); asked once, checked at every send."""
        key = _set_key(_pinned(prepared.chosen))
        if key not in self._set_ids:
            self._set_ids[key] = standards_set_id(self.reader, self.tx, self.admin, prepared.chosen)
        return self._set_ids[key]

    def _unsigned(
        self, to: str, data: str, reads: Sequence[Request]
    ) -> tuple[dict[str, Any], str | None, list[dict[str, Any]]]:
        """The admin's transaction of `data` to `to`, its gas estimated, nonce and fees read in
        the same round trip as `reads`: the transaction, why the estimate reverted (None when it
        did not: nothing is sent then) and the answers to `reads`."""
        sender = self.admin.address
        call = {"from": sender, "to": to, "data": data}
        extra = [
            ("eth_estimateGas", [call]),
            ("eth_getTransactionCount", [sender, "pending"]),
            ("eth_maxPriorityFeePerGas", []),
            ("eth_getBlockByNumber", ["latest", False]),
            ("eth_chainId", []),
        ]
        answers = self.reader.batch([*reads, *extra])
        estimate, nonce, tip, block, chain = answers[len(reads) :]
        refusal = self.reader.errors.reason_of_answer(estimate) if "error" in estimate else None
        for answer in (nonce, tip, block, chain):
            if "error" in answer:
                raise ChainError(f"the node refused a transaction field: {answer['error']}")
        priority = int(tip["result"], 16)
        unsigned = {
            **call,
            "value": 0,
            "gas": 0 if refusal else int(estimate["result"], 16),
            "nonce": int(nonce["result"], 16),
            "maxPriorityFeePerGas": priority,
            "maxFeePerGas": priority + 2 * int(block["result"]["baseFeePerGas"], 16),
            "chainId": int(chain["result"], 16),
            "type": 2,
        }
        return unsigned, refusal, answers[: len(reads)]

    def _send(self, unsigned: dict[str, Any], label: str) -> Any:
        """Signs and sends the admin's transaction and waits for it, counted by the transactor
        like its own (a round trip to send, one per look for the receipt)."""
        w3 = self.reader.w3
        signed = self.admin.sign_transaction(unsigned)
        tx_hash = "0x" + bytes(signed.hash).hex()
        # The receipt is asked for with the transaction: a node that mines at once (a dev node,
        # or a fast one) answers both in one round trip; else it is polled for.
        sent, mined = self.reader.batch(
            [
                ("eth_sendRawTransaction", ["0x" + bytes(signed.raw_transaction).hex()]),
                ("eth_getTransactionReceipt", [tx_hash]),
            ]
        )
        if "error" in sent:
            raise RevertError(f"{label}: the node refused it ({sent['error'].get('message')})")
        if mined.get("result"):
            # web3's own formatting of a receipt (the one `get_transaction_receipt` applies).
            receipt = AttributeDict.recursive(receipt_formatter(mined["result"]))
        else:  # a block's time at least: look again after a pause, not at once
            time.sleep(RECEIPT_POLL)
            receipt = w3.eth.wait_for_transaction_receipt(
                tx_hash, timeout=120, poll_latency=RECEIPT_POLL
            )
        self.tx.sent += 1
        self.tx.gas_used += receipt["gasUsed"]
        self.tx.receipts.append((label, receipt))
        if receipt["status"] != 1:
            raise RevertError(f"{label}: transaction 0x{bytes(tx_hash).hex()} reverted")
        return receipt

    def _enterprise(self, credit_code: str) -> EnterpriseContracts:
        """The enterprise's contracts; its credit code fixes their addresses, so asked once."""
        if credit_code not in self._enterprises:
            self._enterprises[credit_code] = self.reader.enterprise(credit_code)
        return self._enterprises[credit_code]

    def _view(self, carbon: str, layer: str, year: int, pins: Sequence[str]) -> "_View":
        """What a submission checks, read in one round trip: the signers' roles, the year's
        lock and records, the profile and the standards to calculate with. The standards are
        looked up for the industry the enterprise had last time, with the revision of the
        library found then; a changed industry or a new library costs a round trip more."""
        r = self.reader
        verification = r.manifest.address("CarbonVerification")
        reads = [
            r.eth_call(
                "EnterpriseCarbon",
                carbon,
                "hasRole",
                [ROLES["ENTERPRISE_ADMIN"], self.admin.address],
                None,
            ),
            r.eth_call("DataLayer", layer, "hasRole", [ROLES["DATA_WRITER"], carbon], None),
            r.eth_call(
                "DataLayer", layer, "hasRole", [ROLES["DATA_WRITER"], self.writer.address], None
            ),
            r.eth_call("CarbonVerification", verification, "lockOf", [carbon, year], None),
            r.eth_call("EnterpriseCarbon", carbon, "profile", [], None),
            r.eth_call("EnterpriseCarbon", carbon, "recordsPage", [year, 0, PAGE], None),
        ]
        industry = self._industries.get(carbon)
        lookup = _StandardsLookup(r, industry, pins, self._libraries) if industry else None
        answers = r.batch([*reads, *(lookup.requests if lookup else [])])
        roles = tuple(bool(r.decode("DataLayer", "hasRole", a)) for a in answers[:3])
        frozen, rectifiable, state = r.decode_all("CarbonVerification", "lockOf", answers[3])
        profile = Profile.decode(r.decode("EnterpriseCarbon", "profile", answers[4]))
        page = r.decode("EnterpriseCarbon", "recordsPage", answers[5])
        records = (
            r.records(carbon, year)
            if len(page) == PAGE
            else [Record.decode(raw, index=i) for i, raw in enumerate(page)]
        )
        self._industries[carbon] = profile.industry_code
        if lookup is None or industry != profile.industry_code:
            lookup = _StandardsLookup(r, profile.industry_code, pins, self._libraries)
            answers = [*answers[: len(reads)], *r.batch(lookup.requests)]
        chosen = lookup.standards(answers[len(reads) :])
        lock = YearLock(frozen, rectifiable, VerificationState(state))
        return _View(roles, lock, records, chosen)

    def _check_period_is_free(
        self,
        layer: Contract,
        submission: Submission,
        activity: dict[str, Any],
        digest: str,
        records: Sequence[Record],
    ) -> None:
        """No other valid record of the year may cover the document's period. A submission whose
        record is already on chain (a retry: valid or since invalidated) adds nothing and is not
        judged again; the record a rectification replaces does not count."""
        new = plausibility.period_of(activity, submission.year, submission.aggregated)
        if any(r.data == digest for r in records):
            return
        others = [r for r in records if r.valid and r.index != submission.replaces]
        keys = (bytes(self.writer.key), bytes(self.admin.key))
        periods = year_periods(self.reader, layer.address, submission.year, others, keys)
        clash = plausibility.overlapping(new, periods.items())
        if clash:
            listed = ", ".join(f"#{i} ({periods[i].describe()})" for i in clash)
            raise DuplicatePeriodError(
                f"{submission.activity}: key 'period' ({new.describe()}) is already covered by "
                f"valid record {listed} of {submission.credit_code}; rectify or invalidate it "
                "first"
            )

    def record_fields(
        self,
        prepared: "Prepared",
        result_micro: int | None = None,
        standards_set: int | None = None,
    ) -> bindings.RecordSubmission:
        """The EnterpriseCarbon.Submission of a prepared record (its standards set registered,
        unless its id is given)."""
        submission = prepared.submission
        if standards_set is None:
            standards_set = standards_set_id(self.reader, self.tx, self.admin, prepared.chosen)
        return bindings.RecordSubmission(
            year=submission.year,
            data=prepared.data,
            title=submission.title,
            result=prepared.result.total_micro_tonnes() if result_micro is None else result_micro,
            standards_set=standards_set,
            aggregated=submission.aggregated,
            self_measured=bool(prepared.result.self_measured),
        )

    def _rectification(
        self, carbon: Contract, submission: Submission, recipients: dict[str, bytes]
    ) -> list[StoredDocument]:
        """The sealed rectification evidence, after checking the record it replaces."""
        if submission.replaces is None:
            return []
        if submission.rectification_evidence is None:
            raise EnterpriseError("a rectification needs its evidence (--rectification-evidence)")
        try:
            replaced = self.reader.record(carbon.address, submission.year, submission.replaces)
        except RevertError as exc:
            raise EnterpriseError(
                f"there is no record #{submission.replaces} in {submission.year} to rectify"
            ) from exc
        sealed = self._seal_file(submission.rectification_evidence, recipients)
        if not replaced.valid and not self._already_rectified(
            carbon.address, submission.year, submission.replaces
        ):
            raise EnterpriseError(
                f"record #{submission.replaces} of {submission.year} is already invalid"
            )
        return [sealed]

    def _already_rectified(self, carbon: str, year: int, index: int) -> bool:
        """Whether a valid record of `year` replaces record `index` (a retried rectification)."""
        return any(r.valid and r.replaced_index == index for r in self.reader.records(carbon, year))

    def _sealed_for(self, submission: Submission, carbon: str) -> dict[str, bytes]:
        """The readers an encrypted submission is sealed for, with their published keys: those
        named, the writer, and the enterprise admin and the regulator(s) (who can grant access
        later). Required for all with `encrypted`; with only `encrypt_for`, the admin and the
        regulator are added when they have published keys. None when not encrypted."""
        required = submission.encrypted or self.encrypt_by_default
        if not required and not submission.encrypt_for:
            return {}
        code = submission.credit_code
        for named in submission.encrypt_for:
            if Web3.is_address(named) and self.reader.is_revoked(
                carbon, Web3.to_checksum_address(named)
            ):
                raise EnterpriseError(
                    f"{named}'s access to {code}'s documents is revoked; leave it out of "
                    "--encrypt-for or restore it (carbon enterprise revoke-grant --restore)"
                )
        keys = self.recipients([*submission.encrypt_for, self.writer.address])
        for account in (self.admin.address, *self.reader.regulators()):
            try:
                keys.update([self.reader.public_key(account)])
            except NotDeployedError as exc:
                if required:
                    raise EnterpriseError(
                        f"{code}: encrypted documents are sealed for the enterprise admin and the "
                        f"regulator, but {exc}"
                    ) from exc
        return keys

    def _require_roles(self, code: str, carbon: Contract, layer: Contract, view: "_View") -> bool:
        """Refuses signers without their roles; True when the EnterpriseCarbon may write the
        DataLayer itself (one transaction per submission), when the writer is not needed."""
        admin = self.admin.address
        is_admin, carbon_writes, is_writer = view.roles
        if not is_admin:
            raise EnterpriseError(
                f"{admin} lacks ENTERPRISE_ADMIN of {code} (EnterpriseCarbon {carbon.address}) "
                "and cannot submit its records"
            )
        if not carbon_writes and not is_writer:
            raise EnterpriseError(
                f"{self.writer.address} lacks DATA_WRITER of {code} (DataLayer {layer.address}) "
                "and cannot store its documents"
            )
        return bool(carbon_writes)

    def _seal_file(self, path: Path, recipients: dict[str, bytes]) -> StoredDocument:
        return self._seal(path.name, _read_evidence(path), recipients)

    def _seal(self, name: str, plain: bytes, recipients: dict[str, bytes]) -> StoredDocument:
        plain_digest = documents.sha256_hex(plain)
        if not recipients:
            return StoredDocument(name, plain_digest, plain_digest, False, plain)
        # Deterministic per (writer, plaintext, readers): a retry yields the same envelope.
        seed = hashlib.sha256(
            bytes(self.writer.key)
            + bytes.fromhex(plain_digest[2:])
            + "".join(sorted(recipients)).encode()
        ).digest()
        envelope = crypto.encrypt(plain, recipients, seed=seed)
        return StoredDocument(name, documents.sha256_hex(envelope), plain_digest, True, envelope)

    def _ensure_entry(
        self, layer: Contract, doc: StoredDocument, dependencies: Sequence[str]
    ) -> None:
        self.store.put(doc.data)
        digest = bytes.fromhex(doc.digest[2:])
        status = self.reader.status_of(layer.address, doc.digest)
        if status is EntryStatus.CANCELLED:
            raise EnterpriseError(f"{doc.name}: DataLayer entry {doc.digest} was cancelled")
        if status is EntryStatus.NONE:
            deps = [bytes.fromhex(d[2:]) for d in dependencies]
            if len(doc.data) <= LOG_LIMIT:
                call = layer.functions.storeInLog(doc.data, deps)
            else:
                call = layer.functions.storeDigest(digest, len(doc.data), deps)
            self.tx.send(self.writer, call, f"storing {doc.name}")
        if status in (EntryStatus.NONE, EntryStatus.IN_PROGRESS):
            self.tx.send(self.writer, layer.functions.complete(digest), f"completing {doc.name}")

    def _ensure_record(self, prepared: "Prepared") -> tuple[int, bool]:
        carbon = prepared.carbon
        existing = self.reader.record_of_data(carbon.address, prepared.data)
        if existing is not None:
            return existing[1], False
        fields = self.record_fields(prepared).encode()
        if prepared.rectification:
            evidence = bytes.fromhex(prepared.rectification[0].digest[2:])
            call = carbon.functions.rectify(prepared.submission.replaces, fields, evidence)
        else:
            call = carbon.functions.submit(fields)
        self.tx.send(self.admin, call, f"submitting {prepared.submission.title!r}")
        found = self.reader.record_of_data(carbon.address, prepared.data)
        if found is None:
            raise RevertError(f"record for {prepared.data} not found after submitting it")
        return found[1], True


class YearFrozenError(EnterpriseError):
    """The year is under verification: the enterprise cannot change it now."""


def require_open_year(
    reader: ChainReader, credit_code: str, carbon: str, year: int, rectifying: bool
) -> None:
    """Refuses, before anything is sent, a change the contract would refuse with YearFrozen."""
    refuse_frozen_year(credit_code, year, reader.year_lock(carbon, year), rectifying)


def refuse_frozen_year(credit_code: str, year: int, lock: YearLock, rectifying: bool) -> None:
    """YearFrozenError when `lock` refuses a change (a rectification after a failed verdict is
    the one change a frozen year takes)."""
    if not lock.frozen or (rectifying and lock.rectifiable):
        return
    allowed = (
        "a closed year never changes"
        if lock.state is VerificationState.CLOSED
        else "only a rectification after a failed verdict is allowed"
    )
    raise YearFrozenError(
        f"{credit_code} {year} is frozen (YearFrozen): its verification is {lock.state}; {allowed}"
    )


def invalidate(
    reader: ChainReader,
    tx: Transactor,
    admin: LocalAccount,
    credit_code: str,
    year: int,
    index: int,
    reason: str,
) -> None:
    """Marks record `index` of `year` invalid (enterprise admin); it stays readable.

    The reason is required: it is kept in the `RecordInvalidated` event and shown wherever the
    record is listed. The record must exist and be valid; all is checked before the transaction.
    """
    if not reason.strip():
        raise MissingReasonError(
            f"{credit_code} {year} #{index}: an invalidation needs a reason (--reason)"
        )
    carbon = reader.contract("EnterpriseCarbon", reader.enterprise(credit_code).carbon)
    if not reader.has_role("EnterpriseCarbon", carbon.address, "ENTERPRISE_ADMIN", admin.address):
        raise EnterpriseError(
            f"{admin.address} lacks ENTERPRISE_ADMIN on {credit_code}'s EnterpriseCarbon "
            f"{carbon.address} and cannot invalidate its records"
        )
    require_open_year(reader, credit_code, carbon.address, year, rectifying=False)
    records = reader.records(carbon.address, year)
    if not 0 <= index < len(records):
        raise EnterpriseError(
            f"{credit_code} {year} has no record #{index} (it has {len(records)} records)"
        )
    if not records[index].valid:
        raise EnterpriseError(f"{credit_code} {year} #{index} is already invalid")
    call = carbon.functions.invalidate(year, index, reason)
    tx.send(admin, call, f"invalidating {credit_code} {year} #{index}")


# Grants per transaction: each is one event of about 200 bytes of log data.
GRANTS_PER_TX = 64


class NoReaderKeyError(EnterpriseError):
    """The reader to grant access to has published no key to wrap documents' keys for."""


class NotAGrantorError(EnterpriseError):
    """Only the enterprise admin or the regulator grants or revokes access."""


@dataclass(frozen=True)
class GrantOutcome:
    """What `grant_access` did for one enterprise-year and one reader."""

    credit_code: str
    year: int
    reader: str
    granted: list[str]  # documents whose key was wrapped for the reader now
    readable: int  # encrypted documents it could read already (recipient, or granted before)
    plain: int  # documents stored unencrypted: nothing to grant


def grant_access(
    reader: ChainReader,
    tx: Transactor,
    granter: LocalAccount,
    credit_code: str,
    year: int,
    to: str,
    progress: Progress = lambda _: None,
) -> GrantOutcome:
    """Gives `to` access to every encrypted document of `year`'s records (activity documents,
    evidence, rectification evidence): each data key wrapped for its published key (KeyDirectory,
    else an agency's key in the VerifierRegistry), on chain in KeyDirectory.grantAccess. The
    documents and the records stay as they are. Documents it can read already are skipped, so
    running it again after new submissions grants just those. Enterprise admin or regulator."""
    contracts = reader.enterprise(credit_code)
    _require_grantor(reader, granter, credit_code, contracts.carbon, "grant access")
    address, public = reader_key(reader, to)
    if reader.is_revoked(contracts.carbon, address):
        raise EnterpriseError(
            f"{address}'s access to {credit_code}'s documents is revoked; restore it first "
            "(carbon enterprise revoke-grant --restore)"
        )
    digests = year_documents(reader, contracts.carbon, contracts.data_layer, year)
    if not digests:
        raise EnterpriseError(f"{credit_code} has no records in {year}: nothing to grant")
    granted = reader.grants(contracts.carbon, address)
    wraps: dict[str, bytes] = {}
    readable = plain = 0
    for digest in digests:
        data = reader.document(contracts.data_layer, digest)
        if not crypto.is_envelope(data):
            plain += 1
            continue
        recipients = crypto.recipients_of(data)
        if address in recipients or digest in granted:
            readable += 1
            continue
        try:
            wraps[digest] = crypto.grant(data, bytes(granter.key), address, public)
        except NotARecipientError as exc:
            raise EnterpriseError(
                f"{credit_code} {year}: document {digest} is not encrypted for {granter.address}, "
                f"who cannot pass its key on; one of its readers can ({', '.join(recipients)})"
            ) from exc
    directory = reader.singleton("KeyDirectory").functions
    items = list(wraps.items())
    for start in range(0, len(items), GRANTS_PER_TX):
        chunk = items[start : start + GRANTS_PER_TX]
        call = directory.grantAccess(
            contracts.carbon,
            address,
            [bytes.fromhex(d[2:]) for d, _ in chunk],
            [w for _, w in chunk],
        )
        tx.send(granter, call, f"granting {address} {len(chunk)} documents of {credit_code}")
        progress(f"granted {start + len(chunk)} of {len(items)}")
    return GrantOutcome(credit_code, year, address, list(wraps), readable, plain)


def revoke_access(
    reader: ChainReader,
    tx: Transactor,
    account: LocalAccount,
    credit_code: str,
    of: str,
    restore: bool = False,
) -> str:
    """Revokes (or restores) `of`'s access to the enterprise's documents: no further grants,
    and later submissions refuse to seal for it. What it was given stays readable to it: a key
    once read cannot be taken back. Enterprise admin or regulator. Returns the address."""
    contracts = reader.enterprise(credit_code)
    what = "restore access" if restore else "revoke access"
    _require_grantor(reader, account, credit_code, contracts.carbon, what)
    if not Web3.is_address(of):
        raise EnterpriseError(f"{of!r} is not an Ethereum address")
    address = Web3.to_checksum_address(of)
    if reader.is_revoked(contracts.carbon, address) != restore:
        state = "is not revoked" if restore else "is revoked already"
        raise EnterpriseError(f"{address}'s access to {credit_code}'s documents {state}")
    directory = reader.singleton("KeyDirectory").functions
    call = (directory.restoreAccess if restore else directory.revokeAccess)(
        contracts.carbon, address
    )
    tx.send(account, call, f"{what} of {address} to {credit_code}")
    return address


def reader_key(reader: ChainReader, account: str) -> tuple[str, bytes]:
    """The checksummed address and public key of a reader: its KeyDirectory key, else its key as
    an agency in the VerifierRegistry; NoReaderKeyError naming it when it has neither."""
    if not Web3.is_address(account):
        raise EnterpriseError(f"{account!r} is not an Ethereum address")
    address = Web3.to_checksum_address(account)
    try:
        return reader.public_key(address)
    except NotDeployedError:
        pass
    try:
        agency = reader.agency(address)
    except (RevertError, ChainError):
        agency = None
    if agency is None or not agency.public_key:
        raise NoReaderKeyError(
            f"{address} has published no key (KeyDirectory) and has no agency key in the "
            "VerifierRegistry; it must run `carbon keys publish` first"
        )
    return address, bytes(agency.public_key)


def year_documents(reader: ChainReader, carbon: str, layer: str, year: int) -> list[str]:
    """Every document `year`'s records cite, valid or not: activity documents, the evidence
    they depend on, and rectification evidence."""
    found: list[str] = []
    for r in reader.records(carbon, year):
        found.append(r.data)
        found += reader.entry(layer, r.data).dependencies
        if r.rectification_evidence:
            found.append(r.rectification_evidence)
    return list(dict.fromkeys(found))


def _require_grantor(
    reader: ChainReader, account: LocalAccount, code: str, carbon: str, what: str
) -> None:
    directory = reader.manifest.address("KeyDirectory")
    if reader.has_role("EnterpriseCarbon", carbon, "ENTERPRISE_ADMIN", account.address):
        return
    if reader.has_role("KeyDirectory", directory, "REGULATOR", account.address):
        return
    raise NotAGrantorError(
        f"{account.address} is neither an enterprise admin of {code} nor the regulator, and "
        f"cannot {what} to its documents"
    )


def _pinned(chosen: standards.StandardSet) -> StandardsSet:
    """The revisions `chosen` pins, as the index registers them."""
    refs = chosen.refs
    return StandardsSet(
        refs["factor"].name,
        refs["factor"].revision,
        refs["formula"].name,
        refs["formula"].revision,
        refs["calculate"].name,
        refs["calculate"].revision,
    )


def _set_key(pinned: StandardsSet) -> tuple[Any, ...]:
    return pinned.encode()


def standards_set_id(
    reader: ChainReader, tx: Transactor, admin: LocalAccount, chosen: standards.StandardSet
) -> int:
    """The index's id of the set of revisions `chosen` pins, registered by `admin` if new."""
    pinned = _pinned(chosen)
    if reader.standards_set_id(pinned) == 0:
        call = reader.index.functions.registerStandardsSet(pinned.encode())
        tx.send(admin, call, "registering the standards set")
    return reader.standards_set_id(pinned)


def year_periods(
    reader: ChainReader,
    layer: str,
    year: int,
    records: Sequence[Record],
    keys: Sequence[bytes] = (),
) -> dict[int, Period]:
    """The period of each record's activity document, by record index; an encrypted document is
    opened with the first of `keys` that is one of its recipients'.

    Documents already in the reader's cache (the backend keeps every document it stores) cost
    nothing; the rest are read in two batched round trips whatever their number: their
    DataLayer entries, then the `EntryContent` logs of those kept in a log (one eth_getLogs per
    block), with documents kept only as a digest taken from the content store. A document that
    cannot be read is left out: the verifier reports it.
    """
    wanted = [r for r in records if r.data not in reader.documents]
    if wanted:
        _read_documents(reader, layer, [r.data for r in wanted])
    periods = {}
    for r in records:
        data = reader.documents.get(r.data)
        if data is not None and crypto.is_envelope(data):
            data = _opened(data, keys)
        if data is None:
            continue
        try:
            document = documents.load(data, "activity", f"record #{r.index}")
        except CarbonError:
            continue
        periods[r.index] = plausibility.period_of(document, year, r.aggregated)
    return periods


def _read_documents(reader: ChainReader, layer: str, digests: Sequence[str]) -> None:
    """Reads documents of `layer` into the reader's cache (checked against their digests)."""
    requests = [
        reader.eth_call("DataLayer", layer, "entry", [bytes.fromhex(d[2:])], None) for d in digests
    ]
    logged: dict[int, list[str]] = {}
    for digest, answer in zip(digests, reader.batch(requests), strict=True):
        try:
            entry = bindings.Entry.decode(reader.decode("DataLayer", "entry", answer))
        except CarbonError:
            continue
        if entry.mode is StorageMode.LOG:
            logged.setdefault(entry.block_number, []).append(digest)
        elif entry.mode is StorageMode.DIGEST_ONLY and reader.store is not None:
            try:
                reader.keep(digest, reader.store.get(digest))
            except CarbonError:
                continue
        elif entry.mode is StorageMode.STATE:
            try:
                reader.document(layer, digest)
            except CarbonError:
                continue
    if not logged:
        return
    queries = [
        (
            "eth_getLogs",
            [
                {
                    "address": layer,
                    "fromBlock": hex(block),
                    "toBlock": hex(block),
                    "topics": [ENTRY_CONTENT_TOPIC, wanted],
                }
            ],
        )
        for block, wanted in logged.items()
    ]
    for answer in reader.batch(queries):
        for log in answer.get("result") or []:
            reader.keep(log["topics"][1].lower(), log_content(log["data"]))


def _opened(envelope: bytes, keys: Sequence[bytes]) -> bytes | None:
    for key in keys:
        try:
            return crypto.decrypt(envelope, key)
        except CarbonError:
            continue
    return None


def _pins(activity: dict[str, Any], pinned: Sequence[str]) -> list[str]:
    """Names pinned on the command line, else those the activity document names."""
    if pinned:
        return list(pinned)
    named = activity.get("standards", {})
    return [named[k] for k in ("factors", "formulas", "code") if named.get(k)]


def _data_document(doc: StoredDocument, dependencies: Sequence[str]) -> bindings.DataDocument:
    """A document for `storeCompleted`: in a log when small, else its digest only (the bytes
    are in the content store)."""
    content = doc.data if len(doc.data) <= LOG_LIMIT else b""
    return bindings.DataDocument(doc.digest, len(doc.data), content, tuple(dependencies))


def _read_evidence(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EnterpriseError(f"evidence file {path} cannot be read ({exc.strerror})") from exc
    if not data:
        raise EnterpriseError(f"evidence file {path} is empty")
    return data


def _check_self_measured_evidence(
    activity: dict[str, Any], evidence: Sequence[StoredDocument], origin: Path
) -> None:
    """A self-measured factor's evidence must be one of the evidence files submitted with it."""
    known = {d.digest for d in evidence} | {d.plaintext_sha256 for d in evidence}
    known |= {e.get("datalayerhash") for e in activity.get("extrainfo", [])}
    for i, record in enumerate(activity["records"]):
        ref = record.get("evidence")
        if ref is not None and ref.lower() not in known:
            raise DocumentError(
                f"{origin}: record {i} cites evidence {ref}, which is neither an --evidence file "
                "nor listed in extrainfo"
            )


def _final_document(
    activity: dict[str, Any],
    evidence: Sequence[StoredDocument],
    rectification: Sequence[StoredDocument],
    result: CalculationResult,
) -> bytes:
    """The activity document as stored: evidence listed in extrainfo, the computed total.

    Serialised compactly in the input's key order, so the same input gives the same bytes.
    """
    document = dict(activity)
    listed = {e.get("datalayerhash") for e in document.get("extrainfo", [])}
    added = [d.extrainfo("evidence") for d in evidence]
    added += [d.extrainfo("rectification") for d in rectification]
    document["extrainfo"] = list(document.get("extrainfo", [])) + [
        e for e in added if e["datalayerhash"] not in listed
    ]
    document["total"] = result.to_json()["total"]
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    documents.validate(json.loads(data), "activity", "activity document as stored")
    return data
