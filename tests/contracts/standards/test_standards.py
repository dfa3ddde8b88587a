"""FactorLibrary, FormulaLibrary, CalcCode: metadata, revisions, editors write, anyone reads."""

import hashlib

import ape
import pytest

KINDS = {"FactorLibrary": "factor", "FormulaLibrary": "formula", "CalcCode": "calculate"}
METADATA = ("01", "2023", "国标因子库-发电企业")


@pytest.fixture(params=list(KINDS))
def library(request, deploy_proxy, regulator, editor, index, data_layer, stored_document):
    return deploy_proxy(
        request.param,
        regulator,
        editor,
        index.address,
        METADATA,
        "1.0.0",
        data_layer.address,
        stored_document,
    )


def completed(data_layer, writer, content: bytes) -> bytes:
    data_layer.storeInLog(content, [], sender=writer)
    digest = hashlib.sha256(content).digest()
    data_layer.complete(digest, sender=writer)
    return digest


def test_kind_names_the_index_segment(library):
    assert library.kind() == KINDS[library.contract_type.name]


def test_first_revision_is_published_at_initialisation(library, stored_document, data_layer):
    number, (version, document, layer, _publisher, _at) = library.latest()
    assert (number, version, document, layer) == (0, "1.0.0", stored_document, data_layer.address)
    assert tuple(library.metadata()) == METADATA


def test_editor_publishes_a_revision_and_the_previous_stays_readable(
    library, editor, data_layer, writer, stored_document
):
    digest = completed(data_layer, writer, b'{"v": 2}')
    receipt = library.publish("1.1.0", data_layer.address, digest, sender=editor)
    assert library.revisionCount() == 2
    assert library.latest()[1][1] == digest
    assert library.revision(0).document == stored_document
    [event] = library.RevisionPublished.from_receipt(receipt)
    assert (event.revision, event.version, event.document) == (1, "1.1.0", digest)


def test_stranger_cannot_publish(library, stranger, data_layer, writer):
    digest = completed(data_layer, writer, b'{"v": 3}')
    with ape.reverts(library.AccessControlUnauthorizedAccount):
        library.publish("2.0.0", data_layer.address, digest, sender=stranger)


def test_document_must_be_completed_in_the_data_layer(library, editor, data_layer, writer):
    data_layer.storeInLog(b"draft", [], sender=writer)
    with ape.reverts(library.DocumentNotCompleted):
        library.publish(
            "2.0.0", data_layer.address, hashlib.sha256(b"draft").digest(), sender=editor
        )


def test_version_must_not_be_empty(library, editor, data_layer, stored_document):
    with ape.reverts(library.EmptyVersion):
        library.publish("", data_layer.address, stored_document, sender=editor)


def test_unknown_revision_is_reported_with_the_count(library):
    with ape.reverts(library.RevisionNotFound):
        library.revision(5)


def test_editor_updates_metadata_with_an_event(library, editor):
    receipt = library.updateMetadata(("01", "2024", "renamed"), sender=editor)
    assert tuple(library.metadata()) == ("01", "2024", "renamed")
    assert len(library.MetadataUpdated.from_receipt(receipt)) == 1


def test_stranger_cannot_update_metadata(library, stranger):
    with ape.reverts(library.AccessControlUnauthorizedAccount):
        library.updateMetadata(("99", "2024", "x"), sender=stranger)
