"""The project's own anvil node keeps its state across a restart."""

import pytest
from web3 import Web3

from offchain.chain.node import LocalNode, free_port
from offchain.errors import ChainError


@pytest.fixture
def node(tmp_path):
    local = LocalNode(directory=tmp_path / "chain", port=free_port())
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
    node = LocalNode(directory=tmp_path, port=free_port())
    node.state_file.write_text('{"block": {"number": "0x1"', "utf-8")
    with pytest.raises(ChainError, match=r"mv .*anvil-state.json .*broken"):
        node.start()


def test_a_node_this_project_did_not_start_is_never_claimed(tmp_path):
    foreign = LocalNode(directory=tmp_path / "theirs", port=free_port())
    assert foreign.start()
    try:
        ours = LocalNode(directory=tmp_path / "ours", port=foreign.port)
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
