"""The application object every command shares: what the global options name, and the manifest,
reader, transactor, store and signers built from them on first use.

Nothing is built until a command needs it, and the heavy imports (web3, eth_account) happen only
then, so `--help` and offline commands stay fast.
"""

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from offchain.actions.compliance import ComplianceDesk
    from offchain.actions.verification import Workflow
    from offchain.chain.manifest import Manifest
    from offchain.chain.reader import ChainReader
    from offchain.chain.transact import Transactor
    from offchain.core.store import FolderStore


class App:
    """The deployment, node and store the global options chose, and what follows from them."""

    def __init__(self, deployment: Path | None, rpc: str | None, store_dir: Path) -> None:
        self._deployment = deployment
        self.rpc = rpc
        self.store_dir = store_dir

    @cached_property
    def deployment(self) -> Path:
        """The manifest's path: --deployment, or deployments/local.json."""
        if self._deployment is not None:
            return self._deployment
        from offchain.chain.manifest import default_manifest_path

        return default_manifest_path()

    @cached_property
    def manifest(self) -> "Manifest":
        from offchain.chain.manifest import Manifest

        return Manifest.load(self.deployment)

    @cached_property
    def url(self) -> str:
        """The node: --rpc, else the manifest's, else the local anvil's."""
        if self.rpc:
            return self.rpc
        if self.manifest.rpc:
            return self.manifest.rpc
        from offchain.chain.node import LocalNode

        return LocalNode().url

    @cached_property
    def store(self) -> "FolderStore":
        from offchain.core.store import FolderStore

        return FolderStore(self.store_dir)

    @cached_property
    def reader(self) -> "ChainReader":
        """The reader of the deployment, once the node is known to be the manifest's chain:
        reading another chain with this manifest's addresses would read nonsense or nothing."""
        from offchain.chain.reader import ChainReader
        from offchain.errors import ChainError

        reader = ChainReader(self.url, self.manifest, self.store)
        chain_id = reader.w3.eth.chain_id
        if chain_id != self.manifest.chain_id:
            described = f"{self.deployment} describes chain {self.manifest.chain_id}"
            raise ChainError(f"{self.url} is chain {chain_id} but {described}")
        index = self.manifest.address("CarbonIndex")
        if not reader.w3.eth.get_code(index):
            raise ChainError(
                f"the node at {self.url} has no contract at {index}, where {self.deployment} "
                "puts the CarbonIndex: it is not the node that deployment was made on (a fresh "
                "or another node?); deploy with `ape run deploy` or name the node with --rpc"
            )
        return reader

    @property
    def chain_id(self) -> int:
        """The chain's id: the manifest's, once the reader has checked that the node agrees."""
        _ = self.reader
        return self.manifest.chain_id

    @cached_property
    def tx(self) -> "Transactor":
        from offchain.chain.transact import Transactor

        reader = self.reader
        return Transactor(reader.w3, reader.errors)

    @cached_property
    def workflow(self) -> "Workflow":
        """The verification workflow over the reader and the transactor."""
        from offchain.actions.verification import Workflow

        return Workflow(self.reader, self.tx)

    @cached_property
    def compliance(self) -> "ComplianceDesk":
        """The compliance cycle's steps over the reader and the transactor."""
        from offchain.actions.compliance import ComplianceDesk

        return ComplianceDesk(self.reader, self.tx)

    def signer(self, spec: str) -> "LocalAccount":
        """The account `spec` names (dev:N, env:VAR or keystore:PATH) on the node's chain."""
        from offchain.chain.accounts import load_account

        return load_account(spec, self.chain_id)

    def carbon(self, credit_code: str) -> str:
        """The EnterpriseCarbon address of the enterprise with `credit_code`."""
        return self.reader.enterprise(credit_code).carbon


pass_app = click.make_pass_decorator(App)
