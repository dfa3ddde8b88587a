"""The main job's enterprise and verification parts: three sample enterprises of different
industries reporting under the GB standards, and a fourth reporting under the ISO family (ISO
14064-1 / GHG Protocol with IPCC defaults, pinned by its activity document; not in the GB
compliance cycle), each with twelve monthly records and one annual aggregated record, evidence for
every month, one enterprise's activity documents and evidence encrypted for itself and the
regulator; then the regulator assigns the verification agency, that enterprise grants the agency
access to its year's documents (KeyDirectory grants: the documents and records unchanged), and
the agency verifies every enterprise-year. One month of the power grid was keyed in by hand
with a mistyped result: its verification fails, the enterprise rectifies (整改) the month, and the
re-verification passes.

Monthly activity is the industry's sample document scaled by a seasonal profile, so the numbers
are plausible and reproducible; the evidence files (fuel ledgers, purchase invoices, test
reports) are generated next to them in the work folder. Everything goes through the same
backend as `carbon enterprise submit`, so running the demo again adds nothing.
"""

import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount

from offchain.actions.enterprise import EnterpriseBackend, Outcome, Submission, grant_access
from offchain.actions.onboarding import onboard, publish_key
from offchain.actions.verification import VerdictSubmission, Workflow
from offchain.chain.accounts import dev_account
from offchain.chain.bindings import Onboarding, VerificationState
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core import crypto
from offchain.core.credit_code import with_check
from offchain.core.store import DocumentStore
from offchain.paths import SEEDS
from offchain.verify.report import VerificationReport
from offchain.verify.verifier import Verifier

YEAR = 2023
# Load by month: winter heating and summer cooling peaks, spring and autumn troughs.
SEASON = (1.12, 1.05, 0.96, 0.90, 0.93, 1.02, 1.10, 1.11, 0.97, 0.92, 0.95, 1.07)
ACTIVITY_KEYS = (
    "FC",
    "AC",
    "B",
    "AD",
    "P",
    "M",
    "Q",
    "REPrl",
    "EPhs",
    "RECrl",
    "REChs",
    "ELsw",
    "ELsr",
    "ELsc",
    "Elsd",
)


@dataclass(frozen=True)
class SampleEnterprise:
    name: str
    credit_code: str
    industry: str
    region: str
    sample: str
    admin: int
    writer: int
    encrypted: bool = False
    # The emission equipment (排放设备) of each month's activity records, by record index.
    equipment: tuple[dict[str, Any], ...] = ()


ENTERPRISES = (
    SampleEnterprise(
        "华北示范发电有限公司",
        "91110000DEM0000014",
        "01",
        "华北",
        "seed001_example.json",
        admin=1,
        writer=2,
        encrypted=True,
        equipment=(
            {
                "id": "BLR-1",
                "name": "1号燃煤锅炉",
                "type": "煤粉锅炉",
                "location": "主厂房",
                "records": [0],
                "source": "meter-coal-01",
            },
            {
                "id": "GRID-1",
                "name": "厂用电关口表",
                "type": "电能表",
                "location": "升压站",
                "records": [1],
            },
            {
                "id": "FGD-1",
                "name": "石灰石-石膏湿法脱硫",
                "type": "脱硫装置",
                "location": "脱硫区",
                "records": [2],
            },
        ),
    ),
    SampleEnterprise(
        "华东示范电网有限公司",
        "91310000DEM000002L",
        "02",
        "华东",
        "gb02_grid_example.json",
        admin=3,
        writer=4,
    ),
    SampleEnterprise(
        "华中示范钢铁有限公司",
        "91420000DEM000003J",
        "03",
        "华中",
        "gb03_steel_example.json",
        admin=5,
        writer=6,
    ),
)
# A multinational's plant reporting under the ISO family: its activity document pins the ISO
# standards set, so its records are computed and verified with them. It is submitted and
# verified like the others, but it is not one of the GB enterprises the compliance cycle covers.
ISO_ENTERPRISE = SampleEnterprise(
    "示范能源（深圳）有限公司",
    with_check("91440300DEM000004"),
    "01",
    "华南",
    "iso_example.json",
    admin=8,
    writer=9,
)
SUBMITTED = (*ENTERPRISES, ISO_ENTERPRISE)
REGULATOR, AGENCY = 0, 7
# The deliberate error: the grid's June result keyed in by hand with two digits transposed.
FAULTY = ("91310000DEM000002L", 6)


