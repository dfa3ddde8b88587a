"""The whole suite deployed once per module on ape's anvil, with the seed standards."""

import pytest

from offchain.chain import ChainReader
from offchain.deploy import SuiteDeployer, seed_documents
from offchain.manifest import Manifest
from offchain.store import FolderStore


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return FolderStore(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def seeds():
    return list(seed_documents())


@pytest.fixture(scope="module")
def make_deployer(project, chain, regulator, store):
    def make(manifest: Manifest) -> SuiteDeployer:
        return SuiteDeployer(project, regulator, manifest, store, chain.provider.get_code)

    return make


@pytest.fixture(scope="module")
def suite(make_deployer, chain, seeds):
    """The deployer that deployed the suite (its gas log and manifest)."""
    deployer = make_deployer(Manifest("ethereum:local", chain.chain_id, None))
    deployer.deploy(iter(seeds))
    return deployer


@pytest.fixture(scope="module")
def reader(suite, chain, store):
    return ChainReader(chain.provider.web3, suite.manifest, store)
