"""Every contract is upgraded by the regulator only, keeps its state and reports to the index."""

import hashlib

import ape
import pytest


@pytest.fixture
def factor_library(make_library, index, editor):
    library = make_library("FactorLibrary")
    index.register("GB_01_factor_20231001_0000", library.address, sender=editor)
    return library


@pytest.mark.parametrize(
    "kind",
    [
        "DataLayer",
        "CarbonIndex",
        "FactorLibrary",
        "FormulaLibrary",
        "CalcCode",
        "EnterpriseCarbon",
        "EnterpriseFactory",
        "KeyDirectory",
        "VerifierRegistry",
        "CarbonVerification",
        "CarbonQuota",
        "Compliance",
        "DeviceRegistry",
    ],
)
def test_an_implementation_cannot_be_initialised(project, regulator, kind):
    impl = regulator.deploy(getattr(project, kind))
    with ape.reverts(impl.InvalidInitialization):
        impl.initialize.call(*_zero_args(impl))


def _zero_args(impl):
    abi = next(a for a in impl.contract_type.abi if getattr(a, "name", "") == "initialize")
    zero = {"address": "0x" + "00" * 20, "string": "", "bytes32": b"\x00" * 32, "bytes2": b"01"}
    args = []
    for param in abi.inputs:
        if param.type == "tuple":
            args.append(tuple(zero[c.type] for c in param.components))
        else:
            args.append(zero[param.type])
    return args


def test_a_proxy_cannot_be_initialised_twice(data_layer, regulator):
    with ape.reverts(data_layer.InvalidInitialization):
        data_layer.initialize(regulator, regulator, regulator, sender=regulator)


def test_upgrade_keeps_state_and_is_recorded_by_the_index(
    project, factor_library, regulator, index, stored_document
):
    before = index.implementationHistory(factor_library.address)
    new_impl = regulator.deploy(project.FactorLibrary)
    factor_library.upgradeToAndCall(new_impl.address, b"", sender=regulator)
    assert factor_library.implementation() == new_impl.address
    assert factor_library.revision(0).document == stored_document
    history = index.implementationHistory(factor_library.address)
    assert [r.implementation for r in history] == [before[0].implementation, new_impl.address]


def test_data_layer_upgrade_keeps_entries(project, data_layer, regulator, writer, index):
    data_layer.storeInState(b"kept", [], sender=writer)
    count = data_layer.entryCount()
    new_impl = regulator.deploy(project.DataLayer)
    data_layer.upgradeToAndCall(new_impl.address, b"", sender=regulator)
    assert data_layer.entryCount() == count
    assert data_layer.content(hashlib.sha256(b"kept").digest()) == b"kept"
    assert index.implementationHistory(data_layer.address)[-1].implementation == new_impl.address


def test_index_records_its_own_upgrade(project, index, regulator):
    new_impl = regulator.deploy(project.CarbonIndex)
    index.upgradeToAndCall(new_impl.address, b"", sender=regulator)
    assert index.implementationHistory(index.address)[-1].implementation == new_impl.address
    assert index.address in index.knownProxies()


@pytest.mark.parametrize("who", ["editor", "writer", "stranger"])
def test_only_the_regulator_upgrades(project, data_layer, regulator, request, who):
    new_impl = regulator.deploy(project.DataLayer)
    with ape.reverts(data_layer.AccessControlUnauthorizedAccount):
        data_layer.upgradeToAndCall(new_impl.address, b"", sender=request.getfixturevalue(who))


def test_only_the_regulator_points_a_contract_at_another_index(data_layer, stranger, regulator):
    with ape.reverts(data_layer.AccessControlUnauthorizedAccount):
        data_layer.setUpgradeIndex(stranger.address, sender=stranger)
    data_layer.setUpgradeIndex("0x" + "00" * 20, sender=regulator)
    assert data_layer.upgradeIndex() == "0x" + "00" * 20


def test_a_proxy_unknown_to_the_index_cannot_upgrade_while_reporting_to_it(
    project, deploy_proxy, regulator, writer, index
):
    untracked = deploy_proxy("DataLayer", regulator, writer, index.address)
    new_impl = regulator.deploy(project.DataLayer)
    with ape.reverts() as revert:
        untracked.upgradeToAndCall(new_impl.address, b"", sender=regulator)
    assert type(revert.value).__name__ == "UnknownProxy"


def test_roles_are_granted_only_by_the_regulator(data_layer, stranger):
    with ape.reverts(data_layer.AccessControlUnauthorizedAccount):
        data_layer.grantRole(data_layer.DATA_WRITER_ROLE(), stranger, sender=stranger)


def test_only_the_regulator_revokes_roles(data_layer, regulator, writer, stranger):
    role = data_layer.DATA_WRITER_ROLE()
    with ape.reverts(data_layer.AccessControlUnauthorizedAccount):
        data_layer.revokeRole(role, writer, sender=stranger)
    data_layer.revokeRole(role, writer, sender=regulator)
    assert not data_layer.hasRole(role, writer)
