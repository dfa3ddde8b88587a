"""Call arguments encoded a word at a time are what eth_abi encodes."""

import pytest
from eth_abi import encode
from eth_abi.exceptions import ValueOutOfBounds
from hypothesis import given
from hypothesis import strategies as st

from offchain.chain.reader import _encode_arguments

WORD = st.binary(min_size=32, max_size=32)
ADDRESS = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())


@given(year=st.integers(0, 2**16 - 1), offset=st.integers(0, 2**256 - 1), who=ADDRESS)
def test_unsigned_integers_and_addresses_encode_as_eth_abi_does(year, offset, who):
    types = ["uint16", "uint256", "address"]
    assert _encode_arguments(types, (year, offset, who)) == encode(types, [year, offset, who])


@given(ids=st.lists(WORD, max_size=20))
def test_a_list_of_digests_encodes_as_eth_abi_does(ids):
    assert _encode_arguments(["bytes32[]"], (ids,)) == encode(["bytes32[]"], [ids])


def test_an_integer_wider_than_its_type_is_left_to_eth_abi_which_refuses_it():
    with pytest.raises(ValueOutOfBounds, match="8 bits"):
        _encode_arguments(["uint8"], (256,))
