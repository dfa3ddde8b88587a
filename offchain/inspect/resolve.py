"""What an address, a name of the deployment, an index name or a credit code is in the suite.

Every contract of the deployment is listed once (`Suite.directory`): the manifest's proxies and
implementations, the factory's two beacons and what they point at, the implementation each proxy
runs now (which may not be the manifest's, after an upgrade by hand), and every enterprise's
EnterpriseCarbon and DataLayer.
"""

from dataclasses import dataclass
from functools import cached_property

from eth_utils import is_hex_address, to_checksum_address

from offchain.chain.bindings import Profile
from offchain.chain.reader import ChainReader
from offchain.core.credit_code import normalise
from offchain.core.names import parse_index_name
from offchain.errors import CarbonError, NotDeployedError
from offchain.inspect.catalog import BEACON, BEACON_ABI
from offchain.inspect.rpc import call_outputs, call_request, function_abi

# ERC-1967 slots: keccak256("eip1967.proxy.implementation" | ".beacon" | ".admin") - 1.
IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc"
BEACON_SLOT = "0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50"
ADMIN_SLOT = "0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103"
ZERO = "0x0000000000000000000000000000000000000000"


class UnknownTargetError(NotDeployedError):
    """An address, name or credit code that is no contract of the deployment."""


@dataclass(frozen=True)
class Target:
    """A contract of the suite: where it is, the ABI kind it is read with, and what the suite
    calls it (`CarbonIndex`, `GB_01_factor_20231001_0000`, `EnterpriseCarbon of 9111…`,
    `CarbonIndex implementation`, `EnterpriseCarbon beacon`)."""

    address: str
    kind: str
    label: str
    role: str  # proxy, implementation, beacon or enterprise
    credit_code: str | None = None  # an enterprise's


def slot_address(word: str | None) -> str | None:
    """The address kept in a storage slot's 32-byte word, None when the slot is empty."""
    value = int(word or "0x0", 16)
    return to_checksum_address(value.to_bytes(20, "big")) if value else None


class Suite:
    """The deployment as the chain shows it, read once per instance."""

    def __init__(self, reader: ChainReader) -> None:
        self.reader = reader
        self.manifest = reader.manifest

    @cached_property
    def beacons(self) -> dict[str, str]:
        """Beacon address -> the kind its proxies run (EnterpriseCarbon, DataLayer)."""
        factory = self.manifest.contracts.get("EnterpriseFactory")
        if factory is None:
            return {}
        beacons = function_abi(self.manifest.abi("EnterpriseFactory"), "beacons")
        (answer,) = self.reader.batch([call_request(factory.address, beacons)])
        found = call_outputs(self.reader, beacons, answer)
        return {
            found["carbonBeacon"]: "EnterpriseCarbon",
            found["dataLayerBeacon"]: "DataLayer",
        }

    @cached_property
    def enterprises(self) -> dict[str, tuple[str, str]]:
        """EnterpriseCarbon address -> (credit code, DataLayer address), in onboarding order."""
        if "EnterpriseFactory" not in self.manifest.contracts:
            return {}
        carbons = self.reader.enterprises()
        requests = [
            self.reader.eth_call("EnterpriseCarbon", c, "profile", [], None) for c in carbons
        ]
        result = {}
        for carbon, answer in zip(carbons, self.reader.batch(requests), strict=True):
            profile = Profile.decode(self.reader.decode("EnterpriseCarbon", "profile", answer))
            result[carbon] = (profile.credit_code, profile.data_layer)
        return result

    @cached_property
    def running(self) -> dict[str, str]:
        """Proxy or beacon -> the implementation it runs now (one batch)."""
        proxies = [record.address for record in self.manifest.contracts.values()]
        beacons = list(self.beacons)
        implementation = function_abi(BEACON_ABI, "implementation")
        requests = [("eth_getStorageAt", [p, IMPLEMENTATION_SLOT, "latest"]) for p in proxies]
        requests += [call_request(b, implementation) for b in beacons]
        found = self.reader.batch(requests)
        result = {}
        for proxy, answer in zip(proxies, found[: len(proxies)], strict=True):
            address = slot_address(answer.get("result"))
            if address is not None:
                result[proxy] = address
        for beacon, answer in zip(beacons, found[len(proxies) :], strict=True):
            result[beacon] = call_outputs(self.reader, implementation, answer)["0"]
        return result

    @cached_property
    def directory(self) -> dict[str, Target]:
        """Every contract of the deployment by lower-case address."""
        targets: dict[str, Target] = {}

        def add(target: Target) -> None:
            targets.setdefault(target.address.lower(), target)

        for name, record in self.manifest.contracts.items():
            add(Target(to_checksum_address(record.address), record.kind, name, "proxy"))
        for kind, address in self.manifest.implementations.items():
            add(
                Target(
                    to_checksum_address(address), kind, f"{kind} implementation", "implementation"
                )
            )
        for beacon, kind in self.beacons.items():
            add(Target(beacon, BEACON, f"{kind} beacon", "beacon"))
        for holder, address in self.running.items():
            kind = self.beacons.get(holder) or targets[holder.lower()].kind
            add(Target(address, kind, f"{kind} implementation", "implementation"))
        for carbon, (code, layer) in self.enterprises.items():
            add(
                Target(
                    carbon, "EnterpriseCarbon", f"EnterpriseCarbon of {code}", "enterprise", code
                )
            )
            add(Target(layer, "DataLayer", f"DataLayer of {code}", "enterprise", code))
        return targets

    @cached_property
    def labels(self) -> dict[str, str]:
        """What the suite calls each of its contracts, by lower-case address."""
        return {address: target.label for address, target in self.directory.items()}

    def resolve(self, text: str) -> Target:
        """The contract an address, a name of the deployment, a credit code or an index name
        denotes; UnknownTargetError when it is none of the suite's."""
        text = text.strip()
        if is_hex_address(text):
            target = self.directory.get(text.lower())
            if target is None:
                raise UnknownTargetError(
                    f"{to_checksum_address(text)} is no contract of this deployment (not in the "
                    "manifest, not an enterprise's, a beacon or an implementation)"
                )
            return target
        if text in self.manifest.contracts:
            record = self.manifest.contracts[text]
            return Target(to_checksum_address(record.address), record.kind, text, "proxy")
        if len(text) == 18 and "_" not in text:
            code = normalise(text)
            return self.enterprise(code)
        try:
            parsed = parse_index_name(text)
        except CarbonError:
            raise UnknownTargetError(
                f"{text!r} is neither an address, a contract of the deployment, a credit code "
                "nor an index name (PREFIX_NN_factor_YYYYMMDD_XXXX)"
            ) from None
        address = self.reader.resolve(text)
        return Target(to_checksum_address(address), parsed.contract, text, "proxy")

    def enterprise(self, code: str) -> Target:
        carbon = self.reader.enterprise(code).carbon
        label = f"EnterpriseCarbon of {code}"
        return Target(carbon, "EnterpriseCarbon", label, "enterprise", code)
