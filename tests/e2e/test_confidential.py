"""Confidential carbon data end to end: activity documents and evidence sealed for the enterprise
and the regulator, access granted to the agency after it is assigned (and revoked), and what the
verifier and the command line make of encrypted records as a reader and as an outsider."""

import json

import pytest
import verify_support as vs
from e2e_support import ADMIN, AGENCY, OUTSIDER, REGULATOR, WRITER

from offchain.actions import onboarding
from offchain.actions.enterprise import (
    EnterpriseBackend,
    EnterpriseError,
    NoReaderKeyError,
    NotAGrantorError,
    Submission,
    grant_access,
    invalidate,
    revoke_access,
)
from offchain.calc.plausibility import DuplicatePeriodError
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core import crypto
from offchain.core.documents import sha256_hex
from offchain.errors import DocumentError
from offchain.verify.verifier import Verifier

SEALED, LATE = "91110000C0NF1D001E", "91110000C0NF1D002H"
# Never publishes a key.
KEYLESS = "0x" + "5e" * 20


@pytest.fixture(scope="module")
def tx(reader):
    return Transactor(reader.w3, reader.errors)


@pytest.fixture(scope="module")
def backend(reader, tx, store):
    for account in (WRITER, ADMIN, REGULATOR, AGENCY, OUTSIDER):
        onboarding.publish_key(reader, tx, account)
    return EnterpriseBackend(reader, tx, store, WRITER, ADMIN, encrypt_by_default=True)


@pytest.fixture(scope="module")
def sealed(reader, tx, backend, tmp_path_factory):
    """A whole year submitted encrypted (the backend's default), and the agency granted access
    by the enterprise admin afterwards, as when it is assigned after submission."""
    vs.onboard(reader, tx, SEALED)
    outcomes = vs.submit_year(backend, SEALED, tmp_path_factory.mktemp(SEALED))
    grant_access(reader, tx, ADMIN, SEALED, vs.YEAR, AGENCY.address)
    return outcomes


@pytest.fixture(scope="module")
def late(reader, tx, backend, tmp_path_factory):
    """Two encrypted months and nobody granted yet."""
    vs.onboard(reader, tx, LATE)
    folder = tmp_path_factory.mktemp(LATE)
    return [vs.submit_month(backend, LATE, folder, month)[0] for month in (1, 2)]


@pytest.fixture(scope="module", autouse=True)
def on_chain(sealed, late, equipped, carbon):
    """Every enterprise of the module on chain (and the CLI ready) before its first test: ape
    snapshots the chain around each test, and a fixture set up later would have to rebase."""


@pytest.fixture
def verifier(reader, store, chain):
    """A fresh verifier (its own reader: cold caches), with the key given if any."""
    return lambda key=None: Verifier(
        ChainReader(chain.provider.uri, reader.manifest, store), key, whole_year=True
    )


def layer_of(reader, code):
    return reader.enterprise(code).data_layer


# -- what is stored, and who reads it --------------------------------------------------------


def test_the_activity_document_on_chain_is_an_envelope_for_the_enterprise_and_regulator(
    late, reader
):
    envelope = reader.document(layer_of(reader, LATE), late[0].data)
    assert crypto.is_envelope(envelope)
    assert set(crypto.recipients_of(envelope)) == {
        WRITER.address,
        ADMIN.address,
        REGULATOR.address,
    }
    document = json.loads(crypto.decrypt(envelope, bytes(REGULATOR.key)))
    assert document["period"] == {"year": vs.YEAR, "month": 1}
    assert document["total"] == late[0].result.to_json()["total"]


def test_an_outsider_sees_the_digest_the_result_and_the_flags_and_nothing_of_the_content(
    late, reader
):
    record = reader.record(reader.enterprise(LATE).carbon, vs.YEAR, late[0].index)
    assert record.data == late[0].data and record.result == late[0].result.total_micro_tonnes()
    assert record.self_measured is True
    envelope = reader.document(layer_of(reader, LATE), record.data)
    assert "燃煤".encode() not in envelope and b"period" not in envelope
    with pytest.raises(crypto.NotARecipientError):
        crypto.decrypt(envelope, bytes(OUTSIDER.key))


