"""EnterpriseFactory and EnterpriseCarbon: onboarding, records, rectification, roles, beacons."""

import hashlib

import ape
import pytest

from offchain.chain.bindings import EntryStatus

CODE = "91110000MA01ABCD1X"


@pytest.fixture(scope="module")
def enterprise(onboard):
    return onboard(CODE)


@pytest.fixture
def completed_entry(completed_in, layer):
    """Stores and completes a document in the enterprise's DataLayer; returns its digest."""
    return lambda content=None: completed_in(layer, content)


def submission(
    data: bytes,
    standards_set: int,
    title: str = "一月",
    result: int = 274_202_236,
    aggregated: bool = False,
    self_measured: bool = False,
    year: int = 2023,
):
    return (year, data, title, result, standards_set, aggregated, self_measured)


# --- onboarding -----------------------------------------------------------------------------


def test_onboarding_creates_both_contracts_with_the_profile(carbon, layer, admin, account):
    profile = carbon.profile()
    assert (profile.name, profile.creditCode, profile.industryCode, profile.region) == (
        "华能示范电厂",
        CODE,
        b"01",
        "北京",
    )
    assert profile.dataLayer == layer.address
    assert carbon.hasRole(carbon.ENTERPRISE_ADMIN_ROLE(), admin)
    assert layer.hasRole(layer.DATA_WRITER_ROLE(), account)


def test_the_factory_regulator_is_regulator_of_every_enterprise(carbon, layer, regulator, stranger):
    assert carbon.hasRole(carbon.REGULATOR_ROLE(), regulator)
    assert layer.hasRole(layer.REGULATOR_ROLE(), regulator)
    assert not carbon.hasRole(carbon.REGULATOR_ROLE(), stranger)


def test_regulator_authority_follows_the_factory(factory, carbon, regulator, stranger):
    factory.grantRole(factory.REGULATOR_ROLE(), stranger, sender=regulator)
    assert carbon.hasRole(carbon.REGULATOR_ROLE(), stranger)
    factory.revokeRole(factory.REGULATOR_ROLE(), stranger, sender=regulator)
    assert not carbon.hasRole(carbon.REGULATOR_ROLE(), stranger)


def test_only_the_regulator_onboards(factory, stranger, admin, account):
    with ape.reverts(factory.AccessControlUnauthorizedAccount):
        factory.onboard(("x", "91110000MA01ABCD2X", b"01", "北京", admin, account), sender=stranger)


def test_a_credit_code_is_onboarded_once(factory, enterprise, regulator, admin, account):
    with ape.reverts(factory.EnterpriseExists):
        factory.onboard(("again", CODE, b"01", "北京", admin, account), sender=regulator)


def test_a_credit_code_is_required(factory, regulator, admin, account):
    with ape.reverts(factory.EmptyCreditCode):
        factory.onboard(("x", "", b"01", "北京", admin, account), sender=regulator)


def test_unknown_credit_codes_are_named(factory):
    with ape.reverts(factory.UnknownEnterprise, creditCode="nobody"):
        factory.enterpriseOf("nobody")


def test_enterprises_are_listed_in_onboarding_order(factory, enterprise, regulator, admin, account):
    factory.onboard(
        ("second", "91110000MA01ABCD3X", b"02", "上海", admin, account), sender=regulator
    )
    listed = factory.enterprises()
    assert listed[0] == enterprise[0].address
    assert listed[1] == factory.enterpriseOf("91110000MA01ABCD3X").carbon
    assert factory.enterpriseCount() == 2


