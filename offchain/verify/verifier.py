"""The offline verifier: an enterprise-year recomputed from nothing but the chain and the store.

For every valid record of the year it takes the exact factor, formula and code revisions the
record pins, the activity document and its evidence (decrypted when encrypted for the agency's
key), checks every digest, recomputes the record in the sandbox and compares the result with
the chain's exactly, in micro-tonnes. Aggregated records are compared with the sum of what they
aggregate; self-measured factors must cite verified evidence. Every finding is a `Check`; the
only exceptions are an unknown enterprise and an unreachable node.

Reads are batched (`verify_reads`); all records that share a standards set go through one
sandbox call, across all the enterprise-years `verify_many` is given.
"""

import json
import time
from collections.abc import Sequence
from typing import Any

from offchain.calc import calculator
from offchain.calc.calculator import CalculationResult
from offchain.calc.sandbox import DEFAULT_LIMITS, Limits
from offchain.chain.reader import ChainReader
from offchain.core import crypto
from offchain.core.documents import load
from offchain.core.names import parse_index_name
from offchain.core.store import DocumentStore
from offchain.errors import CalculationError, CarbonError, DigestMismatchError, NotARecipientError
from offchain.verify.checks import Job, Standards, Verdict, YearAudit
from offchain.verify.reads import ChainReads, Standard, YearData
from offchain.verify.report import VerificationReport

KINDS = (("factor", "factor-library"), ("formula", "formula-library"), ("calculate", None))
BATCH_DOCUMENTS = 400  # documents per sandbox call: well inside its time and memory limits


class _Refused(str):
    """Why a standard's document cannot be used (distinct from the code, which is text)."""


