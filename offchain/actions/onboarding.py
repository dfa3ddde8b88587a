"""Getting onto the chain: the regulator onboards enterprises, readers publish their keys.

Both are idempotent: what is already on chain is left as it is.
"""

from dataclasses import replace

from eth_account.signers.local import LocalAccount

from offchain.chain.bindings import Onboarding
from offchain.chain.reader import ChainReader
from offchain.chain.revert import RevertError
from offchain.chain.transact import Transactor
from offchain.core import credit_code, crypto
from offchain.errors import NotDeployedError


def onboard(
    reader: ChainReader, tx: Transactor, regulator: LocalAccount, enterprise: Onboarding
) -> tuple[str, bool]:
    """The enterprise's EnterpriseCarbon address, and whether this call created it.

    The credit code is normalised and checked first: it fixes the enterprise's addresses, so
    two spellings of one code must never become two enterprises.
    """
    enterprise = replace(enterprise, credit_code=credit_code.normalise(enterprise.credit_code))
    try:
        return reader.enterprise(enterprise.credit_code).carbon, False
    except NotDeployedError:
        pass
    tx.send(
        regulator,
        reader.singleton("EnterpriseFactory").functions.onboard(enterprise.encode()),
        f"onboarding {enterprise.credit_code}",
    )
    return reader.enterprise(enterprise.credit_code).carbon, True


def publish_key(reader: ChainReader, tx: Transactor, account: LocalAccount) -> bool:
    """Publishes the account's public key in the KeyDirectory; False if it already was."""
    directory = reader.singleton("KeyDirectory").functions
    public = crypto.public_key_of(bytes(account.key))
    try:
        if bytes(reader.call(directory.publicKeyOf(account.address), "key")) == public:
            return False
    except RevertError:
        pass
    tx.send(account, directory.publish(public), f"publishing the key of {account.address}")
    return True
