"""Fixtures of the contract tests beyond the shared ones: the index names the DataLayer of the
shared fixtures as its official DataLayer (standards are accepted from it only), and a wired
verification: a VerifierRegistry with one approved agency, and a CarbonVerification that knows
the factory, which names it to its enterprises; a CarbonQuota with three enterprise accounts; and
a Compliance over both, with three enterprises whose administrator is not the regulator."""

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from account_fixtures import account_fixture
from eth_keys import keys

admin = account_fixture("admin", 3, scope="module")
account = account_fixture("account", 4, scope="module")
agency = account_fixture("agency", 5, scope="module")
other_agency = account_fixture("other_agency", 6, scope="module")


def public_key(acct: Any) -> bytes:
    return keys.PrivateKey(bytes.fromhex(acct.private_key[2:])).public_key.to_bytes()


@pytest.fixture(scope="module")
def data_layer(deploy_proxy, regulator, writer, index):
    layer = deploy_proxy("DataLayer", regulator, writer, index.address)
    index.track(layer.address, sender=regulator)
    index.setOfficialDataLayer(layer.address, sender=regulator)
    return layer


@pytest.fixture(scope="module")
def registry(deploy_proxy, regulator, index, agency, other_agency):
    registry = deploy_proxy("VerifierRegistry", regulator, index.address)
    registry.approve(agency, "示范核查机构", "CNAS-V0001", public_key(agency), sender=regulator)
    registry.approve(
        other_agency, "第二核查机构", "CNAS-V0002", public_key(other_agency), sender=regulator
    )
    return registry


@pytest.fixture(scope="module")
def verification(deploy_proxy, regulator, index, registry, factory):
    verification = deploy_proxy("CarbonVerification", regulator, index.address, registry.address)
    verification.setFactory(factory.address, sender=regulator)
    factory.setVerification(verification.address, sender=regulator)
    return verification


@pytest.fixture(scope="module")
def onboard(project, factory, regulator, admin, account) -> Callable[[str], tuple[Any, Any]]:
    """Onboards credit code `code`; its EnterpriseCarbon and DataLayer."""

    def make(code: str, name: str = "华能示范电厂") -> tuple[Any, Any]:
        factory.onboard((name, code, b"01", "北京", admin, account), sender=regulator)
        found = factory.enterpriseOf(code)
        return project.EnterpriseCarbon.at(found.carbon), project.DataLayer.at(found.dataLayer)

    return make


@pytest.fixture(scope="module")
def carbon(enterprise):
    """The EnterpriseCarbon of the module's `enterprise`."""
    return enterprise[0]


@pytest.fixture(scope="module")
def layer(enterprise):
    """The DataLayer of the module's `enterprise`."""
    return enterprise[1]


@pytest.fixture
def completed_in(account) -> Callable[[Any, bytes | None], bytes]:
    """Stores and completes a document in an enterprise's DataLayer; returns its digest."""
    counter = iter(range(10_000))

    def make(layer: Any, content: bytes | None = None) -> bytes:
        content = content or f'{{"title": "doc {next(counter)}"}}'.encode()
        layer.storeInLog(content, [], sender=account)
        digest = hashlib.sha256(content).digest()
        layer.complete(digest, sender=account)
        return digest

    return make


holder_a = account_fixture("holder_a", 8, scope="module")
holder_b = account_fixture("holder_b", 9, scope="module")
holder_c = account_fixture("holder_c", 3, scope="module")
surrenderer = account_fixture("surrenderer", 6, scope="module")

QUOTA_CODES = ("91110000100000000A", "91110000100000001X", "91110000100000002Y")


# The quota tests (compliance/): a CarbonQuota over the shared factory, three onboarded
# enterprises, each with a quota account of its own (test accounts 8, 9 and 3).


@pytest.fixture(scope="module")
def quota(deploy_proxy, regulator, index, factory):
    return deploy_proxy("CarbonQuota", regulator, index.address, factory.address)


@pytest.fixture(scope="module")
def enterprises(project, factory, regulator, writer) -> list[Any]:
    """Three EnterpriseCarbon contracts of the factory."""
    found = []
    for i, code in enumerate(QUOTA_CODES):
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


# The compliance tests (compliance/): a Compliance over the quota and verification above, allowed
# to surrender; three enterprises whose carbon administrator is `admin` (not the regulator), each
# with a quota account of its own.

COMPLIANCE_CODES = ("91110000200000000A", "91110000200000001X", "91110000200000002Y")
VERIFICATION_REPORT = b"\x42" * 32


@pytest.fixture(scope="module")
def compliance(deploy_proxy, regulator, index, quota, verification, factory):
    contract = deploy_proxy(
        "Compliance",
        regulator,
        index.address,
        quota.address,
        verification.address,
        factory.address,
    )
    quota.grantRole(quota.SURRENDERER_ROLE(), contract.address, sender=regulator)
    return contract


@pytest.fixture(scope="module")
def controlled(project, factory, quota, regulator, admin, writer, holders) -> list[Any]:
    """Three EnterpriseCarbon contracts administered by `admin`, their quota accounts named."""
    found = []
    for i, (code, holder) in enumerate(zip(COMPLIANCE_CODES, holders, strict=True)):
        factory.onboard((f"控排企业{i}", code, b"01", "北京", admin, writer), sender=regulator)
        carbon = project.EnterpriseCarbon.at(factory.enterpriseOf(code).carbon)
        quota.setAccount(carbon.address, holder, sender=regulator)
        found.append(carbon)
    return found


@pytest.fixture(scope="module")
def close_verification(verification, regulator, agency) -> Callable[[Any, int, int], None]:
    """Verifies `enterprise`'s `year` at `total` micro-tonnes: open, assign, pass, close."""

    def close(enterprise: Any, year: int, total: int) -> None:
        verification.open(enterprise.address, year, sender=regulator)
        verification.assign(enterprise.address, year, agency, sender=regulator)
        verification.recordVerdict(
            enterprise.address, year, True, total, VERIFICATION_REPORT, "", sender=agency
        )
        verification.close(enterprise.address, year, sender=regulator)

    return close
