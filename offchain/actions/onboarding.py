"""Getting onto the chain: the regulator onboards enterprises, readers publish their keys.

Both are idempotent: what is already on chain is left as it is. An onboarding is checked before
anything is sent (credit code, names, a published industry, addresses); asking again with other
values changes nothing and says what differs (`update_profile` changes a profile on purpose).
"""

from dataclasses import replace

from eth_account.signers.local import LocalAccount
from eth_utils import is_address, to_checksum_address

from offchain.chain.bindings import ROLES, Onboarding, Profile
from offchain.chain.reader import ChainReader
from offchain.chain.revert import RevertError
from offchain.chain.transact import Transactor
from offchain.core import credit_code, crypto
from offchain.core.names import series_of
from offchain.errors import CarbonError, NotDeployedError

ZERO_ADDRESS = "0x" + "00" * 20
MAX_TEXT = 200  # characters of a name or region: a register entry, not a document


class OnboardingError(CarbonError):
    """An onboarding that cannot be sent as asked; the message says what to change."""


def checked(reader: ChainReader, enterprise: Onboarding) -> Onboarding:
    """`enterprise` normalised, or OnboardingError naming the first field that is wrong.

    The credit code fixes the enterprise's addresses, so two spellings of one code must never
    become two enterprises; the industry must be one whose standards the index publishes.
    """
    code = credit_code.normalise(enterprise.credit_code)
    name, region = enterprise.name.strip(), enterprise.region.strip()
    for label, text in (("name", name), ("region", region)):
        if not text:
            raise OnboardingError(f"{code}: the {label} is empty")
        if len(text) > MAX_TEXT:
            raise OnboardingError(f"{code}: the {label} has {len(text)} characters (> {MAX_TEXT})")
    industry = enterprise.industry_code
    if len(industry) != 2 or not industry.isdigit():
        raise OnboardingError(f"{code}: industry {industry!r} is not a two-digit code such as 01")
    published = reader.series_list()
    if series_of("GB", industry, "factor") not in published:
        known = sorted({s.split("_")[1] for s in published if s.endswith("_factor")})
        raise OnboardingError(
            f"{code}: industry {industry} has no published standards; the index publishes "
            f"industries {', '.join(known)}"
        )
    addresses = {}
    for label, address in (("admin", enterprise.admin), ("account", enterprise.account)):
        if not is_address(address):
            raise OnboardingError(f"{code}: the {label} {address!r} is not an Ethereum address")
        if int(address, 16) == 0:
            raise OnboardingError(f"{code}: the {label} is the zero address")
        addresses[label] = to_checksum_address(address)
    return replace(
        enterprise,
        credit_code=code,
        name=name,
        region=region,
        admin=addresses["admin"],
        account=addresses["account"],
    )


def differences(reader: ChainReader, enterprise: Onboarding) -> list[str]:
    """How an onboarded enterprise differs from `enterprise` (empty when it does not)."""
    found = reader.enterprise(enterprise.credit_code)
    profile = reader.profile(found.carbon)
    changed = [
        f"{label} is {on_chain!r}, not {asked!r}"
        for label, on_chain, asked in _profile_changes(profile, enterprise)
    ]
    for role, kind, address, account in (
        ("ENTERPRISE_ADMIN", "EnterpriseCarbon", found.carbon, enterprise.admin),
        ("DATA_WRITER", "DataLayer", found.data_layer, enterprise.account),
    ):
        if not reader.has_role(kind, address, role, account):
            changed.append(f"{account} does not hold {role}")
    return changed


def _profile_changes(profile: Profile, wanted: Onboarding) -> list[tuple[str, str, str]]:
    """(field, on chain, wanted) of each profile field that differs."""
    return [
        (label, on_chain, asked)
        for label, on_chain, asked in (
            ("name", profile.name, wanted.name),
            ("region", profile.region, wanted.region),
            ("industry", profile.industry_code, wanted.industry_code),
        )
        if on_chain != asked
    ]


