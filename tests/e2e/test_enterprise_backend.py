"""The enterprise backend against the deployed suite: evidence, calculation, record, retries."""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from e2e_support import ADMIN, AGENCY, OUTSIDER, REGULATOR, WRITER, contracts, onboard

from offchain.actions import onboarding
from offchain.actions.enterprise import (
    EnterpriseBackend,
    EnterpriseError,
    MissingReasonError,
    Submission,
    invalidate,
    year_periods,
)
from offchain.calc.plausibility import (
    DuplicatePeriodError,
    ImplausibleValueError,
    OutOfRangeError,
    PeriodError,
)
from offchain.chain.bindings import ROLES, EntryStatus
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core import crypto
from offchain.core.credit_code import with_check
from offchain.errors import CarbonError, DocumentError


@pytest.fixture(scope="module")
def tx(reader):
    return Transactor(reader.w3, reader.errors)


def chain_state(reader, code: str, year: int = 2023) -> tuple[int, int]:
    """(entries in the enterprise's DataLayer, records of `year`)."""
    carbon, layer = contracts(reader, code)
    return layer.functions.entryCount().call(), carbon.functions.recordCount(year).call()


def sent_since(tx: Transactor, sent: int) -> list[str]:
    """Labels of the transactions sent after the `sent`th, but the standards set's registration
    (made by whichever submission of the module's chain comes first)."""
    return [label for label, _ in tx.receipts[sent:] if label != "registering the standards set"]


@pytest.fixture
def refused(tx, reader):
    """`with refused(Error, match=…, code=…)`: the block raises Error, no transaction was sent
    and, for an enterprise `code`, its DataLayer entries and records are as they were."""

    @contextmanager
    def check(error: type[Exception], match: str, code: str | None = None) -> Iterator[None]:
        sent = tx.sent
        before = chain_state(reader, code) if code else None
        with pytest.raises(error, match=match):
            yield
        assert tx.sent == sent
        if code:
            assert chain_state(reader, code) == before

    return check


@pytest.fixture(scope="module")
def onboarded(reader, tx):
    """Credit code -> (carbon, layer) of an enterprise onboarded by the regulator."""
    for account in (WRITER, REGULATOR, AGENCY):
        onboarding.publish_key(reader, tx, account)
    return lambda code: onboard(reader, tx, code)


@pytest.fixture
def backend(reader, tx, store):
    return EnterpriseBackend(reader, tx, store, WRITER, ADMIN)


def test_submit_stores_evidence_computes_and_records(
    backend, onboarded, activity, reader, evidence
):
    carbon, layer = onboarded("91110000000000001H")
    outcome = backend.submit(
        Submission("91110000000000001H", 2023, "2023年4月", activity, evidence)
    )
    record = reader.record(carbon.address, 2023, outcome.index)
    assert record.result == 288_324_366 and record.self_measured is True
    stored = json.loads(reader.document(layer.address, outcome.data))
    assert [e["name"] for e in stored["extrainfo"]] == ["test_report.txt", "ledger.csv"]
    assert stored["total"] == "288.324366"
    entry = reader.entry(layer.address, outcome.data)
    assert entry.status is EntryStatus.COMPLETED
    assert set(entry.dependencies) == {e["datalayerhash"] for e in stored["extrainfo"]}
    assert reader.standards_set(record.standards_set).factor == "GB_01_factor_20231001_0000"


def test_the_same_submission_twice_leaves_one_record(backend, onboarded, activity, tx, evidence):
    carbon, layer = onboarded("91110000000000002L")
    submission = Submission("91110000000000002L", 2023, "四月", activity, evidence)
    first = backend.submit(submission)
    entries, sent = layer.functions.entryCount().call(), tx.sent
    second = backend.submit(submission)
    assert (second.created, second.index, second.data) == (False, first.index, first.data)
    assert carbon.functions.recordCount(2023).call() == 1
    assert (layer.functions.entryCount().call(), tx.sent) == (entries, sent)


def test_a_monthly_submission_is_one_transaction_and_at_most_five_round_trips(
    backend, onboarded, activity, reader, tx, evidence, tmp_path
):
    code = "91110000000000015Y"
    onboarded(code)
    backend.submit(Submission(code, 2023, "四月", activity, evidence))  # warms the caches
    may = _another_month(activity, tmp_path, 5)
    sent, trips = tx.sent, reader.round_trips
    outcome = backend.submit(Submission(code, 2023, "五月", may, evidence))
    assert outcome.created
    assert sent_since(tx, sent) == ["submitting '五月'"]
    assert reader.round_trips - trips <= 5
    assert chain_state(reader, code) == (4, 2)  # the evidence once, an activity document each


