"""Helpers of the verifier tests: a year of records through the backend, and records written
straight to the contracts, the way a dishonest or careless enterprise could."""

import copy
import json
from pathlib import Path
from typing import Any

import e2e_support
from e2e_support import ADMIN, WRITER

from offchain.actions.enterprise import EnterpriseBackend, Submission, standards_set_id
from offchain.calc import calculator, standards
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core.documents import sha256_hex
from offchain.core.store import FolderStore
from offchain.paths import SEEDS

YEAR = 2023
SEASON = (1.12, 1.05, 0.96, 0.90, 0.93, 1.02, 1.10, 1.11, 0.97, 0.92, 0.95, 1.07)
SAMPLE = SEEDS / "activity" / "seed001_example.json"


def onboard(reader: ChainReader, tx: Transactor, code: str, industry: str = "01"):
    return e2e_support.onboard(reader, tx, code, f"核查示范{code[-4:]}", industry)


def month_document(month: int, tag: str, report: Path) -> dict[str, Any]:
    """The seed-001 sample scaled for `month`, citing `report` for its self-measured factors."""
    document = json.loads(SAMPLE.read_text("utf-8"))
    load = SEASON[month - 1]
    document["title"] = f"{tag} {YEAR}年{month}月"
    document["period"] = {"year": YEAR, "month": month}
    document["extrainfo"] = []
    for record in document["records"]:
        for key in ("FC", "AC", "B"):
            if key in record:
                record[key] = round(record[key] * load, 3)
    document["records"][0]["evidence"] = sha256_hex(report.read_bytes())
    return document


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def submit_month(
    backend: EnterpriseBackend,
    code: str,
    folder: Path,
    month: int,
    encrypt_for: tuple[str, ...] = (),
    ledger_bytes: int = 0,
    repeat: int = 1,
) -> tuple[Any, dict[str, Any], list[Path]]:
    """One monthly record with a test report and a ledger (padded to `ledger_bytes`); its
    activity records repeated `repeat` times (a large document is kept only as a digest)."""
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / f"test_report_{month:02d}.txt"
    report.write_text(f"{code} 燃煤自测因子检测报告 {YEAR}-{month:02d}\n", "utf-8")
    ledger = folder / f"ledger_{month:02d}.csv"
    text = f"{code},{YEAR}-{month:02d},燃煤,{100 * SEASON[month - 1]}\n"
    ledger.write_text(text + "#" * max(0, ledger_bytes - len(text.encode())), "utf-8")
    document = month_document(month, code, report)
    document["records"] = document["records"] * repeat
    activity = write(folder / f"activity_{month:02d}.json", document)
    outcome = backend.submit(
        Submission(code, YEAR, f"{YEAR}年{month}月", activity, [report, ledger], encrypt_for)
    )
    return outcome, document, [report, ledger]


def submit_year(
    backend: EnterpriseBackend,
    code: str,
    folder: Path,
    months: int = 12,
    encrypt_for: tuple[str, ...] = (),
    annual_months: int | None = None,
) -> list[Any]:
    """`months` monthly records, then the annual one aggregating the first `annual_months`."""
    outcomes, documents, files = [], [], []
    for month in range(1, months + 1):
        outcome, document, evidence = submit_month(backend, code, folder, month, encrypt_for)
        outcomes.append(outcome)
        documents.append(document)
        files.append(evidence)
    covered = months if annual_months is None else annual_months
    annual = copy.deepcopy(documents[0])
    annual["title"] = f"{code} {YEAR}年度报告"
    annual["period"] = {"year": YEAR}
    annual["records"] = [r for d in documents[:covered] for r in d["records"]]
    activity = write(folder / "annual.json", annual)
    evidence = [p for pair in files[:covered] for p in pair]
    outcomes.append(
        backend.submit(
            Submission(
                code, YEAR, f"{YEAR}年度报告", activity, evidence, encrypt_for, aggregated=True
            )
        )
    )
    return outcomes


def store_file(store: FolderStore, digest: str) -> Path:
    name = digest.removeprefix("0x")
    return store.root / name[:2] / name


class RawWriter:
    """Writes entries and records straight to an enterprise's contracts, checking nothing."""

    def __init__(self, reader: ChainReader, tx: Transactor, code: str) -> None:
        self.reader = reader
        self.tx = tx
        self.code = code
        self.carbon, self.layer = e2e_support.contracts(reader, code)

    def entry(self, data: bytes, complete: bool = True, deps: tuple[str, ...] = ()) -> str:
        digest = sha256_hex(data)
        raw = bytes.fromhex(digest[2:])
        if self.layer.functions.statusOf(raw).call() == 0:
            parents = [bytes.fromhex(d[2:]) for d in deps]
            self.tx.send(WRITER, self.layer.functions.storeInLog(data, parents), "store")
            if complete:
                self.tx.send(WRITER, self.layer.functions.complete(raw), "complete")
        return digest

    def record(
        self,
        document: dict[str, Any],
        result: int,
        set_id: int,
        evidence: tuple[Path, ...] = (),
        complete: bool = True,
    ) -> int:
        """Stores `evidence` and `document` (listing it) and submits a record of `result`."""
        document = copy.deepcopy(document)
        deps = tuple(self.entry(path.read_bytes()) for path in evidence)
        document["extrainfo"] = [
            {"name": path.name, "datalayerhash": digest, "kind": "evidence"}
            for path, digest in zip(evidence, deps, strict=True)
        ]
        data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        digest = self.entry(data, complete, deps)
        return self.submit(digest, document["title"], result, set_id)

    def submit(self, digest: str, title: str, result: int, set_id: int) -> int:
        fields = (YEAR, bytes.fromhex(digest[2:]), title, result, set_id, False, True)
        self.tx.send(ADMIN, self.carbon.functions.submit(fields), "raw submit")
        return self.carbon.functions.recordOfData(bytes.fromhex(digest[2:])).call()[1]


def standards_set(reader: ChainReader, tx: Transactor, industry: str = "01") -> tuple[int, Any]:
    """The set id of the latest standards of `industry` (registered if need be), and them."""
    chosen = standards.from_chain(reader, industry)
    return standards_set_id(reader, tx, ADMIN, chosen), chosen


def compute(chosen: Any, document: dict[str, Any], factors: dict[str, Any] | None = None) -> int:
    result = calculator.calculate(factors or chosen.factors, chosen.formulas, chosen.code, document)
    return result.total_micro_tonnes()
