"""Read commands for people: tables with titles, periods, dates and reasons; JSON on request."""

import json
import re

import pytest
from e2e_support import cli_onboard, submit_args

from offchain.core.credit_code import with_check

CODE = with_check("91110000READ00000")
DATE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")


@pytest.fixture(scope="module")
def year_with_an_invalidated_record(carbon, activity_module, evidence_module):
    cli_onboard(carbon, CODE, "阅读示范电厂")
    submitted = carbon(
        *submit_args(CODE, activity_module, "2023年4月", "dev:3", evidence_module),
        *("--writer", "dev:4"),
    )
    assert submitted.exit_code == 0, submitted.output
    invalidated = carbon(
        *("enterprise", "invalidate", "--enterprise", CODE, "--year", "2023", "--index", "0"),
        *("--reason", "电表读数录入错误", "--as", "dev:3"),
    )
    assert invalidated.exit_code == 0, invalidated.output
    return CODE


def test_records_show_title_period_date_and_the_reason_of_an_invalidation(
    carbon, year_with_an_invalidated_record
):
    result = carbon("enterprise", "records", "--enterprise", CODE, "--year", "2023")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "2023年4月" in line)
    assert "2023-04" in row and "288.324366" in row and "invalid" in row
    assert DATE.search(row) and "invalidated: 电表读数录入错误" in row


def test_records_as_json_carry_the_same_facts(carbon, year_with_an_invalidated_record):
    result = carbon("enterprise", "records", "--enterprise", CODE, "--year", "2023", "--json")
    (record,) = json.loads(result.output)
    assert (record["title"], record["period"]) == ("2023年4月", "2023-04")
    assert record["invalidation_reason"] == "电表读数录入错误"


def test_verification_status_of_an_unopened_year_says_so(carbon, year_with_an_invalidated_record):
    result = carbon("verification", "status", "--enterprise", CODE, "--year", "2023")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{CODE} 2023: None")


def test_standards_show_each_series_with_the_name_in_force(carbon):
    result = carbon("standards")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "GB_01_factor " in line)
    assert "GB_01_factor_20231001_0000" in row


def test_accounts_name_the_regulator_and_an_enterprise_administrator(
    carbon, year_with_an_invalidated_record
):
    result = carbon("accounts", "--as", "dev:0", "--as", "dev:3", "--json")
    assert result.exit_code == 0, result.output
    regulator, admin = json.loads(result.output)
    assert "REGULATOR" in regulator["roles"]
    assert f"ENTERPRISE_ADMIN of {CODE}" in admin["roles"]
    assert admin["address"] == "0x90F79bf6EB2c4f870365E785982E1f101E93b906"


def test_enterprise_list_and_show_name_the_enterprise_and_its_year(
    carbon, year_with_an_invalidated_record
):
    listing = json.loads(carbon("enterprise", "list", "--json").output)
    mine = next(e for e in listing if e["credit_code"] == CODE)
    assert (mine["name"], mine["industry"], mine["years"]) == ("阅读示范电厂", "01", [2023])
    shown = carbon("enterprise", "show", "--enterprise", CODE)
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith(f"阅读示范电厂 ({CODE}), industry 01")
    row = next(line for line in shown.output.splitlines() if "2023" in line and "None" in line)
    assert "0.000000" in row  # its one record is invalid: nothing reported


AGENCY_SPEC, AGENCY = "dev:7", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"


def test_an_agency_is_suspended_reinstated_and_revoked_with_its_reasons_listed(carbon):
    assert carbon("keys", "publish", "--as", AGENCY_SPEC).exit_code == 0
    approve = ["agency", "approve", "--address", AGENCY, "--name", "示范核查", "--licence", "L-1"]
    assert carbon(*approve, "--as", "dev:0").output.strip().endswith("Approved")
    for action, reason, status in (
        ("suspend", "资质复核中", "Suspended"),
        ("reinstate", "复核通过", "Approved"),
        ("revoke", "资质撤销", "Revoked"),
    ):
        changed = carbon("agency", action, "--address", AGENCY, "--reason", reason, "--as", "dev:0")
        assert changed.exit_code == 0 and changed.output.strip().endswith(status), changed.output
    listed = json.loads(carbon("agency", "list", "--json").output)
    history = next(a for a in listed if a["address"] == AGENCY)["history"]
    assert [(c["status"], c["reason"]) for c in history][-3:] == [
        ("Suspended", "资质复核中"),
        ("Approved", "复核通过"),
        ("Revoked", "资质撤销"),
    ]
    table = carbon("agency", "list").output
    assert "资质撤销" in table and DATE.search(table)


