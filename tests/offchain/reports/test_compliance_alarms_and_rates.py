"""Alarms and compliance rates from positions as the reader returns them (no chain needed: the
functions are pure; the e2e tests read real positions)."""

from dataclasses import replace

from offchain.chain.bindings import (
    ComplianceCycle,
    ComplianceEntry,
    ComplianceState,
    ComplianceStatus,
    Profile,
    QuotaAllocation,
    VerificationState,
    VerificationSummary,
)
from offchain.chain.reader import CompliancePosition
from offchain.reports.compliance import AlarmKind, alarms, rates

T = 1_000_000  # one tonne in micro-tonnes
DAY = 86400
DEADLINE = 1_800_000_000
CYCLE = ComplianceCycle(DEADLINE, 48 * 3600, 500, "0x" + "ab" * 32)
NOTIFIED_AT = DEADLINE - 100 * DAY


def position(
    state: ComplianceState = ComplianceState.NOTIFIED,
    verified: int | None = 1000 * T,
    balance: int = 1000 * T,
    fulfilled_at: int = 0,
    region: str = "北京",
    industry: str = "01",
    code: str = "91110000DEM0000014",
) -> CompliancePosition:
    entry = ComplianceEntry(
        state=state,
        quota=1000 * T,
        notified_at=NOTIFIED_AT,
        acknowledged_at=0,
        applied_at=0,
        reviewed_at=0,
        fulfilled_at=fulfilled_at,
        verified=verified or 0,
        offsets=0,
        offsets_hash=None,
        surrendered=0,
        shortfall=0,
        frozen=ComplianceStatus.NONE,
        applications=0,
        rejections=0,
    )
    closed = verified is not None
    return CompliancePosition(
        carbon="0x" + "11" * 20,
        profile=Profile("示范企业", code, region, "0x" + "22" * 20, industry),
        entry=entry,
        live=ComplianceStatus.B if closed else ComplianceStatus.C,
        frozen=ComplianceStatus.NONE,
        verification=VerificationSummary(
            VerificationState.CLOSED if closed else VerificationState.ASSIGNED,
            "0x" + "33" * 20,
            verified or 0,
            1,
        ),
        allocation=QuotaAllocation("0x" + "44" * 20, 1000 * T, 0),
        balance=balance,
    )


def kinds(found) -> list[AlarmKind]:
    return [a.kind for a in found]


def test_a_notice_unacknowledged_past_the_window_raises_an_alarm():
    now = NOTIFIED_AT + 48 * 3600 + 1
    assert AlarmKind.NOT_ACKNOWLEDGED in kinds(alarms([position()], CYCLE, now))


def test_a_notice_within_the_window_raises_no_acknowledgement_alarm():
    now = NOTIFIED_AT + 48 * 3600
    assert AlarmKind.NOT_ACKNOWLEDGED not in kinds(alarms([position()], CYCLE, now))


def test_a_chosen_window_of_ten_days_replaces_the_cycles():
    now = NOTIFIED_AT + 9 * DAY
    assert AlarmKind.NOT_ACKNOWLEDGED not in kinds(alarms([position()], CYCLE, now, 10 * DAY))
    later = NOTIFIED_AT + 10 * DAY + 1
    assert AlarmKind.NOT_ACKNOWLEDGED in kinds(alarms([position()], CYCLE, later, 10 * DAY))


def test_an_acknowledged_notice_raises_no_acknowledgement_alarm():
    now = NOTIFIED_AT + 5 * DAY
    acknowledged = position(ComplianceState.ACKNOWLEDGED)
    assert AlarmKind.NOT_ACKNOWLEDGED not in kinds(alarms([acknowledged], CYCLE, now))


def test_missing_verified_emissions_raise_an_alarm():
    found = alarms([position(ComplianceState.ACKNOWLEDGED, verified=None)], CYCLE, NOTIFIED_AT)
    assert kinds(found) == [AlarmKind.EMISSIONS_MISSING]


def test_a_balance_below_the_verified_emissions_less_the_offset_cap_is_a_deficit():
    # 1000 t verified, offsets at most 50 t: 950 t of quota needed.
    short = position(ComplianceState.ACKNOWLEDGED, balance=950 * T - 1)
    enough = position(ComplianceState.ACKNOWLEDGED, balance=950 * T)
    assert kinds(alarms([short], CYCLE, NOTIFIED_AT)) == [AlarmKind.SURRENDER_DEFICIT]
    assert alarms([enough], CYCLE, NOTIFIED_AT) == []


def test_an_open_application_is_reminded_of_the_deadline_within_the_reminder():
    applied = position(ComplianceState.APPLIED)
    assert kinds(alarms([applied], CYCLE, DEADLINE - 30 * DAY)) == [AlarmKind.DEADLINE_REMINDER]
    assert alarms([applied], CYCLE, DEADLINE - 30 * DAY - 1) == []


def test_an_unfulfilled_year_past_the_deadline_asks_for_a_default():
    found = alarms([position(ComplianceState.REJECTED)], CYCLE, DEADLINE + 1)
    assert kinds(found) == [AlarmKind.DEADLINE_PASSED]


def test_a_fulfilled_year_raises_no_alarm():
    fulfilled = position(ComplianceState.FULFILLED, balance=0, fulfilled_at=DEADLINE - DAY)
    assert alarms([fulfilled], CYCLE, DEADLINE + DAY) == []


def test_the_rate_is_fulfilled_over_due_with_on_time_late_and_not_completed():
    positions = [
        position(ComplianceState.FULFILLED, fulfilled_at=DEADLINE),
        position(ComplianceState.FULFILLED, fulfilled_at=DEADLINE + 1),
        position(ComplianceState.DEFAULTED),
        position(ComplianceState.APPLIED),
    ]
    (rate,) = rates(positions, CYCLE)
    assert (rate.due, rate.on_time, rate.late, rate.not_completed) == (4, 1, 1, 2)
    assert rate.rate == 0.5
    assert rate.on_time_rate == 0.25


def test_rates_by_region_count_each_region_apart():
    beijing = position(ComplianceState.FULFILLED, fulfilled_at=DEADLINE - 1)
    shanghai = replace(
        position(ComplianceState.DEFAULTED), profile=Profile("b", "c", "上海", "0x", "02")
    )
    found = {r.group: (r.due, r.fulfilled) for r in rates([beijing, shanghai], CYCLE, "region")}
    assert found == {"上海": (1, 0), "北京": (1, 1)}


def test_no_notices_give_no_rates():
    assert rates([], CYCLE) == []
