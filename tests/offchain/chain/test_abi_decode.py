"""The compiled ABI decoder gives what eth_abi gives, and refuses what eth_abi's strict mode
refuses."""

import pytest
from eth_abi import decode as eth_abi_decode
from eth_abi import encode
from hypothesis import given, settings
from hypothesis import strategies as st

from offchain.chain.abi_decode import AbiDecodeError, decode
from offchain.chain.bindings import Entry, Profile, Record, ResolvedStandard

ADDRESS = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
WORD = st.binary(min_size=32, max_size=32)
TEXT = st.text(max_size=80)


def _uint(bits: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=2**bits - 1)


def _value(abi_type: str) -> st.SearchStrategy:
    if abi_type.endswith("[]"):
        return st.lists(_value(abi_type[:-2]), max_size=5)
    if abi_type.endswith("]"):
        item, size = abi_type[:-1].rsplit("[", 1)
        return st.lists(_value(item), min_size=int(size), max_size=int(size))
    if abi_type.startswith("(") and abi_type.endswith(")"):
        return st.tuples(*(_value(t) for t in _split(abi_type[1:-1])))
    if abi_type == "address":
        return ADDRESS
    if abi_type == "bool":
        return st.booleans()
    if abi_type == "string":
        return TEXT
    if abi_type == "bytes":
        return st.binary(max_size=100)
    if abi_type.startswith("bytes"):
        width = int(abi_type[5:])
        return st.binary(min_size=width, max_size=width)
    if abi_type.startswith("uint"):
        return _uint(int(abi_type[4:]))
    if abi_type.startswith("int"):
        bits = int(abi_type[3:])
        return st.integers(min_value=-(2 ** (bits - 1)), max_value=2 ** (bits - 1) - 1)
    raise AssertionError(abi_type)


def _split(types: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in types:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current] if current else parts


# The structs the verifier, the portal and the reports read in bulk, and the corners of the
# encoding: nested dynamic arrays, static arrays of dynamic items, signed integers.
TYPES = [
    [Record.abi_type() + "[]"],
    [Entry.abi_type()],
    [Profile.abi_type()],
    [ResolvedStandard.abi_type() + "[]"],
    ["uint256", "(string,bytes)[]", "int24", "bytes[]"],
    ["string[][]", "(uint8,address)[3]", "string[2]", "bool"],
]


@pytest.mark.parametrize("types", TYPES, ids=lambda t: ",".join(t)[:40])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_decodes_every_encoding_as_eth_abi_does(types: list[str], data: st.DataObject) -> None:
    values = data.draw(st.tuples(*(_value(t) for t in types)))
    encoded = encode(types, list(values))
    assert decode(types, encoded) == eth_abi_decode(types, encoded)


def test_refuses_data_shorter_than_its_head() -> None:
    with pytest.raises(AbiDecodeError, match="a word at byte 32"):
        decode(["uint256", "uint256"], encode(["uint256"], [1]))


def test_refuses_an_offset_past_the_end() -> None:
    with pytest.raises(AbiDecodeError, match="an offset of"):
        decode(["string"], (10**6).to_bytes(32, "big"))


def test_refuses_a_string_longer_than_the_data() -> None:
    encoded = bytearray(encode(["string"], ["abc"]))
    encoded[63] = 200  # the length word
    with pytest.raises(AbiDecodeError, match="200 bytes of string past the end"):
        decode(["string"], bytes(encoded))


def test_refuses_a_boolean_other_than_zero_or_one() -> None:
    with pytest.raises(AbiDecodeError, match="2 is not a boolean"):
        decode(["bool"], (2).to_bytes(32, "big"))


def test_refuses_an_integer_wider_than_its_type() -> None:
    with pytest.raises(AbiDecodeError, match="does not fit in uint8"):
        decode(["uint8"], (256).to_bytes(32, "big"))


def test_refuses_dirty_bytes_around_an_address() -> None:
    with pytest.raises(AbiDecodeError, match="before an address"):
        decode(["address"], b"\x01" + bytes(31))


def test_refuses_an_array_longer_than_the_data_could_hold() -> None:
    encoded = (32).to_bytes(32, "big") + (10**9).to_bytes(32, "big")
    with pytest.raises(AbiDecodeError, match="an array of 1000000000 items"):
        decode(["uint256[]"], encoded)
