"""The enterprise backend against the deployed suite: evidence, calculation, record, retries."""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from e2e_support import ADMIN, AGENCY, OUTSIDER, REGULATOR, WRITER, onboard

from offchain.actions import onboarding
from offchain.actions.enterprise import EnterpriseBackend, EnterpriseError, Submission
from offchain.chain.bindings import EntryStatus
from offchain.chain.transact import Transactor
from offchain.core import crypto
from offchain.core.credit_code import with_check
from offchain.errors import CarbonError, DocumentError


@pytest.fixture(scope="module")
def tx(reader):
    return Transactor(reader.w3, reader.errors)


@pytest.fixture
def refused(tx):
    """`with refused(Error, match=…)`: the block raises Error and no transaction was sent."""

    @contextmanager
    def check(error: type[Exception], match: str) -> Iterator[None]:
        sent = tx.sent
        with pytest.raises(error, match=match):
            yield
        assert tx.sent == sent

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


@pytest.mark.parametrize("crash_after", ["evidence stored", "activity data stored"])
def test_a_submission_that_died_midway_finishes_on_retry(
    backend, onboarded, activity, crash_after, evidence
):
    code = with_check(f"9111000000000000{3 if crash_after.startswith('e') else 4}")
    carbon, layer = onboarded(code)
    submission = Submission(code, 2023, "四月", activity, evidence)

    def crash(step: str) -> None:
        if step == crash_after:
            raise KeyboardInterrupt(step)

    with pytest.raises(KeyboardInterrupt):
        backend.submit(submission, progress=crash)
    assert carbon.functions.recordCount(2023).call() == 0
    backend.submit(submission)
    assert carbon.functions.recordCount(2023).call() == 1
    assert layer.functions.entryCount().call() == 3  # two evidence files, one activity document


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
    with refused(EnterpriseError, match="lacks ENTERPRISE_ADMIN"):
        wrong.submit(Submission("911100000000000074", 2023, "四月", activity, evidence))


def test_an_unreadable_evidence_file_is_named_and_nothing_is_sent(
    backend, refused, onboarded, activity, evidence
):
    onboarded("911100000000000087")
    with refused(EnterpriseError, match=r"missing\.pdf cannot be read"):
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
    with refused(CarbonError, match=f"no public key published for {OUTSIDER.address}"):
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
    with refused(DocumentError, match="record 0 cites evidence"):
        backend.submit(Submission("91110000000000010F", 2023, "四月", activity))


def test_a_calculation_error_leaves_nothing_behind(backend, refused, onboarded, activity, evidence):
    onboarded("91110000000000011J")
    document = json.loads(activity.read_text("utf-8"))
    document["records"].append({"fuel": "燃料X", "FC": 1, "unit": "t"})
    activity.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    with refused(Exception, match="record 3"):
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
