"""CarbonQuota: who may issue, transfer and surrender, what each refuses, and that supply
reconciles (issued = held + surrendered) over random sequences of actions."""

import ape
import pytest
from ape.exceptions import VirtualMachineError
from eth_utils import keccak

from offchain.chain.bindings import QuotaAllocation

YEAR = 2025
ZERO = "0x" + "00" * 20
SURRENDERER = keccak(text="SURRENDERER")


def allocation(quota, enterprise, year=YEAR) -> QuotaAllocation:
    return QuotaAllocation.decode(quota.allocation(enterprise.address, year))


def test_it_is_a_six_decimal_token_with_nothing_issued(quota, factory):
    assert quota.decimals() == 6
    assert (quota.totalSupply(), quota.issued(), quota.surrendered()) == (0, 0, 0)
    assert quota.factory() == factory.address
    assert quota.SURRENDERER_ROLE() == SURRENDERER
    assert not quota.paused()


# --- setFactory / setAccount ---------------------------------------------------------------------


def test_only_the_regulator_names_the_factory(quota, factory, regulator, stranger):
    with ape.reverts(quota.AccessControlUnauthorizedAccount):
        quota.setFactory(stranger, sender=stranger)
    receipt = quota.setFactory(factory.address, sender=regulator)
    assert receipt.events[0].current == factory.address


def test_the_regulator_names_an_enterprise_account_once(quota, enterprises, holder_a, regulator):
    receipt = quota.setAccount(enterprises[0].address, holder_a, sender=regulator)
    assert receipt.events == [
        quota.AccountNamed(enterprise=enterprises[0].address, account=holder_a.address)
    ]
    assert quota.accountOf(enterprises[0].address) == holder_a.address
    assert quota.enterpriseOf(holder_a) == enterprises[0].address
    with ape.reverts(quota.AccountTaken):
        quota.setAccount(enterprises[0].address, holder_a, sender=regulator)


def test_an_account_serves_one_enterprise(quota, enterprises, holder_a, regulator):
    quota.setAccount(enterprises[0].address, holder_a, sender=regulator)
    with ape.reverts(
        quota.AccountTaken,
        enterprise=enterprises[1].address,
        account=holder_a.address,
        holder=enterprises[0].address,
    ):
        quota.setAccount(enterprises[1].address, holder_a, sender=regulator)


def test_set_account_refuses_strangers_unknown_enterprises_and_zero(
    quota, enterprises, holder_a, regulator, stranger
):
    with ape.reverts(quota.AccessControlUnauthorizedAccount):
        quota.setAccount(enterprises[0].address, holder_a, sender=stranger)
    with ape.reverts(quota.NotAnEnterprise, enterprise=stranger.address):
        quota.setAccount(stranger, holder_a, sender=regulator)
    with ape.reverts(quota.ZeroAccount):
        quota.setAccount(enterprises[0].address, ZERO, sender=regulator)


# --- issue ---------------------------------------------------------------------------------------


def test_the_regulator_issues_to_the_enterprise_account(quota, named, regulator):
    (enterprise, holder), _, _ = named
    receipt = quota.issue(YEAR, enterprise.address, 1_500_000, sender=regulator)
    assert (
        quota.QuotaIssued(
            year=YEAR, enterprise=enterprise.address, account=holder.address, amount=1_500_000
        )
        in receipt.events
    )
    assert quota.Transfer(**{"from": ZERO, "to": holder.address, "value": 1_500_000}) in (
        receipt.events
    )
    quota.issue(YEAR, enterprise.address, 500_000, sender=regulator)
    assert quota.balanceOf(holder) == 2_000_000
    assert allocation(quota, enterprise) == QuotaAllocation(holder.address, 2_000_000, 0)
    assert allocation(quota, enterprise, YEAR + 1) == QuotaAllocation(holder.address, 0, 0)
    assert quota.issued() == quota.totalSupply() == 2_000_000


def test_issue_refuses_strangers_unknown_enterprises_and_zero(quota, named, regulator, stranger):
    (enterprise, holder), _, _ = named
    with ape.reverts(quota.AccessControlUnauthorizedAccount):
        quota.issue(YEAR, enterprise.address, 1, sender=stranger)
    with ape.reverts(quota.AccessControlUnauthorizedAccount):
        quota.issue(YEAR, enterprise.address, 1, sender=holder)
    with ape.reverts(quota.NoAccount, enterprise=stranger.address):
        quota.issue(YEAR, stranger, 1, sender=regulator)
    with ape.reverts(quota.ZeroAmount):
        quota.issue(YEAR, enterprise.address, 0, sender=regulator)
    assert quota.issued() == 0


def test_an_enterprise_without_account_gets_nothing(project, quota, factory, regulator, writer):
    code = "91110000100000009Z"
    factory.onboard(("无账户企业", code, b"01", "北京", regulator, writer), sender=regulator)
    enterprise = factory.enterpriseOf(code).carbon
    with ape.reverts(quota.NoAccount, enterprise=enterprise):
        quota.issue(YEAR, enterprise, 1, sender=regulator)


def test_issue_goes_on_while_transfers_are_paused(quota, named, regulator):
    (enterprise, holder), _, _ = named
    quota.pause(sender=regulator)
    quota.issue(YEAR, enterprise.address, 7, sender=regulator)
    assert quota.balanceOf(holder) == 7


# --- transfer and pause --------------------------------------------------------------------------


def test_quota_moves_between_enterprise_accounts(quota, named, regulator):
    (first, a), (_, b), _ = named
    quota.issue(YEAR, first.address, 1_000, sender=regulator)
    quota.transfer(b, 400, sender=a)
    quota.approve(b, 100, sender=a)
    quota.transferFrom(a, b, 100, sender=b)
    assert (quota.balanceOf(a), quota.balanceOf(b)) == (500, 500)
    # Allocation stays with the enterprise it was issued to.
    assert allocation(quota, first).allocated == 1_000