def test_the_evidence_of_an_encrypted_submission_is_sealed_too(late, reader):
    listed = late[0].evidence
    assert listed and all(e["encrypted"] for e in listed)
    envelope = reader.document(layer_of(reader, LATE), listed[0]["datalayerhash"])
    assert sha256_hex(crypto.decrypt(envelope, bytes(ADMIN.key))) == listed[0]["sha256"]


def test_a_second_record_for_an_encrypted_month_is_still_refused(late, backend, tmp_path):
    # The backend opens the year's encrypted documents to find their periods.
    with pytest.raises(DuplicatePeriodError, match="already covered by valid record #0"):
        vs.submit_month(backend, LATE, tmp_path, 1, ledger_bytes=300)


# -- grants -------------------------------------------------------------------------------------


def test_a_grant_lets_the_agency_read_without_changing_documents_or_records(late, reader, tx):
    carbon, layer = reader.enterprise(LATE).carbon, layer_of(reader, LATE)
    before = reader.records(carbon, vs.YEAR)
    outcome = grant_access(reader, tx, ADMIN, LATE, vs.YEAR, AGENCY.address)
    assert len(outcome.granted) == 6 and outcome.plain == 0  # 2 × (activity, report, ledger)
    assert reader.records(carbon, vs.YEAR) == before
    grants = reader.grants(carbon, AGENCY.address)
    envelope = reader.document(layer, late[0].data)
    opened = crypto.decrypt(envelope, bytes(AGENCY.key), grants[late[0].data])
    assert json.loads(opened)["period"]["month"] == 1


def test_granting_again_grants_only_what_the_reader_cannot_read_yet(late, reader, tx):
    grant_access(reader, tx, REGULATOR, LATE, vs.YEAR, AGENCY.address)
    sent = tx.sent
    again = grant_access(reader, tx, ADMIN, LATE, vs.YEAR, AGENCY.address)
    assert (again.granted, again.readable, tx.sent) == ([], 6, sent)


@pytest.mark.parametrize("account", [WRITER, OUTSIDER], ids=["data-writer", "outsider"])
def test_a_grant_by_an_account_that_is_neither_admin_nor_regulator_is_refused(
    late, reader, tx, account
):
    sent = tx.sent
    with pytest.raises(NotAGrantorError, match=f"{account.address} is neither an enterprise admin"):
        grant_access(reader, tx, account, LATE, vs.YEAR, AGENCY.address)
    assert tx.sent == sent


def test_a_grant_to_an_account_without_a_published_key_is_refused(late, reader, tx):
    sent = tx.sent
    with pytest.raises(NoReaderKeyError, match=r"has published no key .* `carbon keys publish`"):
        grant_access(reader, tx, ADMIN, LATE, vs.YEAR, KEYLESS)
    assert tx.sent == sent


def test_a_revoked_reader_gets_no_grant_and_no_later_document(late, reader, tx, backend, tmp_path):
    revoke_access(reader, tx, ADMIN, LATE, OUTSIDER.address)
    assert reader.is_revoked(reader.enterprise(LATE).carbon, OUTSIDER.address)
    with pytest.raises(EnterpriseError, match=r"access to .* is revoked; restore it first"):
        grant_access(reader, tx, ADMIN, LATE, vs.YEAR, OUTSIDER.address)
    with pytest.raises(EnterpriseError, match="is revoked; leave it out of --encrypt-for"):
        vs.submit_month(backend, LATE, tmp_path, 3, encrypt_for=(OUTSIDER.address,))
    revoke_access(reader, tx, REGULATOR, LATE, OUTSIDER.address, restore=True)
    assert grant_access(reader, tx, ADMIN, LATE, vs.YEAR, OUTSIDER.address).granted


# -- the verifier -------------------------------------------------------------------------------


def test_the_agency_verifies_an_encrypted_year_through_its_grants(sealed, verifier):
    report = verifier(bytes(AGENCY.key)).verify(SEALED, vs.YEAR)
    assert report.passed and report.counts()["warning"] == 0, report.summary()
    documents = [c for c in report.checks if c.id == "record.document"]
    assert len(documents) == 13 and all("through its grant" in c.reason for c in documents)
    assert report.recomputed_total_micro == report.submitted_total_micro > 0


