"""A submission interrupted by a killed process or a restarted node finishes on retry,
without a second record or a second copy of any entry."""

import os
import signal
import subprocess
import sys
import time

import pytest
from ape import accounts, networks, project
from e2e_support import ADMIN, WRITER, contracts, onboard, submit_args

from offchain.actions.deploy import SuiteDeployer
from offchain.actions.enterprise import EnterpriseBackend, Submission
from offchain.chain.manifest import Manifest
from offchain.chain.node import LocalNode, free_port
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core.store import FolderStore
from offchain.paths import ROOT

CODE = "91110000RETRY00014"


def records_and_entries(reader: ChainReader, code: str) -> tuple[int, int]:
    carbon, layer = contracts(reader, code)
    return carbon.functions.recordCount(2023).call(), layer.functions.entryCount().call()


@pytest.mark.parametrize(
    ("pause_after", "code", "on_chain"),
    [("checked", CODE, (0, 0)), ("record submitted", "91110000RETRY00027", (1, 3))],
)
def test_a_killed_submit_command_finishes_when_run_again(
    manifest_file, reader, store, tmp_path, activity, evidence, pause_after, code, on_chain
):
    """Killed before its one transaction, or after it but before it said so."""
    tx = Transactor(reader.w3, reader.errors)
    onboard(reader, tx, code, "重试示范电厂")
    command = [
        sys.executable,
        "-m",
        "offchain.cli",
        "--deployment",
        str(manifest_file),
        *submit_args(code, activity, "四月", "dev:3", evidence),
        "--writer",
        "dev:4",
    ]
    env = {**os.environ, "CARBON_PAUSE_AFTER": pause_after, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    for line in process.stderr:  # the command says where it paused
        if f"paused after {pause_after}" in line or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert records_and_entries(reader, code) == on_chain
    env.pop("CARBON_PAUSE_AFTER")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert records_and_entries(reader, code) == (1, 3)
    assert ("already on chain" in done.stdout) == (on_chain == (1, 3))


def test_a_submission_interrupted_by_a_node_restart_finishes_after_it(
    tmp_path, seeds, activity, evidence
):
    node = LocalNode(directory=tmp_path / "chain", port=free_port())
    node.start()
    try:
        with networks.parse_network_choice(f"ethereum:local:{node.url}") as provider:
            deployer = SuiteDeployer(
                project,
                accounts.test_accounts[0],
                Manifest("ethereum:local", 1337, node.url),
                FolderStore(tmp_path / "store"),
                provider.get_code,
            )
            deployer.deploy(iter(seeds))
        manifest = deployer.manifest
        submission = Submission(CODE, 2023, "四月", activity, evidence)

        def session() -> tuple[ChainReader, EnterpriseBackend]:
            reader = ChainReader(node.url, manifest, FolderStore(tmp_path / "store"))
            tx = Transactor(reader.w3, reader.errors)
            return reader, EnterpriseBackend(reader, tx, reader.store, WRITER, ADMIN)

        reader, backend = session()
        onboard(reader, backend.tx, CODE, "重试示范电厂")

        def stop_the_node(step: str) -> None:
            if step == "record submitted":
                node.stop()
                raise ConnectionError("node went away")

        with pytest.raises(ConnectionError):
            backend.submit(submission, progress=stop_the_node)
        assert not node.is_up()
        node.start()
        reader, backend = session()
        assert records_and_entries(reader, CODE) == (1, 3)  # the transaction survived it
        again = backend.submit(submission)
        assert (again.created, backend.tx.sent) == (False, 0)
        assert records_and_entries(reader, CODE) == (1, 3)
    finally:
        node.stop()
