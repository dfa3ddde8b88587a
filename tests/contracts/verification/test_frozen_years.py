"""Frozen years: from the assignment of an agency on, an enterprise-year's records do not change
(except rectification while the latest verdict is a fail); verdicts pin the record set they
judged; `close` refuses a set that changed; a Closed year never changes."""

import ape
import pytest

from offchain.chain.bindings import Record, VerificationState, record_set_hash

YEAR = 2023
REPORT = b"\x42" * 32


@pytest.fixture(scope="module")
def enterprise(onboard):
    return onboard("91110000MA01FROZ1X")


@pytest.fixture
def doc(completed_in, layer):
    return lambda content=None: completed_in(layer, content)


@pytest.fixture
def submit(carbon, admin, doc, standards_set):
    """Submits a record of `year`; its index."""

    def make(year: int = YEAR, result: int = 1_000_000) -> int:
        s = (year, doc(), "一月", result, standards_set, False, False)
        return carbon.submit(s, sender=admin).return_value

    return make


@pytest.fixture
def year_with_records(submit):
    return [submit(), submit()]


@pytest.fixture
def assigned(verification, regulator, carbon, agency, year_with_records):
    verification.open(carbon, YEAR, sender=regulator)
    verification.assign(carbon, YEAR, agency, sender=regulator)
    return verification


def rectify(carbon, admin, doc, standards_set, index=0, year=YEAR):
    s = (year, doc(), "一月(整改后)", 900_000, standards_set, False, False)
    return carbon.rectify(index, s, doc(), sender=admin)


def frozen(carbon, state):
    return ape.reverts(carbon.YearFrozen, enterprise=carbon.address, year=YEAR, state=state)


def test_an_open_year_still_changes(
    verification, regulator, carbon, admin, submit, year_with_records
):
    verification.open(carbon, YEAR, sender=regulator)
    submit()
    carbon.invalidate(YEAR, 0, "wrong meter", sender=admin)
    assert carbon.verificationOf(YEAR) == "0x" + "00" * 20


def refuses_every_change(carbon, state, admin, submit, doc, standards_set):
    """A submission, an invalidation and a rectification of the year are each refused."""
    with frozen(carbon, state):
        submit()
    with frozen(carbon, state):
        carbon.invalidate(YEAR, 0, "a late change", sender=admin)
    with frozen(carbon, state):
        rectify(carbon, admin, doc, standards_set)


def test_assignment_freezes_the_year(assigned, carbon, admin, submit, doc, standards_set):
    assert carbon.verificationOf(YEAR) == assigned.address
    refuses_every_change(carbon, VerificationState.ASSIGNED, admin, submit, doc, standards_set)
    assert assigned.lockOf(carbon, YEAR) == (True, False, VerificationState.ASSIGNED)


def test_other_years_are_not_frozen(assigned, carbon, admin, submit):
    index = submit(year=YEAR + 1)
    carbon.invalidate(YEAR + 1, index, "wrong", sender=admin)


def test_a_failed_year_is_rectified_and_nothing_else(
    assigned, regulator, carbon, admin, agency, other_agency, submit, doc, standards_set
):
    assigned.recordVerdict(carbon, YEAR, False, 1, REPORT, "record 0 is wrong", sender=agency)
    with frozen(carbon, VerificationState.FAILED):
        submit()
    with frozen(carbon, VerificationState.FAILED):
        carbon.invalidate(YEAR, 1, "no", sender=admin)
    rectify(carbon, admin, doc, standards_set, index=0)
    # Still rectifiable after another agency is assigned: the latest verdict is a fail.
    assigned.assign(carbon, YEAR, other_agency, sender=regulator)
    rectify(carbon, admin, doc, standards_set, index=1)
    assigned.recordVerdict(carbon, YEAR, True, 2, REPORT, "", sender=other_agency)
    with frozen(carbon, VerificationState.PASSED):
        rectify(carbon, admin, doc, standards_set, index=2)


def test_a_closed_year_never_changes(
    assigned, regulator, carbon, admin, agency, submit, doc, standards_set
):
    assigned.recordVerdict(carbon, YEAR, True, 2_000_000, REPORT, "", sender=agency)
    assigned.close(carbon, YEAR, sender=regulator)
    refuses_every_change(carbon, VerificationState.CLOSED, admin, submit, doc, standards_set)
    assert assigned.lockOf(carbon, YEAR) == (True, False, VerificationState.CLOSED)


