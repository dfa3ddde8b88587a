"""The offline verifier: JSON-RPC round trips and seconds per enterprise-year, at 1, 10, 100,
1,000 and 10,000 enterprise-years of 13 records each (12 monthly, 1 annual aggregated), on one
process per core from 100 enterprise-years on (`useful_workers`).

The first enterprise goes through the enterprise backend, with a ledger and a test report as
evidence for every month (its self-measured factors cite the report). The others are generated
cheaply, since generation is not what is measured: each enterprise-year is one `submitWithData`
transaction (13 records and their activity documents, no evidence: the documents use the
libraries' default factors only), sent in JSON-RPC batches for the node to sign and mined a full
block at a time. Every size is verified by a fresh `Verifier` (cold caches) with
one `verify_many` call; round trips are counted by each worker's reader.

Run alone against a node where the suite is deployed:
    python -m bench.verify_bench --deployment deployments/local.json [--enterprises 1000]
"""

import argparse
import copy
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import verify_support
from eth_abi import encode
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3

from offchain.actions.enterprise import EnterpriseBackend, Submission, standards_set_id
from offchain.calc import calculator, standards
from offchain.chain.accounts import dev_account
from offchain.chain.addresses import predicted_enterprise
from offchain.chain.bindings import Onboarding, RecordSubmission
from offchain.chain.manifest import Manifest
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core.credit_code import with_check
from offchain.core.documents import sha256_hex
from offchain.core.store import FolderStore
from offchain.verify.verifier import Verifier, useful_workers

YEAR = 2023
SIZES = (1, 10, 100, 1000, 10000)
SEASON = verify_support.SEASON
# The evidenced enterprise uses the e2e accounts of enterprise_bench; generated ones their own.
REGULATOR, ADMIN, WRITER = dev_account(0), dev_account(3), dev_account(4)
GEN_ADMIN, GEN_WRITER = dev_account(8), dev_account(9)
Row = dict[str, Any]


def rows(uri: str, manifest: Manifest, work: Path, sizes: Sequence[int] = SIZES) -> list[Row]:
    store = FolderStore(work / "store")
    reader = ChainReader(uri, manifest, store)
    tx = Transactor(reader.w3, reader.errors)

    started = time.perf_counter()
    first = _evidenced(reader, tx, work / "evidenced")
    evidenced_seconds = time.perf_counter() - started
    started = time.perf_counter()
    codes = [first, *_generate(reader, tx, max(sizes) - 1)]
    generated_seconds = time.perf_counter() - started

    counted = ChainReader(uri, manifest, store)  # cold caches
    cold = Verifier(counted)
    before = counted.round_trips
    single = cold.verify(first, YEAR)
    cold_trips = counted.round_trips - before
    before = counted.round_trips
    cold.verify(codes[1], YEAR)
    warm_trips = counted.round_trips - before
    _require(single.passed, single)

    out: list[Row] = [
        {
            "name": "verify_round_trips_per_enterprise_year",
            "value": cold_trips,
            "unit": "RPC round trips",
            "note": f"one enterprise-year of {len(single.checks)} checks, 13 records with "
            f"evidence, cold caches; {warm_trips} for the next enterprise-year with the "
            "standards cached",
        },
        {
            "name": "verify_generation_seconds",
            "value": round(evidenced_seconds + generated_seconds, 1),
            "unit": "s",
            "note": f"not measured: 1 enterprise-year through the backend with evidence "
            f"({evidenced_seconds:.1f} s), {len(codes) - 1} generated with pipelined "
            f"transactions ({generated_seconds:.1f} s)",
        },
    ]
    for n in sizes:
        verifier = Verifier(ChainReader(uri, manifest, store))  # cold caches for every size
        workers = useful_workers(n)
        started = time.perf_counter()
        reports = verifier.verify_many([(code, YEAR) for code in codes[:n]], workers=workers)
        seconds = time.perf_counter() - started
        # Each worker's reports share its round trips: count each worker's once.
        trips = round(sum(r.round_trips / r.shared_with for r in reports))
        for report in reports:
            _require(report.passed, report)
        records = sum(1 for r in reports for c in r.checks if c.id == "record.recompute")
        out += [
            {
                "name": f"verify_seconds_{n}",
                "value": round(seconds, 3),
                "unit": "s",
                "note": f"{n} enterprise-years, {records} records recomputed, {trips} RPC round "
                f"trips ({trips / n:.3f} per enterprise-year), cold caches, {workers} "
                f"process{'es' if workers > 1 else ''}",
            },
            {
                "name": f"verify_seconds_per_enterprise_year_{n}",
                "value": round(seconds / n, 4),
                "unit": "s",
            },
            {
                "name": f"verify_round_trips_per_enterprise_year_{n}",
                "value": round(trips / n, 3),
                "unit": "RPC round trips",
            },
        ]
    return out


