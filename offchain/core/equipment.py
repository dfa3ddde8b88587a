"""Emission equipment (排放设备) and data source of an activity document (seed 001 §1.5: every
upload keeps its uploader and emission equipment; data is entered by hand or reported by IoT
devices). The schema fixes the fields' types; this module checks what the schema cannot (ids
unique, records cited exist) and says in one line who emitted what."""

from typing import Any

MANUAL = "manual"


def problems(document: dict[str, Any]) -> list[str]:
    """What is wrong with the document's equipment list, one message each (empty when fine)."""
    found = []
    lines = len(document.get("records", []))
    seen: set[str] = set()
    for i, item in enumerate(document.get("equipment", [])):
        ident = item["id"]
        if ident in seen:
            found.append(f"equipment[{i}] repeats id {ident!r}")
        seen.add(ident)
        missing = [n for n in item.get("records", []) if n >= lines]
        if missing:
            cited = ", ".join(map(str, missing))
            found.append(
                f"equipment {ident!r} cites record(s) {cited}, but the document has {lines} "
                "records (numbered from 0)"
            )
    return found


def describe(document: dict[str, Any]) -> str:
    """One line: each piece of equipment with what it emitted and how it was reported."""
    default = document.get("source")
    parts = []
    for item in document.get("equipment", []):
        details = ", ".join(item[k] for k in ("type", "location") if item.get(k))
        name = " ".join(p for p in (item["id"], item.get("name", "")) if p)
        text = f"{name} ({details})" if details else name
        if item.get("records"):
            text += f": records {', '.join(map(str, item['records']))}"
        source = item.get("source") or default
        if source:
            text += f", {_source(source)}"
        parts.append(text)
    if not parts:
        return f"no equipment named; {_source(default)}" if default else "no equipment named"
    return "; ".join(parts)


def _source(source: str) -> str:
    return "entered by hand" if source == MANUAL else f"reported by device {source}"
