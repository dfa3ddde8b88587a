"""The offline verifier against the deployed suite: a clean year, tampering, encryption,
aggregation, rectification, round trips and the `carbon verify` command."""

import copy
import json
import zlib

import pytest
import verify_support as vs
from click.testing import CliRunner
from e2e_support import ADMIN, AGENCY, OUTSIDER, REGULATOR, WRITER

from offchain.actions import onboarding
from offchain.actions.enterprise import EnterpriseBackend, Submission, invalidate
from offchain.actions.verification import MissingReasonError, VerdictSubmission, Workflow
from offchain.calc import standards
from offchain.chain.addresses import predicted_enterprise
from offchain.chain.bindings import Revision, StorageMode
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.cli import main
from offchain.core.credit_code import with_check
from offchain.core.documents import sha256_hex
from offchain.core.units import tonnes
from offchain.errors import NotDeployedError
from offchain.verify.verifier import Verifier

CLEAN, ENCRYPTED, SHORT_ANNUAL = "91110000WER1FY001N", "91110000WER1FY002R", "91110000WER1FY003W"
RECORD_CHECKS = {
    "record.data",
    "record.document",
    "record.standards",
    "record.evidence",
    "record.recompute",
    "record.declared-total",
    "record.self-measured-flag",
    "record.self-measured-evidence",
}


@pytest.fixture(scope="module")
def tx(reader):
    return Transactor(reader.w3, reader.errors)


@pytest.fixture(scope="module")
def backend(reader, tx, store):
    for account in (WRITER, REGULATOR, AGENCY):
        onboarding.publish_key(reader, tx, account)
    return EnterpriseBackend(reader, tx, store, WRITER, ADMIN)


@pytest.fixture(scope="module")
def enterprise(reader, tx, backend, tmp_path_factory):
    """Onboards `code` and submits a year through the backend.

    Only module fixtures may call it: ape reverts the chain after every test.
    """

    def make(code: str, **year) -> list:
        vs.onboard(reader, tx, code)
        return vs.submit_year(backend, code, tmp_path_factory.mktemp(code), **year)

    return make


@pytest.fixture(scope="module")
def clean(enterprise):
    """Twelve monthly records and the annual one, with ledgers and test reports."""
    return enterprise(CLEAN)


@pytest.fixture(scope="module")
def short_annual(enterprise):
    """Two monthly records and an annual record that aggregates only the first."""
    return enterprise(SHORT_ANNUAL, months=2, annual_months=1)


@pytest.fixture(scope="module")
def encrypted(enterprise):
    """A whole year whose activity documents and evidence are encrypted for the enterprise, the
    regulator and the agency, named at submission (whole, so that no month is missing: a
    missing month is a warning of its own). Grants to a later agency: test_confidential."""
    return enterprise(ENCRYPTED, encrypt_for=(REGULATOR.address, AGENCY.address))


@pytest.fixture
def verifier(reader, store, chain):
    """A fresh verifier (cold caches: its own reader), optionally with an agency key."""
    return lambda key=None: Verifier(ChainReader(chain.provider.uri, reader.manifest, store), key)


@pytest.fixture
def fresh(reader, tx, tmp_path, request):
    """An enterprise of its own for one test, onboarded, with nothing submitted yet."""
    code = with_check(f"91110000{zlib.crc32(request.node.name.encode()) % 10**9:09d}")
    vs.onboard(reader, tx, code)
    return code


@pytest.fixture
def restore_files():
    """Puts back every store file a tampering test changed or removed."""
    saved: dict = {}

    def keep(path):
        saved.setdefault(path, path.read_bytes())
        return path

    yield keep
    for path, data in saved.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def factor_cells(factors: dict, group: str) -> list[dict]:
    """The numeric factor cells of every row of `group`."""
    rows = factors["groups"][group]["data"]
    return [c for row in rows for c in row if c["symbol"] and isinstance(c["value"], float)]