def test_the_documents_of_a_one_transaction_submission_are_entries_as_before(
    backend, onboarded, activity, reader, evidence
):
    carbon, layer = onboarded("911100000000000162")
    outcome = backend.submit(Submission("911100000000000162", 2023, "四月", activity, evidence))
    entry = reader.entry(layer.address, outcome.data)
    assert (entry.status, entry.creator) == (EntryStatus.COMPLETED, carbon.address)
    assert len(entry.dependencies) == 2
    assert all(
        reader.entry(layer.address, d).status is EntryStatus.COMPLETED for d in entry.dependencies
    )


@pytest.mark.parametrize("crash_after", ["checked", "sending"])
def test_a_submission_that_died_before_its_transaction_finishes_on_retry(
    backend, onboarded, activity, crash_after, evidence
):
    code = with_check(f"9111000000000000{3 if crash_after == 'checked' else 4}")
    carbon, layer = onboarded(code)
    submission = Submission(code, 2023, "四月", activity, evidence)

    def crash(step: str) -> None:
        if step == crash_after:
            raise KeyboardInterrupt(step)

    with pytest.raises(KeyboardInterrupt):
        backend.submit(submission, progress=crash)
    assert (layer.functions.entryCount().call(), carbon.functions.recordCount(2023).call()) == (
        0,
        0,
    )
    backend.submit(submission)
    assert carbon.functions.recordCount(2023).call() == 1
    assert layer.functions.entryCount().call() == 3  # two evidence files, one activity document


def test_a_submission_that_died_after_its_transaction_sends_nothing_on_retry(
    backend, onboarded, activity, tx, evidence
):
    code = "911100000000000175"
    carbon, layer = onboarded(code)
    submission = Submission(code, 2023, "四月", activity, evidence)

    def crash(step: str) -> None:
        if step == "record submitted":
            raise KeyboardInterrupt(step)

    with pytest.raises(KeyboardInterrupt):
        backend.submit(submission, progress=crash)
    sent = tx.sent
    again = backend.submit(submission)
    assert (again.created, again.index, tx.sent) == (False, 0, sent)
    assert (layer.functions.entryCount().call(), carbon.functions.recordCount(2023).call()) == (
        3,
        1,
    )


def test_an_enterprise_whose_carbon_cannot_write_submits_in_steps(
    backend, onboarded, activity, reader, tx, evidence
):
    code = "911100000000000188"
    carbon, layer = onboarded(code)
    revoke = layer.functions.revokeRole(ROLES["DATA_WRITER"], carbon.address)
    tx.send(REGULATOR, revoke, "revoking")
    sent = tx.sent
    outcome = backend.submit(Submission(code, 2023, "四月", activity, evidence))
    labels = sent_since(tx, sent)
    assert [label.split()[0] for label in labels] == ["storing", "completing"] * 3 + ["submitting"]
    assert reader.entry(layer.address, outcome.data).creator == WRITER.address


def test_a_submission_begun_in_steps_finishes_in_one_transaction_once_the_carbon_may_write(
    backend, onboarded, activity, reader, tx, evidence
):
    code = "91110000000000019B"
    carbon, layer = onboarded(code)
    tx.send(REGULATOR, layer.functions.revokeRole(ROLES["DATA_WRITER"], carbon.address), "revoke")
    submission = Submission(code, 2023, "四月", activity, evidence)

    def crash(step: str) -> None:
        if step == "evidence stored":
            raise KeyboardInterrupt(step)

    with pytest.raises(KeyboardInterrupt):
        backend.submit(submission, progress=crash)
    onboarding.let_carbon_store_documents(reader, tx, REGULATOR, code)
    sent = tx.sent
    backend.submit(submission)
    assert sent_since(tx, sent) == ["submitting '四月'"]
    assert (layer.functions.entryCount().call(), carbon.functions.recordCount(2023).call()) == (
        3,
        1,
    )


