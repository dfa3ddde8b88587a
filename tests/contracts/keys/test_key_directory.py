"""KeyDirectory: each account publishes its own encryption key, and only its own."""

import ape
import pytest
from eth_keys import keys


@pytest.fixture(scope="module")
def directory(deploy_proxy, regulator, index):
    return deploy_proxy("KeyDirectory", regulator, "0x" + "00" * 20)


def public_key(account) -> bytes:
    return keys.PrivateKey(bytes.fromhex(account.private_key[2:])).public_key.to_bytes()


def test_an_account_publishes_its_own_key(directory, stranger):
    receipt = directory.publish(public_key(stranger), sender=stranger)
    assert directory.publicKeyOf(stranger) == public_key(stranger)
    assert len(directory.KeyPublished.from_receipt(receipt)) == 1


def test_nobody_publishes_a_key_for_someone_else(directory, stranger, regulator):
    with ape.reverts(directory.KeyDoesNotMatchSender):
        directory.publish(public_key(regulator), sender=stranger)


def test_a_key_must_be_64_bytes(directory, stranger):
    with ape.reverts(directory.KeyDoesNotMatchSender):
        directory.publish(public_key(stranger)[:33], sender=stranger)


def test_an_account_without_a_key_is_named(directory, regulator):
    with ape.reverts(directory.NoPublicKey, account=regulator.address):
        directory.publicKeyOf(regulator)
