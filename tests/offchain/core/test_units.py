"""offchain.core.units: micro-tonnes to tonnes and back, exactly."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offchain.core.units import AmountError, parse_tonnes, six_places, to_micro, tonnes


def test_tonnes_are_exact_with_six_places_for_any_sign():
    assert tonnes(288_324_366) == "288.324366"
    assert tonnes(-5) == "-0.000005"
    assert tonnes(0) == "0.000000"


def test_micro_tonnes_refuses_more_than_six_decimals():
    with pytest.raises(AmountError, match="more than six decimals"):
        to_micro(Decimal("1.0000001"))


def test_micro_tonnes_refuses_a_value_that_is_not_finite():
    with pytest.raises(AmountError, match="not a finite amount"):
        to_micro(Decimal("Infinity"))


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_parsing_what_was_formatted_gives_the_same_micro_tonnes(micro):
    assert parse_tonnes(tonnes(micro)) == micro


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_a_uint64_survives_formatting_beyond_what_a_float_holds(micro):
    text = tonnes(micro)
    assert int(text.replace(".", "")) == micro


def test_parse_refuses_text_that_is_not_a_decimal():
    with pytest.raises(AmountError, match="'12,5' is not an amount"):
        parse_tonnes("12,5")


def test_six_places_rounds_once_half_even_on_the_decimal():
    assert six_places(Decimal("1.0000005")) == "1.000000"
    assert six_places(Decimal("1.0000015")) == "1.000002"
