"""A set of standards to calculate with: factor library, formula library and calculation code,
read from files or pulled from chain with every digest checked and every document validated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # offline calculation needs no chain library
    from offchain.chain.reader import ChainReader, StandardRef
from offchain.core.documents import load, load_file, read_file
from offchain.core.names import parse_index_name, series_of
from offchain.errors import CarbonError, DocumentError

KINDS = ("factor", "formula", "calculate")
DEFAULT_FAMILY = "GB"


@dataclass(frozen=True)
class StandardSet:
    """The three documents a calculation needs, and where they came from on chain (if so)."""

    factors: dict[str, Any]
    formulas: dict[str, Any]
    code: str
    refs: dict[str, StandardRef] = field(default_factory=dict)

    def provenance(self) -> dict[str, Any]:
        return {
            kind: {
                "name": r.name,
                "revision": r.revision,
                "version": r.version,
                "document": r.document,
            }
            for kind, r in self.refs.items()
        }


def from_files(factors: Path, formulas: Path, code: Path) -> StandardSet:
    """Standards from local files, validated against their schemas; the two libraries must be
    of one family (MixedFamilyError)."""
    factor_library = load_file(factors, "factor-library")
    formula_library = load_file(formulas, "formula-library")
    require_one_family(
        [factor_library["meta"]["index_name"], formula_library["meta"]["index_name"]]
    )
    return StandardSet(factor_library, formula_library, _text(read_file(code), str(code)))


class MixedFamilyError(CarbonError):
    """A standards set whose factor library, formula library and code are of different
    families (GB factors with ISO formulas): their symbols and units do not belong together."""


def family_problem(names: Iterable[str]) -> str | None:
    """Why `names` (index names of one standards set) cannot be used together, or None: every
    name must be of one family (the prefix: `GB`, `ISO`)."""
    families: dict[str, list[str]] = {}
    for name in names:
        families.setdefault(parse_index_name(name).prefix, []).append(name)
    if len(families) < 2:
        return None
    listed = "; ".join(f"{family}: {', '.join(n)}" for family, n in families.items())
    return (
        f"the standards set mixes families ({listed}); factor library, formula library and "
        "calculation code must all be of one family"
    )


def require_one_family(names: Iterable[str]) -> None:
    problem = family_problem(names)
    if problem is not None:
        raise MixedFamilyError(problem)


def from_chain(
    reader: ChainReader, industry: str, prefix: str = DEFAULT_FAMILY, pinned: Iterable[str] = ()
) -> StandardSet:
    """The latest standards of `industry`, except the kinds `pinned` names fix.

    A record pins its family: the kinds not pinned are taken from the family of the pinned
    names, and from `prefix` only when nothing is pinned. Pinned names of two families are
    refused (MixedFamilyError) before anything is read.
    """
    names = {kind: None for kind in KINDS}
    pins = list(pinned)
    require_one_family(pins)
    for name in pins:
        parsed = parse_index_name(name)
        if parsed.kind != "calculate" and parsed.industry != industry:
            raise CarbonError(f"--at {name} is for industry {parsed.industry}, not {industry}")
        names[parsed.kind] = name
    family = parse_index_name(pins[0]).prefix if pins else prefix
    refs: dict[str, StandardRef] = {}
    for kind in KINDS:
        name = names[kind] or reader.latest_name(series_of(family, industry, kind))
        refs[kind] = reader.standard(name, parse_index_name(name).contract)
    factors = load(_bytes(reader, refs["factor"]), "factor-library", refs["factor"].name)
    formulas = load(_bytes(reader, refs["formula"]), "formula-library", refs["formula"].name)
    code = _text(_bytes(reader, refs["calculate"]), refs["calculate"].name)
    return StandardSet(factors, formulas, code, refs)


def industry_of(activity: dict[str, Any]) -> str | None:
    """The industry an activity document names through its `standards` (if it does)."""
    for key in ("factors", "formulas"):
        name = activity.get("standards", {}).get(key)
        if name:
            return parse_index_name(name).industry
    return None


def _bytes(reader: ChainReader, ref: StandardRef) -> bytes:
    return reader.document(ref.data_layer, ref.document)


def _text(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{origin}: calculation code is not UTF-8 text") from exc