def test_the_regulator_verifies_an_encrypted_year_as_a_recipient(sealed, verifier):
    report = verifier(bytes(REGULATOR.key)).verify(SEALED, vs.YEAR)
    assert report.passed, report.summary()
    assert all("as a recipient" in c.reason for c in report.checks if c.id == "record.document")


def test_self_measured_factors_of_an_encrypted_document_are_checked_with_their_evidence(
    sealed, verifier
):
    report = verifier(bytes(AGENCY.key)).verify(SEALED, vs.YEAR)
    measured = [c for c in report.checks if c.id == "record.self-measured-evidence"]
    # One per monthly record, and the annual record's twelve test reports.
    assert len(measured) == 24 and all(c.status == "pass" for c in measured)
    assert all("through its grant" in c.reason for c in measured)


def test_without_a_key_the_verifier_names_every_record_it_cannot_read(sealed, verifier):
    report = verifier().verify(SEALED, vs.YEAR)
    assert not report.passed
    unread = [c for c in report.checks if c.id == "record.document"]
    assert [c.subject for c in unread] == [f"{vs.YEAR}#{i}" for i in range(13)]
    assert all(c.status == "fail" and "cannot verify" in c.reason for c in unread)
    assert all("no key given" in c.reason for c in unread)
    total = next(c for c in report.checks if c.id == "year.total")
    assert "not recomputed: #0, #1" in total.reason


def test_a_key_neither_recipient_nor_granted_cannot_verify(sealed, verifier):
    report = verifier(bytes(OUTSIDER.key)).verify(SEALED, vs.YEAR)
    unread = [c for c in report.checks if c.id == "record.document"]
    assert all(c.status == "fail" for c in unread)
    assert all(
        f"{OUTSIDER.address} is not a recipient and was granted no access" in c.reason
        for c in unread
    )


def test_a_wrong_result_for_an_encrypted_document_is_caught(sealed, reader, tx, verifier):
    # Tampering under encryption: January re-filed, sealed like the backend would, with more
    # coal in it but the old result, written straight to the contracts.
    layer = layer_of(reader, SEALED)
    month = json.loads(crypto.decrypt(reader.document(layer, sealed[0].data), bytes(ADMIN.key)))
    month["records"][0]["FC"] *= 2
    month["extrainfo"] = []
    readers = dict(reader.public_key(a.address) for a in (WRITER, ADMIN, REGULATOR))
    envelope = crypto.encrypt(json.dumps(month, ensure_ascii=False).encode(), readers)
    invalidate(reader, tx, ADMIN, SEALED, vs.YEAR, 0, "re-filed")
    january = reader.record(reader.enterprise(SEALED).carbon, vs.YEAR, 0)
    writer = vs.RawWriter(reader, tx, SEALED)
    index = writer.submit(writer.entry(envelope), "re-filed", january.result, january.standards_set)
    report = verifier(bytes(REGULATOR.key)).verify(SEALED, vs.YEAR)
    failed = [c for c in report.checks if c.id == "record.recompute" and c.status == "fail"]
    assert [c.subject.split(" ")[0] for c in failed] == [f"{vs.YEAR}#{index}"]
    assert "but the chain records" in failed[0].reason


def test_an_envelope_whose_commitment_lies_is_caught_by_its_readers(sealed, reader, tx, verifier):
    # A dishonest sender publishes a commitment to one document and encrypts another.
    layer = layer_of(reader, SEALED)
    january = crypto.decrypt(reader.document(layer, sealed[0].data), bytes(ADMIN.key))
    readers = dict(reader.public_key(a.address) for a in (WRITER, ADMIN, REGULATOR))
    lying = crypto._seal(january, readers, claimed=sha256_hex(b"the document shown to others"))
    invalidate(reader, tx, ADMIN, SEALED, vs.YEAR, 0, "re-filed")
    record = reader.record(reader.enterprise(SEALED).carbon, vs.YEAR, 0)
    writer = vs.RawWriter(reader, tx, SEALED)
    index = writer.submit(writer.entry(lying), "re-filed", record.result, record.standards_set)
    report = verifier(bytes(REGULATOR.key)).verify(SEALED, vs.YEAR)
    (check,) = [c for c in report.checks if c.id == "record.document" and c.status == "fail"]
    assert check.subject == f"{vs.YEAR}#{index}" and "but the envelope publishes" in check.reason


