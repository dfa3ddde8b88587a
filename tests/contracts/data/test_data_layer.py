"""DataLayer: content-addressed entries, three storage modes, a one-way lifecycle, dependencies."""

import hashlib

import ape
import pytest

from offchain.chain.bindings import EntryStatus, StorageMode

ZERO = "0x" + "00" * 20


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def test_state_entry_is_keyed_by_sha256_and_reads_back(data_layer, writer):
    content = "碳排数据".encode() * 50
    data_layer.storeInState(content, [], sender=writer)
    assert data_layer.content(sha(content)) == content
    entry = data_layer.entry(sha(content))
    assert (entry.status, entry.mode, entry.size, entry.creator) == (
        EntryStatus.IN_PROGRESS,
        StorageMode.STATE,
        len(content),
        writer.address,
    )


def test_state_entry_larger_than_one_code_chunk_reads_back_whole(data_layer, writer):
    content = bytes(range(1, 256)) * 300  # 76,500 bytes: four linked SSTORE2 chunks
    data_layer.storeInState(content, [], sender=writer)
    assert len(data_layer.entry(sha(content)).chunks) == 4
    assert data_layer.content(sha(content)) == content


def test_log_entry_emits_its_content_under_its_digest(data_layer, writer):
    content = b'{"title": "log"}'
    receipt = data_layer.storeInLog(content, [], sender=writer)
    [log] = data_layer.EntryContent.from_receipt(receipt)
    assert (log.id, log.content) == (sha(content), content)
    assert data_layer.entry(sha(content)).blockNumber == receipt.block_number


def test_digest_only_entry_keeps_digest_and_size(data_layer, writer):
    digest = sha(b"large file kept off chain")
    data_layer.storeDigest(digest, 123_456, [], sender=writer)
    entry = data_layer.entry(digest)
    assert (entry.mode, entry.size, entry.status) == (
        StorageMode.DIGEST_ONLY,
        123_456,
        EntryStatus.IN_PROGRESS,
    )


def test_content_of_a_non_state_entry_is_refused(data_layer, writer):
    digest = sha(b"x")
    data_layer.storeDigest(digest, 1, [], sender=writer)
    with ape.reverts(data_layer.ContentNotInState):
        data_layer.content(digest)


def test_storing_the_same_content_twice_reverts(data_layer, writer):
    data_layer.storeInLog(b"same", [], sender=writer)
    with ape.reverts(data_layer.EntryExists):
        data_layer.storeInState(b"same", [], sender=writer)


def test_empty_content_is_refused(data_layer, writer):
    with ape.reverts(data_layer.EmptyContent):
        data_layer.storeInState(b"", [], sender=writer)


def test_digest_only_entry_needs_a_size(data_layer, writer):
    with ape.reverts(data_layer.InvalidSize):
        data_layer.storeDigest(sha(b"y"), 0, [], sender=writer)


@pytest.mark.parametrize("method", ["storeInState", "storeInLog"])
def test_only_data_writers_store_content(data_layer, stranger, method):
    with ape.reverts(data_layer.AccessControlUnauthorizedAccount):
        getattr(data_layer, method)(b"doc", [], sender=stranger)


def test_only_data_writers_store_digests(data_layer, stranger):
    with ape.reverts(data_layer.AccessControlUnauthorizedAccount):
        data_layer.storeDigest(sha(b"z"), 1, [], sender=stranger)


def test_dependencies_must_exist(data_layer, writer):
    with ape.reverts(data_layer.InvalidDependency):
        data_layer.storeInLog(b"child", [sha(b"missing")], sender=writer)


def test_dependency_links_are_recorded_and_announced(data_layer, writer):
    data_layer.storeInLog(b"evidence", [], sender=writer)
    receipt = data_layer.storeInLog(b"activity", [sha(b"evidence")], sender=writer)
    assert data_layer.entry(sha(b"activity")).dependencies == [sha(b"evidence")]
    assert len(data_layer.DependencyAdded.from_receipt(receipt)) == 1


