"""KeyDirectory grants: an enterprise's admin or the regulator wraps encrypted documents' keys
for readers added later, and revokes future access; nobody else does."""

import ape
import pytest


@pytest.fixture(scope="module")
def directory(deploy_proxy, regulator, index):
    return deploy_proxy("KeyDirectory", regulator, "0x" + "00" * 20)


DOCUMENTS = [b"\x01" * 32, b"\x02" * 32]
WRAPS = [b"\xaa" * 124, b"\xbb" * 124]


@pytest.fixture(scope="module")
def enterprise(onboard):
    return onboard("91110000GRANT0001X")


def test_the_enterprise_admin_grants_one_event_per_document(directory, carbon, admin, agency):
    receipt = directory.grantAccess(carbon, agency, DOCUMENTS, WRAPS, sender=admin)
    events = directory.AccessGranted.from_receipt(receipt)
    assert [(e.document, e.wrappedKey, e.grantor) for e in events] == [
        (DOCUMENTS[0], WRAPS[0], admin.address),
        (DOCUMENTS[1], WRAPS[1], admin.address),
    ]
    assert {(e.enterprise, e.reader) for e in events} == {(carbon.address, agency.address)}


def test_the_regulator_grants_too(directory, carbon, regulator, agency):
    receipt = directory.grantAccess(carbon, agency, DOCUMENTS[:1], WRAPS[:1], sender=regulator)
    assert len(directory.AccessGranted.from_receipt(receipt)) == 1


def test_an_account_that_is_neither_admin_nor_regulator_cannot_grant(
    directory, carbon, account, agency
):
    # The enterprise's data writer stores its documents but does not decide who reads them.
    with ape.reverts(
        directory.NotEnterpriseAdminOrRegulator, enterprise=carbon.address, caller=account.address
    ):
        directory.grantAccess(carbon, agency, DOCUMENTS, WRAPS, sender=account)


def test_an_address_without_code_has_no_admin(directory, stranger, agency):
    with ape.reverts(directory.NotEnterpriseAdminOrRegulator):
        directory.grantAccess(agency, stranger, DOCUMENTS, WRAPS, sender=stranger)


@pytest.mark.parametrize(
    ("documents", "wraps"), [(DOCUMENTS, WRAPS[:1]), ([], [])], ids=["fewer-keys", "empty"]
)
def test_a_grant_needs_one_wrapped_key_per_document_and_a_document(
    directory, carbon, admin, agency, documents, wraps
):
    with ape.reverts(directory.GrantMismatch, documents=len(documents), wrappedKeys=len(wraps)):
        directory.grantAccess(carbon, agency, documents, wraps, sender=admin)


def test_a_revoked_reader_is_granted_nothing_until_restored(
    directory, carbon, admin, regulator, other_agency
):
    receipt = directory.revokeAccess(carbon, other_agency, sender=admin)
    assert directory.AccessRevoked.from_receipt(receipt)[0].by == admin.address
    assert directory.isRevoked(carbon, other_agency)
    with ape.reverts(
        directory.ReaderRevoked, enterprise=carbon.address, reader=other_agency.address
    ):
        directory.grantAccess(carbon, other_agency, DOCUMENTS, WRAPS, sender=admin)
    directory.restoreAccess(carbon, other_agency, sender=regulator)
    assert not directory.isRevoked(carbon, other_agency)
    directory.grantAccess(carbon, other_agency, DOCUMENTS, WRAPS, sender=admin)


def test_revoking_twice_is_refused(directory, carbon, admin, stranger):
    directory.revokeAccess(carbon, stranger, sender=admin)
    with ape.reverts(directory.RevocationUnchanged, revoked=True):
        directory.revokeAccess(carbon, stranger, sender=admin)


def test_only_the_admin_or_regulator_revokes(directory, carbon, account, agency):
    with ape.reverts(directory.NotEnterpriseAdminOrRegulator):
        directory.revokeAccess(carbon, agency, sender=account)