def failures(report) -> list:
    return [c for c in report.checks if c.status == "fail"]


def failure(report, check_id: str):
    """The failed check `check_id` (there must be one); other checks may fail in its wake."""
    failed = [c for c in failures(report) if c.id == check_id]
    assert len(failed) == 1, report.summary()
    return failed[0]


# -- a clean enterprise-year ---------------------------------------------------------------


def test_a_clean_year_passes_with_every_check_listed(clean, verifier):
    report = verifier().verify(CLEAN, vs.YEAR)
    assert report.passed, report.summary()
    assert report.recomputed_total_micro == report.submitted_total_micro > 0
    assert report.submitted_total_micro == sum(o.result.total_micro_tonnes() for o in clean[:12])
    for index in range(13):
        ids = {c.id for c in report.checks if c.subject.startswith(f"{vs.YEAR}#{index} ")}
        assert ids >= RECORD_CHECKS, (index, ids)
    assert {c.id for c in report.checks} >= {"enterprise.profile", "year.records", "year.total"}
    assert all(c.status == "pass" for c in report.checks)


def test_the_aggregated_record_equals_the_sum_of_the_months(clean, verifier):
    report = verifier().verify(CLEAN, vs.YEAR)
    (check,) = [c for c in report.checks if c.id == "record.aggregation"]
    assert check.status == "pass" and check.subject.startswith(f"{vs.YEAR}#12 ")
    assert "the 12 valid non-aggregated records sum to" in check.reason


def test_the_report_renders_as_json_and_markdown(clean, verifier):
    report = verifier().verify(CLEAN, vs.YEAR)
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert data["passed"] is True and len(data["checks"]) == len(report.checks)
    assert data["recomputed_total"] == data["submitted_total"]
    markdown = report.to_markdown()
    assert markdown.startswith(f"# Verification of {CLEAN} for {vs.YEAR}")
    assert markdown.count("\n| ") >= len(report.checks)


def test_the_enterprise_address_is_computed_offline(clean, reader):
    found = reader.enterprise(CLEAN)
    factory = reader.manifest.address("EnterpriseFactory")
    assert predicted_enterprise(factory, CLEAN) == (found.carbon, found.data_layer)


# -- round trips ---------------------------------------------------------------------------


def test_one_enterprise_year_reads_the_chain_in_three_round_trips(
    clean, short_annual, reader, store, chain
):
    provider = ChainReader(chain.provider.uri, reader.manifest, store)
    counted = Verifier(provider)

    cold = counted.verify(CLEAN, vs.YEAR)  # nothing cached: standards, documents, addresses
    assert (provider.round_trips, cold.round_trips) == (3, 3)
    assert len([c for c in cold.checks if c.id == "record.recompute"]) == 13

    before = provider.round_trips  # warm: standards cached, another enterprise's documents
    warm = counted.verify(SHORT_ANNUAL, vs.YEAR)
    assert provider.round_trips - before == warm.round_trips <= 3

    before = provider.round_trips  # the same year again: only the records are read
    again = counted.verify(CLEAN, vs.YEAR)
    assert provider.round_trips - before == again.round_trips == 1
    assert again.passed


def test_a_deployment_whose_data_layer_predates_entries_reads_one_entry_at_a_time(
    clean, reader, store, chain
):
    older = copy.deepcopy(reader.manifest)
    older.abis["DataLayer"] = [i for i in older.abis["DataLayer"] if i.get("name") != "entries"]
    provider = ChainReader(chain.provider.uri, older, store)
    report = Verifier(provider).verify(CLEAN, vs.YEAR)
    assert report.passed, report.summary()
    # the activity entries and then their evidence, each in one more round trip
    assert provider.round_trips == 5


def _comparable(report) -> dict:
    shown = report.to_json()
    for measured in ("seconds", "round_trips", "shared_with"):
        del shown[measured]
    return shown