def test_a_rejected_year_stays_frozen(
    assigned, regulator, carbon, admin, agency, doc, standards_set
):
    assigned.recordVerdict(carbon, YEAR, True, 2_000_000, REPORT, "", sender=agency)
    assigned.rejectVerdict(carbon, YEAR, "agency under investigation", sender=regulator)
    with frozen(carbon, VerificationState.REJECTED):
        rectify(carbon, admin, doc, standards_set)


def test_a_verdict_pins_the_record_set_it_judged(
    assigned, carbon, admin, agency, doc, standards_set
):
    receipt = assigned.recordVerdict(carbon, YEAR, False, 1, REPORT, "wrong", sender=agency)
    before = carbon.recordSetHash(YEAR)
    records = [Record.decode(tuple(r)) for r in carbon.records(YEAR)]
    assert before == bytes.fromhex(record_set_hash(records)[2:])
    [event] = assigned.VerdictRecorded.from_receipt(receipt)
    assert (event.records, event.recordSet) == (2, before)
    rectify(carbon, admin, doc, standards_set)
    assigned.recordVerdict(carbon, YEAR, True, 2, REPORT, "", sender=agency)
    after = carbon.recordSetHash(YEAR)
    assert after != before
    assert [tuple(p) for p in assigned.verdictPins(carbon, YEAR)] == [(2, before), (3, after)]


def test_the_record_set_hash_covers_validity(carbon, admin, submit):
    index = submit(year=2030)
    before = carbon.recordSetHash(2030)
    carbon.invalidate(2030, index, "wrong", sender=admin)
    assert carbon.recordSetHash(2030) != before
    assert carbon.recordSetHash(2031) == bytes.fromhex(record_set_hash([])[2:])


def test_close_refuses_a_record_set_changed_since_the_pass(
    project, deploy_proxy, factory, index, registry, regulator, carbon, admin, agency,
    assigned, doc, standards_set,
):  # fmt: skip
    assigned.recordVerdict(carbon, YEAR, True, 2_000_000, REPORT, "", sender=agency)
    pinned = carbon.recordSetHash(YEAR)
    # The suite moves to another CarbonVerification, which fails the year; the enterprise
    # rectifies under it, so the first one's pass no longer describes the records.
    successor = deploy_proxy("CarbonVerification", regulator, index.address, registry.address)
    successor.setFactory(factory, sender=regulator)
    factory.setVerification(successor, sender=regulator)
    successor.open(carbon, YEAR, sender=regulator)
    successor.assign(carbon, YEAR, agency, sender=regulator)
    assert carbon.verificationOf(YEAR) == successor.address
    successor.recordVerdict(carbon, YEAR, False, 1, REPORT, "wrong", sender=agency)
    rectify(carbon, admin, doc, standards_set)
    with ape.reverts(
        assigned.RecordSetChanged,
        enterprise=carbon.address,
        year=YEAR,
        state=VerificationState.PASSED,
        pinned=(2, pinned),
        current=(3, carbon.recordSetHash(YEAR)),
    ):
        assigned.close(carbon, YEAR, sender=regulator)


def test_close_fixes_the_pinned_set(assigned, regulator, carbon, agency):
    assigned.recordVerdict(carbon, YEAR, True, 2_000_000, REPORT, "", sender=agency)
    receipt = assigned.close(carbon, YEAR, sender=regulator)
    [event] = assigned.VerificationClosed.from_receipt(receipt)
    assert (event.verifiedEmissions, event.records, event.recordSet) == (
        2_000_000,
        2,
        carbon.recordSetHash(YEAR),
    )


def test_only_the_named_verification_registers_itself(
    deploy_proxy, factory, index, registry, regulator, carbon, agency, stranger
):
    with ape.reverts(carbon.NotTheVerification):
        carbon.registerVerification(YEAR, sender=stranger)
    with ape.reverts(carbon.NotTheVerification):
        carbon.registerVerification(YEAR, sender=regulator)
    # Another CarbonVerification the factory does not name cannot freeze a year either.
    rogue = deploy_proxy("CarbonVerification", regulator, index.address, registry.address)
    rogue.setFactory(factory, sender=regulator)
    rogue.open(carbon, YEAR, sender=regulator)
    with ape.reverts(carbon.NotTheVerification):
        rogue.assign(carbon, YEAR, agency, sender=regulator)
