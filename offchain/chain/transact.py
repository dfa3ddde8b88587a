"""Sending transactions, and saying in one line why one was refused.

A revert carries a custom error; this module names it, its arguments and, for access control,
the role that was missing, using the ABIs of the deployment manifest.
"""

from collections.abc import Iterable
from typing import Any

from eth_abi import decode
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

from offchain.errors import ChainError

ROLE_NAMES = {
    b"\x00" * 32: "REGULATOR",
    **{
        keccak(text=name): name
        for name in ("STANDARDS_EDITOR", "DATA_WRITER", "ENTERPRISE_ADMIN", "VERIFIER")
    },
}


class RevertError(ChainError):
    """A contract refused a call; the message names the custom error and its arguments."""


class ErrorDecoder:
    """Maps 4-byte error selectors to names and argument types from a set of ABIs."""

    def __init__(self, abis: Iterable[list[dict[str, Any]]]) -> None:
        self._errors: dict[bytes, tuple[str, list[dict[str, Any]]]] = {}
        for abi in abis:
            for item in abi:
                if item.get("type") == "error":
                    types = ",".join(_type(i) for i in item["inputs"])
                    selector = keccak(text=f"{item['name']}({types})")[:4]
                    self._errors[selector] = (item["name"], item["inputs"])

    def explain(self, data: bytes) -> str:
        """`Name(arg=value, …)` for revert data, or the raw selector when it is unknown."""
        if len(data) < 4 or bytes(data[:4]) not in self._errors:
            return f"reverted with data 0x{bytes(data).hex()}" if data else "reverted"
        name, inputs = self._errors[bytes(data[:4])]
        values = decode([_type(i) for i in inputs], bytes(data[4:]))
        shown = ", ".join(f"{i['name']}={_show(v)}" for i, v in zip(inputs, values, strict=True))
        return f"{name}({shown})"


def _type(item: dict[str, Any]) -> str:
    if item["type"].startswith("tuple"):
        inner = ",".join(_type(c) for c in item["components"])
        return f"({inner}){item['type'][5:]}"
    return item["type"]


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return ROLE_NAMES.get(value) or "0x" + value.hex()
    return str(value)


class Transactor:
    """Signs and sends contract calls, waits for them, and counts what it sent."""

    def __init__(self, w3: Web3, decoder: ErrorDecoder) -> None:
        self.w3 = w3
        self.decoder = decoder
        self.sent = 0
        self.gas_used = 0
        self.receipts: list[tuple[str, Any]] = []

    def send(self, account: LocalAccount, call: ContractFunction, label: str) -> Any:
        """Sends `call` from `account`; raises RevertError naming the reason if it would fail."""
        try:
            tx = call.build_transaction(
                {
                    "from": account.address,
                    "nonce": self.w3.eth.get_transaction_count(account.address, "pending"),
                }
            )
        except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
            raise RevertError(f"{label} refused: {self._reason(exc)}") from exc
        signed = account.sign_transaction(tx)
        tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
        self.sent += 1
        self.gas_used += receipt["gasUsed"]
        self.receipts.append((label, receipt))
        if receipt["status"] != 1:
            raise RevertError(f"{label}: transaction 0x{bytes(tx_hash).hex()} reverted")
        return receipt

    def call(self, call: ContractFunction, label: str) -> Any:
        """A read; a revert becomes a RevertError naming the reason."""
        try:
            return call.call()
        except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
            raise RevertError(f"{label}: {self._reason(exc)}") from exc

    def _reason(self, exc: Exception) -> str:
        data = getattr(exc, "data", None)
        if isinstance(data, str) and data.startswith("0x"):
            return self.decoder.explain(bytes.fromhex(data[2:]))
        return str(exc)
