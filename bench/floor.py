"""The EVM floor of a transaction: what the same bytes and the same new state cost at minimum.

floor = max(21000 + calldata + 22,100 per new storage slot + 32,000 + 200/byte per contract
            created, 21000 + the EIP-7623 calldata floor)

New slots and created contracts are read from the node's `prestateTracer` diff, so the floor
counts exactly the state the transaction created, and the difference to the gas used is the
price of everything else (checks, hashing, events, reads).
"""

from dataclasses import dataclass
from typing import Any

TX_BASE = 21_000
NEW_SLOT = 22_100  # SSTORE 0 -> non-zero (20,000) on a cold slot (2,100)
CREATE = 32_000
CODE_DEPOSIT_PER_BYTE = 200
FLOOR_PER_TOKEN = 10  # EIP-7623


@dataclass(frozen=True)
class Floor:
    gas: int
    new_slots: int
    created_code_bytes: int
    calldata_bytes: int


def calldata_gas(data: bytes) -> tuple[int, int]:
    """(EIP-2028 cost, EIP-7623 floor cost) of `data` as calldata."""
    zeros = data.count(0)
    nonzeros = len(data) - zeros
    return 4 * zeros + 16 * nonzeros, FLOOR_PER_TOKEN * (zeros + 4 * nonzeros)


def state_created(diff: dict[str, Any]) -> tuple[int, list[int]]:
    """(new storage slots, sizes of contracts created) from a prestateTracer diff."""
    pre, post = diff.get("pre", {}), diff.get("post", {})
    slots = 0
    created: list[int] = []
    for address, after in post.items():
        before = pre.get(address, {})
        before_storage = before.get("storage", {})
        for key, value in after.get("storage", {}).items():
            if int(value, 16) != 0 and int(before_storage.get(key, "0x0"), 16) == 0:
                slots += 1
        code = after.get("code")
        if code and not before.get("code"):
            created.append((len(code) - 2) // 2)
    return slots, created


def floor(w3: Any, tx_hash: Any) -> Floor:
    """The floor of a mined transaction."""
    tx = w3.eth.get_transaction(tx_hash)
    data = bytes(tx["input"])
    diff = w3.provider.make_request(
        "debug_traceTransaction",
        [
            tx_hash if isinstance(tx_hash, str) else "0x" + bytes(tx_hash).hex(),
            {"tracer": "prestateTracer", "tracerConfig": {"diffMode": True}},
        ],
    )["result"]
    slots, created = state_created(diff)
    standard, eip7623 = calldata_gas(data)
    execution = NEW_SLOT * slots + sum(CREATE + CODE_DEPOSIT_PER_BYTE * n for n in created)
    gas = max(TX_BASE + standard + execution, TX_BASE + eip7623)
    return Floor(gas, slots, sum(created), len(data))
