"""`carbon node`: the local anvil node the project runs."""

import sys

import click


@click.group()
def node() -> None:
    """The local anvil node (state kept in .chain/anvil-state.json)."""


@node.command("start")
def node_start() -> None:
    """Start the node in the background unless one is already answering."""
    from offchain.chain.node import LocalNode

    local = LocalNode()
    started = local.start()
    click.echo(
        f"{'started' if started else 'already running:'} anvil at {local.url} "
        f"(state {local.state_file})"
    )


@node.command("stop")
def node_stop() -> None:
    """Stop the node this project started; its state is written to disk."""
    from offchain.chain.node import LocalNode

    click.echo("stopped" if LocalNode().stop() else "no node started by this project is running")


@node.command("status")
def node_status() -> None:
    """Say whether the node answers."""
    from web3 import Web3

    from offchain.chain.node import LocalNode

    local = LocalNode()
    if not local.is_up():
        click.echo(f"no node at {local.url}")
        sys.exit(1)
    click.echo(f"anvil at {local.url}, block {Web3(Web3.HTTPProvider(local.url)).eth.block_number}")
