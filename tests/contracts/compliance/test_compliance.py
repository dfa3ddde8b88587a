"""Compliance: the cycle of each enterprise-year (notice, acknowledgement, application with
offsets, accept or reject, default), who may take each step and from which state, the deadline,
the quota surrendered on acceptance, and the A/B/C status live and frozen at the deadline."""

from dataclasses import dataclass
from typing import Any

import ape
import pytest
from ape.exceptions import ContractLogicError
from eth_abi import encode
from eth_utils import keccak

from offchain.chain.bindings import ComplianceState, ComplianceStatus

YEAR = 2025
RULES = b"\x11" * 32
CAP_BPS = 500  # 5 %, China's national ETS
ACK_WINDOW = 48 * 3600
DAYS = 24 * 3600
VERIFIED = 1_000_000_000  # 1,000 t
QUOTA = 2_000_000_000
ZERO32 = b"\x00" * 32
OFFSET_TYPE = "(uint64,bytes16,bytes32)[]"


def state_id(state: ComplianceState) -> str:
    return state.name.lower()


def ccer(amount: int, evidence: bytes = b"\x0e" * 32) -> tuple[int, bytes, bytes]:
    return (amount, b"CCER".ljust(16, b"\x00"), evidence)


def offsets_hash(offsets: list[tuple[int, bytes, bytes]]) -> bytes:
    return keccak(encode([OFFSET_TYPE], [offsets]))


def quota_error(error: ContractLogicError) -> tuple[str, dict[str, Any]]:
    """A CarbonQuota error bubbling up through Compliance: its name and inputs (`ape.reverts`
    would insist on an error of the contract called)."""
    return type(error).__name__, dict(error.inputs)


def now(chain: Any) -> int:
    return chain.blocks.head.timestamp


@dataclass
class Flow:
    """Drives the enterprises of the module through the cycle of YEAR."""

    chain: Any
    compliance: Any
    quota: Any
    regulator: Any
    admin: Any
    close_verification: Any
    deadline: int

    def issue(self, enterprise: Any, amount: int = QUOTA) -> None:
        self.quota.issue(YEAR, enterprise.address, amount, sender=self.regulator)

    def notify(self, enterprise: Any) -> Any:
        return self.compliance.notify(enterprise.address, YEAR, sender=self.regulator)

    def acknowledge(self, enterprise: Any) -> Any:
        return self.compliance.acknowledge(enterprise.address, YEAR, sender=self.admin)

    def apply(self, enterprise: Any, offsets: list | None = None) -> Any:
        return self.compliance.submitApplication(
            enterprise.address, YEAR, offsets or [], sender=self.admin
        )

    def accept(self, enterprise: Any) -> Any:
        return self.compliance.accept(enterprise.address, YEAR, sender=self.regulator)

    def reject(self, enterprise: Any, reason: str = "offsets over the cap") -> Any:
        return self.compliance.reject(enterprise.address, YEAR, reason, sender=self.regulator)

    def past_deadline(self) -> None:
        self.chain.mine(timestamp=self.deadline + 1)

    def declare_default(self, enterprise: Any) -> Any:
        return self.compliance.declareDefault(enterprise.address, YEAR, sender=self.regulator)

    def reach(self, enterprise: Any, state: ComplianceState, verified: int = VERIFIED) -> None:
        """Takes `enterprise` from nothing to `state` (Defaulted: past the deadline)."""
        if state == ComplianceState.NONE:
            return
        self.issue(enterprise)
        self.notify(enterprise)
        if state == ComplianceState.DEFAULTED:
            self.past_deadline()
            self.declare_default(enterprise)
            return
        if state == ComplianceState.NOTIFIED:
            return
        self.acknowledge(enterprise)
        if state == ComplianceState.ACKNOWLEDGED:
            return
        self.close_verification(enterprise, YEAR, verified)
        self.apply(enterprise)
        if state == ComplianceState.REJECTED:
            self.reject(enterprise)
        elif state == ComplianceState.FULFILLED:
            self.accept(enterprise)

    def entry(self, enterprise: Any) -> Any:
        return self.compliance.compliance(enterprise.address, YEAR)

    def status(self, enterprise: Any) -> tuple[ComplianceStatus, ComplianceStatus]:
        live, frozen = self.compliance.status(enterprise.address, YEAR)
        return ComplianceStatus(live), ComplianceStatus(frozen)


