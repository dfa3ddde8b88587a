"""Shared fixtures: named accounts and helpers that deploy contracts behind proxies."""

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture(scope="session")
def regulator(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def editor(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def writer(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[7]


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
