"""Reads of the CarbonQuota token and of what quota allocation needs from the chain: accounts,
balances and allocations, the verified emissions of Closed years, and the quota's history from
its events (eth_getLogs over block ranges, batched through the reader)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from offchain.chain.bindings import QuotaAllocation, VerificationState, VerificationSummary
from offchain.chain.reader import ChainReader, Request
from offchain.errors import ChainError

ZERO_ADDRESS = "0x" + "00" * 20
ISSUED_TOPIC = "0x" + keccak(text="QuotaIssued(uint16,address,address,uint64)").hex()
SURRENDERED_TOPIC = (
    "0x" + keccak(text="QuotaSurrendered(uint16,address,address,uint64,address)").hex()
)
TRANSFER_TOPIC = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
# Blocks per eth_getLogs: many nodes refuse a wider range (10,000 is a common limit).
LOG_BLOCKS = 10_000

EventKind = Literal["issued", "surrendered", "transfer"]


@dataclass(frozen=True)
class QuotaEvent:
    """One movement of quota: issued to or surrendered by an enterprise for a year, or moved
    between two enterprise accounts (a transfer carries no year: quota is fungible)."""

    kind: EventKind
    block: int
    timestamp: int
    transaction: str
    log_index: int
    amount: int  # micro-tonnes CO2e
    year: int | None  # issued and surrendered only
    enterprise: str | None  # issued and surrendered: the EnterpriseCarbon
    account: str  # issued and surrendered: the account; transfer: the sender
    to: str | None = None  # transfer: the recipient
    by: str | None = None  # surrendered: who surrendered


@dataclass(frozen=True)
class ClosedYear:
    """An enterprise-year whose verification the regulator closed."""

    enterprise: str  # the EnterpriseCarbon
    year: int
    verified: int  # micro-tonnes CO2e


def _topic(value: int | str) -> str:
    if isinstance(value, int):
        return "0x" + value.to_bytes(32, "big").hex()
    return "0x" + bytes.fromhex(value[2:]).rjust(32, b"\x00").hex()


def _address(topic: str) -> str:
    return to_checksum_address("0x" + topic[-40:])


class QuotaReads:
    """Reads of the deployment's CarbonQuota through `reader`."""

    def __init__(self, reader: ChainReader) -> None:
        self.reader = reader
        self.address = reader.manifest.address("CarbonQuota")
        self.functions = reader.singleton("CarbonQuota").functions

    def account_of(self, carbon: str) -> str | None:
        """The account that holds the enterprise's quota, None until the regulator names one."""
        account = self.reader.call(self.functions.accountOf(carbon), "accountOf")
        return None if int(account, 16) == 0 else to_checksum_address(account)

    def enterprise_of(self, account: str) -> str | None:
        """The EnterpriseCarbon whose account `account` is, None when it is no one's."""
        found = self.reader.call(
            self.functions.enterpriseOf(to_checksum_address(account)), "enterpriseOf"
        )
        return None if int(found, 16) == 0 else to_checksum_address(found)

    def allocation(self, carbon: str, year: int) -> QuotaAllocation:
        raw = self.reader.call(self.functions.allocation(carbon, year), f"allocation of {year}")
        return QuotaAllocation.decode(raw)

    def balance(self, account: str) -> int:
        """Micro-tonnes CO2e `account` holds."""
        return self.reader.call(self.functions.balanceOf(to_checksum_address(account)), "balanceOf")

    def allocations(self, carbons: Sequence[str], year: int) -> list[QuotaAllocation]:
        """`allocation` of each enterprise for `year`, in one round trip."""
        requests = [
            self.reader.eth_call("CarbonQuota", self.address, "allocation", [c, year], None)
            for c in carbons
        ]
        return [
            QuotaAllocation.decode(self.reader.decode("CarbonQuota", "allocation", answer))
            for answer in self.reader.batch(requests)
        ]

    def balances(self, accounts: Sequence[str]) -> list[int]:
        """`balance` of each account, in one round trip."""
        requests = [
            self.reader.eth_call("CarbonQuota", self.address, "balanceOf", [a], None)
            for a in accounts
        ]
        return [
            self.reader.decode("CarbonQuota", "balanceOf", answer)
            for answer in self.reader.batch(requests)
        ]

    def closed_years(self, pairs: Sequence[tuple[str, int]]) -> list[ClosedYear]:
        """Of the (EnterpriseCarbon, year) pairs, those whose verification is Closed, with their
        verified emissions; one round trip."""
        verification = self.reader.manifest.address("CarbonVerification")
        requests = [
            self.reader.eth_call("CarbonVerification", verification, "verification", list(p), None)
            for p in pairs
        ]
        answers = self.reader.batch(requests)
        closed = []
        for (carbon, year), answer in zip(pairs, answers, strict=True):
            summary = VerificationSummary.decode(
                self.reader.decode("CarbonVerification", "verification", answer)
            )
            if summary.state is VerificationState.CLOSED:
                closed.append(ClosedYear(carbon, year, summary.verified_emissions))
        return closed

    def events(
        self, enterprise: str | None = None, account: str | None = None, year: int | None = None
    ) -> list[QuotaEvent]:
        """Every QuotaIssued and QuotaSurrendered (of `enterprise` and `year` when given) and,
        unless a year is asked for, every transfer between enterprise accounts (from or to
        `account` when given), in chain order, each with its block's time."""
        latest = self.reader.w3.eth.block_number
        issue_filter = [
            [ISSUED_TOPIC, SURRENDERED_TOPIC],
            None if year is None else _topic(year),
            None if enterprise is None else _topic(enterprise),
        ]
        filters: list[list[Any]] = [issue_filter]
        if year is None:
            if account is None:
                filters.append([TRANSFER_TOPIC])
            else:
                filters += [
                    [TRANSFER_TOPIC, _topic(account)],
                    [TRANSFER_TOPIC, None, _topic(account)],
                ]
        requests: list[Request] = [
            (
                "eth_getLogs",
                [
                    {
                        "address": self.address,
                        "fromBlock": hex(start),
                        "toBlock": hex(min(start + LOG_BLOCKS - 1, latest)),
                        "topics": topics,
                    }
                ],
            )
            for topics in filters
            for start in range(0, latest + 1, LOG_BLOCKS)
        ]
        logs: dict[tuple[int, int], dict[str, Any]] = {}
        for answer in self.reader.batch(requests):
            if "error" in answer:
                raise ChainError(f"the node refused the CarbonQuota logs: {answer['error']}")
            for log in answer["result"]:
                # a transfer to itself matches both of an account's transfer filters
                logs[(int(log["blockNumber"], 16), int(log["logIndex"], 16))] = log
        times = self._timestamps(sorted({block for block, _ in logs}))
        found = (_event(logs[key], times[key[0]]) for key in sorted(logs))
        return [event for event in found if event is not None]

    def _timestamps(self, blocks: Sequence[int]) -> dict[int, int]:
        answers = self.reader.batch(
            [("eth_getBlockByNumber", [hex(block), False]) for block in blocks]
        )
        times = {}
        for block, answer in zip(blocks, answers, strict=True):
            if "error" in answer or not answer.get("result"):
                raise ChainError(f"the node has no block {block}: {answer.get('error')}")
            times[block] = int(answer["result"]["timestamp"], 16)
        return times


