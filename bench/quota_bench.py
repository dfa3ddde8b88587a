"""Quota side: gas of issuing, transferring and surrendering CarbonQuota beside their floors.

Three enterprises are onboarded and given quota accounts, and the third is issued quota and
surrenders some first, so that the supply and the `issued` and `surrendered` counters are
non-zero, as in OpenZeppelin's figures (DESIGN §8: mint to a new holder, transfer to a new
holder, burn). Then `quota_issue_gas` issues to an account that holds nothing (for a new
enterprise-year, one more new slot than a plain mint); `quota_transfer_gas` moves part of it to
an enterprise account that holds nothing; `quota_surrender_gas` surrenders part of a balance.

Then the compliance cycle of the first enterprise for the same year, its emissions verified
(open, assign, pass, close) and another enterprise notified first, so that the year's list of
notices is not empty: `compliance_notice_gas` (notify: two new slots, the enterprise-year's first
and its place in the list), `compliance_ack_gas`, `compliance_apply_gas` (one CCER offset: two
new slots, verified emissions and offsets, and their hash) and `compliance_review_gas` (accept,
which surrenders the verified emissions less the offset and less the quota surrendered above)."""

from collections.abc import Callable
from typing import Any

from ape import accounts, chain, project

from offchain.chain.bindings import AgencyStatus
from offchain.core.crypto import public_key_of

YEAR = 2025
TONNE = 1_000_000
DAY = 24 * 3600
DIGEST = b"\x42" * 32


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
        *compliance_rows(manifest, regulator, enterprises[0], enterprises[2], gas_row),
    ]


def compliance_rows(
    manifest: Any,
    regulator: Any,
    enterprise: str,
    other: str,
    gas_row: Callable[[Any, str, Any], dict],
) -> list[dict]:
    """`enterprise` holds 8 t of YEAR's quota and surrendered 1 t; `regulator` administers it."""
    w3 = regulator.provider.web3
    compliance = project.Compliance.at(manifest.address("Compliance"))
    registry = project.VerifierRegistry.at(manifest.address("VerifierRegistry"))
    verification = project.CarbonVerification.at(manifest.address("CarbonVerification"))
    agency = accounts.test_accounts[5]
    if AgencyStatus(registry.statusOf(agency)) is AgencyStatus.NONE:
        key = public_key_of(bytes.fromhex(agency.private_key.removeprefix("0x")))
        registry.approve(agency, "基准核查机构", "CNAS-B0001", key, sender=regulator)
    verification.open(enterprise, YEAR, sender=regulator)
    verification.assign(enterprise, YEAR, agency, sender=regulator)
    verification.recordVerdict(enterprise, YEAR, True, 5 * TONNE, DIGEST, "", sender=agency)
    verification.close(enterprise, YEAR, sender=regulator)
    deadline = chain.blocks.head.timestamp + 30 * DAY
    compliance.openCycle(YEAR, (deadline, 2 * DAY, 500, DIGEST), sender=regulator)
    compliance.notify(other, YEAR, sender=regulator)
    notice = compliance.notify(enterprise, YEAR, sender=regulator)
    ack = compliance.acknowledge(enterprise, YEAR, sender=regulator)
    offset = (TONNE // 5, b"CCER".ljust(16, b"\x00"), DIGEST)
    apply = compliance.submitApplication(enterprise, YEAR, [offset], sender=regulator)
    review = compliance.accept(enterprise, YEAR, sender=regulator)
    return [
        gas_row(w3, "compliance_notice_gas", notice),
        gas_row(w3, "compliance_ack_gas", ack),
        gas_row(w3, "compliance_apply_gas", apply),
        gas_row(w3, "compliance_review_gas", review),
    ]


def main() -> None:
    """`python -m bench.quota_bench`: these rows alone, on a fresh node with the suite deployed,
    merged into bench/results/latest.json (rows of the same name replaced, new ones after the
    last quota row) without running the whole benchmark."""

    from ape import networks
    from ape.logging import logger

    from bench import latest
    from bench.run import WORK, deployment_rows, fresh_node, gas_row, print_table

    logger.set_level("WARNING")
    node = fresh_node()
    node.start()
    try:
        with networks.parse_network_choice(f"ethereum:local:{node.url}") as provider:
            regulator = accounts.test_accounts[0]
            _, deployer = deployment_rows(regulator, WORK / ".store.tmp", provider)
            measured = rows(deployer.manifest, regulator, gas_row)
    finally:
        node.stop()
    print_table("Quota and compliance", measured)
    latest.merge(measured)


if __name__ == "__main__":
    main()