def test_transfers_to_other_accounts_are_refused(quota, named, regulator, stranger):
    (first, a), _, _ = named
    quota.issue(YEAR, first.address, 1_000, sender=regulator)
    with ape.reverts(quota.NotAnEnterpriseAccount, account=stranger.address):
        quota.transfer(stranger, 1, sender=a)


def test_a_transfer_beyond_the_balance_is_refused(quota, named, regulator):
    (first, a), (_, b), _ = named
    quota.issue(YEAR, first.address, 10, sender=regulator)
    with ape.reverts(quota.ERC20InsufficientBalance):
        quota.transfer(b, 11, sender=a)


def test_the_regulator_pauses_and_resumes_transfers(quota, named, regulator, stranger):
    (first, a), (_, b), _ = named
    quota.issue(YEAR, first.address, 10, sender=regulator)
    with ape.reverts(quota.AccessControlUnauthorizedAccount):
        quota.pause(sender=stranger)
    receipt = quota.pause(sender=regulator)
    assert receipt.events == [quota.Paused(account=regulator.address)]
    assert quota.paused()
    with ape.reverts(quota.EnforcedPause):
        quota.transfer(b, 1, sender=a)
    with ape.reverts(quota.AccessControlUnauthorizedAccount):
        quota.unpause(sender=a)
    quota.unpause(sender=regulator)
    quota.transfer(b, 1, sender=a)
    assert quota.balanceOf(b) == 1


# --- surrender -----------------------------------------------------------------------------------


def test_the_enterprise_account_surrenders_for_a_year(quota, named, regulator):
    (enterprise, holder), _, _ = named
    quota.issue(YEAR, enterprise.address, 1_000, sender=regulator)
    receipt = quota.surrender(YEAR - 1, enterprise.address, 1_000, sender=holder)
    assert (
        quota.QuotaSurrendered(
            year=YEAR - 1,
            enterprise=enterprise.address,
            account=holder.address,
            amount=1_000,
            by=holder.address,
        )
        in receipt.events
    )
    assert quota.Transfer(**{"from": holder.address, "to": ZERO, "value": 1_000}) in receipt.events
    assert quota.balanceOf(holder) == 0
    assert allocation(quota, enterprise, YEAR - 1) == QuotaAllocation(holder.address, 0, 1_000)
    assert (quota.issued(), quota.surrendered(), quota.totalSupply()) == (1_000, 1_000, 0)


def test_a_surrenderer_surrenders_for_an_enterprise(quota, named, regulator, surrenderer):
    (enterprise, holder), _, _ = named
    quota.issue(YEAR, enterprise.address, 100, sender=regulator)
    with ape.reverts(
        quota.NotAllowedToSurrender, caller=surrenderer.address, enterprise=enterprise.address
    ):
        quota.surrender(YEAR, enterprise.address, 1, sender=surrenderer)
    quota.grantRole(SURRENDERER, surrenderer, sender=regulator)
    quota.surrender(YEAR, enterprise.address, 60, sender=surrenderer)
    assert allocation(quota, enterprise).surrendered == 60
    assert quota.balanceOf(holder) == 40


def test_surrender_refuses_others_including_the_regulator(quota, named, regulator, stranger):
    (enterprise, _), (_, other_holder), _ = named
    quota.issue(YEAR, enterprise.address, 100, sender=regulator)
    for caller in (stranger, other_holder, regulator):
        with ape.reverts(quota.NotAllowedToSurrender):
            quota.surrender(YEAR, enterprise.address, 1, sender=caller)


def test_surrender_refuses_unknown_enterprises_and_zero(quota, named, regulator, surrenderer):
    (enterprise, holder), _, _ = named
    quota.grantRole(SURRENDERER, surrenderer, sender=regulator)
    with ape.reverts(quota.NoAccount, enterprise=regulator.address):
        quota.surrender(YEAR, regulator, 1, sender=surrenderer)
    with ape.reverts(quota.ZeroAmount):
        quota.surrender(YEAR, enterprise.address, 0, sender=holder)


def test_not_enough_quota_burns_nothing(quota, named, regulator):
    (enterprise, holder), _, _ = named
    quota.issue(YEAR, enterprise.address, 999_999, sender=regulator)
    with ape.reverts(quota.NotEnoughQuota, account=holder.address, held=999_999, needed=1_000_000):
        quota.surrender(YEAR, enterprise.address, 1_000_000, sender=holder)
    assert quota.balanceOf(holder) == 999_999
    assert allocation(quota, enterprise).surrendered == 0
    assert quota.surrendered() == 0
    quota.surrender(YEAR, enterprise.address, 999_999, sender=holder)
    assert quota.balanceOf(holder) == 0


def test_surrender_goes_on_while_transfers_are_paused(quota, named, regulator):
    (enterprise, holder), _, _ = named
    quota.issue(YEAR, enterprise.address, 5, sender=regulator)
    quota.pause(sender=regulator)
    quota.surrender(YEAR, enterprise.address, 5, sender=holder)
    assert quota.surrendered() == 5


@pytest.mark.parametrize("amount", [2**64 - 1])
def test_allocations_add_up_to_the_largest_amount(quota, named, regulator, amount):
    (enterprise, _), _, _ = named
    quota.issue(YEAR, enterprise.address, amount, sender=regulator)
    # The enterprise-year's uint64 allocation would overflow.
    with pytest.raises(VirtualMachineError, match="overflow"):
        quota.issue(YEAR, enterprise.address, 1, sender=regulator)
    assert allocation(quota, enterprise).allocated == amount
