"""Saying in one line why a contract refused a call: its custom error by name, with arguments.

Used by reads and by transactions alike; the ABIs of the deployment manifest name the errors,
and an access-control error names the missing role.
"""

from collections.abc import Iterable
from typing import Any

from eth_abi import decode
from eth_utils import keccak

from offchain.chain.bindings import ROLE_NAMES
from offchain.errors import ChainError


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

    def reason(self, exc: Exception) -> str:
        """Why web3 raised `exc` for a call or an estimate."""
        data = getattr(exc, "data", None)
        if isinstance(data, str) and data.startswith("0x"):
            return self.explain(bytes.fromhex(data[2:]))
        return str(exc)

    def reason_of_answer(self, answer: dict[str, Any]) -> str:
        """Why a JSON-RPC answer (of a batch) is an error."""
        error = answer.get("error") or {}
        data = error.get("data")
        if isinstance(data, dict):
            data = data.get("data")
        if isinstance(data, str) and data.startswith("0x") and len(data) >= 10:
            return self.explain(bytes.fromhex(data[2:]))
        return str(error.get("message", error))


def _type(item: dict[str, Any]) -> str:
    if item["type"].startswith("tuple"):
        inner = ",".join(_type(c) for c in item["components"])
        return f"({inner}){item['type'][5:]}"
    return item["type"]


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return ROLE_NAMES.get(value) or "0x" + value.hex()
    return str(value)
