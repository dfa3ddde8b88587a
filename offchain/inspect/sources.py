"""Proof that the code running on chain is this repository's sources, and exports for public
verifiers (Sourcify, Etherscan-style).

The sources are compiled afresh with ape-config.yaml's settings: the standard-JSON input of the
upgrade-safety build-info (every source inlined, imports included) compiled again with the outputs
a verifier needs (metadata, creation and runtime code, immutable references), cached per
build-info under `.build/inspect/`. Each deployed runtime code is then compared the way Sourcify
does: a *perfect* match is equal including the CBOR metadata at its end (whose hash covers every
source and setting), a *partial* match is equal once that metadata is stripped (its length is the
code's last two bytes); immutables (UUPS keeps its own address in `__self`) are masked in both.

The enterprises' proxies are not compiled from these sources: they are Solady's minimal ERC-1967
beacon proxies, created by the factory with CREATE2. Their address commits to the hash of their
creation code (which returns a fixed runtime), so an address equal to the factory's prediction for
the enterprise's credit code proves their code (`create2`).

Creation transactions are not in the manifest: each is found on chain, by searching for the first
block at which the address has code (a batched k-ary search over eth_getCode at past blocks) and
taking the transaction of that block whose receipt created the address or carries its first logs.
This needs a node that answers state queries at past blocks (an archive node, or anvil).
"""

import json
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from eth_abi import encode
from eth_utils import keccak

from offchain.actions.upgrade_safety import build_info
from offchain.chain.addresses import predicted_enterprise
from offchain.chain.reader import ChainReader
from offchain.errors import CarbonError
from offchain.inspect.catalog import BEACON
from offchain.inspect.resolve import BEACON_SLOT, Suite, Target, slot_address
from offchain.inspect.rpc import answers, head
from offchain.paths import ROOT

FACADE = ROOT / "tools" / "solc-facade.cjs"
CACHE = ROOT / ".build" / "inspect"
PROXY_CONTRACT = "CarbonProxy"
OUTPUTS = [
    "metadata",
    "evm.bytecode.object",
    "evm.deployedBytecode.object",
    "evm.deployedBytecode.immutableReferences",
]
# What an explorer's standard-JSON input asks for; any selection compiles to the same code.
EXPORT_OUTPUTS = ["abi", "evm.bytecode", "evm.deployedBytecode", "metadata"]
PROBES = 16  # eth_getCode probes per address per round of the creation-block search
UPGRADED = "0x" + keccak(text="Upgraded(address)").hex()
OWNERSHIP = "0x" + keccak(text="OwnershipTransferred(address,address)").hex()


class SourcesError(CarbonError):
    """The sources cannot be compiled, or the export cannot be written."""


class Match(StrEnum):
    PERFECT = "perfect"  # equal, CBOR metadata hash included (immutables masked)
    PARTIAL = "partial"  # equal once the CBOR metadata is stripped
    CREATE2 = "create2"  # an enterprise proxy at the factory's CREATE2 address for it
    MISMATCH = "mismatch"
    NO_CODE = "no code"

    @property
    def ok(self) -> bool:
        return self in (Match.PERFECT, Match.PARTIAL, Match.CREATE2)


@dataclass(frozen=True)
class Compiled:
    """One contract of the fresh compilation."""

    name: str
    source: str  # its source unit, e.g. contracts/keys/KeyDirectory.sol
    creation: bytes
    runtime: bytes
    immutables: tuple[tuple[int, int], ...]  # (start, length) in the runtime code
    metadata: str  # the metadata JSON exactly as the compiler wrote it (its hash is in the code)

    @property
    def qualified(self) -> str:
        return f"{self.source}:{self.name}"


