"""One transaction decoded: the call by its function selector across the suite ABIs, the events
it emitted and, when it failed, the custom error it reverted with, by name and arguments.

A failed transaction's receipt keeps no revert data, so the call is replayed (eth_call with the
same sender, target, data, value and gas) on the state of the block before it: exact when the
transaction was the first of its block that touched this state, as on an automining node.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from eth_utils import to_checksum_address

from offchain.chain.reader import ChainReader
from offchain.errors import CarbonError
from offchain.inspect.catalog import Catalog
from offchain.inspect.events import EventRow, rows
from offchain.inspect.rpc import answers

_HASH = re.compile(r"0x[0-9a-fA-F]{64}")


class UnknownTransactionError(CarbonError):
    """A hash the node knows no transaction of, or no hash at all."""


@dataclass(frozen=True)
class TxView:
    hash: str
    block: int
    time: int
    sender: str
    to: str | None
    contract: str | None  # what the suite calls `to`
    status: str  # success or failed
    gas_used: int
    function: str | None  # None: a contract creation, or a selector no suite ABI has
    args: dict[str, Any]
    created: str | None  # the contract a creation made
    events: list[EventRow] = field(default_factory=list)
    error: str | None = None  # `Name(arg=value, …)` of a failed transaction
    error_name: str | None = None


def inspect_tx(
    reader: ChainReader, catalog: Catalog, tx_hash: str, labels: dict[str, str]
) -> TxView:
    tx_hash = tx_hash.strip()
    if not _HASH.fullmatch(tx_hash):
        raise UnknownTransactionError(
            f"{tx_hash!r} is not a transaction hash (0x and 64 hex digits)"
        )
    tx, receipt = answers(
        reader,
        [("eth_getTransactionByHash", [tx_hash]), ("eth_getTransactionReceipt", [tx_hash])],
        "transaction",
    )
    if tx is None or receipt is None:
        raise UnknownTransactionError(f"the node knows no mined transaction {tx_hash}")
    block = int(tx["blockNumber"], 16)
    data = bytes.fromhex(tx["input"][2:])
    to = to_checksum_address(tx["to"]) if tx.get("to") else None
    decoded = catalog.call(data) if to is not None else None
    failed = int(receipt["status"], 16) == 0
    requests: list[Any] = [("eth_getBlockByNumber", [tx["blockNumber"], False])]
    if failed:
        replay = {"from": tx["from"], "to": tx["to"], "data": tx["input"], "value": tx["value"]}
        replay["gas"] = tx["gas"]
        requests.append(("eth_call", [replay, hex(block - 1)]))
    got = reader.batch(requests)
    time = int(got[0]["result"]["timestamp"], 16)
    error = None
    if failed:
        error = (
            reader.errors.reason_of_answer(got[1])
            if "error" in got[1]
            else "reverted (the replay on the state before its block succeeds: an earlier "
            "transaction of the block changed what it read)"
        )
    created = receipt.get("contractAddress")
    return TxView(
        tx_hash,
        block,
        time,
        to_checksum_address(tx["from"]),
        to,
        labels.get(to.lower(), None) if to else None,
        "failed" if failed else "success",
        int(receipt["gasUsed"], 16),
        decoded.name if decoded else None,
        decoded.args if decoded else {},
        to_checksum_address(created) if created else None,
        rows(reader, catalog, receipt["logs"], labels),
        error,
        error.partition("(")[0] if error else None,
    )