def test_an_agency_change_without_a_reason_is_refused(carbon):
    result = carbon("agency", "suspend", "--address", AGENCY, "--reason", " ", "--as", "dev:0")
    assert result.exit_code == 1 and "a reason is required to suspend" in result.output


def test_standards_show_lists_groups_rows_values_and_their_status(carbon):
    result = carbon("standards", "show", "GB_01_factor_20231001_0000")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("GB_01_factor_20231001_0000 revision 0 (version 1.0.0)")
    coal = next(line for line in result.output.splitlines() if "燃煤" in line and " CC " in line)
    assert "0.03085" in coal and "tC/GJ" in coal and "FC [t]" in coal


def test_standards_show_names_the_inputs_of_each_formula(carbon):
    result = carbon("standards", "show", "GB_01_formula_20231001_0000", "--json")
    shown = json.loads(result.output)
    assert shown["revision"] == 0 and "E_sum" in shown["content"]["formulas"]
    assert [r["version"] for r in shown["revisions"]] == ["1.0.0"]
    table = carbon("standards", "show", "GB_01_formula_20231001_0000").output
    row = next(line for line in table.splitlines() if " E_sum " in line and "01-00" in line)
    assert "E_electricity, E_electricity_regional, E_fuel, E_process_1" in row


def test_a_new_revision_is_published_from_a_file_and_is_idempotent(carbon, tmp_path):
    from offchain.paths import SEEDS

    source = SEEDS / "factors" / "GB_02_factor_20231001_0000.json"
    library = json.loads(source.read_text("utf-8"))
    library["meta"]["version"] = "1.0.1"
    path = tmp_path / source.name
    path.write_text(json.dumps(library, ensure_ascii=False), "utf-8")
    first = carbon("standards", "publish", str(path), "--as", "dev:0")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("published GB_02_factor_20231001_0000 revision 1")
    again = carbon("standards", "publish", str(path), "--as", "dev:0")
    assert again.output.startswith("already the latest: GB_02_factor_20231001_0000 revision 1")
    shown = json.loads(carbon("standards", "show", "GB_02_factor_20231001_0000", "--json").output)
    assert [r["version"] for r in shown["revisions"]] == ["1.0.0", "1.0.1"]


def test_a_file_that_breaks_its_schema_is_refused_before_anything_is_sent(carbon, tmp_path):
    path = tmp_path / "GB_02_factor_20231001_0000.json"
    path.write_text('{"meta": {}}', "utf-8")
    result = carbon("standards", "publish", str(path), "--as", "dev:0")
    assert result.exit_code == 1 and "Traceback" not in result.output


AUDITOR_SPEC, AUDITOR = "dev:9", "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"


def test_evidence_is_fetched_checked_and_decrypted_for_a_recipient(
    carbon, year_with_an_invalidated_record, tmp_path
):
    import hashlib

    for spec in (AUDITOR_SPEC, "dev:4"):
        assert carbon("keys", "publish", "--as", spec).exit_code == 0
    ledger = tmp_path / "ledger_05.csv"
    ledger.write_text("日期,燃料,数量(t)\n2023-05-01,燃煤,90\n", "utf-8")
    submitted = carbon(
        *submit_args(CODE, ledger_activity(tmp_path), "2023年5月", "dev:3", [ledger]),
        *("--writer", "dev:4", "--encrypt-for", AUDITOR, "--json"),
    )
    assert submitted.exit_code == 0, submitted.output
    # stdout's JSON follows the progress bar, which goes to stderr (mixed in here)
    (listed,) = json.loads(submitted.output[submitted.output.index("{") :])["evidence"]
    get = ["evidence", "get", "--enterprise", CODE, "--digest", listed["datalayerhash"]]
    out = tmp_path / "fetched.csv"
    refused = carbon(*get, "--out", str(out))
    assert refused.exit_code == 2 and AUDITOR in refused.output and "name a key" in refused.output
    opened = carbon(*get, "--out", str(out), "--key", AUDITOR_SPEC)
    assert opened.exit_code == 0, opened.output
    assert out.read_bytes() == ledger.read_bytes()
    assert listed["sha256"] == "0x" + hashlib.sha256(ledger.read_bytes()).hexdigest()


