"""Plausibility rules (DESIGN §4): the value rules of the calculation code, each with an accepted
and a refused input, and the period, duplicate and range rules of offchain.calc.plausibility."""

import copy
from decimal import Decimal
from typing import Any

import pytest
import reference_formulas
from calc_support import COAL, EVIDENCE, GAS, LIMESTONE, POWER, activity, code, gb01, seed

from offchain.calc.calculator import CalculationResult, calculate, calculate_batch
from offchain.calc.plausibility import (
    DuplicatePeriodError,
    ImplausibleValueError,
    OutOfRangeError,
    Period,
    PeriodError,
    check_period,
    check_range,
    completeness,
    months_text,
    non_finite,
    overlapping,
)
from offchain.errors import CalculationError


def gb01_run(*records: dict[str, Any], factors: dict[str, Any] | None = None) -> CalculationResult:
    lib, formulas = gb01()
    return calculate(factors or lib, formulas, code(), activity(*records))


def refused(*records: dict[str, Any], factors: dict[str, Any] | None = None) -> str:
    """The message of the ImplausibleValueError the code raises; the oracle says the same."""
    lib, formulas = gb01()
    with pytest.raises(ImplausibleValueError) as caught:
        gb01_run(*records, factors=factors)
    message = str(caught.value)
    with pytest.raises(
        CalculationError, match="^" + message.replace("(", r"\(").replace(")", r"\)")
    ):
        reference_formulas.calculate(factors or lib, formulas, activity(*records))
    assert "\n" not in message
    return message


# ---------------------------------------------------------------- activity values


def test_a_zero_activity_value_is_accepted():
    assert gb01_run({**POWER, "AC": 0}).total == Decimal("0")


def test_a_negative_activity_value_is_refused_naming_record_and_key():
    assert refused(POWER, {**COAL, "FC": -3.2}) == (
        "record 1 (fuel=燃煤): activity value 'FC' is negative; group 'fuel' of "
        "GB_01_factor_20231001_0000 does not allow a negative FC"
    )


def test_a_negative_activity_value_is_accepted_where_the_library_allows_it():
    factors, _ = gb01()
    factors["groups"]["electricity"]["negative_allowed"] = ["AC"]
    result = gb01_run({**POWER, "AC": -10.45}, factors=factors)
    assert result.total == Decimal("-6.071450")


def test_a_negative_value_in_a_batch_is_reported_in_place_with_its_class():
    factors, formulas = gb01()
    docs = [activity(POWER), activity({**GAS, "FC": -1})]
    good, bad = calculate_batch(factors, formulas, code(), docs)
    assert isinstance(good, CalculationResult) and good.total == Decimal("6.071450")
    assert isinstance(bad, ImplausibleValueError)
    assert str(bad).startswith("record 0 (fuel=天然气): activity value 'FC' is negative")


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_a_non_finite_activity_value_is_refused_naming_record_and_key(value):
    factors, formulas = gb01()
    with pytest.raises(ImplausibleValueError) as caught:
        calculate(factors, formulas, code(), activity(POWER, {**COAL, "FC": value}))
    assert str(caught.value).startswith("record 1: key 'FC' is not a finite number")
    [answer] = calculate_batch(factors, formulas, code(), [activity({**COAL, "FC": value})])
    assert isinstance(answer, ImplausibleValueError) and "record 0: key 'FC'" in str(answer)


def test_a_non_finite_number_anywhere_in_the_document_is_named():
    doc = activity({**COAL, "items": [{"x": 1}, {"ADr": float("inf")}]}, total=float("nan"))
    assert non_finite(doc) == "record 0: key 'items[1].ADr'"
    assert non_finite(activity(COAL, total=float("nan"))) == "key 'total'"
    assert non_finite(activity(COAL)) is None


# ---------------------------------------------------------------- self-measured factors


@pytest.mark.parametrize("of", [0, 93.5, 100])
def test_a_self_measured_percentage_within_0_100_is_accepted(of):
    assert gb01_run({**COAL, "OF": of}).self_measured[0]["values"]["OF"] == of


@pytest.mark.parametrize("of", [150, -1, 100.0001])
def test_a_self_measured_percentage_outside_0_100_is_refused(of):
    assert refused({**COAL, "OF": of}) == (
        "record 0 (fuel=燃煤): self-measured 'OF' is outside 0-100 (a percentage)"
    )


def test_a_percentage_over_100_is_refused_even_where_negatives_are_allowed():
    factors, _ = gb01()
    factors["groups"]["process_1"]["negative_allowed"] = ["I"]
    assert refused({**LIMESTONE, "I": 120}, factors=factors) == (
        "record 0 (process_1=石灰石): self-measured 'I' is outside 0-100 (a percentage)"
    )


def test_a_negative_self_measured_factor_is_refused():
    assert refused({**COAL, "NCV": -26.7}) == (
        "record 0 (fuel=燃煤): self-measured 'NCV' is negative; group 'fuel' of "
        "GB_01_factor_20231001_0000 does not allow a negative NCV"
    )


# ---------------------------------------------------------------- formula inputs and sub-records


def gb09_run(record: dict[str, Any], factors: dict[str, Any] | None = None) -> CalculationResult:
    lib = seed("factors", "GB_09_factor_20231001_0000")
    formulas = seed("formulas", "GB_09_formula_20231001_0000")
    return calculate(factors or lib, formulas, code(), activity(record))


GB09_DIESEL = {"fuel": "柴油", "Q1": 100, "Q2": 10, "Q3": 5, "Q4": 0, "unit": "t"}


