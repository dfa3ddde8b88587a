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
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from web3.contract import Contract

from offchain.calc import calculator, plausibility, standards
from offchain.calc.calculator import CalculationResult
from offchain.calc.plausibility import DuplicatePeriodError, ImplausibleValueError, Period
from offchain.chain import bindings
from offchain.chain.bindings import (
    EntryStatus,
    Record,
    StandardsSet,
    StorageMode,
    VerificationState,
)
from offchain.chain.reader import ENTRY_CONTENT_TOPIC, ChainReader, log_content
from offchain.chain.revert import RevertError
from offchain.chain.transact import Transactor
from offchain.core import crypto, documents
from offchain.core.store import DocumentStore
from offchain.errors import (
    CalculationError,
    CarbonError,
    DocumentError,
    FormulaSyntaxError,
    SandboxError,
)

# Small documents go into an event log (about 41 gas per byte); larger ones keep only their
# digest on chain and their bytes in the content-addressed store.
LOG_LIMIT = 16 * 1024

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


class EnterpriseBackend:
    """Submits an enterprise's records: `writer` stores entries, `admin` submits records."""

    def __init__(
        self,
        reader: ChainReader,
        tx: Transactor,
        store: DocumentStore,
        writer: LocalAccount,
        admin: LocalAccount,
    ) -> None:
        self.reader = reader
        self.tx = tx
        self.store = store
        self.writer = writer
        self.admin = admin

    # -- looking things up -----------------------------------------------------------------

    def recipients(self, addresses: Sequence[str]) -> dict[str, bytes]:
        """The published public key of every recipient, or an error naming the one without."""
        return dict(self.reader.public_key(address) for address in addresses)

    # -- the submission --------------------------------------------------------------------

    def submit(self, submission: Submission, progress: Progress = lambda _: None) -> Outcome:
        """Stores evidence and activity data, computes, and submits the record (idempotent)."""
        prepared = self.prepare(submission, progress)
        index, created = self._ensure_record(prepared)
        progress("record submitted" if created else "record already on chain")
        return prepared.outcome(index, created)

    def prepare(self, submission: Submission, progress: Progress = lambda _: None) -> "Prepared":
        """Everything but the record: checks, calculation, evidence and activity data stored.

        Nothing is written before every check has passed: the final activity document and its
        digest are known before the first transaction.
        """
        origin = str(submission.activity)
        if not submission.title.strip():
            raise EnterpriseError("the title is empty; a record needs a title (--title)")
        if not 1900 <= submission.year <= 9999:
            raise EnterpriseError(f"--year {submission.year} is not a year")
        if submission.month is not None and submission.month not in plausibility.MONTHS:
            raise EnterpriseError(f"--month {submission.month} is not a month (1-12)")
        contracts = self.reader.enterprise(submission.credit_code)
        carbon = self.reader.contract("EnterpriseCarbon", contracts.carbon)
        layer = self.reader.contract("DataLayer", contracts.data_layer)
        self._require_roles(submission.credit_code, carbon, layer)
        require_open_year(
            self.reader,
            submission.credit_code,
            carbon.address,
            submission.year,
            rectifying=submission.replaces is not None,
        )
        activity = documents.load_file(submission.activity, "activity")
        plausibility.check_period(activity, submission.year, submission.month, origin)
        recipients = self.recipients(self._readers(submission.encrypt_for))
        evidence = [self._seal(path, recipients) for path in submission.evidence]
        _check_self_measured_evidence(activity, evidence, submission.activity)
        rectification = self._rectification(carbon, submission, recipients)
        chosen = standards.from_chain(
            self.reader,
            self.reader.profile(carbon.address).industry_code,
            pinned=_pins(activity, submission.pinned),
        )
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
        digest = documents.sha256_hex(document)
        self._check_period_is_free(carbon, layer, submission, activity, digest)
        progress("checked")

        for doc in [*evidence, *rectification]:
            self._ensure_entry(layer, doc, ())
        progress("evidence stored")
        stored = StoredDocument(submission.activity.name, digest, digest, False, document)
        self._ensure_entry(layer, stored, [d.digest for d in [*evidence, *rectification]])
        self.reader.keep(digest, document)  # later submissions of the year read it from here
        progress("activity data stored")
        return Prepared(submission, carbon, digest, result, chosen, evidence, rectification)

    def _check_period_is_free(
        self,
        carbon: Contract,
        layer: Contract,
        submission: Submission,
        activity: dict[str, Any],
        digest: str,
    ) -> None:
        """No other valid record of the year may cover the document's period. A submission whose
        record is already on chain (a retry: valid or since invalidated) adds nothing and is not
        judged again; the record a rectification replaces does not count."""
        new = plausibility.period_of(activity, submission.year, submission.aggregated)
        records = self.reader.records(carbon.address, submission.year)
        if any(r.data == digest for r in records):
            return
        others = [r for r in records if r.valid and r.index != submission.replaces]
        periods = year_periods(self.reader, layer.address, submission.year, others)
        clash = plausibility.overlapping(new, periods.items())
        if clash:
            listed = ", ".join(f"#{i} ({periods[i].describe()})" for i in clash)
            raise DuplicatePeriodError(
                f"{submission.activity}: key 'period' ({new.describe()}) is already covered by "
                f"valid record {listed} of {submission.credit_code}; rectify or invalidate it "
                "first"
            )

    def record_fields(
        self, prepared: "Prepared", result_micro: int | None = None
    ) -> bindings.RecordSubmission:
        """The EnterpriseCarbon.Submission of a prepared record (its standards set registered)."""
        submission = prepared.submission
        return bindings.RecordSubmission(
            year=submission.year,
            data=prepared.data,
            title=submission.title,
            result=prepared.result.total_micro_tonnes() if result_micro is None else result_micro,
            standards_set=standards_set_id(self.reader, self.tx, self.admin, prepared.chosen),
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
        sealed = self._seal(submission.rectification_evidence, recipients)
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

    def _readers(self, extra: Sequence[str]) -> list[str]:
        """Encryption recipients: those asked for and, when there are any, the writer itself."""
        return [*extra, self.writer.address] if extra else []

    def _require_roles(self, code: str, carbon: Contract, layer: Contract) -> None:
        for kind, contract, role, account, what in (
            ("DataLayer", layer, "DATA_WRITER", self.writer, "store its documents"),
            ("EnterpriseCarbon", carbon, "ENTERPRISE_ADMIN", self.admin, "submit its records"),
        ):
            if not self.reader.has_role(kind, contract.address, role, account.address):
                raise EnterpriseError(
                    f"{account.address} lacks {role} of {code} ({kind} {contract.address}) "
                    f"and cannot {what}"
                )

    def _seal(self, path: Path, recipients: dict[str, bytes]) -> StoredDocument:
        plain = _read_evidence(path)
        plain_digest = documents.sha256_hex(plain)
        if not recipients:
            return StoredDocument(path.name, plain_digest, plain_digest, False, plain)
        # Deterministic per (writer, plaintext, readers): a retry yields the same envelope.
        seed = hashlib.sha256(
            bytes(self.writer.key)
            + bytes.fromhex(plain_digest[2:])
            + "".join(sorted(recipients)).encode()
        ).digest()
        envelope = crypto.encrypt(plain, recipients, seed=seed)
        return StoredDocument(
            path.name, documents.sha256_hex(envelope), plain_digest, True, envelope
        )

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
    lock = reader.year_lock(carbon, year)
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


def standards_set_id(
    reader: ChainReader, tx: Transactor, admin: LocalAccount, chosen: standards.StandardSet
) -> int:
    """The index's id of the set of revisions `chosen` pins, registered by `admin` if new."""
    refs = chosen.refs
    pinned = StandardsSet(
        refs["factor"].name,
        refs["factor"].revision,
        refs["formula"].name,
        refs["formula"].revision,
        refs["calculate"].name,
        refs["calculate"].revision,
    )
    if reader.standards_set_id(pinned) == 0:
        call = reader.index.functions.registerStandardsSet(pinned.encode())
        tx.send(admin, call, "registering the standards set")
    return reader.standards_set_id(pinned)


def year_periods(
    reader: ChainReader, layer: str, year: int, records: Sequence[Record]
) -> dict[int, Period]:
    """The period of each record's activity document, by record index.

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


def _pins(activity: dict[str, Any], pinned: Sequence[str]) -> list[str]:
    """Names pinned on the command line, else those the activity document names."""
    if pinned:
        return list(pinned)
    named = activity.get("standards", {})
    return [named[k] for k in ("factors", "formulas", "code") if named.get(k)]


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
