"""The unit a reading of a group and row must be in, as the factor library says."""

import pytest

from offchain.ingest.groups import (
    UnitMismatchError,
    UnknownGroupError,
    activity_quantity,
    check_unit,
)


def test_an_od_row_takes_the_group_activity_unit(factors):
    assert activity_quantity(factors, "fuel", "燃料油").unit == "t"
    assert activity_quantity(factors, "fuel", "燃料油").symbol == "FC"


def test_a_parameter_cell_unit_overrides_the_group_unit(factors):
    assert activity_quantity(factors, "fuel", "天然气").unit == "10^4Nm3"


def test_a_co_group_takes_any_label(factors):
    assert activity_quantity(factors, "electricity", "外购电").unit == "MWh"


def test_an_sd_row_is_selected_by_its_parameters(factors):
    row = {"region": "华北", "data_year": "2022"}
    assert activity_quantity(factors, "electricity_regional", row).symbol == "AC"


def test_units_compare_without_whitespace(factors):
    assert check_unit(factors, "fuel", "天然气", "10^4 Nm3").unit == "10^4Nm3"


def test_another_unit_is_named_with_the_expected_one(factors):
    with pytest.raises(UnitMismatchError, match="unit 'kg' does not match 't'"):
        check_unit(factors, "fuel", "燃料油", "kg")


@pytest.mark.parametrize(
    "group, row, named",
    [
        ("steam", "x", "unknown factor group 'steam'"),
        ("fuel", "核燃料", "unknown row '核燃料'"),
        ("fuel", {"name": "燃煤"}, "as a string"),
        ("electricity_regional", {"region": "华北"}, "as an object"),
    ],
)
def test_an_unknown_group_or_row_is_named(factors, group, row, named):
    with pytest.raises(UnknownGroupError, match=named):
        activity_quantity(factors, group, row)
