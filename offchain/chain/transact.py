"""Sending transactions: signed, waited for, counted, and refused in one line before sending
when the node's estimate already reverts."""

from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

from offchain.chain.revert import ErrorDecoder, RevertError

REFUSALS = (ContractCustomError, ContractLogicError, ContractPanicError)


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
        except REFUSALS as exc:
            raise RevertError(f"{label} refused: {self.decoder.reason(exc)}") from exc
        signed = account.sign_transaction(tx)
        tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
        self.sent += 1
        self.gas_used += receipt["gasUsed"]
        self.receipts.append((label, receipt))
        if receipt["status"] != 1:
            raise RevertError(f"{label}: transaction 0x{bytes(tx_hash).hex()} reverted")
        return receipt
