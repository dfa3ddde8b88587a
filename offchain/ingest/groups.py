"""What a factor library says a reading of a group and row must be measured in.

The rules of `docs/data-formats.md` (and of the calculation code, which refuses a record whose
unit differs): a group's activity quantity has a symbol and a unit; a row's first parameter cell
with a unit overrides that unit (natural gas in 10^4Nm3, coal in t); units compare without
whitespace, with ³ and ² as 3 and 2.
"""

from dataclasses import dataclass
from typing import Any

from offchain.errors import CarbonError
from offchain.ingest.readings import Row


class UnknownGroupError(CarbonError):
    """The factor library has no such group, or the group no such row."""


class UnitMismatchError(CarbonError):
    """A reading's unit is not the unit its group and row are reported in."""


@dataclass(frozen=True)
class ActivityQuantity:
    """The quantity a group's formula multiplies, for one row: its symbol and unit."""

    symbol: str
    unit: str


def activity_quantity(factors: dict[str, Any], group: str, row: Row) -> ActivityQuantity:
    """The symbol and unit of `group`'s activity quantity at `row`."""
    spec = factors["groups"].get(group)
    if spec is None:
        raise UnknownGroupError(f"unknown factor group {group!r}")
    params = spec["parameter_name"]
    activity = spec["activity"]
    if spec["type"] == "co":
        if not isinstance(row, str):
            raise UnknownGroupError(f"group {group!r} takes a label string as its row")
        return ActivityQuantity(activity["symbol"], activity["unit"])
    wanted = _row_values(group, params, row)
    for cells in spec["data"]:
        if [cell["value"] for cell in cells[: len(params)]] == wanted:
            unit = next(
                (c["unit"] for c in cells[: len(params)] if c.get("unit")), activity["unit"]
            )
            return ActivityQuantity(activity["symbol"], unit)
    raise UnknownGroupError(f"unknown row {_describe(row)} of factor group {group!r}")


def check_unit(factors: dict[str, Any], group: str, row: Row, unit: str) -> ActivityQuantity:
    """The activity quantity of `group` at `row`, once `unit` is known to be its unit."""
    quantity = activity_quantity(factors, group, row)
    if normalise_unit(unit) != normalise_unit(quantity.unit):
        raise UnitMismatchError(
            f"unit {unit!r} does not match {quantity.unit!r}, the unit of {group} "
            f"{_describe(row)} ({quantity.symbol})"
        )
    return quantity


def normalise_unit(unit: str) -> str:
    return "".join(ch for ch in unit if not ch.isspace()).replace("³", "3").replace("²", "2")


def _row_values(group: str, params: list[str], row: Row) -> list[str]:
    if len(params) == 1:
        if not isinstance(row, str):
            raise UnknownGroupError(f"group {group!r} takes its row as a string ({params[0]})")
        return [row]
    if not isinstance(row, dict) or sorted(row) != sorted(params):
        raise UnknownGroupError(f"group {group!r} takes its row as an object of {params}")
    return [row[p] for p in params]


def _describe(row: Row) -> str:
    return repr(row) if isinstance(row, str) else "/".join(row.values())
