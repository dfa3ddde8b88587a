"""`carbon node`: the local anvil node the project runs."""

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from offchain.chain.node import LocalNode


@click.group()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    envvar="CARBON_NODE_PORT",
    default=8545,
    show_default=True,
    help="Port of this project's node (env CARBON_NODE_PORT); the deploy and the CLI follow it.",
)
@click.pass_context
def node(ctx: click.Context, port: int) -> None:
    """The local anvil node (state kept in .chain/anvil-state.json)."""
    ctx.meta["node_port"] = port


def _local(ctx: click.Context) -> "LocalNode":
    from offchain.chain.node import LocalNode

    return LocalNode(port=ctx.meta["node_port"])


@node.command("start")
@click.pass_context
def node_start(ctx: click.Context) -> None:
    """Start the node in the background unless this project's node already answers."""
    local = _local(ctx)
    started = local.start()
    click.echo(
        f"{'started' if started else 'already running:'} anvil at {local.url} "
        f"(state {local.state_file})"
    )


@node.command("stop")
@click.pass_context
def node_stop(ctx: click.Context) -> None:
    """Stop the node this project started; its state is written to disk."""
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
    status: dict[str, object] = {"url": local.url, "up": up, "state_file": str(local.state_file)}
    if up:
        w3 = Web3(Web3.HTTPProvider(local.url))
        status.update(ours=local.ours(), chain_id=w3.eth.chain_id, block=w3.eth.block_number)
    if as_json:
        emit(status)
    elif not up:
        click.echo(f"no node at {local.url}")
    else:
        whose = "this project's" if status["ours"] else "NOT started by this project"
        click.echo(
            f"anvil at {local.url} ({whose}), chain {status['chain_id']}, block {status['block']}"
        )
    if not up:
        sys.exit(1)