@pytest.fixture(scope="module", autouse=True)
def deployed(compliance, controlled, close_verification, stranger) -> None:
    """Module and session fixtures first, so that every test starts from their snapshot."""


@pytest.fixture
def flow(chain, compliance, quota, controlled, regulator, admin, close_verification) -> Flow:
    """YEAR's cycle open: deadline in 30 days, a 5 % cap."""
    deadline = now(chain) + 30 * DAYS
    compliance.openCycle(YEAR, (deadline, ACK_WINDOW, CAP_BPS, RULES), sender=regulator)
    return Flow(chain, compliance, quota, regulator, admin, close_verification, deadline)


@pytest.fixture
def enterprise(controlled) -> Any:
    return controlled[0]


@pytest.fixture
def applied(flow, enterprise) -> Flow:
    """`enterprise` acknowledged its notice and its year is verified at VERIFIED."""
    flow.reach(enterprise, ComplianceState.ACKNOWLEDGED)
    flow.close_verification(enterprise, YEAR, VERIFIED)
    return flow


def test_it_names_the_contracts_it_reads_and_its_version(compliance, quota, verification, factory):
    assert compliance.quota() == quota.address
    assert compliance.verification() == verification.address
    assert compliance.factory() == factory.address
    assert compliance.version() == "1.0.0"


# --- openCycle -----------------------------------------------------------------------------------


def test_the_regulator_opens_a_year_with_its_rules(chain, compliance, regulator):
    deadline = now(chain) + 30 * DAYS
    receipt = compliance.openCycle(YEAR, (deadline, ACK_WINDOW, CAP_BPS, RULES), sender=regulator)
    assert receipt.events == [
        compliance.CycleOpened(
            year=YEAR, deadline=deadline, ackWindow=ACK_WINDOW, offsetCapBps=CAP_BPS, rules=RULES
        )
    ]
    cycle = compliance.cycle(YEAR)
    assert (cycle.deadline, cycle.ackWindow, cycle.offsetCapBps, cycle.rules) == (
        deadline,
        ACK_WINDOW,
        CAP_BPS,
        RULES,
    )


def test_a_year_not_open_reads_as_zeros(compliance):
    cycle = compliance.cycle(YEAR)
    assert (cycle.deadline, cycle.ackWindow, cycle.offsetCapBps, cycle.rules) == (0, 0, 0, ZERO32)


def test_a_year_opens_once(flow, compliance, regulator):
    with ape.reverts(compliance.CycleAlreadyOpen, year=YEAR):
        compliance.openCycle(
            YEAR, (flow.deadline + 1, ACK_WINDOW, CAP_BPS, RULES), sender=regulator
        )


@pytest.mark.parametrize(
    "deadline_in, cap, rules",
    [(0, CAP_BPS, RULES), (DAYS, 10_001, RULES), (DAYS, CAP_BPS, ZERO32)],
    ids=["deadline-now", "cap-over-100-percent", "no-rules"],
)
def test_a_cycle_needs_a_future_deadline_a_cap_within_100_percent_and_rules(
    chain, compliance, regulator, deadline_in, cap, rules
):
    deadline = chain.pending_timestamp + deadline_in
    with ape.reverts(compliance.InvalidCycle, year=YEAR):
        compliance.openCycle(YEAR, (deadline, ACK_WINDOW, cap, rules), sender=regulator)


def test_a_cap_of_100_percent_is_allowed(chain, compliance, regulator):
    compliance.openCycle(YEAR, (now(chain) + DAYS, 0, 10_000, RULES), sender=regulator)
    assert compliance.cycle(YEAR).offsetCapBps == 10_000


def test_only_the_regulator_opens_a_year(chain, compliance, admin, stranger):
    for caller in (admin, stranger):
        with ape.reverts(compliance.AccessControlUnauthorizedAccount):
            compliance.openCycle(YEAR, (now(chain) + DAYS, 0, CAP_BPS, RULES), sender=caller)


# --- notify --------------------------------------------------------------------------------------


