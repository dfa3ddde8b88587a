"""Compliance over random sequences of the whole cycle for three enterprises: verification,
notice, acknowledgement, application with random offsets, accept, reject, the holder's own
surrender, time passing the deadline, default, and calls by the wrong people. After every step each
enterprise-year on chain (entry, status, quota balance) is what a Python model says, and quota
supply reconciles (issued = held + surrendered).

One module-scoped deployment; every example opens the year from a chain snapshot and restores it."""

from dataclasses import dataclass
from typing import Any

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from offchain.chain.bindings import ComplianceState, ComplianceStatus

YEAR = 2026
RULES = b"\x22" * 32
CAP_BPS = 500
DAYS = 24 * 3600
# Enough, a little and hardly any quota: some acceptances find too little to surrender.
ISSUED = (3_000_000, 1_000_000, 60_000)
KIND = b"CCER".ljust(16, b"\x00")
EVIDENCE = b"\x0e" * 32

enterprise_ids = st.integers(0, 2)
# Offsets of up to 80,000 micro-tonnes against a cap of 25,000 to 100,000: some over it.
offset_lists = st.lists(st.integers(1, 40_000), max_size=2)
totals = st.integers(500_000, 2_000_000)

S = ComplianceState

# A refused step: the error's name and its arguments.
Refusal = tuple[str, tuple[Any, ...]]


def refusal(contract: Any, method: str, *args: Any, sender: Any, others: tuple = ()) -> Refusal:
    """How a step is refused (an error of `contract` or of one of `others`), found by an eth_call
    rather than a transaction: ape traces every reverted transaction, a third of a second each,
    which would make the machine slow."""
    data = getattr(contract, method).encode_input(*args)
    call = {"from": sender.address, "to": contract.address, "data": "0x" + bytes(data).hex()}
    reply = contract.provider.web3.provider.make_request("eth_call", [call, "latest"])
    assert "error" in reply, f"{method}{args} was not refused"
    revert = bytes.fromhex(reply["error"]["data"][2:])
    for abi in (e for c in (contract, *others) for e in c.contract_type.errors):
        types = [i.canonical_type for i in abi.inputs]
        if keccak(text=f"{abi.name}({','.join(types)})")[:4] == revert[:4]:
            values = decode(types, revert[4:])
            return abi.name, tuple(
                to_checksum_address(v) if t == "address" else v
                for t, v in zip(types, values, strict=True)
            )
    raise AssertionError(f"{method}{args} reverted with unknown data 0x{revert.hex()}")


@dataclass
class Year:
    """What the model expects of one enterprise-year."""

    state: ComplianceState = S.NONE
    quota: int = 0
    verified: int = 0
    offsets: int = 0
    offsets_hash: bytes = b"\x00" * 32
    applications: int = 0
    rejections: int = 0
    surrendered: int = 0
    shortfall: int = 0
    frozen: ComplianceStatus = ComplianceStatus.NONE
    fulfilled_in_time: bool = False


