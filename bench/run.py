"""`make bench`: gas beside the EVM floor, storage cost per byte, calculator throughput.

Prints tables and writes the same figures to bench/results/latest.json: a list of rows with
`name`, `value`, `unit` and, for gas rows, `floor_gas`. It is a measurement, not a test.

It runs on a fresh anvil of its own (offchain.node, the `carbon node` setup) rather than the one
ape starts for tests: ape's runs with `--steps-tracing`, which makes the ~40,000 transactions
generated for 1,000 enterprise-years several times slower to mine. Gas does not depend on it.
"""

import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ape import accounts, networks, project
from ape.logging import logger

from bench import (
    calculator_bench,
    enterprise_bench,
    industries_bench,
    latest,
    quota_bench,
    verify_bench,
)
from bench.floor import floor
from bench.latest import RESULTS
from offchain.actions.deploy import SuiteDeployer, seed_documents
from offchain.chain.manifest import Manifest
from offchain.chain.node import LocalNode, free_port
from offchain.core.store import FolderStore

WORK = RESULTS.parent
SIZES = {"1kb": 1024, "8kb": 8 * 1024, "24kb": 24 * 1024}
Row = dict[str, Any]


def document(size: int, seed: int) -> bytes:
    """Printable bytes (like JSON text: no zero bytes), different for every call."""
    rng = random.Random(seed)
    return bytes(rng.randrange(0x21, 0x7F) for _ in range(size))


def gas_row(w3: Any, name: str, receipt: Any) -> Row:
    f = floor(w3, receipt.txn_hash)
    return {
        "name": name,
        "value": int(receipt.gas_used),
        "unit": "gas",
        "floor_gas": f.gas,
        "new_slots": f.new_slots,
    }


# What the enterprise, portal, ingest and report benchmarks need: the code and industry 01.
SMALL_SUITE = ("GB_calculate_", "GB_01_")


def small_suite(provider: Any, store: FolderStore) -> SuiteDeployer:
    """The suite with the code and industry 01's standards, deployed through `provider`."""
    deployer = SuiteDeployer(
        project,
        accounts.test_accounts[0],
        Manifest("bench", provider.chain_id, provider.uri),
        store,
        provider.get_code,
    )
    deployer.deploy(s for s in seed_documents() if s.name.startswith(SMALL_SUITE))
    return deployer


def deployment_rows(regulator: Any, store_dir: Path, provider: Any) -> tuple[list[Row], Any]:
    started = time.perf_counter()
    deployer = SuiteDeployer(
        project,
        regulator,
        Manifest("bench", provider.chain_id, None),
        FolderStore(store_dir),
        provider.get_code,
    )
    deployer.deploy(seed_documents())
    seconds = time.perf_counter() - started
    rows = [
        {
            "name": "deploy_suite_gas",
            "value": deployer.gas.total,
            "unit": "gas",
            "transactions": len(deployer.gas.rows),
        },
        {"name": "deploy_suite_seconds", "value": round(seconds, 2), "unit": "s"},
    ]
    return rows, deployer


def storage_rows(w3: Any, layer: Any, sender: Any) -> list[Row]:
    rows = []
    for mode, method in (("state", layer.storeInState), ("log", layer.storeInLog)):
        for label, size in SIZES.items():
            receipt = method(document(size, hash((mode, size)) & 0xFFFF), [], sender=sender)
            f = floor(w3, receipt.txn_hash)
            rows.append(
                {
                    "name": f"store_{mode}_{label}",
                    "value": round(receipt.gas_used / size, 1),
                    "unit": "gas/byte",
                    "floor_gas": f.gas,
                    "gas": int(receipt.gas_used),
                    "bytes": size,
                }
            )
    return rows


def write_rows(w3: Any, deployer: Any, regulator: Any, stranger: Any) -> list[Row]:
    """One row per external write of the spine's contracts."""
    manifest = deployer.manifest
    layer = project.DataLayer.at(manifest.address("DataLayer"))
    index = project.CarbonIndex.at(manifest.address("CarbonIndex"))
    factors = project.FactorLibrary.at(manifest.address("GB_01_factor_20231001_0000"))
    rows: list[Row] = []

    def add(name: str, call: Callable[[], Any]) -> Any:
        receipt = call()
        rows.append(gas_row(w3, name, receipt))
        return receipt

    a = add(
        "datalayer_store_in_log_256b",
        lambda: layer.storeInLog(document(256, 1), [], sender=regulator),
    )
    digest_a = a.return_value
    b = add(
        "datalayer_store_in_state_256b",
        lambda: layer.storeInState(document(256, 2), [digest_a], sender=regulator),
    )
    digest_b = b.return_value
    add(
        "datalayer_store_digest",
        lambda: layer.storeDigest(b"\x11" * 32, 10_000_000, [], sender=regulator),
    )
    add(
        "datalayer_add_dependency",
        lambda: layer.addDependency(b"\x11" * 32, digest_a, sender=regulator),
    )
    add("datalayer_complete", lambda: layer.complete(digest_a, sender=regulator))
    add("datalayer_cancel", lambda: layer.cancel(digest_b, sender=regulator))
    add(
        "standard_publish_revision",
        lambda: factors.publish(
            "1.0.1", layer.address, factors.revision(0).document, sender=regulator
        ),
    )
    add(
        "standard_update_metadata",
        lambda: factors.updateMetadata(("01", "2023", "国标因子库-发电企业"), sender=regulator),
    )
    library = project.CarbonProxy.at(manifest.address("GB_02_factor_20231001_0000"))
    new_proxy = regulator.deploy(
        project.CarbonProxy,
        manifest.implementations["FactorLibrary"],
        project.FactorLibrary.at(library.address).initialize.encode_input(
            regulator.address,
            regulator.address,
            index.address,
            ("01", "2024", "bench"),
            "1.0.0",
            layer.address,
            digest_a,
        ),
    )
    add(
        "index_register",
        lambda: index.register("GB_99_factor_20240101_0000", new_proxy.address, sender=regulator),
    )
    other_layer = regulator.deploy(
        project.CarbonProxy,
        manifest.implementations["DataLayer"],
        layer.initialize.encode_input(regulator.address, regulator.address, index.address),
    )
    add("index_track", lambda: index.track(other_layer.address, sender=regulator))
    add("grant_role", lambda: layer.grantRole(layer.DATA_WRITER_ROLE(), stranger, sender=regulator))
    new_impl = regulator.deploy(project.DataLayer)
    add(
        "upgrade_and_record",
        lambda: layer.upgradeToAndCall(new_impl.address, b"", sender=regulator),
    )
    return rows