def test_two_worker_processes_give_the_reports_one_gives_in_the_order_asked(
    clean, short_annual, encrypted, verifier
):
    years = [(SHORT_ANNUAL, vs.YEAR), (ENCRYPTED, vs.YEAR), (CLEAN, vs.YEAR)]
    alone = verifier(bytes(AGENCY.key)).verify_many(years)
    shared = verifier(bytes(AGENCY.key)).verify_many(years, workers=2)
    assert [r.enterprise for r in shared] == [SHORT_ANNUAL, ENCRYPTED, CLEAN]
    assert [_comparable(r) for r in shared] == [_comparable(r) for r in alone]
    # one share each: [SHORT_ANNUAL, ENCRYPTED] here, [CLEAN] in the other process
    assert [r.shared_with for r in shared] == [2, 2, 1]


# -- tampering -----------------------------------------------------------------------------


def test_changed_activity_data_in_the_store_fails(
    fresh, backend, reader, store, verifier, tmp_path, restore_files
):
    outcome, _, _ = vs.submit_month(backend, fresh, tmp_path, 4, repeat=80)
    layer = reader.enterprise(fresh).data_layer
    assert reader.entry(layer, outcome.data).mode is StorageMode.DIGEST_ONLY
    path = restore_files(vs.store_file(store, outcome.data))
    path.write_bytes(path.read_bytes().replace(b'"FC":90', b'"FC":9'))

    report = verifier().verify(fresh, vs.YEAR)
    check = failure(report, "record.data")
    assert check.subject == f"{vs.YEAR}#0"
    assert outcome.data in check.reason and "DigestOnly" in check.reason
    assert "hashes to 0x" in check.reason and "does not match its digest" in check.reason


def test_changed_evidence_in_the_store_fails(
    fresh, backend, reader, store, verifier, tmp_path, restore_files
):
    _, _, files = vs.submit_month(backend, fresh, tmp_path, 5, ledger_bytes=20_000)
    ledger = sha256_hex(files[1].read_bytes())
    path = restore_files(vs.store_file(store, ledger))
    path.write_bytes(path.read_bytes().replace(b"###", b"#0#", 1))

    report = verifier().verify(fresh, vs.YEAR)
    check = failure(report, "record.evidence")
    assert check.subject == f"{vs.YEAR}#0 '{fresh} {vs.YEAR}年5月' evidence ledger_05.csv"
    assert check.reason.startswith(f"DigestOnly entry {ledger}: the content store's copy")
    assert report.passed is False and len(failures(report)) == 1


def test_a_missing_evidence_file_fails(
    fresh, backend, reader, store, verifier, tmp_path, restore_files
):
    _, _, files = vs.submit_month(backend, fresh, tmp_path, 6, ledger_bytes=20_000)
    ledger = sha256_hex(files[1].read_bytes())
    restore_files(vs.store_file(store, ledger)).unlink()

    report = verifier().verify(fresh, vs.YEAR)
    check = failure(report, "record.evidence")
    assert check.subject.endswith("evidence ledger_06.csv")
    assert f"DigestOnly entry {ledger}: it is kept only as a digest on chain" in check.reason
    assert "the content store lacks it" in check.reason


def test_a_record_computed_with_another_factor_than_it_names_fails(
    fresh, reader, tx, verifier, tmp_path
):
    set_id, chosen = vs.standards_set(reader, tx)
    report_file = tmp_path / "test_report.txt"
    report_file.write_text(f"{fresh} 检测报告\n", "utf-8")
    document = vs.month_document(7, fresh, report_file)
    factors = copy.deepcopy(chosen.factors)
    for factor in factor_cells(factors, "electricity"):
        factor["value"] *= 1.25  # factors the record does not name
    dishonest = vs.compute(chosen, document, factors)
    honest = vs.compute(chosen, document)
    document["total"] = tonnes(dishonest)
    vs.RawWriter(reader, tx, fresh).record(document, dishonest, set_id, (report_file,))

    report = verifier().verify(fresh, vs.YEAR)
    check = failure(report, "record.recompute")
    assert f"({honest} µt)" in check.reason and f"({dishonest} µt)" in check.reason
    assert "GB_01_factor_20231001_0000 r0" in check.reason
    assert "computed with other factors, formulas or code than the ones it pins" in check.reason
    assert [c.id for c in failures(report)] == ["record.recompute", "year.total"]


