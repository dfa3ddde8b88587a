"""The 24 industries' libraries: how long checking them takes, and the costliest formula's speed.

Run alone: python -m bench.industries_bench [--records 20000]
`rows()` gives the measures as {"name", "value", "unit"} rows (plus a `note`), like
bench/calculator_bench.py:

- formula_libraries_check_ms: every seeds/formulas/GB_NN_formula_*.json (01 to 24) read from
  disk, validated against its JSON Schema and parsed and checked by `checkFormulas` of the
  published calculation code in the QuickJS sandbox, one sandbox call per library, as the
  deploy script does before publishing;
- calc_complex_formula_records_per_s: records per second through calculator.calculate_batch for
  the most complex item formula (the most syntax-tree nodes; the note says which), with records
  copied from that industry's sample document, in documents of 100 records.
"""

import argparse
import copy
import json
from pathlib import Path
from typing import Any

import reference_formulas

from bench.timing import best_of
from offchain.calc import calculator
from offchain.core.documents import load_file
from offchain.paths import SEEDS

CODE = SEEDS / "calc" / "GB_calculate_20231001_0000.js"
SAMPLES = SEEDS / "activity"


def formula_paths() -> list[Path]:
    paths = sorted((SEEDS / "formulas").glob("GB_[0-9][0-9]_formula_*.json"))
    industries = {p.name[3:5] for p in paths}
    if industries != {f"{n:02d}" for n in range(1, 25)}:
        raise SystemExit(f"expected formula libraries GB_01 to GB_24, found {sorted(industries)}")
    return paths


def _size(node: reference_formulas.Node) -> int:
    """Syntax-tree nodes; a sum(…) counts its body once (it runs once per sub-record)."""
    if isinstance(node, reference_formulas.Bin):
        return 1 + _size(node.left) + _size(node.right)
    if isinstance(node, reference_formulas.Neg):
        return 1 + _size(node.operand)
    if isinstance(node, reference_formulas.Sum):
        return 1 + _size(node.body)
    return 1


def most_complex_item(paths: list[Path]) -> tuple[str, str, dict[str, Any], int]:
    """(industry, item key, formula item, node count) of the largest emission_item formula."""
    best: tuple[str, str, dict[str, Any], int] | None = None
    for path in paths:
        library = json.loads(path.read_text(encoding="utf-8"))
        for key, item in library["formulas"].items():
            if item["type"] != "emission_item":
                continue
            size = _size(reference_formulas.parse(item["formula"]))
            if best is None or size > best[3]:
                best = (library["meta"]["industry_code"], key, item, size)
    assert best is not None
    return best


def _sample_records(industry: str, group: str) -> list[dict[str, Any]]:
    for path in sorted(SAMPLES.glob(f"gb{industry}_*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        found = [r for r in document["records"] if group in r]
        if found:
            return found
    raise SystemExit(f"no sample record of group {group!r} for industry {industry}")


def make_records(industry: str, group: str, activity: str, n: int) -> list[dict[str, Any]]:
    """n copies of the sample's records of `group`, the activity value varied per record."""
    base = _sample_records(industry, group)
    out = []
    for i in range(n):
        record = copy.deepcopy(base[i % len(base)])
        record[activity] = record[activity] * (1 + (i % 17) / 100)
        out.append(record)
    return out


def rows(n: int = 20_000, repeat: int = 3) -> list[dict[str, Any]]:
    code = CODE.read_text(encoding="utf-8")
    paths = formula_paths()
    formula_count = sum(len(json.loads(p.read_text(encoding="utf-8"))["formulas"]) for p in paths)

    def check_all() -> None:
        for path in paths:
            calculator.check_formulas(load_file(path, "formula-library"), code)

    check_s = best_of(check_all, repeat)

    industry, key, item, size = most_complex_item(paths)
    factors = load_file(
        SEEDS / "factors" / f"GB_{industry}_factor_20231001_0000.json", "factor-library"
    )
    formulas = load_file(
        SEEDS / "formulas" / f"GB_{industry}_formula_20231001_0000.json", "formula-library"
    )
    group = next(name for name, g in factors["groups"].items() if g["factorid"] == item["factor"])
    activity = factors["groups"][group]["activity"]["symbol"]
    records = make_records(industry, group, activity, n)
    docs = [{"title": f"bench {i}", "records": records[i : i + 100]} for i in range(0, n, 100)]
    results: list[Any] = []

    def batch() -> None:
        results[:] = calculator.calculate_batch(factors, formulas, code, docs)

    calc_s = best_of(batch, repeat)
    errors = [r for r in results if not isinstance(r, calculator.CalculationResult)]
    if errors:
        raise SystemExit(f"the benchmark documents were refused: {errors[0]}")
    subs = sum(len(r.get("items", [])) for r in records) / n
    return [
        {
            "name": "formula_libraries_check_ms",
            "value": round(check_s * 1000, 1),
            "unit": "ms",
            "note": f"{len(paths)} formula libraries, {formula_count} formulas: read, JSON Schema, "
            "checkFormulas in the QuickJS sandbox (one sandbox call per library)",
        },
        {
            "name": "calc_complex_formula_records_per_s",
            "value": round(n / calc_s),
            "unit": "records/s",
            "note": f"formula {item['formulaid']} ({key}, {size} syntax-tree nodes): "
            f"{item['formula']}; {n} records of group {group!r} averaging {subs:g} "
            f"sub-record(s), {len(docs)} documents of 100 in one calculate_batch call",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    for row in rows(args.records, args.repeat):
        print(f"{row['name']:40} {row['value']:>12,} {row['unit']}")
        print(f"{'':40} {row['note']}")


if __name__ == "__main__":
    main()
