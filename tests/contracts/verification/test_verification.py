"""VerifierRegistry and CarbonVerification: approved agencies and the yearly verification."""

import ape
import pytest
from eth_keys import keys

from offchain.chain.bindings import AgencyStatus, VerificationState

YEAR = 2023
REPORT = b"\x42" * 32


def public_key(account) -> bytes:
    return keys.PrivateKey(bytes.fromhex(account.private_key[2:])).public_key.to_bytes()


@pytest.fixture(scope="module")
def agency(accounts):
    return accounts[5]


@pytest.fixture(scope="module")
def registry(deploy_proxy, regulator, index, agency):
    registry = deploy_proxy("VerifierRegistry", regulator, index.address)
    registry.approve(agency, "示范核查机构", "CNAS-V0001", public_key(agency), sender=regulator)
    return registry


@pytest.fixture(scope="module")
def verification(deploy_proxy, regulator, index, registry):
    return deploy_proxy("CarbonVerification", regulator, index.address, registry.address)


@pytest.fixture(scope="module")
def enterprise(index):
    return index.address  # any contract stands in for an EnterpriseCarbon here


@pytest.fixture
def assigned(verification, regulator, enterprise, agency):
    verification.open(enterprise, YEAR, sender=regulator)
    verification.assign(enterprise, YEAR, agency, sender=regulator)
    return verification


# --- registry -------------------------------------------------------------------------------


def test_an_approved_agency_is_known_with_its_key(registry, agency):
    info = registry.agencyInfo(agency)
    assert (info.name, info.licence, info.publicKey, info.status) == (
        "示范核查机构",
        "CNAS-V0001",
        public_key(agency),
        AgencyStatus.APPROVED,
    )
    assert registry.agencies() == [agency.address]


def test_only_the_regulator_approves(registry, stranger, accounts):
    with ape.reverts(registry.AccessControlUnauthorizedAccount):
        registry.approve(accounts[6], "x", "y", public_key(accounts[6]), sender=stranger)


def test_an_agency_key_must_be_its_own(registry, regulator, accounts):
    with ape.reverts(registry.KeyDoesNotMatchAgency):
        registry.approve(accounts[6], "x", "y", public_key(accounts[8]), sender=regulator)


def test_an_agency_is_approved_once(registry, regulator, agency):
    with ape.reverts(
        registry.InvalidAgencyStatus, agency=agency.address, status=AgencyStatus.APPROVED
    ):
        registry.approve(agency, "again", "y", public_key(agency), sender=regulator)


def test_suspend_reinstate_revoke_keep_a_history(registry, regulator, agency):
    registry.suspend(agency, "licence under review", sender=regulator)
    registry.reinstate(agency, "review passed", sender=regulator)
    registry.revoke(agency, "licence withdrawn", sender=regulator)
    assert registry.statusOf(agency) == AgencyStatus.REVOKED
    assert [(h.status, h.reason) for h in registry.statusHistory(agency)] == [
        (AgencyStatus.APPROVED, "approved"),
        (AgencyStatus.SUSPENDED, "licence under review"),
        (AgencyStatus.APPROVED, "review passed"),
        (AgencyStatus.REVOKED, "licence withdrawn"),
    ]


def test_revocation_is_final(registry, regulator, agency):
    registry.revoke(agency, "withdrawn", sender=regulator)
    with ape.reverts(registry.InvalidAgencyStatus):
        registry.reinstate(agency, "no", sender=regulator)


def test_a_suspension_needs_a_reason(registry, regulator, agency):
    with ape.reverts(registry.EmptyReason):
        registry.suspend(agency, "", sender=regulator)


@pytest.mark.parametrize("method", ["suspend", "reinstate", "revoke"])
def test_only_the_regulator_changes_an_agency(registry, stranger, agency, method):
    with ape.reverts(registry.AccessControlUnauthorizedAccount):
        getattr(registry, method)(agency, "reason", sender=stranger)


# --- workflow -------------------------------------------------------------------------------


def test_a_passed_verification_closes_with_the_recomputed_total(
    assigned, regulator, enterprise, agency
):
    receipt = assigned.recordVerdict(enterprise, YEAR, True, 288_324_366, REPORT, "", sender=agency)
    assert len(assigned.VerdictRecorded.from_receipt(receipt)) == 1
    receipt = assigned.close(enterprise, YEAR, sender=regulator)
    assert assigned.verifiedEmissions(enterprise, YEAR) == 288_324_366
    assert assigned.verification(enterprise, YEAR).state == VerificationState.CLOSED
    assert len(assigned.VerificationClosed.from_receipt(receipt)) == 1


