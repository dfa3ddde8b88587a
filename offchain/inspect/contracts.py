"""One contract as an explorer shows it: kind, version, proxy type from the ERC-1967 slots,
implementation, admin and regulator, every role with its members rebuilt from the
RoleGranted/RoleRevoked logs, and every parameterless view of its ABI as its key state.

Two round trips: the slots, code size, head block and every view in one batch; then the beacon's
implementation and the role logs (paged by block range) in another.
"""

from dataclasses import dataclass, field
from typing import Any

from eth_utils import keccak

from offchain.chain.bindings import ROLE_NAMES
from offchain.chain.reader import ChainReader
from offchain.chain.revert import RevertError
from offchain.errors import ChainError
from offchain.inspect.catalog import BEACON, BEACON_ABI, AbiItem
from offchain.inspect.resolve import (
    ADMIN_SLOT,
    BEACON_SLOT,
    IMPLEMENTATION_SLOT,
    Target,
    slot_address,
)
from offchain.inspect.rpc import (
    call_outputs,
    call_request,
    function_abi,
    head_request,
    log_requests,
)

ROLE_GRANTED = "0x" + keccak(text="RoleGranted(bytes32,address,address)").hex()
ROLE_REVOKED = "0x" + keccak(text="RoleRevoked(bytes32,address,address)").hex()
# Views that say nothing about this contract's state: role ids, the UUPS interface version, and
# proxiableUUID (which a proxy refuses by design); version and implementation are shown apart.
SKIPPED_VIEWS = {"proxiableUUID", "UPGRADE_INTERFACE_VERSION", "version", "implementation"}
_SLOTS = (IMPLEMENTATION_SLOT, BEACON_SLOT, ADMIN_SLOT)


@dataclass(frozen=True)
class ContractView:
    """What the chain says of one contract of the suite."""

    address: str
    kind: str
    label: str
    code_size: int
    proxy: str  # "UUPS (ERC-1967)", "beacon proxy (ERC-1967)", "transparent (ERC-1967)", "none"
    implementation: str | None
    beacon: str | None
    admin: str | None  # the ERC-1967 admin slot (empty for UUPS) or a beacon's owner
    version: str | None
    roles: dict[str, list[str]] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def regulators(self) -> list[str]:
        return self.roles.get("REGULATOR", [])


def _views(abi: list[AbiItem], skipped: set[str]) -> list[AbiItem]:
    return [
        item
        for item in abi
        if item.get("type") == "function"
        and item.get("stateMutability") in ("view", "pure")
        and not item["inputs"]
        and item["outputs"]
        and item["name"] not in skipped
        and not item["name"].endswith("_ROLE")
    ]


def describe(reader: ChainReader, target: Target) -> ContractView:
    abi = BEACON_ABI if target.kind == BEACON else reader.manifest.abi(target.kind)
    views = _views(abi, set() if target.kind == BEACON else SKIPPED_VIEWS)
    has_version = any(i.get("type") == "function" and i["name"] == "version" for i in abi)
    requests = [
        head_request(),
        ("eth_getCode", [target.address, "latest"]),
        *(("eth_getStorageAt", [target.address, s, "latest"]) for s in _SLOTS),
        *(call_request(target.address, view) for view in views),
    ]
    if has_version:
        requests.append(call_request(target.address, function_abi(abi, "version")))
    first = reader.batch(requests)
    for answer in first[:5]:
        if "error" in answer:
            raise ChainError(f"{target.label}: the node refused a read ({answer['error']})")
    head = int(first[0]["result"], 16)
    code_size = (len(first[1]["result"]) - 2) // 2
    implementation, beacon, admin = (slot_address(a.get("result")) for a in first[2:5])
    state = {
        view["name"]: _value(reader, view, answer)
        for view, answer in zip(views, first[5 : 5 + len(views)], strict=True)
    }
    version = None
    if has_version:
        outputs = _value(reader, function_abi(abi, "version"), first[-1])
        version = outputs if isinstance(outputs, str) else None

    beacon_implementation = function_abi(BEACON_ABI, "implementation")
    second: list[Any] = []
    if beacon is not None:
        second.append(call_request(beacon, beacon_implementation))
    second += log_requests([target.address], [[ROLE_GRANTED, ROLE_REVOKED]], 0, head)
    found = reader.batch(second)
    if beacon is not None:
        implementation = call_outputs(reader, beacon_implementation, found.pop(0))["0"]
    if beacon is not None:
        proxy = "beacon proxy (ERC-1967)"
    elif implementation is not None:
        # An ERC-1967 proxy with an admin is a transparent one; without, it upgrades itself.
        proxy = "UUPS (ERC-1967)" if admin is None else "transparent (ERC-1967)"
    else:
        proxy = "none"
    if target.kind == BEACON:
        implementation, admin = state.pop("implementation", None), state.get("owner")
    logs = []
    for answer in found:
        if "error" in answer:
            raise ChainError(f"{target.label}: the node refused the role logs ({answer['error']})")
        logs += answer["result"]
    return ContractView(
        target.address,
        target.kind,
        target.label,
        code_size,
        proxy,
        implementation,
        beacon,
        admin,
        version,
        roles_from_logs(logs),
        state,
    )


def _value(reader: ChainReader, view: AbiItem, answer: dict[str, Any]) -> Any:
    """A view's value: its one output, or its outputs by name; a refusal in words."""
    try:
        outputs = call_outputs(reader, view, answer)
    except (RevertError, ChainError) as exc:
        return f"refused: {exc}"
    return outputs["0"] if list(outputs) == ["0"] else outputs


def roles_from_logs(logs: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each role's current members from its RoleGranted/RoleRevoked logs, oldest first: a grant
    adds the account, a revocation removes it."""
    members: dict[str, list[str]] = {}
    ordered = sorted(logs, key=lambda log: (int(log["blockNumber"], 16), int(log["logIndex"], 16)))
    for log in ordered:
        role_id = bytes.fromhex(log["topics"][1][2:])
        role = ROLE_NAMES.get(role_id, "0x" + role_id.hex())
        account = slot_address(log["topics"][2])
        holders = members.setdefault(role, [])
        if log["topics"][0] == ROLE_GRANTED and account not in holders:
            holders.append(account)
        elif log["topics"][0] == ROLE_REVOKED and account in holders:
            holders.remove(account)
    return {role: holders for role, holders in members.items() if holders}