def test_a_record_whose_result_was_edited_fails(fresh, reader, tx, verifier, tmp_path):
    set_id, chosen = vs.standards_set(reader, tx)
    report_file = tmp_path / "test_report.txt"
    report_file.write_text(f"{fresh} 检测报告\n", "utf-8")
    document = vs.month_document(8, fresh, report_file)
    honest = vs.compute(chosen, document)
    document["total"] = tonnes(honest)
    vs.RawWriter(reader, tx, fresh).record(document, honest - 5_000_000, set_id, (report_file,))

    report = verifier().verify(fresh, vs.YEAR)
    check = failure(report, "record.recompute")
    assert "differs by -5000000 µt" in check.reason
    assert "the document's own total agrees with the recomputation, not the chain" in check.reason
    declared = next(c for c in failures(report) if c.id == "record.declared-total")
    assert declared.reason.startswith(f"the document declares {document['total']} tCO2e")


def _raw_month(fresh, reader, tx, tmp_path, month, edit):
    """A month written straight to the chain (past the backend's checks) after `edit`."""
    set_id, chosen = vs.standards_set(reader, tx)
    report_file = tmp_path / "test_report.txt"
    report_file.write_text(f"{fresh} 检测报告\n", "utf-8")
    document = vs.month_document(month, fresh, report_file)
    edit(document["records"][0])
    result = vs.compute(chosen, document)
    document["total"] = tonnes(result)
    vs.RawWriter(reader, tx, fresh).record(document, result, set_id, (report_file,))


def test_a_self_measured_factor_outside_the_library_range_is_a_warning(
    fresh, reader, tx, verifier, tmp_path
):
    _raw_month(fresh, reader, tx, tmp_path, 9, lambda coal: coal.update(NCV=31.5))

    report = verifier().verify(fresh, vs.YEAR)
    assert report.passed, report.summary()
    (warning,) = [c for c in report.checks if c.id == "record.calculator-warning"]
    assert warning.status == "warning" and warning.subject.startswith(f"{vs.YEAR}#0 ")
    assert "NCV" in warning.reason and "31.5" in warning.reason and "26.7" in warning.reason


def test_self_measured_factors_citing_evidence_the_document_does_not_list_fail(
    fresh, reader, tx, verifier, tmp_path
):
    unlisted = "0x" + "5e" * 32
    _raw_month(fresh, reader, tx, tmp_path, 10, lambda coal: coal.update(evidence=unlisted))

    report = verifier().verify(fresh, vs.YEAR)
    check = failure(report, "record.self-measured-evidence")
    assert f"cite evidence {unlisted}, which no extrainfo entry lists" in check.reason
    assert "activity record(s) 0 (NCV,CC,OF)" in check.reason


def test_self_measured_factors_citing_no_evidence_are_a_warning(
    fresh, reader, tx, verifier, tmp_path
):
    _raw_month(fresh, reader, tx, tmp_path, 11, lambda coal: coal.pop("evidence"))

    report = verifier().verify(fresh, vs.YEAR)
    assert report.passed, report.summary()
    (check,) = [c for c in report.checks if c.id == "record.self-measured-evidence"]
    assert check.status == "warning"
    assert (
        check.reason == "self-measured factors of activity record(s) 0 (NCV,CC,OF) cite no evidence"
    )