def _another_month(activity, folder, month: int):
    """The activity document of `activity` for another month (a period of its own)."""
    document = json.loads(activity.read_text("utf-8"))
    document["period"] = {"year": 2023, "month": month}
    path = folder / f"activity-{month}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def test_encrypted_evidence_is_readable_by_its_recipients_only(
    backend, onboarded, activity, reader, evidence
):
    _, layer = onboarded("91110000000000005X")
    outcome = backend.submit(
        Submission(
            "91110000000000005X",
            2023,
            "四月",
            activity,
            evidence,
            encrypt_for=[REGULATOR.address, AGENCY.address],
        )
    )
    listed = outcome.evidence[0]
    envelope = reader.document(layer.address, listed["datalayerhash"])
    plain = (activity.parent / "test_report.txt").read_bytes()
    for reader_account in (WRITER, REGULATOR, AGENCY):
        assert crypto.decrypt(envelope, bytes(reader_account.key)) == plain
    with pytest.raises(crypto.NotARecipientError):
        crypto.decrypt(envelope, bytes(OUTSIDER.key))
    assert listed["encrypted"] and listed["sha256"] == "0x" + hashlib.sha256(plain).hexdigest()


def test_an_encrypted_submission_retried_stores_nothing_twice(
    backend, onboarded, activity, tx, evidence
):
    _, layer = onboarded("911100000000000061")
    submission = Submission(
        "911100000000000061",
        2023,
        "四月",
        activity,
        evidence,
        encrypt_for=[AGENCY.address],
    )
    backend.submit(submission)
    sent = tx.sent
    assert not backend.submit(submission).created
    assert tx.sent == sent and layer.functions.entryCount().call() == 3


def test_an_unknown_enterprise_is_named(backend, activity):
    with pytest.raises(Exception, match="no enterprise with credit code 'nobody'"):
        backend.submit(Submission("nobody", 2023, "四月", activity))


def test_a_signer_without_the_role_is_named_before_anything_is_sent(
    reader, tx, refused, store, onboarded, activity, evidence
):
    onboarded("911100000000000074")
    wrong = EnterpriseBackend(reader, tx, store, WRITER, OUTSIDER)
    with refused(
        EnterpriseError,
        match="lacks ENTERPRISE_ADMIN of 911100000000000074",
        code="911100000000000074",
    ):
        wrong.submit(Submission("911100000000000074", 2023, "四月", activity, evidence))


def test_an_unreadable_evidence_file_is_named_and_nothing_is_sent(
    backend, refused, onboarded, activity, evidence
):
    onboarded("911100000000000087")
    with refused(EnterpriseError, match=r"missing\.pdf cannot be read", code="911100000000000087"):
        backend.submit(
            Submission(
                "911100000000000087",
                2023,
                "四月",
                activity,
                [*evidence, activity.parent / "missing.pdf"],
            )
        )


def test_a_recipient_without_a_published_key_is_named(
    backend, refused, onboarded, activity, evidence
):
    onboarded("91110000000000009A")
    with refused(
        CarbonError,
        match=f"no public key published for {OUTSIDER.address}",
        code="91110000000000009A",
    ):
        backend.submit(
            Submission(
                "91110000000000009A",
                2023,
                "四月",
                activity,
                evidence,
                encrypt_for=[OUTSIDER.address],
            )
        )


def test_self_measured_evidence_must_be_submitted(backend, refused, onboarded, activity, evidence):
    onboarded("91110000000000010F")
    with refused(DocumentError, match="record 0 cites evidence", code="91110000000000010F"):
        backend.submit(Submission("91110000000000010F", 2023, "四月", activity))


def test_a_calculation_error_leaves_nothing_behind(backend, refused, onboarded, activity, evidence):
    onboarded("91110000000000011J")
    document = json.loads(activity.read_text("utf-8"))
    document["records"].append({"fuel": "燃料X", "FC": 1, "unit": "t"})
    activity.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    with refused(Exception, match="record 3", code="91110000000000011J"):
        backend.submit(Submission("91110000000000011J", 2023, "四月", activity, evidence))


def test_rectification_replaces_a_record_and_keeps_both(
    backend, onboarded, activity, evidence, tmp_path
):
    carbon, _ = onboarded("91110000000000012M")
    first = backend.submit(Submission("91110000000000012M", 2023, "四月", activity, evidence))
    document = json.loads(activity.read_text("utf-8"))
    document["records"][1]["AC"] = 9.45
    corrected = tmp_path / "corrected.json"
    corrected.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    report = tmp_path / "rectification.txt"
    report.write_text("电表读数更正: 10.45 MWh -> 9.45 MWh\n", "utf-8")
    submission = Submission(
        "91110000000000012M",
        2023,
        "四月(整改后)",
        corrected,
        evidence,
        replaces=first.index,
        rectification_evidence=report,
    )
    second = backend.submit(submission)
    old, new = (backend.reader.record(carbon.address, 2023, i) for i in (first.index, second.index))
    assert (old.valid, new.valid, new.replaced_index) == (False, True, first.index)
    assert new.rectification_evidence == "0x" + hashlib.sha256(report.read_bytes()).hexdigest()
    assert not backend.submit(submission).created  # a retried rectification adds nothing


