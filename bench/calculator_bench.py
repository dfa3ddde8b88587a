"""Calculator throughput: records per second in the QuickJS sandbox and in plain Python.

Run alone: python -m bench.calculator_bench [--records 100000]
`rows()` gives the same measures as rows for bench/run.py.

Uses the GB_01 seed libraries and
a mix of records cycling through: coal with three self-measured factors and evidence, fuel oil,
natural gas, diesel (library defaults), purchased power (co), regional power (sd), limestone
(percent factors), coal again with other measured values. A quarter of the records therefore
carry self-measured values, reported in the result (one self_measured entry per record).
"""

import argparse
import json
import resource
from pathlib import Path
from typing import Any

import reference_formulas

from bench.timing import best_of
from offchain.calc import calculator, sandbox
from offchain.calc.sandbox import Limits
from offchain.paths import SEEDS


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def make_records(n: int, measured: bool = True) -> list[dict[str, Any]]:
    """The mix above; without `measured` coal is replaced by fuel oil (library defaults only)."""
    evidence = "0x" + "2c" * 32
    records: list[dict[str, Any]] = []
    for i in range(n):
        kind = i % 8
        if kind in (0, 7) and not measured:
            kind = 1
        if kind in (0, 7):
            records.append(
                {
                    "fuel": "燃煤",
                    "FC": 100 + i % 17,
                    "unit": "t",
                    "NCV": 20 + (i % 600) / 100,
                    "CC": 0.0286 + (i % 200) / 100000,
                    "OF": 90 + i % 9,
                    "evidence": evidence,
                }
            )
        elif kind == 1:
            records.append({"fuel": "燃料油", "FC": 12 + i % 5, "unit": "t"})
        elif kind == 2:
            records.append({"fuel": "天然气", "FC": 21 + i % 7, "unit": "10^4Nm3"})
        elif kind == 3:
            records.append({"fuel": "柴油", "FC": 3.5 + i % 3, "unit": "t"})
        elif kind == 4:
            records.append({"electricity": "净购入使用的电力", "AC": 10.45 + i % 3, "unit": "MWh"})
        elif kind == 5:
            region = {"region": "华北", "data_year": "2022"}
            records.append({"electricity_regional": region, "AC": 3.2 + i % 4, "unit": "MWh"})
        else:
            records.append({"process_1": "石灰石", "B": 20.33 + i % 3, "unit": "t"})
    return records


def _smallest_memory_limit(code: str, payload: str) -> int:
    """The smallest QuickJS memory limit (MiB) under which the batch still completes."""
    low, high = 1, 1024
    while low < high:
        mid = (low + high) // 2
        try:
            sandbox.call(code, "calculateBatch", payload, Limits(memory_bytes=mid * sandbox.MIB))
            high = mid
        except sandbox.SandboxError:
            low = mid + 1
    return low


def rows(n: int = 100_000, repeat: int = 3) -> list[dict[str, Any]]:
    """The measures as {"name", "value", "unit"} rows (the shape bench/run.py prints)."""
    factors = _load(SEEDS / "factors" / "GB_01_factor_20231001_0000.json")
    formulas = _load(SEEDS / "formulas" / "GB_01_formula_20231001_0000.json")
    code = (SEEDS / "calc" / "GB_calculate_20231001_0000.js").read_text(encoding="utf-8")
    records = make_records(n)
    shapes = {
        f"1 doc x {n}": [{"title": "bench", "records": records}],
        f"{n // 100} docs x 100": [
            {"title": f"bench {i}", "records": records[i : i + 100]} for i in range(0, n, 100)
        ],
        f"1 doc x {n}, defaults only": [{"title": "d", "records": make_records(n, False)}],
    }
    out: list[dict[str, Any]] = []
    for shape, docs in shapes.items():
        payload = json.dumps(
            {"factors": factors, "formulas": formulas, "activities": docs},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        measures = {
            "sandbox": lambda p=payload: sandbox.call(code, "calculateBatch", p),
            "Python API": lambda d=docs: calculator.calculate_batch(factors, formulas, code, d),
            "plain Python": lambda d=docs: reference_formulas.calculate_batch(factors, formulas, d),
        }
        seconds = {name: best_of(fn, repeat) for name, fn in measures.items()}
        for name, s in seconds.items():
            out.append({"name": f"{shape}: {name}", "value": round(n / s), "unit": "records/s"})
        ratio = seconds["sandbox"] / seconds["plain Python"]
        out.append({"name": f"{shape}: sandbox ÷ plain Python", "value": ratio, "unit": "× time"})
        limit = _smallest_memory_limit(code, payload)
        out.append({"name": f"{shape}: QuickJS heap needed", "value": limit, "unit": "MiB"})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    out.append({"name": "peak RSS of this process", "value": peak, "unit": "MiB"})
    return _headline(out, n) + out


def _headline(out: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The rows other tools read by name: many documents of the main mix in one sandbox call."""
    by_name = {row["name"]: row["value"] for row in out}
    shape = f"{n // 100} docs x 100"
    return [
        {"name": "calc_records_per_s", "value": by_name[f"{shape}: sandbox"], "unit": "records/s"},
        {
            "name": "calc_sandbox_over_python_time",
            "value": round(by_name[f"{shape}: sandbox ÷ plain Python"], 2),
            "unit": "× time",
        },
        {
            "name": "calc_quickjs_heap_mib",
            "value": by_name[f"{shape}: QuickJS heap needed"],
            "unit": "MiB",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    for row in rows(args.records, args.repeat):
        value = row["value"]
        shown = f"{value:14,}" if isinstance(value, int) else f"{value:14.2f}"
        print(f"{row['name']:48} {shown} {row['unit']}")


if __name__ == "__main__":
    main()