def test_a_notice_carries_the_quota_allocated_for_the_year(flow, compliance, enterprise, chain):
    flow.issue(enterprise, 1_500_000)
    flow.issue(enterprise, 500_000)
    receipt = flow.notify(enterprise)
    assert receipt.events == [
        compliance.Notified(enterprise=enterprise.address, year=YEAR, quota=2_000_000)
    ]
    entry = flow.entry(enterprise)
    assert (entry.state, entry.quota, entry.notifiedAt) == (
        ComplianceState.NOTIFIED,
        2_000_000,
        now(chain),
    )


def test_notices_are_listed_in_order_and_paged(flow, compliance, controlled):
    for enterprise in reversed(controlled):
        flow.notify(enterprise)
    addresses = [e.address for e in reversed(controlled)]
    assert compliance.notifiedCount(YEAR) == 3
    assert compliance.notifiedPage(YEAR, 0, 10) == addresses
    assert compliance.notifiedPage(YEAR, 1, 1) == addresses[1:2]
    assert compliance.notifiedPage(YEAR, 3, 10) == []
    assert compliance.notifiedCount(YEAR + 1) == 0


def test_only_the_regulator_notifies(flow, compliance, enterprise, admin, stranger):
    for caller in (admin, stranger):
        with ape.reverts(compliance.AccessControlUnauthorizedAccount):
            compliance.notify(enterprise.address, YEAR, sender=caller)


def test_a_notice_goes_to_enterprises_of_the_factory_only(flow, compliance, regulator, stranger):
    with ape.reverts(compliance.NotAnEnterprise, enterprise=stranger.address):
        compliance.notify(stranger, YEAR, sender=regulator)


def test_a_notice_needs_the_year_open(compliance, enterprise, regulator):
    with ape.reverts(compliance.CycleNotOpen, year=YEAR):
        compliance.notify(enterprise.address, YEAR, sender=regulator)


def test_no_notice_after_the_deadline(flow, compliance, enterprise, chain):
    flow.past_deadline()
    with ape.reverts(compliance.DeadlinePassed, year=YEAR, deadline=flow.deadline):
        flow.notify(enterprise)


@pytest.mark.parametrize(
    "state",
    [
        ComplianceState.NOTIFIED,
        ComplianceState.ACKNOWLEDGED,
        ComplianceState.APPLIED,
        ComplianceState.REJECTED,
        ComplianceState.FULFILLED,
    ],
    ids=state_id,
)
def test_an_enterprise_year_is_notified_once(flow, compliance, enterprise, state):
    flow.reach(enterprise, state)
    with ape.reverts(compliance.WrongState, enterprise=enterprise.address, year=YEAR, state=state):
        flow.notify(enterprise)


# --- acknowledge ---------------------------------------------------------------------------------


def test_the_enterprise_administrator_acknowledges(flow, compliance, enterprise, admin, chain):
    flow.reach(enterprise, ComplianceState.NOTIFIED)
    receipt = flow.acknowledge(enterprise)
    assert receipt.events == [
        compliance.Acknowledged(enterprise=enterprise.address, year=YEAR, by=admin.address)
    ]
    entry = flow.entry(enterprise)
    assert (entry.state, entry.acknowledgedAt) == (ComplianceState.ACKNOWLEDGED, now(chain))


def test_an_acknowledgement_after_the_deadline_is_still_taken(flow, enterprise):
    flow.reach(enterprise, ComplianceState.NOTIFIED)
    flow.past_deadline()
    flow.acknowledge(enterprise)
    assert flow.entry(enterprise).state == ComplianceState.ACKNOWLEDGED


def test_only_the_enterprise_administrator_acknowledges(
    flow, compliance, enterprise, regulator, stranger
):
    flow.reach(enterprise, ComplianceState.NOTIFIED)
    for caller in (regulator, stranger):
        with ape.reverts(
            compliance.NotEnterpriseAdmin, caller=caller.address, enterprise=enterprise.address
        ):
            compliance.acknowledge(enterprise.address, YEAR, sender=caller)


@pytest.mark.parametrize(
    "state",
    [
        ComplianceState.NONE,
        ComplianceState.ACKNOWLEDGED,
        ComplianceState.APPLIED,
        ComplianceState.REJECTED,
        ComplianceState.FULFILLED,
        ComplianceState.DEFAULTED,
    ],
    ids=state_id,
)
def test_only_a_notice_is_acknowledged(flow, compliance, enterprise, state):
    flow.reach(enterprise, state)
    with ape.reverts(compliance.WrongState, enterprise=enterprise.address, year=YEAR, state=state):
        flow.acknowledge(enterprise)


