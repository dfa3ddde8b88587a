"""The ISO family (ISO 14064-1 / GHG Protocol with IPCC 2006 defaults) beside GB.

Every expected number is worked out by hand from the published values — IPCC 2006 Vol. 2
Table 1.2 (NCV, TJ/Gg), Table 1.4 (CO2, kg/TJ), Table 2.2 (CH4 and N2O of the energy
industries, kg/TJ), AR5 GWPs (CH4 28, N2O 265), the MEE/NBS grid factors (kgCO2/kWh) — in the
comment beside it, not from the code: t / 1000 = Gg, Gg × TJ/Gg = TJ, TJ × kg/TJ = kg,
kg / 1000 = t; MWh × 1000 = kWh, kWh × kgCO2/kWh = kg.
"""

import json
import shutil
from decimal import Decimal
from typing import Any

import pytest

from offchain.actions.deploy import seed_documents
from offchain.calc import standards
from offchain.calc.calculator import CalculationResult, calculate
from offchain.calc.standards import MixedFamilyError, family_problem
from offchain.errors import CalculationError, DocumentError
from offchain.paths import SEEDS

ISO_FACTORS = SEEDS / "factors" / "ISO_01_factor_20260101_0000.json"
ISO_FORMULAS = SEEDS / "formulas" / "ISO_01_formula_20260101_0000.json"
ISO_CODE = SEEDS / "calc" / "ISO_calculate_20260101_0000.js"
GB_FACTORS = SEEDS / "factors" / "GB_01_factor_20231001_0000.json"
GB_CODE = SEEDS / "calc" / "GB_calculate_20231001_0000.js"


def iso(*records: dict[str, Any]) -> CalculationResult:
    chosen = standards.from_files(ISO_FACTORS, ISO_FORMULAS, ISO_CODE)
    document = {"title": "ISO test vector", "records": list(records)}
    return calculate(chosen.factors, chosen.formulas, chosen.code, document)


def fuel(name: str, tonnes: float) -> dict[str, Any]:
    return {"fuel": name, "FC": tonnes, "unit": "t"}


def electricity(region: str, year: str, mwh: float, covered: float, factor: float, **measured: Any):
    return {
        "electricity": {"region": region, "data_year": year},
        "AC": mwh,
        "unit": "MWh",
        "ACc": covered,
        "EFc": factor,
        **measured,
    }


def items(result: CalculationResult) -> dict[str, str]:
    return result.to_json()["items"]


# -- scope 1, CO2 -----------------------------------------------------------------------------

# 1000 t = 1 Gg of each fuel: NCV (TJ/Gg) × EFco2 (kg/TJ) kg = that / 1000 t CO2.
CO2_PER_KILOTONNE = [
    ("Anthracite", "2624.610000"),  # 26.7 × 98 300 = 2 624 610 kg
    ("Other Bituminous Coal", "2440.680000"),  # 25.8 × 94 600 = 2 440 680 kg
    ("Sub-Bituminous Coal", "1816.290000"),  # 18.9 × 96 100 = 1 816 290 kg
    ("Lignite", "1201.900000"),  # 11.9 × 101 000 = 1 201 900 kg
    ("Natural Gas", "2692.800000"),  # 48.0 × 56 100 = 2 692 800 kg
    ("Liquefied Petroleum Gases", "2984.630000"),  # 47.3 × 63 100 = 2 984 630 kg
    ("Gas/Diesel Oil", "3186.300000"),  # 43.0 × 74 100 = 3 186 300 kg
    ("Residual Fuel Oil", "3126.960000"),  # 40.4 × 77 400 = 3 126 960 kg
    ("Motor Gasoline", "3069.990000"),  # 44.3 × 69 300 = 3 069 990 kg
]


@pytest.mark.parametrize(("name", "expected"), CO2_PER_KILOTONNE)
def test_scope_1_co2_of_a_kilotonne_is_ncv_times_the_co2_factor(name, expected):
    assert items(iso(fuel(name, 1000)))["E_fuel_co2"] == expected


# -- scope 1, several gases ---------------------------------------------------------------------


