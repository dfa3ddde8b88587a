"""VerifierRegistry and CarbonVerification: approved agencies and the yearly verification."""

import ape
import pytest
from conftest import public_key

from offchain.chain.bindings import AgencyStatus, VerificationState

YEAR = 2023
ZERO = "0x" + "00" * 20
REPORT = b"\x42" * 32


@pytest.fixture(scope="module")
def enterprise(onboard):
    carbon, _ = onboard("91110000MA01VERI1X")
    return carbon.address


@pytest.fixture
def assigned(verification, regulator, enterprise, agency):
    verification.open(enterprise, YEAR, sender=regulator)
    verification.assign(enterprise, YEAR, agency, sender=regulator)
    return verification


# --- registry -------------------------------------------------------------------------------


def test_an_approved_agency_is_known_with_its_key(registry, agency, other_agency):
    info = registry.agencyInfo(agency)
    assert (info.name, info.licence, info.publicKey, info.status) == (
        "示范核查机构",
        "CNAS-V0001",
        public_key(agency),
        AgencyStatus.APPROVED,
    )
    assert registry.agencies() == [agency.address, other_agency.address]


def test_only_the_regulator_approves(registry, stranger, accounts):
    with ape.reverts(registry.AccessControlUnauthorizedAccount):
        registry.approve(accounts[8], "x", "y", public_key(accounts[8]), sender=stranger)


def test_an_agency_key_must_be_its_own(registry, regulator, accounts):
    with ape.reverts(registry.KeyDoesNotMatchAgency):
        registry.approve(accounts[8], "x", "y", public_key(accounts[9]), sender=regulator)


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


def test_only_enterprises_the_factory_created_are_verified(
    project, deploy_proxy, verification, regulator, enterprise, index, admin
):
    with ape.reverts(verification.NotAnEnterprise, enterprise=index.address):
        verification.open(index, YEAR, sender=regulator)
    # A look-alike: an EnterpriseCarbon behind a proxy of its own, claiming a real profile.
    real = project.EnterpriseCarbon.at(enterprise).profile()
    look_alike = deploy_proxy("EnterpriseCarbon", admin, tuple(real))
    assert look_alike.profile().creditCode == real.creditCode
    with ape.reverts(verification.NotAnEnterprise, enterprise=look_alike.address):
        verification.open(look_alike, YEAR, sender=regulator)
    verification.open(enterprise, YEAR, sender=regulator)


def test_nothing_is_verified_before_the_factory_is_named(
    deploy_proxy, regulator, index, registry, enterprise
):
    unwired = deploy_proxy("CarbonVerification", regulator, index.address, registry.address)
    with ape.reverts(unwired.NotAnEnterprise):
        unwired.open(enterprise, YEAR, sender=regulator)


def test_only_the_regulator_names_the_factory(verification, stranger, factory):
    with ape.reverts(verification.AccessControlUnauthorizedAccount):
        verification.setFactory(factory, sender=stranger)


def test_assignment_names_the_previous_agency(
    verification, regulator, enterprise, agency, other_agency
):
    verification.open(enterprise, YEAR, sender=regulator)
    first = verification.assign(enterprise, YEAR, agency, sender=regulator)
    [event] = verification.AgencyAssigned.from_receipt(first)
    assert (event.agency, event.previous) == (agency.address, ZERO)
    second = verification.assign(enterprise, YEAR, other_agency, sender=regulator)
    [event] = verification.AgencyAssigned.from_receipt(second)
    assert (event.enterprise, event.year, event.agency, event.previous) == (
        enterprise,
        YEAR,
        other_agency.address,
        agency.address,
    )


def test_verdicts_are_read_in_pages(assigned, enterprise, agency):
    for n in range(3):
        assigned.recordVerdict(enterprise, YEAR, False, n, REPORT, f"wrong {n}", sender=agency)
    assert [v.recomputed for v in assigned.verdictsPage(enterprise, YEAR, 1, 5)] == [1, 2]
    assert [v.recomputed for v in assigned.verdictsPage(enterprise, YEAR, 0, 2)] == [0, 1]
    assert assigned.verdictsPage(enterprise, YEAR, 3, 5) == []


