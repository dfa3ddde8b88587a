"""`carbon quota` against the deployed suite: a proposal from seed 002's example history, issued
once however often it is issued, balances, a transfer, the history of events; and every bad input
refused in one line before any transaction."""

import json
from pathlib import Path

import pytest
from e2e_support import AGENCY, REGULATOR, cli_onboard, submit_args
from PIL import Image

from offchain.actions.allocation import CHART_SIZE
from offchain.chain.accounts import dev_account
from offchain.core.credit_code import with_check
from offchain.paths import SEEDS

EXAMPLE = SEEDS / "allocation" / "history_example.json"
E1, E2, E3 = (with_check(f"91110000ALC00000{n}") for n in (1, 2, 3))
NO_ACCOUNT = with_check("91110000ALC000004")  # onboarded, no quota account named
NEVER_ONBOARDED = with_check("91110000ALC000005")
ACCOUNTS = {E1: dev_account(7), E2: dev_account(8), E3: dev_account(9)}
SIGNERS = {E1: "dev:7", E2: "dev:8", E3: "dev:9"}
# The average rule's 2024 quota of the example (tests/offchain/actions/test_allocation.py).
AVERAGE_2024 = {E1: "2831.460674", E2: "4611.235955", E3: "3357.303371"}


def ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def covered(carbon):
    """The example's three enterprises onboarded with their quota accounts named, and a fourth
    without an account."""
    for n, code in enumerate((E1, E2, E3, NO_ACCOUNT), start=1):
        cli_onboard(carbon, code, f"控排企业{n}")
    for code, account in ACCOUNTS.items():
        ok(
            carbon(
                *("quota", "account", "--enterprise", code, "--account", account.address),
                *("--as", "dev:0"),
            )
        )
    return [E1, E2, E3]


@pytest.fixture(scope="module")
def average_2024(carbon, covered, tmp_path_factory) -> Path:
    """The 2024 proposal of the average rule, written and issued once."""
    proposal = tmp_path_factory.mktemp("proposal") / "2024.json"
    ok(
        carbon(
            *("quota", "allocate", "--year", "2024", "--rule", "average"),
            *("--history", str(EXAMPLE), "--out", str(proposal)),
        )
    )
    ok(carbon("quota", "issue", "--proposal", str(proposal), "--as", "dev:0"))
    return proposal


def balances(carbon, year: int) -> dict[str, dict]:
    rows = json.loads(ok(carbon("quota", "balance", "--year", str(year), "--json")).output)
    return {row["enterprise"]: row for row in rows}


def nonces(reader) -> list[int]:
    """Transactions sent so far by the regulator and the quota accounts."""
    signers = [REGULATOR, *ACCOUNTS.values()]
    return [reader.w3.eth.get_transaction_count(s.address) for s in signers]


# -- naming accounts -------------------------------------------------------------------------


def test_naming_an_account_again_to_the_same_account_sends_nothing(carbon, covered, reader):
    before = nonces(reader)
    result = ok(
        carbon(
            *("quota", "account", "--enterprise", E1, "--account", ACCOUNTS[E1].address),
            *("--as", "dev:0"),
        )
    )
    assert result.output.strip().endswith("already named")
    assert nonces(reader) == before


# -- allocate --------------------------------------------------------------------------------


def test_allocate_shows_the_history_the_trend_and_the_proposal(carbon, covered):
    result = ok(
        carbon(
            *("quota", "allocate", "--year", "2024", "--rule", "average"),
            *("--history", str(EXAMPLE)),
        )
    )
    assert "verified emissions" in result.output and "2900.000000" in result.output
    assert "trend 60.000000 t/year; projection 2024: 10800.000000 t" in result.output
    for code, quota in AVERAGE_2024.items():
        row = next(line for line in result.output.splitlines() if code in line and "2021" in line)
        assert quota in row


def test_allocate_writes_the_trend_chart(carbon, covered, tmp_path):
    chart = tmp_path / "trend.png"
    ok(
        carbon(
            *("quota", "allocate", "--year", "2024", "--rule", "average"),
            *("--history", str(EXAMPLE), "--chart", str(chart)),
        )
    )
    with Image.open(chart) as image:
        assert image.size == CHART_SIZE


