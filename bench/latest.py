"""bench/results/latest.json: the rows every benchmark writes, one file for all of them."""

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def saved() -> list[dict[str, Any]]:
    """The rows in the file (none when there is no file yet)."""
    return json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() else []


def write(rows: Iterable[dict[str, Any]]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(list(rows), indent=2, ensure_ascii=False) + "\n", "utf-8")


def merge(measured: Iterable[dict[str, Any]]) -> None:
    """Rows measured by one benchmark into the file: a row of the same name is replaced where it
    stands, a new one added at the end, the others left as they are."""
    rows = saved()
    names = [row["name"] for row in rows]
    for row in measured:
        if row["name"] in names:
            rows[names.index(row["name"])] = row
        else:
            rows.append(row)
            names.append(row["name"])
    write(rows)