def _require(ok: bool, report: Any) -> None:
    if not ok:
        raise RuntimeError(f"the benchmark's own data does not verify:\n{report.summary()}")


# -- the evidenced enterprise ---------------------------------------------------------------


def _evidenced(reader: ChainReader, tx: Transactor, folder: Path) -> str:
    """12 monthly records and the annual one through the backend, each month with a ledger and
    the test report its self-measured coal factors cite (the seed-001 sample, scaled)."""
    code = "91110000WER1FYB015"
    factory = reader.contract("EnterpriseFactory", reader.manifest.address("EnterpriseFactory"))
    carbon, _ = predicted_enterprise(factory.address, code)
    if not reader.w3.eth.get_code(carbon):
        call = factory.functions.onboard(
            Onboarding("基准核查电厂", code, "01", "北京", ADMIN.address, WRITER.address).encode()
        )
        tx.send(REGULATOR, call, "onboard")
    backend = EnterpriseBackend(reader, tx, reader.store, WRITER, ADMIN)
    folder.mkdir(parents=True, exist_ok=True)
    months, files = [], []
    for month, load in enumerate(SEASON, start=1):
        report = folder / f"test_report_{month:02d}.txt"
        report.write_text(f"{code} 燃煤自测因子检测报告 {YEAR}-{month:02d}\n", "utf-8")
        ledger = folder / f"ledger_{month:02d}.csv"
        ledger.write_text(f"{code},{YEAR}-{month:02d},燃煤,{round(100 * load, 3)}\n", "utf-8")
        document = verify_support.month_document(month, code, report)
        path = folder / f"activity_{month:02d}.json"
        path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
        backend.submit(Submission(code, YEAR, f"{YEAR}年{month}月", path, [report, ledger]))
        months.append(document)
        files += [report, ledger]
    annual = copy.deepcopy(months[0])
    annual.update(title=f"{code} {YEAR}年度报告", period={"year": YEAR})
    annual["records"] = [r for m in months for r in m["records"]]
    path = folder / "annual.json"
    path.write_text(json.dumps(annual, ensure_ascii=False), "utf-8")
    backend.submit(Submission(code, YEAR, f"{YEAR}年度报告", path, files, aggregated=True))
    return code


# -- generated enterprises ------------------------------------------------------------------


def _generate(reader: ChainReader, tx: Transactor, count: int) -> list[str]:
    """`count` enterprises with 13 records each, sent as pipelined raw transactions."""
    w3, manifest = reader.w3, reader.manifest
    chosen = standards.from_chain(reader, "01")
    set_id = standards_set_id(reader, tx, GEN_ADMIN, chosen)
    factory = reader.contract("EnterpriseFactory", manifest.address("EnterpriseFactory"))
    codes = [with_check(f"91440000{n:09d}") for n in range(count)]
    pipe = _Pipeline(w3)
    w3.provider.make_request("evm_setAutomine", [False])  # full blocks: far fewer of them
    try:
        _send_all(pipe, reader, chosen, set_id, factory, codes)
    finally:
        w3.provider.make_request("evm_setAutomine", [True])
    return codes


def _send_all(
    pipe: "_Pipeline",
    reader: ChainReader,
    chosen: standards.StandardSet,
    set_id: int,
    factory: Any,
    codes: list[str],
) -> None:
    for code in codes:
        onboarding = Onboarding(
            "生成企业", code, "01", "华北", GEN_ADMIN.address, GEN_WRITER.address
        ).encode()
        pipe.add(REGULATOR, factory.address, _call(ONBOARD, onboarding), 700_000)
    pipe.flush()  # a DataLayer must exist before its writer stores anything

    documents = [d for n, code in enumerate(codes) for d in _year(code, n)]
    results: list[int] = []
    for start in range(0, len(documents), 400):
        chunk = documents[start : start + 400]
        answers = calculator.calculate_batch(chosen.factors, chosen.formulas, chosen.code, chunk)
        results += [a.total_micro_tonnes() for a in answers]  # type: ignore[union-attr]
    for n, code in enumerate(codes):
        carbon, _ = predicted_enterprise(factory.address, code)
        year = range(13 * n, 13 * n + 13)
        texts = [
            json.dumps(documents[i], ensure_ascii=False, separators=(",", ":")).encode()
            for i in year
        ]
        digests = [bytes.fromhex(sha256_hex(text)[2:]) for text in texts]
        submissions = [
            RecordSubmission(
                YEAR, "0x" + d.hex(), documents[i]["title"], results[i], set_id, i % 13 == 12, False
            ).encode()
            for i, d in zip(year, digests, strict=True)
        ]
        stored = [(d, len(t), t, []) for d, t in zip(digests, texts, strict=True)]
        gas = 400_000 + 130_000 * 13 + 40 * sum(map(len, texts))
        pipe.add(GEN_ADMIN, carbon, _call(SUBMIT_WITH_DATA, submissions, stored), gas)
    pipe.flush()


