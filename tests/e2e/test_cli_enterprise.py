"""`carbon enterprise …` and `carbon keys publish` against the deployed suite."""

import json

import pytest
from e2e_support import cli_onboard, onboard_args, submit_args

CODE = "91110000CL10000019"
ADMIN = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
WRITER = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"


@pytest.fixture(scope="module")
def onboarded(carbon):
    result = carbon(
        *onboard_args(
            CODE,
            "dev:0",
            "命令行示范电厂",
            admin=ADMIN,
            account=WRITER,
        )
    )
    assert result.exit_code == 0, result.output
    return result


def test_onboard_is_idempotent(carbon, onboarded):
    again = carbon(*onboard_args(CODE, "dev:0", "命令行示范电厂", admin=ADMIN, account=WRITER))
    assert again.exit_code == 0 and "already onboarded" in again.output


def test_onboarding_again_with_other_values_shows_them_and_changes_nothing(carbon, onboarded):
    again = carbon(*onboard_args(CODE, "dev:0", "另一个名字", admin=ADMIN, account=WRITER))
    assert again.exit_code == 1
    assert "name is '命令行示范电厂', not '另一个名字'" in again.output
    assert "nothing was changed" in again.output
    listed = carbon("enterprise", "records", "--enterprise", CODE, "--year", "2023")
    assert listed.exit_code == 0


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"name": "  "}, "the name is empty"),
        ({"industry": "99"}, "industry 99 has no published standards"),
        ({"industry": "1"}, "is not a two-digit code"),
        ({"admin": "0x" + "00" * 20}, "the admin is the zero address"),
        ({"account": "0x1234"}, "is not an Ethereum address"),
    ],
)
def test_onboarding_is_checked_before_anything_is_sent(carbon, change, fragment):
    values = {"name": "检查示范", "industry": "01", "admin": ADMIN, "account": WRITER}
    values.update(change)
    args = onboard_args(
        "91110000CL100000M7",
        "dev:0",
        values["name"],
        admin=values["admin"],
        account=values["account"],
    )
    args[args.index("--industry") + 1] = values["industry"]
    result = carbon(*args)
    assert result.exit_code == 1 and fragment in result.output.splitlines()[-1]
    assert "Traceback" not in result.output


def test_update_changes_the_profile_and_says_what_changed(carbon):
    code = "91110000CL100000M7"
    assert carbon(*onboard_args(code, "dev:0", "旧名", admin=ADMIN, account=WRITER)).exit_code == 0
    update = ["enterprise", "update", "--credit-code", code, "--name", "新名", "--as", "dev:0"]
    changed = carbon(*update)
    assert changed.exit_code == 0 and "name: '旧名' -> '新名'" in changed.output
    assert "nothing to change" in carbon(*update).output


def test_onboarding_by_a_non_regulator_names_the_missing_role(carbon):
    result = carbon(*onboard_args("91110000CL1000002C", "dev:6"))
    assert result.exit_code == 1
    assert "AccessControlUnauthorizedAccount" in result.output and "REGULATOR" in result.output


def test_submit_then_list_records(carbon, onboarded, activity, evidence):
    result = carbon(
        *submit_args(CODE, activity, "四月", "dev:3", evidence), "--writer", "dev:4", "--json"
    )
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output[result.output.index("{") :])
    assert outcome["total"] == "288.324366" and outcome["created"]
    listed = json.loads(
        carbon("enterprise", "records", "--enterprise", CODE, "--year", "2023", "--json").output
    )
    assert listed[0]["result_tco2e"] == "288.324366" and listed[0]["self_measured"]


