"""`ape run deploy`: deploy the suite, publish the seed standards, write the manifest.

    ape run deploy --network ethereum:local:node              # the node `carbon node start` runs
    ape run deploy --network <ecosystem:network:provider> --account <alias>   # any EVM network

On a local network the first test account deploys unless --account names another. Running it
again sends no transaction unless a seed document changed (a new revision is published) or a
contract's sources did (its proxies are upgraded to the new build, once upgrades-core has
checked the new storage layout against the deployed build's, kept in
deployments/<network>.buildinfo.json; an incompatible one is refused before anything is sent).
"""

from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand, account_option
from ape.logging import LogLevel, logger

from offchain.actions.deploy import SuiteDeployer
from offchain.actions.upgrade_safety import UpgradeSafetyError
from offchain.chain import traces
from offchain.chain.manifest import Manifest, default_manifest_path
from offchain.core.store import FolderStore
from offchain.errors import NotDeployedError
from offchain.paths import STORE_DIR


@click.command(cls=ConnectedProviderCommand)
@account_option(prompt=False)
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write the deployment manifest (default deployments/<network>.json).",
)
def cli(network, provider, account, manifest_path):
    """Deploy the carbon MRV suite and publish the seed standards."""
    # ape logs every transaction; locally they confirm at once and the summary below says enough,
    # elsewhere those lines are the only progress shown while blocks are mined.
    if network.is_local and logger.level == LogLevel.INFO:
        logger.set_level(LogLevel.WARNING)
    if account is None:
        if not network.is_local:
            raise click.UsageError("name the deployer with --account on a non-local network")
        account = accounts.test_accounts[0]
    target = manifest_path or default_manifest_path(network.name)
    traces.adapt(provider)
    manifest = _manifest(target, network, provider)
    # The build-info of what the deployment runs: the next upgrade's storage layout is checked
    # against it, and refused (before any transaction) when incompatible.
    build_info = target.with_name(f"{target.stem}.buildinfo.json")
    deployer = SuiteDeployer(
        project, account, manifest, FolderStore(STORE_DIR), provider.get_code, build_info
    )
    try:
        deployer.deploy()
    except UpgradeSafetyError as error:
        raise click.ClickException(str(error)) from error
    manifest.save(target)
    click.echo(
        f"deployed to {manifest.network} (chain id {manifest.chain_id}) by {account.address}"
    )
    for name, record in manifest.contracts.items():
        click.echo(f"  {name:30} {record.address}  {record.kind}")
    click.echo(
        f"{len(deployer.gas.rows)} transactions, {deployer.gas.total:,} gas; manifest {target}"
    )


def _manifest(path: Path, network, provider) -> Manifest:
    """The manifest of an earlier run on this chain, or a new one."""
    try:
        manifest = Manifest.load(path)
    except NotDeployedError:
        manifest = None
    genesis = provider.web3.eth.get_block(0)["hash"].to_0x_hex()
    if manifest is None or not manifest.belongs_to(chain.chain_id, genesis):
        manifest = Manifest(
            network=f"{network.ecosystem.name}:{network.name}",
            chain_id=chain.chain_id,
            rpc=None,
        )
    manifest.genesis = genesis
    # The node the deployment was read or made on is where the CLI reads it (a port may move).
    manifest.rpc = getattr(provider, "uri", None)
    return manifest
