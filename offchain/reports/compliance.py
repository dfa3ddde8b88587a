"""The regulator's view of a compliance cycle: alarms and compliance rates, from chain data alone
(the positions `ChainReader.compliance_positions` reads).

Alarms follow seed 002 (a notice not acknowledged within the preset time) and the UK ETS
registry's (EMISSIONS_MISSING, SURRENDER_DEFICIT, DEADLINE_REMINDER); rates follow the provincial
summaries: fulfilled on time, late, not completed, and the rate fulfilled ÷ due.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from offchain.chain.bindings import ComplianceCycle, ComplianceState
from offchain.chain.reader import CompliancePosition
from offchain.core.units import tonnes

# How long before the deadline an open application is reminded of it.
DEFAULT_REMINDER = 30 * 86400

OPEN_STATES = (
    ComplianceState.NOTIFIED,
    ComplianceState.ACKNOWLEDGED,
    ComplianceState.APPLIED,
    ComplianceState.REJECTED,
)


class AlarmKind(StrEnum):
    NOT_ACKNOWLEDGED = "NOT_ACKNOWLEDGED"
    EMISSIONS_MISSING = "EMISSIONS_MISSING"
    SURRENDER_DEFICIT = "SURRENDER_DEFICIT"
    DEADLINE_REMINDER = "DEADLINE_REMINDER"
    DEADLINE_PASSED = "DEADLINE_PASSED"


@dataclass(frozen=True)
class Alarm:
    kind: AlarmKind
    credit_code: str
    name: str
    detail: str


def alarms(
    positions: Iterable[CompliancePosition],
    cycle: ComplianceCycle,
    now: int,
    ack_window: int | None = None,
    reminder: int = DEFAULT_REMINDER,
) -> list[Alarm]:
    """Every alarm of the cycle at chain time `now`; `ack_window` overrides the cycle's."""
    window = cycle.ack_window if ack_window is None else ack_window
    found: list[Alarm] = []
    for p in positions:
        entry, state = p.entry, p.entry.state

        def raise_(kind: AlarmKind, detail: str, p: CompliancePosition = p) -> None:
            found.append(Alarm(kind, p.profile.credit_code, p.profile.name, detail))

        if state not in OPEN_STATES and state is not ComplianceState.DEFAULTED:
            continue
        if state is ComplianceState.NOTIFIED and now > entry.notified_at + window:
            raise_(
                AlarmKind.NOT_ACKNOWLEDGED,
                f"notified {_hours(now - entry.notified_at)} ago, not acknowledged "
                f"(window {_hours(window)})",
            )
        verified = p.verified
        if verified is None:
            raise_(
                AlarmKind.EMISSIONS_MISSING,
                f"verification is {p.verification.state}, no verified emissions",
            )
        else:
            need = max(0, verified - cycle.cap(verified) - p.allocation.surrendered)
            if p.balance < need:
                raise_(
                    AlarmKind.SURRENDER_DEFICIT,
                    f"holds {tonnes(p.balance)} t, needs at least {tonnes(need)} t "
                    f"(verified {tonnes(verified)} t less offsets at the cap "
                    f"{tonnes(cycle.cap(verified))} t); short {tonnes(need - p.balance)} t",
                )
        if state in OPEN_STATES:
            left = cycle.deadline - now
            if left < 0:
                raise_(
                    AlarmKind.DEADLINE_PASSED,
                    f"{state} {_hours(-left)} after the deadline; declare it defaulted",
                )
            elif left <= reminder:
                raise_(AlarmKind.DEADLINE_REMINDER, f"{state}, deadline in {_hours(left)}")
    return found


def _hours(seconds: int) -> str:
    if seconds > 3 * 86400:
        return f"{seconds / 86400:.1f} d"
    return f"{seconds / 3600:.1f} h"


@dataclass(frozen=True)
class Rate:
    """Compliance of one group of enterprise-years (a year, a region, an industry)."""

    group: str
    due: int
    on_time: int
    late: int
    not_completed: int

    @property
    def fulfilled(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float:
        """Fulfilled ÷ due (0 when nothing is due)."""
        return self.fulfilled / self.due if self.due else 0.0

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.due if self.due else 0.0


GROUPINGS: dict[str, Callable[[CompliancePosition], str]] = {
    "year": lambda p: "all",
    "region": lambda p: p.profile.region,
    "industry": lambda p: p.profile.industry_code,
}


def rates(
    positions: Iterable[CompliancePosition], cycle: ComplianceCycle, by: str = "year"
) -> list[Rate]:
    """Compliance rates of the notified enterprise-years, per group of `by`, sorted by group."""
    key = GROUPINGS[by]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for p in positions:
        if p.entry.state is ComplianceState.NONE:
            continue
        row = counts[key(p)]
        row[0] += 1
        fulfilled_at = p.entry.fulfilled_at
        if p.entry.state is ComplianceState.FULFILLED and fulfilled_at <= cycle.deadline:
            row[1] += 1
        elif p.entry.state is ComplianceState.FULFILLED:
            row[2] += 1
        else:
            row[3] += 1
    return [Rate(group, *counts[group]) for group in sorted(counts)]
