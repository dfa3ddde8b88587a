"""Enterprise side: gas of onboarding and of submitting beside their floors, and the seconds,
transactions and JSON-RPC round trips of one monthly submission end to end (evidence,
calculation, activity document and record: one `submitWithData` transaction).

`make bench` runs these rows with the others. Alone, on a throwaway anvil with only the
standards they use deployed (as the gas snapshot's test does), printed and not written:

    python -m bench.enterprise_bench [--port N]
"""

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from web3 import Web3

from bench.floor import floor
from offchain.actions.enterprise import EnterpriseBackend, Submission
from offchain.chain.accounts import dev_account
from offchain.chain.bindings import Onboarding, RecordSubmission
from offchain.chain.manifest import Manifest
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core import crypto
from offchain.core.credit_code import with_check
from offchain.core.documents import sha256_hex
from offchain.core.store import FolderStore
from offchain.paths import SEEDS

REGULATOR, ADMIN, WRITER = dev_account(0), dev_account(3), dev_account(4)
BATCH = 12  # a year's backlog of monthly records


def rows(uri: str, manifest: Manifest, work: Path) -> list[dict[str, Any]]:
    reader = ChainReader(uri, manifest, FolderStore(work / "store"))
    tx = Transactor(reader.w3, reader.errors)
    factory = reader.contract("EnterpriseFactory", manifest.address("EnterpriseFactory"))
    onboarded = []
    for n in range(2):
        enterprise = Onboarding(
            f"基准电厂{n}",
            with_check(f"91110000BENCH000{n}"),
            "01",
            "北京",
            ADMIN.address,
            WRITER.address,
        )
        call = factory.functions.onboard(enterprise.encode())
        onboarded.append(tx.send(REGULATOR, call, "onboard"))
    directory = reader.contract("KeyDirectory", manifest.address("KeyDirectory"))
    tx.send(WRITER, directory.functions.publish(crypto.public_key_of(bytes(WRITER.key))), "key")

    backend = EnterpriseBackend(reader, tx, reader.store, WRITER, ADMIN)
    code = "91110000BENCH00003"
    timings = []
    for month in range(1, 4):
        activity, evidence = _month(work, month)
        before, sent, started = reader.round_trips, tx.sent, time.perf_counter()
        backend.submit(Submission(code, 2023, f"{month}月", activity, evidence))
        timings.append((time.perf_counter() - started, reader.round_trips - before, tx.sent - sent))
    months = [r for label, r in tx.receipts if label.startswith("submitting")]
    seconds, trips, transactions = timings[-1]
    carbon = reader.contract("EnterpriseCarbon", reader.enterprise(code).carbon)
    set_id = reader.record(carbon.address, 2023, 0).standards_set
    record = tx.send(ADMIN, carbon.functions.submit(_record(2023, 0, set_id)), "a record")
    backlog = [_record(2022, month, set_id) for month in range(1, BATCH + 1)]
    batch = tx.send(ADMIN, carbon.functions.submitWithData(backlog, []), "a backlog")
    sent = len(tx.receipts)
    backend.submit_batch(
        [
            Submission(code, 2021, f"2021年{month}月", *_month(work, month, 2021))
            for month in range(1, BATCH + 1)
        ]
    )
    [with_data] = [r for label, r in tx.receipts[sent:] if label.startswith("submitting")]
    return [
        _gas(reader.w3, "onboard_first_enterprise_gas", onboarded[0]),
        _gas(reader.w3, "onboard_enterprise_gas", onboarded[1]),
        _gas(reader.w3, "submit_first_month_of_year_gas", months[0]),
        _gas(reader.w3, "submit_month_gas", months[-1]),
        {
            "name": "submit_month_transactions",
            "value": transactions,
            "unit": "transactions",
            "note": "evidence entries, activity document, completion and record",
        },
        {
            "name": "submit_month_round_trips",
            "value": trips,
            "unit": "RPC round trips",
            "note": "reads, estimate, send and receipt; a backend's first submission: "
            f"{timings[0][1]}",
        },
        {
            "name": "submit_end_to_end_seconds",
            "value": round(seconds, 3),
            "unit": "s",
            "note": "two evidence files, calculation from chain, entries and record",
        },
        _gas(reader.w3, "submit_record_gas", record),
        {
            **_gas(reader.w3, "submit_batch_gas_per_record", batch),
            "value": int(batch["gasUsed"]) // BATCH,
            "unit": "gas/record",
            "gas": int(batch["gasUsed"]),
            "records": BATCH,
            "note": "a year's backlog of monthly records in one submitWithData, data stored",
        },
        {
            **_gas(reader.w3, "submit_batch_with_data_gas_per_record", with_data),
            "value": int(with_data["gasUsed"]) // BATCH,
            "unit": "gas/record",
            "gas": int(with_data["gasUsed"]),
            "records": BATCH,
            "note": "the same through the backend with each month's documents (two evidence "
            "files and the activity document) in the same transaction",
        },
    ]


def _record(year: int, month: int, set_id: int) -> tuple:
    """A record of `month` whose activity document is a stand-in (records' gas does not
    depend on the document)."""
    data = sha256_hex(f"基准 {year}-{month:02d}".encode())
    return RecordSubmission(
        year, data, f"{year}年{month}月", 1_000_000 * month, set_id, False, False
    ).encode()


def _gas(w3: Web3, name: str, receipt: Any) -> dict[str, Any]:
    f = floor(w3, receipt["transactionHash"])
    return {
        "name": name,
        "value": int(receipt["gasUsed"]),
        "unit": "gas",
        "floor_gas": f.gas,
        "new_slots": f.new_slots,
    }


def _month(work: Path, month: int, year: int = 2023) -> tuple[Path, list[Path]]:
    folder = work / f"{year}-{month}"
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "test_report.txt"
    report.write_text(f"燃煤检测报告 {year}-{month:02d}\n", "utf-8")
    ledger = folder / "ledger.csv"
    ledger.write_text(f"{year}-{month:02d},燃煤,{100 + month}\n", "utf-8")
    document = json.loads((SEEDS / "activity" / "seed001_example.json").read_text("utf-8"))
    document["records"][0]["FC"] = 100 + month
    document["records"][0]["evidence"] = sha256_hex(report.read_bytes())
    document["extrainfo"] = []
    document["period"] = {"year": year, "month": month}  # one record per period
    activity = folder / "activity.json"
    activity.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return activity, [report, ledger]


def main(argv: list[str] | None = None) -> None:
    """Prints the rows measured on a throwaway anvil (nothing is written)."""
    from ape import networks
    from ape.logging import logger

    from bench.run import print_table, small_suite
    from offchain.chain.node import LocalNode, free_port

    parser = argparse.ArgumentParser(prog="python -m bench.enterprise_bench")
    parser.add_argument("--port", type=int, default=0, help="anvil port (default: a free one)")
    args = parser.parse_args(argv)
    logger.set_level("WARNING")
    work = Path(tempfile.mkdtemp(prefix="enterprise-bench-"))
    node = LocalNode(directory=work / "chain", port=args.port or free_port(), persist=False)
    node.start()
    try:
        with networks.parse_network_choice(f"ethereum:local:{node.url}") as provider:
            deployer = small_suite(provider, FolderStore(work / "store"))
            measured = rows(provider.uri, deployer.manifest, work / "enterprise")
    finally:
        node.stop()
        shutil.rmtree(work, ignore_errors=True)
    print_table("Enterprise side: onboarding and records", measured)


if __name__ == "__main__":
    main()
