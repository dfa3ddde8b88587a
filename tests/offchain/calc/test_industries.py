"""Issue 3: the formula and factor libraries of all 24 industries, and the formula language.

Every sample document (seeds/activity/gbNN_*_example.json) is computed by the published
JavaScript through offchain.calculator and compared with EXPECTED, hard-coded below. EXPECTED
was derived independently of the calculation code: industries_expected.py writes out each
sample's arithmetic by hand with Decimal (no formula parsing, no library reading, not
tests/support/reference_formulas.py), and a test checks that it still gives these strings.
The raw transcribed formulas come from industries_transcription.py, a verbatim copy of
reference/gb24_emission_sources.csv.
"""

import copy
import csv
import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from calc_support import SEEDS, code
from industries_expected import SUBTRACTED, SUM_CASES, evaluate, evaluate_sum_case
from industries_transcription import TRANSCRIBED

from offchain.actions.deploy import seed_documents
from offchain.calc.calculator import CalculationResult, calculate, check_formulas
from offchain.core.documents import Kind, load_file
from offchain.errors import CalculationError, FormulaSyntaxError

ALL = [f"{n:02d}" for n in range(1, 25)]
NEW = [f"{n:02d}" for n in range(3, 25)]
CSV = Path("/work/shared/reference/gb24_emission_sources.csv")
SAMPLE = {
    "03": "gb03_steel_example",
    "04": "gb04_chemical_example",
    "05": "gb05_aluminium_example",
    "06": "gb06_magnesium_example",
    "07": "gb07_glass_example",
    "08": "gb08_cement_example",
    "09": "gb09_ceramics_example",
    "10": "gb10_aviation_example",
    "11": "gb11_coking_example",
    "12": "gb12_coal_mining_example",
    "13": "gb13_oil_gas_example",
    "14": "gb14_petrochemical_example",
    "15": "gb15_paper_example",
    "16": "gb16_nonferrous_example",
    "17": "gb17_electronics_example",
    "18": "gb18_machinery_example",
    "19": "gb19_mining_example",
    "20": "gb20_food_example",
    "21": "gb21_building_example",
    "22": "gb22_transport_example",
    "23": "gb23_fluorochemical_example",
    "24": "gb24_other_industry_example",
}

