"""The checks of one enterprise-year: what each record's data, document, standards, evidence,
recomputation and aggregation came to, with a reason that names the record and the digest."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from offchain.calc import plausibility
from offchain.calc.calculator import CalculationResult
from offchain.chain.bindings import Device, EntryStatus, Record, StorageMode
from offchain.core import crypto, equipment
from offchain.core.documents import load
from offchain.core.names import parse_index_name
from offchain.core.units import AmountError, to_micro, tonnes
from offchain.errors import CalculationError, CarbonError
from offchain.ingest import check as readings_check
from offchain.verify.evidence import EvidenceJudge, Finding, UnreadableError
from offchain.verify.reads import YearData
from offchain.verify.report import Check, VerificationReport
from offchain.verify.standards import Standards, StandardsSets


@dataclass
class Job:
    """One valid record on its way through the checks."""

    record: Record
    subject: str
    checks: list[Check] = field(default_factory=list)
    document: dict[str, Any] | None = None
    standards: Standards | None = None
    result: CalculationResult | CalculationError | None = None
    evidence: dict[str, Finding] = field(default_factory=dict)  # datalayerhash/sha256 -> verdict

    def add(self, check_id: str, status: str, reason: str, subject: str | None = None) -> None:
        self.checks.append(Check(check_id, status, subject or self.subject, reason))


class YearAudit:
    """The checks of one enterprise-year, before and after the shared recomputation.

    It is given what it judges: the year's reads, the checked documents, the parsed standards
    sets and the judge of evidence. With `whole_year`, months that no valid record covers fail
    `year.completeness`; without, the year is judged as reported so far and they are a warning.
    Months reported twice fail either way.
    """

    def __init__(
        self,
        y: YearData,
        documents: Mapping[str, bytes],
        standards: StandardsSets,
        evidence: EvidenceJudge,
        whole_year: bool = False,
        devices: Callable[[str], Mapping[str, Device]] | None = None,
    ) -> None:
        """`devices` gives an enterprise's registered meters by credit code, for the months
        closed from signed readings."""
        self.y = y
        self.devices = devices
        self.documents = documents
        self.standards = standards
        self.evidence = evidence
        self.whole_year = whole_year
        self.head: list[Check] = []
        self.per_record: dict[int, list[Check]] = {}
        self.tail: list[Check] = []
        self.jobs: list[Job] = []
        self.recomputed: dict[int, int] = {}

    def prepare(self) -> None:
        y = self.y
        if y.error is not None:
            self.head.append(Check("enterprise.profile", "fail", y.credit_code, y.error))
            return
        self._profile()
        valid = [r for r in y.records if r.valid]
        n_agg = sum(r.aggregated for r in valid)
        self.head.append(
            Check(
                "year.records",
                "pass" if valid else "fail",
                f"{y.credit_code} {y.year}",
                f"{len(y.records)} records: {len(valid)} valid ({len(valid) - n_agg} "
                f"non-aggregated, {n_agg} aggregated), {len(y.records) - len(valid)} invalid"
                + ("" if valid else "; nothing to verify"),
            )
        )
        for record in y.records:
            job = Job(record, f"{y.year}#{record.index}")
            self.per_record[record.index] = job.checks
            if not record.valid:
                self._invalid(job)
                continue
            try:
                self._record(job)
            except (CarbonError, ValueError, KeyError, TypeError) as exc:
                job.add("record.data", "fail", f"unexpected: {exc}")
                continue
            self.jobs.append(job)

    def _profile(self) -> None:
        p, y = self.y.profile, self.y
        assert p is not None
        problems = []
        if p.credit_code != y.credit_code:
            problems.append(f"the profile names credit code {p.credit_code!r}")
        if p.data_layer != y.layer:
            problems.append(f"the profile names DataLayer {p.data_layer}, not {y.layer}")
        reason = "; ".join(problems) or (
            f"{p.name}, industry {p.industry_code}, EnterpriseCarbon {y.carbon}, "
            f"DataLayer {y.layer}"
        )
        self.head.append(
            Check("enterprise.profile", "fail" if problems else "pass", y.credit_code, reason)
        )

    def _invalid(self, job: Job) -> None:
        r = job.record
        by = [x.index for x in self.y.records if x.replaced_index == r.index]
        why = f"rectified by #{by[0]}" if by else "invalidated"
        reason = self.y.invalidations.get(r.index)
        if reason is not None and not (by and reason == "rectified"):
            why += f", reason: {reason!r}"
        elif reason is None:
            why += f", reason unknown ({self.y.invalidations_error or 'no RecordInvalidated log'})"
        job.add(
            "record.validity",
            "pass",
            f"invalid ({why}): listed, not recomputed; it recorded {tonnes(r.result)} tCO2e",
        )

    # -- before the recomputation ----------------------------------------------------------

    def _record(self, job: Job) -> None:
        r = job.record
        data, data_verdict = self._data(job)
        document_verdict = None
        if data is not None:
            job.document, document_verdict = self._document(job, data)
        job.add("record.data", *data_verdict)
        if document_verdict is not None:
            job.add("record.document", *document_verdict)
        chosen = self.standards.get(r.standards_set)
        if isinstance(chosen, str):
            job.add("record.standards", "fail", chosen)
        else:
            self._standards(job, chosen)
        if r.replaces:
            self._rectification(job)
        if job.document is not None:
            self._equipment(job, job.document)
        for info in (job.document or {}).get("extrainfo", []):
            self._evidence(job, info)
        if job.document is not None and readings_check.listed_files(job.document):
            self._readings(job, job.document)

    def _readings(self, job: Job, document: dict[str, Any]) -> None:
        """`record.meter-readings`: a month closed from signed meter readings (docs/ingest.md):
        every signature recovers a device the enterprise registered, the Merkle root and the
        count recompute."""
        listed = readings_check.listed_files(document)
        files = []
        for kind in (readings_check.READINGS_KIND, readings_check.ROOT_KIND):
            digest = listed.get(kind, {}).get("datalayerhash")
            data = self.documents.get(digest) if digest else None
            if data is not None and crypto.is_envelope(data):
                try:
                    data, _ = self.evidence.open(self.y, digest, data)
                except CarbonError as exc:
                    job.add("record.meter-readings", "fail", f"cannot read the {kind} file: {exc}")
                    return
            if data is None:
                job.add("record.meter-readings", "fail", f"the {kind} file was not found")
                return
            files.append(data)
        if self.devices is None:
            job.add("record.meter-readings", "warning", "no device registry to check against")
            return
        code = self.y.credit_code
        findings = readings_check.check_month(document, *files, code, self.devices(code))
        count = files[0].count(b"\n")
        job.add(
            "record.meter-readings",
            "fail" if findings else "pass",
            "; ".join(str(f) for f in findings[:5])
            or f"{count} readings, each signed by a registered device; the Merkle root recomputes",
        )

    def _data(self, job: Job) -> tuple[bytes | None, Finding]:
        y, r = self.y, job.record
        if r.data in y.entry_errors:
            return None, ("fail", f"activity data: {y.entry_errors[r.data]}")
        entry = y.entries[r.data]
        if entry.status is not EntryStatus.COMPLETED:
            return None, ("fail", f"activity entry {r.data} is {entry.status}, not Completed")
        data = self.documents.get(r.data)
        if data is None:
            why = y.content_errors.get(r.data, "its bytes were not found")
            where = f" in block {entry.block_number}" if entry.mode is StorageMode.LOG else ""
            return None, ("fail", f"activity document {r.data} ({entry.mode}{where}): {why}")
        return data, (
            "pass",
            f"activity document {r.data} ({entry.mode}, {len(data):,} bytes) is Completed and "
            "hashes to its digest",
        )

    def _document(self, job: Job, data: bytes) -> tuple[dict[str, Any] | None, Finding]:
        digest, opened = job.record.data, ""
        if crypto.is_envelope(data):
            try:
                data, how = self.evidence.open(self.y, digest, data)
            except UnreadableError as exc:
                why = f"cannot verify: the activity document {digest} is {exc}"
                return None, ("fail", why)
            except CarbonError as exc:
                return None, ("fail", f"activity document {digest}: {exc}")
            opened = f"; encrypted, {how}"
        try:
            document = load(data, "activity", f"activity document {digest}")
        except CarbonError as exc:
            return None, ("fail", str(exc))
        job.subject = f"{self.y.year}#{job.record.index} '{document['title']}'"
        period = document.get("period", {}).get("year", self.y.year)
        if period != self.y.year:
            why = f"the document's period is {period}, the record is filed under {self.y.year}"
            return None, ("fail", why)
        return document, (
            "pass",
            f"strict JSON, valid against the activity schema, {len(document['records'])} "
            f"activity records{opened}",
        )

    def _standards(self, job: Job, chosen: Standards) -> None:
        problems = []
        named = (job.document or {}).get("standards", {})
        for ref, key in zip(chosen.refs, ("factors", "formulas", "code"), strict=True):
            if named.get(key, ref.name) != ref.name:
                problems.append(f"the document names {named[key]} but the record pins {ref.name}")
        industry = parse_index_name(chosen.refs[0].name).industry
        if industry != self._industry():
            problems.append(
                f"{chosen.refs[0].name} is for industry {industry}, the enterprise is in "
                f"{self._industry()}"
            )
        set_id = job.record.standards_set
        if problems:
            job.add("record.standards", "fail", f"set {set_id}: " + "; ".join(problems))
            return
        job.standards = chosen
        job.add(
            "record.standards",
            "pass",
            f"set {set_id}: {chosen.describe()}; every document hashes to its digest",
        )

    def _equipment(self, job: Job, document: dict[str, Any]) -> None:
        """`record.equipment`: who emitted what and how it was reported, when the document
        says (seed 001 §1.5); its references must hold."""
        if "equipment" not in document and "source" not in document:
            return
        found = equipment.problems(document)
        status = "fail" if found else "pass"
        job.add("record.equipment", status, "; ".join(found) or equipment.describe(document))

    def _rectification(self, job: Job) -> None:
        y, r = self.y, job.record
        replaced = r.replaces - 1
        problems = []
        if replaced >= len(y.records) or y.records[replaced].valid:
            problems.append(f"the record it replaces, #{replaced}, is not an invalid record")
        evidence = r.rectification_evidence
        if evidence is None:
            problems.append("it links no rectification evidence")
        elif evidence in y.entry_errors:
            problems.append(y.entry_errors[evidence])
        elif y.entries[evidence].status is not EntryStatus.COMPLETED:
            status = y.entries[evidence].status
            problems.append(f"its rectification evidence {evidence} is {status}, not Completed")
        reason = "; ".join(problems) or (
            f"replaces #{replaced}; rectification evidence {evidence} is Completed"
        )
        job.add("record.rectification", "fail" if problems else "pass", reason)

    def _evidence(self, job: Job, info: dict[str, Any]) -> None:
        digest = info["datalayerhash"]
        entry = self.y.entries.get(job.record.data)
        if entry is not None and digest not in entry.dependencies:
            verdict = (
                "fail",
                f"{digest} is listed in extrainfo but is not a dependency of the activity entry "
                f"{job.record.data}: the chain does not tie it to this record",
            )
        else:
            verdict = self.evidence.judge(self.y, info)
        job.evidence[digest] = verdict
        if info.get("sha256"):
            job.evidence.setdefault(info["sha256"], verdict)
        job.add("record.evidence", *verdict, subject=f"{job.subject} evidence {info['name']}")

    # -- after the recomputation -----------------------------------------------------------

    def _industry(self) -> str:
        return self.y.profile.industry_code if self.y.profile else ""

    def finish(
        self, trips: int, seconds: float, shared: int, agency: str | None
    ) -> VerificationReport:
        for job in self.jobs:
            self._compare(job)
        self._aggregation()
        valid = [r for r in self.y.records if r.valid and not r.aggregated]
        submitted = sum(r.result for r in valid)
        recomputed = sum(self.recomputed.get(r.index, 0) for r in valid)
        if self.y.error is None and any(r.valid for r in self.y.records):
            self.tail.append(self._completeness())
        if self.y.error is None and valid:
            missing = [f"#{r.index}" for r in valid if r.index not in self.recomputed]
            ok = not missing and recomputed == submitted
            self.tail.append(
                Check(
                    "year.total",
                    "pass" if ok else "fail",
                    f"{self.y.credit_code} {self.y.year}",
                    f"{len(valid)} valid non-aggregated records: recomputed {tonnes(recomputed)} "
                    f"tCO2e, submitted {tonnes(submitted)} tCO2e"
                    + (f"; not recomputed: {', '.join(missing)}" if missing else ""),
                )
            )
        checks = self.head + [c for i in sorted(self.per_record) for c in self.per_record[i]]
        return VerificationReport(
            self.y.credit_code,
            self.y.year,
            checks + self.tail,
            recomputed,
            submitted,
            trips,
            seconds,
            _profile_fields(self.y),
            self.y.block,
            agency,
            shared,
        )

    def _completeness(self) -> Check:
        """`year.completeness`: every month covered once by the valid non-aggregated records (an
        annual one covers them all), and no period reported twice (aggregated records apart)."""
        y = self.y
        subject = f"{y.credit_code} {y.year}"
        read = {j.record.index: j.document for j in self.jobs}
        periods, unknown = [], []
        for r in (r for r in y.records if r.valid):
            document = read.get(r.index)
            if document is None:
                unknown.append(f"#{r.index}")
            else:
                periods.append((r.index, plausibility.period_of(document, y.year, r.aggregated)))
        found = plausibility.completeness(periods)
        problems = [
            f"{period} is reported by valid records {', '.join(f'#{i}' for i in indexes)}"
            for period, indexes in found.duplicated.items()
        ]
        notes = [f"period unknown (document unreadable): {', '.join(unknown)}"] if unknown else []
        aggregated = sum(1 for _, p in periods if p.aggregated)
        covered = (
            f"months {plausibility.months_text(found.covered)} covered"
            if found.covered
            else "no month covered"
        )
        summary = f"{covered} by valid non-aggregated records; {aggregated} aggregated record(s)"
        if found.missing:
            missing = (
                f"months {plausibility.months_text(found.missing)} of {y.year} have no valid record"
            )
            if self.whole_year or problems:
                problems.append(missing)
            else:
                return Check(
                    "year.completeness",
                    "warning",
                    subject,
                    "; ".join([f"{missing} (judged as reported so far)", summary, *notes]),
                )
        if problems:
            return Check("year.completeness", "fail", subject, "; ".join([*problems, *notes]))
        return Check(
            "year.completeness",
            "pass",
            subject,
            "; ".join([f"{summary}, each once", *notes]),
        )

    def _compare(self, job: Job) -> None:
        r, result = job.record, job.result
        if result is None:
            return
        if isinstance(result, CalculationError):
            job.add("record.recompute", "fail", f"the pinned code refuses it: {result}")
            return
        try:
            micro = result.total_micro_tonnes()
        except CalculationError as exc:
            job.add("record.recompute", "fail", str(exc))
            return
        self.recomputed[r.index] = micro
        problem = plausibility.range_problem(result.total, result.items)
        if problem is not None:
            job.add("record.range", "fail", problem)
        assert job.standards is not None and job.document is not None
        declared = _declared(job.document)
        computed = f"recomputed {tonnes(micro)} tCO2e ({micro} µt) with {job.standards.describe()}"
        if micro == r.result:
            job.add("record.recompute", "pass", f"{computed}: equal to the chain")
        else:
            reason = (
                f"{computed}, but the chain records {tonnes(r.result)} tCO2e ({r.result} µt): "
                f"differs by {r.result - micro:+} µt"
            )
            if declared == r.result:
                reason += (
                    "; the document's own total agrees with the chain, so the record was computed "
                    "with other factors, formulas or code than the ones it pins"
                )
            elif declared == micro:
                reason += "; the document's own total agrees with the recomputation, not the chain"
            job.add("record.recompute", "fail", reason)
        if declared is not None:
            job.add(
                "record.declared-total",
                "pass" if declared == r.result else "fail",
                f"the document declares {tonnes(declared)} tCO2e, the chain records "
                f"{tonnes(r.result)} tCO2e",
            )
        job.add(
            "record.self-measured-flag",
            "pass" if bool(result.self_measured) == r.self_measured else "fail",
            f"the record is flagged {'with' if r.self_measured else 'without'} self-measured "
            f"factors; the document has {len(result.self_measured)} record(s) with them",
        )
        self._measured(job, result)
        for warning in result.warnings:
            job.add("record.calculator-warning", "warning", warning)

    def _measured(self, job: Job, result: CalculationResult) -> None:
        cited: dict[str | None, list[str]] = {}
        for m in result.self_measured:
            where = f"{m.get('record')}" + (f".items[{m['item']}]" if "item" in m else "")
            symbols = ",".join(m.get("values", {}))
            cited.setdefault(m.get("evidence"), []).append(f"{where} ({symbols})")
        for evidence, where in cited.items():
            records = f"activity record(s) {', '.join(where)}"
            if evidence is None:
                status, reason = "warning", f"self-measured factors of {records} cite no evidence"
            elif evidence.lower() not in job.evidence:
                status = "fail"
                reason = (
                    f"self-measured factors of {records} cite evidence {evidence}, "
                    "which no extrainfo entry lists (by datalayerhash or sha256)"
                )
            else:
                status, why = job.evidence[evidence.lower()]
                reason = f"self-measured factors of {records} cite {evidence}: {why}"
            job.add("record.self-measured-evidence", status, reason)

    def _aggregation(self) -> None:
        valid = [r for r in self.y.records if r.valid]
        parts = [r for r in valid if not r.aggregated]
        total = sum(r.result for r in parts)
        allowance = len(parts)
        for job in (j for j in self.jobs if j.record.aggregated):
            diff = job.record.result - total
            stated = (
                f"records {tonnes(job.record.result)} tCO2e; the {len(parts)} valid "
                f"non-aggregated records sum to {tonnes(total)} tCO2e; differs by {diff:+} µt"
            )
            rounding = (
                f"the allowance of {allowance} µt (each document's total is rounded once to six "
                "decimals, so up to one µt per aggregated record)"
            )
            if diff == 0:
                job.add("record.aggregation", "pass", f"{stated}: equal")
            elif abs(diff) <= allowance:
                job.add("record.aggregation", "pass", f"{stated}, within {rounding}")
            else:
                job.add("record.aggregation", "fail", f"{stated}, more than {rounding}")


def _declared(document: dict[str, Any]) -> int | None:
    total = document.get("total")
    if total is None:
        return None
    try:
        return to_micro(Decimal(total))
    except (AmountError, InvalidOperation):
        return None


def _profile_fields(y: YearData) -> dict[str, Any]:
    p = y.profile
    if p is None:
        return {}
    return {
        "name": p.name,
        "credit_code": p.credit_code,
        "region": p.region,
        "data_layer": p.data_layer,
        "industry": p.industry_code,
    }
