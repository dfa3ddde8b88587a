"""Shared fixtures: named accounts and helpers that deploy contracts behind proxies."""

from collections.abc import Callable
from typing import Any

import pytest
from account_fixtures import account_fixture

regulator = account_fixture("regulator", 0)
editor = account_fixture("editor", 1)
writer = account_fixture("writer", 2)
stranger = account_fixture("stranger", 7)


@pytest.fixture(scope="session")
def deploy_proxy(project, regulator) -> Callable[..., Any]:
    """Deploys `kind`'s implementation and a CarbonProxy initialised with `init_args`."""

    def deploy(kind: str, *init_args: Any, sender: Any = None) -> Any:
        container = getattr(project, kind)
        impl = (sender or regulator).deploy(container)
        proxy = (sender or regulator).deploy(
            project.CarbonProxy, impl.address, impl.initialize.encode_input(*init_args)
        )
        return container.at(proxy.address)

    return deploy


@pytest.fixture(scope="module")
def index(deploy_proxy, regulator, editor):
    return deploy_proxy("CarbonIndex", regulator, editor)


@pytest.fixture(scope="module")
def data_layer(deploy_proxy, regulator, writer, index):
    layer = deploy_proxy("DataLayer", regulator, writer, index.address)
    index.track(layer.address, sender=regulator)
    return layer


@pytest.fixture(scope="module")
def stored_document(data_layer, writer) -> bytes:
    """The digest of a Completed document in `data_layer`."""
    receipt = data_layer.storeInState(b'{"groups": {}}', [], sender=writer)
    digest = receipt.return_value
    data_layer.complete(digest, sender=writer)
    return digest


@pytest.fixture(scope="module")
def make_library(deploy_proxy, regulator, editor, index, data_layer, stored_document):
    """Deploys a standards library of `kind` whose revision 0 is `stored_document`."""

    def make(kind: str = "FactorLibrary", title: str = "lib") -> Any:
        return deploy_proxy(
            kind,
            regulator,
            editor,
            index.address,
            ("01", "2023", title),
            "1.0.0",
            data_layer.address,
            stored_document,
        )

    return make


@pytest.fixture(scope="module")
def factory(project, deploy_proxy, regulator, index):
    carbon_impl = regulator.deploy(project.EnterpriseCarbon)
    layer_impl = regulator.deploy(project.DataLayer)
    return deploy_proxy(
        "EnterpriseFactory", regulator, index.address, carbon_impl.address, layer_impl.address
    )


@pytest.fixture(scope="module")
def standards_set(make_library, editor, index) -> int:
    """Id of a standards set naming GB_01 factor, formula and code, revision 0 of each."""
    names = {
        "FactorLibrary": "GB_01_factor_20231001_0000",
        "FormulaLibrary": "GB_01_formula_20231001_0000",
        "CalcCode": "GB_calculate_20231001_0000",
    }
    for kind, name in names.items():
        index.register(name, make_library(kind, name).address, sender=editor)
    fields = [part for name in names.values() for part in (name, 0)]
    return index.registerStandardsSet(tuple(fields), sender=editor).return_value