EXPECTED: dict[str, dict] = {
    "03": {
        "total": "270027.020659",
        "items": {
            "E_fuel": "150068.820659",
            "E_electricity": "108066.000000",
            "E_hot": "2705.000000",
            "E_process_1": "17138.000000",
            "E_process_2": "4561.200000",
            "E_process_3": "2580.000000",
            "E_fixed_carbon": "15092.000000",
        },
    },
    "04": {
        "total": "507256.464490",
        "items": {
            "E_fuel": "180868.309156",
            "E_electricity": "139440.000000",
            "E_hot": "1989.000000",
            "E_process_1": "178933.333333",
            "E_process_2": "1213.572000",
            "E_process_3": "53816.000000",
            "E_process_4": "0.000000",
            "E_co2_recovery": "49003.750000",
        },
    },
    "05": {
        "total": "1170455.898235",
        "items": {
            "E_fuel": "21047.298235",
            "E_electricity": "941220.000000",
            "E_hot": "0.000000",
            "E_stuff": "175890.000000",
            "E_process_1": "30273.600000",
            "E_process_2": "2025.000000",
        },
    },
    "06": {
        "total": "202781.972000",
        "items": {
            "E_fuel": "111059.872000",
            "E_electricity": "30212.000000",
            "E_hot": "658.800000",
            "E_stuff": "9060.000000",
            "E_process_1": "51791.300000",
        },
    },
    "07": {
        "total": "160333.173502",
        "items": {
            "E_fuel": "93784.053502",
            "E_electricity": "35441.000000",
            "E_hot": "0.000000",
            "E_stuff_oxidize": "467.500000",
            "E_resolve": "30640.620000",
        },
    },
    "08": {
        "total": "1045107.263200",
        "items": {
            "E_fuel": "341279.523200",
            "E_electricity": "56938.000000",
            "E_hot": "0.000000",
            "E_abiotic_fuel": "4270.400000",
            "E_resolve": "632169.340000",
            "E_incineration": "10450.000000",
        },
    },
    "09": {
        "total": "33656.232948",
        "items": {
            "E_fuel": "23105.747234",
            "E_electricity": "9063.600000",
            "E_process_1": "1486.885714",
        },
    },
    "10": {
        "total": "277110.477686",
        "items": {
            "E_fuel": "262532.474006",
            "E_electricity": "12201.000000",
            "E_hot": "1008.000000",
            "E_biomass_fuel": "1369.003680",
        },
    },
    "11": {
        "total": "223583.278400",
        "items": {
            "E_fuel": "91447.686000",
            "E_electricity": "43575.000000",
            "E_hot": "598.712400",
            "E_steam": "14829.430000",
            "E_co2_recovery": "6727.550000",
            "E_process_1": "65266.666667",
            "E_process_2": "14593.333333",
        },
    },
    "12": {
        "total": "648728.390547",
        "items": {
            "E_fuel": "38830.146667",
            "E_electricity": "75530.000000",
            "E_hot": "373.043880",
            "E_steam": "0.000000",
            "E_torch": "831.600000",
            "E_under_mining_escape_ch4": "448698.600000",
            "E_under_mining_escape_co2": "8865.000000",
            "E_open_mining_escape_ch4": "0.000000",
            "E_after_mining_escape_ch4": "75600.000000",
        },
    },
    "13": {
        "total": "237320.996993",
        "items": {
            "E_fuel": "121632.382098",
            "E_electricity": "151060.000000",
            "E_hot": "0.000000",
            "E_steam": "0.000000",
            "E_torch": "1345.986667",
            "E_torch_accident": "0.000000",
            "E_torch_ch4": "180.684000",
            "E_torch_accident_ch4": "0.000000",
            "E_process_ch4_well_testing": "1842.976800",
            "E_mine_ch4_evacuation": "0.000000",
            "E_fugitive_emission": "5.796000",
            "E_process_evacuation_ch4": "0.000000",
            "E_process_co2_evacuation": "7091.071429",
            "E_fugitive_emission_ch4": "0.000000",
            "E_transport_ch4_evacuation": "0.000000",
            "E_oil_transport_fugitive_emission": "0.000000",
            "E_gas_transport_fugitive_emission": "0.000000",
            "E_co2_recovery": "2925.450000",
            "E_ch4_recovery": "42912.450000",
        },
    },
    "14": {
        "total": "756177.193856",
        "items": {
            "E_fuel": "155779.387456",
            "E_electricity": "238210.000000",
            "E_hot": "0.000000",
            "E_steam": "98631.702000",
            "E_torch": "0.000000",
            "E_torch_accident": "0.000000",
            "E_process_1": "83545.000000",
            "E_process_2": "2644.693333",
            "E_process_3": "0.000000",
            "E_process_4": "160746.666667",
            "E_process_5": "0.000000",
            "E_process_6": "0.000000",
            "E_process_7": "0.000000",
            "E_process_8": "3616.920000",
            "E_process_9": "0.000000",
            "E_process_10": "15326.666667",
            "E_co2_recovery": "2336.420000",
            "E_process_11": "12.577733",
            "E_process_12": "0.000000",
        },
    },
    "15": {
        "total": "318779.020000",
        "items": {
            "E_fuel": "193070.020000",
            "E_electricity": "87150.000000",
            "E_hot": "4260.000000",
            "E_process_1": "3240.000000",
            "E_anaerobic": "31059.000000",
        },
    },
    "16": {
        "total": "324679.192357",
        "items": {
            "E_fuel": "49004.879357",
            "E_electricity": "197540.000000",
            "E_hot": "0.000000",
            "E_stuff": "75500.000000",
            "E_process_1": "2634.313000",
        },
    },
    "17": {
        "total": "248418.706049",
        "items": {
            "E_fuel": "3247.522799",
            "E_electricity": "244020.000000",
            "E_hot": "0.000000",
            "E_process_1": "1151.183250",
        },
    },
    "18": {
        "total": "54787.203920",
        "items": {
            "E_fuel": "6929.321567",
            "E_electricity": "32536.000000",
            "E_hot": "0.000000",
            "E_process_1": "15296.000000",
            "E_process_2": "25.882353",
        },
    },
    "19": {
        "total": "245598.148912",
        "items": {
            "E_fuel": "9287.728912",
            "E_electricity": "51128.000000",
            "E_hot": "0.000000",
            "E_steam": "0.000000",
            "E_process_1": "193712.600000",
            "E_process_2": "8530.180000",
        },
    },
    "20": {
        "total": "57918.982137",
        "items": {
            "E_fuel": "17753.124637",
            "E_electricity": "24402.000000",
            "E_hot": "3225.000000",
            "E_process_1": "208.857500",
            "E_process_2": "1998.000000",
            "E_anaerobic": "10332.000000",
        },
    },
    "21": {
        "total": "17511.957907",
        "items": {
            "E_fuel": "1033.057907",
            "E_electricity": "10748.500000",
            "E_hot": "5730.400000",
        },
    },
    "22": {
        "total": "21575.388131",
        "items": {
            "E_fuel_1": "19584.261464",
            "E_fuel_2": "112.860000",
            "E_electricity": "1859.200000",
            "E_hot": "0.000000",
            "E_steam": "0.000000",
            "E_purification": "19.066667",
        },
    },
    "23": {
        "total": "2449423.896681",
        "items": {
            "E_fuel": "25980.182395",
            "E_electricity": "122010.000000",
            "E_hot": "0.000000",
            "E_steam": "0.000000",
            "E_process_hcfc22": "2106000.000000",
            "E_hfc23_destroy": "433.714286",
            "E_process_escape": "195000.000000",
        },
    },
    "24": {
        "total": "117115.965600",
        "items": {
            "E_fuel": "62002.776000",
            "E_electricity": "41832.000000",
            "E_hot": "0.000000",
            "E_steam": "11951.544000",
            "E_process_1": "495.981600",
            "E_anaerobic": "9912.000000",
            "E_co2_recovery": "1347.480000",
            "E_ch4_recovery": "6143.256000",
            "E_ch4_destroy": "1587.600000",
        },
    },
}