def test_allocate_as_json_is_the_proposal_citing_the_history_by_digest(carbon, covered, store):
    result = ok(
        carbon(
            *("quota", "allocate", "--year", "2024", "--rule", "average"),
            *("--history", str(EXAMPLE), "--total", "1000", "--json"),
        )
    )
    answer = json.loads(result.output)
    proposal = answer["proposal"]
    assert proposal["total"] == "1000.000000"
    assert sum(float(e["amount"]) for e in proposal["enterprises"]) == pytest.approx(1000)
    assert store.get(proposal["history"]) == EXAMPLE.read_bytes()
    assert store.has(answer["digest"])


def test_a_year_closed_on_chain_overrides_the_history_document(
    carbon, covered, activity, evidence, tmp_path
):
    which = ["--enterprise", E1, "--year", "2023"]
    ok(carbon(*submit_args(E1, activity, "四月", "dev:3", evidence), "--writer", "dev:4"))
    ok(carbon("keys", "publish", "--as", "dev:5"))
    approve = ["agency", "approve", "--address", AGENCY.address, "--name", "核查", "--licence", "L"]
    ok(carbon(*approve, "--as", "dev:0"))
    ok(carbon("verification", "open", *which, "--agency", AGENCY.address, "--as", "dev:0"))
    ok(carbon("verify", *which, "--partial", "--key", "dev:5", "--submit", "--out", str(tmp_path)))
    ok(carbon("verification", "close", *which, "--as", "dev:0"))
    result = ok(
        carbon(
            *("quota", "allocate", "--year", "2024", "--rule", "average", "--json"),
            *("--history", str(EXAMPLE)),
        )
    )
    totals = json.loads(result.output)["proposal"]["trend"]["totals"]
    # 2023: 288.324366 t verified on chain in place of the document's 2900 t for enterprise 1
    assert totals[-1] == {
        "year": 2023,
        "emissions": "8128.324366",
        "energy": "5955",
        "enterprises": 3,
    }


# -- issue -----------------------------------------------------------------------------------


def test_issuing_a_proposal_allocates_each_enterprise_its_quota(carbon, average_2024):
    found = balances(carbon, 2024)
    for code, quota in AVERAGE_2024.items():
        assert found[code]["allocated"] == quota
        assert found[code]["balance"] == quota
        assert found[code]["account"] == ACCOUNTS[code].address


def test_issuing_the_same_proposal_again_issues_nothing(carbon, average_2024, reader):
    before = nonces(reader)
    result = ok(
        carbon("quota", "issue", "--proposal", str(average_2024), "--as", "dev:0", "--json")
    )
    lines = json.loads(result.output)["enterprises"]
    assert {(line["outcome"], line["issued"]) for line in lines} == {("skipped", "0.000000")}
    assert nonces(reader) == before
    assert balances(carbon, 2024)[E1]["allocated"] == AVERAGE_2024[E1]


def test_issue_prints_issued_and_skipped_per_credit_code(carbon, average_2024):
    result = ok(carbon("quota", "issue", "--proposal", str(average_2024), "--as", "dev:0"))
    for code in AVERAGE_2024:
        row = next(line for line in result.output.splitlines() if code in line)
        assert "skipped" in row


# -- balance, transfer, history --------------------------------------------------------------


def test_balance_of_one_enterprise_shows_its_account_and_allocation(carbon, average_2024):
    result = ok(carbon("quota", "balance", "--enterprise", E3, "--year", "2024"))
    row = next(line for line in result.output.splitlines() if E3 in line)
    assert ACCOUNTS[E3].address in row and row.count(AVERAGE_2024[E3]) == 2