def test_natural_gas_gives_co2_ch4_and_n2o_each_in_co2e():
    # 200 t = 0.2 Gg × 48.0 TJ/Gg = 9.6 TJ.
    # CO2 9.6 × 56 100 = 538 560 kg = 538.56 t
    # CH4 9.6 × 1 = 9.6 kg = 0.0096 t × 28 = 0.2688 tCO2e
    # N2O 9.6 × 0.1 = 0.96 kg = 0.00096 t × 265 = 0.2544 tCO2e
    result = items(iso(fuel("Natural Gas", 200)))
    assert result["E_fuel_co2"] == "538.560000"
    assert result["E_fuel_ch4"] == "0.268800"
    assert result["E_fuel_n2o"] == "0.254400"
    assert result["E_fuel_co2e"] == "539.083200"  # 538.56 + 0.2688 + 0.2544


def test_diesel_uses_the_liquid_fuel_ch4_and_n2o_factors():
    # 50 t = 0.05 Gg × 43.0 = 2.15 TJ; CO2 2.15 × 74 100 = 159 315 kg
    # CH4 2.15 × 3 = 6.45 kg × 28 = 180.6 kg CO2e; N2O 2.15 × 0.6 = 1.29 kg × 265 = 341.85 kg
    result = items(iso(fuel("Gas/Diesel Oil", 50)))
    assert result["E_fuel_co2"] == "159.315000"
    assert result["E_fuel_ch4"] == "0.180600"
    assert result["E_fuel_n2o"] == "0.341850"
    assert result["E_fuel_co2e"] == "159.837450"


def test_coal_and_gas_together_add_per_gas_across_records():
    # Coal 1000 t: 25.8 TJ; CO2 2440.68 t; CH4 25.8 kg × 28 = 0.7224 t; N2O 25.8 × 1.5 = 38.7 kg
    # × 265 = 10.2555 t.  Gas 200 t as above: 538.56, 0.2688, 0.2544.
    result = items(iso(fuel("Other Bituminous Coal", 1000), fuel("Natural Gas", 200)))
    assert result["E_fuel_co2"] == "2979.240000"
    assert result["E_fuel_ch4"] == "0.991200"  # 0.7224 + 0.2688
    assert result["E_fuel_n2o"] == "10.509900"  # 10.2555 + 0.2544
    assert result["E_fuel_co2e"] == "2990.741100"


def test_a_measured_ncv_replaces_the_ipcc_default():
    # 1000 t = 1 Gg × 24.0 TJ/Gg (measured) × 94 600 kg/TJ = 2 270 400 kg
    record = {**fuel("Other Bituminous Coal", 1000), "NCV": 24.0, "evidence": "0x" + "ab" * 32}
    assert items(iso(record))["E_fuel_co2"] == "2270.400000"


def test_a_fuel_reported_in_kilograms_is_refused_not_converted():
    with pytest.raises(CalculationError, match="unit"):
        iso({"fuel": "Natural Gas", "FC": 200000, "unit": "kg"})


# -- scope 2 ----------------------------------------------------------------------------------


def test_location_based_uses_the_grid_factor_of_the_row_and_its_data_year():
    # 500 MWh = 500 000 kWh × 0.5306 kg/kWh (全国 2023) = 265 300 kg; 华北 2022: × 0.6776
    assert items(iso(electricity("全国", "2023", 500, 0, 0)))["E_electricity_location"] == (
        "265.300000"
    )
    # a regional grid publishes no residual mix: the record gives one (the national 2022 value)
    regional = electricity("华北", "2022", 500, 0, 0, EFrm=0.5856, evidence="0x" + "cd" * 32)
    assert items(iso(regional))["E_electricity_location"] == "338.800000"


def test_market_based_without_instruments_is_the_residual_mix():
    # 500 000 kWh × 0.6096 kg/kWh (全国 2023, excluding market-traded non-fossil) = 304 800 kg
    assert items(iso(electricity("全国", "2023", 500, 0, 0)))["E_electricity_market"] == (
        "304.800000"
    )


def test_market_based_counts_certificates_at_their_factor_and_the_rest_at_the_residual_mix():
    # 200 MWh of certificates at 0 + 300 000 kWh × 0.6096 = 182 880 kg
    assert items(iso(electricity("全国", "2023", 500, 200, 0)))["E_electricity_market"] == (
        "182.880000"
    )
    # a supplier-specific rate of 0.25 kg/kWh: 200 000 × 0.25 = 50 000 kg + 182 880 kg
    assert items(iso(electricity("全国", "2023", 500, 200, 0.25)))["E_electricity_market"] == (
        "232.880000"
    )


