"""Fixtures of the quota tests: a CarbonQuota over the shared factory, three onboarded
enterprises, each with a quota account of its own (test accounts 8, 9 and 3)."""

from typing import Any

import pytest
from account_fixtures import account_fixture

holder_a = account_fixture("holder_a", 8, scope="module")
holder_b = account_fixture("holder_b", 9, scope="module")
holder_c = account_fixture("holder_c", 3, scope="module")
compliance = account_fixture("compliance", 6, scope="module")

CODES = ("91110000100000000A", "91110000100000001X", "91110000100000002Y")


@pytest.fixture(scope="module")
def quota(deploy_proxy, regulator, index, factory):
    return deploy_proxy("CarbonQuota", regulator, index.address, factory.address)


@pytest.fixture(scope="module")
def enterprises(project, factory, regulator, writer) -> list[Any]:
    """Three EnterpriseCarbon contracts of the factory."""
    found = []
    for i, code in enumerate(CODES):
        factory.onboard((f"企业{i}", code, b"01", "北京", regulator, writer), sender=regulator)
        found.append(project.EnterpriseCarbon.at(factory.enterpriseOf(code).carbon))
    return found


@pytest.fixture(scope="module")
def holders(holder_a, holder_b, holder_c) -> list[Any]:
    return [holder_a, holder_b, holder_c]


@pytest.fixture(scope="module")
def named(quota, enterprises, holders, regulator) -> list[tuple[Any, Any]]:
    """(enterprise, its account) pairs, the accounts named in the quota."""
    for enterprise, holder in zip(enterprises, holders, strict=True):
        quota.setAccount(enterprise.address, holder, sender=regulator)
    return list(zip(enterprises, holders, strict=True))
