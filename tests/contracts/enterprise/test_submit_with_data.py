"""EnterpriseCarbon.submitWithData: a submission's documents and its records in one transaction."""

import hashlib

import ape
import pytest

from offchain.chain.bindings import EntryStatus

CODE = "91110000MA01ONETX9"


@pytest.fixture(scope="module")
def enterprise(onboard):
    return onboard(CODE, "一笔交易示范电厂")


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def logged(content: bytes, dependencies=()):
    """A document kept in a log."""
    return (sha(content), len(content), content, list(dependencies))


def record(data: bytes, standards_set: int, title: str = "四月", year: int = 2023):
    return (year, data, title, 1_000_000, standards_set, False, False)


def test_the_factory_lets_each_enterprise_carbon_write_its_data_layer(carbon, layer):
    assert layer.hasRole(layer.DATA_WRITER_ROLE(), carbon.address)


def test_evidence_activity_and_record_go_in_one_transaction(carbon, layer, admin, standards_set):
    evidence = logged(b"test report 2023-04")
    activity = logged(b'{"period": "2023-04"}', [evidence[0]])
    receipt = carbon.submitWithData(
        [record(activity[0], standards_set)], [evidence, activity], sender=admin
    )
    [index] = receipt.return_value
    entry = layer.entry(activity[0])
    assert (entry.status, entry.creator, list(entry.dependencies)) == (
        EntryStatus.COMPLETED,
        carbon.address,
        [evidence[0]],
    )
    assert layer.statusOf(evidence[0]) == EntryStatus.COMPLETED
    assert carbon.record(2023, index).dataStatus == EntryStatus.COMPLETED


def test_each_entry_emits_one_event_for_being_stored_completed_and_one_with_its_bytes(
    carbon, layer, admin, standards_set
):
    activity = logged(b'{"period": "2023-05"}')
    receipt = carbon.submitWithData([record(activity[0], standards_set)], [activity], sender=admin)
    [content] = layer.EntryContent.from_receipt(receipt)
    [stored] = layer.EntryStoredCompleted.from_receipt(receipt)
    assert (content.id, content.content) == (activity[0], activity[2])
    assert (stored.id, stored.creator, stored.mode, stored.size) == (
        activity[0],
        carbon.address,
        2,  # Log
        len(activity[2]),
    )


def test_entries_stored_completed_emit_neither_entry_stored_nor_status_changed(
    carbon, layer, admin, standards_set
):
    activity = logged(b'{"period": "2023-06"}')
    receipt = carbon.submitWithData(
        [record(activity[0], standards_set, "六月")], [activity], sender=admin
    )
    assert layer.EntryStored.from_receipt(receipt) == []
    assert layer.StatusChanged.from_receipt(receipt) == []


def test_dependencies_are_emitted_in_order(carbon, layer, admin, standards_set):
    first, second = logged(b"ledger 2023-06 a"), logged(b"ledger 2023-06 b")
    activity = logged(b'{"period": "2023-06", "n": 2}', [first[0], second[0]])
    receipt = carbon.submitWithData(
        [record(activity[0], standards_set, "六月二")], [first, second, activity], sender=admin
    )
    links = [(e.id, e.dependency) for e in layer.DependencyAdded.from_receipt(receipt)]
    assert links == [(activity[0], first[0]), (activity[0], second[0])]
    assert list(layer.entry(activity[0]).dependencies) == [first[0], second[0]]


def test_a_digest_only_document_keeps_its_size(carbon, layer, admin, standards_set):
    big = (sha(b"a scanned ledger kept off chain"), 1_000_000, b"", [])
    carbon.submitWithData([record(big[0], standards_set, "六月")], [big], sender=admin)
    entry = layer.entry(big[0])
    assert (entry.mode, entry.size, entry.status) == (0, 1_000_000, EntryStatus.COMPLETED)