@dataclass
class Build:
    """The fresh compilation: the compiler, its standard-JSON input, every deployable contract."""

    compiler: str  # long version, e.g. 0.8.28+commit.7893614a
    input: dict[str, Any]
    contracts: dict[str, Compiled] = field(default_factory=dict)

    def contract(self, name: str) -> Compiled:
        try:
            return self.contracts[name]
        except KeyError as exc:
            raise SourcesError(f"the sources have no deployable contract {name}") from exc

    def standard_json(self, name: str, **settings: Any) -> dict[str, Any]:
        """The standard-JSON input of `name`: exactly the sources its metadata names, inlined,
        and the compilation's settings (overridden by `settings`)."""
        used = json.loads(self.contract(name).metadata)["sources"]
        chosen = {k: v for k, v in self.input["settings"].items() if k != "outputSelection"}
        chosen.update(settings)
        chosen["outputSelection"] = {"*": {"*": EXPORT_OUTPUTS}}
        return {
            "language": "Solidity",
            "sources": {path: {"content": self.input["sources"][path]["content"]} for path in used},
            "settings": chosen,
        }


def solc(standard_input: dict[str, Any]) -> dict[str, Any]:
    """The output of the project's solc (solc-js behind `tools/solc-facade.cjs`)."""
    node = shutil.which("node")
    if node is None:
        raise SourcesError("node is not installed; run `make setup`")
    result = subprocess.run(
        [node, str(FACADE), "--standard-json"],
        input=json.dumps(standard_input),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise SourcesError(f"solc failed: {' '.join(result.stderr.split())[:500]}")
    output = json.loads(result.stdout)
    errors = [e for e in output.get("errors", []) if e["severity"] == "error"]
    if errors:
        raise SourcesError(f"the sources do not compile: {errors[0]['message']}")
    return output


def compiled_contracts(output: dict[str, Any]) -> dict[str, Compiled]:
    """Every contract with code in a compiler output, by name."""
    found = {}
    for source, contracts in output["contracts"].items():
        for name, out in contracts.items():
            deployed = out["evm"]["deployedBytecode"]
            if not deployed["object"]:
                continue
            references = deployed.get("immutableReferences", {})
            found[name] = Compiled(
                name,
                source,
                bytes.fromhex(out["evm"]["bytecode"]["object"]),
                bytes.fromhex(deployed["object"]),
                tuple(
                    sorted((r["start"], r["length"]) for refs in references.values() for r in refs)
                ),
                out["metadata"],
            )
    return found


def compile_sources(cache: Path = CACHE) -> Build:
    """The repository's contracts compiled afresh (cached per state of the sources)."""
    info_path = build_info()
    info = json.loads(info_path.read_text("utf-8"))
    standard_input = info["input"]
    cached = cache / info_path.name
    if cached.exists():
        output = json.loads(cached.read_text("utf-8"))
    else:
        selection: dict[str, dict[str, list[str]]] = {}
        for source, contracts in info["output"]["contracts"].items():
            for name, out in contracts.items():
                # Ours, and the beacon the factory creates; the rest is library code.
                wanted = source.startswith("contracts/") or name == "UpgradeableBeacon"
                if wanted and out["evm"]["deployedBytecode"]["object"]:
                    selection.setdefault(source, {})[name] = OUTPUTS
        settings = {**standard_input["settings"], "outputSelection": selection}
        output = solc({**standard_input, "settings": settings})
        output = {"contracts": output["contracts"]}
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(json.dumps(output), "utf-8")
        tmp.replace(cached)
    contracts = compiled_contracts(output)
    compiler = json.loads(next(iter(contracts.values())).metadata)["compiler"]["version"]
    return Build(compiler, standard_input, contracts)


# -- comparing code ----------------------------------------------------------------------------


def strip_metadata(code: bytes) -> bytes:
    """`code` without its CBOR metadata (whose length is the last two bytes, plus those two)."""
    if len(code) < 2:
        return code
    length = int.from_bytes(code[-2:], "big") + 2
    return code[:-length] if length <= len(code) else code


def mask(code: bytes, ranges: Iterable[tuple[int, int]]) -> bytes:
    """`code` with the byte ranges (start, length) of immutables zeroed."""
    masked = bytearray(code)
    for start, length in ranges:
        if start + length <= len(masked):
            masked[start : start + length] = bytes(length)
    return bytes(masked)


def compare(deployed: bytes, compiled: Compiled) -> Match:
    if not deployed:
        return Match.NO_CODE
    ours = mask(compiled.runtime, compiled.immutables)
    theirs = mask(deployed, compiled.immutables)
    if theirs == ours:
        return Match.PERFECT
    if strip_metadata(theirs) == strip_metadata(ours):
        return Match.PARTIAL
    return Match.MISMATCH


# -- the deployment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deployed:
    """A contract of the deployment and the compiled contract it should be (None for an
    enterprise proxy, which no source compiles)."""

    target: Target
    contract: str | None


@dataclass(frozen=True)
class Check:
    label: str
    address: str
    contract: str  # what it was compared with
    match: Match


def deployed_contracts(suite: Suite) -> list[Deployed]:
    """Every implementation (the manifest's and those the proxies and beacons run), every proxy,
    the beacons and every enterprise's proxies."""
    found: list[Deployed] = []
    seen: set[str] = set()
    for target in suite.directory.values():
        if target.address.lower() in seen:
            continue
        seen.add(target.address.lower())
        if target.role == "implementation":
            found.append(Deployed(target, target.kind))
        elif target.role == "proxy":
            found.append(Deployed(target, PROXY_CONTRACT))
        elif target.role == "beacon":
            found.append(Deployed(target, BEACON))
        else:
            found.append(Deployed(target, None))
    return found


class Verifier:
    """Compares what the deployment runs with a build."""

    def __init__(self, reader: ChainReader, build: Build) -> None:
        self.reader = reader
        self.build = build
        self.suite = Suite(reader)

    @cached_property
    def deployed(self) -> list[Deployed]:
        return deployed_contracts(self.suite)

    def check(self) -> list[Check]:
        """One Check per deployed contract (two batches: the codes, the enterprises' slots)."""
        items = self.deployed
        codes = answers(
            self.reader,
            [("eth_getCode", [d.target.address, "latest"]) for d in items],
            "eth_getCode",
        )
        enterprises = [d for d in items if d.contract is None]
        beacon_of = {kind: beacon for beacon, kind in self.suite.beacons.items()}
        slots = answers(
            self.reader,
            [("eth_getStorageAt", [d.target.address, BEACON_SLOT, "latest"]) for d in enterprises],
            "beacon slots",
        )
        slot_of = {
            d.target.address: slot_address(s) for d, s in zip(enterprises, slots, strict=True)
        }
        factory = self.reader.manifest.address("EnterpriseFactory") if enterprises else ""
        checks = []
        for item, code in zip(items, codes, strict=True):
            runtime = bytes.fromhex(code[2:])
            target = item.target
            if item.contract is None:
                carbon, layer = predicted_enterprise(factory, target.credit_code or "")
                expected = carbon if target.kind == "EnterpriseCarbon" else layer
                ok = (
                    bool(runtime)
                    and expected == target.address
                    and slot_of[target.address] == beacon_of.get(target.kind)
                )
                described = f"Solady ERC-1967 beacon proxy (CREATE2 by {factory})"
                checks.append(
                    Check(
                        target.label,
                        target.address,
                        described,
                        Match.CREATE2 if ok else Match.MISMATCH,
                    )
                )
                continue
            compiled = self.build.contract(item.contract)
            checks.append(
                Check(target.label, target.address, compiled.qualified, compare(runtime, compiled))
            )
        return checks

    # -- export ------------------------------------------------------------------------------

    def export(self, folder: Path) -> list[Path]:
        """Per compiled contract of the deployment, a folder with `input.json` (standard JSON,
        sources inlined), `metadata.json` and `info.json` (contract, address, compiler, match,
        constructor arguments, creation transaction); the folders written."""
        items = [d for d in self.deployed if d.contract is not None]
        checks = {c.address: c for c in self.check()}
        creations = find_creations(self.reader, [d.target.address for d in items])
        written = []
        for item in items:
            assert item.contract is not None
            compiled = self.build.contract(item.contract)
            address = item.target.address
            creation = creations.get(address)
            where = folder / f"{_slug(item.target.label)}-{address}"
            where.mkdir(parents=True, exist_ok=True)
            standard = self.build.standard_json(item.contract)
            (where / "input.json").write_text(json.dumps(standard, indent=1), "utf-8")
            (where / "metadata.json").write_text(compiled.metadata, "utf-8")
            info = {
                "contract": compiled.qualified,
                "label": item.target.label,
                "address": address,
                "compiler": "v" + self.build.compiler,
                "match": str(checks[address].match),
                "constructor_arguments": _constructor_arguments(compiled, item, creation),
                "creation_transaction": creation.tx if creation else None,
                "creation_block": creation.block if creation else None,
            }
            (where / "info.json").write_text(json.dumps(info, indent=2) + "\n", "utf-8")
            written.append(where)
        return written


def _slug(label: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in label)


# -- creation transactions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Creation:
    tx: str
    block: int
    input: bytes  # the transaction's input
    direct: bool  # the transaction itself created the contract (no factory in between)
    logs: tuple[dict[str, Any], ...]  # the creation's logs from the contract itself


def first_blocks(reader: ChainReader, addresses: Sequence[str], latest: int) -> dict[str, int]:
    """The first block at which each address has code: a k-ary search, every address's probes
    of a round in one batch (log base PROBES of the chain's length in round trips)."""
    bounds = {a: (0, latest) for a in addresses}  # the first block with code is in [lo, hi]
    while any(lo < hi for lo, hi in bounds.values()):
        probes: list[tuple[str, int]] = []
        for address, (lo, hi) in bounds.items():
            if lo < hi:
                step = max(1, (hi - lo) // PROBES)
                probes += [(address, b) for b in range(lo, hi, step)][:PROBES]
        codes = answers(
            reader, [("eth_getCode", [a, hex(b)]) for a, b in probes], "eth_getCode at past blocks"
        )
        for (address, block), code in zip(probes, codes, strict=True):
            lo, hi = bounds[address]
            if code not in (None, "0x") and block < hi:
                hi = block
            elif code in (None, "0x") and block >= lo and block < hi:
                lo = block + 1
            bounds[address] = (lo, hi) if lo <= hi else (hi, hi)
    return {a: lo for a, (lo, _) in bounds.items()}


def find_creations(reader: ChainReader, addresses: Sequence[str]) -> dict[str, Creation]:
    """The transaction that created each address, when the node's history shows it."""
    blocks = first_blocks(reader, addresses, head(reader))
    numbers = sorted(set(blocks.values()))
    found = answers(reader, [("eth_getBlockByNumber", [hex(n), True]) for n in numbers], "blocks")
    txs = [tx for block in found for tx in block["transactions"]]
    receipts = answers(
        reader, [("eth_getTransactionReceipt", [tx["hash"]]) for tx in txs], "receipts"
    )
    result = {}
    for address in addresses:
        for tx, receipt in zip(txs, receipts, strict=True):
            if int(tx["blockNumber"], 16) != blocks[address]:
                continue
            own = tuple(log for log in receipt["logs"] if log["address"].lower() == address.lower())
            created = (receipt.get("contractAddress") or "").lower() == address.lower()
            if created or own:
                data = bytes.fromhex(tx["input"][2:])
                result[address] = Creation(tx["hash"], blocks[address], data, created, own)
                break
    return result


def _constructor_arguments(
    compiled: Compiled, item: Deployed, creation: Creation | None
) -> str | None:
    """The ABI-encoded constructor arguments: what follows the creation code in a direct
    deployment's input; for a beacon the factory created, its initial implementation and owner
    as its constructor's events say them."""
    if creation is None:
        return None
    if creation.direct:
        if len(creation.input) < len(compiled.creation):
            return None
        return "0x" + creation.input[len(compiled.creation) :].hex()
    if item.contract == BEACON:
        implementation = next(
            (log["topics"][1] for log in creation.logs if log["topics"][0] == UPGRADED), None
        )
        owner = next(
            (log["topics"][2] for log in creation.logs if log["topics"][0] == OWNERSHIP), None
        )
        if implementation and owner:
            args = [slot_address(implementation), slot_address(owner)]
            return "0x" + encode(["address", "address"], args).hex()
    return None