# --- submitApplication ---------------------------------------------------------------------------


def test_an_application_reads_the_verified_emissions_and_lists_the_offsets(
    applied, compliance, enterprise, admin, chain
):
    offsets = [ccer(30_000_000), ccer(12_000_000, b"\x0f" * 32)]
    receipt = applied.apply(enterprise, offsets)
    [event] = compliance.Applied.from_receipt(receipt)
    assert (event.enterprise, event.year, event.number, event.verified, event.by) == (
        enterprise.address,
        YEAR,
        0,
        VERIFIED,
        admin.address,
    )
    assert [tuple(o) for o in event.offsets] == offsets
    entry = applied.entry(enterprise)
    assert (entry.state, entry.appliedAt, entry.verified, entry.offsets, entry.applications) == (
        ComplianceState.APPLIED,
        now(chain),
        VERIFIED,
        42_000_000,
        1,
    )
    assert entry.offsetsHash == offsets_hash(offsets)


def test_an_application_without_offsets_is_taken(applied, enterprise):
    applied.apply(enterprise)
    entry = applied.entry(enterprise)
    assert (entry.offsets, entry.offsetsHash) == (0, offsets_hash([]))


def test_an_application_needs_the_year_verified(
    flow, compliance, enterprise, verification, regulator
):
    flow.reach(enterprise, ComplianceState.ACKNOWLEDGED)
    verification.open(enterprise.address, YEAR, sender=regulator)
    with ape.reverts(compliance.VerifiedEmissionsMissing, enterprise=enterprise.address, year=YEAR):
        flow.apply(enterprise)


@pytest.mark.parametrize(
    "bad",
    [
        (0, b"CCER".ljust(16, b"\x00"), b"\x0e" * 32),
        ccer(1, ZERO32),
        (1, b"\x00" * 16, b"\x0e" * 32),
    ],
    ids=["zero-amount", "no-evidence", "no-kind"],
)
def test_every_offset_has_an_amount_a_kind_and_evidence(applied, compliance, enterprise, bad):
    with ape.reverts(compliance.InvalidOffset, position=1):
        applied.apply(enterprise, [ccer(1), bad])


def test_offsets_beyond_uint64_in_all_are_refused(applied, compliance, enterprise):
    with ape.reverts(compliance.InvalidOffset, position=1):
        applied.apply(enterprise, [ccer(2**64 - 1), ccer(1)])


def test_only_the_enterprise_administrator_applies(
    applied, compliance, enterprise, regulator, stranger
):
    for caller in (regulator, stranger):
        with ape.reverts(
            compliance.NotEnterpriseAdmin, caller=caller.address, enterprise=enterprise.address
        ):
            compliance.submitApplication(enterprise.address, YEAR, [], sender=caller)


@pytest.mark.parametrize(
    "state",
    [
        ComplianceState.NONE,
        ComplianceState.NOTIFIED,
        ComplianceState.APPLIED,
        ComplianceState.FULFILLED,
    ],
    ids=state_id,
)
def test_an_application_follows_an_acknowledgement_or_a_rejection(
    flow, compliance, enterprise, state
):
    flow.reach(enterprise, state)
    with ape.reverts(compliance.WrongState, enterprise=enterprise.address, year=YEAR, state=state):
        flow.apply(enterprise)


def test_a_rejected_enterprise_applies_again(flow, compliance, enterprise):
    flow.reach(enterprise, ComplianceState.REJECTED)
    receipt = flow.apply(enterprise, [ccer(1_000_000)])
    assert compliance.Applied.from_receipt(receipt)[0].number == 1
    entry = flow.entry(enterprise)
    assert (entry.state, entry.applications, entry.rejections, entry.offsets) == (
        ComplianceState.APPLIED,
        2,
        1,
        1_000_000,
    )


