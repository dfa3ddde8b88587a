"""Block-explorer views of the suite built from the chain alone: what an address, index name or
credit code is; a contract's kind, version, proxy, roles and state; decoded events and
transactions (with custom errors); the index with its history; an enterprise's records and
verification; and proof that the deployed bytecode is this repository's sources."""

from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    """A view (dataclasses, enums, bytes, nested) as JSON values: what `--json` prints and the
    portal renders."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return str(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
