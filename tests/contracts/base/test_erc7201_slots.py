"""Every ERC-7201 slot constant is the slot its namespace id gives.

upgrades-core checks the fields of each `@custom:storage-location erc7201:<id>` struct, but not
that the hard-coded constant the contract reads the struct from is that namespace's slot
(DESIGN §7): a copied constant would put two namespaces on one slot. This recomputes them.
"""

import re

import pytest
from eth_utils import keccak

from offchain.paths import ROOT

CONTRACTS = ROOT / "contracts"
_ANNOTATION = re.compile(r"@custom:storage-location\s+erc7201:([^\s*]+)")
_CONSTANT = re.compile(
    r"bytes32\s+(?:private|internal)\s+constant\s+(\w+_STORAGE\w*)\s*=\s*(0x[0-9a-fA-F]{64})\s*;"
)


def erc7201_slot(namespace: str) -> int:
    """keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))"""
    inner = int.from_bytes(keccak(text=namespace), "big") - 1
    return int.from_bytes(keccak(inner.to_bytes(32, "big")), "big") & ~0xFF


def namespaces() -> list[tuple[str, str, str, int]]:
    """(file, namespace id, constant name, constant value) of every namespace, in source order:
    each annotated struct is paired with the slot constant that follows it."""
    found = []
    for path in sorted(CONTRACTS.rglob("*.sol")):
        text = path.read_text("utf-8")
        ids = _ANNOTATION.findall(text)
        constants = _CONSTANT.findall(text)
        name = path.relative_to(ROOT).as_posix()
        assert len(ids) == len(constants), (
            f"{name}: {len(ids)} erc7201 namespaces but {len(constants)} *_STORAGE constants"
        )
        found += [(name, i, c, int(v, 16)) for i, (c, v) in zip(ids, constants, strict=True)]
    return found


def test_the_formula_gives_the_slot_erc7201_publishes_for_openzeppelin():
    # From ERC-7201 itself and OpenZeppelin's AccessControlUpgradeable.
    assert erc7201_slot("example.main") == int(
        "0x183a6125c38840424c4a85fa12bab2ab606c4b6d0e7cc73c0c06ba5300eab500", 16
    )
    assert erc7201_slot("openzeppelin.storage.AccessControl") == int(
        "0x02dd7bc7dec4dceedda775e58dd541e08a116c6c53815c0bd028192f7b626800", 16
    )


def test_the_sources_have_namespaces():
    assert len(namespaces()) >= 5


@pytest.mark.parametrize("source, namespace, constant, value", namespaces())
def test_each_slot_constant_matches_its_namespace(source, namespace, constant, value):
    assert value == erc7201_slot(namespace), (
        f"{source}: {constant} is {value:#066x}, erc7201:{namespace} is "
        f"{erc7201_slot(namespace):#066x}"
    )


def test_no_two_namespaces_share_an_id_or_a_slot():
    found = namespaces()
    assert len({n for _, n, _, _ in found}) == len(found)
    assert len({v for _, _, _, v in found}) == len(found)