@pytest.mark.parametrize(
    "state", [ComplianceState.ACKNOWLEDGED, ComplianceState.REJECTED], ids=state_id
)
def test_no_application_after_the_deadline_until_declared_defaulted(
    flow, compliance, enterprise, chain, state
):
    flow.reach(enterprise, state)
    flow.past_deadline()
    with ape.reverts(compliance.DeadlinePassed, year=YEAR, deadline=flow.deadline):
        flow.apply(enterprise)


# --- reject --------------------------------------------------------------------------------------


def test_the_regulator_rejects_with_a_reason(flow, compliance, enterprise, chain):
    flow.reach(enterprise, ComplianceState.APPLIED)
    receipt = flow.reject(enterprise, "offsets evidence unreadable")
    assert receipt.events == [
        compliance.ApplicationRejected(
            enterprise=enterprise.address, year=YEAR, number=0, reason="offsets evidence unreadable"
        )
    ]
    entry = flow.entry(enterprise)
    assert (entry.state, entry.reviewedAt, entry.rejections) == (
        ComplianceState.REJECTED,
        now(chain),
        1,
    )


def test_a_rejection_needs_a_reason(flow, compliance, enterprise):
    flow.reach(enterprise, ComplianceState.APPLIED)
    with ape.reverts(compliance.MissingReason):
        flow.reject(enterprise, "")


@pytest.mark.parametrize("review", ["accept", "reject"])
def test_only_the_regulator_reviews(flow, compliance, enterprise, admin, stranger, review):
    flow.reach(enterprise, ComplianceState.APPLIED)
    args = (enterprise.address, YEAR) if review == "accept" else (enterprise.address, YEAR, "no")
    for caller in (admin, stranger):
        with ape.reverts(compliance.AccessControlUnauthorizedAccount):
            getattr(compliance, review)(*args, sender=caller)


@pytest.mark.parametrize("review", ["accept", "reject"])
@pytest.mark.parametrize(
    "state",
    [
        ComplianceState.NONE,
        ComplianceState.NOTIFIED,
        ComplianceState.ACKNOWLEDGED,
        ComplianceState.REJECTED,
        ComplianceState.FULFILLED,
        ComplianceState.DEFAULTED,
    ],
    ids=state_id,
)
def test_only_an_application_is_reviewed(flow, compliance, enterprise, state, review):
    flow.reach(enterprise, state)
    with ape.reverts(compliance.WrongState, enterprise=enterprise.address, year=YEAR, state=state):
        if review == "accept":
            flow.accept(enterprise)
        else:
            flow.reject(enterprise)


@pytest.mark.parametrize("review", ["accept", "reject"])
def test_an_application_made_in_time_is_not_reviewed_after_the_deadline(
    flow, compliance, enterprise, chain, review
):
    flow.reach(enterprise, ComplianceState.APPLIED)
    flow.past_deadline()
    with ape.reverts(compliance.DeadlinePassed, year=YEAR, deadline=flow.deadline):
        if review == "accept":
            flow.accept(enterprise)
        else:
            flow.reject(enterprise)


# --- accept: the surrender arithmetic ------------------------------------------------------------


def test_acceptance_surrenders_the_emissions_not_covered_by_offsets(
    applied, compliance, quota, enterprise, holder_a, chain
):
    applied.apply(enterprise, [ccer(30_000_000)])
    receipt = applied.accept(enterprise)
    due = VERIFIED - 30_000_000
    [event] = compliance.Fulfilled.from_receipt(receipt)
    assert (event.surrendered, event.offsets, event.late) == (due, 30_000_000, False)
    assert quota.balanceOf(holder_a) == QUOTA - due
    assert quota.allocation(enterprise.address, YEAR).surrendered == due
    entry = applied.entry(enterprise)
    assert (entry.state, entry.surrendered, entry.fulfilledAt, entry.reviewedAt) == (
        ComplianceState.FULFILLED,
        due,
        now(chain),
        now(chain),
    )


def test_offsets_at_the_cap_are_accepted(applied, quota, enterprise, holder_a):
    cap = VERIFIED * CAP_BPS // 10_000
    applied.apply(enterprise, [ccer(cap - 1), ccer(1)])
    applied.accept(enterprise)
    assert quota.balanceOf(holder_a) == QUOTA - (VERIFIED - cap)