def test_the_cycle_matches_its_model_over_random_steps(
    chain, compliance, quota, controlled, holders, regulator, admin, stranger, close_verification
):
    enterprises = [e.address for e in controlled]

    class ComplianceMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.snapshot = chain.snapshot()
            # Half a day off whole days, which is all time moves by besides seconds.
            self.deadline = chain.blocks.head.timestamp + 30 * DAYS + DAYS // 2
            compliance.openCycle(YEAR, (self.deadline, 0, CAP_BPS, RULES), sender=regulator)
            for enterprise, amount in zip(controlled, ISSUED, strict=True):
                quota.issue(YEAR, enterprise.address, amount, sender=regulator)
            self.balances = list(ISSUED)
            self.year_surrendered = [0, 0, 0]
            self.verified: list[int | None] = [None, None, None]
            self.years = [Year(), Year(), Year()]
            self.past = False
            self.touched: list[int] = [0, 1, 2]

        def teardown(self) -> None:
            chain.restore(self.snapshot)

        def step(self, method: str, *args: Any, sender: Any, refused: Refusal | None) -> None:
            """Sends the step, or, when the model expects `refused`, checks that it is refused."""
            if refused is None:
                getattr(compliance, method)(*args, sender=sender)
            else:
                assert refusal(compliance, method, *args, sender=sender, others=(quota,)) == refused

        def wrong_state(self, e: int) -> Refusal:
            return "WrongState", (enterprises[e], YEAR, int(self.years[e].state))

        def deadline_passed(self) -> Refusal:
            return "DeadlinePassed", (YEAR, self.deadline, chain.blocks.head.timestamp)

        @rule(e=enterprise_ids, total=totals)
        def verify(self, e, total):
            self.touched = [e]
            if self.verified[e] is None:
                close_verification(controlled[e], YEAR, total)
                self.verified[e] = total

        @rule(e=enterprise_ids, amount=st.integers(1, 200_000))
        def holder_surrenders(self, e, amount):
            self.touched = [e]
            if amount > self.balances[e]:
                return
            quota.surrender(YEAR, enterprises[e], amount, sender=holders[e])
            self.balances[e] -= amount
            self.year_surrendered[e] += amount

        @rule(e=enterprise_ids)
        def notify(self, e):
            self.touched = [e]
            y = self.years[e]
            refused = None
            if self.past:
                refused = self.deadline_passed()
            elif y.state != S.NONE:
                refused = self.wrong_state(e)
            self.step("notify", enterprises[e], YEAR, sender=regulator, refused=refused)
            if refused is None:
                y.state, y.quota = S.NOTIFIED, ISSUED[e]

        @rule(e=enterprise_ids, by_admin=st.booleans())
        def acknowledge(self, e, by_admin):
            self.touched = [e]
            y = self.years[e]
            caller = admin if by_admin else stranger
            refused = None
            if y.state == S.NONE or (by_admin and y.state != S.NOTIFIED):
                refused = self.wrong_state(e)
            elif not by_admin:
                refused = "NotEnterpriseAdmin", (stranger.address, enterprises[e])
            self.step("acknowledge", enterprises[e], YEAR, sender=caller, refused=refused)
            if refused is None:
                y.state = S.ACKNOWLEDGED

        @rule(e=enterprise_ids, amounts=offset_lists)
        def apply(self, e, amounts):
            self.touched = [e]
            y = self.years[e]
            offsets = [(amount, KIND, EVIDENCE) for amount in amounts]
            refused = None
            if y.state in (S.ACKNOWLEDGED, S.REJECTED) and self.past:
                refused = self.deadline_passed()
            elif y.state not in (S.ACKNOWLEDGED, S.REJECTED, S.DEFAULTED):
                refused = self.wrong_state(e)
            elif self.verified[e] is None:
                refused = "VerifiedEmissionsMissing", (enterprises[e], YEAR)
            self.step(
                "submitApplication", enterprises[e], YEAR, offsets, sender=admin, refused=refused
            )
            if refused is None:
                y.state, y.verified, y.offsets = S.APPLIED, self.verified[e], sum(amounts)
                y.offsets_hash = keccak(encode(["(uint64,bytes16,bytes32)[]"], [offsets]))
                y.applications += 1

        @rule(e=enterprise_ids)
        def accept(self, e):
            self.touched = [e]
            y = self.years[e]
            cap = y.verified * CAP_BPS // 10_000
            due = max(0, y.verified - y.offsets - self.year_surrendered[e])
            refused = None
            if y.state != S.APPLIED:
                refused = self.wrong_state(e)
            elif self.past and y.frozen == ComplianceStatus.NONE:
                refused = self.deadline_passed()
            elif y.offsets > cap:
                refused = "OffsetsOverCap", (enterprises[e], YEAR, y.offsets, cap, y.verified)
            elif due > self.balances[e]:
                refused = "NotEnoughQuota", (holders[e].address, self.balances[e], due)
            self.step("accept", enterprises[e], YEAR, sender=regulator, refused=refused)
            if refused is None:
                y.state, y.surrendered, y.fulfilled_in_time = S.FULFILLED, due, not self.past
                self.balances[e] -= due
                self.year_surrendered[e] += due

        @rule(e=enterprise_ids)
        def reject(self, e):
            self.touched = [e]
            y = self.years[e]
            refused = None
            if y.state != S.APPLIED:
                refused = self.wrong_state(e)
            elif self.past and y.frozen == ComplianceStatus.NONE:
                refused = self.deadline_passed()
            self.step(
                "reject", enterprises[e], YEAR, "no evidence", sender=regulator, refused=refused
            )
            if refused is None:
                y.state = S.REJECTED
                y.rejections += 1

        @rule(
            e=enterprise_ids,
            total=totals,
            amounts=offset_lists,
            review=st.integers(0, 3),
        )
        def advance(self, e, total, amounts, review):
            """The next step the model allows, so that random sequences get far in the cycle;
            enterprise 2 is verified only by the `verify` rule, so that it often lacks emissions."""
            state = self.years[e].state
            if state == S.NONE:
                self.notify(e)
            elif state == S.NOTIFIED:
                self.acknowledge(e, by_admin=True)
            elif state in (S.ACKNOWLEDGED, S.REJECTED, S.DEFAULTED):
                if e != 2:
                    self.verify(e, total)
                self.apply(e, amounts)
            elif state == S.APPLIED and review:  # accepted three times in four
                self.accept(e)
            elif state == S.APPLIED:
                self.reject(e)

        @rule(days=st.integers(1, 12))
        def time_passes(self, days):
            """A few of these pass the 30-day deadline, so most sequences see both sides of it."""
            self.touched = [0, 1, 2]
            chain.mine(timestamp=chain.blocks.head.timestamp + days * DAYS)
            self.past = chain.blocks.head.timestamp > self.deadline

        @rule(e=enterprise_ids)
        def declare_default(self, e):
            self.touched = [e]
            y = self.years[e]
            refused = None
            if not self.past:
                now = chain.blocks.head.timestamp
                refused = "DeadlineNotReached", (YEAR, self.deadline, now)
            elif y.state in (S.NONE, S.FULFILLED, S.DEFAULTED):
                refused = self.wrong_state(e)
            self.step("declareDefault", enterprises[e], YEAR, sender=stranger, refused=refused)
            if refused is None:
                verified = self.verified[e]
                missing = verified is None
                y.shortfall = 0 if missing else max(0, verified - self.year_surrendered[e])
                if y.frozen == ComplianceStatus.NONE:
                    y.frozen = ComplianceStatus.C if missing else ComplianceStatus.B
                y.state = S.DEFAULTED

        @rule(e=enterprise_ids)
        def outsiders_review_nothing(self, e):
            self.touched = [e]
            unauthorized = "AccessControlUnauthorizedAccount", (admin.address, b"\x00" * 32)
            self.step("accept", enterprises[e], YEAR, sender=admin, refused=unauthorized)

        def expected_status(self, e: int) -> tuple[ComplianceStatus, ComplianceStatus]:
            y = self.years[e]
            if y.state == S.NONE:
                return ComplianceStatus.NONE, ComplianceStatus.NONE
            missing = self.verified[e] is None
            if y.state == S.FULFILLED:
                live = ComplianceStatus.A
            else:
                live = ComplianceStatus.C if missing else ComplianceStatus.B
            if not self.past:
                return live, ComplianceStatus.NONE
            if y.fulfilled_in_time:
                return live, ComplianceStatus.A
            if y.frozen != ComplianceStatus.NONE:
                return live, y.frozen
            return live, ComplianceStatus.C if missing else ComplianceStatus.B

        @invariant()
        def entries_match_the_model(self):
            # Only the enterprises the last step could change: reads cost time too.
            for e in self.touched:
                y = self.years[e]
                entry = compliance.compliance(enterprises[e], YEAR)
                assert (
                    entry.state,
                    entry.quota,
                    entry.verified,
                    entry.offsets,
                    entry.offsetsHash,
                    entry.applications,
                    entry.rejections,
                    entry.surrendered,
                    entry.shortfall,
                    entry.frozen,
                ) == (
                    y.state,
                    y.quota,
                    y.verified,
                    y.offsets,
                    y.offsets_hash,
                    y.applications,
                    y.rejections,
                    y.surrendered,
                    y.shortfall,
                    y.frozen,
                )
                assert compliance.status(enterprises[e], YEAR) == self.expected_status(e)

        @invariant()
        def supply_reconciles(self):
            for e in self.touched:
                assert quota.balanceOf(holders[e]) == self.balances[e]
            assert quota.issued() == quota.totalSupply() + quota.surrendered()
            assert quota.surrendered() == sum(self.year_surrendered)

    run_state_machine_as_test(
        ComplianceMachine,
        settings=settings(
            max_examples=8,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