class Verifier:
    """Verifies enterprise-years; caches documents and standards across them."""

    def __init__(
        self,
        reader: ChainReader,
        store: DocumentStore | None,
        agency_key: bytes | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.reads = ChainReads(reader.w3, reader.manifest, store)
        self.agency_key = agency_key
        self.agency = (
            crypto.address_of_public_key(crypto.public_key_of(agency_key)) if agency_key else None
        )
        self.limits = limits
        self._standards: dict[int, Standards | str] = {}
        self._parsed: dict[str, Any] = {}
        self._verdicts: dict[tuple[str, str, bool, str | None], Verdict] = {}

    def verify(self, credit_code: str, year: int) -> VerificationReport:
        return self.verify_many([(credit_code, year)])[0]

    def verify_many(self, items: Sequence[tuple[str, int]]) -> list[VerificationReport]:
        """Verifies several enterprise-years with shared batches, caches and sandbox calls."""
        started, trips = time.perf_counter(), self.reads.rpc.round_trips
        years = self.reads.fetch(items)
        audits = [YearAudit(self, y) for y in years]
        for audit in audits:
            audit.prepare()
        self._recompute([job for audit in audits for job in audit.jobs])
        seconds = time.perf_counter() - started
        trips = self.reads.rpc.round_trips - trips
        return [audit.finish(trips, seconds / len(audits), len(audits)) for audit in audits]

    # -- standards and recomputation -------------------------------------------------------

    def standards(self, set_id: int) -> Standards | str:
        """Standards set `set_id` parsed, or why it cannot be used."""
        if set_id in self._standards:
            return self._standards[set_id]
        refs = self.reads.sets.get(set_id)
        if refs is None:
            return f"standards set {set_id} does not resolve: {self.reads.set_errors.get(set_id)}"
        parts = []
        for ref, (kind, schema) in zip(refs, KINDS, strict=True):
            parsed = self._parse(ref, kind, schema)
            if isinstance(parsed, _Refused):
                return parsed  # not cached: a store that was missing a document may get it
            parts.append(parsed)
        chosen = Standards(parts[0], parts[1], parts[2], refs)
        self._standards[set_id] = chosen
        return chosen

    def _parse(self, ref: Standard, kind: str, schema: str | None) -> Any:
        if ref.document in self._parsed:
            return self._parsed[ref.document]
        data = self.reads.standard_document(ref)
        if isinstance(data, str):
            return _Refused(
                f"{kind} {ref.name} revision {ref.revision}, document {ref.document}: {data}"
            )
        try:
            parsed = load(data, schema, ref.name) if schema else data.decode("utf-8")
        except (CarbonError, UnicodeDecodeError) as exc:
            return _Refused(f"{kind} {ref.name} revision {ref.revision}: {exc}")
        if parse_index_name(ref.name).kind != kind:
            return _Refused(f"standards set names {ref.name} as its {kind}")
        self._parsed[ref.document] = parsed
        return parsed

    def _recompute(self, jobs: list[Job]) -> None:
        groups: dict[int, list[Job]] = {}
        for job in jobs:
            if job.document is not None and job.standards is not None:
                groups.setdefault(job.record.standards_set, []).append(job)
        for group in groups.values():
            s = group[0].standards
            assert s is not None
            for start in range(0, len(group), BATCH_DOCUMENTS):
                chunk = group[start : start + BATCH_DOCUMENTS]
                documents = [job.document for job in chunk]
                try:
                    answers = calculator.calculate_batch(
                        s.factors, s.formulas, s.code, documents, self.limits
                    )
                except CalculationError:
                    # The whole call failed (a limit, or the libraries): one document at a time.
                    answers = [self._one(s, job.document) for job in chunk]
                for job, answer in zip(chunk, answers, strict=True):
                    job.result = answer

    def _one(self, s: Standards, document: Any) -> CalculationResult | CalculationError:
        try:
            return calculator.calculate(s.factors, s.formulas, s.code, document, self.limits)
        except CalculationError as exc:
            return exc

    # -- evidence --------------------------------------------------------------------------

    def evidence_verdict(self, y: YearData, info: dict[str, Any]) -> Verdict:
        """(status, reason) of one extrainfo entry's content, whatever record lists it."""
        digest = info["datalayerhash"]
        key = (y.layer, digest, bool(info.get("encrypted")), info.get("sha256"))
        if key not in self._verdicts:
            self._verdicts[key] = self._evidence(y, digest, info)
        return self._verdicts[key]

    def _evidence(self, y: YearData, digest: str, info: dict[str, Any]) -> Verdict:
        if digest in y.entry_errors:
            return "fail", y.entry_errors[digest]
        entry = y.entries.get(digest)
        if entry is None:
            return "fail", f"the DataLayer entry {digest} was not read"
        if entry.status != "Completed":
            return "fail", f"its DataLayer entry {digest} is {entry.status}, not Completed"
        if digest in y.content_errors or digest not in self.reads.documents:
            why = y.content_errors.get(digest, "its bytes were not found")
            return "fail", f"{entry.mode} entry {digest}: {why}"
        data = self.reads.documents[digest]
        where = f"{entry.mode} entry {digest}, {len(data):,} bytes, Completed, hashes to its digest"
        if not info.get("encrypted"):
            return "pass", where
        return self._encrypted(data, info, where)

    def _encrypted(self, data: bytes, info: dict[str, Any], where: str) -> Verdict:
        plain = info.get("sha256")
        if plain is None:
            return (
                "fail",
                f"{where}, but extrainfo marks it encrypted without the plaintext's sha256",
            )
        try:
            committed = json.loads(data)["plaintext_sha256"]
        except (ValueError, KeyError, TypeError):
            return "fail", f"{where}, but it is marked encrypted and is not an envelope"
        if committed != plain:
            return "fail", f"the envelope commits to plaintext {committed}, extrainfo says {plain}"
        if self.agency_key is None:
            return "warning", f"encrypted, not readable with the key given (no key); {where}"
        try:
            crypto.decrypt(data, self.agency_key)
        except NotARecipientError:
            return "warning", (
                f"encrypted, not readable with the key given ({self.agency} is not a recipient); "
                f"{where}"
            )
        except (CarbonError, DigestMismatchError) as exc:
            return "fail", f"decrypting with the key of {self.agency}: {exc}"
        return "pass", f"{where}; decrypted with the key of {self.agency}, plaintext sha256 {plain}"