def test_dependency_added_later_while_in_progress(data_layer, writer):
    data_layer.storeInLog(b"a", [], sender=writer)
    data_layer.storeInLog(b"b", [], sender=writer)
    data_layer.addDependency(sha(b"a"), sha(b"b"), sender=writer)
    assert data_layer.entry(sha(b"a")).dependencies == [sha(b"b")]


def test_a_dependency_is_listed_once(data_layer, writer):
    data_layer.storeInLog(b"a", [], sender=writer)
    data_layer.storeInLog(b"b", [sha(b"a")], sender=writer)
    with ape.reverts(data_layer.InvalidDependency):
        data_layer.addDependency(sha(b"b"), sha(b"a"), sender=writer)


def test_an_entry_cannot_depend_on_itself(data_layer, writer):
    data_layer.storeInLog(b"a", [], sender=writer)
    with ape.reverts(data_layer.InvalidDependency):
        data_layer.addDependency(sha(b"a"), sha(b"a"), sender=writer)


def test_only_the_creator_changes_an_entry(data_layer, writer, regulator, accounts):
    other_writer = accounts[3]
    data_layer.grantRole(data_layer.DATA_WRITER_ROLE(), other_writer, sender=regulator)
    data_layer.storeInLog(b"mine", [], sender=writer)
    with ape.reverts(data_layer.NotEntryCreator):
        data_layer.complete(sha(b"mine"), sender=other_writer)


@pytest.mark.parametrize("method", ["complete", "cancel"])
def test_strangers_cannot_change_status(data_layer, writer, stranger, method):
    data_layer.storeInLog(b"doc", [], sender=writer)
    with ape.reverts(data_layer.AccessControlUnauthorizedAccount):
        getattr(data_layer, method)(sha(b"doc"), sender=stranger)


def test_strangers_cannot_add_dependencies(data_layer, writer, stranger):
    data_layer.storeInLog(b"a", [], sender=writer)
    data_layer.storeInLog(b"b", [], sender=writer)
    with ape.reverts(data_layer.AccessControlUnauthorizedAccount):
        data_layer.addDependency(sha(b"a"), sha(b"b"), sender=stranger)


@pytest.mark.parametrize(
    ("method", "status"), [("complete", EntryStatus.COMPLETED), ("cancel", EntryStatus.CANCELLED)]
)
def test_status_moves_once_out_of_in_progress(data_layer, writer, method, status):
    data_layer.storeInLog(b"doc", [], sender=writer)
    receipt = getattr(data_layer, method)(sha(b"doc"), sender=writer)
    assert data_layer.statusOf(sha(b"doc")) == status
    [event] = data_layer.StatusChanged.from_receipt(receipt)
    assert (event.previous, event.current) == (EntryStatus.IN_PROGRESS, status)


@pytest.mark.parametrize("first", ["complete", "cancel"])
def test_finished_entries_do_not_change(data_layer, writer, first):
    data_layer.storeInLog(b"doc", [], sender=writer)
    data_layer.storeInLog(b"dep", [], sender=writer)
    getattr(data_layer, first)(sha(b"doc"), sender=writer)
    for change in (
        lambda: data_layer.complete(sha(b"doc"), sender=writer),
        lambda: data_layer.cancel(sha(b"doc"), sender=writer),
        lambda: data_layer.addDependency(sha(b"doc"), sha(b"dep"), sender=writer),
    ):
        with ape.reverts(data_layer.EntryNotInProgress):
            change()


def test_unknown_entries_are_reported_as_such(data_layer):
    with ape.reverts(data_layer.EntryNotFound):
        data_layer.entry(sha(b"never stored"))


def test_entries_reads_many_entries_in_order_as_entry_does(data_layer, writer):
    data_layer.storeInState(b"evidence", [], sender=writer)
    data_layer.storeInLog(b"activity", [sha(b"evidence")], sender=writer)
    data_layer.storeDigest(sha(b"kept off chain"), 99, [], sender=writer)
    ids = [sha(b"kept off chain"), sha(b"activity"), sha(b"evidence")]
    assert list(data_layer.entries(ids)) == [data_layer.entry(i) for i in ids]


