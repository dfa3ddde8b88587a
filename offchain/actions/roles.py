"""Which roles an address holds across the suite, read from the contracts' AccessControl."""

from offchain.chain.bindings import AgencyStatus
from offchain.chain.reader import ChainReader


def roles_of(reader: ChainReader, address: str) -> list[str]:
    """The roles of `address`, e.g. `REGULATOR`, `agency (Approved)`,
    `ENTERPRISE_ADMIN of 9111…`, in that order."""
    index = reader.manifest.address("CarbonIndex")
    roles = [
        role
        for role in ("REGULATOR", "STANDARDS_EDITOR")
        if reader.has_role("CarbonIndex", index, role, address)
    ]
    status = reader.agency_status(address)
    if status is not AgencyStatus.NONE:
        roles.append(f"agency ({status})")
    for carbon in reader.enterprises():
        profile = reader.profile(carbon)
        if reader.has_role("EnterpriseCarbon", carbon, "ENTERPRISE_ADMIN", address):
            roles.append(f"ENTERPRISE_ADMIN of {profile.credit_code}")
        if reader.has_role("DataLayer", profile.data_layer, "DATA_WRITER", address):
            roles.append(f"DATA_WRITER of {profile.credit_code}")
    return roles