def test_offsets_one_micro_tonne_over_the_cap_are_refused_with_the_numbers(
    applied, compliance, enterprise
):
    cap = VERIFIED * CAP_BPS // 10_000
    applied.apply(enterprise, [ccer(cap + 1)])
    with ape.reverts(
        compliance.OffsetsOverCap,
        enterprise=enterprise.address,
        year=YEAR,
        offsets=cap + 1,
        cap=cap,
        verified=VERIFIED,
    ):
        applied.accept(enterprise)


def test_the_cap_rounds_down(flow, compliance, enterprise):
    verified = 999_999  # 5 % is 49,999.95 micro-tonnes
    flow.reach(enterprise, ComplianceState.ACKNOWLEDGED)
    flow.close_verification(enterprise, YEAR, verified)
    flow.apply(enterprise, [ccer(50_000)])
    with ape.reverts(compliance.OffsetsOverCap, offsets=50_000, cap=49_999, verified=verified):
        flow.accept(enterprise)


def test_offsets_beyond_the_verified_emissions_are_refused_even_under_a_full_cap(
    chain, compliance, quota, controlled, regulator, admin, close_verification
):
    deadline = now(chain) + DAYS
    compliance.openCycle(YEAR, (deadline, 0, 10_000, RULES), sender=regulator)
    flow = Flow(chain, compliance, quota, regulator, admin, close_verification, deadline)
    enterprise = controlled[0]
    flow.notify(enterprise)
    flow.acknowledge(enterprise)
    close_verification(enterprise, YEAR, VERIFIED)
    flow.apply(enterprise, [ccer(VERIFIED + 1)])
    with ape.reverts(
        compliance.OffsetsOverCap, offsets=VERIFIED + 1, cap=VERIFIED, verified=VERIFIED
    ):
        flow.accept(enterprise)


def test_offsets_equal_to_the_emissions_under_a_full_cap_surrender_nothing(
    chain, compliance, quota, controlled, regulator, admin, close_verification
):
    deadline = now(chain) + DAYS
    compliance.openCycle(YEAR, (deadline, 0, 10_000, RULES), sender=regulator)
    flow = Flow(chain, compliance, quota, regulator, admin, close_verification, deadline)
    enterprise = controlled[0]
    flow.notify(enterprise)
    flow.acknowledge(enterprise)
    close_verification(enterprise, YEAR, VERIFIED)
    flow.apply(enterprise, [ccer(VERIFIED)])
    receipt = flow.accept(enterprise)
    assert compliance.Fulfilled.from_receipt(receipt)[0].surrendered == 0
    assert quota.QuotaSurrendered.from_receipt(receipt) == []
    assert flow.entry(enterprise).state == ComplianceState.FULFILLED


def test_exactly_enough_quota_is_accepted_and_leaves_nothing(
    flow, quota, enterprise, holder_a, close_verification
):
    flow.issue(enterprise, VERIFIED - 40_000_000)
    flow.notify(enterprise)
    flow.acknowledge(enterprise)
    close_verification(enterprise, YEAR, VERIFIED)
    flow.apply(enterprise, [ccer(40_000_000)])
    flow.accept(enterprise)
    assert quota.balanceOf(holder_a) == 0
    assert flow.entry(enterprise).state == ComplianceState.FULFILLED


def test_one_micro_tonne_short_is_refused_and_burns_nothing(
    flow, compliance, quota, enterprise, holder_a, close_verification
):
    held = VERIFIED - 40_000_000 - 1
    flow.issue(enterprise, held)
    flow.notify(enterprise)
    flow.acknowledge(enterprise)
    close_verification(enterprise, YEAR, VERIFIED)
    flow.apply(enterprise, [ccer(40_000_000)])
    with pytest.raises(ContractLogicError) as refused:
        flow.accept(enterprise)
    assert quota_error(refused.value) == (
        "NotEnoughQuota",
        {"account": holder_a.address, "held": held, "needed": held + 1},
    )
    assert quota.balanceOf(holder_a) == held
    assert quota.surrendered() == 0
    assert flow.entry(enterprise).state == ComplianceState.APPLIED


