"""CarbonIndex standards sets: a compact id for the exact versions a record used."""

import ape

NAMES = ("GB_01_factor_20231001_0000", "GB_01_formula_20231001_0000", "GB_calculate_20231001_0000")


def test_a_set_names_three_published_revisions(index, standards_set):
    assert tuple(index.standardsSet(standards_set)) == (NAMES[0], 0, NAMES[1], 0, NAMES[2], 0)


def test_registering_the_same_set_again_returns_its_id(index, standards_set, stranger):
    receipt = index.registerStandardsSet((NAMES[0], 0, NAMES[1], 0, NAMES[2], 0), sender=stranger)
    assert receipt.return_value == standards_set
    assert index.standardsSetCount() == 1


def test_a_set_cannot_name_an_unpublished_revision(index, standards_set, stranger):
    with ape.reverts(index.UnknownRevision, name=NAMES[0], revision=1):
        index.registerStandardsSet((NAMES[0], 1, NAMES[1], 0, NAMES[2], 0), sender=stranger)


def test_a_set_cannot_name_a_standard_of_the_wrong_kind(index, standards_set, stranger):
    with ape.reverts(index.WrongKind):
        index.registerStandardsSet((NAMES[1], 0, NAMES[1], 0, NAMES[2], 0), sender=stranger)


def test_a_set_cannot_name_an_unknown_standard(index, standards_set, stranger):
    with ape.reverts(index.UnknownName):
        index.registerStandardsSet(
            ("GB_09_factor_20231001_0000", 0, NAMES[1], 0, NAMES[2], 0), sender=stranger
        )


def test_unknown_set_ids_are_named(index):
    with ape.reverts(index.UnknownStandardsSet, id=99):
        index.standardsSet(99)


def test_a_set_resolves_to_each_documents_digest_layer_and_chunks(
    index, standards_set, data_layer, stored_document
):
    resolved = index.resolveStandardsSet(standards_set)
    assert [r.name for r in resolved] == list(NAMES)
    for r in resolved:
        assert (r.revision, r.document, r.dataLayer) == (0, stored_document, data_layer.address)
        assert r.chunks == data_layer.entry(stored_document).chunks and len(r.chunks) == 1
