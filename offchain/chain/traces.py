"""How ape reads the trace of a transaction, per node: the one node-specific setting.

After every contract call ape reads its trace (to print Solidity console.log lines). Hardhat's
node answers `debug_traceTransaction` only with the full step log, every step's memory included,
not with a call tracer or `trace_transaction`: reading it made a deployment crawl (about 100 of
240 transactions in ten minutes, ape at 4.8 GB). There ape replays the call with `eth_call`
instead ("basic"), which these contracts, printing nothing, lose nothing by. Other nodes keep
ape's default: on anvil the basic replay of a mined transaction reverts (its state is spent) and
ape prints that replay's trace for every transaction.
"""

from typing import Any

from ape_ethereum.trace import TraceApproach

# web3_clientVersion of the nodes that answer only the step log.
STEP_LOG_ONLY = ("hardhatnetwork",)


def adapt(provider: Any) -> None:
    """Sets ape's trace approach for the node `provider` is connected to."""
    version = str(getattr(provider, "client_version", "") or "").lower()
    if version.startswith(STEP_LOG_ONLY):
        provider._call_trace_approach = TraceApproach.BASIC  # ape has no public setter