def _event(log: dict[str, Any], timestamp: int) -> QuotaEvent | None:
    """A JSON-RPC log of CarbonQuota as a QuotaEvent; None for the ERC-20 Transfer of an issue
    (from zero) or a surrender (to zero), which the QuotaIssued and QuotaSurrendered logs
    describe."""
    topics, data = log["topics"], bytes.fromhex(log["data"][2:])
    block, index = int(log["blockNumber"], 16), int(log["logIndex"], 16)
    transaction = log["transactionHash"]
    if topics[0] in (ISSUED_TOPIC, SURRENDERED_TOPIC):
        # Both: year, enterprise and account indexed; a surrender also says who surrendered.
        issued = topics[0] == ISSUED_TOPIC
        amount, *by = decode(["uint64"] if issued else ["uint64", "address"], data)
        return QuotaEvent(
            "issued" if issued else "surrendered",
            block,
            timestamp,
            transaction,
            index,
            amount,
            int(topics[1], 16),
            _address(topics[2]),
            _address(topics[3]),
            by=to_checksum_address(by[0]) if by else None,
        )
    sender, recipient = _address(topics[1]), _address(topics[2])
    if ZERO_ADDRESS in (sender.lower(), recipient.lower()):
        return None
    (amount,) = decode(["uint256"], data)
    return QuotaEvent(
        "transfer", block, timestamp, transaction, index, amount, None, None, sender, recipient
    )
