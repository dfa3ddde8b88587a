"""The decoded event history of suite contracts: every log, oldest first, with its block, time,
transaction, sender, event name and named arguments, decoded against every suite ABI.

Three round trips whatever the history's length: the head block; the eth_getLogs pages (by block
range, one batch); the blocks and transactions the logs name (one batch).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils import to_checksum_address

from offchain.chain.reader import ChainReader
from offchain.errors import CarbonError
from offchain.inspect.catalog import Catalog
from offchain.inspect.rpc import answers, head, logs


class UnknownEventError(CarbonError):
    """An event name no suite ABI declares."""


@dataclass(frozen=True)
class EventRow:
    """One decoded log."""

    block: int
    time: int
    tx: str
    sender: str
    address: str
    contract: str  # what the suite calls the emitting contract
    event: str  # the event's name, or `unknown` for a log no suite ABI declares
    args: dict[str, Any]
    log_index: int


def decode_log(catalog: Catalog, log: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The name and arguments of a JSON-RPC log."""
    topics = [bytes.fromhex(t[2:]) for t in log["topics"]]
    decoded = catalog.event(topics, bytes.fromhex(log["data"][2:]))
    if decoded is None:
        return "unknown", {"topics": log["topics"], "data": log["data"]}
    return decoded.name, decoded.args


def history(
    reader: ChainReader,
    catalog: Catalog,
    addresses: Sequence[str],
    labels: dict[str, str],
    from_block: int = 0,
    kinds: Sequence[str] = (),
) -> list[EventRow]:
    """Every event of `addresses` from `from_block` on, only those named in `kinds` if any.

    `labels`: what to call each address (lower-case keys)."""
    topics: list[Any] = []
    if kinds:
        unknown = sorted(set(kinds) - catalog.event_names())
        if unknown:
            known = ", ".join(sorted(catalog.event_names()))
            raise UnknownEventError(f"no suite contract emits {', '.join(unknown)}; known: {known}")
        topics = [[t for kind in kinds for t in catalog.topics_of(kind)]]
    found = logs(reader, addresses, topics, from_block, head(reader))
    return rows(reader, catalog, found, labels)


def rows(
    reader: ChainReader, catalog: Catalog, found: list[dict[str, Any]], labels: dict[str, str]
) -> list[EventRow]:
    """EventRows of JSON-RPC logs, with the time of their block and the sender of their
    transaction (one batch)."""
    blocks = sorted({log["blockNumber"] for log in found})
    txs = sorted({log["transactionHash"] for log in found})
    requests = [("eth_getBlockByNumber", [b, False]) for b in blocks]
    requests += [("eth_getTransactionByHash", [t]) for t in txs]
    got = answers(reader, requests, "blocks and transactions of the events") if requests else []
    times = {b: int(block["timestamp"], 16) for b, block in zip(blocks, got, strict=False)}
    senders = {t: tx["from"] for t, tx in zip(txs, got[len(blocks) :], strict=True)}
    result = []
    for log in found:
        name, args = decode_log(catalog, log)
        address = log["address"]
        result.append(
            EventRow(
                int(log["blockNumber"], 16),
                times[log["blockNumber"]],
                log["transactionHash"],
                to_checksum_address(senders[log["transactionHash"]]),
                to_checksum_address(address),
                labels.get(address.lower(), to_checksum_address(address)),
                name,
                args,
                int(log["logIndex"], 16),
            )
        )
    return result