def test_quota_already_surrendered_for_the_year_reduces_what_is_due(
    applied, compliance, quota, enterprise, holder_a
):
    quota.surrender(YEAR, enterprise.address, 300_000_000, sender=holder_a)
    applied.apply(enterprise, [ccer(10_000_000)])
    receipt = applied.accept(enterprise)
    assert compliance.Fulfilled.from_receipt(receipt)[0].surrendered == VERIFIED - 310_000_000
    assert quota.allocation(enterprise.address, YEAR).surrendered == VERIFIED - 10_000_000
    assert quota.issued() == quota.totalSupply() + quota.surrendered()


def test_quota_already_surrendered_in_full_leaves_nothing_due(
    applied, compliance, quota, enterprise, holder_a
):
    quota.surrender(YEAR, enterprise.address, VERIFIED, sender=holder_a)
    applied.apply(enterprise)
    receipt = applied.accept(enterprise)
    assert compliance.Fulfilled.from_receipt(receipt)[0].surrendered == 0
    assert quota.balanceOf(holder_a) == QUOTA - VERIFIED


def test_compliance_surrenders_only_with_the_surrenderer_role(
    applied, compliance, quota, enterprise, regulator
):
    quota.revokeRole(quota.SURRENDERER_ROLE(), compliance.address, sender=regulator)
    applied.apply(enterprise)
    with pytest.raises(ContractLogicError) as refused:
        applied.accept(enterprise)
    assert quota_error(refused.value)[0] == "NotAllowedToSurrender"


# --- declareDefault ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        ComplianceState.NOTIFIED,
        ComplianceState.ACKNOWLEDGED,
        ComplianceState.APPLIED,
        ComplianceState.REJECTED,
    ],
    ids=state_id,
)
def test_anyone_declares_an_unfulfilled_year_defaulted_after_the_deadline(
    flow, compliance, enterprise, stranger, close_verification, state
):
    flow.reach(enterprise, state)
    if state in (ComplianceState.NOTIFIED, ComplianceState.ACKNOWLEDGED):
        close_verification(enterprise, YEAR, VERIFIED)
    flow.past_deadline()
    receipt = compliance.declareDefault(enterprise.address, YEAR, sender=stranger)
    assert receipt.events == [
        compliance.Defaulted(
            enterprise=enterprise.address,
            year=YEAR,
            shortfall=VERIFIED,
            frozen=ComplianceStatus.B,
            by=stranger.address,
        )
    ]
    entry = flow.entry(enterprise)
    assert (entry.state, entry.shortfall, entry.frozen) == (
        ComplianceState.DEFAULTED,
        VERIFIED,
        ComplianceStatus.B,
    )


def test_a_default_without_verified_emissions_is_frozen_c_with_no_shortfall(
    flow, compliance, enterprise
):
    flow.reach(enterprise, ComplianceState.DEFAULTED)
    entry = flow.entry(enterprise)
    assert (entry.shortfall, entry.frozen) == (0, ComplianceStatus.C)
    assert flow.status(enterprise) == (ComplianceStatus.C, ComplianceStatus.C)


def test_the_shortfall_counts_quota_surrendered_for_the_year(
    flow, quota, enterprise, holder_a, close_verification
):
    flow.reach(enterprise, ComplianceState.ACKNOWLEDGED)
    close_verification(enterprise, YEAR, VERIFIED)
    quota.surrender(YEAR, enterprise.address, 400_000_000, sender=holder_a)
    flow.past_deadline()
    flow.declare_default(enterprise)
    assert flow.entry(enterprise).shortfall == VERIFIED - 400_000_000


def test_the_shortfall_is_never_negative(flow, quota, enterprise, holder_a, close_verification):
    flow.reach(enterprise, ComplianceState.NOTIFIED)
    close_verification(enterprise, YEAR, VERIFIED)
    quota.surrender(YEAR, enterprise.address, VERIFIED + 1, sender=holder_a)
    flow.past_deadline()
    flow.declare_default(enterprise)
    entry = flow.entry(enterprise)
    assert (entry.shortfall, entry.frozen) == (0, ComplianceStatus.B)


def test_no_default_before_the_deadline(flow, compliance, enterprise, chain):
    flow.reach(enterprise, ComplianceState.NOTIFIED)
    with ape.reverts(
        compliance.DeadlineNotReached,
        year=YEAR,
        deadline=flow.deadline,
    ):  # `now_` is the mined block's time, a second after the pending one at a second's edge
        flow.declare_default(enterprise)