# The sum(…) cases of industries_expected.SUM_CASES, evaluated by hand there.
SUM_EXPECTED = {
    "04-04": "172700.000000",
    "11-06": "116600.000000",
    "11-07": "11293.333333",
    "12-05": "808.500000",
    "14-16": "6526.666667",
    "16-05": "2302.153000",
    "17-04": "500.715450",
    "18-04": "15104.800000",
    "19-05": "183794.600000",
}

# The transcribed formulas that do not parse: (formula id, item, position, what was expected).
RAW_REFUSED = {
    "05-05": (
        "E_process_1",
        24,
        "mismatched ')'",
        "expected operator or ']' to close '[' at position 1",
    ),
    "06-05": ("E_process_1", 5, "unexpected '='", "a formula is the right-hand side only"),
    "14-08": ("E_process_2", 19, "unbalanced ']'", "expected operator or end"),
    "14-14": (
        "E_process_8",
        34,
        "mismatched ']'",
        "expected operator or ')' to close '(' at position 8",
    ),
    "23-02": ("E_electricity", 2, "unexpected '='", "a formula is the right-hand side only"),
}

# ---------------------------------------------------------------- helpers


@cache
def _load(folder: str, name: str, kind: Kind) -> Any:
    """Read and schema-checked once per session; callers get their own copy."""
    return load_file(SEEDS / folder / f"{name}.json", kind)


def factors(industry: str) -> Any:
    return copy.deepcopy(_load("factors", f"GB_{industry}_factor_20231001_0000", "factor-library"))


def formulas(industry: str) -> Any:
    name = f"GB_{industry}_formula_20231001_0000"
    return copy.deepcopy(_load("formulas", name, "formula-library"))


def sample(industry: str) -> Any:
    return copy.deepcopy(_load("activity", SAMPLE[industry], "activity"))


def run(industry: str, document: dict[str, Any]) -> CalculationResult:
    return calculate(factors(industry), formulas(industry), code(), document)


def items_of(industry: str) -> dict[str, Any]:
    return {k: f for k, f in formulas(industry)["formulas"].items() if f["type"] == "emission_item"}


