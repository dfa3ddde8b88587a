"""`carbon`: the command line of the carbon MRV suite.

Every command exits non-zero with one line saying what went wrong; `--json` output is for
machines, the rest for people.
"""

import json
import sys
from pathlib import Path
from typing import Any

import click
from requests.exceptions import RequestException
from web3 import Web3

from . import calculator, documents, standards
from .chain import ChainReader
from .errors import CarbonError, ChainError
from .manifest import Manifest, default_manifest_path
from .node import LocalNode
from .paths import STORE_DIR
from .store import FolderStore


class _Group(click.Group):
    """Turns the package's own errors into one-line messages and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CarbonError as exc:
            raise click.ClickException(str(exc)) from exc
        except RequestException as exc:
            raise click.ClickException(
                f"cannot reach the node ({type(exc).__name__}); is it running? `carbon node start`"
            ) from exc


@click.group(cls=_Group)
@click.option(
    "--deployment",
    type=click.Path(path_type=Path),
    envvar="CARBON_DEPLOYMENT",
    default=None,
    help="Deployment manifest (default deployments/local.json).",
)
@click.option(
    "--rpc",
    envvar="CARBON_RPC",
    default=None,
    help="JSON-RPC URL of the node (default: the manifest's).",
)
@click.pass_context
def main(ctx: click.Context, deployment: Path | None, rpc: str | None) -> None:
    """Carbon-emission MRV on Ethereum: standards on chain, sandboxed calculation."""
    ctx.obj = {"deployment": deployment or default_manifest_path(), "rpc": rpc}


def _reader(ctx: click.Context) -> ChainReader:
    manifest = Manifest.load(ctx.obj["deployment"])
    url = ctx.obj["rpc"] or manifest.rpc or LocalNode().url
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30}))
    chain_id = w3.eth.chain_id
    if chain_id != manifest.chain_id:
        described = f"{ctx.obj['deployment']} describes chain {manifest.chain_id}"
        raise ChainError(f"{url} is chain {chain_id} but {described}")
    return ChainReader(w3, manifest, FolderStore(STORE_DIR))


def _emit(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@main.command()
@click.option(
    "--activity",
    type=click.Path(path_type=Path),
    required=True,
    help="Activity data (AD) JSON document.",
)
@click.option("--factors", type=click.Path(path_type=Path), help="Factor library JSON (offline).")
@click.option("--formulas", type=click.Path(path_type=Path), help="Formula library JSON (offline).")
@click.option("--code", type=click.Path(path_type=Path), help="Calculation JavaScript (offline).")
@click.option(
    "--industry",
    help="Industry code whose latest standards to use (default: the one "
    "the activity's `standards` names).",
)
@click.option("--prefix", default="GB", show_default=True, help="Standards family, e.g. GB or ISO.")
@click.option(
    "--at",
    "pinned",
    multiple=True,
    metavar="NAME",
    help="Use this index name instead of the latest of its kind (repeatable).",
)
@click.pass_context
def calc(
    ctx: click.Context,
    activity: Path,
    factors: Path | None,
    formulas: Path | None,
    code: Path | None,
    industry: str | None,
    prefix: str,
    pinned: tuple[str, ...],
) -> None:
    """Compute the emissions of an activity document.

    With --factors, --formulas and --code it works offline on files; without them it pulls the
    standards from the deployed chain, checking every digest. Prints a JSON object with `total`
    and `items` in tCO2e (decimal strings, six decimals) and any warnings.
    """
    document = documents.load_file(activity, "activity")
    offline = (factors, formulas, code)
    if any(offline):
        if not all(offline):
            raise click.UsageError(
                "offline calculation needs all of --factors, --formulas and --code"
            )
        if pinned:
            raise click.UsageError("--at picks standards on chain; it does not combine with files")
        chosen = standards.from_files(factors, formulas, code)
    else:
        industry = industry or standards.industry_of(document)
        if industry is None:
            raise click.UsageError(f"{activity} names no standards; say which with --industry")
        chosen = standards.from_chain(_reader(ctx), industry, prefix, pinned)
    result = calculator.calculate(chosen.factors, chosen.formulas, chosen.code, document)
    output = result.to_json()
    if chosen.refs:
        output["standards"] = chosen.provenance()
    _emit(output)


@main.command("standards")
@click.pass_context
def list_standards(ctx: click.Context) -> None:
    """List every series in the index with its names, oldest first."""
    reader = _reader(ctx)
    index = reader.index.functions
    _emit({series: index.seriesHistory(series).call() for series in index.seriesList().call()})


@main.group()
def node() -> None:
    """The local anvil node (state kept in .chain/anvil-state.json)."""


@node.command("start")
def node_start() -> None:
    """Start the node in the background unless one is already answering."""
    local = LocalNode()
    started = local.start()
    click.echo(
        f"{'started' if started else 'already running:'} anvil at {local.url} "
        f"(state {local.state_file})"
    )


@node.command("stop")
def node_stop() -> None:
    """Stop the node this project started; its state is written to disk."""
    click.echo("stopped" if LocalNode().stop() else "no node started by this project is running")


@node.command("status")
def node_status() -> None:
    """Say whether the node answers."""
    local = LocalNode()
    if not local.is_up():
        click.echo(f"no node at {local.url}")
        sys.exit(1)
    click.echo(f"anvil at {local.url}, block {Web3(Web3.HTTPProvider(local.url)).eth.block_number}")