def test_entries_gives_an_empty_entry_for_an_unknown_id_without_reverting(data_layer, writer):
    data_layer.storeInLog(b"known", [], sender=writer)
    known, unknown = data_layer.entries([sha(b"known"), sha(b"never stored")])
    assert known.status == EntryStatus.IN_PROGRESS
    assert (unknown.status, unknown.creator, unknown.size) == (EntryStatus.NONE, ZERO, 0)


def test_entries_of_no_ids_is_empty(data_layer):
    assert list(data_layer.entries([])) == []


def test_entry_count_counts_every_mode(data_layer, writer):
    before = data_layer.entryCount()
    data_layer.storeInState(b"1", [], sender=writer)
    data_layer.storeInLog(b"2", [], sender=writer)
    data_layer.storeDigest(sha(b"3"), 1, [], sender=writer)
    assert data_layer.entryCount() == before + 3


# --- a claim never blocks the content (issue 10, point 5) -------------------------------------


@pytest.fixture
def other_writer(data_layer, regulator, accounts):
    data_layer.grantRole(data_layer.DATA_WRITER_ROLE(), accounts[3], sender=regulator)
    return accounts[3]


def test_a_cancelled_claim_does_not_block_the_content(data_layer, writer, other_writer):
    content = b'{"official": "document"}'
    data_layer.storeDigest(sha(content), len(content), [], sender=other_writer)
    data_layer.cancel(sha(content), sender=other_writer)
    data_layer.storeInState(content, [], sender=writer)
    data_layer.complete(sha(content), sender=writer)
    entry = data_layer.entry(sha(content))
    assert (entry.creator, entry.status, entry.mode) == (
        writer.address,
        EntryStatus.COMPLETED,
        StorageMode.STATE,
    )
    assert data_layer.content(sha(content)) == content


def test_bytes_supersede_a_digest_claim_in_progress(data_layer, writer, other_writer):
    content = b'{"official": "in progress"}'
    data_layer.storeInLog(b"dep", [], sender=other_writer)
    data_layer.storeDigest(sha(content), 1, [sha(b"dep")], sender=other_writer)
    receipt = data_layer.storeInLog(content, [], sender=writer)
    entry = data_layer.entry(sha(content))
    assert (entry.creator, entry.status, entry.mode, entry.size, entry.dependencies) == (
        writer.address,
        EntryStatus.IN_PROGRESS,
        StorageMode.LOG,
        len(content),
        [],
    )
    assert entry.blockNumber == receipt.block_number
    with ape.reverts(data_layer.NotEntryCreator):
        data_layer.complete(sha(content), sender=other_writer)


def test_bytes_join_a_completed_digest_claim(data_layer, writer, other_writer):
    content = b'{"official": "completed"}'
    data_layer.storeDigest(sha(content), len(content), [], sender=other_writer)
    data_layer.complete(sha(content), sender=other_writer)
    data_layer.storeInState(content, [], sender=writer)
    entry = data_layer.entry(sha(content))
    assert (entry.creator, entry.status, entry.mode) == (
        other_writer.address,
        EntryStatus.COMPLETED,
        StorageMode.STATE,
    )
    assert data_layer.content(sha(content)) == content
    with ape.reverts(data_layer.EntryExists):
        data_layer.storeInLog(content, [], sender=writer)


def test_a_digest_claim_does_not_supersede_another(data_layer, writer, other_writer):
    data_layer.storeDigest(sha(b"d"), 1, [], sender=other_writer)
    with ape.reverts(data_layer.EntryExists):
        data_layer.storeDigest(sha(b"d"), 1, [], sender=writer)


