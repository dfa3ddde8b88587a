"""Shared data for the calculator tests: the seed documents and small hand-made libraries."""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
CODE_PATH = SEEDS / "calc" / "GB_calculate_20231001_0000.js"
EVIDENCE = "0x" + "2c" * 32


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def code() -> str:
    return _read(CODE_PATH)


def seed(kind: str, name: str) -> Any:
    """A fresh copy of a seed document, e.g. seed("factors", "GB_01_factor_20231001_0000")."""
    return json.loads(_read(SEEDS / kind / f"{name}.json"))


def gb01() -> tuple[dict[str, Any], dict[str, Any]]:
    return seed("factors", "GB_01_factor_20231001_0000"), seed(
        "formulas", "GB_01_formula_20231001_0000"
    )


def gb02() -> tuple[dict[str, Any], dict[str, Any]]:
    return seed("factors", "GB_02_factor_20231001_0000"), seed(
        "formulas", "GB_02_formula_20231001_0000"
    )


def activity(*records: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"title": "test", "records": [copy.deepcopy(r) for r in records], **extra}


COAL = {
    "fuel": "燃煤",
    "FC": 100,
    "unit": "t",
    "NCV": 26.7,
    "CC": 0.02858,
    "OF": 98,
    "evidence": EVIDENCE,
}
POWER = {"electricity": "净购入使用的电力", "AC": 10.45, "unit": "MWh"}
LIMESTONE = {"process_1": "石灰石", "B": 20.33, "unit": "t"}
GAS = {"fuel": "天然气", "FC": 210, "unit": "10^4Nm3"}
REGIONAL = {
    "electricity_regional": {"region": "华北", "data_year": "2022"},
    "AC": 3.2,
    "unit": "MWh",
}


def _factor(symbol: str, value: float | None, unit: str, **more: Any) -> dict[str, Any]:
    return {"symbol": symbol, "value": value, "desc": symbol, "unit": unit, "source": "test",
            "status": "inventory", **more}  # fmt: skip


def _param(value: str, unit: str = "") -> dict[str, Any]:
    return {"value": value, "symbol": "", "desc": value, "unit": unit}


def mini_factors() -> dict[str, Any]:
    """One group of each type plus one whose formula sums over sub-records."""
    return {
        "meta": {"index_name": "TEST_factor_20240101_0000"},
        "groups": {
            "steam": {
                "type": "co", "factorid": "T-01", "parameter_name": [], "desc": "",
                "activity": {"symbol": "AD", "desc": "", "unit": "GJ"},
                "negative_allowed": ["AD"],  # a net quantity: any finite value is plausible
                "data": [[_factor("EF", 0.11, "tCO2/GJ")]],
            },
            "fuel": {
                "type": "od", "factorid": "T-02", "parameter_name": ["name"], "desc": "",
                "activity": {"symbol": "FC", "desc": "", "unit": "t"},
                "data": [
                    [_param("coal"), _factor("NCV", 20.0, "GJ/t", range={"min": 15, "max": 30}),
                     _factor("CC", 0.03, "tC/GJ"), _factor("OF", 90, "%")],
                    [_param("gas", "10^4 Nm³"), _factor("NCV", 389.31, "GJ/10^4Nm3"),
                     _factor("CC", 0.01532, "tC/GJ"), _factor("OF", 99, "%")],
                    [_param("unknown-ncv"), _factor("NCV", None, "GJ/t"),
                     _factor("CC", 0.03, "tC/GJ"), _factor("OF", 100, "%")],
                ],
            },
            "grid": {
                "type": "sd", "factorid": "T-03", "parameter_name": ["region", "month"], "desc": "",
                "activity": {"symbol": "AC", "desc": "", "unit": "MWh"},
                "data": [
                    [_param("north"), _param("2023-01"), _factor("EF", 0.6, "tCO2/MWh")],
                    [_param("north"), _param("2023-02"), _factor("EF", 0.5, "tCO2/MWh")],
                    [_param("south"), _param("2023-01"), _factor("EF", 0.4, "tCO2/MWh")],
                ],
            },
            "feed": {
                "type": "co", "factorid": "T-04", "parameter_name": [], "desc": "",
                "activity": {"symbol": "P", "desc": "", "unit": "t"},
                "data": [[_factor("CCp", 0.8, "tC/t"), _factor("PUR", 95, "%")]],
            },
        },
    }  # fmt: skip


def mini_formulas(**overrides: str) -> dict[str, Any]:
    """Formulas over mini_factors(); keyword arguments replace an item's formula text."""
    texts = {
        "E_sum": "E_steam + E_fuel + E_grid + E_feed",
        "E_steam": "AD×EF",
        "E_fuel": "FC×NCV×CC×OF×44/12",
        "E_grid": "AC×EF",
        "E_feed": "[P×CCp − ∑(ADr×CCr×PUR)]×44/12",
    }
    texts.update(overrides)
    ids = {"E_sum": "T-00", "E_steam": "T-01", "E_fuel": "T-02", "E_grid": "T-03", "E_feed": "T-04"}
    return {
        "meta": {"index_name": "TEST_formula_20240101_0000"},
        "formulas": {
            key: {
                "type": "emission_summary" if key == "E_sum" else "emission_item",
                "formulaid": ids[key],
                "name": key,
                "formula": text,
                "factor": ids[key],
            }
            for key, text in texts.items()
        },
    }