@dataclass(frozen=True)
class EnterpriseRun:
    enterprise: SampleEnterprise
    carbon: str
    monthly: list[Outcome]
    annual: Outcome


def run(
    reader: ChainReader,
    tx: Transactor,
    store: DocumentStore,
    work: Path,
    progress: Callable[[str], None] = lambda _: None,
) -> list[EnterpriseRun]:
    """Onboards the sample enterprises and submits their year; idempotent."""
    regulator, agency = dev_account(REGULATOR), dev_account(AGENCY)
    # Encrypted documents are sealed for the enterprise's writer and admin and the regulator.
    sealers = [dev_account(n) for e in SUBMITTED for n in (e.writer, e.admin) if e.encrypted]
    for account in (regulator, agency, *(dev_account(e.writer) for e in SUBMITTED), *sealers):
        publish_key(reader, tx, account)
    runs = []
    for enterprise in SUBMITTED:
        carbon, _ = onboard(reader, tx, regulator, _onboarding(enterprise))
        backend = EnterpriseBackend(
            reader, tx, store, dev_account(enterprise.writer), dev_account(enterprise.admin)
        )
        folder = work / enterprise.credit_code
        written = list(_months(enterprise, folder))
        monthly = []
        for month, (activity, evidence) in enumerate(written, start=1):
            submission = Submission(
                enterprise.credit_code,
                YEAR,
                f"{YEAR}年{month}月",
                activity,
                evidence,
                encrypted=enterprise.encrypted,
            )
            if (enterprise.credit_code, month) == FAULTY:
                monthly.append(_submit_mistyped(backend, submission))
            else:
                monthly.append(backend.submit(submission))
            progress(f"{enterprise.credit_code} {YEAR}-{month:02d}")
        activity, evidence = _annual(enterprise, folder, written)
        annual = backend.submit(
            Submission(
                enterprise.credit_code,
                YEAR,
                f"{YEAR}年度报告",
                activity,
                evidence,
                aggregated=True,
                encrypted=enterprise.encrypted,
            )
        )
        progress(f"{enterprise.credit_code} {YEAR} annual")
        runs.append(EnterpriseRun(enterprise, carbon, monthly, annual))
    return runs


def _onboarding(enterprise: SampleEnterprise) -> Onboarding:
    return Onboarding(
        enterprise.name,
        enterprise.credit_code,
        enterprise.industry,
        enterprise.region,
        dev_account(enterprise.admin).address,
        dev_account(enterprise.writer).address,
    )


def _sample(enterprise: SampleEnterprise) -> dict[str, Any]:
    return json.loads((SEEDS / "activity" / enterprise.sample).read_text("utf-8"))


def _months(enterprise: SampleEnterprise, folder: Path) -> Iterator[tuple[Path, list[Path]]]:
    sample = _sample(enterprise)
    for month, load in enumerate(SEASON, start=1):
        document = copy.deepcopy(sample)
        document["title"] = f"{enterprise.name} {YEAR}年{month}月碳排数据"
        document["period"] = {"year": YEAR, "month": month}
        document["extrainfo"] = []
        if enterprise.equipment:
            document["source"] = "manual"
            document["equipment"] = [dict(e) for e in enterprise.equipment]
        for record in document["records"]:
            _scale(record, load)
        yield _write_month(folder, f"{month:02d}", document)


