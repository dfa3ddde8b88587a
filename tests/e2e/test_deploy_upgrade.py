"""Deploying over a chain whose contracts were built from other sources upgrades them in place.

The sources cannot change inside a test, so a changed build is shown the other way round: the
manifest names, as a kind's implementation, code of another build (another contract's). The
deployer must then deploy the implementation the sources compile to and move every proxy of
that kind onto it, keeping their state.
"""

import copy

import pytest

from offchain.actions.deploy import same_build
from offchain.chain.manifest import Manifest

CHANGED = ("KeyDirectory", "FactorLibrary", "EnterpriseCarbon", "DataLayer")
FACTORS = "GB_01_factor_20231001_0000"


@pytest.fixture(scope="module")
def first(make_deployer, chain, seeds):
    """A deployment of its own (the session's suite stays as it is)."""
    deployer = make_deployer(Manifest("ethereum:local", chain.chain_id, None))
    deployer.deploy(iter(s for s in seeds if s.name.startswith(("GB_calculate_", FACTORS))))
    return deployer


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


def test_same_build_ignores_immutables_but_not_the_metadata_trailer():
    trailer = bytes.fromhex("a264697066735822") + bytes(range(34)) + bytes.fromhex("002a")
    compiled = b"\x60\x80" + bytes(32) + trailer
    assert same_build(b"\x60\x80" + b"\xaa" * 32 + trailer, compiled)
    other = trailer[:-10] + b"\xff" + trailer[-9:]
    assert not same_build(b"\x60\x80" + bytes(32) + other, compiled)
    assert not same_build(b"", compiled)