def test_a_factor_library_replaced_later_still_verifies_the_pinned_revision(
    fresh, backend, reader, tx, verifier, tmp_path, chain
):
    snapshot = chain.snapshot()
    try:
        outcome, document, _ = vs.submit_month(backend, fresh, tmp_path, 9)
        old = standards.from_chain(reader, "01")
        replaced = copy.deepcopy(old.factors)
        replaced["meta"]["version"] = "1.0.1"
        for factor in factor_cells(replaced, "electricity"):
            factor["value"] *= 2
        data = json.dumps(replaced, ensure_ascii=False).encode()
        regulators_layer = reader.contract("DataLayer", reader.manifest.address("DataLayer"))
        digest = bytes.fromhex(sha256_hex(data)[2:])
        tx.send(REGULATOR, regulators_layer.functions.storeInState(data, []), "store")
        tx.send(REGULATOR, regulators_layer.functions.complete(digest), "complete")
        library = reader.contract("FactorLibrary", old.refs["factor"].address)
        tx.send(
            REGULATOR, library.functions.publish("1.0.1", regulators_layer.address, digest), "pub"
        )
        new = standards.from_chain(reader, "01")
        assert new.refs["factor"].revision == 1
        assert vs.compute(new, document) != outcome.result.total_micro_tonnes()

        report = verifier().verify(fresh, vs.YEAR)
        assert report.passed, report.summary()
        (pinned,) = [c for c in report.checks if c.id == "record.standards"]
        assert "GB_01_factor_20231001_0000 r0" in pinned.reason
    finally:
        chain.restore(snapshot)


# keccak256(abi.encode(uint256(keccak256("carbon.storage.StandardDocument")) - 1)) & ~0xff
STANDARD_DOCUMENT_STORAGE = 0xD50FD7E34746BCD98C4ABCF59FDD98FCD28C36F484C81E1DEC486496E1012F00
# StandardDocumentStorage: Metadata (3 strings: 3 slots), then Revision[] (4 slots a revision:
# version, document, dataLayer, publisher + publishedAt).
REVISIONS_SLOT, REVISION_SLOTS, DOCUMENT_OFFSET = STANDARD_DOCUMENT_STORAGE + 3, 4, 1


def test_a_standard_whose_content_moved_under_its_set_fails_the_records_that_pin_it(
    fresh, backend, reader, tx, verifier, tmp_path, chain
):
    """The attack of issue 10: the same set id comes to resolve to another factor document
    (here by writing the library's storage, as a silent upgrade would). The set pinned the
    digest at registration, so the verifier refuses the record instead of recomputing with the
    new content."""
    from eth_utils import keccak

    snapshot = chain.snapshot()
    try:
        vs.submit_month(backend, fresh, tmp_path, 10)
        factor = standards.from_chain(reader, "01").refs["factor"]
        base = int.from_bytes(keccak(REVISIONS_SLOT.to_bytes(32, "big")), "big")
        slot = hex(base + factor.revision * REVISION_SLOTS + DOCUMENT_OFFSET)
        w3 = reader.w3
        assert "0x" + bytes(w3.eth.get_storage_at(factor.address, slot)).hex() == factor.document
        other = standards.from_chain(reader, "02").refs["factor"].document  # in the layer too
        w3.provider.make_request("anvil_setStorageAt", [factor.address, slot, other])
        library = reader.contract("FactorLibrary", factor.address).functions
        assert Revision.decode(library.revision(factor.revision).call()).document == other

        report = verifier().verify(fresh, vs.YEAR)
        assert not report.passed
        (moved,) = [c for c in report.checks if c.id == "record.standards"]
        assert moved.status == "fail"
        assert f"resolves to document {other}, the set pinned {factor.document}" in moved.reason
    finally:
        chain.restore(snapshot)


# -- malformed records: failed checks, not exceptions --------------------------------------