def summary_of(industry: str) -> dict[str, Any]:
    return next(
        f for f in formulas(industry)["formulas"].values() if f["type"] == "emission_summary"
    )


def rhs(transcribed: str) -> str:
    """The right-hand side of a transcribed formula: everything after its first '='."""
    return transcribed.split("=", 1)[1]


def signed_terms(summary: str) -> dict[str, str]:
    """E_x -> '+' or '-' for a summary that is a flat sum of item names."""
    text = re.sub(r"\s+", "", summary)
    terms = re.findall(r"([+\-−]?)(E_[A-Za-z0-9_]+)", text)
    assert "".join(sign + name for sign, name in terms) == text, summary
    return {name: "-" if sign in ("-", "−") else "+" for sign, name in terms}


def six(value: Decimal) -> str:
    return f"{value:f}"


def factor_cells(industry: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for gname, group in factors(industry)["groups"].items():
        nparams = len(group["parameter_name"])
        for row in group["data"]:
            out.extend((gname, cell) for cell in row[nparams:])
    return out


# ---------------------------------------------------------------- the libraries


@pytest.mark.parametrize("industry", ALL)
def test_factor_and_formula_libraries_validate_against_their_schemas(industry):
    assert factors(industry)["meta"]["industry_code"] == industry
    assert formulas(industry)["meta"]["industry_code"] == industry


@pytest.mark.parametrize("industry", NEW)
def test_meta_names_the_file_and_the_industry_in_chinese(industry):
    name = TRANSCRIBED[f"{industry}-01"][0]
    fac, frm = factors(industry)["meta"], formulas(industry)["meta"]
    assert fac["index_name"] == f"GB_{industry}_factor_20231001_0000"
    assert frm["index_name"] == f"GB_{industry}_formula_20231001_0000"
    assert fac["name"] == f"国标因子库-{name}"
    assert frm["name"] == f"国标计算公式-{name}"


@pytest.mark.parametrize("industry", ALL)
def test_every_formula_of_every_library_passes_check_formulas(industry):
    library = formulas(industry)
    ids = check_formulas(library, code())
    assert sorted(ids) == sorted(f["formulaid"] for f in library["formulas"].values())


def test_the_deploy_script_publishes_a_factor_and_a_formula_library_for_all_24_industries():
    names = {seed.name for seed in seed_documents()}
    for industry in ALL:
        assert f"GB_{industry}_factor_20231001_0000" in names
        assert f"GB_{industry}_formula_20231001_0000" in names


@pytest.mark.parametrize("industry", NEW)
def test_every_item_links_to_the_factor_group_named_by_the_transcription(industry):
    groups = factors(industry)["groups"]
    by_id = {g["factorid"]: name for name, g in groups.items()}
    items = items_of(industry)
    assert len(by_id) == len(groups) == len(items)
    for key, item in items.items():
        assert item["factor"] == item["formulaid"]
        group = by_id[item["factor"]]
        assert key == f"E_{group}"
        symbol = TRANSCRIBED[item["formulaid"]][1]
        # 18-05's symbol column repeats process_1; its formula and the summary say process_2
        assert group == symbol or (item["formulaid"] == "18-05" and group == "process_2")


@pytest.mark.parametrize("industry", NEW)
def test_every_csv_source_of_the_industry_is_an_item_of_its_library(industry):
    ids = {f["formulaid"] for f in items_of(industry).values()}
    expected = {i for i in TRANSCRIBED if i.startswith(industry + "-") and not i.endswith("-00")}
    assert ids == expected


@pytest.mark.parametrize("industry", NEW)
def test_the_summary_is_the_transcribed_one_and_names_every_item(industry):
    summary = summary_of(industry)
    assert summary["formulaid"] == f"{industry}-00"
    assert summary["formula"] == rhs(TRANSCRIBED[f"{industry}-00"][2]).strip()
    assert set(signed_terms(summary["formula"])) == set(items_of(industry))


@pytest.mark.parametrize("industry", NEW)
def test_recoveries_fixed_carbon_and_absorbed_co2_are_subtracted_in_the_summary(industry):
    signs = signed_terms(summary_of(industry)["formula"])
    minus = {name for name, sign in signs.items() if sign == "-"}
    assert minus == set(SUBTRACTED.get(industry, ()))
    for name in signs:
        # (E_hfc23_destroy is the CO2 that destroying HFC-23 emits: it is added)
        if re.search(r"recovery|ch4_destroy|fixed_carbon", name):
            assert name in minus


@pytest.mark.parametrize("industry", NEW)
def test_an_uncorrected_formula_is_the_transcribed_text(industry):
    for item in items_of(industry).values():
        if "corrected" not in item:
            assert item["formula"] == rhs(TRANSCRIBED[item["formulaid"]][2])


def corrected_items() -> list[tuple[str, str]]:
    out = []
    for industry in NEW:
        for key, item in items_of(industry).items():
            if "corrected" in item:
                out.append((item["formulaid"], key))
    return out


@pytest.mark.parametrize(("formula_id", "key"), corrected_items())
def test_a_corrected_formula_says_what_the_transcription_was_and_that_it_was_not_checked(
    formula_id, key
):
    item = items_of(formula_id[:2])[key]
    raw = rhs(TRANSCRIBED[formula_id][2])
    if formula_id == "18-05":  # the group name was corrected, not the text
        assert item["formula"] == raw
        assert "process_2" in item["corrected"]
    else:
        assert item["formula"] != raw
        assert raw in item["corrected"] or raw.split("=")[-1] in item["corrected"]
    assert "未与指南原文核对" in item["corrected"]


def test_the_corrections_include_every_formula_that_does_not_parse():
    assert set(RAW_REFUSED) <= {formula_id for formula_id, _ in corrected_items()}


# ---------------------------------------------------------------- transcription errors


@pytest.mark.parametrize("formula_id", sorted(RAW_REFUSED))
def test_a_raw_transcribed_formula_that_does_not_parse_is_refused_with_its_id_and_position(
    formula_id,
):
    key, position, what, expected = RAW_REFUSED[formula_id]
    library = copy.deepcopy(formulas(formula_id[:2]))
    library["formulas"][key]["formula"] = rhs(TRANSCRIBED[formula_id][2])
    with pytest.raises(FormulaSyntaxError) as caught:
        check_formulas(library, code())
    message = str(caught.value)
    assert message.startswith(f"formula {formula_id} ({key}): {what} at position {position}; ")
    assert expected in message


@pytest.mark.parametrize("formula_id", sorted(RAW_REFUSED))
def test_the_deploy_check_refuses_a_library_holding_a_raw_transcribed_formula(formula_id, tmp_path):
    key, position, _, _ = RAW_REFUSED[formula_id]
    industry = formula_id[:2]
    seeds = tmp_path / "seeds"
    for folder in ("calc", "formulas"):
        (seeds / folder).mkdir(parents=True)
    (seeds / "calc" / "GB_calculate_20231001_0000.js").write_text(code(), encoding="utf-8")
    library = formulas(industry)
    library["formulas"][key]["formula"] = rhs(TRANSCRIBED[formula_id][2])
    name = library["meta"]["index_name"]
    (seeds / "formulas" / f"{name}.json").write_text(
        json.dumps(library, ensure_ascii=False), encoding="utf-8"
    )
    with pytest.raises(
        FormulaSyntaxError, match=rf"formula {formula_id} .* at position {position}"
    ):
        list(seed_documents(seeds))


def test_the_transcription_copy_equals_the_reference_csv():
    if not CSV.exists():
        pytest.skip(f"{CSV} is not available here")
    with CSV.open(encoding="utf-8") as handle:
        rows = {
            r["source_id"]: (r["industry_name"], r["symbol"], r["formula_as_transcribed"])
            for r in csv.DictReader(handle)
        }
    assert rows == TRANSCRIBED


def test_unicode_minus_and_spaced_times_of_the_transcription_are_kept_and_parse():
    texts = [f["formula"] for i in NEW for f in items_of(i).values()]
    assert any("−" in t for t in texts)
    assert any(" × " in t for t in texts)
    assert any("∑(" in t for t in texts) and any("sum(" in t for t in texts)


# ---------------------------------------------------------------- factor values


@pytest.mark.parametrize("industry", NEW)
def test_every_factor_value_carries_its_source_and_a_null_value_is_unconfirmed(industry):
    for _, cell in factor_cells(industry):
        assert cell["source"] and cell["status"] in (
            "confirmed",
            "secondary",
            "inventory",
            "unconfirmed",
        )
        assert (cell["value"] is None) == (cell["status"] == "unconfirmed")
        if cell["value"] is None:
            assert "须报送自测值" in cell["source"] and cell["unit"]


@pytest.mark.parametrize("industry", NEW)
def test_gwp_values_say_they_are_ipcc_sar_values(industry):
    for _, cell in factor_cells(industry):
        if cell["symbol"].startswith("GWP") and cell["value"] is not None:
            assert "IPCC 第二次评估报告（SAR）" in cell["source"]
            assert cell["status"] == "secondary"


@pytest.mark.parametrize("industry", NEW)
def test_purchased_power_uses_the_carbon_market_grid_factor_0_5810(industry):
    group = factors(industry)["groups"]["electricity"]
    assert group["type"] == "co"
    (cell,) = group["data"][0]
    assert cell["value"] == 0.581 and cell["status"] == "confirmed"
    assert "carbon_market_grid_avg" in cell["source"]
    assert "electricity_regional" not in factors(industry)["groups"]


@pytest.mark.parametrize("industry", NEW)
def test_heat_and_steam_factors_have_no_default(industry):
    groups = factors(industry)["groups"]
    for name in ("hot", "steam"):
        if name in groups:
            (cell,) = groups[name]["data"][0]
            assert cell["value"] is None and cell["status"] == "unconfirmed"


@pytest.mark.parametrize("industry", NEW)
def test_oil_and_gas_defaults_are_the_gb01_secondary_values(industry):
    gb01 = {row[0]["value"]: row[1:] for row in factors("01")["groups"]["fuel"]["data"]}
    fuel = next(g for name, g in factors(industry)["groups"].items() if name in ("fuel", "fuel_1"))
    rows = {row[0]["value"]: row[1:] for row in fuel["data"]}
    for name in ("原油", "燃料油", "汽油", "柴油", "天然气"):
        values = [c["value"] for c in rows[name]]
        assert values == [c["value"] for c in gb01[name]]
        assert all(c["status"] == "secondary" for c in rows[name])
    for name in ("无烟煤", "烟煤", "褐煤", "焦炭"):
        assert all(c["value"] is None for c in rows[name])


# ---------------------------------------------------------------- the samples


@pytest.mark.parametrize("industry", NEW)
def test_the_independent_evaluation_gives_the_hard_coded_results(industry):
    assert evaluate(industry) == EXPECTED[industry]


@pytest.mark.parametrize("industry", NEW)
def test_the_sample_document_gives_the_independently_computed_result(industry):
    result = run(industry, sample(industry))
    assert {k: six(v) for k, v in result.items.items()} == EXPECTED[industry]["items"]
    assert six(result.total) == EXPECTED[industry]["total"]
    assert result.warnings == []


@pytest.mark.parametrize("industry", NEW)
def test_the_sample_names_its_three_standards_and_declares_its_total(industry):
    document = sample(industry)
    assert document["standards"] == {
        "factors": f"GB_{industry}_factor_20231001_0000",
        "formulas": f"GB_{industry}_formula_20231001_0000",
        "code": "GB_calculate_20231001_0000",
    }
    assert document["total"] == EXPECTED[industry]["total"]


def group_of(industry: str, record: dict[str, Any]) -> str:
    return next(k for k in record if k in factors(industry)["groups"])


def row_symbols(industry: str, record: dict[str, Any]) -> set[str]:
    """The factor symbols of the row a record selects."""
    group = factors(industry)["groups"][group_of(industry, record)]
    nparams = len(group["parameter_name"])
    selector = record[group_of(industry, record)]
    for row in group["data"]:
        if nparams == 0 or row[0]["value"] == selector:
            return {cell["symbol"] for cell in row[nparams:]}
    raise AssertionError(f"no row {selector!r}")


@pytest.mark.parametrize("industry", NEW)
def test_every_self_measured_value_of_a_sample_cites_evidence_listed_in_extrainfo(industry):
    document = sample(industry)
    listed = {e["datalayerhash"] for e in document["extrainfo"]}
    measured = 0
    for record in document["records"]:
        symbols = row_symbols(industry, record)
        keys = set(record) | {k for sub in record.get("items", []) for k in sub}
        if keys & symbols:
            measured += 1
            assert record["evidence"] in listed
    assert measured > 0
    assert run(industry, document).self_measured


@pytest.mark.parametrize("industry", sorted(SUBTRACTED))
def test_a_subtracted_item_lowers_the_total_by_exactly_its_value(industry):
    document = sample(industry)
    minus = SUBTRACTED[industry]
    kept = [r for r in document["records"] if f"E_{group_of(industry, r)}" not in minus]
    assert len(kept) < len(document["records"])
    del document["total"]
    without = run(industry, {**document, "records": kept})
    subtracted = sum(Decimal(EXPECTED[industry]["items"][k]) for k in minus)
    difference = without.total - Decimal(EXPECTED[industry]["total"])
    # each value is rounded once to 6 decimals: allow one micro-tonne per rounded number
    assert abs(difference - subtracted) <= Decimal("0.000001") * (len(minus) + 1)
    assert subtracted > 0


@pytest.mark.parametrize("case", sorted(SUM_CASES))
def test_sum_adds_one_term_per_sub_record(case):
    industry, index, key, change, _ = SUM_CASES[case]
    assert evaluate_sum_case(case) == SUM_EXPECTED[case]
    record = copy.deepcopy(sample(industry)["records"][index])
    if change == "first":
        record["items"] = record["items"][:1]
    else:
        record["items"].append(change)
    result = run(industry, {"title": case, "records": [record]})
    assert six(result.items[key]) == SUM_EXPECTED[case]


def test_sum_over_a_record_without_items_is_an_error_not_zero():
    record = copy.deepcopy(sample("04")["records"][4])
    del record["items"]
    with pytest.raises(CalculationError, match=r"uses sum\(…\) but the record has no 'items' list"):
        run("04", {"title": "t", "records": [record]})


# ---------------------------------------------------------------- values without a default


def test_coal_without_a_measured_ncv_is_refused_with_provide_a_measured_value():
    record = {"fuel": "烟煤", "FC": 100, "unit": "t", "CC": 0.026, "OF": 95}
    with pytest.raises(CalculationError) as caught:
        run("03", {"title": "t", "records": [record]})
    assert re.search(
        r"no default value for NCV( of \S+)? in GB_03_factor_20231001_0000; "
        r"provide a measured value",
        str(caught.value),
    )


def first_measured_default_less(industry: str) -> tuple[int, str, str]:
    """(record index, group, symbol) of a record-level self-measured value with no default."""
    groups = factors(industry)["groups"]
    for index, record in enumerate(sample(industry)["records"]):
        gname = next(k for k in record if k in groups)
        group = groups[gname]
        nparams = len(group["parameter_name"])
        for row in group["data"]:
            if nparams and row[0]["value"] != record[gname]:
                continue
            for cell in row[nparams:]:
                if cell["value"] is None and cell["symbol"] in record:
                    return index, gname, cell["symbol"]
    raise AssertionError(f"no self-measured value without a default in GB_{industry}")


@pytest.mark.parametrize("industry", NEW)
def test_a_factor_without_default_and_without_a_measured_value_is_an_error(industry):
    index, _, symbol = first_measured_default_less(industry)
    record = copy.deepcopy(sample(industry)["records"][index])
    del record[symbol]
    with pytest.raises(CalculationError) as caught:
        run(industry, {"title": "t", "records": [record]})
    message = str(caught.value)
    assert re.search(
        rf"no default value for {symbol}( of \S+)? in GB_{industry}_factor_20231001_0000; "
        r"provide a measured value",
        message,
    ), message


def test_a_sub_record_without_its_carbon_content_is_an_error_not_a_zero():
    record = copy.deepcopy(sample("04")["records"][4])
    del record["items"][0]["CCr"]
    with pytest.raises(CalculationError) as caught:
        run("04", {"title": "t", "records": [record]})
    message = str(caught.value)
    assert re.search(
        r"no default value for CCr( of \S+)? in GB_04_factor_20231001_0000; "
        r"provide a measured value",
        message,
    ), message