def test_a_beacon_upgrade_reaches_every_enterprise(
    project, factory, regulator, admin, account, completed_entry, standards_set
):
    carbons = []
    for i in range(3):
        factory.onboard(
            (f"企业{i}", f"9111000000000000{i}X", b"01", "北京", admin, account), sender=regulator
        )
        carbons.append(
            project.EnterpriseCarbon.at(factory.enterpriseOf(f"9111000000000000{i}X").carbon)
        )
    layer = project.DataLayer.at(carbons[0].profile().dataLayer)
    content = b'{"kept": "across the upgrade"}'
    layer.storeInLog(content, [], sender=account)
    digest = hashlib.sha256(content).digest()
    layer.complete(digest, sender=account)
    carbons[0].submit(submission(digest, standards_set), sender=admin)
    new_impl = regulator.deploy(project.EnterpriseCarbon)
    factory.upgradeEnterpriseCarbon(new_impl.address, sender=regulator)
    assert [c.implementation() for c in carbons] == [new_impl.address] * 3
    assert carbons[0].record(2023, 0).data == digest


def test_a_data_layer_beacon_upgrade_reaches_every_enterprise(project, factory, regulator, layer):
    new_impl = regulator.deploy(project.DataLayer)
    factory.upgradeEnterpriseDataLayer(new_impl.address, sender=regulator)
    assert layer.implementation() == new_impl.address


@pytest.mark.parametrize("method", ["upgradeEnterpriseCarbon", "upgradeEnterpriseDataLayer"])
def test_only_the_regulator_upgrades_enterprises(project, factory, regulator, stranger, method):
    new_impl = regulator.deploy(project.DataLayer)
    with ape.reverts(factory.AccessControlUnauthorizedAccount):
        getattr(factory, method)(new_impl.address, sender=stranger)


def test_an_enterprise_proxy_cannot_be_upgraded_on_its_own(project, carbon, regulator):
    new_impl = regulator.deploy(project.EnterpriseCarbon)
    with ape.reverts(carbon.UUPSUnauthorizedCallContext):
        carbon.upgradeToAndCall(new_impl.address, b"", sender=regulator)


def test_an_onboarded_enterprise_cannot_be_initialised_again(carbon, stranger):
    with ape.reverts(carbon.InvalidInitialization):
        carbon.initialize(stranger, ("x", "y", "z", stranger.address, b"01"), sender=stranger)


# --- records --------------------------------------------------------------------------------


def test_admin_submits_a_record_with_everything_it_pins(
    carbon, admin, completed_entry, standards_set
):
    data = completed_entry()
    receipt = carbon.submit(submission(data, standards_set, self_measured=True), sender=admin)
    record = carbon.record(2023, receipt.return_value)
    assert (record.data, record.valid, record.aggregated, record.selfMeasured) == (
        data,
        True,
        False,
        True,
    )
    assert (record.result, record.standardsSet, record.replaces, record.submitter) == (
        274_202_236,
        standards_set,
        0,
        admin.address,
    )
    assert record.dataStatus == EntryStatus.COMPLETED
    [event] = carbon.RecordSubmitted.from_receipt(receipt)
    assert (event.title, event.result, event.data) == ("一月", 274_202_236, data)


@pytest.mark.parametrize("who", ["account", "stranger", "regulator"])
def test_only_the_enterprise_admin_submits(carbon, completed_entry, standards_set, request, who):
    with ape.reverts(
        carbon.AccessControlUnauthorizedAccount, neededRole=carbon.ENTERPRISE_ADMIN_ROLE()
    ):
        carbon.submit(
            submission(completed_entry(), standards_set), sender=request.getfixturevalue(who)
        )


def test_the_same_activity_data_backs_one_record(carbon, admin, completed_entry, standards_set):
    data = completed_entry()
    carbon.submit(submission(data, standards_set), sender=admin)
    with ape.reverts(carbon.DuplicateData):
        carbon.submit(submission(data, standards_set, title="二月"), sender=admin)


def test_a_record_needs_a_title_and_a_standards_set(carbon, admin, completed_entry, standards_set):
    with ape.reverts(carbon.EmptyTitle):
        carbon.submit(submission(completed_entry(), standards_set, title=""), sender=admin)
    with ape.reverts(carbon.NoStandardsSet):
        carbon.submit(submission(completed_entry(), 0), sender=admin)


