"""The standards sets records pin, parsed once: factor library, formula library and code, each
from the document digest the set resolves to, or the reason it cannot be used."""

from dataclasses import dataclass
from typing import Any

from offchain.calc.standards import family_problem
from offchain.chain.bindings import ResolvedStandard
from offchain.core.documents import load
from offchain.core.names import parse_index_name
from offchain.errors import CarbonError
from offchain.verify.reads import YearReads

KINDS = (("factor", "factor-library"), ("formula", "formula-library"), ("calculate", None))


@dataclass(frozen=True)
class Standards:
    """A standards set, parsed: what `calculate_batch` takes, and what the report names."""

    factors: dict[str, Any]
    formulas: dict[str, Any]
    code: str
    refs: tuple[ResolvedStandard, ...]

    def describe(self) -> str:
        return ", ".join(f"{s.name} r{s.revision} ({s.document[:10]}…)" for s in self.refs)


class _Refused(str):
    """Why a standard's document cannot be used (distinct from the code, which is text)."""


class StandardsSets:
    """Parsed standards sets by id, over the sets and documents `reads` fetched."""

    def __init__(self, reads: YearReads) -> None:
        self.reads = reads
        self._sets: dict[int, Standards] = {}
        self._parsed: dict[str, Any] = {}

    def get(self, set_id: int) -> Standards | str:
        """Standards set `set_id` parsed, or why it cannot be used."""
        if set_id in self._sets:
            return self._sets[set_id]
        refs = self.reads.sets.get(set_id)
        if refs is None:
            return f"standards set {set_id} does not resolve: {self.reads.set_errors.get(set_id)}"
        moved = [r for r in refs if r.content_moved]
        if moved:  # not cached either: it is the chain's answer, but a wrong one to build on
            return f"standards set {set_id} pinned other content than its standards now hold: " + (
                "; ".join(
                    f"{r.name} revision {r.revision} resolves to document {r.document}, the set "
                    f"pinned {r.pinned}"
                    for r in moved
                )
            )
        mixed = family_problem(r.name for r in refs)
        if mixed is not None:
            return f"standards set {set_id}: {mixed}"
        parts = []
        for ref, (kind, schema) in zip(refs, KINDS, strict=True):
            parsed = self._parse(ref, kind, schema)
            if isinstance(parsed, _Refused):
                return parsed  # not cached: a store that was missing a document may get it
            parts.append(parsed)
        chosen = Standards(parts[0], parts[1], parts[2], refs)
        self._sets[set_id] = chosen
        return chosen

    def _parse(self, ref: ResolvedStandard, kind: str, schema: str | None) -> Any:
        if ref.document in self._parsed:
            return self._parsed[ref.document]
        data = self.reads.standard_document(ref)
        if isinstance(data, str):
            return _Refused(
                f"{kind} {ref.name} revision {ref.revision}, document {ref.document}: {data}"
            )
        try:
            parsed = load(data, schema, ref.name) if schema else data.decode("utf-8")
        except (CarbonError, UnicodeDecodeError) as exc:
            return _Refused(f"{kind} {ref.name} revision {ref.revision}: {exc}")
        if parse_index_name(ref.name).kind != kind:
            return _Refused(f"standards set names {ref.name} as its {kind}")
        self._parsed[ref.document] = parsed
        return parsed
