"""Closing a month: the Merkle construction, the readings file, the activity document."""

import hashlib
import json

import pytest
from ingest_values import CODE

from offchain.core.documents import validate
from offchain.ingest.aggregate import (
    AggregationError,
    close_month,
    leaf_hash,
    merkle_root,
    root_of_file,
)


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def test_the_root_of_three_leaves_promotes_the_odd_one():
    a, b, c = (sha(b"\x00" + x) for x in (b"a", b"b", b"c"))
    expected = sha(b"\x01" + sha(b"\x01" + a + b) + c)
    assert merkle_root([a, b, c]) == expected


def test_the_root_of_one_leaf_is_the_leaf():
    assert merkle_root([leaf_hash(b"x")]) == sha(b"\x00x")


def test_the_root_of_four_leaves_pairs_them():
    a, b, c, d = (leaf_hash(x) for x in (b"a", b"b", b"c", b"d"))
    expected = sha(b"\x01" + sha(b"\x01" + a + b) + sha(b"\x01" + c + d))
    assert merkle_root([a, b, c, d]) == expected


def test_the_readings_file_is_sorted_by_reading_id_one_line_each(make_reading, factors):
    closed = close_month([make_reading("r-2"), make_reading("r-1")], factors, CODE, 2023, 4, "t")
    lines = closed.readings_file.splitlines()
    assert [json.loads(line)["reading_id"] for line in lines] == ["r-1", "r-2"]
    assert closed.root == "0x" + root_of_file(closed.readings_file).hex()


def test_readings_of_a_row_are_summed_into_one_record_in_the_row_unit(make_reading, factors):
    readings = [
        make_reading("r-1", quantity="12.5"),
        make_reading("r-2", quantity="0.25"),
        make_reading("r-3", row="天然气", quantity="3", unit="10^4 Nm3"),
        make_reading("r-4", group="electricity", row="净购入使用的电力", quantity="7", unit="MWh"),
    ]
    document = close_month(readings, factors, CODE, 2023, 4, "2023年4月").document
    assert document["records"] == [
        {"electricity": "净购入使用的电力", "AC": 7, "unit": "MWh"},
        {"fuel": "天然气", "FC": 3, "unit": "10^4Nm3"},
        {"fuel": "燃料油", "FC": 12.75, "unit": "t"},
    ]
    assert document["period"] == {"year": 2023, "month": 4}
    validate(document, "activity", "closed month")


def test_the_document_lists_the_readings_file_and_the_root_file(make_reading, factors):
    closed = close_month([make_reading()], factors, CODE, 2023, 4, "t")
    listed = {e["kind"]: e["datalayerhash"] for e in closed.document["extrainfo"]}
    assert listed["meter_readings"] == "0x" + hashlib.sha256(closed.readings_file).hexdigest()
    assert listed["meter_readings_root"] == "0x" + hashlib.sha256(closed.root_file).hexdigest()
    assert json.loads(closed.root_file)["merkle_root"] == closed.root


def test_a_reading_of_another_month_is_not_closed_into_this_one(make_reading, factors):
    with pytest.raises(AggregationError, match="r-9"):
        close_month([make_reading("r-9", month=5)], factors, CODE, 2023, 4, "t")


def test_a_month_without_readings_is_not_closed(factors):
    with pytest.raises(AggregationError, match="no readings"):
        close_month([], factors, CODE, 2023, 4, "t")
