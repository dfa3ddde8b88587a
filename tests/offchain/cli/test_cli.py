"""`carbon calc` offline: the seed numbers, and one-line errors with a non-zero exit."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from offchain.cli import main
from offchain.paths import SEEDS

FACTORS = SEEDS / "factors" / "GB_01_factor_20231001_0000.json"
FORMULAS = SEEDS / "formulas" / "GB_01_formula_20231001_0000.json"
CODE = SEEDS / "calc" / "GB_calculate_20231001_0000.js"
SAMPLE = SEEDS / "activity" / "seed001_example.json"


def calc(activity: Path, code: Path = CODE, factors: Path = FACTORS):
    args = [
        "calc",
        "--activity",
        str(activity),
        "--factors",
        str(factors),
        "--formulas",
        str(FORMULAS),
        "--code",
        str(code),
    ]
    return CliRunner().invoke(main, args)


def activity_file(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "activity.json"
    path.write_text(json.dumps({"title": "t", "records": records}, ensure_ascii=False), "utf-8")
    return path


def one_line_error(result) -> str:
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_seed_001_example_gives_the_published_items():
    result = calc(SAMPLE)
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert output["total"] == "288.324366"
    assert {k: output["items"][k] for k in ("E_fuel", "E_electricity", "E_process_1")} == {
        "E_fuel": "274.202236",
        "E_electricity": "6.071450",
        "E_process_1": "8.050680",
    }


def test_malformed_json_names_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "title": "x",\n  "records": [,]\n}', "utf-8")
    line = one_line_error(calc(path))
    assert "malformed JSON at line 3 column 15" in line


def test_schema_violation_names_the_path(tmp_path):
    path = tmp_path / "activity.json"
    path.write_text('{"title": 2023, "records": [{"AC": 1}]}', "utf-8")
    line = one_line_error(calc(path))
    assert "schema violation at title" in line


@pytest.mark.parametrize(
    ("record", "named"),
    [
        pytest.param({"fuel": "燃煤", "FC": "100", "unit": "t"}, ["'FC'"], id="wrong-type"),
        pytest.param({"fuel": "燃料X", "FC": 1, "unit": "t"}, ["燃料X", "fuel"], id="unknown-fuel"),
        pytest.param(
            {"fule": "燃煤", "FC": 1, "unit": "t"}, ["fule", "'fuel'"], id="misspelt-group-key"
        ),
        pytest.param(
            {"electricity": "净购入使用的电力", "unit": "MWh"}, ["AC"], id="missing-value"
        ),
        pytest.param({"fuel": "天然气", "FC": 1, "unit": "t"}, ["'t'", "10^4Nm3"], id="wrong-unit"),
    ],
)
def test_a_refused_activity_record_is_named_with_the_key_at_fault(tmp_path, record, named):
    line = one_line_error(calc(activity_file(tmp_path, [record])))
    assert "record 0" in line
    for text in named:
        assert text in line


def test_self_measured_factor_outside_range_is_a_warning_not_an_error(tmp_path):
    record = {
        "fuel": "燃煤",
        "FC": 1,
        "unit": "t",
        "NCV": 40.0,
        "CC": 0.03,
        "OF": 98,
        "evidence": "0x" + "ab" * 32,
    }
    result = calc(activity_file(tmp_path, [record]))
    assert result.exit_code == 0, result.output
    [warning] = json.loads(result.output)["warnings"]
    assert "NCV" in warning and "40" in warning


def test_code_that_loops_forever_is_stopped_by_the_sandbox(tmp_path):
    code = tmp_path / "loop.js"
    code.write_text("function calculate(input) { while (true) {} }", "utf-8")
    line = one_line_error(calc(SAMPLE, code=code))
    assert "time limit" in line


def test_code_that_allocates_without_bound_is_stopped_by_the_sandbox(tmp_path):
    code = tmp_path / "hog.js"
    code.write_text(
        "function calculate(input) { const a = []; for (;;) a.push(new Array(1e6)); }", "utf-8"
    )
    line = one_line_error(calc(SAMPLE, code=code))
    assert "memory limit" in line


def test_an_unreadable_file_is_named(tmp_path):
    line = one_line_error(calc(tmp_path / "missing.json"))
    assert "missing.json" in line


@pytest.mark.parametrize("missing", ["--factors", "--formulas", "--code"])
def test_offline_mode_needs_all_three_files(missing):
    args = [
        "calc",
        "--activity",
        str(SAMPLE),
        "--factors",
        str(FACTORS),
        "--formulas",
        str(FORMULAS),
        "--code",
        str(CODE),
    ]
    i = args.index(missing)
    result = CliRunner().invoke(main, args[:i] + args[i + 2 :])
    assert result.exit_code == 2 and "needs all of" in result.output


def test_no_deployment_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(
        main, ["--deployment", str(tmp_path / "none.json"), "calc", "--activity", str(SAMPLE)]
    )
    assert "no deployment manifest" in one_line_error(result)
