"""The reading database: a reading id is stored once, and what is committed stays."""

from offchain.ingest.store import Outcome, ReadingStore


def test_a_reading_is_accepted_then_acknowledged_as_duplicate(tmp_path, make_reading):
    store = ReadingStore(f"sqlite:///{tmp_path / 'r.db'}")
    reading = make_reading()
    assert store.add([reading]) == [Outcome.ACCEPTED]
    assert store.add([reading]) == [Outcome.DUPLICATE]
    assert store.count() == 1


def test_a_duplicate_within_one_batch_is_stored_once(tmp_path, make_reading):
    store = ReadingStore(f"sqlite:///{tmp_path / 'r.db'}")
    reading = make_reading()
    assert store.add([reading, reading]) == [Outcome.ACCEPTED, Outcome.DUPLICATE]
    assert store.count() == 1


def test_a_reading_id_reused_for_other_content_is_a_conflict(tmp_path, make_reading):
    store = ReadingStore(f"sqlite:///{tmp_path / 'r.db'}")
    store.add([make_reading(quantity="1")])
    assert store.add([make_reading(quantity="2")]) == [Outcome.CONFLICT]
    assert store.lines(["r-0001"])["r-0001"] == make_reading(quantity="1").line()


def test_committed_readings_are_there_when_the_database_is_opened_again(tmp_path, make_reading):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    ReadingStore(url).add([make_reading(f"r-{n}") for n in range(3)])
    assert ReadingStore(url).count() == 3


def test_the_database_runs_in_wal_mode_with_full_sync(tmp_path):
    store = ReadingStore(f"sqlite:///{tmp_path / 'r.db'}")
    with store.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_month_is_read_back_sorted_by_reading_id(tmp_path, make_reading):
    store = ReadingStore(f"sqlite:///{tmp_path / 'r.db'}")
    store.add([make_reading("r-b"), make_reading("r-a"), make_reading("r-c", month=5)])
    assert [r.reading_id for r in store.month(make_reading().enterprise, 2023, 4)] == [
        "r-a",
        "r-b",
    ]