def ledger_activity(folder):
    """A May document of the power plant with no self-measured factor (no test report)."""
    from offchain.paths import SEEDS

    document = json.loads((SEEDS / "activity" / "seed001_example.json").read_text("utf-8"))
    document["records"] = [r for r in document["records"] if "evidence" not in r]
    document["period"] = {"year": 2023, "month": 5}
    document["extrainfo"] = []
    path = folder / "activity_05.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def test_an_agency_lists_the_years_it_was_assigned(carbon, year_with_an_invalidated_record):
    assert carbon("keys", "publish", "--as", AUDITOR_SPEC).exit_code == 0
    approve = ["agency", "approve", "--address", AUDITOR, "--name", "核查", "--licence", "L-9"]
    assert carbon(*approve, "--as", "dev:0").exit_code == 0
    which = ["--enterprise", CODE, "--year", "2024"]
    opened = carbon("verification", "open", *which, "--agency", AUDITOR, "--as", "dev:0")
    assert opened.exit_code == 0, opened.output
    listed = json.loads(carbon("verification", "list", "--agency", AUDITOR, "--json").output)
    assert {"enterprise": CODE, "year": 2024, "state": "Assigned"}.items() <= next(
        r for r in listed if r["enterprise"] == CODE and r["year"] == 2024
    ).items()


def test_a_role_is_granted_and_revoked_and_shown_by_accounts(
    carbon, year_with_an_invalidated_record
):
    role = ["enterprise", "role", "--enterprise", CODE]
    granted = carbon(*role, "grant", "DATA_WRITER", AUDITOR, "--as", "dev:0")
    assert granted.exit_code == 0 and "granted" in granted.output, granted.output
    roles = json.loads(carbon("accounts", "--as", AUDITOR_SPEC, "--json").output)[0]["roles"]
    assert f"DATA_WRITER of {CODE}" in roles
    assert "unchanged" in carbon(*role, "grant", "DATA_WRITER", AUDITOR, "--as", "dev:0").output
    revoked = carbon(*role, "revoke", "DATA_WRITER", AUDITOR, "--as", "dev:0")
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    by_stranger = carbon(*role, "grant", "DATA_WRITER", AUDITOR, "--as", "dev:6")
    assert by_stranger.exit_code == 1 and "AccessControlUnauthorizedAccount" in by_stranger.output


def test_a_deprecated_name_is_skipped_by_the_series_but_still_shown(carbon, tmp_path):
    from offchain.paths import SEEDS

    newer = json.loads((SEEDS / "factors" / "GB_02_factor_20231001_0000.json").read_text("utf-8"))
    result = carbon(
        "standards",
        "deprecate",
        "GB_02_factor_20231001_0000",
        "--reason",
        "数值勘误",
        "--as",
        "dev:0",
    )
    assert result.exit_code == 0, result.output
    assert "no name of GB_02_factor is in force now" in result.output
    shown = carbon("standards", "show", "GB_02_factor_20231001_0000", "--json")
    assert json.loads(shown.output)["content"]["meta"] == newer["meta"]
    by_editor = carbon(
        "standards", "deprecate", "GB_01_factor_20231001_0000", "--reason", "x", "--as", "dev:6"
    )
    assert by_editor.exit_code == 1 and "AccessControlUnauthorizedAccount" in by_editor.output