def test_a_failed_verification_is_verified_again_after_rectification(
    assigned, regulator, enterprise, agency
):
    assigned.recordVerdict(
        enterprise, YEAR, False, 1, REPORT, "record 3 recomputes to 2", sender=agency
    )
    assert assigned.verification(enterprise, YEAR).state == VerificationState.FAILED
    assigned.recordVerdict(enterprise, YEAR, True, 2, REPORT, "", sender=agency)
    assigned.close(enterprise, YEAR, sender=regulator)
    assert [v.passed for v in assigned.verdicts(enterprise, YEAR)] == [False, True]


def test_a_failing_verdict_needs_a_reason(assigned, enterprise, agency):
    with ape.reverts(assigned.EmptyReason):
        assigned.recordVerdict(enterprise, YEAR, False, 1, REPORT, "", sender=agency)


def test_only_the_assigned_agency_records_verdicts(assigned, enterprise, stranger):
    with ape.reverts(assigned.NotAssignedAgency):
        assigned.recordVerdict(enterprise, YEAR, True, 1, REPORT, "", sender=stranger)


def test_a_suspended_agency_cannot_record_verdicts(
    assigned, registry, regulator, enterprise, agency
):
    registry.suspend(agency, "review", sender=regulator)
    with ape.reverts(assigned.AgencyNotApproved):
        assigned.recordVerdict(enterprise, YEAR, True, 1, REPORT, "", sender=agency)


def test_only_approved_agencies_are_assigned(verification, regulator, enterprise, stranger):
    verification.open(enterprise, YEAR, sender=regulator)
    with ape.reverts(
        verification.AgencyNotApproved, agency=stranger.address, status=AgencyStatus.NONE
    ):
        verification.assign(enterprise, YEAR, stranger, sender=regulator)


@pytest.mark.parametrize("method", ["open", "assign", "close"])
def test_only_the_regulator_steers_the_workflow(verification, stranger, enterprise, agency, method):
    args = (enterprise, YEAR, agency) if method == "assign" else (enterprise, YEAR)
    with ape.reverts(verification.AccessControlUnauthorizedAccount):
        getattr(verification, method)(*args, sender=stranger)


def test_a_year_is_opened_once(assigned, regulator, enterprise):
    with ape.reverts(
        assigned.InvalidState, enterprise=enterprise, year=YEAR, state=VerificationState.ASSIGNED
    ):
        assigned.open(enterprise, YEAR, sender=regulator)


def test_a_verdict_needs_an_assigned_agency(verification, regulator, enterprise, agency):
    verification.open(enterprise, YEAR, sender=regulator)
    with ape.reverts(verification.InvalidState, state=VerificationState.OPEN):
        verification.recordVerdict(enterprise, YEAR, True, 1, REPORT, "", sender=agency)


def test_only_a_passed_verification_closes(assigned, regulator, enterprise, agency):
    with ape.reverts(assigned.InvalidState, state=VerificationState.ASSIGNED):
        assigned.close(enterprise, YEAR, sender=regulator)
    assigned.recordVerdict(enterprise, YEAR, False, 1, REPORT, "wrong", sender=agency)
    with ape.reverts(assigned.InvalidState, state=VerificationState.FAILED):
        assigned.close(enterprise, YEAR, sender=regulator)


def test_a_closed_year_takes_no_more_verdicts(assigned, regulator, enterprise, agency):
    assigned.recordVerdict(enterprise, YEAR, True, 5, REPORT, "", sender=agency)
    assigned.close(enterprise, YEAR, sender=regulator)
    with ape.reverts(assigned.InvalidState, state=VerificationState.CLOSED):
        assigned.recordVerdict(enterprise, YEAR, True, 6, REPORT, "", sender=agency)


def test_verified_emissions_of_an_open_year_are_refused(verification, regulator, enterprise):
    verification.open(enterprise, YEAR, sender=regulator)
    with ape.reverts(verification.InvalidState, state=VerificationState.OPEN):
        verification.verifiedEmissions(enterprise, YEAR)


def test_only_contracts_are_verified(verification, regulator, stranger):
    with ape.reverts(verification.NotAnEnterprise):
        verification.open(stranger, YEAR, sender=regulator)