def test_no_default_in_a_year_not_open(compliance, enterprise, regulator):
    with ape.reverts(compliance.CycleNotOpen, year=YEAR):
        compliance.declareDefault(enterprise.address, YEAR, sender=regulator)


@pytest.mark.parametrize(
    "state",
    [ComplianceState.NONE, ComplianceState.FULFILLED, ComplianceState.DEFAULTED],
    ids=state_id,
)
def test_a_fulfilled_defaulted_or_unnotified_year_is_not_declared_defaulted(
    flow, compliance, enterprise, state
):
    flow.reach(enterprise, state)
    if state != ComplianceState.DEFAULTED:
        flow.past_deadline()
    with ape.reverts(compliance.WrongState, enterprise=enterprise.address, year=YEAR, state=state):
        flow.declare_default(enterprise)


# --- late fulfilment -----------------------------------------------------------------------------


def test_a_defaulted_enterprise_applies_late_and_is_fulfilled_late(
    flow, compliance, quota, enterprise, holder_a, close_verification
):
    flow.reach(enterprise, ComplianceState.ACKNOWLEDGED)
    close_verification(enterprise, YEAR, VERIFIED)
    flow.past_deadline()
    flow.declare_default(enterprise)
    flow.apply(enterprise, [ccer(5_000_000)])
    receipt = flow.accept(enterprise)
    [event] = compliance.Fulfilled.from_receipt(receipt)
    assert (event.surrendered, event.late) == (VERIFIED - 5_000_000, True)
    entry = flow.entry(enterprise)
    assert (entry.state, entry.shortfall, entry.frozen) == (
        ComplianceState.FULFILLED,
        VERIFIED,
        ComplianceStatus.B,
    )
    assert flow.status(enterprise) == (ComplianceStatus.A, ComplianceStatus.B)
    assert quota.balanceOf(holder_a) == QUOTA - (VERIFIED - 5_000_000)


def test_a_late_application_rejected_is_declared_defaulted_again_keeping_its_frozen_status(
    flow, enterprise, close_verification
):
    flow.reach(enterprise, ComplianceState.DEFAULTED)  # frozen C: not verified by the deadline
    close_verification(enterprise, YEAR, VERIFIED)
    flow.apply(enterprise)
    flow.reject(enterprise)
    flow.declare_default(enterprise)
    entry = flow.entry(enterprise)
    assert (entry.state, entry.shortfall, entry.frozen, entry.rejections) == (
        ComplianceState.DEFAULTED,
        VERIFIED,
        ComplianceStatus.C,
        1,
    )


# --- status --------------------------------------------------------------------------------------


def test_a_year_not_notified_has_no_status(flow, enterprise):
    assert flow.status(enterprise) == (ComplianceStatus.NONE, ComplianceStatus.NONE)


def test_the_live_status_follows_the_cycle_and_nothing_is_frozen_before_the_deadline(
    flow, enterprise, close_verification
):
    flow.reach(enterprise, ComplianceState.ACKNOWLEDGED)
    assert flow.status(enterprise) == (ComplianceStatus.C, ComplianceStatus.NONE)
    close_verification(enterprise, YEAR, VERIFIED)
    assert flow.status(enterprise) == (ComplianceStatus.B, ComplianceStatus.NONE)
    flow.apply(enterprise)
    flow.accept(enterprise)
    assert flow.status(enterprise) == (ComplianceStatus.A, ComplianceStatus.NONE)


def test_a_year_fulfilled_by_the_deadline_is_frozen_a(flow, enterprise):
    flow.reach(enterprise, ComplianceState.FULFILLED)
    flow.past_deadline()
    assert flow.status(enterprise) == (ComplianceStatus.A, ComplianceStatus.A)


@pytest.mark.parametrize("verified", [True, False])
def test_an_undeclared_year_past_the_deadline_shows_what_a_default_would_freeze(
    flow, enterprise, close_verification, verified
):
    flow.reach(enterprise, ComplianceState.NOTIFIED)
    if verified:
        close_verification(enterprise, YEAR, VERIFIED)
    flow.past_deadline()
    expected = ComplianceStatus.B if verified else ComplianceStatus.C
    assert flow.status(enterprise) == (expected, expected)