def test_a_record_shows_when_its_data_is_not_a_completed_entry(carbon, admin, standards_set):
    missing = hashlib.sha256(b"never stored").digest()
    carbon.submit(submission(missing, standards_set), sender=admin)
    assert carbon.record(2023, carbon.recordCount(2023) - 1).dataStatus == 0


def test_records_of_a_year_are_read_in_one_call(carbon, admin, completed_entry, standards_set):
    for month in ("一月", "二月", "三月"):
        carbon.submit(submission(completed_entry(), standards_set, title=month), sender=admin)
    carbon.submit(
        submission(completed_entry(), standards_set, title="年度", aggregated=True, year=2024),
        sender=admin,
    )
    assert len(carbon.records(2023)) == 3
    assert [r.aggregated for r in carbon.records(2024)] == [True]
    assert carbon.recordYears() == [2023, 2024]


def test_the_record_of_a_data_entry_is_found_by_its_digest(
    carbon, admin, completed_entry, standards_set
):
    data = completed_entry()
    index = carbon.submit(submission(data, standards_set, year=2025), sender=admin).return_value
    assert carbon.recordOfData(data) == (2025, index)


def test_admin_invalidates_a_record_and_it_stays_readable(
    carbon, admin, completed_entry, standards_set
):
    index = carbon.submit(submission(completed_entry(), standards_set), sender=admin).return_value
    receipt = carbon.invalidate(2023, index, "wrong meter reading", sender=admin)
    assert not carbon.record(2023, index).valid
    [event] = carbon.RecordInvalidated.from_receipt(receipt)
    assert event.reason == "wrong meter reading"
    with ape.reverts(carbon.RecordNotValid):
        carbon.invalidate(2023, index, "again", sender=admin)


def test_strangers_cannot_invalidate(carbon, admin, stranger, completed_entry, standards_set):
    index = carbon.submit(submission(completed_entry(), standards_set), sender=admin).return_value
    with ape.reverts(carbon.AccessControlUnauthorizedAccount):
        carbon.invalidate(2023, index, "no", sender=stranger)


def test_missing_records_are_named_with_the_count(carbon):
    with ape.reverts(carbon.RecordNotFound, year=1999, index=0, count=0):
        carbon.record(1999, 0)


def test_rectification_keeps_both_records_and_links_them(
    carbon, admin, completed_entry, standards_set
):
    old = carbon.submit(submission(completed_entry(), standards_set), sender=admin).return_value
    evidence = completed_entry(b"rectification report")
    new_data = completed_entry()
    receipt = carbon.rectify(
        old,
        submission(new_data, standards_set, title="一月(整改后)", result=270_000_000),
        evidence,
        sender=admin,
    )
    new = carbon.record(2023, receipt.return_value)
    assert not carbon.record(2023, old).valid
    assert (new.valid, new.replaces, new.rectificationEvidence, new.result) == (
        True,
        old + 1,
        evidence,
        270_000_000,
    )
    [event] = carbon.RecordRectified.from_receipt(receipt)
    assert (event.replaced, event.evidence) == (old, evidence)


def test_rectification_evidence_must_be_a_completed_entry(
    carbon, admin, layer, account, completed_entry, standards_set
):
    old = carbon.submit(submission(completed_entry(), standards_set), sender=admin).return_value
    layer.storeInLog(b"draft evidence", [], sender=account)
    with ape.reverts(carbon.DataNotCompleted):
        carbon.rectify(
            old,
            submission(completed_entry(), standards_set),
            hashlib.sha256(b"draft evidence").digest(),
            sender=admin,
        )


def test_strangers_cannot_rectify(carbon, admin, stranger, completed_entry, standards_set):
    old = carbon.submit(submission(completed_entry(), standards_set), sender=admin).return_value
    with ape.reverts(carbon.AccessControlUnauthorizedAccount):
        carbon.rectify(
            old, submission(completed_entry(), standards_set), completed_entry(), sender=stranger
        )


