"""The project's own anvil node keeps its state across a restart."""

import socket

import pytest
from web3 import Web3

from offchain.node import LocalNode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
