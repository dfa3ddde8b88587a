"""Getting onto the chain: the regulator onboards enterprises, readers publish their keys.

Both are idempotent: what is already on chain is left as it is.
"""

from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import ContractLogicError

from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core import crypto


@dataclass(frozen=True)
class Onboarding:
    """What the regulator supplies (EnterpriseFactory.Onboarding)."""

    name: str
    credit_code: str
    industry: str
    region: str
    admin: str
    account: str

    def fields(self) -> tuple:
        return (
            self.name,
            self.credit_code,
            self.industry.encode("ascii"),
            self.region,
            Web3.to_checksum_address(self.admin),
            Web3.to_checksum_address(self.account),
        )


def onboard(
    reader: ChainReader, tx: Transactor, regulator: LocalAccount, enterprise: Onboarding
) -> tuple[str, bool]:
    """The enterprise's EnterpriseCarbon address, and whether this call created it."""
    factory = reader.contract("EnterpriseFactory", reader.manifest.address("EnterpriseFactory"))
    try:
        return factory.functions.enterpriseOf(enterprise.credit_code).call()[0], False
    except ContractLogicError:
        pass
    tx.send(
        regulator,
        factory.functions.onboard(enterprise.fields()),
        f"onboarding {enterprise.credit_code}",
    )
    return factory.functions.enterpriseOf(enterprise.credit_code).call()[0], True


def publish_key(reader: ChainReader, tx: Transactor, account: LocalAccount) -> bool:
    """Publishes the account's public key in the KeyDirectory; False if it already was."""
    directory = reader.contract("KeyDirectory", reader.manifest.address("KeyDirectory"))
    public = crypto.public_key_of(bytes(account.key))
    try:
        if bytes(directory.functions.publicKeyOf(account.address).call()) == public:
            return False
    except ContractLogicError:
        pass
    tx.send(
        account, directory.functions.publish(public), f"publishing the key of {account.address}"
    )
    return True
