"""Batched JSON-RPC reads for the inspect views, through the reader's `batch` (one round trip per
batch): calls decoded from any ABI, event logs paged by block range, blocks and transactions."""

from collections.abc import Iterable, Sequence
from typing import Any

from eth_abi import decode, encode
from eth_utils import keccak
from web3 import Web3

from offchain.chain.reader import ChainReader, Request
from offchain.chain.revert import RevertError
from offchain.errors import ChainError
from offchain.inspect.catalog import AbiItem, abi_type, named, signature

# Blocks per eth_getLogs page: public nodes cap the range of one query (10,000 is common).
LOG_SPAN = 10_000


def answers(reader: ChainReader, requests: Sequence[Request], what: str) -> list[Any]:
    """The results of `requests` (one batch); a refused request is an error naming `what`."""
    results = []
    for answer in reader.batch(requests):
        if "error" in answer:
            message = (answer["error"] or {}).get("message", answer["error"])
            raise ChainError(f"{what}: the node refused a request ({message})")
        results.append(answer.get("result"))
    return results


def call_request(address: str, function: AbiItem, args: Sequence[Any] = ()) -> Request:
    """The eth_call of `function` (an ABI item) on `address` at the latest block."""
    selector = keccak(text=signature(function))[:4]
    data = selector + encode([abi_type(i) for i in function["inputs"]], list(args))
    return ("eth_call", [{"to": address, "data": "0x" + data.hex()}, "latest"])


def call_outputs(reader: ChainReader, function: AbiItem, answer: dict[str, Any]) -> dict[str, Any]:
    """The outputs of a batched call by name (position when unnamed); RevertError naming the
    custom error when it reverted."""
    if "error" in answer:
        raise RevertError(reader.errors.reason_of_answer(answer))
    raw = bytes.fromhex((answer.get("result") or "0x")[2:])
    try:
        values = decode([abi_type(o) for o in function["outputs"]], raw)
    except Exception as exc:
        raise ChainError(
            f"{function['name']} answered something unreadable: 0x{raw[:32].hex()}"
        ) from exc
    return named(function["outputs"], values)


def function_abi(abi: Iterable[AbiItem], name: str) -> AbiItem:
    return next(i for i in abi if i.get("type") == "function" and i["name"] == name)


def head_request() -> Request:
    return ("eth_blockNumber", [])


def log_requests(
    addresses: Sequence[str], topics: list[Any], from_block: int, to_block: int
) -> list[Request]:
    """The eth_getLogs pages covering blocks `from_block`..`to_block` of `addresses`."""
    checksummed = [Web3.to_checksum_address(a) for a in addresses]
    return [
        (
            "eth_getLogs",
            [
                {
                    "address": checksummed,
                    "fromBlock": hex(start),
                    "toBlock": hex(min(start + LOG_SPAN - 1, to_block)),
                    "topics": topics,
                }
            ],
        )
        for start in range(from_block, to_block + 1, LOG_SPAN)
    ]


def logs(
    reader: ChainReader,
    addresses: Sequence[str],
    topics: list[Any],
    from_block: int,
    to_block: int,
) -> list[dict[str, Any]]:
    """Every log of `addresses` matching `topics` in the block range, oldest first (the pages
    go in one batch)."""
    if not addresses or from_block > to_block:
        return []
    pages = answers(reader, log_requests(addresses, topics, from_block, to_block), "eth_getLogs")
    found = [log for page in pages for log in page]
    return sorted(found, key=lambda log: (int(log["blockNumber"], 16), int(log["logIndex"], 16)))


def head(reader: ChainReader) -> int:
    (number,) = answers(reader, [head_request()], "eth_blockNumber")
    return int(number, 16)
