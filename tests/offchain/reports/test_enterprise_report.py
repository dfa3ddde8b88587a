"""The enterprise report's sums and judgements over a year of records (no chain)."""

from decimal import Decimal

import pytest
import report_samples as rs

from offchain.core.units import tonnes
from offchain.errors import DocumentError
from offchain.reports.enterprise import (
    UNATTRIBUTED,
    ReportError,
    compare_benchmark,
    progress,
    scope_of,
    trees_for,
)

TOTAL = sum(sum(items.values()) for items in rs.MONTHS.values())
ELECTRICITY = sum(items["E_electricity"] for items in rs.MONTHS.values())


def test_the_annual_aggregated_record_is_not_counted_beside_its_months():
    report = rs.report()
    assert report.total.micro == TOTAL
    assert [s.index for s in report.total.sources] == [0, 1, 2]


def test_electricity_heat_and_steam_are_scope_2_and_the_rest_scope_1():
    assert [scope_of(i) for i in ("E_electricity", "E_hot", "E_steam", "E_loss")] == [2] * 4
    assert [scope_of(i) for i in ("E_fuel", "E_process_1", "E_co2_recovery")] == [1] * 3
    assert scope_of(UNATTRIBUTED) is None


def test_scope_1_and_scope_2_split_the_total():
    report = rs.report()
    assert report.scope2_location.micro == ELECTRICITY
    assert report.scope1.micro == TOTAL - ELECTRICITY


def test_each_month_carries_its_record_and_transaction():
    february = rs.report().by_month["02"]
    assert february.micro == sum(rs.MONTHS[2].values())
    assert [(s.index, s.tx) for s in february.sources] == [(1, f"0x{1:064x}")]


def test_the_grid_factor_is_the_electricity_emissions_over_the_mwh_used():
    assert rs.report().grid_factor["tco2_per_mwh"] == "0.581000"


def test_an_unopened_record_counts_in_the_total_and_in_no_scope():
    records = [*rs.lines()[:2], rs.line(2, None, None, result=7_000_000)]
    report = rs.report(records)
    assert report.by_item[UNATTRIBUTED].micro == 7_000_000
    assert report.total.micro == report.scope1.micro + report.scope2_location.micro + 7_000_000
    assert "unknown" in report.by_month
    assert report.grid_factor["status"].startswith("unknown")


def test_without_instruments_market_based_equals_location_based():
    report = rs.report(goal=rs.target())
    assert report.scope2_market["tco2e"] == tonnes(ELECTRICITY)
    assert "no contractual instruments" in report.scope2_market["basis"]
    assert report.green_rate["status"] == "0.0"


def test_instruments_covering_a_third_of_the_electricity_remove_a_third_of_its_emissions():
    report = rs.report(goal=rs.target(mwh="10"))
    assert report.scope2_market["tco2e"] == tonnes(ELECTRICITY - ELECTRICITY // 3)
    assert report.green_rate["percent"] == "33.3"


@pytest.mark.parametrize(
    ("actual", "status"),
    [(80, "on track"), (81, "warning"), (100, "warning"), (101, "exceeded")],
)
def test_progress_is_on_track_to_80_percent_warning_to_100_and_exceeded_beyond(actual, status):
    assert progress(actual, 100)["status"] == status


def test_the_target_document_must_be_for_the_same_enterprise_and_year():
    with pytest.raises(DocumentError, match="enterprise-target schema"):
        rs.load_target(b'{"credit_code": "x", "year": 2023}', "t")


def test_trees_use_the_stated_factor_and_say_it_is_illustrative():
    trees = trees_for(2_000_000)  # 2 t at 0.02 t a tree
    assert trees["trees"] == 100
    assert trees["status"] == "illustrative"
    assert "seed 000" in trees["source"]


def test_intensity_is_compared_with_the_industrys_default_benchmark():
    found = compare_benchmark(877_000_000, "01", rs.target(output="1000"))
    assert found["benchmark"]["id"] == "01-coal-conventional-above-300mw"
    assert (found["intensity"], found["ratio_percent"]) == ("0.877000", "100.0")
    assert found["status"] == "below benchmark"


def test_without_a_declared_output_the_intensity_is_not_computed():
    assert compare_benchmark(1, "01", None)["status"].startswith("no output declared")


def test_an_output_in_another_unit_than_the_benchmark_is_refused():
    goal = rs.target()
    goal.document["output"] = {"quantity": "5", "unit": "t"}
    with pytest.raises(ReportError, match="benchmark 01-coal-conventional-above-300mw is per MWh"):
        compare_benchmark(1, "01", goal)


def test_the_json_form_states_every_figure_in_tonnes_with_sources():
    data = rs.report(goal=rs.target(output="1000")).to_json()
    assert data["total"]["tco2e"] == tonnes(TOTAL)
    assert data["by_item"]["E_fuel"]["sources"][0] == {"record": 0, "tx": f"0x{0:064x}"}
    assert Decimal(data["target"]["percent"]) == round(Decimal(TOTAL) / 10_000_000, 1)
