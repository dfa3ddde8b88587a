"""Every ABI of the suite in one place, to decode what the chain says without knowing in advance
which contract said it: events by topic, calls by function selector, values by ABI type.

Values are turned into plain JSON-friendly Python (addresses checksummed, bytes as `0x` hex,
structs as dicts by component name, role ids by role name, enums by member name where the
bindings know the enum) from the ABI alone, so a contract added to the manifest is decoded
without code here knowing its fields.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from offchain.chain.bindings import ENUMS, ROLE_NAMES
from offchain.chain.manifest import Manifest

AbiItem = dict[str, Any]

# What the proxies and beacons of the suite emit and answer that no suite ABI declares: an
# OpenZeppelin UpgradeableBeacon (Ownable) and the ERC-1967 events of a proxy's constructor.
BEACON_ABI: list[AbiItem] = [
    {
        "type": "event",
        "name": "Upgraded",
        "inputs": [{"name": "implementation", "type": "address", "indexed": True}],
    },
    {
        "type": "event",
        "name": "OwnershipTransferred",
        "inputs": [
            {"name": "previousOwner", "type": "address", "indexed": True},
            {"name": "newOwner", "type": "address", "indexed": True},
        ],
    },
    {
        "type": "function",
        "name": "implementation",
        "stateMutability": "view",
        "inputs": [],
        "outputs": [{"name": "", "type": "address"}],
    },
    {
        "type": "function",
        "name": "owner",
        "stateMutability": "view",
        "inputs": [],
        "outputs": [{"name": "", "type": "address"}],
    },
]
PROXY_ABI: list[AbiItem] = [
    BEACON_ABI[0],
    {
        "type": "event",
        "name": "BeaconUpgraded",
        "inputs": [{"name": "beacon", "type": "address", "indexed": True}],
    },
    {
        "type": "event",
        "name": "AdminChanged",
        "inputs": [
            {"name": "previousAdmin", "type": "address", "indexed": False},
            {"name": "newAdmin", "type": "address", "indexed": False},
        ],
    },
]
BEACON = "UpgradeableBeacon"
PROXY = "ERC1967Proxy"


def abi_type(param: AbiItem) -> str:
    """The canonical ABI type of a parameter, tuples spelled out: `(address,uint40)[]`."""
    if param["type"].startswith("tuple"):
        inner = ",".join(abi_type(c) for c in param["components"])
        return f"({inner}){param['type'][5:]}"
    return param["type"]


def signature(item: AbiItem) -> str:
    return f"{item['name']}({','.join(abi_type(i) for i in item['inputs'])})"


def plain(param: AbiItem, value: Any) -> Any:
    """`value` of ABI parameter `param` as plain JSON-friendly Python."""
    kind = param["type"]
    if kind.endswith("]"):
        inner = {**param, "type": kind[: kind.rindex("[")]}
        return [plain(inner, v) for v in value]
    if kind == "tuple":
        return {
            c["name"] or str(i): plain(c, v)
            for i, (c, v) in enumerate(zip(param["components"], value, strict=True))
        }
    if kind == "address":
        return to_checksum_address(value)
    internal = param.get("internalType", "")
    if internal.startswith("enum "):
        enum = ENUMS.get(internal.rsplit(".", 1)[-1].removeprefix("enum "))
        try:
            return enum(value).solidity if enum is not None else value
        except ValueError:  # a member the bindings do not know yet
            return value
    if kind == "bytes32" and bytes(value) in ROLE_NAMES and "role" in param.get("name", "").lower():
        return ROLE_NAMES[bytes(value)]
    if kind == "bytes2":  # the suite's industry codes, two ASCII digits (as the bindings read them)
        return bytes(value).decode("ascii", "replace")
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def named(params: Sequence[AbiItem], values: Sequence[Any]) -> dict[str, Any]:
    """Values by parameter name (position when unnamed)."""
    return {
        p.get("name") or str(i): plain(p, v)
        for i, (p, v) in enumerate(zip(params, values, strict=True))
    }


@dataclass(frozen=True)
class Decoded:
    """An event or a call decoded: its name, the kinds whose ABI declares it, its arguments."""

    name: str
    kinds: tuple[str, ...]
    args: dict[str, Any]


class Catalog:
    """The events and functions of every kind the manifest has an ABI for, plus the proxies'
    and beacons' own."""

    def __init__(self, abis: Iterable[tuple[str, list[AbiItem]]]) -> None:
        self.events: dict[bytes, list[tuple[str, AbiItem]]] = {}
        self.functions: dict[bytes, list[tuple[str, AbiItem]]] = {}
        for kind, abi in abis:
            for item in abi:
                if item.get("type") == "event" and not item.get("anonymous"):
                    self._add(self.events, keccak(text=signature(item)), kind, item)
                elif item.get("type") == "function":
                    self._add(self.functions, keccak(text=signature(item))[:4], kind, item)

    @classmethod
    def of(cls, manifest: Manifest) -> "Catalog":
        return cls([*manifest.abis.items(), (PROXY, PROXY_ABI), (BEACON, BEACON_ABI)])

    @staticmethod
    def _add(
        table: dict[bytes, list[tuple[str, AbiItem]]], key: bytes, kind: str, item: AbiItem
    ) -> None:
        entries = table.setdefault(key, [])
        for i, (kinds, known) in enumerate(entries):
            if _same_shape(known, item):
                entries[i] = (f"{kinds},{kind}", known)
                return
        entries.append((kind, item))

    def event_names(self) -> set[str]:
        return {item["name"] for entries in self.events.values() for _, item in entries}

    def topics_of(self, name: str) -> list[str]:
        """The topic-0 of every event called `name`."""
        return [
            "0x" + topic.hex()
            for topic, entries in self.events.items()
            if any(item["name"] == name for _, item in entries)
        ]

    def event(self, topics: Sequence[bytes], data: bytes) -> Decoded | None:
        """The event a log's topics and data encode, None when no suite ABI declares it."""
        if not topics:
            return None
        for kinds, item in self.events.get(bytes(topics[0]), []):
            indexed = [i for i in item["inputs"] if i.get("indexed")]
            if len(indexed) != len(topics) - 1:
                continue
            try:
                values = _event_values(item, topics[1:], data)
            except Exception:  # another event with the same signature but other indexing
                continue
            return Decoded(item["name"], tuple(kinds.split(",")), values)
        return None

    def call(self, data: bytes) -> Decoded | None:
        """The function call `data` encodes, None when no suite ABI has its selector."""
        for kinds, item in self.functions.get(bytes(data[:4]), []):
            try:
                values = decode([abi_type(i) for i in item["inputs"]], bytes(data[4:]))
            except Exception:
                continue
            return Decoded(item["name"], tuple(kinds.split(",")), named(item["inputs"], values))
        return None


def _same_shape(a: AbiItem, b: AbiItem) -> bool:
    return [(i.get("name"), abi_type(i), bool(i.get("indexed"))) for i in a["inputs"]] == [
        (i.get("name"), abi_type(i), bool(i.get("indexed"))) for i in b["inputs"]
    ]


def _event_values(item: AbiItem, topics: Sequence[bytes], data: bytes) -> dict[str, Any]:
    unindexed = [i for i in item["inputs"] if not i.get("indexed")]
    data_values = iter(decode([abi_type(i) for i in unindexed], bytes(data)))
    topic_values = iter(topics)
    values: dict[str, Any] = {}
    for i, param in enumerate(item["inputs"]):
        key = param.get("name") or str(i)
        if not param.get("indexed"):
            values[key] = plain(param, next(data_values))
        elif _is_dynamic(param):
            # An indexed string, bytes, array or struct is kept only as its keccak-256 hash.
            values[key] = "0x" + bytes(next(topic_values)).hex()
        else:
            values[key] = plain(param, decode([abi_type(param)], bytes(next(topic_values)))[0])
    return values


def _is_dynamic(param: AbiItem) -> bool:
    kind = param["type"]
    return kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("tuple")
