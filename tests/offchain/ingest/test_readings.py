"""A reading's canonical bytes and signature: what a device signs is what a verifier hashes."""

import json

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from ingest_values import CODE, KEY

from offchain.ingest.readings import Reading, ReadingError, address_of, month_bounds


def test_a_signed_reading_recovers_its_signer(make_reading):
    assert make_reading().signer() == address_of(KEY)


def test_the_signature_is_eip191_personal_sign_over_the_canonical_json(make_reading):
    reading = make_reading()
    signed = Account.sign_message(encode_defunct(reading.message()), KEY)
    assert "0x" + bytes(signed.signature).hex() == reading.signature


def test_the_canonical_json_has_sorted_keys_no_spaces_and_utf8(make_reading):
    message = make_reading().message()
    data = json.loads(message)
    assert list(data) == sorted(data)
    assert b" " not in message
    assert "燃料油".encode() in message


def test_a_reading_survives_its_line(make_reading):
    reading = make_reading(timestamp=1_680_307_200)
    again = Reading.from_line(reading.line())
    assert again == reading
    assert again.signer() == address_of(KEY)


def test_a_tampered_quantity_recovers_another_signer(make_reading):
    data = make_reading().to_json()
    data["quantity"] = "125"
    assert Reading.from_json(data).signer() != address_of(KEY)


def test_a_timestamp_falls_in_its_month_in_china_standard_time():
    # 2023-04-30 16:00 UTC is 2023-05-01 00:00 in Beijing.
    data = {"timestamp": 1_682_870_400}
    reading = Reading("r", "d", CODE, "fuel", "燃煤", "1", "t", 0, 0, data["timestamp"])
    parsed = Reading.from_json({**reading.to_json(), "signature": "0x" + "00" * 65})
    assert (parsed.year, parsed.month) == (2023, 5)
    assert month_bounds(2023, 5)[0] == 1_682_870_400


@pytest.mark.parametrize(
    "change, named",
    [
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "1e3"}, "quantity"),
        ({"quantity": 12.5}, "quantity"),
        ({"extra": 1}, "unknown field 'extra'"),
        ({"device": ""}, "device"),
        ({"period": {"year": 2023, "month": 13}}, "not a month"),
        ({"timestamp": 1}, "exactly one of 'period' and 'timestamp'"),
        ({"signature": "0x12"}, "signature"),
        ({"enterprise": CODE.lower()}, "enterprise"),
    ],
)
def test_a_malformed_reading_is_refused_naming_the_field(make_reading, change, named):
    data = {**make_reading().to_json(), **change}
    with pytest.raises(ReadingError, match=named):
        Reading.from_json(data)


def test_a_high_s_signature_is_refused(make_reading):
    reading = make_reading()
    raw = bytes.fromhex(reading.signature[2:])
    order = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    high_s = (order - int.from_bytes(raw[32:64], "big")).to_bytes(32, "big")
    flipped = raw[:32] + high_s + bytes([55 - raw[64]])
    data = {**reading.to_json(), "signature": "0x" + flipped.hex()}
    with pytest.raises(ReadingError, match="EIP-2"):
        Reading.from_json(data).signer()