def test_the_regulator_cancels_the_entry_of_a_revoked_writer(
    data_layer, writer, other_writer, regulator, stranger
):
    data_layer.storeDigest(sha(b"squatted"), 8, [], sender=other_writer)
    data_layer.revokeRole(data_layer.DATA_WRITER_ROLE(), other_writer, sender=regulator)
    with ape.reverts(data_layer.AccessControlUnauthorizedAccount):
        data_layer.cancel(sha(b"squatted"), sender=other_writer)
    with ape.reverts(data_layer.AccessControlUnauthorizedAccount):
        data_layer.cancel(sha(b"squatted"), sender=stranger)
    with ape.reverts(data_layer.NotEntryCreator):
        data_layer.cancel(sha(b"squatted"), sender=writer)
    data_layer.cancel(sha(b"squatted"), sender=regulator)
    assert data_layer.statusOf(sha(b"squatted")) == EntryStatus.CANCELLED
    data_layer.storeDigest(sha(b"squatted"), 8, [], sender=writer)
    assert data_layer.entry(sha(b"squatted")).creator == writer.address


# --- storeCompleted: entries stored and completed in one call (issue 15) -----------------------


def logged(content: bytes, dependencies=()):
    return (sha(content), len(content), content, list(dependencies))


def test_store_completed_writes_each_entry_whole(data_layer, writer, chain):
    evidence = logged(b"completed evidence")
    activity = logged(b"completed activity", [evidence[0]])
    receipt = data_layer.storeCompleted([evidence, activity], sender=writer)
    entry = data_layer.entry(activity[0])
    assert (entry.creator, entry.status, entry.mode, entry.size, entry.dependencies) == (
        writer.address,
        EntryStatus.COMPLETED,
        StorageMode.LOG,
        len(activity[2]),
        [evidence[0]],
    )
    assert entry.createdAt == chain.blocks[receipt.block_number].timestamp
    assert entry.blockNumber == receipt.block_number


def test_store_completed_counts_each_new_entry(data_layer, writer):
    before = data_layer.entryCount()
    digest_only = (sha(b"counted off chain"), 10, b"", [])
    data_layer.storeCompleted([logged(b"counted 1"), digest_only], sender=writer)
    assert data_layer.entryCount() == before + 2


def test_store_completed_refuses_a_dependency_listed_twice(data_layer, writer):
    evidence = logged(b"listed twice")
    activity = logged(b"depends twice", [evidence[0], evidence[0]])
    with ape.reverts(data_layer.InvalidDependency, id=activity[0], dependency=evidence[0]):
        data_layer.storeCompleted([evidence, activity], sender=writer)


def test_store_completed_refuses_a_dependency_on_itself(data_layer, writer):
    content = b"depends on itself"
    with ape.reverts(data_layer.InvalidDependency):
        data_layer.storeCompleted([logged(content, [sha(content)])], sender=writer)


def test_store_completed_refuses_a_dependency_that_does_not_exist(data_layer, writer):
    with ape.reverts(data_layer.InvalidDependency):
        data_layer.storeCompleted([logged(b"orphan", [sha(b"nowhere")])], sender=writer)


def test_store_completed_starts_a_cancelled_entry_afresh(data_layer, writer, other_writer):
    content = b"cancelled, then completed"
    data_layer.storeInLog(b"old dependency", [], sender=other_writer)
    data_layer.storeDigest(sha(content), 1, [sha(b"old dependency")], sender=other_writer)
    data_layer.cancel(sha(content), sender=other_writer)
    before = data_layer.entryCount()
    receipt = data_layer.storeCompleted([logged(content)], sender=writer)
    entry = data_layer.entry(sha(content))
    assert (entry.creator, entry.status, entry.mode, entry.size, entry.dependencies) == (
        writer.address,
        EntryStatus.COMPLETED,
        StorageMode.LOG,
        len(content),
        [],
    )
    assert entry.blockNumber == receipt.block_number
    assert data_layer.entryCount() == before


def test_store_completed_refuses_an_entry_in_progress(data_layer, writer, other_writer):
    data_layer.storeInLog(b"in progress elsewhere", [], sender=other_writer)
    with ape.reverts(data_layer.EntryExists):
        data_layer.storeCompleted([logged(b"in progress elsewhere")], sender=writer)
