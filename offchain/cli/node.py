"""`carbon node`: the local node the project runs (anvil, or Hardhat's)."""

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from offchain.chain.node import LocalNode

IMPLEMENTATIONS = (
    "anvil",
    "hardhat",
)  # offchain.chain.node.IMPLEMENTATIONS, without importing web3


@click.group()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    envvar="CARBON_NODE_PORT",
    default=8545,
    show_default=True,
    help="Port of this project's node (env CARBON_NODE_PORT); the deploy and the CLI follow it.",
)
@click.option(
    "--impl",
    type=click.Choice(IMPLEMENTATIONS),
    envvar="CARBON_NODE",
    default="anvil",
    show_default=True,
    help="Node implementation (env CARBON_NODE): anvil keeps its state in "
    ".chain/anvil-state.json; Hardhat's node keeps none (each start is an empty chain).",
)
@click.pass_context
def node(ctx: click.Context, port: int, impl: str) -> None:
    """The local node: anvil (state kept in .chain/anvil-state.json) or Hardhat's."""
    ctx.meta["node_port"] = port
    ctx.meta["node_impl"] = impl


def _local(ctx: click.Context) -> "LocalNode":
    from offchain.chain.node import LocalNode

    return LocalNode(port=ctx.meta["node_port"], impl=ctx.meta["node_impl"])


def _kept(local: "LocalNode") -> str:
    return f"state {local.state_file}" if local.keeps_state else "no state kept"


@node.command("start")
@click.pass_context
def node_start(ctx: click.Context) -> None:
    """Start the node in the background unless this project's node already answers."""
    local = _local(ctx)
    started = local.start()
    click.echo(
        f"{'started' if started else 'already running:'} {local.impl} at {local.url} "
        f"({_kept(local)})"
    )


@node.command("stop")
@click.pass_context
def node_stop(ctx: click.Context) -> None:
    """Stop the node this project started; anvil writes its state to disk."""
    stopped = _local(ctx).stop()
    click.echo("stopped" if stopped else "no node started by this project is running")


@node.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a line.")
@click.pass_context
def node_status(ctx: click.Context, as_json: bool) -> None:
    """Say whether the node answers, and whether it is this project's."""
    from web3 import Web3

    from offchain.cli.output import emit

    local = _local(ctx)
    up = local.is_up()
    status: dict[str, object] = {
        "url": local.url,
        "impl": local.impl,
        "up": up,
        "state_file": str(local.state_file) if local.keeps_state else None,
    }
    if up:
        w3 = Web3(Web3.HTTPProvider(local.url))
        status.update(ours=local.ours(), chain_id=w3.eth.chain_id, block=w3.eth.block_number)
    if as_json:
        emit(status)
    elif not up:
        click.echo(f"no node at {local.url}")
    else:
        whose = f"this project's {local.impl}" if status["ours"] else "NOT started by this project"
        click.echo(
            f"node at {local.url} ({whose}), chain {status['chain_id']}, block {status['block']}"
        )
    if not up:
        sys.exit(1)
