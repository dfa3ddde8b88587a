"""The index naming convention of seed 001 §5, as CarbonIndex enforces it.

The prefix names the standards family (`GB`, `ISO`): a factor library, a formula library and
the calculation code are used together only within one family."""

import re
from dataclasses import dataclass

from offchain.errors import CarbonError

_NAME = re.compile(
    r"(?P<series>(?P<prefix>[A-Z]{2,8})_(?:(?P<industry>\d{2})_(?P<kind>factor|formula)|(?P<calc>calculate)))"
    r"_(?P<date>\d{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))_[A-Za-z0-9]{4}"
)
CONTRACT_OF_KIND = {"factor": "FactorLibrary", "formula": "FormulaLibrary", "calculate": "CalcCode"}


@dataclass(frozen=True)
class IndexName:
    """A parsed name such as `GB_01_factor_20231001_0000`."""

    name: str
    series: str
    prefix: str
    industry: str | None
    kind: str
    date: str

    @property
    def contract(self) -> str:
        return CONTRACT_OF_KIND[self.kind]


def parse_index_name(name: str) -> IndexName:
    """Splits a name into its parts, or raises naming the convention it breaks."""
    match = _NAME.fullmatch(name)
    if match is None:
        raise CarbonError(
            f"{name!r} is not an index name: expected PREFIX_NN_factor_YYYYMMDD_XXXX, "
            "PREFIX_NN_formula_YYYYMMDD_XXXX or PREFIX_calculate_YYYYMMDD_XXXX"
        )
    kind = match["kind"] or "calculate"
    return IndexName(name, match["series"], match["prefix"], match["industry"], kind, match["date"])


def series_of(prefix: str, industry: str | None, kind: str) -> str:
    """`GB`, `01`, `factor` -> `GB_01_factor`; the calculation code has no industry."""
    return f"{prefix}_calculate" if kind == "calculate" else f"{prefix}_{industry}_{kind}"


def family_of_series(series: str) -> str:
    """`GB_01_factor` -> `GB`, `ISO_calculate` -> `ISO`: a standards family is its name prefix."""
    return series.split("_", 1)[0]
