"""CarbonQuota over random sequences of issue, transfer, surrender, pause and refused actions:
after every step supply reconciles (issued = sum of balances + surrendered, and totalSupply is
that sum) and each enterprise-year's allocated and surrendered quota is what the model says.

One module-scoped deployment; every example starts from a chain snapshot and restores it."""

import ape
import pytest
from ape.exceptions import ContractLogicError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

YEARS = (2024, 2025)
amounts = st.integers(min_value=0, max_value=3_000_000)


@pytest.fixture(scope="module")
def granted(quota, named, regulator, surrenderer):
    quota.grantRole(quota.SURRENDERER_ROLE(), surrenderer, sender=regulator)
    return named


def test_supply_reconciles_over_random_actions(
    chain, quota, granted, regulator, surrenderer, stranger
):
    enterprises = [e for e, _ in granted]
    holders = [h for _, h in granted]

    class QuotaMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.snapshot = chain.snapshot()
            self.balances = [0, 0, 0]
            self.allocated: dict[tuple[int, int], int] = {}
            self.surrendered: dict[tuple[int, int], int] = {}
            self.paused = False

        def teardown(self) -> None:
            chain.restore(self.snapshot)

        @rule(e=st.integers(0, 2), year=st.sampled_from(YEARS), amount=amounts)
        def issue(self, e, year, amount):
            if amount == 0:
                with ape.reverts(quota.ZeroAmount):
                    quota.issue(year, enterprises[e].address, amount, sender=regulator)
                return
            quota.issue(year, enterprises[e].address, amount, sender=regulator)
            self.balances[e] += amount
            self.allocated[e, year] = self.allocated.get((e, year), 0) + amount

        @rule(e=st.integers(0, 2), year=st.sampled_from(YEARS), amount=amounts)
        def issue_by_stranger_is_refused(self, e, year, amount):
            with ape.reverts(quota.AccessControlUnauthorizedAccount):
                quota.issue(year, enterprises[e].address, amount, sender=stranger)

        @rule(src=st.integers(0, 2), dst=st.integers(0, 2), amount=amounts)
        def transfer(self, src, dst, amount):
            if self.paused:
                with ape.reverts(quota.EnforcedPause):
                    quota.transfer(holders[dst], amount, sender=holders[src])
            elif amount > self.balances[src]:
                with ape.reverts(quota.ERC20InsufficientBalance):
                    quota.transfer(holders[dst], amount, sender=holders[src])
            else:
                quota.transfer(holders[dst], amount, sender=holders[src])
                self.balances[src] -= amount
                self.balances[dst] += amount

        @rule(src=st.integers(0, 2), amount=amounts)
        def transfer_outside_is_refused(self, src, amount):
            with pytest.raises(ContractLogicError):
                quota.transfer(stranger, amount, sender=holders[src])

        @rule(
            e=st.integers(0, 2),
            year=st.sampled_from(YEARS),
            amount=amounts,
            by_compliance=st.booleans(),
        )
        def surrender(self, e, year, amount, by_compliance):
            caller = surrenderer if by_compliance else holders[e]
            if amount == 0:
                with ape.reverts(quota.ZeroAmount):
                    quota.surrender(year, enterprises[e].address, amount, sender=caller)
            elif amount > self.balances[e]:
                with ape.reverts(
                    quota.NotEnoughQuota,
                    account=holders[e].address,
                    held=self.balances[e],
                    needed=amount,
                ):
                    quota.surrender(year, enterprises[e].address, amount, sender=caller)
            else:
                quota.surrender(year, enterprises[e].address, amount, sender=caller)
                self.balances[e] -= amount
                self.surrendered[e, year] = self.surrendered.get((e, year), 0) + amount

        @rule(e=st.integers(0, 2), other=st.integers(1, 2), amount=amounts)
        def surrender_by_another_account_is_refused(self, e, other, amount):
            with ape.reverts(quota.NotAllowedToSurrender):
                quota.surrender(
                    YEARS[0], enterprises[e].address, amount, sender=holders[(e + other) % 3]
                )

        @rule()
        def toggle_pause(self):
            if self.paused:
                quota.unpause(sender=regulator)
            else:
                quota.pause(sender=regulator)
            self.paused = not self.paused

        @invariant()
        def supply_reconciles(self):
            held = [quota.balanceOf(h) for h in holders]
            assert held == self.balances
            issued, surrendered = quota.issued(), quota.surrendered()
            assert quota.totalSupply() == sum(held)
            assert issued == sum(held) + surrendered
            assert issued == sum(self.allocated.values())
            assert surrendered == sum(self.surrendered.values())
            assert quota.paused() == self.paused

        @invariant()
        def enterprise_years_are_booked(self):
            for e, enterprise in enumerate(enterprises):
                for year in YEARS:
                    account, allocated, surrendered = quota.allocation(enterprise.address, year)
                    assert account == holders[e].address
                    assert allocated == self.allocated.get((e, year), 0)
                    assert surrendered == self.surrendered.get((e, year), 0)

    run_state_machine_as_test(
        QuotaMachine,
        settings=settings(
            max_examples=8,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