def _annual(
    enterprise: SampleEnterprise, folder: Path, written: list[tuple[Path, list[Path]]]
) -> tuple[Path, list[Path]]:
    """All twelve months' records in one document: the annual report aggregates them."""
    months = [json.loads(path.read_text("utf-8")) for path, _ in written]
    document = copy.deepcopy(months[0])
    document["title"] = f"{enterprise.name} {YEAR}年度碳排报告"
    document["period"] = {"year": YEAR}
    document["records"] = [record for month in months for record in month["records"]]
    # Each piece of equipment emitted its records of every month, now numbered across the year.
    offsets = [sum(len(m["records"]) for m in months[:i]) for i in range(len(months))]
    for item in document.get("equipment", []):
        item["records"] = [offset + n for offset in offsets for n in item["records"]]
    evidence = sorted({p for _, paths in written for p in paths})
    return _write_document(folder / "annual.json", document), evidence


def _scale(record: dict[str, Any], load: float) -> None:
    for key in ACTIVITY_KEYS:
        if isinstance(record.get(key), (int, float)):
            record[key] = round(record[key] * load, 3)
    for sub in record.get("items", []):
        _scale(sub, load)


def _write_month(folder: Path, month: str, document: dict[str, Any]) -> tuple[Path, list[Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    ledger = folder / f"ledger_{month}.csv"
    ledger.write_text(_ledger(document), "utf-8")
    evidence = [ledger]
    if any("evidence" in r for r in document["records"]):
        report = folder / f"test_report_{month}.txt"
        report.write_text(_test_report(document, month), "utf-8")
        digest = "0x" + hashlib.sha256(report.read_bytes()).hexdigest()
        for record in document["records"]:
            if "evidence" in record:
                record["evidence"] = digest
        evidence.append(report)
    return _write_document(folder / f"activity_{month}.json", document), evidence


def _write_document(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), "utf-8")
    return path


def _ledger(document: dict[str, Any]) -> str:
    lines = ["条目,数量,单位"]
    for record in document["records"]:
        group = next(
            k for k in record if k not in ACTIVITY_KEYS and k not in ("unit", "evidence", "items")
        )
        amount = next((record[k] for k in ACTIVITY_KEYS if k in record), "")
        row = json.dumps(record[group], ensure_ascii=False)
        lines.append(f"{group}:{row},{amount},{record.get('unit', '')}")
    return "\n".join(lines) + "\n"


def _test_report(document: dict[str, Any], month: str) -> str:
    measured = [r for r in document["records"] if "evidence" in r]
    lines = [
        f"自测因子检测报告 {document['period']['year']}-{month}",
        "检测方法: GB/T 213 (热值), GB/T 476 (元素碳)",
    ]
    lines += [
        json.dumps({k: v for k, v in r.items() if k != "evidence"}, ensure_ascii=False)
        for r in measured
    ]
    return "\n".join(lines) + "\n"


def _submit_mistyped(backend: EnterpriseBackend, submission: Submission) -> Outcome:
    """A record whose result was keyed in by hand with two digits transposed (idempotent)."""
    prepared = backend.prepare(submission)
    carbon = prepared.carbon
    micro = prepared.result.total_micro_tonnes()
    digits = str(micro)
    mistyped = int(digits[1] + digits[0] + digits[2:]) if digits[0] != digits[1] else micro + 10**6
    existing = backend.reader.record_of_data(carbon.address, prepared.data)
    if existing is not None:
        return prepared.outcome(existing[1], False)
    fields = backend.record_fields(prepared, result_micro=mistyped).encode()
    backend.tx.send(backend.admin, carbon.functions.submit(fields), "submitting by hand")
    found = backend.reader.record_of_data(carbon.address, prepared.data)
    assert found is not None
    return prepared.outcome(found[1], True)


@dataclass(frozen=True)
class YearVerification:
    enterprise: SampleEnterprise
    reports: list[VerificationReport]  # this run's
    verdicts: list[bool]  # every verdict on chain, oldest first
    state: VerificationState
    verified_micro: int | None


def verify(
    reader: ChainReader,
    tx: Transactor,
    store: DocumentStore,
    work: Path,
    runs: list[EnterpriseRun],
    progress: Callable[[str], None] = lambda _: None,
) -> list[YearVerification]:
    """The agency verifies every sample enterprise-year; a failed year is rectified and verified
    again; passed years are closed by the regulator. Idempotent."""
    regulator, agency = dev_account(REGULATOR), dev_account(AGENCY)
    flow = Workflow(reader, tx)
    public = crypto.public_key_of(bytes(agency.key))
    flow.approve(regulator, agency.address, public, "示范核查机构有限公司", "CNAS-V0001 (demo)")
    outcomes = []
    for run in runs:
        carbon = reader.enterprise(run.enterprise.credit_code).carbon
        flow.open_and_assign(regulator, carbon, YEAR, agency.address)
        if run.enterprise.encrypted:  # the agency is known only now: the enterprise lets it read
            admin = dev_account(run.enterprise.admin)
            grant_access(reader, tx, admin, run.enterprise.credit_code, YEAR, agency.address)
        reports = [_verify_once(reader, flow, store, work, carbon, agency, run)]
        if not reports[-1].passed and flow.state(carbon, YEAR) is VerificationState.FAILED:
            _rectify(reader, tx, store, work, run)
            reports.append(_verify_once(reader, flow, store, work, carbon, agency, run))
        verified = None
        if flow.state(carbon, YEAR) in (VerificationState.PASSED, VerificationState.CLOSED):
            verified = flow.close(regulator, carbon, YEAR)
        verdicts = reader.verdicts(carbon, YEAR)
        outcomes.append(
            YearVerification(
                run.enterprise,
                reports,
                [v.passed for v in verdicts],
                flow.state(carbon, YEAR),
                verified,
            )
        )
        progress(f"{run.enterprise.credit_code} verified")
    return outcomes


def _verify_once(
    reader: ChainReader,
    flow: Workflow,
    store: DocumentStore,
    work: Path,
    carbon: str,
    agency: LocalAccount,
    run: EnterpriseRun,
) -> VerificationReport:
    """Verifies, writes the report (JSON and Markdown) and records the verdict if one is due."""
    code = run.enterprise.credit_code
    report = Verifier(reader, bytes(agency.key), whole_year=True).verify(code, YEAR)
    folder = work / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    attempt = len(list(folder.glob(f"verification_{code}_{YEAR}_*.json"))) + 1
    stem = folder / f"verification_{code}_{YEAR}_{attempt}"
    document = json.dumps(report.to_json(), ensure_ascii=False, indent=2).encode("utf-8")
    stem.with_suffix(".json").write_bytes(document)
    stem.with_suffix(".md").write_text(report.to_markdown(), "utf-8")
    if flow.state(carbon, YEAR) in (VerificationState.ASSIGNED, VerificationState.FAILED):
        verdict = VerdictSubmission.of_report(report, store.put(document))
        flow.record(agency, carbon, YEAR, verdict)
    return report


def _rectify(
    reader: ChainReader, tx: Transactor, store: DocumentStore, work: Path, run: EnterpriseRun
) -> None:
    """整改: the mistyped month is submitted again from its data, replacing the wrong record."""
    code, month = FAULTY
    if run.enterprise.credit_code != code:
        return
    folder = work / code
    document = json.loads((folder / f"activity_{month:02d}.json").read_text("utf-8"))
    document["title"] += "(整改后)"
    activity = _write_document(folder / f"activity_{month:02d}_rectified.json", document)
    explanation = folder / f"rectification_{month:02d}.txt"
    explanation.write_text(
        f"整改说明: {YEAR}年{month}月排放量为手工录入, 两位数字颠倒; 按活动数据重新计算并提交。\n",
        "utf-8",
    )
    backend = EnterpriseBackend(
        reader, tx, store, dev_account(run.enterprise.writer), dev_account(run.enterprise.admin)
    )
    backend.submit(
        Submission(
            code,
            YEAR,
            f"{YEAR}年{month}月(整改后)",
            activity,
            [
                p
                for p in (
                    folder / f"ledger_{month:02d}.csv",
                    folder / f"test_report_{month:02d}.txt",
                )
                if p.exists()
            ],
            replaces=run.monthly[month - 1].index,
            rectification_evidence=explanation,
        )
    )
