"""The deployment manifest: where the suite lives on a network, written by `ape run deploy`."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from offchain.errors import NotDeployedError
from offchain.paths import DEPLOYMENTS


@dataclass
class ContractRecord:
    """One deployed contract: its proxy (or plain address) and implementation."""

    kind: str
    address: str
    implementation: str | None = None


@dataclass
class Manifest:
    """Network, chain id, every contract's proxy and implementation, and the ABIs to read them."""

    network: str
    chain_id: int
    rpc: str | None
    contracts: dict[str, ContractRecord] = field(default_factory=dict)
    implementations: dict[str, str] = field(default_factory=dict)
    abis: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Hash of the chain's block 0: a node that keeps no state (Hardhat's) starts a new chain with
    # the same id each time, where the same contracts land at the same addresses in another
    # order; the deploy starts afresh on a chain that is not this one.
    genesis: str | None = None

    def belongs_to(self, chain_id: int, genesis: str) -> bool:
        """Whether this manifest describes the chain with this id and block 0 (one written before
        block 0 was recorded: by its id alone)."""
        return self.chain_id == chain_id and self.genesis in (None, genesis)

    def address(self, name: str) -> str:
        try:
            return self.contracts[name].address
        except KeyError as exc:
            raise NotDeployedError(f"the deployment has no contract named {name!r}") from exc

    def abi(self, kind: str) -> list[dict[str, Any]]:
        try:
            return self.abis[kind]
        except KeyError as exc:
            raise NotDeployedError(f"the deployment manifest has no ABI for {kind!r}") from exc

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", "utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        try:
            raw = json.loads(path.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise NotDeployedError(
                f"no deployment manifest at {path}; run `make demo` or `ape run deploy` first"
            ) from exc
        except IsADirectoryError as exc:
            raise NotDeployedError(f"{path} is a folder, not a deployment manifest") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise NotDeployedError(f"{path}: cannot read the deployment manifest ({exc})") from exc
        except json.JSONDecodeError as exc:
            raise NotDeployedError(
                f"{path} is not a deployment manifest: malformed JSON at line {exc.lineno} "
                f"column {exc.colno}"
            ) from exc
        try:
            raw["contracts"] = {k: ContractRecord(**v) for k, v in raw["contracts"].items()}
            return cls(**raw)
        except (KeyError, TypeError, AttributeError) as exc:
            raise NotDeployedError(
                f"{path} is not a deployment manifest written by `ape run deploy` ({exc!r})"
            ) from exc


def default_manifest_path(network: str = "local") -> Path:
    """`deployments/<network>.json`."""
    return DEPLOYMENTS / f"{network}.json"