# web3's encode_abi costs about 9 ms a call (it validates the whole ABI every time).
ONBOARD = ("onboard", "(string,string,bytes2,string,address,address)")
SUBMIT_WITH_DATA = (
    "submitWithData",
    "(uint16,bytes32,string,uint64,uint32,bool,bool)[]",
    "(bytes32,uint256,bytes,bytes32[])[]",
)


def _call(function: tuple[str, ...], *args: Any) -> str:
    name, *types = function
    selector = keccak(text=f"{name}({','.join(types)})")[:4]
    return "0x" + (selector + encode(types, list(args))).hex()


def _year(code: str, n: int) -> list[dict[str, Any]]:
    """Twelve monthly documents and the annual one; library defaults only, no evidence."""
    months = []
    for month, load in enumerate(SEASON, start=1):
        scale = load * (1 + (n % 97) / 1000)
        records = [
            {"fuel": "天然气", "FC": round(21 * scale, 3), "unit": "10^4Nm3"},
            {"fuel": "柴油", "FC": round(3.5 * scale, 3), "unit": "t"},
            {"electricity": "净购入使用的电力", "AC": round(10.45 * scale, 3), "unit": "MWh"},
            {
                "electricity_regional": {"region": "华北", "data_year": "2022"},
                "AC": round(3.2 * scale, 3),
                "unit": "MWh",
            },
            {"process_1": "石灰石", "B": round(20.33 * scale, 3), "unit": "t"},
        ]
        months.append(
            {
                "title": f"{code} {YEAR}年{month}月",
                "period": {"year": YEAR, "month": month},
                "standards": {
                    "factors": "GB_01_factor_20231001_0000",
                    "formulas": "GB_01_formula_20231001_0000",
                    "code": "GB_calculate_20231001_0000",
                },
                "records": records,
            }
        )
    annual = copy.deepcopy(months[0])
    annual["title"] = f"{code} {YEAR}年度报告"
    annual["period"] = {"year": YEAR}
    annual["records"] = [r for m in months for r in m["records"]]
    return [*months, annual]


class _Pipeline:
    """Sends transactions with consecutive nonces in JSON-RPC batches and mines them a block at
    a time, without waiting for each (automine is off while generating).

    The node signs them (`eth_sendTransaction` from its unlocked development accounts): signing
    in Python costs about 8 ms a transaction, more than the node takes to run it. A batch is
    sent when its gas limits would fill half a block, then mined with `evm_mine`: a block fuller
    than half its limit (EIP-1559's target) raises the base fee for the next, up to 12.5 %, so a
    long run of full blocks would price the fixed fee out; and anvil drops a
    transaction that does not fit in the block being mined, and every later one of its sender.
    """

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self.fee = hex(2 * w3.eth.gas_price + 10**9)
        self.block_gas = w3.eth.get_block("latest")["gasLimit"] // 2
        self.nonces: dict[str, int] = {}
        self.pending: list[tuple[str, list[Any]]] = []
        self.gas = 0

    def add(self, account: LocalAccount, to: str, data: str, gas: int) -> None:
        if self.gas + gas > self.block_gas:
            self._send()
        sender = account.address
        if sender not in self.nonces:
            self.nonces[sender] = self.w3.eth.get_transaction_count(sender, "pending")
        transaction = {
            "from": sender,
            "to": Web3.to_checksum_address(to),
            "data": data,
            "gas": hex(gas),
            "nonce": hex(self.nonces[sender]),
            "maxFeePerGas": self.fee,
            "maxPriorityFeePerGas": "0x1",
        }
        self.nonces[sender] += 1
        self.pending.append(("eth_sendTransaction", [transaction]))
        self.gas += gas

    def flush(self) -> None:
        """Sends and mines what is left; checks that every transaction was mined."""
        self._send()
        for sender, nonce in self.nonces.items():
            mined = self.w3.eth.get_transaction_count(sender)
            if mined != nonce:
                raise RuntimeError(f"{sender}: {nonce - mined} generated transactions not mined")

    def _send(self) -> None:
        if not self.pending:
            return
        answers = self.w3.provider.make_batch_request(self.pending)
        failed = [a["error"] for a in answers if "error" in a]
        if failed:
            raise RuntimeError(f"{len(failed)} transactions refused, first: {failed[0]}")
        self.w3.provider.make_request("evm_mine", [])
        self.pending, self.gas = [], 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deployment", type=Path, default=Path("deployments/local.json"))
    parser.add_argument("--rpc", default=None)
    parser.add_argument("--enterprises", type=int, default=max(SIZES))
    parser.add_argument("--work", type=Path, default=Path("bench/results/.verify.tmp"))
    args = parser.parse_args()
    manifest = Manifest.load(args.deployment)
    sizes = [n for n in SIZES if n < args.enterprises] + [args.enterprises]
    uri = args.rpc or manifest.rpc or "http://127.0.0.1:8545"
    for row in rows(uri, manifest, args.work, sorted(set(sizes))):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
