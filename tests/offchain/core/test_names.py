"""Index names of every standards family: `GB_…` and `ISO_…` (seed 001 §5)."""

import pytest

from offchain.core.names import family_of_series, parse_index_name, series_of
from offchain.errors import CarbonError


def test_an_iso_factor_name_parses_with_its_family_and_industry():
    name = parse_index_name("ISO_01_factor_20260101_0000")
    assert (name.prefix, name.industry, name.kind, name.series) == (
        "ISO",
        "01",
        "factor",
        "ISO_01_factor",
    )
    assert name.contract == "FactorLibrary"


def test_an_iso_calculation_code_name_has_no_industry():
    name = parse_index_name("ISO_calculate_20260101_0000")
    assert (name.prefix, name.industry, name.contract) == ("ISO", None, "CalcCode")


def test_a_series_is_built_per_family():
    assert series_of("ISO", "01", "formula") == "ISO_01_formula"
    assert series_of("ISO", None, "calculate") == "ISO_calculate"


def test_the_family_of_a_series_is_its_prefix():
    assert [family_of_series(s) for s in ("GB_01_factor", "ISO_calculate")] == ["GB", "ISO"]


def test_a_lowercase_family_is_not_an_index_name():
    with pytest.raises(CarbonError, match="not an index name"):
        parse_index_name("iso_01_factor_20260101_0000")