# --- profile and roles ----------------------------------------------------------------------


def test_the_regulator_updates_the_profile(carbon, regulator):
    receipt = carbon.updateProfile("华能示范电厂(新)", b"01", "河北", sender=regulator)
    assert carbon.profile().region == "河北"
    assert len(carbon.ProfileUpdated.from_receipt(receipt)) == 1


def test_the_enterprise_admin_cannot_update_the_profile(carbon, admin):
    with ape.reverts(carbon.AccessControlUnauthorizedAccount):
        carbon.updateProfile("x", b"01", "y", sender=admin)


def test_the_regulator_adds_enterprise_accounts(layer, regulator, stranger):
    layer.grantRole(layer.DATA_WRITER_ROLE(), stranger, sender=regulator)
    assert layer.hasRole(layer.DATA_WRITER_ROLE(), stranger)


def test_enterprise_accounts_cannot_grant_roles(layer, account, stranger):
    with ape.reverts(layer.AccessControlUnauthorizedAccount):
        layer.grantRole(layer.DATA_WRITER_ROLE(), stranger, sender=account)


# --- integrity (issue 10) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "position"),
    [
        ("91110000MA01ABCD1", 17),  # 17 characters
        ("91110000MA01ABCD1XY", 19),
        (" 91110000MA01ABCD1", 0),  # not trimmed
        ("91110000MA01ABCD\n1", 16),
    ],
)
def test_a_credit_code_is_eighteen_printable_characters(
    factory, regulator, admin, account, code, position
):
    with ape.reverts(factory.MalformedCreditCode, creditCode=code, position=position):
        factory.onboard(("x", code, b"01", "北京", admin, account), sender=regulator)


def test_the_factory_knows_its_enterprises(project, factory, deploy_proxy, carbon, admin, stranger):
    assert factory.isEnterprise(carbon)
    assert not factory.isEnterprise(stranger)
    assert not factory.isEnterprise(factory)  # a contract without a profile
    look_alike = deploy_proxy("EnterpriseCarbon", admin, tuple(carbon.profile()))
    assert not factory.isEnterprise(look_alike)


def test_enterprises_are_read_in_pages(factory, enterprise, regulator, admin, account):
    for i in range(3):
        factory.onboard(
            (f"p{i}", f"91110000MA01PAGE{i}X", b"01", "北京", admin, account), sender=regulator
        )
    listed = factory.enterprises()
    assert factory.enterprisesPage(1, 2) == listed[1:3]
    assert factory.enterprisesPage(2, 100) == listed[2:]
    assert factory.enterprisesPage(len(listed), 5) == []


def test_only_the_regulator_names_the_verification(factory, stranger, regulator):
    with ape.reverts(factory.AccessControlUnauthorizedAccount):
        factory.setVerification(stranger, sender=stranger)
    receipt = factory.setVerification(stranger, sender=regulator)
    [event] = factory.VerificationChanged.from_receipt(receipt)
    assert event.current == stranger.address
    assert factory.verification() == stranger.address


def test_records_of_a_year_are_read_in_pages(carbon, admin, completed_entry, standards_set):
    data = [completed_entry() for _ in range(3)]
    for d in data:
        carbon.submit(submission(d, standards_set, year=2026), sender=admin)
    assert [r.data for r in carbon.recordsPage(2026, 1, 5)] == data[1:]
    assert [r.data for r in carbon.recordsPage(2026, 0, 2)] == data[:2]
    assert carbon.recordsPage(2026, 3, 5) == []
    assert carbon.recordsPage(1999, 0, 5) == []


def test_the_submission_event_names_period_standards_set_and_submitter(
    carbon, admin, completed_entry, standards_set
):
    receipt = carbon.submit(submission(completed_entry(), standards_set), sender=admin)
    [event] = carbon.RecordSubmitted.from_receipt(receipt)
    assert (event.year, event.standardsSet, event.submitter) == (
        2023,
        standards_set,
        admin.address,
    )