def test_a_transfer_moves_quota_from_one_account_to_another(carbon, average_2024):
    ok(
        carbon(
            *("quota", "transfer", "--from", E1, "--to", E2, "--amount", "100"),
            *("--as", SIGNERS[E1]),
        )
    )
    found = balances(carbon, 2024)
    assert found[E1]["balance"] == "2731.460674"
    assert found[E2]["balance"] == "4711.235955"
    assert found[E1]["allocated"] == AVERAGE_2024[E1]  # the allocation of the year stays


def test_history_lists_the_issue_and_the_transfer_of_an_enterprise(carbon, average_2024):
    ok(
        carbon(
            *("quota", "transfer", "--from", E1, "--to", E2, "--amount", "1.5"),
            *("--as", SIGNERS[E1]),
        )
    )
    events = json.loads(ok(carbon("quota", "history", "--enterprise", E1, "--json")).output)
    assert [(e["event"], e["amount"]) for e in events] == [
        ("issued", AVERAGE_2024[E1]),
        ("transfer", "1.500000"),
    ]
    assert (events[0]["year"], events[0]["enterprise"]) == (2024, E1)
    assert (events[1]["from"], events[1]["to"]) == (E1, E2)


def test_history_of_a_year_lists_its_issues_and_no_transfers(carbon, average_2024):
    ok(
        carbon(
            *("quota", "transfer", "--from", E2, "--to", E3, "--amount", "1"),
            *("--as", SIGNERS[E2]),
        )
    )
    events = json.loads(ok(carbon("quota", "history", "--year", "2024", "--json")).output)
    mine = [e for e in events if e["enterprise"] in AVERAGE_2024]
    assert sorted((e["enterprise"], e["event"]) for e in mine) == [
        (E1, "issued"),
        (E2, "issued"),
        (E3, "issued"),
    ]
    assert all(e["event"] != "transfer" for e in events)


def test_history_as_a_table_shows_when_each_event_happened(carbon, average_2024):
    result = ok(carbon("quota", "history", "--enterprise", E3))
    row = next(line for line in result.output.splitlines() if "issued" in line)
    assert "UTC" in row and AVERAGE_2024[E3] in row


# -- the benchmark rule: pre-allocation, then the true-up ------------------------------------


def _history_without_outputs_of(year: int, folder: Path) -> Path:
    document = json.loads(EXAMPLE.read_text("utf-8"))
    for enterprise in document["enterprises"]:
        for entry in enterprise["years"]:
            if entry["year"] == year:
                entry.pop("output", None)
    path = folder / "pre.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def _issue_benchmark(carbon, history: Path, folder: Path, name: str) -> list[dict]:
    proposal = folder / f"{name}.json"
    ok(
        carbon(
            *("quota", "allocate", "--year", "2023", "--rule", "benchmark"),
            *("--history", str(history), "--out", str(proposal)),
        )
    )
    result = ok(carbon("quota", "issue", "--proposal", str(proposal), "--as", "dev:0", "--json"))
    return json.loads(result.output)["enterprises"]


@pytest.fixture(scope="module")
def pre_allocated_2023(carbon, covered, tmp_path_factory):
    """The 2023 pre-allocation: 70 % of benchmark × 2022 output, before 2023 is verified."""
    folder = tmp_path_factory.mktemp("benchmark")
    return _issue_benchmark(carbon, _history_without_outputs_of(2023, folder), folder, "pre")


def test_the_pre_allocation_issues_70_percent_of_benchmark_times_the_earlier_output(
    pre_allocated_2023,
):
    # 0.7 × 0.877 × 3100 MWh; 0.7 × 0.392 × 11200 (gas); 0.7 × 0.979 × 3500 (≤ 300 MW)
    assert [line["issued"] for line in pre_allocated_2023] == [
        "1903.090000",
        "3073.280000",
        "2398.550000",
    ]


def test_the_true_up_issues_only_what_the_actual_output_adds(carbon, pre_allocated_2023, tmp_path):
    lines = _issue_benchmark(carbon, EXAMPLE, tmp_path, "final")
    # 0.877 × 3250 − 1903.09; 0.392 × 11000 − 3073.28; 0.979 × 3600 − 2398.55
    assert [line["issued"] for line in lines] == ["947.160000", "1238.720000", "1125.850000"]
    assert balances(carbon, 2023)[E2]["allocated"] == "4312.000000"


