"""The portal's word-by-word decoding gives what eth_abi and `bindings` give, for the shapes the
overview reads: a profile (strings and static fields), static structs, a page of records and a
uint16 array."""

from eth_abi import encode
from hypothesis import given, settings
from hypothesis import strategies as st

from offchain.chain.bindings import (
    ComplianceEntry,
    Profile,
    QuotaAllocation,
    Record,
    VerificationSummary,
)
from offchain.web.reads import flat_struct, record_fields, uint_array

ADDRESSES = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
TEXT = st.text(max_size=40)


def words(kind: str, value: object) -> bytes:
    return encode([kind], [value])


@settings(max_examples=40, deadline=None)
@given(TEXT, TEXT, TEXT, ADDRESSES, st.text("0123456789", min_size=2, max_size=2))
def test_a_profile_decodes_as_eth_abi_decodes_it(name, code, region, layer, industry):
    profile = Profile.decode((name, code, region, layer, industry.encode("ascii")))
    raw = words(Profile.abi_type(), profile.encode())
    assert flat_struct(Profile, raw) == profile


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 6), ADDRESSES, st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1))
def test_static_structs_decode_as_eth_abi_decodes_them(state, address, a, b):
    summary = VerificationSummary.decode((state, address, a, b))
    allocation = QuotaAllocation.decode((address, a, b))
    assert flat_struct(VerificationSummary, words(summary.abi_type(), summary.encode())) == summary
    raw = words(QuotaAllocation.abi_type(), allocation.encode())
    assert flat_struct(QuotaAllocation, raw) == allocation
    entry = ComplianceEntry.decode((state, a, 1, 2, 3, 4, 5, b, 6, b"\x01" * 32, 7, 8, 2, 9, 1))
    assert flat_struct(ComplianceEntry, words(entry.abi_type(), entry.encode())) == entry


RECORDS = st.lists(
    st.tuples(st.booleans(), st.booleans(), st.integers(0, 2**64 - 1), ADDRESSES), max_size=15
)


@settings(max_examples=40, deadline=None)
@given(RECORDS)
def test_record_fields_are_those_of_the_decoded_records(shapes):
    records = [
        Record.decode((b"\x02" * 32, valid, agg, False, result, 1, 0, who, 7, b"\x00" * 32, 2))
        for valid, agg, result, who in shapes
    ]
    raw = words(Record.abi_type() + "[]", [r.encode() for r in records])
    found = record_fields(raw, ("valid", "aggregated", "result", "submitter"))
    assert found == [
        {
            "valid": r.valid,
            "aggregated": r.aggregated,
            "result": r.result,
            "submitter": r.submitter.lower(),
        }
        for r in records
    ]


@given(st.lists(st.integers(0, 2**16 - 1), max_size=30))
def test_a_uint16_array_decodes_as_eth_abi_decodes_it(years):
    assert uint_array(words("uint16[]", years)) == years