def test_rectifying_an_invalid_record_is_refused(backend, onboarded, activity, evidence, tmp_path):
    carbon, _ = onboarded("91110000000000013Q")
    first = backend.submit(Submission("91110000000000013Q", 2023, "四月", activity, evidence))
    backend.tx.send(ADMIN, carbon.functions.invalidate(2023, first.index, "wrong"), "invalidate")
    report = tmp_path / "rectification.txt"
    report.write_text("x\n", "utf-8")
    with pytest.raises(EnterpriseError, match="already invalid"):
        backend.submit(
            Submission(
                "91110000000000013Q",
                2023,
                "四月(整改后)",
                activity,
                evidence,
                replaces=first.index,
                rectification_evidence=report,
            )
        )


# -- plausibility: each rule refused before the first transaction, and its valid case accepted --


def plausible_code(n: int) -> str:
    return with_check(f"91110000PLA{n:06d}")


def edited(activity, name: str, edit) -> Any:
    """A copy of the activity document, changed by `edit(document)`, next to it as `name`."""
    document = json.loads(activity.read_text("utf-8"))
    edit(document)
    path = activity.parent / name
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


@pytest.mark.parametrize(
    ("n", "edit", "error", "match"),
    [
        (
            1,
            lambda d: d["records"][1].update(AC=-10.45),
            ImplausibleValueError,
            r"bad\.json: record 1 \(electricity\): activity value 'AC' is negative",
        ),
        (
            2,
            lambda d: d["records"][0].update(OF=150),
            ImplausibleValueError,
            r"bad\.json: record 0 \(fuel=燃煤\): self-measured 'OF' is outside 0-100",
        ),
        (
            3,
            lambda d: d["records"][0].update(FC=1e15),
            OutOfRangeError,
            r"bad\.json: total 27420223\d+\.\d+ tCO2e is beyond 8589934592\.000000 tCO2e",
        ),
        (
            4,
            lambda d: d.update(period={"year": 2019, "month": 4}),
            PeriodError,
            r"bad\.json: key 'period\.year' is 2019, but the record is filed under 2023",
        ),
    ],
)
def test_an_implausible_document_is_refused_and_leaves_no_trace(
    backend, refused, onboarded, activity, evidence, n, edit, error, match
):
    code = plausible_code(n)
    onboarded(code)
    bad = edited(activity, "bad.json", edit)
    with refused(error, match=match, code=code):
        backend.submit(Submission(code, 2023, "四月", bad, evidence))
    assert backend.submit(Submission(code, 2023, "四月", activity, evidence)).created


def test_a_number_json_cannot_carry_is_named_and_nothing_is_sent(
    backend, refused, onboarded, activity, evidence
):
    code = plausible_code(5)
    onboarded(code)
    text = activity.read_text("utf-8").replace('"AC": 10.45', '"AC": 1e400')
    assert "1e400" in text
    bad = activity.parent / "huge.json"
    bad.write_text(text, "utf-8")
    with refused(
        ImplausibleValueError, match=r"huge\.json: record 1: key 'AC' is not a finite", code=code
    ):
        backend.submit(Submission(code, 2023, "四月", bad, evidence))


def test_a_monthly_filing_must_name_the_documents_month(
    backend, refused, onboarded, activity, evidence
):
    code = plausible_code(6)
    onboarded(code)
    with refused(
        PeriodError, match=r"'period\.month' is 4, but the record is filed for 2023-05", code=code
    ):
        backend.submit(Submission(code, 2023, "五月", activity, evidence, month=5))
    assert backend.submit(Submission(code, 2023, "四月", activity, evidence, month=4)).created


def test_an_empty_title_is_refused_before_the_evidence_is_stored(
    backend, refused, onboarded, activity, evidence
):
    code = plausible_code(7)
    onboarded(code)
    with refused(EnterpriseError, match="the title is empty", code=code):
        backend.submit(Submission(code, 2023, "  ", activity, evidence))