def test_a_record_whose_data_was_never_completed_fails(fresh, reader, tx, verifier):
    set_id, _ = vs.standards_set(reader, tx)
    writer = vs.RawWriter(reader, tx, fresh)
    digest = writer.entry(b'{"title":"unfinished"}', complete=False)
    writer.submit(digest, "未完成", 1, set_id)
    check = failure(verifier().verify(fresh, vs.YEAR), "record.data")
    assert check.reason == f"activity entry {digest} is InProgress, not Completed"


def test_a_record_without_a_data_entry_fails(fresh, reader, tx, verifier):
    set_id, _ = vs.standards_set(reader, tx)
    digest = "0x" + "ab" * 32
    vs.RawWriter(reader, tx, fresh).submit(digest, "无数据", 1, set_id)
    check = failure(verifier().verify(fresh, vs.YEAR), "record.data")
    assert check.reason.endswith(f"has no entry {digest}")


def test_a_record_naming_an_unknown_standards_set_fails(fresh, backend, reader, tx, verifier):
    digest = vs.RawWriter(reader, tx, fresh).entry(b'{"title":"x","records":[{"a":"b"}]}')
    vs.RawWriter(reader, tx, fresh).submit(digest, "未知标准", 1, 9999)
    check = failure(verifier().verify(fresh, vs.YEAR), "record.standards")
    assert check.reason == ("standards set 9999 does not resolve: UnknownStandardsSet(id=9999)")


def test_an_unknown_enterprise_is_an_error(verifier):
    with pytest.raises(NotDeployedError, match="no enterprise with credit code 'nobody'"):
        verifier().verify("nobody", vs.YEAR)


# -- encryption, aggregation, rectification ------------------------------------------------


def test_encrypted_evidence_verifies_with_the_agency_key(encrypted, verifier):
    report = verifier(bytes(AGENCY.key)).verify(ENCRYPTED, vs.YEAR)
    assert report.passed and report.counts()["warning"] == 0, report.summary()
    evidence = [c for c in report.checks if c.id == "record.evidence"]
    assert evidence and all(
        f"decrypted with the key of {AGENCY.address}" in c.reason for c in evidence
    )
    assert report.agency == AGENCY.address


def test_an_encrypted_year_without_the_key_cannot_be_verified(encrypted, verifier):
    report = verifier().verify(ENCRYPTED, vs.YEAR)
    assert not report.passed
    documents = [c for c in report.checks if c.id == "record.document"]
    assert len(documents) == 13 and all(c.status == "fail" for c in documents)
    assert all("cannot verify" in c.reason and "no key given" in c.reason for c in documents)


def test_an_encrypted_year_with_a_key_that_is_not_a_recipient_cannot_be_verified(
    encrypted, verifier
):
    report = verifier(bytes(OUTSIDER.key)).verify(ENCRYPTED, vs.YEAR)
    documents = [c for c in report.checks if c.id == "record.document"]
    assert not report.passed and documents
    assert all(f"{OUTSIDER.address} is not a recipient" in c.reason for c in documents)


def test_an_aggregated_record_that_is_not_the_sum_fails(short_annual, verifier):
    report = verifier().verify(SHORT_ANNUAL, vs.YEAR)
    check = failure(report, "record.aggregation")
    month2 = short_annual[1].result.total_micro_tonnes()
    assert check.subject == f"{vs.YEAR}#2 '{SHORT_ANNUAL} {vs.YEAR}年度报告'"
    assert f"differs by {-month2:+} µt, more than the allowance of 2 µt" in check.reason
    assert [c.id for c in failures(report)] == ["record.aggregation"]


