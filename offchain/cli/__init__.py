"""`carbon`: the command line of the carbon MRV suite.

Every command exits non-zero with one line saying what went wrong; `--json` output is for
machines, the rest for people. Only this root group is defined here; each command group lives in
its own module, imported when that command runs or its help is shown, so `carbon --help` starts
without loading web3.
"""

import os
import sys
from pathlib import Path
from typing import Any

import click

from offchain.cli.app import App
from offchain.cli.lazy import LazyGroup
from offchain.errors import CarbonError
from offchain.paths import STORE_DIR

COMMANDS = {
    "accounts": "offchain.cli.accounts:accounts",
    "calc": "offchain.cli.calc:calc",
    "standards": "offchain.cli.standards:standards",
    "node": "offchain.cli.node:node",
    "enterprise": "offchain.cli.enterprise:enterprise",
    "evidence": "offchain.cli.evidence:evidence",
    "quota": "offchain.cli.quota:quota",
    "keys": "offchain.cli.keys:keys",
    "agency": "offchain.cli.agency:agency",
    "verification": "offchain.cli.verification:verification",
    "verify": "offchain.cli.verify:verify_command",
    "verify-all": "offchain.cli.verify:verify_all_command",
    "compliance": "offchain.cli.compliance:compliance",
    "demo": "offchain.cli.demo:demo_command",
    "inspect": "offchain.cli.inspect:inspect",
    "ingest": "offchain.cli.ingest:ingest",
    "report": "offchain.cli.report:report_command",
    "stats": "offchain.cli.stats:stats_command",
    "serve": "offchain.cli.serve:serve_command",
}


def _cannot_reach_the_node(exc: Exception) -> bool:
    """Whether `exc` is requests' RequestException, without importing requests (slow) for it:
    if requests was never imported, nothing raised one."""
    exceptions = sys.modules.get("requests.exceptions")
    return exceptions is not None and isinstance(exc, exceptions.RequestException)


class CarbonGroup(LazyGroup):
    """Turns the package's own errors into one-line messages and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CarbonError as exc:
            raise click.ClickException(str(exc)) from exc
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if _cannot_reach_the_node(exc):
                raise click.ClickException(
                    f"cannot reach the node ({type(exc).__name__}); is it running? "
                    "`carbon node start`"
                ) from exc
            if os.environ.get("CARBON_DEBUG"):
                raise
            # A user never sees a traceback; a developer asks for it.
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise click.ClickException(
                f"unexpected {type(exc).__name__}: {first} (CARBON_DEBUG=1 shows the traceback)"
            ) from exc


@click.group(cls=CarbonGroup, lazy_subcommands=COMMANDS)
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
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    envvar="CARBON_STORE",
    default=None,
    help="Content-addressed document store (default .store).",
)
@click.pass_context
def main(
    ctx: click.Context, deployment: Path | None, rpc: str | None, store_dir: Path | None
) -> None:
    """Carbon-emission MRV on Ethereum: standards on chain, sandboxed calculation."""
    ctx.obj = App(deployment, rpc, store_dir or STORE_DIR)