def test_a_second_valid_record_for_the_same_month_is_refused_until_the_first_is_invalid(
    backend, refused, onboarded, activity, evidence, reader, tx
):
    code = plausible_code(8)
    onboarded(code)
    first = backend.submit(Submission(code, 2023, "四月", activity, evidence))
    other = edited(activity, "april_again.json", lambda d: d["records"][1].update(AC=9.45))
    with refused(
        DuplicatePeriodError,
        match=r"april_again\.json: key 'period' \(month 2023-04\) is already covered by valid "
        rf"record #{first.index} \(month 2023-04\)",
        code=code,
    ):
        backend.submit(Submission(code, 2023, "四月(再报)", other, evidence))
    may = edited(activity, "may.json", lambda d: d.update(period={"year": 2023, "month": 5}))
    assert backend.submit(Submission(code, 2023, "五月", may, evidence)).created  # another month
    invalidate(reader, tx, ADMIN, code, 2023, first.index, "电表读数错误")
    assert backend.submit(Submission(code, 2023, "四月(再报)", other, evidence)).created


def test_a_second_annual_aggregated_record_is_refused(
    backend, refused, onboarded, activity, evidence
):
    code = plausible_code(9)
    onboarded(code)
    annual = edited(activity, "annual.json", lambda d: d.update(period={"year": 2023}))
    backend.submit(Submission(code, 2023, "年度", annual, evidence, aggregated=True))
    again = edited(annual, "annual2.json", lambda d: d["records"][1].update(AC=9.45))
    with refused(DuplicatePeriodError, match=r"\(aggregated year 2023\)", code=code):
        backend.submit(Submission(code, 2023, "年度(再报)", again, evidence, aggregated=True))
    # a monthly record beside the annual aggregated one is no duplicate
    assert backend.submit(Submission(code, 2023, "四月", activity, evidence)).created


def test_the_periods_of_a_year_are_read_in_two_round_trips_with_cold_caches(
    backend, onboarded, activity, evidence, reader, store, tmp_path
):
    code = plausible_code(10)
    carbon, layer = onboarded(code)
    for month in (1, 2, 3):
        doc = edited(
            activity,
            f"m{month}.json",
            lambda d, m=month: d.update(period={"year": 2023, "month": m}),
        )
        backend.submit(Submission(code, 2023, f"{month}月", doc, evidence))
    cold = ChainReader(reader.provider.endpoint_uri, reader.manifest, store)
    records = cold.records(carbon.address, 2023)
    before = cold.round_trips
    periods = year_periods(cold, layer.address, 2023, records)
    assert cold.round_trips - before == 2
    assert [p.month for p in periods.values()] == [1, 2, 3]
    before = cold.round_trips
    assert year_periods(cold, layer.address, 2023, records) == periods  # cached by digest
    assert cold.round_trips == before


def test_an_invalidation_needs_a_reason_and_an_existing_valid_record(
    backend, refused, onboarded, activity, evidence, reader, tx
):
    code = plausible_code(11)
    onboarded(code)
    first = backend.submit(Submission(code, 2023, "四月", activity, evidence))
    with refused(MissingReasonError, match="an invalidation needs a reason", code=code):
        invalidate(reader, tx, ADMIN, code, 2023, first.index, " ")
    with refused(EnterpriseError, match="lacks ENTERPRISE_ADMIN", code=code):
        invalidate(reader, tx, OUTSIDER, code, 2023, first.index, "wrong")
    with refused(EnterpriseError, match=r"has no record #5 \(it has 1 records\)", code=code):
        invalidate(reader, tx, ADMIN, code, 2023, 5, "wrong")
    invalidate(reader, tx, ADMIN, code, 2023, first.index, "电表读数错误")
    assert reader.invalidations(contracts(reader, code)[0].address, 2023) == {
        first.index: "电表读数错误"
    }
    with refused(EnterpriseError, match="is already invalid", code=code):
        invalidate(reader, tx, ADMIN, code, 2023, first.index, "again")


