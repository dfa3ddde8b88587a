"""`carbon enterprise …` and `carbon keys publish` against the deployed suite."""

import json

import pytest
from e2e_support import onboard_args, submit_args

CODE = "91110000CLI000001A"


@pytest.fixture(scope="module")
def onboarded(carbon):
    result = carbon(
        *onboard_args(
            CODE,
            "dev:0",
            "命令行示范电厂",
            admin="0x90F79bf6EB2c4f870365E785982E1f101E93b906",
            account="0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        )
    )
    assert result.exit_code == 0, result.output
    return result


def test_onboard_is_idempotent(carbon, onboarded):
    again = carbon(*onboard_args(CODE, "dev:0"))
    assert again.exit_code == 0 and "already onboarded" in again.output


def test_onboarding_by_a_non_regulator_names_the_missing_role(carbon):
    result = carbon(*onboard_args("91110000CLI000002A", "dev:6"))
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
        carbon("enterprise", "records", "--enterprise", CODE, "--year", "2023").output
    )
    assert listed[0]["result_tco2e"] == "288.324366" and listed[0]["self_measured"]


def test_submit_for_an_unknown_enterprise_is_a_one_line_error(carbon, activity):
    result = carbon(*submit_args("nobody", activity, "x", "dev:3"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: no enterprise")


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