def test_a_stock_quantity_that_is_a_formula_input_must_not_be_negative():
    assert gb09_run(GB09_DIESEL).total > 0
    with pytest.raises(ImplausibleValueError) as caught:
        gb09_run({**GB09_DIESEL, "Q3": -5})
    assert str(caught.value) == (
        "record 0 (fuel=柴油): 'Q3' is negative; group 'fuel' of GB_09_factor_20231001_0000 "
        "does not allow a negative Q3"
    )


def test_a_formula_input_the_library_declares_signed_may_be_negative():
    factors = seed("factors", "GB_09_factor_20231001_0000")
    factors["groups"]["fuel"]["negative_allowed"] = ["Q3"]
    plain = gb09_run({**GB09_DIESEL, "Q3": 0}, factors)
    signed = gb09_run({**GB09_DIESEL, "Q3": -5}, factors)
    assert signed.total > plain.total


def test_a_negative_value_in_a_sub_record_is_refused_naming_the_sub_record():
    factors = seed("factors", "GB_04_factor_20231001_0000")
    formulas = seed("formulas", "GB_04_formula_20231001_0000")
    sample = seed("activity", "gb04_chemical_example")
    record = copy.deepcopy(next(r for r in sample["records"] if "items" in r))
    group = next(k for k in record if k in factors["groups"])
    key = next(k for k in record["items"][1] if isinstance(record["items"][1][k], (int, float)))
    calculate(factors, formulas, code(), activity(record))  # accepted as published
    record["items"][1][key] = -1
    with pytest.raises(ImplausibleValueError) as caught:
        calculate(factors, formulas, code(), activity(record))
    assert str(caught.value) == (
        f"record 0 ({group}): items[1].'{key}' is negative; group '{group}' of "
        f"GB_04_factor_20231001_0000 does not allow a negative {key}"
    )


def test_a_malformed_negative_allowed_list_is_a_library_error():
    factors, _ = gb01()
    factors["groups"]["fuel"]["negative_allowed"] = "FC"
    with pytest.raises(CalculationError, match="'negative_allowed' must be a list of symbols"):
        gb01_run(POWER, factors=factors)


def test_valid_input_gives_the_same_numbers_as_before():
    result = gb01_run({**COAL, "evidence": EVIDENCE}, POWER, LIMESTONE)
    assert str(result.total) == "288.324366"


# ---------------------------------------------------------------- period, duplicates, range


def test_the_period_must_be_the_filed_year():
    doc = activity(POWER, period={"year": 2023, "month": 4})
    check_period(doc, 2023, None, "a.json")
    check_period(doc, 2023, 4, "a.json")
    check_period(activity(POWER), 2023, None, "a.json")  # no period: the filed year
    with pytest.raises(PeriodError) as caught:
        check_period({**doc, "period": {"year": 2019}}, 2025, None, "a.json")
    assert str(caught.value) == (
        "a.json: key 'period.year' is 2019, but the record is filed under 2025"
    )


def test_a_monthly_filing_must_match_the_documents_month():
    doc = activity(POWER, period={"year": 2023, "month": 4})
    with pytest.raises(PeriodError, match=r"key 'period.month' is 4, .* filed for 2023-05"):
        check_period(doc, 2023, 5, "a.json")
    with pytest.raises(PeriodError, match=r"key 'period.month' is missing"):
        check_period(activity(POWER, period={"year": 2023}), 2023, 5, "a.json")


def test_periods_overlap_within_their_kind():
    april, may = Period(2023, 4, False), Period(2023, 5, False)
    year, annual = Period(2023, None, False), Period(2023, None, True)
    assert april.overlaps(Period(2023, 4, False)) and not april.overlaps(may)
    assert year.overlaps(april) and april.overlaps(year)
    assert not annual.overlaps(april) and annual.overlaps(Period(2023, None, True))
    assert overlapping(april, [(0, may), (1, april), (2, annual)]) == [1]
    assert issubclass(DuplicatePeriodError, Exception)


def test_completeness_counts_months_and_reports_duplicates():
    months = [(i, Period(2023, i + 1, False)) for i in range(12)]
    full = completeness([*months, (12, Period(2023, None, True))])
    assert full.complete and full.covered == list(range(1, 13))
    gaps = completeness([months[0], months[1], months[4]])
    assert gaps.missing == [3, 4, *range(6, 13)] and months_text(gaps.missing) == "3–4, 6–12"
    twice = completeness([*months, (12, Period(2023, 1, False))])
    assert twice.duplicated == {"month 2023-01": [0, 12]} and not twice.complete


@pytest.mark.parametrize(
    "total",
    [Decimal("0"), Decimal("288.324366"), Decimal("8589934591.999999")],
)
def test_a_result_within_the_range_is_accepted(total):
    check_range(total, {"E_fuel": total}, "a.json")


@pytest.mark.parametrize(
    ("total", "items", "what"),
    [
        (Decimal("-1"), {}, "total -1 tCO2e is negative"),
        (Decimal("8589934592"), {}, "total 8589934592 tCO2e is beyond 8589934592.000000"),
        (Decimal("1"), {"E_x": Decimal("-1e13")}, "E_x -1E+13 tCO2e is beyond"),
        (Decimal("2e13"), {}, "(a record's uint64 would end at 18446744073709.551615 tCO2e)"),
    ],
)
def test_a_result_beyond_the_range_is_refused(total, items, what):
    with pytest.raises(OutOfRangeError) as caught:
        check_range(total, items, "a.json")
    assert str(caught.value).startswith("a.json: ") and what in str(caught.value)


def test_a_huge_activity_value_gives_a_result_the_range_check_refuses():
    result = gb01_run({**COAL, "FC": 1e15}, POWER)
    with pytest.raises(OutOfRangeError, match=r"a.json: total 274202236\d+\.\d+ tCO2e is beyond"):
        check_range(result.total, result.items, "a.json")
