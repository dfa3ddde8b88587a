"""`carbon compliance` against the deployed suite: the cycle from notice to fulfilment, rejection
and default, with alarms and rates; every refusal is one line and sends nothing."""

import json
from datetime import UTC, datetime

import pytest
import verify_support as vs
from e2e_support import ADMIN, AGENCY, REGULATOR

from offchain.actions import onboarding
from offchain.actions.enterprise import EnterpriseBackend
from offchain.actions.verification import VerdictSubmission, Workflow
from offchain.chain.accounts import dev_account
from offchain.chain.bindings import ComplianceState
from offchain.chain.transact import Transactor
from offchain.core import crypto
from offchain.core.units import tonnes

YEAR = vs.YEAR
PLANT, GRID, LATE = "91110000CMP000001K", "91310000CMP0000024", "91420000CMP0000032"
CODES = (PLANT, GRID, LATE)
# Each enterprise's quota account (the enterprises share one carbon administrator, ADMIN).
ACCOUNTS = {code: dev_account(n) for code, n in zip(CODES, (7, 8, 9), strict=True)}


def quota_of(code: str, verified: int) -> int:
    """PLANT holds 97 % of its verified emissions, LATE all of it, GRID one micro-tonne less
    than it needs with offsets at the 5 % cap."""
    if code == GRID:
        return verified - verified * 500 // 10_000 - 1
    return verified * (9_700 if code == PLANT else 10_000) // 10_000


DAY = 86400
REGULATOR_AS, ADMIN_AS, OUTSIDER_AS = "dev:0", "dev:3", "dev:6"


@pytest.fixture(scope="module")
def tx(reader):
    return Transactor(reader.w3, reader.errors)


@pytest.fixture(scope="module")
def verified(reader, tx, store, tmp_path_factory) -> dict[str, int]:
    """Three enterprises with one record each in a Closed verification of YEAR, each holding
    quota for it; their verified emissions in micro-tonnes."""
    for account in (vs.WRITER, REGULATOR, AGENCY):
        onboarding.publish_key(reader, tx, account)
    backend = EnterpriseBackend(reader, tx, store, vs.WRITER, ADMIN)
    flow = Workflow(reader, tx)
    key = crypto.public_key_of(bytes(AGENCY.key))
    flow.approve(REGULATOR, AGENCY.address, key, "合规测试核查机构", "CNAS-V0009")
    quota = reader.singleton("CarbonQuota").functions
    totals = {}
    for code in CODES:
        vs.onboard(reader, tx, code)
        outcome, _, _ = vs.submit_month(backend, code, tmp_path_factory.mktemp(code), 1)
        carbon = reader.enterprise(code).carbon
        flow.open_and_assign(REGULATOR, carbon, YEAR, AGENCY.address)
        total = outcome.result.total_micro_tonnes()
        flow.record(AGENCY, carbon, YEAR, VerdictSubmission(True, total, "0x" + "cd" * 32, ""))
        flow.close(REGULATOR, carbon, YEAR)
        tx.send(REGULATOR, quota.setAccount(carbon, ACCOUNTS[code].address), "account")
        tx.send(REGULATOR, quota.issue(YEAR, carbon, quota_of(code, total)), "issue")
        totals[code] = total
    return totals


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "rules.md"
    path.write_text("# 清缴规则 (测试)\n抵消不超过经核查排放量的 5%。\n", "utf-8")
    return path


@pytest.fixture
def now(chain):
    return lambda: chain.provider.web3.eth.get_block("latest")["timestamp"]


