"""offchain.core.equipment: what the schema cannot check of an activity document's equipment,
and the one line that says who emitted what."""

from offchain.core import equipment

RECORDS = [{"fuel": "燃煤", "FC": 1, "unit": "t"}, {"electricity": "电", "AC": 1, "unit": "MWh"}]


def document(**fields):
    return {"title": "t", "records": RECORDS, **fields}


def test_a_document_without_equipment_has_no_problem():
    assert equipment.problems(document()) == []


def test_a_repeated_equipment_id_is_named():
    items = [{"id": "BLR-1"}, {"id": "BLR-1"}]
    assert equipment.problems(document(equipment=items)) == ["equipment[1] repeats id 'BLR-1'"]


def test_a_cited_record_beyond_the_document_is_named():
    items = [{"id": "BLR-1", "records": [0, 2, 5]}]
    assert equipment.problems(document(equipment=items)) == [
        "equipment 'BLR-1' cites record(s) 2, 5, but the document has 2 records (numbered from 0)"
    ]


def test_the_document_source_applies_where_the_equipment_gives_none():
    items = [{"id": "BLR-1", "records": [0], "source": "meter-7"}, {"id": "GRID-1"}]
    assert equipment.describe(document(equipment=items, source="manual")) == (
        "BLR-1: records 0, reported by device meter-7; GRID-1, entered by hand"
    )


def test_a_source_without_equipment_is_still_described():
    assert equipment.describe(document(source="meter-7")) == (
        "no equipment named; reported by device meter-7"
    )
