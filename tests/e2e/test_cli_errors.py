"""Bad input never ends in a traceback: every refusal is one line naming what was wrong, with a
non-zero exit. A table of bad inputs, each run through `carbon` against the deployed suite."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from e2e_support import cli_onboard, submit_args

from offchain.cli import main
from offchain.core.credit_code import with_check

CODE = with_check("91110000ERR000000")
UNKNOWN = with_check("91110000ERR000001")
STRANGER = "0x" + "5a" * 20


@pytest.fixture(scope="module")
def onboarded(carbon):
    cli_onboard(carbon, CODE, "错误示范电厂")
    return CODE


def _manifest(tmp_path: Path, manifest_file: Path, change) -> Path:
    data = json.loads(manifest_file.read_text("utf-8"))
    path = tmp_path / "manifest.json"
    changed = change(data)
    path.write_text(changed if isinstance(changed, str) else json.dumps(changed), "utf-8")
    return path


def _moved_index(data):
    data["contracts"]["CarbonIndex"]["address"] = "0x" + "77" * 20
    return data


# Each case: the arguments after `carbon` (a callable of the test's tmp_path and manifest for
# those that need files) and a fragment the one-line error must contain.
CASES = {
    "a folder as the deployment": (
        lambda tmp, m: ["--deployment", str(tmp), "standards"],
        "is a folder, not a deployment manifest",
    ),
    "a manifest that is not JSON": (
        lambda tmp, m: ["--deployment", str(_manifest(tmp, m, lambda d: "{not json")), "standards"],
        "malformed JSON at line 1",
    ),
    "a manifest of another shape": (
        lambda tmp, m: ["--deployment", str(_manifest(tmp, m, lambda d: [1, 2])), "standards"],
        "is not a deployment manifest written by `ape run deploy`",
    ),
    "a node without the deployment": (
        lambda tmp, m: ["--deployment", str(_manifest(tmp, m, _moved_index)), "standards"],
        "it is not the node that deployment was made on",
    ),
    "a stopped node": (
        lambda tmp, m: ["--deployment", str(m), "--rpc", "http://127.0.0.1:9", "standards"],
        "cannot reach the node",
    ),
    "a year beyond uint16": (
        lambda tmp, m: ["enterprise", "records", "--enterprise", CODE, "--year", "70000"],
        "70000 is not in the range 1900<=x<=9999",
    ),
    "a negative year": (
        lambda tmp, m: ["enterprise", "records", "--enterprise", CODE, "--year", "-5"],
        "-5 is not in the range",
    ),
    "a negative record index": (
        lambda tmp, m: [
            *("enterprise", "invalidate", "--enterprise", CODE, "--year", "2023"),
            *("--index", "-1", "--reason", "x", "--as", "dev:3"),
        ],
        "-1 is not in the range x>=0",
    ),
    "a malformed credit code": (
        lambda tmp, m: ["enterprise", "records", "--enterprise", "abc", "--year", "2023"],
        "credit code 'abc' has 3 characters",
    ),
    "an enterprise never onboarded": (
        lambda tmp, m: ["enterprise", "records", "--enterprise", UNKNOWN, "--year", "2023"],
        f"no enterprise with credit code '{UNKNOWN}'",
    ),
    "closing a year that is not Passed": (
        lambda tmp, m: [
            *("verification", "close", "--enterprise", CODE, "--year", "2023", "--as", "dev:0")
        ],
        "is None; only a Passed year can be closed",
    ),
    "a record index beyond the year": (
        lambda tmp, m: [
            *("enterprise", "invalidate", "--enterprise", CODE, "--year", "2023"),
            *("--index", "99", "--reason", "x", "--as", "dev:3"),
        ],
        "has no record #99",
    ),
    "a signer without the role (custom error by name)": (
        lambda tmp, m: [
            *("verification", "open", "--enterprise", CODE, "--year", "2023"),
            *("--agency", STRANGER, "--as", "dev:5"),
        ],
        "AccessControlUnauthorizedAccount",
    ),
    "an agency that is not an address": (
        lambda tmp, m: [
            *("verification", "open", "--enterprise", CODE, "--year", "2023"),
            *("--agency", "nobody", "--as", "dev:0"),
        ],
        "--agency 'nobody' is not an Ethereum address",
    ),
    "an agency without a published key": (
        lambda tmp, m: [
            *("agency", "approve", "--address", STRANGER, "--name", "x", "--licence", "y"),
            *("--as", "dev:0"),
        ],
        "no public key published for",
    ),
    "an unknown signer form": (
        lambda tmp, m: ["keys", "publish", "--as", "bogus"],
        "expected dev:N, env:VAR or keystore:PATH",
    ),
    "a dev signer that is not a number": (
        lambda tmp, m: ["keys", "publish", "--as", "dev:x"],
        "expected dev:N with N a number",
    ),
    "an empty key variable": (
        lambda tmp, m: ["keys", "publish", "--as", "env:CARBON_TEST_NO_SUCH_KEY"],
        "holds no private key",
    ),
    "a keystore without its password": (
        lambda tmp, m: ["keys", "publish", "--as", f"keystore:{tmp / 'none.json'}"],
        "CARBON_KEYSTORE_PASSWORD",
    ),
    "a missing activity file": (
        lambda tmp, m: ["calc", "--activity", str(tmp / "missing.json"), "--industry", "01"],
        "missing.json",
    ),
    "an activity file that is a folder": (
        lambda tmp, m: ["calc", "--activity", str(tmp), "--industry", "01"],
        str(Path("/")),
    ),
    "an unknown standards name": (
        lambda tmp, m: [
            *("calc", "--activity", "seeds/activity/seed001_example.json"),
            *("--at", "GB_01_factor_20991231_0000"),
        ],
        "the index has no standard named 'GB_01_factor_20991231_0000'",
    ),
    "a name outside the naming convention": (
        lambda tmp, m: [
            *("calc", "--activity", "seeds/activity/seed001_example.json", "--at", "GB_factor")
        ],
        "'GB_factor' is not an index name",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_without_a_traceback(
    case, onboarded, manifest_file, tmp_path, monkeypatch
):
    monkeypatch.delenv("CARBON_KEYSTORE_PASSWORD", raising=False)
    monkeypatch.delenv("CARBON_DEBUG", raising=False)
    build, fragment = CASES[case]
    args = build(tmp_path, manifest_file)
    if args[0] != "--deployment":
        args = ["--deployment", str(manifest_file), *args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code not in (0, None), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{case}: uncaught {result.exception!r}"
    )
    assert "Traceback" not in result.output
    error = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(error) == 1, result.output
    assert fragment in error[0], error[0]


def test_a_submission_of_a_value_json_cannot_carry_is_one_line(carbon, onboarded, tmp_path):
    activity = tmp_path / "activity.json"
    activity.write_text('{"title": "x", "records": [{"fuel": "燃煤", "FC": NaN}]}', "utf-8")
    result = carbon(*submit_args(CODE, activity, "x", "dev:3"), "--writer", "dev:4")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "NaN" in result.output.strip().splitlines()[-1]