def test_both_scope_2_results_are_reported_and_the_total_counts_the_location_based_one():
    # scope 1 of coal + gas 2990.7411 (above) + location-based 265.3; market-based 182.88 beside
    result = iso(
        fuel("Other Bituminous Coal", 1000),
        fuel("Natural Gas", 200),
        electricity("全国", "2023", 500, 200, 0),
    )
    assert items(result)["E_electricity_location"] == "265.300000"
    assert items(result)["E_electricity_market"] == "182.880000"
    assert result.total == Decimal("3256.041100")


def test_a_regional_grid_has_no_residual_mix_so_the_record_must_give_it():
    with pytest.raises(CalculationError, match="no default value for EFrm"):
        iso(electricity("华东", "2023", 500, 0, 0))


def test_a_residual_mix_given_by_the_record_is_used_and_listed_as_self_measured():
    # 华东 2023: location 500 000 × 0.55 = 275 000 kg; market 500 000 × 0.62 (given) = 310 000 kg
    result = iso(electricity("华东", "2023", 500, 0, 0, EFrm=0.62, evidence="0x" + "cd" * 32))
    assert items(result)["E_electricity_location"] == "275.000000"
    assert items(result)["E_electricity_market"] == "310.000000"
    assert result.self_measured[0]["values"] == {"EFrm": 0.62}


def test_the_sample_activity_document_computes_to_its_declared_total():
    chosen = standards.from_files(ISO_FACTORS, ISO_FORMULAS, ISO_CODE)
    document = json.loads((SEEDS / "activity" / "iso_example.json").read_text("utf-8"))
    result = calculate(chosen.factors, chosen.formulas, chosen.code, document)
    assert (result.total, result.warnings) == (Decimal(document["total"]), [])


# -- the library itself -----------------------------------------------------------------------


def test_every_ipcc_value_names_its_table_and_status():
    library = json.loads(ISO_FACTORS.read_text("utf-8"))
    for row in library["groups"]["fuel"]["data"]:
        for cell in row[1:]:
            table = "Table 8.7" if cell["symbol"].startswith("GWP") else "Table "
            assert table in cell["source"] and cell["status"] in ("confirmed", "secondary")


def test_the_gwps_are_those_of_ar5_on_every_row():
    library = json.loads(ISO_FACTORS.read_text("utf-8"))
    for row in library["groups"]["fuel"]["data"]:
        gwp = {c["symbol"]: c["value"] for c in row[1:] if c["symbol"].startswith("GWP")}
        assert gwp == {"GWPch4": 28, "GWPn2o": 265}


def test_the_iso_family_runs_the_same_calculation_code_as_gb():
    # The formula language is the same, so the family's code is GB's, published under its name.
    assert ISO_CODE.read_bytes() == GB_CODE.read_bytes()


# -- families ---------------------------------------------------------------------------------


def test_names_of_one_family_are_accepted():
    assert family_problem(["ISO_01_factor_20260101_0000", "ISO_calculate_20260101_0000"]) is None


def test_a_set_mixing_families_is_described_by_family():
    problem = family_problem(["GB_01_factor_20231001_0000", "ISO_01_formula_20260101_0000"])
    assert problem is not None
    assert "GB: GB_01_factor_20231001_0000; ISO: ISO_01_formula_20260101_0000" in problem


def test_gb_factors_with_iso_formulas_are_refused_offline():
    with pytest.raises(MixedFamilyError, match="mixes families"):
        standards.from_files(GB_FACTORS, ISO_FORMULAS, ISO_CODE)


def test_the_deploy_publishes_the_iso_family_with_its_own_code():
    names = {seed.name for seed in seed_documents()}
    assert {
        "ISO_calculate_20260101_0000",
        "ISO_01_factor_20260101_0000",
        "ISO_01_formula_20260101_0000",
    } <= names


def test_a_family_without_calculation_code_is_refused_before_publishing(tmp_path):
    for folder in ("calc", "factors", "formulas"):
        (tmp_path / folder).mkdir()
    shutil.copy(GB_CODE, tmp_path / "calc")
    shutil.copy(ISO_FORMULAS, tmp_path / "formulas")
    with pytest.raises(DocumentError, match="no calculation code ISO_calculate_"):
        list(seed_documents(tmp_path))