# --- taking back a pass -----------------------------------------------------------------------


@pytest.fixture
def passed(assigned, enterprise, agency):
    assigned.recordVerdict(enterprise, YEAR, True, 100_000_000, REPORT, "", sender=agency)
    return assigned


def test_the_regulator_rejects_a_pass_with_a_reason_and_reassigns(
    passed, regulator, enterprise, agency, other_agency
):
    receipt = passed.rejectVerdict(enterprise, YEAR, "agency licence withdrawn", sender=regulator)
    [event] = passed.VerdictRejected.from_receipt(receipt)
    assert (event.enterprise, event.year, event.number, event.reason) == (
        enterprise,
        YEAR,
        0,
        "agency licence withdrawn",
    )
    assert passed.verification(enterprise, YEAR).state == VerificationState.REJECTED
    [rejection] = passed.rejections(enterprise, YEAR)
    assert (rejection.verdict, rejection.regulator, rejection.reason) == (
        0,
        regulator.address,
        "agency licence withdrawn",
    )
    with ape.reverts(passed.InvalidState, state=VerificationState.REJECTED):
        passed.close(enterprise, YEAR, sender=regulator)
    with ape.reverts(passed.InvalidState, state=VerificationState.REJECTED):
        passed.recordVerdict(enterprise, YEAR, True, 5, REPORT, "", sender=agency)
    passed.assign(enterprise, YEAR, other_agency, sender=regulator)
    passed.recordVerdict(enterprise, YEAR, True, 99_000_000, REPORT, "", sender=other_agency)
    passed.close(enterprise, YEAR, sender=regulator)
    assert passed.verifiedEmissions(enterprise, YEAR) == 99_000_000
    assert [v.passed for v in passed.verdicts(enterprise, YEAR)] == [True, True]


def test_only_the_regulator_rejects_a_pass(passed, enterprise, stranger, agency):
    for who in (stranger, agency):
        with ape.reverts(passed.AccessControlUnauthorizedAccount):
            passed.rejectVerdict(enterprise, YEAR, "no", sender=who)


def test_only_a_pass_is_rejected_and_with_a_reason(assigned, regulator, enterprise, agency):
    with ape.reverts(assigned.InvalidState, state=VerificationState.ASSIGNED):
        assigned.rejectVerdict(enterprise, YEAR, "why", sender=regulator)
    assigned.recordVerdict(enterprise, YEAR, True, 1, REPORT, "", sender=agency)
    with ape.reverts(assigned.EmptyReason):
        assigned.rejectVerdict(enterprise, YEAR, "", sender=regulator)
    assigned.close(enterprise, YEAR, sender=regulator)
    with ape.reverts(assigned.InvalidState, state=VerificationState.CLOSED):
        assigned.rejectVerdict(enterprise, YEAR, "too late", sender=regulator)


def test_close_refuses_a_pass_of_an_agency_no_longer_approved(
    passed, registry, regulator, enterprise, agency
):
    registry.revoke(agency, "licence withdrawn", sender=regulator)
    with ape.reverts(passed.AgencyNotApproved, agency=agency.address, status=AgencyStatus.REVOKED):
        passed.close(enterprise, YEAR, sender=regulator)
    passed.rejectVerdict(enterprise, YEAR, "agency revoked", sender=regulator)
    with ape.reverts(passed.AgencyNotApproved):
        passed.assign(enterprise, YEAR, agency, sender=regulator)


def test_a_rejected_year_can_only_be_assigned_an_approved_agency(
    passed, registry, regulator, enterprise, agency
):
    registry.suspend(agency, "review", sender=regulator)
    passed.rejectVerdict(enterprise, YEAR, "agency suspended", sender=regulator)
    with ape.reverts(passed.AgencyNotApproved):
        passed.assign(enterprise, YEAR, agency, sender=regulator)