def onboard(
    reader: ChainReader, tx: Transactor, regulator: LocalAccount, enterprise: Onboarding
) -> tuple[str, bool]:
    """The enterprise's EnterpriseCarbon address, and whether this call created it."""
    enterprise = checked(reader, enterprise)
    try:
        carbon = reader.enterprise(enterprise.credit_code).carbon
    except NotDeployedError:
        carbon = None
    if carbon is not None:
        changed = differences(reader, enterprise)
        if changed:
            raise OnboardingError(
                f"{enterprise.credit_code} is already onboarded and differs: "
                + "; ".join(changed)
                + "; nothing was changed (`carbon enterprise update` changes the profile)"
            )
        return carbon, False
    tx.send(
        regulator,
        reader.singleton("EnterpriseFactory").functions.onboard(enterprise.encode()),
        f"onboarding {enterprise.credit_code}",
    )
    return reader.enterprise(enterprise.credit_code).carbon, True


def update_profile(
    reader: ChainReader,
    tx: Transactor,
    regulator: LocalAccount,
    code: str,
    name: str | None = None,
    region: str | None = None,
    industry: str | None = None,
) -> list[str]:
    """Changes what is given of an enterprise's profile (regulator); returns what changed."""
    code = credit_code.normalise(code)
    carbon = reader.enterprise(code).carbon
    profile = reader.profile(carbon)
    wanted = Onboarding(
        name if name is not None else profile.name,
        code,
        industry if industry is not None else profile.industry_code,
        region if region is not None else profile.region,
        regulator.address,
        regulator.address,
    )
    wanted = checked(reader, wanted)
    changed = [
        f"{label}: {old!r} -> {new!r}" for label, old, new in _profile_changes(profile, wanted)
    ]
    if changed:
        call = reader.contract("EnterpriseCarbon", carbon).functions.updateProfile(
            wanted.name, wanted.industry_code.encode("ascii"), wanted.region
        )
        tx.send(regulator, call, f"updating the profile of {code}")
    return changed


# Which contract of an enterprise each of its roles is held on.
ENTERPRISE_ROLES = {"ENTERPRISE_ADMIN": "EnterpriseCarbon", "DATA_WRITER": "DataLayer"}


def set_role(
    reader: ChainReader,
    tx: Transactor,
    regulator: LocalAccount,
    code: str,
    role: str,
    account: str,
    grant: bool,
) -> bool:
    """Grants or revokes an enterprise role (regulator); False when it already was so."""
    if role not in ENTERPRISE_ROLES:
        raise OnboardingError(f"{role!r} is not an enterprise role: {', '.join(ENTERPRISE_ROLES)}")
    if not is_address(account) or int(account, 16) == 0:
        raise OnboardingError(f"{account!r} is not an account that can hold {role}")
    account = to_checksum_address(account)
    code = credit_code.normalise(code)
    found = reader.enterprise(code)
    kind = ENTERPRISE_ROLES[role]
    address = found.carbon if kind == "EnterpriseCarbon" else found.data_layer
    if reader.has_role(kind, address, role, account) == grant:
        return False
    functions = reader.contract(kind, address).functions
    call = (functions.grantRole if grant else functions.revokeRole)(ROLES[role], account)
    verb = "granting" if grant else "revoking"
    tx.send(regulator, call, f"{verb} {role} of {code} to {account}")
    return True


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


def let_carbon_store_documents(
    reader: ChainReader, tx: Transactor, regulator: LocalAccount, code: str
) -> bool:
    """Lets the enterprise's EnterpriseCarbon write its DataLayer, so that a submission is one
    transaction (`submitWithData`): the factory does so at onboarding since DataLayer 1.2.0, and
    the regulator does it once for each enterprise onboarded before. False when it already may."""
    carbon = reader.enterprise(credit_code.normalise(code)).carbon
    return set_role(reader, tx, regulator, code, "DATA_WRITER", carbon, True)
