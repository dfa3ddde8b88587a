"""Addresses that follow from others without a call: an enterprise's contracts from its credit
code, as the factory creates them."""

from eth_utils import keccak, to_checksum_address

# Solady's minimal ERC-1967 beacon proxy (LibClone.initCodeERC1967BeaconProxy), around the beacon.
_PROXY_HEAD = bytes.fromhex("60523d8160223d3973")
_PROXY_TAIL = bytes.fromhex(
    "60195155f3363d3d373d3d363d602036600436635c60da"
    "1b60e01b36527fa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6c"
    "b3582b35133d50545afa5036515af43d6000803e604d573d6000fd5b3d6000f3"
)


def create_address(sender: str, nonce: int) -> str:
    """The address a contract at `sender` creates with CREATE at `nonce` (1 ≤ nonce < 128)."""
    return to_checksum_address(
        keccak(b"\xd6\x94" + bytes.fromhex(sender[2:]) + bytes([nonce]))[12:]
    )


def predicted_enterprise(factory: str, credit_code: str) -> tuple[str, str]:
    """EnterpriseCarbon and DataLayer of `credit_code`, computed without a call.

    The factory creates its two beacons in `initialize` (CREATE nonces 1 and 2 of the factory
    proxy), then each enterprise's proxies with CREATE2 salted by keccak256(credit code).
    """
    salt = keccak(text=credit_code)
    addresses = []
    for nonce in (1, 2):
        init = _PROXY_HEAD + bytes.fromhex(create_address(factory, nonce)[2:]) + _PROXY_TAIL
        raw = keccak(b"\xff" + bytes.fromhex(factory[2:]) + salt + keccak(init))[12:]
        addresses.append(to_checksum_address(raw))
    return addresses[0], addresses[1]