def test_a_rectified_record_links_its_evidence_and_the_old_one_is_listed(
    fresh, backend, verifier, tmp_path
):
    outcome, document, files = vs.submit_month(backend, fresh, tmp_path, 10)
    document["records"][1]["AC"] = 9.45
    corrected = vs.write(tmp_path / "corrected.json", document)
    rectification = tmp_path / "rectification.txt"
    rectification.write_text(f"{fresh} 电表读数更正\n", "utf-8")
    backend.submit(
        Submission(
            fresh,
            vs.YEAR,
            "10月(整改后)",
            corrected,
            files,
            replaces=outcome.index,
            rectification_evidence=rectification,
        )
    )
    report = verifier().verify(fresh, vs.YEAR)
    assert report.passed, report.summary()
    by_id = {c.id: c for c in report.checks}
    assert by_id["record.validity"].reason.startswith("invalid (rectified by #1)")
    assert by_id["record.rectification"].reason.startswith("replaces #0; rectification evidence")
    assert len([c for c in report.checks if c.id == "record.recompute"]) == 1


# -- the command line ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def carbon(manifest_file, store):
    def run(*args: str):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("offchain.cli.STORE_DIR", store.root)
            return CliRunner().invoke(main, ["--deployment", str(manifest_file), *args])

    return run


def test_carbon_verify_writes_the_reports_and_exits_0(clean, carbon, tmp_path):
    result = carbon("verify", "--enterprise", CLEAN, "--year", "2023", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"PASSED: {CLEAN}")
    saved = json.loads((tmp_path / f"verification_{CLEAN}_2023.json").read_text("utf-8"))
    assert saved["passed"] is True
    assert (tmp_path / f"verification_{CLEAN}_2023.md").read_text("utf-8").startswith("# Verif")


def test_carbon_verify_exits_1_when_a_check_fails(short_annual, carbon, tmp_path):
    result = carbon(
        "verify", "--enterprise", SHORT_ANNUAL, "--year", "2023", "--out", str(tmp_path), "--json"
    )
    assert result.exit_code == 1, result.output
    assert json.loads(result.output)["passed"] is False
    assert (tmp_path / f"verification_{SHORT_ANNUAL}_2023.md").exists()


