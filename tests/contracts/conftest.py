"""Fixtures of the contract tests beyond the shared ones: the index names the DataLayer of the
shared fixtures as its official DataLayer (standards are accepted from it only)."""

import pytest


@pytest.fixture(scope="module")
def data_layer(deploy_proxy, regulator, writer, index):
    layer = deploy_proxy("DataLayer", regulator, writer, index.address)
    index.track(layer.address, sender=regulator)
    index.setOfficialDataLayer(layer.address, sender=regulator)
    return layer
