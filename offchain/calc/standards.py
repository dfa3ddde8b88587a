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
    """Standards from local files, validated against their schemas."""
    return StandardSet(
        load_file(factors, "factor-library"),
        load_file(formulas, "formula-library"),
        _text(read_file(code), str(code)),
    )


def from_chain(
    reader: ChainReader, industry: str, prefix: str = "GB", pinned: Iterable[str] = ()
) -> StandardSet:
    """The latest standards of `industry`, except the kinds `pinned` names fix."""
    names = {kind: None for kind in KINDS}
    for name in pinned:
        parsed = parse_index_name(name)
        if parsed.kind != "calculate" and parsed.industry != industry:
            raise CarbonError(f"--at {name} is for industry {parsed.industry}, not {industry}")
        names[parsed.kind] = name
    refs: dict[str, StandardRef] = {}
    for kind in KINDS:
        name = names[kind] or reader.latest_name(series_of(prefix, industry, kind))
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
