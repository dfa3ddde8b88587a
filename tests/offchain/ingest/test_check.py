"""What a verifier checks of a month closed from readings: each finding names its reading."""

import json

from ingest_values import CODE, OTHER_KEY

from offchain.ingest.aggregate import close_month
from offchain.ingest.check import check_month
from offchain.ingest.readings import canonical


def closed(make_reading, factors, *readings):
    return close_month(
        list(readings) or [make_reading("r-1"), make_reading("r-2")], factors, CODE, 2023, 4, "t"
    )


def test_a_closed_month_checks_clean(make_reading, factors, registered):
    c = closed(make_reading, factors)
    assert check_month(c.document, c.readings_file, c.root_file, CODE, registered, factors) == []


def test_an_altered_reading_is_named(make_reading, factors, registered):
    c = closed(make_reading, factors)
    lines = c.readings_file.splitlines()
    altered = {**json.loads(lines[1]), "quantity": "99"}
    data = lines[0] + b"\n" + canonical(altered) + b"\n"
    findings = check_month(c.document, data, c.root_file, CODE, registered)
    assert any(f.reading_id == "r-2" and "signature recovers" in f.message for f in findings)
    assert any("Merkle root" in f.message for f in findings)
    assert any("SHA-256" in f.message for f in findings)


def test_a_reading_signed_by_an_unregistered_key_is_named(make_reading, factors, registered):
    c = closed(make_reading, factors, make_reading("r-1"), make_reading("r-x", key=OTHER_KEY))
    findings = check_month(c.document, c.readings_file, c.root_file, CODE, registered)
    assert [f.reading_id for f in findings] == ["r-x"]


def test_a_reading_before_the_device_was_registered_is_named(make_reading, factors, registered):
    c = close_month([make_reading("r-old", year=2019)], factors, CODE, 2019, 4, "t")
    findings = check_month(c.document, c.readings_file, c.root_file, CODE, registered)
    assert [(f.reading_id, "not in service" in f.message) for f in findings] == [("r-old", True)]


def test_records_that_are_not_the_sums_of_the_readings_are_found(make_reading, factors, registered):
    c = closed(make_reading, factors)
    document = {**c.document, "records": [{**c.document["records"][0], "FC": 1}]}
    findings = check_month(document, c.readings_file, c.root_file, CODE, registered, factors)
    assert [str(f) for f in findings] == ["the document's records are not the sums of its readings"]
