"""Deploying the suite: everything behind proxies, standards published and indexed, idempotent."""

import copy
import dataclasses
import json
from decimal import Decimal

import pytest

from offchain.calc import calculator, standards
from offchain.chain.manifest import Manifest
from offchain.core.documents import load_file
from offchain.errors import DigestMismatchError
from offchain.paths import SEEDS

SAMPLE = SEEDS / "activity" / "seed001_example.json"


def test_manifest_names_every_contract_with_proxy_and_implementation(suite, seeds, chain):
    contracts = suite.manifest.contracts
    singletons = {"CarbonIndex", "DataLayer", "KeyDirectory"}
    singletons |= {"EnterpriseFactory", "VerifierRegistry", "CarbonVerification", "CarbonQuota"}
    singletons |= {"Compliance", "DeviceRegistry"}
    assert singletons | {s.name for s in seeds} <= set(contracts)
    for record in contracts.values():
        assert record.implementation and record.implementation != record.address
        assert len(chain.provider.get_code(record.address)) > 0
    assert set(suite.manifest.abis) == {
        "CarbonIndex",
        "DataLayer",
        "KeyDirectory",
        "EnterpriseFactory",
        "EnterpriseCarbon",
        "VerifierRegistry",
        "CarbonVerification",
        "CarbonQuota",
        "Compliance",
        "DeviceRegistry",
        "FactorLibrary",
        "FormulaLibrary",
        "CalcCode",
    }


def test_manifest_round_trips_through_its_file(suite, tmp_path):
    path = tmp_path / "local.json"
    suite.manifest.save(path)
    assert Manifest.load(path) == suite.manifest


def test_every_seed_standard_is_indexed_and_points_at_its_document(suite, seeds, reader):
    for seed in seeds:
        ref = reader.standard(seed.name, suite.manifest.contracts[seed.name].kind)
        assert ref.document == seed.digest
        assert reader.document(ref.data_layer, ref.document) == seed.data


def test_a_second_deployment_sends_no_transaction(suite, make_deployer, seeds):
    again = make_deployer(copy.deepcopy(suite.manifest))
    again.deploy(iter(seeds))
    assert again.gas.rows == []
    assert again.manifest == suite.manifest


def test_a_changed_seed_document_is_published_as_a_new_revision(
    suite, make_deployer, seeds, reader
):
    factor_seed = next(s for s in seeds if s.name == "GB_01_factor_20231001_0000")
    document = json.loads(factor_seed.data)
    document["meta"]["version"] = "1.0.1"
    changed = dataclasses.replace(
        factor_seed, data=json.dumps(document, ensure_ascii=False).encode(), version="1.0.1"
    )
    again = make_deployer(copy.deepcopy(suite.manifest))
    again.deploy(iter([changed]))
    latest = reader.standard(changed.name, "FactorLibrary")
    assert (latest.revision, latest.version, latest.document) == (1, "1.0.1", changed.digest)
    first = reader.standard(changed.name, "FactorLibrary", revision=0)
    assert first.document == factor_seed.digest


def test_latest_of_a_series_is_found_through_the_index(reader):
    assert reader.latest_name("GB_01_factor") == "GB_01_factor_20231001_0000"


def test_sample_enterprise_computed_from_the_chains_own_standards(reader):
    chosen = standards.from_chain(reader, "01")
    result = calculator.calculate(
        chosen.factors, chosen.formulas, chosen.code, load_file(SAMPLE, "activity")
    )
    assert {k: result.items[k] for k in ("E_fuel", "E_electricity", "E_process_1")} == {
        "E_fuel": Decimal("274.202236"),
        "E_electricity": Decimal("6.071450"),
        "E_process_1": Decimal("8.050680"),
    }
    assert result.total == Decimal("288.324366")
    assert set(chosen.provenance()) == {"factor", "formula", "calculate"}


def test_a_log_entry_is_read_back_through_its_event(suite, reader, regulator):
    layer = suite.project.DataLayer.at(suite.manifest.address("DataLayer"))
    receipt = layer.storeInLog(b'{"kept": "in a log"}', [], sender=regulator)
    digest = "0x" + receipt.return_value.hex()
    assert reader.document(layer.address, digest) == b'{"kept": "in a log"}'


def test_a_digest_only_entry_whose_stored_bytes_changed_is_refused(suite, reader, store, regulator):
    layer = suite.project.DataLayer.at(suite.manifest.address("DataLayer"))
    original = b'{"large": "document"}'
    digest = store.put(original)
    layer.storeDigest(bytes.fromhex(digest[2:]), len(original), [], sender=regulator)
    (store.root / digest[2:4] / digest[2:]).write_bytes(b'{"large": "tampered"}')
    with pytest.raises(DigestMismatchError, match=digest):
        reader.document(layer.address, digest)


@pytest.mark.parametrize("size", [1, 24_555, 24_556, 60_000])
def test_state_entries_read_back_off_chain_across_chunk_boundaries(suite, reader, regulator, size):
    layer = suite.project.DataLayer.at(suite.manifest.address("DataLayer"))
    content = bytes((i * 7 + size) % 251 + 1 for i in range(size))
    receipt = layer.storeInState(content, [], sender=regulator)
    assert reader.document(layer.address, "0x" + receipt.return_value.hex()) == content
