"""Decoding what the chain says from the suite's ABIs alone: events, calls, roles, enums."""

from eth_abi import encode
from eth_utils import keccak

from offchain.chain.bindings import ROLES
from offchain.inspect.catalog import Catalog

ACCOUNT = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
ABI = [
    {
        "type": "event",
        "name": "RoleGranted",
        "inputs": [
            {"name": "role", "type": "bytes32", "indexed": True},
            {"name": "account", "type": "address", "indexed": True},
            {"name": "sender", "type": "address", "indexed": True},
        ],
    },
    {
        "type": "event",
        "name": "Registered",
        "inputs": [
            {"name": "name", "type": "string", "indexed": False},
            {"name": "series", "type": "string", "indexed": True},
        ],
    },
    {
        "type": "function",
        "name": "setState",
        "stateMutability": "nonpayable",
        "inputs": [
            {"name": "state", "type": "uint8", "internalType": "enum CarbonVerification.State"},
            {"name": "industry", "type": "bytes2", "internalType": "bytes2"},
        ],
        "outputs": [],
    },
]


def topic(address: str) -> bytes:
    return bytes(12) + bytes.fromhex(address[2:])


def test_an_event_is_decoded_by_topic_with_the_role_by_name():
    catalog = Catalog([("Kind", ABI)])
    topics = [keccak(text="RoleGranted(bytes32,address,address)"), ROLES["DATA_WRITER"]]
    decoded = catalog.event([*topics, topic(ACCOUNT), topic(ACCOUNT)], b"")
    assert decoded is not None and decoded.name == "RoleGranted" and decoded.kinds == ("Kind",)
    assert decoded.args == {"role": "DATA_WRITER", "account": ACCOUNT, "sender": ACCOUNT}


def test_an_indexed_string_is_shown_as_the_hash_the_log_keeps():
    catalog = Catalog([("Kind", ABI)])
    series = keccak(text="GB_01_factor")
    decoded = catalog.event(
        [keccak(text="Registered(string,string)"), series], encode(["string"], ["名"])
    )
    assert decoded is not None
    assert decoded.args == {"name": "名", "series": "0x" + series.hex()}


def test_a_call_is_decoded_by_selector_with_enums_and_industry_codes_in_words():
    catalog = Catalog([("Kind", ABI)])
    data = keccak(text="setState(uint8,bytes2)")[:4] + encode(["uint8", "bytes2"], [3, b"01"])
    decoded = catalog.call(data)
    assert decoded is not None and decoded.args == {"state": "Passed", "industry": "01"}


def test_what_no_suite_abi_declares_is_not_decoded():
    catalog = Catalog([("Kind", ABI)])
    assert catalog.call(b"\x12\x34\x56\x78") is None
    assert catalog.event([keccak(text="Other()")], b"") is None


def test_the_same_event_in_several_kinds_is_known_once_with_every_kind():
    catalog = Catalog([("A", ABI), ("B", ABI)])
    (entry,) = catalog.events[keccak(text="RoleGranted(bytes32,address,address)")]
    assert entry[0] == "A,B"
    assert catalog.topics_of("RoleGranted") == [
        "0x" + keccak(text="RoleGranted(bytes32,address,address)").hex()
    ]
