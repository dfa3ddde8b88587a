"""offchain.core.credit_code: unified social credit codes (GB 32100-2015), checked."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offchain.core.credit_code import ALPHABET, CreditCodeError, normalise, with_check

# A code published as an example of the standard's check character.
PUBLISHED = "91350100M000100Y43"


def test_a_published_code_is_valid():
    assert normalise(PUBLISHED) == PUBLISHED


def test_a_code_is_trimmed_and_upper_cased():
    assert normalise(f"  {PUBLISHED.lower()}\t") == PUBLISHED


def test_a_wrong_check_character_is_named_with_the_expected_one():
    with pytest.raises(CreditCodeError, match="check character is 2, GB 32100-2015 gives 3"):
        normalise(PUBLISHED[:17] + "2")


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("9135010", "has 7 characters"),
        ("91350100M000100Y4O", "contains O"),
        ("9135O100M000100Y43", "contains O"),
        ("91AB0100M000100Y43", "administrative division"),
    ],
)
def test_a_malformed_code_is_refused_saying_why(code, why):
    with pytest.raises(CreditCodeError, match=why):
        normalise(code)


_prefix = st.tuples(
    st.text(ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(_prefix)
def test_every_completed_code_is_valid(first17):
    assert normalise(with_check(first17)) == with_check(first17)


@given(_prefix, st.sampled_from(ALPHABET))
def test_any_other_check_character_is_refused(first17, other):
    code = with_check(first17)
    if other != code[-1]:
        with pytest.raises(CreditCodeError):
            normalise(first17 + other)


@pytest.mark.parametrize("first17", ["91110000ISO000001", "9111000", "91110000DEM00000Z"])
def test_completing_a_malformed_prefix_is_refused_saying_why(first17):
    with pytest.raises(CreditCodeError, match="is not the first 17 characters of a credit code"):
        with_check(first17)