def test_documents_completed_already_are_skipped(carbon, layer, admin, standards_set):
    evidence = logged(b"a ledger shared by two months")
    carbon.submitWithData([], [evidence], sender=admin)
    count = layer.entryCount()
    activity = logged(b'{"period": "2023-07"}', [evidence[0]])
    receipt = carbon.submitWithData(
        [record(activity[0], standards_set, "七月")], [evidence, activity], sender=admin
    )
    assert layer.entryCount() == count + 1
    assert [e.id for e in layer.EntryStoredCompleted.from_receipt(receipt)] == [activity[0]]


def test_bytes_that_do_not_hash_to_their_digest_are_refused(carbon, layer, admin, standards_set):
    wrong = (sha(b"something else"), 5, b"bytes", [])
    with ape.reverts(layer.DigestMismatch, digest=wrong[0], actual=sha(b"bytes")):
        carbon.submitWithData([record(wrong[0], standards_set)], [wrong], sender=admin)


def test_a_record_already_on_chain_refuses_the_whole_transaction(
    carbon, layer, admin, standards_set
):
    activity = logged(b'{"period": "2023-08"}')
    carbon.submitWithData([record(activity[0], standards_set, "八月")], [activity], sender=admin)
    other = logged(b'{"period": "2023-09"}')
    with ape.reverts(carbon.DuplicateData):
        carbon.submitWithData(
            [record(other[0], standards_set, "九月"), record(activity[0], standards_set, "八月")],
            [other, activity],
            sender=admin,
        )
    assert layer.statusOf(other[0]) == EntryStatus.NONE


@pytest.mark.parametrize("who", ["account", "stranger", "regulator"])
def test_only_the_enterprise_admin_submits_with_data(carbon, standards_set, request, who):
    activity = logged(b'{"period": "2023-10"}')
    with ape.reverts(
        carbon.AccessControlUnauthorizedAccount, neededRole=carbon.ENTERPRISE_ADMIN_ROLE()
    ):
        carbon.submitWithData(
            [record(activity[0], standards_set)], [activity], sender=request.getfixturevalue(who)
        )


def test_without_data_writer_the_documents_are_refused(onboard, regulator, admin, standards_set):
    carbon, layer = onboard("91110000MA01ONETY5", "未授权示范电厂")
    layer.revokeRole(layer.DATA_WRITER_ROLE(), carbon.address, sender=regulator)
    activity = logged(b'{"period": "2023-11"}')
    # The DataLayer refuses the EnterpriseCarbon; the error reaches the sender unchanged.
    with ape.reverts(
        carbon.AccessControlUnauthorizedAccount,
        account=carbon.address,
        neededRole=layer.DATA_WRITER_ROLE(),
    ):
        carbon.submitWithData([record(activity[0], standards_set)], [activity], sender=admin)


def test_a_backlog_of_records_is_one_transaction(carbon, admin, standards_set):
    data = [sha(f"2022-{m:02d}".encode()) for m in range(1, 13)]
    receipt = carbon.submitWithData(
        [record(d, standards_set, f"2022年{m}月", 2022) for m, d in enumerate(data, 1)],
        [],
        sender=admin,
    )
    assert receipt.return_value == list(range(12))
    assert [r.data for r in carbon.records(2022)] == data


def test_each_record_is_checked_as_submit_checks_it(carbon, admin, standards_set):
    with ape.reverts(carbon.EmptyTitle):
        carbon.submitWithData([record(sha(b"untitled"), standards_set, "")], [], sender=admin)
    with ape.reverts(carbon.NoStandardsSet):
        carbon.submitWithData([record(sha(b"no set"), 0)], [], sender=admin)


def test_a_frozen_year_refuses_the_whole_submission(
    verification, onboard, regulator, admin, agency, standards_set
):
    carbon, layer = onboard("91110000MA01ONETZ1", "冻结示范电厂")
    carbon.submitWithData([record(sha(b"before"), standards_set, "一月")], [], sender=admin)
    verification.open(carbon, 2023, sender=regulator)
    verification.assign(carbon, 2023, agency, sender=regulator)
    activity = logged(b'{"period": "2023-02"}')
    with ape.reverts(carbon.YearFrozen, enterprise=carbon.address, year=2023):
        carbon.submitWithData(
            [record(activity[0], standards_set, "二月")], [activity], sender=admin
        )
    assert layer.statusOf(activity[0]) == EntryStatus.NONE