# -- the command line ---------------------------------------------------------------------------


def test_carbon_enterprise_grant_refuses_an_outsider_in_one_line(sealed, carbon):
    result = carbon(
        "enterprise", "grant", "--enterprise", SEALED, "--year", "2023",
        "--to", AGENCY.address, "--as", "dev:6",
    )  # fmt: skip
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{OUTSIDER.address} is neither an enterprise admin of {SEALED}" in result.output


def test_carbon_enterprise_grant_names_a_reader_without_a_key(sealed, carbon):
    result = carbon(
        "enterprise", "grant", "--enterprise", SEALED, "--year", "2023",
        "--to", KEYLESS, "--as", "dev:3",
    )  # fmt: skip
    assert result.exit_code == 1 and "has published no key" in result.output


def test_carbon_enterprise_records_shows_encrypted_periods_only_with_a_key(sealed, carbon):
    which = ["enterprise", "records", "--enterprise", SEALED, "--year", "2023", "--json"]
    outsider = json.loads(carbon(*which).output)
    assert {r["period"] for r in outsider} == {"encrypted"}
    assert all(r["encrypted"] for r in outsider)
    agency = json.loads(carbon(*which, "--key", "dev:5").output)
    assert [r["period"] for r in agency][:2] == ["2023-01", "2023-02"]


# -- emission equipment and source --------------------------------------------------------------

EQUIPPED = "91110000C0NF1D003L"
BOILER = {
    "id": "BLR-1",
    "name": "1号燃煤锅炉",
    "type": "煤粉锅炉",
    "location": "主厂房",
    "records": [0],
    "source": "meter-coal-01",
}


def equipped_month(folder, equipment):
    """January of the sample, naming its equipment and entered by hand."""
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "test_report_01.txt"
    report.write_text(f"{EQUIPPED} 燃煤自测因子检测报告\n", "utf-8")
    document = vs.month_document(1, EQUIPPED, report)
    document.update(source="manual", equipment=equipment)
    activity = vs.write(folder / "activity_01.json", document)
    return Submission(EQUIPPED, vs.YEAR, "2023年1月", activity, [report], month=1)


@pytest.fixture(scope="module")
def equipped(reader, tx, backend, tmp_path_factory):
    vs.onboard(reader, tx, EQUIPPED)
    folder = tmp_path_factory.mktemp(EQUIPPED)
    return backend.submit(equipped_month(folder, [BOILER, {"id": "GRID-1", "records": [1]}]))


def test_equipment_citing_a_record_that_does_not_exist_is_refused_before_anything_is_sent(
    equipped, backend, tx, tmp_path
):
    sent = tx.sent
    with pytest.raises(DocumentError, match="equipment 'FGD-1' cites record\\(s\\) 7, but the"):
        backend.submit(equipped_month(tmp_path, [{"id": "FGD-1", "records": [7]}]))
    assert tx.sent == sent


def test_the_verifier_reports_each_records_equipment_and_source(equipped, verifier):
    report = verifier(bytes(REGULATOR.key)).verify(EQUIPPED, vs.YEAR)
    (check,) = [c for c in report.checks if c.id == "record.equipment"]
    assert check.status == "pass"
    assert check.reason == (
        "BLR-1 1号燃煤锅炉 (煤粉锅炉, 主厂房): records 0, reported by device meter-coal-01; "
        "GRID-1: records 1, entered by hand"
    )
    assert "record.equipment" in report.to_markdown()


def test_carbon_enterprise_records_shows_equipment_and_source_to_a_reader(equipped, carbon):
    which = ["enterprise", "records", "--enterprise", EQUIPPED, "--year", "2023"]
    (row,) = json.loads(carbon(*which, "--key", "dev:3", "--json").output)
    assert row["equipment"][0] == BOILER and row["source"] == "manual"
    table = carbon(*which, "--key", "dev:3").output
    assert "BLR-1 1号燃煤锅炉, GRID-1" in table
    (hidden,) = json.loads(carbon(*which, "--json").output)
    assert hidden["equipment"] == [] and hidden["source"] is None
