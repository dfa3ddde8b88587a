"""The whole suite deployed once per module on ape's anvil, with the seed standards."""

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from offchain.actions.deploy import SuiteDeployer, seed_documents
from offchain.chain.manifest import Manifest
from offchain.chain.reader import ChainReader
from offchain.cli import main
from offchain.core.store import FolderStore
from offchain.paths import SEEDS


@pytest.fixture(scope="session")
def store(tmp_path_factory):  # one deployment serves every e2e module
    return FolderStore(tmp_path_factory.mktemp("store"))


# The standards of industries 01 and 02 and the code, and the ISO family: deploying all 24
# industries is the main job's work (and the benchmark's); here it would only slow every module
# down.
E2E_SEEDS = ("GB_calculate_", "GB_01_", "GB_02_", "ISO_")


@pytest.fixture(autouse=True)
def cli_uses_the_test_store(store, monkeypatch):
    """`carbon` commands run by the tests read the store the suite was deployed with."""
    monkeypatch.setenv("CARBON_STORE", str(store.root))


@pytest.fixture(scope="session")
def seeds():
    return [s for s in seed_documents() if s.name.startswith(E2E_SEEDS)]


@pytest.fixture(scope="session")
def make_deployer(project, chain, regulator, store):
    def make(manifest: Manifest) -> SuiteDeployer:
        return SuiteDeployer(project, regulator, manifest, store, chain.provider.get_code)

    return make


@pytest.fixture(scope="session")
def suite(make_deployer, chain, seeds):
    """The deployer that deployed the suite (its gas log and manifest)."""
    deployer = make_deployer(Manifest("ethereum:local", chain.chain_id, None))
    deployer.deploy(iter(seeds))
    return deployer


@pytest.fixture(scope="session")
def manifest_file(suite, chain, tmp_path_factory) -> Path:
    """The suite's manifest as the CLI reads it, pointing at ape's anvil."""
    path = tmp_path_factory.mktemp("deployments") / "local.json"
    suite.manifest.rpc = chain.provider.uri
    suite.manifest.save(path)
    return path


@pytest.fixture(scope="session")
def carbon(manifest_file):
    """Runs a `carbon` command against the suite; the result has exit_code and output."""

    def run(*args: str):
        return CliRunner().invoke(main, ["--deployment", str(manifest_file), *args])

    return run


@pytest.fixture(scope="session")
def reader(suite, chain, store):
    return ChainReader(chain.provider.uri, suite.manifest, store)


def _activity_in(folder: Path) -> Path:
    """The seed-001 example whose self-measured evidence is a real file (test_report.txt)."""
    report = folder / "test_report.txt"
    report.write_text("燃煤元素碳检测报告 2023-04: NCV 26.7 GJ/t, CC 0.02858 tC/GJ\n", "utf-8")
    document = json.loads((SEEDS / "activity" / "seed001_example.json").read_text("utf-8"))
    document["records"][0]["evidence"] = "0x" + hashlib.sha256(report.read_bytes()).hexdigest()
    document["extrainfo"] = []
    path = folder / "activity.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def _evidence_of(activity: Path) -> list[Path]:
    """The test report the activity cites, and a fuel ledger."""
    ledger = activity.parent / "ledger.csv"
    ledger.write_text("日期,燃料,数量(t)\n2023-04-01,燃煤,100\n", "utf-8")
    return [activity.parent / "test_report.txt", ledger]


@pytest.fixture
def activity(tmp_path) -> Path:
    return _activity_in(tmp_path)


@pytest.fixture
def evidence(activity) -> list[Path]:
    return _evidence_of(activity)


@pytest.fixture(scope="module")
def activity_module(tmp_path_factory) -> Path:
    """`activity` for module-scoped fixtures."""
    return _activity_in(tmp_path_factory.mktemp("activity"))


@pytest.fixture(scope="module")
def evidence_module(activity_module) -> list[Path]:
    return _evidence_of(activity_module)