def test_a_year_under_verification_refuses_a_submission_before_anything_is_sent(
    backend, onboarded, activity, evidence, reader, tx, refused, tmp_path
):
    from offchain.actions.enterprise import YearFrozenError, invalidate
    from offchain.actions.verification import Workflow
    from offchain.core import crypto

    code = "91110000000000020G"
    carbon, _ = onboarded(code)
    first = backend.submit(Submission(code, 2023, "四月", activity, evidence, month=4))
    flow = Workflow(reader, tx)
    flow.approve(REGULATOR, AGENCY.address, crypto.public_key_of(bytes(AGENCY.key)), "核查", "L")
    flow.open_and_assign(REGULATOR, carbon.address, 2023, AGENCY.address)

    may = json.loads(activity.read_text("utf-8"))
    may["period"] = {"year": 2023, "month": 5}
    later = tmp_path / "may.json"
    later.write_text(json.dumps(may, ensure_ascii=False), "utf-8")
    with refused(YearFrozenError, match=f"{code} 2023 is frozen \\(YearFrozen\\)", code=code):
        backend.submit(Submission(code, 2023, "五月", later, evidence, month=5))
    with refused(YearFrozenError, match="only a rectification after a failed verdict", code=code):
        invalidate(reader, tx, ADMIN, code, 2023, first.index, "录入错误")


def test_a_backlog_of_twelve_months_is_one_transaction(
    backend, onboarded, activity, reader, tx, evidence, tmp_path
):
    code = "91110000000000020G"
    onboarded(code)
    months = [_another_month(activity, tmp_path, m) for m in range(1, 13)]
    sent = tx.sent
    outcomes = backend.submit_batch(
        [Submission(code, 2023, f"{m}月", path, evidence) for m, path in enumerate(months, 1)]
    )
    assert sent_since(tx, sent) == ["submitting " + ", ".join(f"'{m}月'" for m in range(1, 13))]
    assert [(o.index, o.created) for o in outcomes] == [(m, True) for m in range(12)]
    assert chain_state(reader, code) == (2 + 12, 12)  # the evidence once, an activity each
    records = reader.records(reader.enterprise(code).carbon, 2023)
    assert [r.result for r in records] == [o.result.total_micro_tonnes() for o in outcomes]


def test_a_batch_sent_again_sends_only_what_is_missing(
    backend, onboarded, activity, reader, tx, evidence, tmp_path
):
    code = "91110000000000021K"
    onboarded(code)
    months = [_another_month(activity, tmp_path, m) for m in (1, 2, 3)]
    batch = [
        Submission(code, 2023, f"{m}月", p, evidence)
        for m, p in zip((1, 2, 3), months, strict=True)
    ]
    backend.submit(batch[0])
    outcomes = backend.submit_batch(batch)
    assert [o.created for o in outcomes] == [False, True, True]
    sent = tx.sent
    assert not any(o.created for o in backend.submit_batch(batch))
    assert tx.sent == sent
    assert chain_state(reader, code) == (2 + 3, 3)


def test_a_batch_whose_documents_cover_one_month_twice_is_refused_before_sending(
    backend, refused, onboarded, activity, evidence, tmp_path
):
    code = "91110000000000022N"
    onboarded(code)
    again = _another_month(activity, tmp_path, 4)
    with refused(DuplicatePeriodError, match="also covered by", code=code):
        backend.submit_batch(
            [
                Submission(code, 2023, "四月", activity, evidence),
                Submission(code, 2023, "四月(重复)", again, [evidence[0]]),
            ]
        )


def test_a_batch_is_one_enterprise_s(backend, activity, evidence):
    with pytest.raises(EnterpriseError, match="one enterprise's records"):
        backend.submit_batch(
            [
                Submission("91110000000000022N", 2023, "四月", activity, evidence),
                Submission("91110000000000020G", 2023, "四月", activity, evidence),
            ]
        )


def test_submit_batch_sends_a_folder_of_months_with_their_own_evidence(
    carbon, onboarded, activity, reader, tx, evidence, tmp_path
):
    code = "91110000000000023R"
    onboarded(code)
    folder = tmp_path / "backlog"
    folder.mkdir()
    for month in (1, 2):
        path = _another_month(activity, folder, month)
        own = path.with_suffix("")
        own.mkdir()
        (own / "ledger.csv").write_text(f"2023-{month:02d},燃煤,{100 + month}\n", "utf-8")
    result = carbon(
        "enterprise", "submit-batch", "--enterprise", code, "--year", "2023",
        "--activity", str(folder), "--evidence", str(evidence[0]), "--as", "dev:3",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "submitted 91110000000000023R 2023 #0 2023年1月" in result.output
    assert "2 of 2 records sent, in one transaction" in result.output
    assert chain_state(reader, code) == (
        1 + 2 + 2,
        2,
    )  # the shared report, two ledgers, two documents
