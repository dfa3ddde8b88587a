"""Comparing deployed code with compiled code as Sourcify does: perfect with the metadata hash,
partial without it, immutables masked."""

from offchain.inspect.sources import Compiled, Match, compare, mask, strip_metadata

# A runtime body, 4 bytes of immutable at offset 2, and a 5-byte "CBOR" trailer + its length.
BODY = bytes.fromhex("6080") + bytes(4) + bytes.fromhex("5b00")
CBOR = bytes.fromhex("a164697066") + (5).to_bytes(2, "big")
COMPILED = Compiled("C", "contracts/C.sol", b"", BODY + CBOR, ((2, 4),), "{}")


def deployed(
    immutable: bytes = b"\x11\x22\x33\x44", cbor: bytes = CBOR, body_end: bytes = b""
) -> bytes:
    return bytes.fromhex("6080") + immutable + bytes.fromhex("5b00") + body_end + cbor


def test_the_metadata_trailer_is_as_long_as_its_last_two_bytes_say_plus_two():
    assert strip_metadata(BODY + CBOR) == BODY


def test_code_shorter_than_its_claimed_trailer_is_kept_whole():
    assert strip_metadata(b"\x00\xff") == b"\x00\xff"


def test_masking_zeroes_the_immutable_ranges_only():
    assert mask(bytes.fromhex("aabbccddeeff"), ((1, 2),)) == bytes.fromhex("aa0000ddeeff")


def test_equal_code_with_other_immutable_values_is_a_perfect_match():
    assert compare(deployed(), COMPILED) is Match.PERFECT


def test_another_metadata_hash_is_a_partial_match():
    other = bytes.fromhex("a164697067") + (5).to_bytes(2, "big")
    assert compare(deployed(cbor=other), COMPILED) is Match.PARTIAL


def test_another_body_is_a_mismatch():
    assert compare(deployed(body_end=b"\x01"), COMPILED) is Match.MISMATCH


def test_an_address_without_code_is_said_so():
    assert compare(b"", COMPILED) is Match.NO_CODE
    assert not Match.NO_CODE.ok and not Match.MISMATCH.ok and Match.PARTIAL.ok
