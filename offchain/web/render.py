"""How the portal shows values: amounts with `units.tonnes`, times in UTC, and every address,
transaction hash and index name as a link to its explorer page. `cell` renders any JSON-able
value (the inspect views, the reports' `to_json()`) as HTML: dicts as field tables, lists of
dicts as tables, scalars linked where they name something the explorer shows."""

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from offchain.core.units import tonnes
from offchain.inspect import plain

ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
HASH = re.compile(r"0x[0-9a-fA-F]{64}")
# An index name: PREFIX_NN_kind_YYYYMMDD_XXXX (offchain.core.names).
INDEX_NAME = re.compile(r"[A-Z][A-Z0-9]*_[0-9]{2}_[a-z]+_[0-9]{8}_[0-9A-Za-z]{4}")
# Keys whose 32-byte hex value is a transaction hash (the others are digests).
TX_KEYS = {"tx", "hash", "transaction", "transaction_hash", "transactionhash", "tx_hash"}
LONG_HEX = 66
# Keys whose integer value is a block timestamp.
TIME_KEY = re.compile(r"time|at|timestamp|.*_at|.*[a-z]At")
ZERO = "0x" + "0" * 40


def t(micro: int | None) -> str:
    """Micro-tonnes CO2e as tonnes, `-` for none."""
    return "-" if micro is None else tonnes(micro)


def when(timestamp: int | None) -> str:
    if not timestamp:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def address(value: str | None, label: str | None = None) -> Markup:
    if not value or value == ZERO:
        return Markup("-")
    shown = f"{value} ({label})" if label else value
    return Markup('<a class="addr" href="/explorer/contract/{}">{}</a>').format(value, shown)


def tx(value: str | None) -> Markup:
    if not value:
        return Markup("-")
    return Markup('<a class="tx" href="/explorer/tx/{}">{}</a>').format(value, value)


def index_name(value: str) -> Markup:
    return Markup('<a class="name" href="/explorer/contract/{}">{}</a>').format(quote(value), value)


def cell(value: Any, key: str = "") -> Markup:
    """Any JSON-able value as HTML, links included."""
    value = plain(value)
    if value is None:
        return Markup("-")
    if isinstance(value, bool):
        return Markup("yes" if value else "no")
    if isinstance(value, dict):
        return field_table(value)
    if isinstance(value, list):
        return list_html(value)
    if isinstance(value, str):
        return _text(value, key)
    if isinstance(value, int) and TIME_KEY.fullmatch(key) and value > 0:
        return Markup('<span title="{}">{}</span>').format(value, when(value))
    return escape(value)


def scalar_fields(value: dict[str, Any]) -> dict[str, Any]:
    """The fields of `value` that are neither dicts nor lists: shown together in one table."""
    return {k: v for k, v in value.items() if not isinstance(v, dict | list)}


def _text(value: str, key: str) -> Markup:
    if ADDRESS.fullmatch(value):
        return address(value)
    if HASH.fullmatch(value) and key.lower() in TX_KEYS:
        return tx(value)
    if INDEX_NAME.fullmatch(value):
        return index_name(value)
    if value.startswith("0x") and len(value) > LONG_HEX:
        return Markup('<span class="hex" title="{}">{}… ({} bytes)</span>').format(
            value, value[:LONG_HEX], (len(value) - 2) // 2
        )
    return escape(value)


def field_table(value: dict[str, Any]) -> Markup:
    rows = Markup("").join(
        Markup("<tr><th>{}</th><td>{}</td></tr>").format(k, cell(v, k)) for k, v in value.items()
    )
    return Markup('<table class="fields">{}</table>').format(rows)


def list_html(items: list[Any]) -> Markup:
    if not items:
        return Markup('<span class="none">none</span>')
    if all(isinstance(i, dict) for i in items):
        keys = list(dict.fromkeys(k for i in items for k in i))
        head = Markup("").join(Markup("<th>{}</th>").format(k) for k in keys)
        body = Markup("").join(
            Markup("<tr>{}</tr>").format(
                Markup("").join(Markup("<td>{}</td>").format(cell(i.get(k), k)) for k in keys)
            )
            for i in items
        )
        return Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(
            head, body
        )
    return Markup(", ").join(cell(i) for i in items)
