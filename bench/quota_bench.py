"""Quota side: gas of issuing, transferring and surrendering CarbonQuota beside their floors.

Three enterprises are onboarded and given quota accounts, and the third is issued quota and
surrenders some first, so that the supply and the `issued` and `surrendered` counters are
non-zero, as in OpenZeppelin's figures (DESIGN §8: mint to a new holder, transfer to a new
holder, burn). Then `quota_issue_gas` issues to an account that holds nothing (for a new
enterprise-year, one more new slot than a plain mint); `quota_transfer_gas` moves part of it to
an enterprise account that holds nothing; `quota_surrender_gas` surrenders part of a balance."""

from collections.abc import Callable
from typing import Any

from ape import accounts, project

YEAR = 2025
TONNE = 1_000_000


def rows(manifest: Any, regulator: Any, gas_row: Callable[[Any, str, Any], dict]) -> list[dict]:
    w3 = regulator.provider.web3
    factory = project.EnterpriseFactory.at(manifest.address("EnterpriseFactory"))
    quota = project.CarbonQuota.at(manifest.address("CarbonQuota"))
    first, second, third = (accounts.test_accounts[n] for n in (8, 9, 7))
    enterprises = []
    for n, holder in enumerate((first, second, third)):
        code = f"91110000QUOTA000{n}X"
        factory.onboard(
            (f"配额基准企业{n}", code, b"01", "北京", regulator, regulator), sender=regulator
        )
        enterprise = factory.enterpriseOf(code).carbon
        quota.setAccount(enterprise, holder, sender=regulator)
        enterprises.append(enterprise)
    quota.issue(YEAR, enterprises[2], TONNE, sender=regulator)
    quota.surrender(YEAR, enterprises[2], 1, sender=third)
    issue = quota.issue(YEAR, enterprises[0], 10 * TONNE, sender=regulator)
    transfer = quota.transfer(second, TONNE, sender=first)
    surrender = quota.surrender(YEAR, enterprises[0], TONNE, sender=first)
    return [
        gas_row(w3, "quota_issue_gas", issue),
        gas_row(w3, "quota_transfer_gas", transfer),
        gas_row(w3, "quota_surrender_gas", surrender),
    ]