def print_table(title: str, rows: list[Row]) -> None:
    width = max(len(row["name"]) for row in rows)
    units = max(len(row["unit"]) for row in rows)
    print(f"\n{title}")
    print(f"  {'measure':{width}} {'value':>14} {'unit':{units}} {'floor gas':>12} {'÷ floor':>8}")
    for row in rows:
        floor_gas = row.get("floor_gas")
        total = row.get("gas", row["value"]) if floor_gas else None
        ratio = f"{total / floor_gas:8.2f}" if floor_gas else ""
        shown_floor = f"{floor_gas:12,}" if floor_gas else ""
        print(
            f"  {row['name']:{width}} {_shown(row['value'])} {row['unit']:{units}} "
            f"{shown_floor} {ratio}".rstrip()
        )


def _shown(value: float) -> str:
    if isinstance(value, int):
        return f"{value:14,}"
    return f"{value:14,.2f}" if abs(value) >= 1 else f"{value:14.4f}"


# The verification benchmark's node: 10,000 generated enterprise-years. anvil keeps a copy of
# the state of every recent block by default, which at that size takes gigabytes and makes each
# block slower to mine than the last; bigger blocks mean fewer of them.
SCALE_OPTIONS = ("--prune-history", "--gas-limit", "300000000")


def fresh_node(options: tuple[str, ...] = ()) -> LocalNode:
    node = LocalNode(
        directory=WORK / ".chain.tmp",
        port=free_port(),
        persist=False,
        impl="anvil",
        options=options,
    )
    shutil.rmtree(node.directory, ignore_errors=True)
    return node


def main() -> None:
    logger.set_level("WARNING")  # not a line per confirmed transaction
    node = fresh_node()
    node.start()
    try:
        chain = chain_rows(node.url)
    finally:
        node.stop()
    node = fresh_node(SCALE_OPTIONS)
    node.start()
    try:
        verification = verification_rows(node.url)
    finally:
        node.stop()
    calc = calculator_bench.rows() + industries_bench.rows()
    print_table("Calculator (QuickJS sandbox)", calc)
    rows = chain + verification + calc
    # Rows measured by their own runs (the ingest load test) are kept as they were.
    measured = {row["name"] for row in rows}
    latest.write(rows + [row for row in latest.saved() if row["name"] not in measured])
    print(f"\nwritten to {RESULTS}")


def chain_rows(uri: str) -> list[Row]:
    with networks.parse_network_choice(f"ethereum:local:{uri}") as provider:
        w3 = provider.web3
        regulator, stranger = accounts.test_accounts[0], accounts.test_accounts[7]
        store_dir = WORK / ".store.tmp"
        shutil.rmtree(store_dir, ignore_errors=True)
        deploy, deployer = deployment_rows(regulator, store_dir, provider)
        layer = project.DataLayer.at(deployer.manifest.address("DataLayer"))
        storage = storage_rows(w3, layer, regulator)
        # Before the write rows: they publish revisions the enterprise rows must not read.
        enterprise = enterprise_bench.rows(
            provider.uri, deployer.manifest, store_dir / "enterprise"
        )
        writes = write_rows(w3, deployer, regulator, stranger)
        quota = quota_bench.rows(deployer.manifest, regulator, gas_row)
    print_table("Gas of every external write, beside the EVM floor for the same call", writes)
    print_table("Quota: issue, transfer and surrender of CarbonQuota", quota)
    print_table("Storing documents on chain (gas per byte of document)", storage)
    print_table("Enterprise side: onboarding and records", enterprise)
    print_table("Deployment of the suite with the seed standards", deploy)
    return writes + quota + storage + enterprise + deploy


def verification_rows(uri: str) -> list[Row]:
    """The verifier at 1 to 10,000 enterprise-years, on a node of its own."""
    with networks.parse_network_choice(f"ethereum:local:{uri}") as provider:
        store_dir = WORK / ".store.verify.tmp"
        shutil.rmtree(store_dir, ignore_errors=True)
        _, deployer = deployment_rows(accounts.test_accounts[0], store_dir, provider)
        rows = verify_bench.rows(uri, deployer.manifest, store_dir / "verify")
    print_table("Verification: round trips and seconds per enterprise-year", rows)
    return rows


if __name__ == "__main__":
    main()