@pytest.fixture
def notified(carbon, verified, rules, now):
    """The cycle open with a deadline 30 days ahead and every enterprise notified."""
    deadline = now() + 30 * DAY
    moment = f"{datetime.fromtimestamp(deadline, UTC):%Y-%m-%dT%H:%M:%S}"
    result = carbon(
        "compliance", "notify", "--year", str(YEAR), "--deadline", moment,
        "--rules", str(rules), "--as", REGULATOR_AS,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return deadline


def status(carbon, code: str | None = None) -> dict:
    args = ["compliance", "status", "--year", str(YEAR), "--json"]
    result = carbon(*args, *(["--enterprise", code] if code else []))
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    return found if code is None else found["enterprises"][0]


def run_ok(carbon, *args: str) -> str:
    result = carbon(*args)
    assert result.exit_code == 0, result.output
    return result.output


def refused(carbon, *args: str) -> str:
    """The one-line error of a refused command."""
    result = carbon(*args)
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def ack_and_apply(carbon, code: str, *offsets: str) -> None:
    run_ok(carbon, "compliance", "ack", "--enterprise", code, "--year", str(YEAR), "--as", ADMIN_AS)
    args = [a for spec in offsets for a in ("--offset", spec)]
    run_ok(
        carbon, "compliance", "apply", "--enterprise", code, "--year", str(YEAR), *args,
        "--as", ADMIN_AS,
    )  # fmt: skip


def offset(tmp_path, micro: int, name: str = "ccer.txt") -> str:
    evidence = tmp_path / name
    evidence.write_text(f"CCER 注销证明 {micro}\n", "utf-8")
    return f"{tonnes(micro)}:CCER:{evidence}"


def test_notify_opens_the_cycle_and_notifies_every_enterprise_holding_quota(
    carbon, notified, verified
):
    found = status(carbon)
    assert found["cycle"]["offset_cap_bps"] == 500
    assert found["cycle"]["deadline"] == notified
    rows = {row["enterprise"]: row for row in found["enterprises"]}
    assert set(rows) == set(CODES)
    for code in CODES:
        assert rows[code]["state"] == "Notified"
        assert rows[code]["quota_tco2e"] == tonnes(quota_of(code, verified[code]))
        assert rows[code]["status"] == "B"


def test_notify_on_a_cycle_not_open_without_a_deadline_is_refused(carbon, verified):
    line = refused(carbon, "compliance", "notify", "--year", str(YEAR), "--as", REGULATOR_AS)
    assert "give --deadline and --rules" in line
    assert status(carbon)["cycle"] is None


def test_a_year_with_offsets_under_the_cap_is_fulfilled_and_its_quota_surrendered(
    carbon, notified, verified, tmp_path
):
    offsets = verified[PLANT] * 4 // 100
    ack_and_apply(carbon, PLANT, offset(tmp_path, offsets))
    output = run_ok(carbon, *review_args(PLANT, "--accept"))
    due = verified[PLANT] - offsets
    assert f"quota surrendered {tonnes(due)} t" in output
    row = status(carbon, PLANT)
    assert (row["state"], row["status"]) == ("Fulfilled", "A")
    assert row["surrendered_tco2e"] == tonnes(due)
    assert row["held_tco2e"] == tonnes(quota_of(PLANT, verified[PLANT]) - due)


def review_args(code: str, *decision: str) -> list[str]:
    return [
        "compliance", "review", "--enterprise", code, "--year", str(YEAR), *decision,
        "--as", REGULATOR_AS,
    ]  # fmt: skip


def test_offsets_over_the_cap_cannot_be_accepted_and_the_rejected_enterprise_applies_again(
    carbon, notified, verified, tmp_path
):
    cap = verified[PLANT] * 500 // 10_000
    ack_and_apply(carbon, PLANT, offset(tmp_path, cap + 1))
    line = refused(carbon, *review_args(PLANT, "--accept"))
    assert f"offsets {tonnes(cap + 1)} t exceed the cap of {tonnes(cap)} t" in line
    assert status(carbon, PLANT)["state"] == "Applied"
    run_ok(carbon, *review_args(PLANT, "--reject", "抵消量超过 5% 上限"))
    assert status(carbon, PLANT)["state"] == "Rejected"
    run_ok(
        carbon, "compliance", "apply", "--enterprise", PLANT, "--year", str(YEAR),
        "--offset", offset(tmp_path, cap, "at_cap.txt"), "--as", ADMIN_AS,
    )  # fmt: skip
    run_ok(carbon, *review_args(PLANT, "--accept"))
    row = status(carbon, PLANT)
    assert (row["state"], row["applications"], row["rejections"]) == ("Fulfilled", 2, 1)


def test_one_micro_tonne_of_quota_short_is_refused_before_sending(
    carbon, notified, verified, tmp_path
):
    ack_and_apply(carbon, GRID, offset(tmp_path, verified[GRID] * 500 // 10_000))
    line = refused(carbon, *review_args(GRID, "--accept"))
    assert "(0.000001 t short)" in line
    assert status(carbon, GRID)["state"] == "Applied"


def test_an_outsider_cannot_acknowledge_a_notice(carbon, notified):
    line = refused(
        carbon, "compliance", "ack", "--enterprise", PLANT, "--year", str(YEAR),
        "--as", OUTSIDER_AS,
    )  # fmt: skip
    assert "NotEnterpriseAdmin" in line
    assert status(carbon, PLANT)["state"] == "Notified"


def test_a_review_needs_exactly_one_decision(carbon, notified):
    result = carbon(*review_args(PLANT))
    assert result.exit_code == 2
    assert "exactly one of --accept and --reject" in result.output


def test_an_unacknowledged_notice_raises_an_alarm_after_48_hours(carbon, notified, chain):
    chain.mine(timestamp=chain.pending_timestamp + 48 * 3600 + 60)
    alarms = json.loads(run_ok(carbon, "compliance", "alarms", "--year", str(YEAR), "--json"))
    late = {a["enterprise"] for a in alarms if a["alarm"] == "NOT_ACKNOWLEDGED"}
    assert late == set(CODES)
    wider = run_ok(
        carbon, "compliance", "alarms", "--year", str(YEAR), "--ack-window", "72h", "--json"
    )
    assert not [a for a in json.loads(wider) if a["alarm"] == "NOT_ACKNOWLEDGED"]


def test_a_quota_short_of_the_verified_emissions_raises_a_deficit_alarm(carbon, notified):
    alarms = json.loads(run_ok(carbon, "compliance", "alarms", "--year", str(YEAR), "--json"))
    assert {a["enterprise"] for a in alarms if a["alarm"] == "SURRENDER_DEFICIT"} == {GRID}


def test_an_open_year_is_reminded_of_its_deadline(carbon, notified):
    alarms = json.loads(run_ok(carbon, "compliance", "alarms", "--year", str(YEAR), "--json"))
    assert {a["enterprise"] for a in alarms if a["alarm"] == "DEADLINE_REMINDER"} == set(CODES)


def test_after_the_deadline_the_unfulfilled_default_with_their_shortfall(
    carbon, notified, verified, chain, tmp_path
):
    ack_and_apply(carbon, PLANT, offset(tmp_path, verified[PLANT] * 4 // 100))
    run_ok(carbon, *review_args(PLANT, "--accept"))
    refused(carbon, "compliance", "default", "--year", str(YEAR), "--as", OUTSIDER_AS)
    chain.mine(timestamp=notified + 60)
    output = run_ok(carbon, "compliance", "default", "--year", str(YEAR), "--as", OUTSIDER_AS)
    assert f"{LATE} {YEAR}: Defaulted, shortfall {tonnes(verified[LATE])} t" in output
    rows = {row["enterprise"]: row for row in status(carbon)["enterprises"]}
    assert (rows[PLANT]["status"], rows[PLANT]["status_at_deadline"]) == ("A", "A")
    assert (rows[LATE]["state"], rows[LATE]["status_at_deadline"]) == ("Defaulted", "B")
    rate = json.loads(run_ok(carbon, "compliance", "rate", "--year", str(YEAR), "--json"))
    assert rate[0]["due"] == 3
    assert (rate[0]["on_time"], rate[0]["not_completed"]) == (1, 2)


def test_a_defaulted_enterprise_may_fulfil_late(carbon, notified, verified, chain, tmp_path):
    chain.mine(timestamp=notified + 60)
    run_ok(carbon, "compliance", "default", "--year", str(YEAR), "--as", REGULATOR_AS)
    run_ok(
        carbon, "compliance", "apply", "--enterprise", LATE, "--year", str(YEAR),
        "--as", ADMIN_AS,
    )  # fmt: skip
    run_ok(carbon, *review_args(LATE, "--accept"))
    row = status(carbon, LATE)
    assert (row["state"], row["status"], row["status_at_deadline"]) == ("Fulfilled", "A", "B")
    rate = json.loads(run_ok(carbon, "compliance", "rate", "--year", str(YEAR), "--json"))
    assert rate[0]["late"] == 1


def test_an_application_before_the_verification_is_closed_is_refused(
    carbon, reader, tx, verified, rules, now
):
    code = "91110000CMP000004W"
    vs.onboard(reader, tx, code)
    carbon_address = reader.enterprise(code).carbon
    quota = reader.singleton("CarbonQuota").functions
    tx.send(REGULATOR, quota.setAccount(carbon_address, dev_account(10).address), "account")
    tx.send(REGULATOR, quota.issue(YEAR, carbon_address, 1_000_000), "issue")
    deadline = f"{datetime.fromtimestamp(now() + DAY, UTC):%Y-%m-%d}"
    run_ok(
        carbon, "compliance", "notify", "--year", str(YEAR), "--enterprise", code,
        "--deadline", deadline, "--rules", str(rules), "--as", REGULATOR_AS,
    )  # fmt: skip
    run_ok(carbon, "compliance", "ack", "--enterprise", code, "--year", str(YEAR), "--as", ADMIN_AS)
    line = refused(
        carbon, "compliance", "apply", "--enterprise", code, "--year", str(YEAR), "--as", ADMIN_AS
    )
    assert "has no verified emissions: its verification is None, not Closed" in line
    assert reader.compliance(carbon_address, YEAR).state is ComplianceState.ACKNOWLEDGED