def test_carbon_verify_decrypts_with_the_key_given(encrypted, carbon, tmp_path):
    result = carbon(
        "verify",
        "--enterprise",
        ENCRYPTED,
        "--year",
        "2023",
        "--key",
        "dev:5",
        "--out",
        str(tmp_path),
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["warning"] == 0


def test_carbon_verify_all_verifies_the_enterprises_given_on_two_processes(
    clean, encrypted, carbon, tmp_path
):
    result = carbon(
        *("verify-all", "--year", "2023", "--enterprise", CLEAN, "--enterprise", ENCRYPTED),
        *("--key", "dev:5", "--workers", "2", "--out", str(tmp_path), "--json"),
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["verified"], summary["passed"], summary["workers"]) == (2, 2, 2)
    assert {row["enterprise"] for row in summary["enterprise_years"]} == {CLEAN, ENCRYPTED}
    saved = json.loads((tmp_path / "verification_summary_2023.json").read_text("utf-8"))
    assert saved["enterprise_years"] == summary["enterprise_years"]


def test_carbon_verify_all_names_the_failed_checks_and_exits_1(
    short_annual, clean, carbon, tmp_path
):
    result = carbon(
        *("verify-all", "--year", "2023", "--enterprise", SHORT_ANNUAL, "--enterprise", CLEAN),
        *("--out", str(tmp_path)),
    )
    assert result.exit_code == 1, result.output
    assert "2 enterprise-years of 2023 verified" in result.output
    assert "1 passed, 1 failed" in result.output
    assert SHORT_ANNUAL in result.output and CLEAN not in result.output.split("summary:")[0]


def test_carbon_verify_all_covers_every_enterprise_that_reported_the_year(
    clean, short_annual, carbon, tmp_path
):
    result = carbon("verify-all", "--year", "2023", "--out", str(tmp_path), "--json")
    verified = {row["enterprise"] for row in json.loads(result.output)["enterprise_years"]}
    assert {CLEAN, SHORT_ANNUAL} <= verified


def test_carbon_verify_all_refuses_an_enterprise_that_is_not_onboarded(carbon, tmp_path):
    nobody = with_check("91110000MA0000000")
    result = carbon("verify-all", "--year", "2023", "--enterprise", nobody, "--out", str(tmp_path))
    assert result.exit_code == 2
    assert f"no enterprise with credit code {nobody} is onboarded" in result.output
    assert not (tmp_path / "verification_summary_2023.json").exists()


# -- plausibility: completeness, duplicates, range, reasons ------------------------------------


def completeness(report):
    (check,) = [c for c in report.checks if c.id == "year.completeness"]
    return check


def test_a_whole_year_is_complete(clean, reader, store, chain):
    report = Verifier(ChainReader(chain.provider.uri, reader.manifest, store), whole_year=True)
    check = completeness(report.verify(CLEAN, vs.YEAR))
    assert check.status == "pass", check.reason
    assert check.reason.startswith("months 1–12 covered by valid non-aggregated records")
    assert "1 aggregated record(s), each once" in check.reason


def test_missing_months_fail_a_whole_year_and_warn_a_year_so_far(
    short_annual, reader, store, chain
):
    whole = Verifier(ChainReader(chain.provider.uri, reader.manifest, store), whole_year=True)
    report = whole.verify(SHORT_ANNUAL, vs.YEAR)
    check = failure(report, "year.completeness")
    assert check.reason.startswith(f"months 3–12 of {vs.YEAR} have no valid record")
    assert completeness(Verifier(whole.reader).verify(SHORT_ANNUAL, vs.YEAR)).status == "warning"


def test_a_month_reported_twice_fails_completeness(fresh, reader, tx, verifier, tmp_path):
    for fc in (90, 91):  # two documents for September, written past the backend's checks
        _raw_month(fresh, reader, tx, tmp_path, 9, lambda coal, fc=fc: coal.update(FC=fc))
    report = verifier().verify(fresh, vs.YEAR)
    check = failure(report, "year.completeness")
    assert check.reason.startswith(f"month {vs.YEAR}-09 is reported by valid records #0, #1")


def test_a_result_beyond_the_range_fails(fresh, reader, tx, verifier, tmp_path):
    _raw_month(fresh, reader, tx, tmp_path, 3, lambda coal: coal.update(FC=1e12))
    check = failure(verifier().verify(fresh, vs.YEAR), "record.range")
    assert "is beyond 8589934592.000000 tCO2e (2^33 t)" in check.reason


def test_an_invalidation_reason_is_shown_and_read_within_three_round_trips(
    fresh, backend, reader, tx, tmp_path, store, chain
):
    first, document, files = vs.submit_month(backend, fresh, tmp_path, 4)
    invalidate(reader, tx, ADMIN, fresh, vs.YEAR, first.index, "电表读数错误")
    document["records"][1]["AC"] = 9.45
    corrected = vs.write(tmp_path / "corrected.json", document)
    backend.submit(Submission(fresh, vs.YEAR, "四月(再报)", corrected, files))

    cold = ChainReader(chain.provider.uri, reader.manifest, store)
    report = Verifier(cold).verify(fresh, vs.YEAR)
    assert report.round_trips == 3 and report.passed, report.summary()
    (check,) = [c for c in report.checks if c.id == "record.validity"]
    assert check.reason.startswith("invalid (invalidated, reason: '电表读数错误'): listed")
    assert reader.invalidations(
        predicted_enterprise(reader.manifest.address("EnterpriseFactory"), fresh)[0], vs.YEAR
    ) == {0: "电表读数错误"}


def test_a_failed_verdict_needs_a_reason_before_any_transaction(clean, reader, tx):
    sent = tx.sent
    workflow = Workflow(reader, tx)
    carbon = reader.enterprise(CLEAN).carbon
    with pytest.raises(MissingReasonError, match="needs a reason"):
        workflow.record(AGENCY, carbon, vs.YEAR, VerdictSubmission(False, 1, "0x" + "00" * 32, " "))
    assert tx.sent == sent
