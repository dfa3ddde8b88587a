"""Roles rebuilt from RoleGranted/RoleRevoked logs, in chain order."""

from offchain.chain.bindings import ROLES
from offchain.inspect.contracts import ROLE_GRANTED, ROLE_REVOKED, roles_from_logs

ALICE = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
BOB = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"


def log(event: str, role: str, account: str, block: int, index: int = 0) -> dict:
    return {
        "topics": [event, "0x" + ROLES[role].hex(), "0x" + "00" * 12 + account[2:].lower()],
        "blockNumber": hex(block),
        "logIndex": hex(index),
    }


def test_a_revoked_member_is_gone_and_the_others_stay():
    logs = [
        log(ROLE_GRANTED, "DATA_WRITER", ALICE, 1),
        log(ROLE_GRANTED, "DATA_WRITER", BOB, 2),
        log(ROLE_REVOKED, "DATA_WRITER", ALICE, 3),
    ]
    assert roles_from_logs(logs) == {"DATA_WRITER": [BOB]}


def test_logs_are_replayed_in_chain_order_whatever_order_they_come_in():
    logs = [
        log(ROLE_GRANTED, "REGULATOR", ALICE, 5, 1),
        log(ROLE_REVOKED, "REGULATOR", ALICE, 5, 0),
        log(ROLE_GRANTED, "REGULATOR", ALICE, 4),
    ]
    assert roles_from_logs(logs) == {"REGULATOR": [ALICE]}


def test_a_role_without_members_is_not_listed():
    logs = [log(ROLE_GRANTED, "VERIFIER", BOB, 1), log(ROLE_REVOKED, "VERIFIER", BOB, 2)]
    assert roles_from_logs(logs) == {}