def test_a_negative_true_up_issues_nothing_and_reports_the_excess(
    carbon, pre_allocated_2023, tmp_path
):
    document = json.loads(EXAMPLE.read_text("utf-8"))
    (year_2023,) = (y for y in document["enterprises"][1]["years"] if y["year"] == 2023)
    year_2023["output"] = "5000"  # final 0.392 × 5000 = 1960 t, below the 3073.28 t pre-allocated
    history = tmp_path / "fall.json"
    history.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    lines = _issue_benchmark(carbon, history, tmp_path, "fall")
    assert (lines[1]["outcome"], lines[1]["excess"]) == ("skipped", "1113.280000")
    assert balances(carbon, 2023)[E2]["allocated"] == "3073.280000"


# -- refusals --------------------------------------------------------------------------------


def _proposal(tmp: Path, enterprises: list[dict]) -> str:
    path = tmp / "proposal.json"
    document = {"year": 2030, "rule": "average", "total": "1", "enterprises": enterprises}
    path.write_text(json.dumps(document), "utf-8")
    return str(path)


def _text(path: Path, text: str) -> str:
    path.write_text(text, "utf-8")
    return str(path)


def _broken_history(tmp: Path) -> str:
    document = json.loads(EXAMPLE.read_text("utf-8"))
    document["enterprises"][0]["industry"] = "25"
    path = tmp / "history.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return str(path)


