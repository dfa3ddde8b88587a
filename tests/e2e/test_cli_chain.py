"""`carbon calc` and `carbon standards` against the deployed suite on ape's anvil."""

import json

from click.testing import CliRunner

from offchain.cli import main
from offchain.paths import SEEDS

SAMPLE = str(SEEDS / "activity" / "seed001_example.json")


def test_calc_pulls_the_latest_standards_from_chain(carbon):
    result = carbon("calc", "--activity", SAMPLE)
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert output["total"] == "288.324366"
    assert output["standards"]["factor"]["name"] == "GB_01_factor_20231001_0000"


def test_calc_at_a_pinned_name_uses_that_name(carbon):
    result = carbon("calc", "--activity", SAMPLE, "--at", "GB_calculate_20231001_0000")
    assert json.loads(result.output)["standards"]["calculate"]["name"] == (
        "GB_calculate_20231001_0000"
    )


def test_calc_at_an_unknown_name_is_a_one_line_error(carbon):
    result = carbon("calc", "--activity", SAMPLE, "--at", "GB_01_factor_20991231_0000")
    assert result.exit_code == 1
    assert "no standard named 'GB_01_factor_20991231_0000'" in result.output


def test_calc_at_a_malformed_name_says_the_convention(carbon):
    result = carbon("calc", "--activity", SAMPLE, "--at", "GB_01_falmula_20231001_0000")
    assert result.exit_code == 1 and "not an index name" in result.output


def test_standards_lists_every_series(carbon):
    result = carbon("standards", "--json")
    listing = json.loads(result.output)
    assert listing["GB_01_factor"] == ["GB_01_factor_20231001_0000"]
    assert "GB_calculate" in listing


def test_a_manifest_of_another_chain_is_refused(manifest_file, tmp_path):
    other = json.loads(manifest_file.read_text())
    other["chain_id"] = 999
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other))
    result = CliRunner().invoke(main, ["--deployment", str(path), "calc", "--activity", SAMPLE])
    assert result.exit_code == 1 and "describes chain 999" in result.output
