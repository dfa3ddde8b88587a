"""A deployment manifest is followed only on the chain it was written for."""

from offchain.chain.manifest import Manifest

GENESIS = "0x" + "ab" * 32


def test_a_manifest_belongs_to_the_chain_with_its_id_and_block_0():
    assert Manifest("ethereum:local", 1337, None, genesis=GENESIS).belongs_to(1337, GENESIS)


def test_a_new_chain_with_the_same_id_is_another_chain():
    # Hardhat's node keeps no state: every start is a new chain 1337 with its own block 0.
    manifest = Manifest("ethereum:local", 1337, None, genesis=GENESIS)
    assert not manifest.belongs_to(1337, "0x" + "cd" * 32)


def test_a_chain_with_another_id_is_another_chain():
    assert not Manifest("ethereum:local", 1337, None, genesis=GENESIS).belongs_to(31337, GENESIS)


def test_a_manifest_written_before_block_0_was_recorded_is_judged_by_its_id(tmp_path):
    path = tmp_path / "local.json"
    Manifest("ethereum:local", 1337, None).save(path)
    assert Manifest.load(path).belongs_to(1337, GENESIS)


def test_block_0_is_saved_with_the_manifest(tmp_path):
    path = tmp_path / "local.json"
    Manifest("ethereum:local", 1337, None, genesis=GENESIS).save(path)
    assert Manifest.load(path).genesis == GENESIS