def test_carbon_encrypt_makes_encryption_the_enterprises_default(
    carbon, onboarded, activity, evidence, monkeypatch
):
    for signer in ("dev:0", "dev:3", "dev:4"):
        assert carbon("keys", "publish", "--as", signer).exit_code == 0
    monkeypatch.setenv("CARBON_ENCRYPT", "1")
    result = carbon(
        *submit_args(CODE, activity, "四月", "dev:3", evidence), "--writer", "dev:4", "--json"
    )
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output[result.output.index("{") :])
    assert outcome["encrypted"] and all(e["encrypted"] for e in outcome["evidence"])
    listed = json.loads(
        carbon("enterprise", "records", "--enterprise", CODE, "--year", "2023", "--json").output
    )
    assert listed[0]["period"] == "encrypted" and listed[0]["result_tco2e"] == "288.324366"


def test_submit_for_an_unknown_enterprise_is_a_one_line_error(carbon, activity):
    result = carbon(*submit_args("91110000N0B0DY000R", activity, "x", "dev:3"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: no enterprise")


def test_a_credit_code_with_a_wrong_check_character_is_refused_before_any_call(carbon):
    result = carbon(*onboard_args("91110000CL1000004A", "dev:0"))
    assert result.exit_code == 2
    assert "its check character is A, GB 32100-2015 gives" in result.output
    assert "Traceback" not in result.output


def test_a_credit_code_is_trimmed_and_upper_cased_so_one_enterprise_is_onboarded_once(carbon):
    code = "91110000CL100000L4"
    assert carbon(*onboard_args(code, "dev:0")).exit_code == 0
    again = carbon(*onboard_args(f"  {code.lower()} ", "dev:0"))
    assert again.exit_code == 0, again.output
    assert again.output.startswith(f"already onboarded: {code}")


def test_a_dev_account_is_refused_without_a_signer(carbon, activity):
    result = carbon(*submit_args(CODE, activity, "x", "bogus"))
    assert result.exit_code == 1 and "expected dev:N, env:VAR or keystore:PATH" in result.output


def test_invalidate_by_a_stranger_names_the_missing_role(carbon, onboarded):
    result = carbon(
        "enterprise",
        "invalidate",
        "--enterprise",
        CODE,
        "--year",
        "2023",
        "--index",
        "0",
        "--reason",
        "x",
        "--as",
        "dev:6",
    )
    assert result.exit_code == 1 and "ENTERPRISE_ADMIN" in result.output


def test_keys_publish_is_idempotent(carbon):
    first = carbon("keys", "publish", "--as", "dev:8")
    again = carbon("keys", "publish", "--as", "dev:8")
    assert first.exit_code == 0 and "already published" in again.output


def test_a_year_from_submission_through_rectification_to_closed(carbon, activity, evidence):
    """Every command of the yearly cycle, as each actor runs it: the enterprise submits and
    rectifies, the agency publishes its key and records its verdict, the regulator approves,
    opens, assigns and closes."""
    code, agency, year = "91110000CL1000003F", "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", "2023"
    onboarded = carbon(
        *onboard_args(
            code,
            "dev:0",
            admin="0x90F79bf6EB2c4f870365E785982E1f101E93b906",
            account="0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        )
    )
    assert onboarded.exit_code == 0, onboarded.output
    submitted = carbon(*submit_args(code, activity, "四月", "dev:3", evidence), "--writer", "dev:4")
    assert submitted.exit_code == 0, submitted.output
    assert f"submitted {code} 2023 #0 四月: 288.324366 tCO2e" in submitted.output

    document = json.loads(activity.read_text("utf-8"))
    document["title"] += "(整改后)"
    activity.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    why = activity.parent / "rectification.txt"
    why.write_text("整改说明: 四月台账更正\n", "utf-8")
    rectify = ["enterprise", "rectify", "--enterprise", code, "--year", year, "--index", "0"]
    rectified = carbon(
        *rectify,
        "--title",
        "四月(整改后)",
        "--activity",
        str(activity),
        "--rectification-evidence",
        str(why),
        *(arg for path in evidence for arg in ("--evidence", str(path))),
        "--as",
        "dev:3",
        "--writer",
        "dev:4",
    )
    assert rectified.exit_code == 0, rectified.output
    records = json.loads(
        carbon("enterprise", "records", "--enterprise", code, "--year", year, "--json").output
    )
    assert [(r["index"], r["valid"], r["replaces"]) for r in records] == [
        (0, False, None),
        (1, True, 0),
    ]
    assert records[1]["result_tco2e"] == "288.324366"
    assert records[1]["rectification_evidence"].startswith("0x")

    assert carbon("keys", "publish", "--as", "dev:9").exit_code == 0
    approve = ["agency", "approve", "--address", agency, "--name", "核查", "--licence", "L-9"]
    approved = carbon(*approve, "--as", "dev:0")
    assert approved.output.strip() == f"{agency}: Approved", approved.output
    which = ["--enterprise", code, "--year", year]
    opened = carbon("verification", "open", *which, "--agency", agency.lower(), "--as", "dev:0")
    assert opened.output.strip() == f"{code} 2023: Assigned", opened.output

    verified = carbon(
        "verify", *which, "--partial", "--key", "dev:9", "--submit", "--out", str(activity.parent)
    )
    assert verified.exit_code == 0, verified.output
    assert "the verification is now Passed" in verified.output
    closed = carbon("verification", "close", *which, "--as", "dev:0")
    assert closed.output.strip() == f"{code} 2023: Closed, verified emissions 288.324366 tCO2e"
    status = json.loads(carbon("verification", "status", *which, "--json").output)
    assert status["state"] == "Closed"
    [verdict] = status["verdicts"]
    assert verdict["passed"] and verdict["recomputed_tco2e"] == "288.324366"
    assert verdict["agency"] == agency and verdict["report"].startswith("0x")


def test_a_year_under_verification_is_frozen_and_a_pass_can_be_taken_back(
    carbon, activity, evidence
):
    """From assignment on the enterprise cannot add to the year; the regulator rejects a pass
    with a reason, assigns again, and only a fresh pass closes the year."""
    code, agency = "91110000CL100000NA", "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"
    cli_onboard(carbon, code, "冻结示范电厂")
    submit = submit_args(code, activity, "四月", "dev:3", evidence)
    assert carbon(*submit, "--writer", "dev:4").exit_code == 0
    assert carbon("keys", "publish", "--as", "dev:9").exit_code == 0
    approve = ["agency", "approve", "--address", agency, "--name", "核查", "--licence", "L-9"]
    assert carbon(*approve, "--as", "dev:0").exit_code == 0
    which = ["--enterprise", code, "--year", "2023"]
    assert (
        carbon("verification", "open", *which, "--agency", agency, "--as", "dev:0").exit_code == 0
    )

    later = activity.parent / "later.json"
    document = json.loads(activity.read_text("utf-8"))
    document["title"] = "a record after the agency was assigned"
    later.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    frozen = carbon(*submit_args(code, later, "五月", "dev:3", evidence), "--writer", "dev:4")
    assert frozen.exit_code == 1 and "YearFrozen" in frozen.output.splitlines()[-1]

    verify = ["verify", *which, "--partial", "--key", "dev:9", "--submit"]
    assert "now Passed" in carbon(*verify, "--out", str(activity.parent)).output
    rejected = carbon(
        "verification", "reject", *which, "--reason", "核查范围不完整", "--as", "dev:0"
    )
    assert rejected.output.strip() == f"{code} 2023: Rejected", rejected.output
    refused = carbon("verification", "close", *which, "--as", "dev:0")
    assert refused.exit_code == 1 and "only a Passed year can be closed" in refused.output
    status = json.loads(carbon("verification", "status", *which, "--json").output)
    assert [r["reason"] for r in status["rejections"]] == ["核查范围不完整"]

    again = carbon("verification", "open", *which, "--agency", agency, "--as", "dev:0")
    assert again.output.strip() == f"{code} 2023: Assigned", again.output
    assert "now Passed" in carbon(*verify, "--out", str(activity.parent)).output
    closed = carbon("verification", "close", *which, "--as", "dev:0")
    assert closed.output.strip() == f"{code} 2023: Closed, verified emissions 288.324366 tCO2e"