HISTORY = ("--history", str(EXAMPLE))
CASES = {
    "issuing as someone other than the regulator": (
        lambda tmp: [
            *("quota", "issue", "--as", "dev:5"),
            *("--proposal", _proposal(tmp, [{"credit_code": E1, "amount": "1"}])),
        ],
        "does not hold the regulator role of CarbonQuota",
    ),
    "issuing to an enterprise never onboarded": (
        lambda tmp: [
            *("quota", "issue", "--as", "dev:0"),
            *("--proposal", _proposal(tmp, [{"credit_code": NEVER_ONBOARDED, "amount": "1"}])),
        ],
        f"no enterprise with credit code '{NEVER_ONBOARDED}'",
    ),
    "issuing to an enterprise without an account": (
        lambda tmp: [
            *("quota", "issue", "--as", "dev:0"),
            *(
                "--proposal",
                _proposal(
                    tmp,
                    [
                        {"credit_code": E1, "amount": "1"},
                        {"credit_code": NO_ACCOUNT, "amount": "1"},
                    ],
                ),
            ),
        ],
        f"no quota account named for {NO_ACCOUNT}",
    ),
    "a proposal that is not JSON": (
        lambda tmp: [
            *("quota", "issue", "--as", "dev:0"),
            *("--proposal", _text(tmp / "p.json", "{")),
        ],
        "malformed JSON at line 1",
    ),
    "a proposal with a negative amount": (
        lambda tmp: [
            *("quota", "issue", "--as", "dev:0"),
            *("--proposal", _proposal(tmp, [{"credit_code": E1, "amount": "-1"}])),
        ],
        "schema violation at enterprises/0/amount",
    ),
    "an account that is another enterprise's": (
        lambda tmp: [
            *("quota", "account", "--enterprise", NO_ACCOUNT),
            *("--account", ACCOUNTS[E1].address, "--as", "dev:0"),
        ],
        f"is already the quota account of {E1}",
    ),
    "a second account for an enterprise": (
        lambda tmp: [
            *("quota", "account", "--enterprise", E1),
            *("--account", dev_account(6).address, "--as", "dev:0"),
        ],
        f"{E1} already holds its quota in {ACCOUNTS[E1].address}",
    ),
    "an account that is not an address": (
        lambda tmp: [
            *("quota", "account", "--enterprise", E1, "--account", "nobody", "--as", "dev:0")
        ],
        "--account 'nobody' is not an Ethereum address",
    ),
    "naming an account as someone other than the regulator": (
        lambda tmp: [
            *("quota", "account", "--enterprise", NO_ACCOUNT),
            *("--account", dev_account(6).address, "--as", "dev:5"),
        ],
        "does not hold the regulator role of CarbonQuota",
    ),
    "a transfer signed by another account": (
        lambda tmp: [
            *("quota", "transfer", "--from", E1, "--to", E2, "--amount", "1"),
            *("--as", SIGNERS[E2]),
        ],
        f"is not the quota account of {E1}",
    ),
    "a transfer of more than is held": (
        lambda tmp: [
            *("quota", "transfer", "--from", E1, "--to", E2, "--amount", "99999999"),
            *("--as", SIGNERS[E1]),
        ],
        "less than the 99999999.000000 t asked",
    ),
    "a transfer to itself": (
        lambda tmp: [
            *("quota", "transfer", "--from", E1, "--to", E1, "--amount", "1"),
            *("--as", SIGNERS[E1]),
        ],
        "would transfer quota to itself",
    ),
    "a transfer of nothing": (
        lambda tmp: [
            *("quota", "transfer", "--from", E1, "--to", E2, "--amount", "0"),
            *("--as", SIGNERS[E1]),
        ],
        "0 t is not a positive amount",
    ),
    "a transfer of more than six decimals": (
        lambda tmp: [
            *("quota", "transfer", "--from", E1, "--to", E2, "--amount", "0.0000001"),
            *("--as", SIGNERS[E1]),
        ],
        "has more than six decimals",
    ),
    "a transfer to an enterprise without an account": (
        lambda tmp: [
            *("quota", "transfer", "--from", E1, "--to", NO_ACCOUNT, "--amount", "1"),
            *("--as", SIGNERS[E1]),
        ],
        f"{NO_ACCOUNT} has no quota account",
    ),
    "a total with the benchmark rule": (
        lambda tmp: [
            *("quota", "allocate", "--year", "2024", "--rule", "benchmark", *HISTORY),
            *("--total", "5"),
        ],
        "--total is for the average rule",
    ),
    "a pre-allocation share above one": (
        lambda tmp: [
            *("quota", "allocate", "--year", "2024", "--rule", "benchmark", *HISTORY),
            *("--share", "1.5"),
        ],
        "1.5 is not a share in (0, 1]",
    ),
    "the benchmark rule without the earlier year's output": (
        lambda tmp: ["quota", "allocate", "--year", "2016", "--rule", "benchmark", *HISTORY],
        f"{E1}: no output for 2015",
    ),
    "a year before any history": (
        lambda tmp: ["quota", "allocate", "--year", "2000", "--rule", "average", *HISTORY],
        "no verified emissions before 2000",
    ),
    "a history outside its schema": (
        lambda tmp: [
            *("quota", "allocate", "--year", "2024", "--rule", "average"),
            *("--history", _broken_history(tmp)),
        ],
        "allocation-history schema violation at enterprises/0/industry",
    ),
    "a missing history file": (
        lambda tmp: [
            *("quota", "allocate", "--year", "2024", "--rule", "average"),
            *("--history", str(tmp / "missing.json")),
        ],
        "cannot read",
    ),
    "a balance of an enterprise never onboarded": (
        lambda tmp: ["quota", "balance", "--enterprise", NEVER_ONBOARDED],
        f"no enterprise with credit code '{NEVER_ONBOARDED}'",
    ),
    "a history of a malformed credit code": (
        lambda tmp: ["quota", "history", "--enterprise", "abc"],
        "credit code 'abc' has 3 characters",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_and_sends_nothing(
    case, carbon, covered, reader, tmp_path, monkeypatch
):
    monkeypatch.delenv("CARBON_DEBUG", raising=False)
    build, fragment = CASES[case]
    before = nonces(reader)
    result = carbon(*build(tmp_path))
    assert result.exit_code not in (0, None), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{case}: uncaught {result.exception!r}"
    )
    error = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(error) == 1, result.output
    assert fragment in error[0], error[0]
    assert nonces(reader) == before
