"""The offline verifier: an enterprise-year recomputed from nothing but the chain and the store.

For every valid record of the year it takes the exact factor, formula and code revisions the
record pins, the activity document and its evidence (decrypted when encrypted, with the key
given: the agency's through the grants the enterprise made it, or the regulator's as a
recipient; without such a key an encrypted record fails as "cannot verify"), checks every
digest, recomputes the record in the sandbox and compares the result with the chain's exactly,
in micro-tonnes. Aggregated records are compared with the sum of what they
aggregate; self-measured factors must cite verified evidence. Every finding is a `Check`; the
only exceptions are an unknown enterprise and an unreachable node.

Reads are batched (`reads`); all records that share a standards set go through one sandbox call,
across all the enterprise-years `verify_many` is given. Given more than one worker,
`verify_many` splits the enterprise-years into contiguous shares, one per process: this process
verifies the first, forked processes the others, each with its own connection and caches; the
reports come back in the order asked.
"""

import gc
import multiprocessing
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from offchain.calc import calculator
from offchain.calc.calculator import CalculationResult
from offchain.calc.sandbox import DEFAULT_LIMITS, Limits
from offchain.chain.bindings import Device
from offchain.chain.reader import ChainReader
from offchain.errors import CalculationError
from offchain.ingest.devices import registered as registered_devices
from offchain.verify.checks import Job, YearAudit
from offchain.verify.evidence import EvidenceJudge
from offchain.verify.reads import YearReads
from offchain.verify.report import VerificationReport
from offchain.verify.standards import Standards, StandardsSets

BATCH_DOCUMENTS = 400  # documents per sandbox call: well inside its time and memory limits
# Below this many enterprise-years per worker, starting a process costs more than it saves.
MIN_SHARE = 100


def useful_workers(count: int) -> int:
    """Processes worth using for `count` enterprise-years on this machine."""
    return max(1, min(os.cpu_count() or 1, count // MIN_SHARE))


class Verifier:
    """Verifies enterprise-years; caches documents and standards across them."""

    def __init__(
        self,
        reader: ChainReader,
        agency_key: bytes | None = None,
        limits: Limits = DEFAULT_LIMITS,
        whole_year: bool = False,
    ) -> None:
        """With `whole_year`, a year with months no valid record covers fails
        `year.completeness`; without, it is judged as reported so far (a warning)."""
        self.whole_year = whole_year
        self.reader = reader
        self.evidence = EvidenceJudge(reader.documents, agency_key)
        self.reads = YearReads(reader, self.evidence.agency)
        self.standards = StandardsSets(self.reads)
        self.limits = limits
        self._registered: dict[str, Mapping[str, Device]] = {}

    @property
    def agency(self) -> str | None:
        """The address whose key opens encrypted documents, if a key was given."""
        return self.evidence.agency

    def _devices(self, credit_code: str) -> Mapping[str, Device]:
        """The meters `credit_code` registered (read only for months closed from readings)."""
        if credit_code not in self._registered:
            self._registered[credit_code] = registered_devices(self.reader, credit_code)
        return self._registered[credit_code]

    def verify(self, credit_code: str, year: int) -> VerificationReport:
        return self.verify_many([(credit_code, year)])[0]

    def verify_many(
        self, items: Sequence[tuple[str, int]], workers: int = 1
    ) -> list[VerificationReport]:
        """Verifies several enterprise-years with shared batches, caches and sandbox calls, on
        up to `workers` processes."""
        with _collector_paused():
            return self._verify_shares(_shares(list(items), max(1, min(workers, len(items)))))

    def _verify_shares(self, shares: list[list[tuple[str, int]]]) -> list[VerificationReport]:
        if len(shares) == 1:
            return self._verify_together(shares[0])
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(shares) - 1, mp_context=context) as pool:
            others = [
                pool.submit(
                    _verify_share,
                    self.reader.url,
                    self.reader.manifest,
                    self.reader.store,
                    share,
                    self.evidence.agency_key,
                    self.limits,
                    self.whole_year,
                )
                for share in shares[1:]
            ]
            reports = self._verify_together(shares[0])
            for future in others:
                reports += future.result()
        return reports

    def _verify_together(self, items: Sequence[tuple[str, int]]) -> list[VerificationReport]:
        started, trips = time.perf_counter(), self.reader.round_trips
        years = self.reads.fetch(items)
        audits = [
            YearAudit(
                y,
                self.reader.documents,
                self.standards,
                self.evidence,
                self.whole_year,
                self._devices,
            )
            for y in years
        ]
        for audit in audits:
            audit.prepare()
        self._recompute([job for audit in audits for job in audit.jobs])
        seconds = time.perf_counter() - started
        trips = self.reader.round_trips - trips
        return [
            audit.finish(trips, seconds / len(audits), len(audits), self.agency) for audit in audits
        ]

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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while verifying: the verification makes few cycles but
    millions of objects, and every full collection walks the whole heap (at 10,000
    enterprise-years, several seconds). Frozen first, what exists already is left out of later
    collections too, and a forked worker does not copy the parent's memory just by
    collecting it."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def _shares(items: list[tuple[str, int]], count: int) -> list[list[tuple[str, int]]]:
    """`items` cut into `count` contiguous shares whose sizes differ by at most one."""
    size, extra = divmod(len(items), count)
    bounds = [k * size + min(k, extra) for k in range(count + 1)]
    return [items[bounds[k] : bounds[k + 1]] for k in range(count)]


def _verify_share(
    url: str,
    manifest: Any,
    store: Any,
    items: list[tuple[str, int]],
    agency_key: bytes | None,
    limits: Limits,
    whole_year: bool,
) -> list[VerificationReport]:
    """One worker process's share: a reader and verifier of its own (a forked connection
    cannot be shared)."""
    verifier = Verifier(ChainReader(url, manifest, store), agency_key, limits, whole_year)
    return verifier._verify_together(items)
