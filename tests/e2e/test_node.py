"""The project's own node: anvil keeps its state across a restart; Hardhat's node, the second
implementation, starts empty on the same chain id; each has its own pid and log file."""

import pytest
from web3 import Web3

from offchain.chain.node import LocalNode, free_port
from offchain.errors import ChainError


@pytest.fixture
def node(tmp_path):
    local = LocalNode(directory=tmp_path / "chain", port=free_port(), impl="anvil")
    yield local
    local.stop()


def test_state_survives_a_restart(node):
    assert node.start()
    w3 = Web3(Web3.HTTPProvider(node.url))
    sender, receiver = w3.eth.accounts[0], w3.eth.accounts[5]
    before = w3.eth.get_balance(receiver)
    tx = w3.eth.send_transaction({"from": sender, "to": receiver, "value": 12345})
    w3.eth.wait_for_transaction_receipt(tx)
    assert node.stop()
    assert not node.is_up()
    assert node.start()
    assert w3.eth.get_balance(receiver) == before + 12345
    assert node.state_file.exists()


def test_start_is_a_no_op_when_the_node_already_answers(node):
    assert node.start()
    assert not node.start()


def test_a_truncated_state_file_is_refused_with_the_way_back(node):
    for _ in range(2):  # the second start backs up the state the first one wrote
        assert node.start()
        assert node.stop()
    good = node.state_file.read_bytes()
    node.state_file.write_bytes(good[: len(good) // 2])
    with pytest.raises(ChainError, match=r"not a complete anvil state.*cp .*anvil-state.json.bak"):
        node.start()
    assert not node.is_up()
    assert node.state_file.stat().st_size == len(good) // 2  # nothing overwritten


def test_the_last_state_that_loaded_is_kept_as_a_backup(node):
    assert node.start()
    assert node.stop()
    saved = node.state_file.read_bytes()
    assert node.start()
    assert node.backup_file.read_bytes() == saved


def test_a_truncated_state_without_a_backup_says_how_to_start_empty(tmp_path):
    node = LocalNode(directory=tmp_path, port=free_port(), impl="anvil")
    node.state_file.write_text('{"block": {"number": "0x1"', "utf-8")
    with pytest.raises(ChainError, match=r"mv .*anvil-state.json .*broken"):
        node.start()


def test_a_node_this_project_did_not_start_is_never_claimed(tmp_path):
    foreign = LocalNode(directory=tmp_path / "theirs", port=free_port(), impl="anvil")
    assert foreign.start()
    try:
        ours = LocalNode(directory=tmp_path / "ours", port=foreign.port, impl="anvil")
        with pytest.raises(ChainError, match="a node this project did not start answers at"):
            ours.start()
        assert not ours.stop()  # and it is not ours to stop
        assert foreign.is_up()
    finally:
        foreign.stop()


def test_the_port_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CARBON_NODE_PORT", "8601")
    assert LocalNode().url == "http://127.0.0.1:8601"
    monkeypatch.setenv("CARBON_NODE_PORT", "port")
    with pytest.raises(ChainError, match="CARBON_NODE_PORT='port' is not a TCP port"):
        LocalNode()


def test_status_says_whose_node_answers_as_json(node):
    import json

    from click.testing import CliRunner

    from offchain.cli import main

    assert node.start()
    result = CliRunner().invoke(main, ["node", "--port", str(node.port), "status", "--json"])
    status = json.loads(result.output)
    # This node's files are in the test's folder, not the project's: it is not `carbon node`'s.
    assert (status["up"], status["ours"], status["chain_id"]) == (True, False, 1337)
    node.stop()
    stopped = CliRunner().invoke(main, ["node", "--port", str(node.port), "status", "--json"])
    assert stopped.exit_code == 1 and json.loads(stopped.output)["up"] is False


def test_the_implementation_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CARBON_NODE", "hardhat")
    assert LocalNode().impl == "hardhat"
    monkeypatch.delenv("CARBON_NODE")
    assert LocalNode().impl == "anvil"
    monkeypatch.setenv("CARBON_NODE", "geth")
    with pytest.raises(ChainError, match="CARBON_NODE='geth' is not a node implementation"):
        LocalNode()


def test_each_implementation_has_its_own_pid_and_log_file(tmp_path):
    anvil = LocalNode(directory=tmp_path, port=free_port(), impl="anvil")
    hardhat = LocalNode(directory=tmp_path, port=anvil.port, impl="hardhat")
    assert (anvil.pid_file.name, anvil.log_file.name) == ("anvil.pid", "anvil.log")
    assert (hardhat.pid_file.name, hardhat.log_file.name) == ("hardhat.pid", "hardhat.log")
    assert anvil.keeps_state and not hardhat.keeps_state


def test_the_other_implementation_of_ours_on_the_port_is_named(node):
    assert node.start()
    hardhat = LocalNode(directory=node.directory, port=node.port, impl="hardhat")
    with pytest.raises(ChainError, match=r"this project's anvil node answers.*--impl anvil stop"):
        hardhat.start()
    assert not hardhat.stop()
    assert node.is_up()


def test_hardhats_node_runs_the_projects_chain_and_starts_empty(tmp_path):
    node = LocalNode(directory=tmp_path, port=free_port(), impl="hardhat")
    try:
        assert node.start()
        assert not node.start()  # ours, already answering
        w3 = Web3(Web3.HTTPProvider(node.url))
        assert w3.client_version.startswith("HardhatNetwork/")
        assert w3.eth.chain_id == 1337
        assert w3.eth.get_block("latest").gasLimit == 30_000_000  # anvil's
        sender, receiver = w3.eth.accounts[0], w3.eth.accounts[5]
        before = w3.eth.get_balance(receiver)
        tx = w3.eth.send_transaction({"from": sender, "to": receiver, "value": 12345})
        w3.eth.wait_for_transaction_receipt(tx)
        assert node.stop() and not node.is_up()
        assert node.start()
        assert w3.eth.get_balance(receiver) == before  # no state kept
        assert not node.state_file.exists()
    finally:
        node.stop()
