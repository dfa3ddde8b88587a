"""Deploying over a chain whose contracts were built from other sources upgrades them in place.

The sources cannot change inside a test, so a changed build is shown the other way round: the
manifest names, as a kind's implementation, code of another build (another contract's). The
deployer must then deploy the implementation the sources compile to and move every proxy of
that kind onto it, keeping their state.

With a build-info reference (as `ape run deploy` keeps one next to its manifest), each such
upgrade is first checked against the deployed build's storage layout, and an incompatible one
is refused before any transaction.
"""

import copy
import importlib.util
import json
import shutil

import pytest
from ape.contracts import ContractContainer
from ethpm_types import ContractType

from offchain.actions.deploy import ABI_KINDS, SuiteDeployer, same_build
from offchain.actions.upgrade_safety import (
    UnsafeUpgradeError,
    UpgradeSafetyError,
    build_info,
    check,
)
from offchain.chain.manifest import Manifest
from offchain.paths import ROOT

CHANGED = ("KeyDirectory", "FactorLibrary", "EnterpriseCarbon", "DataLayer")
FACTORS = "GB_01_factor_20231001_0000"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Where the first deployment keeps its build-info, as `ape run deploy` does."""
    return tmp_path_factory.mktemp("deployments") / "local.buildinfo.json"


@pytest.fixture(scope="module")
def first(project, regulator, store, chain, seeds, reference):
    """A deployment of its own (the session's suite stays as it is)."""
    manifest = Manifest("ethereum:local", chain.chain_id, None)
    deployer = SuiteDeployer(
        project, regulator, manifest, store, chain.provider.get_code, reference
    )
    deployer.deploy(iter(s for s in seeds if s.name.startswith(("GB_calculate_", FACTORS))))
    return deployer


@pytest.fixture(scope="module")
def reordered(tmp_path_factory):
    """Build-info of the sources with two fields of an ERC-7201 namespace swapped."""
    path = ROOT / "tests" / "offchain" / "actions" / "layout_variants.py"
    spec = importlib.util.spec_from_file_location("layout_variants", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    base, namespace, fields = module.variant(tmp_path_factory.mktemp("reordered"), "swap")
    return build_info(base), namespace, fields[:2]


@pytest.fixture(scope="module")
def upgraded(first, make_deployer):
    """The same chain deployed again with CHANGED's implementations not matching the sources."""
    stale = copy.deepcopy(first.manifest)
    other_build = first.manifest.implementations["VerifierRegistry"]
    for kind in CHANGED:
        stale.implementations[kind] = other_build
    again = make_deployer(stale)
    again.deploy(iter([]))
    return again


def _implementation(project, name, manifest):
    return project.IUpgradeable.at(manifest.address(name)).implementation()


def test_each_changed_kind_gets_a_newly_deployed_implementation(first, upgraded):
    for kind in CHANGED:
        new = upgraded.manifest.implementations[kind]
        assert new not in (
            first.manifest.implementations[kind],
            first.manifest.implementations["VerifierRegistry"],
        )
    unchanged = set(first.manifest.implementations) - set(CHANGED)
    for kind in unchanged:
        assert upgraded.manifest.implementations[kind] == first.manifest.implementations[kind]


def test_singleton_proxies_of_a_changed_kind_run_the_new_implementation(project, upgraded):
    for name in ("KeyDirectory", "DataLayer"):
        assert (
            _implementation(project, name, upgraded.manifest)
            == (upgraded.manifest.implementations[name])
        )
        assert (
            upgraded.manifest.contracts[name].implementation
            == (upgraded.manifest.implementations[name])
        )


def test_a_standards_library_is_upgraded_and_keeps_its_revisions(project, first, upgraded):
    library = project.FactorLibrary.at(upgraded.manifest.address(FACTORS))
    assert library.implementation() == upgraded.manifest.implementations["FactorLibrary"]
    assert library.revisionCount() == 1
    index = project.CarbonIndex.at(upgraded.manifest.address("CarbonIndex"))
    history = index.implementationHistory(library.address)
    assert [h.implementation for h in history][-2:] == [
        first.manifest.implementations["FactorLibrary"],
        upgraded.manifest.implementations["FactorLibrary"],
    ]


def test_the_enterprise_beacons_are_upgraded_through_the_factory(project, upgraded):
    factory = project.EnterpriseFactory.at(upgraded.manifest.address("EnterpriseFactory"))
    carbon_beacon, layer_beacon = factory.beacons()
    assert (
        project.IUpgradeable.at(carbon_beacon).implementation()
        == (upgraded.manifest.implementations["EnterpriseCarbon"])
    )
    assert (
        project.IUpgradeable.at(layer_beacon).implementation()
        == (upgraded.manifest.implementations["DataLayer"])
    )


def test_the_upgrade_sends_only_implementations_and_upgrades(upgraded):
    labels = [label for label, _gas in upgraded.gas.rows]
    assert sorted(labels) == sorted(
        [f"deploy {kind} implementation" for kind in CHANGED]
        + [
            "upgrade KeyDirectory",
            "upgrade DataLayer",
            f"upgrade {FACTORS}",
            "upgrade every enterprise's EnterpriseCarbon",
            "upgrade every enterprise's DataLayer",
        ]
    )


def test_deploying_once_more_after_the_upgrade_sends_nothing(upgraded, make_deployer):
    again = make_deployer(copy.deepcopy(upgraded.manifest))
    again.deploy(iter([]))
    assert again.gas.rows == []


def test_the_first_deployment_keeps_the_build_info_it_runs(first, reference):
    assert reference.read_bytes() == build_info().read_bytes()


def test_an_upgrade_reordering_a_namespace_field_is_refused_before_any_transaction(
    project, regulator, store, chain, first, reordered, tmp_path
):
    """The chain runs a build whose namespace had two fields the other way round (its
    implementation deployed from that build-info); the sources would upgrade it."""
    old_build, namespace, fields = reordered
    findings = check(build_info(), old_build, list(ABI_KINDS))
    kind = next(k for k, problems in findings.items() if problems)
    compiled = next(
        contracts[kind]
        for contracts in json.loads(old_build.read_text())["output"]["contracts"].values()
        if kind in contracts
    )
    old_type = ContractType.model_validate(
        {
            "contractName": kind,
            "abi": compiled["abi"],
            "deploymentBytecode": {"bytecode": "0x" + compiled["evm"]["bytecode"]["object"]},
        }
    )
    old_impl = regulator.deploy(ContractContainer(old_type))
    stale = copy.deepcopy(first.manifest)
    stale.implementations[kind] = old_impl.address
    kept = tmp_path / "local.buildinfo.json"
    shutil.copyfile(old_build, kept)
    deployer = SuiteDeployer(project, regulator, stale, store, chain.provider.get_code, kept)
    nonce = regulator.nonce
    with pytest.raises(UnsafeUpgradeError) as raised:
        deployer.deploy(iter([]))
    assert regulator.nonce == nonce
    assert deployer.gas.rows == []
    message = str(raised.value)
    assert message.startswith(f"upgrade of {kind} refused (field `{raised.value.field}`)")
    assert raised.value.field in fields
    assert f"erc7201:{namespace}" in message and "\n" not in message
    assert kept.read_bytes() == old_build.read_bytes()


def test_an_upgrade_from_a_build_the_reference_does_not_describe_is_refused(
    project, regulator, store, chain, first, reference, tmp_path
):
    stale = copy.deepcopy(first.manifest)
    stale.implementations["KeyDirectory"] = first.manifest.implementations["VerifierRegistry"]
    kept = tmp_path / "local.buildinfo.json"
    shutil.copyfile(reference, kept)
    deployer = SuiteDeployer(project, regulator, stale, store, chain.provider.get_code, kept)
    nonce = regulator.nonce
    with pytest.raises(UpgradeSafetyError, match=r"^KeyDirectory: the deployed implementation"):
        deployer.deploy(iter([]))
    assert regulator.nonce == nonce


def test_same_build_ignores_immutables_but_not_the_metadata_trailer():
    trailer = bytes.fromhex("a264697066735822") + bytes(range(34)) + bytes.fromhex("002a")
    compiled = b"\x60\x80" + bytes(32) + trailer
    assert same_build(b"\x60\x80" + b"\xaa" * 32 + trailer, compiled)
    other = trailer[:-10] + b"\xff" + trailer[-9:]
    assert not same_build(b"\x60\x80" + bytes(32) + other, compiled)
    assert not same_build(b"", compiled)
