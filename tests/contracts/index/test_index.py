"""CarbonIndex: the naming convention, series in date order, latest, and who may register."""

import ape
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("name", "kind", "series"),
    [
        ("GB_01_factor_20231001_0000", "FactorLibrary", "GB_01_factor"),
        ("GB_01_formula_20231001_0000", "FormulaLibrary", "GB_01_formula"),
        ("GB_calculate_20231001_0000", "CalcCode", "GB_calculate"),
        ("ISO_14_factor_20240315_ab12", "FactorLibrary", "ISO_14_factor"),
    ],
)
def test_registers_names_of_the_convention(index, editor, make_library, name, kind, series):
    library = make_library(kind)
    index.register(name, library.address, sender=editor)
    assert index.resolve(name) == library.address
    assert index.registration(name).series == series
    assert index.latest(series) == (name, library.address)


@pytest.mark.parametrize(
    ("name", "position"),
    [
        ("GB_01_falmula_20231001_0000", 6),  # the seed's misspelling
        ("G_01_factor_20231001_0000", 1),
        ("GB_1_factor_20231001_0000", 4),
        ("GB_01_factor_2023101_0000", 20),
        ("GB_01_factor_20231301_0000", 17),
        ("GB_01_factor_20231032_0000", 19),
        ("GB_01_factor_20231001_000", 25),
        ("GB_01_factor_20231001_00000", 26),
        ("GB_01_factor_20231001-0000", 21),
        ("gb_01_factor_20231001_0000", 0),
        ("GB_calculate_20231001_00!0", 24),
    ],
)
def test_rejects_malformed_names_at_the_offending_position(index, name, position):
    with ape.reverts(index.MalformedName, name=name, position=position):
        index.parseName(name)


# parseName is pure, so sharing one index across examples is sound.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet="GBISO_0123456789factormulcl", max_size=32))
def test_parse_name_accepts_exactly_the_convention(index, text):
    import re

    pattern = (
        r"[A-Z]{2,8}_(\d{2}_(factor|formula)|calculate)"
        r"_\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])_[A-Za-z0-9]{4}"
    )
    if re.fullmatch(pattern, text):
        index.parseName(text)
    else:
        with ape.reverts(index.MalformedName):
            index.parseName(text)


def test_kind_of_the_contract_must_match_the_name(index, editor, make_library):
    formula_library = make_library("FormulaLibrary")
    with ape.reverts(index.KindMismatch):
        index.register("GB_01_factor_20231001_0000", formula_library.address, sender=editor)


def test_a_name_is_registered_once(index, editor, make_library):
    index.register("GB_01_factor_20231001_0000", make_library().address, sender=editor)
    with ape.reverts(index.NameTaken):
        index.register("GB_01_factor_20231001_0000", make_library().address, sender=editor)


def test_target_must_be_a_contract(index, editor, stranger):
    with ape.reverts(index.NotAContract):
        index.register("GB_01_factor_20231001_0000", stranger.address, sender=editor)


def test_stranger_cannot_register(index, stranger, make_library):
    with ape.reverts(index.AccessControlUnauthorizedAccount):
        index.register("GB_01_factor_20231001_0000", make_library().address, sender=stranger)


def test_history_of_a_series_is_in_date_order_whatever_the_registration_order(
    index, editor, make_library
):
    names = [
        "GB_01_factor_20231001_0000",
        "GB_01_factor_20220101_0000",
        "GB_01_factor_20241231_0000",
        "GB_01_factor_20231001_0001",
    ]
    for name in names:
        index.register(name, make_library().address, sender=editor)
    assert index.seriesHistory("GB_01_factor") == sorted(names)
    assert index.latest("GB_01_factor")[0] == "GB_01_factor_20241231_0000"


def test_series_are_kept_apart(index, editor, make_library):
    index.register("GB_01_factor_20231001_0000", make_library().address, sender=editor)
    index.register("GB_02_factor_20221001_0000", make_library().address, sender=editor)
    assert index.latest("GB_01_factor")[0] == "GB_01_factor_20231001_0000"
    assert index.seriesList() == ["GB_01_factor", "GB_02_factor"]


def test_unknown_names_and_series_revert_with_their_name(index):
    with ape.reverts(index.UnknownName, name="GB_09_factor_20231001_0000"):
        index.resolve("GB_09_factor_20231001_0000")
    with ape.reverts(index.UnknownSeries, series="GB_09_factor"):
        index.latest("GB_09_factor")


def test_registration_emits_an_event(index, editor, make_library):
    library = make_library()
    receipt = index.register("GB_01_factor_20231001_0000", library.address, sender=editor)
    [event] = index.Registered.from_receipt(receipt)
    assert (event.name, event.series, event.target) == (
        "GB_01_factor_20231001_0000",
        "GB_01_factor",
        library.address,
    )


def test_only_the_regulator_tracks_other_proxies(index, data_layer, stranger):
    with ape.reverts(index.AccessControlUnauthorizedAccount):
        index.track(data_layer.address, sender=stranger)


def test_unknown_callers_cannot_note_upgrades(index, stranger):
    with ape.reverts(index.UnknownProxy):
        index.noteUpgrade(sender=stranger)
