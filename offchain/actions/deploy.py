"""Deploying the suite and publishing the seed standards, idempotently.

Used by `ape run deploy` and by the tests. Every step first looks at what the chain already has
(manifest addresses with code, DataLayer entries, index names, revisions), so running it again
sends no transaction unless something changed:
- a seed document: it is published as a new revision;
- a contract's source or compiler settings: its new implementation is deployed and every proxy
  of that kind upgraded to it (UUPS singletons and standards libraries, and the enterprise
  beacons through the factory), so a chain never keeps running code the sources no longer say.
  Given where the deployment keeps its build-info (`build_info`), every such upgrade is first
  checked against the build that is deployed (storage layout, upgrade safety; see
  `upgrade_safety`), and an unsafe one is refused before any transaction is sent.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offchain.actions.upgrade_safety import UpgradeGuard
from offchain.calc.calculator import check_formulas
from offchain.chain.bindings import EntryStatus, Revision
from offchain.chain.manifest import ContractRecord, Manifest
from offchain.core.documents import Kind, load, read_file, sha256_hex
from offchain.core.names import parse_index_name
from offchain.core.store import DocumentStore
from offchain.errors import DocumentError
from offchain.paths import SEEDS

SINGLETONS = (
    "CarbonIndex",
    "DataLayer",
    "KeyDirectory",
    "DeviceRegistry",
    "EnterpriseFactory",
    "VerifierRegistry",
    "CarbonVerification",
    "CarbonQuota",
    "Compliance",
)
STANDARD_KINDS = {"factor": "FactorLibrary", "formula": "FormulaLibrary", "calculate": "CalcCode"}
ABI_KINDS = (*SINGLETONS, *STANDARD_KINDS.values(), "EnterpriseCarbon")
# Bytes above this go to the off-chain store with only their digest on chain; below, into state
# (SSTORE2), where they stay readable for as long as the chain exists. 64 KiB at about 224 gas
# per byte stays under the 2^24 gas cap on one transaction (EIP-7825).
STATE_LIMIT = 64 * 1024
_NAME_DATE = re.compile(r"_(\d{4})(\d{2})(\d{2})_[A-Za-z0-9]{4}$")
_JS_VERSION = re.compile(r"@version\s+(\S+)")


@dataclass(frozen=True)
class SeedDocument:
    """A standard to publish: its index name, contract kind, bytes and metadata."""

    name: str
    kind: str
    data: bytes
    industry_code: str
    year: str
    title: str
    version: str

    @property
    def digest(self) -> str:
        return sha256_hex(self.data)


@dataclass
class GasLog:
    """Gas used by each transaction the deployer sent, in order."""

    rows: list[tuple[str, int]] = field(default_factory=list)

    def add(self, label: str, receipt: Any) -> None:
        self.rows.append((label, int(receipt.gas_used)))

    @property
    def total(self) -> int:
        return sum(gas for _, gas in self.rows)


def same_build(deployed: bytes, compiled: bytes) -> bool:
    """Whether deployed runtime code was built from the same sources and settings as `compiled`.

    Immutables (UUPS keeps its own address in one) make the bodies differ; the CBOR metadata at
    the end does not, and it holds the hash of the metadata, which covers every source file and
    compiler setting.
    """
    trailer = int.from_bytes(compiled[-2:], "big") + 2
    return len(deployed) >= trailer and bytes(deployed[-trailer:]) == compiled[-trailer:]


def _runtime(container: Any) -> bytes:
    return bytes.fromhex(container.contract_type.runtime_bytecode.bytecode.removeprefix("0x"))


def seed_documents(seeds: Path = SEEDS) -> Iterator[SeedDocument]:
    """The calculation code first (formulas are checked with it), then factors and formulas."""
    codes = sorted((seeds / "calc").glob("*_calculate_*.js"))
    for path in codes:
        data = read_file(path)
        match = _JS_VERSION.search(data.decode("utf-8"))
        yield SeedDocument(
            path.stem,
            "calculate",
            data,
            "",
            _year(path.stem),
            path.stem,
            match.group(1) if match else "1.0.0",
        )
    # Each family's formulas are checked with that family's newest code (GB_…, ISO_…).
    code_of = {parse_index_name(p.stem).prefix: read_file(p).decode("utf-8") for p in codes}
    for folder, kind, schema in (
        ("factors", "factor", "factor-library"),
        ("formulas", "formula", "formula-library"),
    ):
        for path in sorted((seeds / folder).glob("*.json")):
            family = parse_index_name(path.stem).prefix
            if codes and family not in code_of:
                raise DocumentError(
                    f"{path}: no calculation code {family}_calculate_… in {seeds / 'calc'}; "
                    "a family publishes its own code"
                )
            yield json_seed(path, kind, schema, code_of.get(family))


def json_seed(path: Path, kind: str, schema: Kind, code: str | None) -> SeedDocument:
    """A factor or formula library file checked as a standard: schema, name, formulas."""
    data = read_file(path)
    document = load(data, schema, str(path))
    meta = document["meta"]
    if meta["index_name"] != path.stem:
        raise DocumentError(
            f"{path}: meta.index_name {meta['index_name']!r} must equal the file name"
        )
    if kind == "formula" and code is not None:
        check_formulas(document, code)
    return SeedDocument(
        path.stem, kind, data, meta["industry_code"], meta["year"], meta["name"], meta["version"]
    )


def _year(name: str) -> str:
    match = _NAME_DATE.search(name)
    return match.group(1) if match else ""


class SuiteDeployer:
    """Deploys the singletons behind proxies, then publishes and registers the standards."""

    def __init__(
        self,
        project: Any,
        account: Any,
        manifest: Manifest,
        store: DocumentStore,
        code_at: Callable[[str], bytes],
        build_info: Path | None = None,
    ) -> None:
        """`build_info`: where the build-info of the deployed contracts is kept (e.g.
        `deployments/<network>.buildinfo.json`); upgrades are checked against it and it is
        rewritten after a deployment. None: upgrades are not checked."""
        self.project = project
        self.account = account
        self.manifest = manifest
        self.store = store
        self.code_at = code_at
        self.guard = UpgradeGuard(build_info) if build_info is not None else None
        self.gas = GasLog()
        self._new_implementations = False

    def deploy(self, seeds: Iterator[SeedDocument] | None = None) -> Manifest:
        if self.guard is not None:
            # Before any transaction: a refused upgrade leaves the chain as it was.
            self.guard.check(*self._upgrades())
        for kind in ABI_KINDS:
            self._implementation(kind)
            self.manifest.abis[kind] = self._abi(kind)
        index = self._singleton(
            "CarbonIndex",
            lambda impl: impl.initialize.encode_input(self.account.address, self.account.address),
        )
        layer = self._singleton(
            "DataLayer",
            lambda impl: impl.initialize.encode_input(
                self.account.address, self.account.address, index.address
            ),
        )
        self._name_official_data_layer(index, layer)
        keys = self._singleton(
            "KeyDirectory",
            lambda impl: impl.initialize.encode_input(self.account.address, index.address),
        )
        factory = self._singleton(
            "EnterpriseFactory",
            lambda impl: impl.initialize.encode_input(
                self.account.address,
                index.address,
                self.manifest.implementations["EnterpriseCarbon"],
                self.manifest.implementations["DataLayer"],
            ),
        )
        devices = self._singleton(
            "DeviceRegistry",
            lambda impl: impl.initialize.encode_input(
                self.account.address, index.address, factory.address
            ),
        )
        registry = self._singleton(
            "VerifierRegistry",
            lambda impl: impl.initialize.encode_input(self.account.address, index.address),
        )
        verification = self._singleton(
            "CarbonVerification",
            lambda impl: impl.initialize.encode_input(
                self.account.address, index.address, registry.address
            ),
        )
        quota = self._singleton(
            "CarbonQuota",
            lambda impl: impl.initialize.encode_input(
                self.account.address, index.address, factory.address
            ),
        )
        compliance = self._singleton(
            "Compliance",
            lambda impl: impl.initialize.encode_input(
                self.account.address,
                index.address,
                quota.address,
                verification.address,
                factory.address,
            ),
        )
        self._follow_beacons(factory)
        self._wire_verification(factory, verification)
        self._let_surrender(quota, compliance)
        for kind, proxy in (
            ("DataLayer", layer),
            ("KeyDirectory", keys),
            ("DeviceRegistry", devices),
            ("EnterpriseFactory", factory),
            ("VerifierRegistry", registry),
            ("CarbonVerification", verification),
            ("CarbonQuota", quota),
            ("Compliance", compliance),
        ):
            if not self._tracked(index, proxy.address):
                self.gas.add(
                    f"index.track({kind})", index.track(proxy.address, sender=self.account)
                )
        published: set[str] = set()
        for seed in seeds if seeds is not None else seed_documents():
            self._publish(index, layer, seed)
            published.add(seed.name)
        self._follow_standards(published)
        guard = self.guard
        if guard is not None and (self._new_implementations or not guard.reference.exists()):
            guard.record()
        return self.manifest

    def _upgrades(self) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """The kinds whose deployed implementation is of another build: its code and ape's."""
        deployed: dict[str, bytes] = {}
        compiled: dict[str, bytes] = {}
        for kind in ABI_KINDS:
            address = self.manifest.implementations.get(kind)
            code = bytes(self.code_at(address)) if address else b""
            runtime = _runtime(getattr(self.project, kind))
            if code and not same_build(code, runtime):
                deployed[kind], compiled[kind] = code, runtime
        return deployed, compiled

    def _abi(self, kind: str) -> list[dict[str, Any]]:
        contract_type = getattr(self.project, kind).contract_type
        return contract_type.model_dump(mode="json", by_alias=True)["abi"]

    def _receipt(self, instance: Any) -> Any:
        return self.account.provider.get_receipt(instance.txn_hash)

    def _deployed(self, address: str | None) -> bool:
        return bool(address) and len(self.code_at(address)) > 0

    def _implementation(self, kind: str) -> Any:
        container = getattr(self.project, kind)
        address = self.manifest.implementations.get(kind)
        if address and same_build(self.code_at(address), _runtime(container)):
            return container.at(address)
        instance = self.account.deploy(container)
        self._new_implementations = True
        self.gas.add(f"deploy {kind} implementation", self._receipt(instance))
        self.manifest.implementations[kind] = instance.address
        return instance

    def _proxy(self, kind: str, init: Callable[[Any], bytes]) -> Any:
        impl = self._implementation(kind)
        proxy = self.account.deploy(self.project.CarbonProxy, impl.address, init(impl))
        self.gas.add(f"deploy {kind} proxy + initialize", self._receipt(proxy))
        return getattr(self.project, kind).at(proxy.address), impl.address

    def _singleton(self, kind: str, init: Callable[[Any], bytes]) -> Any:
        record = self.manifest.contracts.get(kind)
        if record is not None and self._deployed(record.address):
            return self._follow(kind, record)
        instance, impl = self._proxy(kind, init)
        self.manifest.contracts[kind] = ContractRecord(kind, instance.address, impl)
        return instance

    def _follow(self, name: str, record: ContractRecord) -> Any:
        """The proxy of `record`, upgraded to its kind's implementation unless it runs it."""
        proxy = getattr(self.project, record.kind).at(record.address)
        target = self.manifest.implementations[record.kind]
        if proxy.implementation() != target:
            self.gas.add(
                f"upgrade {name}", proxy.upgradeToAndCall(target, b"", sender=self.account)
            )
        record.implementation = target
        return proxy

    def _follow_standards(self, published: set[str]) -> None:
        """Standards this run's seeds did not name (those were followed as they were published)."""
        for name, record in self.manifest.contracts.items():
            if record.kind in STANDARD_KINDS.values() and name not in published:
                self._follow(name, record)

    def _follow_beacons(self, factory: Any) -> None:
        """The enterprise contracts: one beacon each for EnterpriseCarbon and DataLayer."""
        carbon_beacon, layer_beacon = factory.beacons()
        for kind, beacon, upgrade in (
            ("EnterpriseCarbon", carbon_beacon, factory.upgradeEnterpriseCarbon),
            ("DataLayer", layer_beacon, factory.upgradeEnterpriseDataLayer),
        ):
            target = self.manifest.implementations[kind]
            # An OpenZeppelin beacon answers `implementation()` as IUpgradeable declares it.
            if self.project.IUpgradeable.at(beacon).implementation() != target:
                label = f"upgrade every enterprise's {kind}"
                self.gas.add(label, upgrade(target, sender=self.account))
                if kind == "DataLayer":
                    self._let_carbons_write(factory)

    def _let_carbons_write(self, factory: Any) -> None:
        """Enterprises onboarded before DataLayer 1.2.0: their EnterpriseCarbon is let write
        their DataLayer, as the factory now does at onboarding, so that a submission is one
        transaction (`submitWithData`)."""
        for carbon in factory.enterprises():
            layer = self.project.DataLayer.at(
                self.project.EnterpriseCarbon.at(carbon).profile().dataLayer
            )
            role = layer.DATA_WRITER_ROLE()
            if not layer.hasRole(role, carbon):
                label = "let an EnterpriseCarbon write its DataLayer"
                self.gas.add(label, layer.grantRole(role, carbon, sender=self.account))

    def _name_official_data_layer(self, index: Any, layer: Any) -> None:
        """The index accepts standards whose documents are in this DataLayer only."""
        official, _ = index.officialDataLayer()
        if official != layer.address:
            self.gas.add(
                "index.setOfficialDataLayer",
                index.setOfficialDataLayer(layer.address, sender=self.account),
            )

    def _wire_verification(self, factory: Any, verification: Any) -> None:
        """CarbonVerification verifies the factory's enterprises only, and every enterprise
        accepts the freezing of a year from that CarbonVerification only."""
        if verification.factory() != factory.address:
            self.gas.add(
                "verification.setFactory",
                verification.setFactory(factory.address, sender=self.account),
            )
        if factory.verification() != verification.address:
            self.gas.add(
                "factory.setVerification",
                factory.setVerification(verification.address, sender=self.account),
            )

    def _let_surrender(self, quota: Any, compliance: Any) -> None:
        """Compliance burns the quota an accepted application surrenders."""
        role = quota.SURRENDERER_ROLE()
        if not quota.hasRole(role, compliance.address):
            self.gas.add(
                "quota.grantRole(SURRENDERER, Compliance)",
                quota.grantRole(role, compliance.address, sender=self.account),
            )

    def _tracked(self, index: Any, address: str) -> bool:
        return address in index.knownProxies()

    def _publish(self, index: Any, layer: Any, seed: SeedDocument) -> None:
        self._store_document(layer, seed)
        kind = STANDARD_KINDS[seed.kind]
        # `resolve` reverts for an unknown name; the series' history answers without a revert.
        registered = seed.name in index.seriesHistory(parse_index_name(seed.name).series)
        address = index.resolve(seed.name) if registered else None
        if address is None:
            library, impl = self._proxy(
                kind,
                lambda impl: impl.initialize.encode_input(
                    self.account.address,
                    self.account.address,
                    index.address,
                    (seed.industry_code, seed.year, seed.title),
                    seed.version,
                    layer.address,
                    bytes.fromhex(seed.digest[2:]),
                ),
            )
            self.gas.add(
                f"index.register({seed.name})",
                index.register(seed.name, library.address, sender=self.account),
            )
            address = library.address
        else:
            library = self._follow(seed.name, ContractRecord(kind, address))
            _, latest = library.latest()
            if Revision.decode(latest).document != seed.digest:
                self.gas.add(
                    f"{seed.name}.publish({seed.version})",
                    library.publish(
                        seed.version,
                        layer.address,
                        bytes.fromhex(seed.digest[2:]),
                        sender=self.account,
                    ),
                )
        impl = self.manifest.implementations[kind]
        self.manifest.contracts[seed.name] = ContractRecord(kind, address, impl)

    def _store_document(self, layer: Any, seed: SeedDocument) -> None:
        digest = bytes.fromhex(seed.digest[2:])
        status = EntryStatus(layer.statusOf(digest))
        if status is EntryStatus.NONE:
            if len(seed.data) <= STATE_LIMIT:
                receipt = layer.storeInState(seed.data, [], sender=self.account)
            else:
                self.store.put(seed.data)
                receipt = layer.storeDigest(digest, len(seed.data), [], sender=self.account)
            self.gas.add(f"DataLayer.store({seed.name}, {len(seed.data)} bytes)", receipt)
            status = EntryStatus.IN_PROGRESS
        if status is EntryStatus.IN_PROGRESS:
            self.gas.add(
                f"DataLayer.complete({seed.name})", layer.complete(digest, sender=self.account)
            )
        elif status is EntryStatus.CANCELLED:
            raise DocumentError(
                f"{seed.name}: its document {seed.digest} was cancelled in the DataLayer"
            )
