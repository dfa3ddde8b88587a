"""The gas regression gate: the rows of bench/gas-snapshot.json, measured again on a fresh node
with the suite deployed, must stay within 1 % of the snapshot.

A row more than 1 % above its snapshot fails (a regression, named with both figures); one more
than 1 % below fails too, so that the snapshot stays true: a change that lowers a figure
updates the snapshot in the same commit. `GAS_SNAPSHOT=update` rewrites the snapshot from the
figures measured (then commit bench/gas-snapshot.json)."""

import json
import os

import pytest
from ape import accounts, networks

from bench import enterprise_bench, quota_bench
from bench.run import gas_row
from offchain.actions.deploy import SuiteDeployer, seed_documents
from offchain.chain.manifest import Manifest
from offchain.chain.node import LocalNode, free_port
from offchain.core.store import FolderStore
from offchain.paths import ROOT

SNAPSHOT = ROOT / "bench" / "gas-snapshot.json"
TOLERANCE = 0.01
# The standards the measured rows use: industry 01 and the calculation code.
SEEDS = ("GB_calculate_", "GB_01_")
# Rows whose figure does not depend on what else the chain holds (not the first enterprise's
# onboarding, which creates the factory's list).
ROWS = (
    "onboard_enterprise_gas",
    "submit_first_month_of_year_gas",
    "submit_month_gas",
    "submit_record_gas",
    "submit_batch_gas_per_record",
    "quota_issue_gas",
    "quota_transfer_gas",
    "quota_surrender_gas",
    "compliance_notice_gas",
    "compliance_ack_gas",
    "compliance_apply_gas",
    "compliance_review_gas",
)


@pytest.fixture(scope="module")
def measured(project, tmp_path_factory) -> dict[str, int]:
    """Gas of each row (per record for a batch) on a fresh node of its own."""
    work = tmp_path_factory.mktemp("gas")
    node = LocalNode(directory=work / "chain", port=free_port(), persist=False)
    node.start()
    try:
        with networks.parse_network_choice(f"ethereum:local:{node.url}") as provider:
            regulator = accounts.test_accounts[0]
            deployer = SuiteDeployer(
                project,
                regulator,
                Manifest("gas", provider.chain_id, None),
                FolderStore(work / "store"),
                provider.get_code,
            )
            deployer.deploy(s for s in seed_documents() if s.name.startswith(SEEDS))
            rows = enterprise_bench.rows(provider.uri, deployer.manifest, work / "enterprise")
            rows += quota_bench.rows(deployer.manifest, regulator, gas_row)
    finally:
        node.stop()
    return {row["name"]: int(row["value"]) for row in rows if row["name"] in ROWS}


def test_every_snapshot_row_is_measured(measured):
    assert sorted(measured) == sorted(ROWS)


def test_gas_stays_within_one_percent_of_the_snapshot(measured):
    if os.environ.get("GAS_SNAPSHOT") == "update":
        SNAPSHOT.write_text(json.dumps(measured, indent=2) + "\n", "utf-8")
    snapshot = json.loads(SNAPSHOT.read_text("utf-8"))
    assert sorted(snapshot) == sorted(ROWS), "bench/gas-snapshot.json lists other rows"
    problems = []
    for name in ROWS:
        was, now = snapshot[name], measured[name]
        if now > was * (1 + TOLERANCE):
            problems.append(
                f"{name}: {now:,} gas, {now / was - 1:.1%} above the snapshot's {was:,}"
            )
        elif now < was * (1 - TOLERANCE):
            problems.append(
                f"{name}: {now:,} gas, {1 - now / was:.1%} below the snapshot's {was:,}; "
                "update the snapshot in the same commit"
            )
    assert not problems, (
        "; ".join(problems)
        + " (GAS_SNAPSHOT=update ape test tests/bench rewrites bench/gas-snapshot.json)"
    )
