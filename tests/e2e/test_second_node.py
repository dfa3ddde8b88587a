"""The same job on both node implementations the project runs, anvil and Hardhat's node (EDR):
each started by the test on a free port, the suite deployed to it (the e2e seed standards), an
enterprise onboarded, a month submitted through the backend in one transaction, and the year
verified offline, with the same numbers on both."""

import pytest
from ape import accounts, networks, project
from e2e_support import ADMIN, WRITER, contracts, onboard

from offchain.actions.deploy import SuiteDeployer
from offchain.actions.enterprise import EnterpriseBackend, Outcome, Submission
from offchain.chain import traces
from offchain.chain.manifest import Manifest
from offchain.chain.node import CHAIN_ID, IMPLEMENTATIONS, LocalNode, free_port
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core.store import FolderStore
from offchain.verify.report import VerificationReport
from offchain.verify.verifier import Verifier

CODE = "91110000NDE2000012"
# seeds/activity/seed001_example.json as `carbon calc` computes it: 288.324366 tCO2e.
APRIL_MICRO_TONNES = 288_324_366
# What each implementation answers to web3_clientVersion.
CLIENTS = {"anvil": "anvil/", "hardhat": "HardhatNetwork/"}


@pytest.fixture(scope="module", params=list(IMPLEMENTATIONS))
def node(request, tmp_path_factory):
    local = LocalNode(
        directory=tmp_path_factory.mktemp(request.param),
        port=free_port(),
        persist=False,
        impl=request.param,
    )
    assert local.start()
    yield local
    local.stop()


@pytest.fixture(scope="module")
def store(node, tmp_path_factory):
    return FolderStore(tmp_path_factory.mktemp(f"store-{node.impl}"))


@pytest.fixture(scope="module")
def deployer(node, seeds, store):
    with networks.parse_network_choice(f"ethereum:local:{node.url}") as provider:
        traces.adapt(provider)
        deployer = SuiteDeployer(
            project,
            accounts.test_accounts[0],
            Manifest("ethereum:local", CHAIN_ID, node.url),
            store,
            provider.get_code,
        )
        deployer.deploy(iter(seeds))
    return deployer


@pytest.fixture(scope="module")
def reader(node, deployer, store):
    return ChainReader(node.url, deployer.manifest, store)


@pytest.fixture(scope="module")
def tx(reader):
    return Transactor(reader.w3, reader.errors)


@pytest.fixture(scope="module")
def april(reader, tx, store, activity_module, evidence_module) -> tuple[Outcome, list[str]]:
    """The month submitted through the backend, and the labels of the transactions that
    submitted it."""
    onboard(reader, tx, CODE, "第二节点示范电厂")
    backend = EnterpriseBackend(reader, tx, store, WRITER, ADMIN)
    sent = tx.sent
    outcome = backend.submit(Submission(CODE, 2023, "四月", activity_module, evidence_module))
    return outcome, [label for label, _ in tx.receipts[sent:]]


@pytest.fixture(scope="module")
def report(april, node, deployer, store) -> VerificationReport:
    """The year verified by a verifier of its own (cold caches)."""
    return Verifier(ChainReader(node.url, deployer.manifest, store)).verify(CODE, 2023)


def test_the_node_is_the_named_implementation_on_the_projects_chain(node, reader):
    assert reader.w3.client_version.startswith(CLIENTS[node.impl])
    assert reader.w3.eth.chain_id == CHAIN_ID


def test_the_suite_deploys(deployer, reader):
    assert deployer.gas.total > 0
    for name, record in deployer.manifest.contracts.items():
        assert reader.w3.eth.get_code(record.address), name


def test_a_month_is_one_transaction_besides_registering_the_standards_set(april):
    outcome, labels = april
    assert outcome.created
    assert [label for label in labels if label != "registering the standards set"] == [
        "submitting '四月'"
    ]


def test_the_record_on_chain_is_the_calculation(april, reader):
    outcome, _ = april
    carbon, layer = contracts(reader, CODE)
    assert carbon.functions.recordCount(2023).call() == 1
    assert layer.functions.entryCount().call() == 3  # the activity document and two evidence
    assert outcome.result.total_micro_tonnes() == APRIL_MICRO_TONNES


def test_the_verifier_recomputes_the_same_total(report):
    assert not [c for c in report.checks if c.status == "fail"], report.summary()
    assert report.recomputed_total_micro == report.submitted_total_micro == APRIL_MICRO_TONNES


def test_chain_time_moves_as_the_compliance_cycle_moves_it(reader):
    """The demo's compliance cycle jumps to its deadlines with these two dev-chain methods."""
    before = reader.w3.eth.get_block("latest").timestamp
    reader.w3.provider.make_request("evm_increaseTime", [30 * 86400])
    reader.w3.provider.make_request("evm_mine", [])
    assert reader.w3.eth.get_block("latest").timestamp >= before + 30 * 86400
