"""Upgrade safety: a new implementation must keep the storage layout of the one it replaces.

The deployer upgrades every proxy of a kind whose sources changed. Before it sends anything, the
new implementations are checked with OpenZeppelin upgrades-core against the build that is
deployed: storage variables and ERC-7201 namespace fields may only be appended, never reordered,
removed, retyped or renamed, and the contract must stay upgrade-safe (no constructor without
`@custom:oz-upgrades-unsafe-allow`, no selfdestruct, ...).

upgrades-core reads Hardhat-format build-info files (standard-JSON input and output with storage
layouts); ape's artifacts have no storage layouts, so `tools/build-info.cjs` compiles the
sources again with solc-js, with ape-config.yaml's settings (the result is byte-for-byte the
code ape deploys, which `check` verifies), and `tools/upgrade-check.cjs` runs the validation.
The build-info of what a deployment runs is kept next to its manifest
(`deployments/<network>.buildinfo.json`): it is the reference the next upgrade is checked
against. The first deployment has nothing to compare with.

    python -m offchain.actions.upgrade_safety build-info     # the current build-info's path
"""

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from offchain.errors import CarbonError
from offchain.paths import ROOT

BUILD_INFO_SCRIPT = ROOT / "tools" / "build-info.cjs"
CHECK_SCRIPT = ROOT / "tools" / "upgrade-check.cjs"
CACHE = ROOT / ".build" / "build-info"
CACHE_KEEP = 12  # build-info files kept in the cache (about 6 MB each), the latest used first
# Validation errors allowed per contract. The standards libraries inherit `initialize` from
# StandardDocument, which upgrades-core reports as a missing initializer (DESIGN §7).
UNSAFE_ALLOW: dict[str, tuple[str, ...]] = {
    "FactorLibrary": ("missing-initializer",),
    "FormulaLibrary": ("missing-initializer",),
    "CalcCode": ("missing-initializer",),
}


class UpgradeSafetyError(CarbonError):
    """The upgrade cannot be checked: no node, sources that do not compile, a stale reference."""


class UnsafeUpgradeError(UpgradeSafetyError):
    """A new implementation is not a safe upgrade of the deployed one (e.g. a reordered field)."""

    def __init__(self, contract: str, problems: list["Problem"]) -> None:
        self.contract = contract
        self.problems = problems
        first = problems[0]
        fields = list(dict.fromkeys(p.field for p in problems if p.field))
        subject = f"field `{fields[0]}`" if fields else first.kind
        details = "; ".join(p.message for p in problems)
        super().__init__(f"upgrade of {contract} refused ({subject}): {details}")

    @property
    def field(self) -> str | None:
        return next((p.field for p in self.problems if p.field), None)


@dataclass(frozen=True)
class Problem:
    """One finding of upgrades-core: its kind (`delete`, `insert`, `missing-initializer`, ...),
    the storage field concerned, the contract declaring it, its ERC-7201 namespace, one line."""

    kind: str
    field: str | None
    declared_in: str | None
    namespace: str | None
    message: str


def compiler_settings(config: Path = ROOT / "ape-config.yaml") -> dict[str, Any]:
    """The standard-JSON settings ape-solidity compiles with, from ape-config.yaml."""
    import yaml  # ape's dependency; imported here so that the module loads without it

    solidity = yaml.safe_load(config.read_text("utf-8")).get("solidity", {})
    settings: dict[str, Any] = {
        "optimizer": {
            "enabled": bool(solidity.get("optimize", True)),
            "runs": int(solidity.get("optimization_runs", 200)),
        },
        "remappings": sorted(solidity.get("import_remapping", [])),
    }
    if solidity.get("evm_version"):
        settings["evmVersion"] = solidity["evm_version"]
    if solidity.get("via_ir"):
        settings["viaIR"] = True
    return settings


def _node(script: Path, *args: str, cwd: Path = ROOT) -> str:
    node = shutil.which("node")
    if node is None:
        raise UpgradeSafetyError("node is not installed; run `make setup`")
    result = subprocess.run(
        [node, str(script), *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        message = " ".join(result.stderr.split()) or f"exit status {result.returncode}"
        raise UpgradeSafetyError(f"{script.name} failed: {message[:2000]}")
    return result.stdout


def _key(base: Path, settings: Mapping[str, Any]) -> str:
    digest = hashlib.sha256()
    for path in sorted((base / "contracts").rglob("*.sol")):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for path in (ROOT / "package-lock.json", BUILD_INFO_SCRIPT):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def build_info(base: Path = ROOT, cache: Path = CACHE) -> Path:
    """The build-info of the contracts under `base`/contracts, compiled once per source state."""
    settings = compiler_settings()
    path = cache / f"{_key(base, settings)}.json"
    if path.exists():
        path.touch()
    else:
        _prune(cache)
        _node(
            BUILD_INFO_SCRIPT,
            "--settings",
            json.dumps(settings),
            "--out",
            str(path),
            "--base",
            str(base),
        )
    return path


def _prune(cache: Path) -> None:
    if not cache.is_dir():
        return
    files = sorted(cache.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in files[CACHE_KEEP - 1 :]:
        stale.unlink(missing_ok=True)


def runtime_code(build_info_path: Path, contract: str) -> bytes:
    """The deployed (runtime) bytecode of `contract` in a build-info file."""
    output = json.loads(build_info_path.read_text("utf-8"))["output"]["contracts"]
    for contracts in output.values():
        if contract in contracts:
            return bytes.fromhex(contracts[contract]["evm"]["deployedBytecode"]["object"])
    raise UpgradeSafetyError(f"{build_info_path} has no contract {contract}")


def check(current: Path, previous: Path, contracts: list[str]) -> dict[str, list[Problem]]:
    """upgrades-core's findings for each contract of `current` replacing its namesake in
    `previous` (an empty list: safe)."""
    if not contracts:
        return {}
    specs = [
        f"{name}:{','.join(UNSAFE_ALLOW[name])}" if name in UNSAFE_ALLOW else name
        for name in contracts
    ]
    report = json.loads(
        _node(CHECK_SCRIPT, "--current", str(current), "--previous", str(previous), *specs)
    )
    return {
        name: [
            Problem(p["kind"], p["field"], p["contract"], p["namespace"], p["message"])
            for p in result["problems"]
        ]
        for name, result in zip(contracts, report["contracts"], strict=True)
    }


def assert_safe(current: Path, previous: Path, contracts: list[str]) -> None:
    """Raises UnsafeUpgradeError for the first contract that is not a safe upgrade."""
    for name, problems in check(current, previous, contracts).items():
        if problems:
            raise UnsafeUpgradeError(name, problems)


class UpgradeGuard:
    """Checks a deployment's upgrades against the build it runs, kept in `reference`."""

    def __init__(self, reference: Path, base: Path = ROOT) -> None:
        self.reference = reference
        self.base = base

    def check(self, deployed: Mapping[str, bytes], compiled: Mapping[str, bytes]) -> None:
        """`deployed`: the runtime code now running for each kind about to get a new
        implementation; `compiled`: what ape compiled for it. Raises before anything is sent."""
        if not deployed:
            return
        if not self.reference.exists():
            # The first deployment, or one made before references were kept: nothing to compare.
            print(
                f"warning: no build-info at {self.reference}; upgrading "
                f"{', '.join(sorted(deployed))} without a storage-layout check",
                file=sys.stderr,
            )
            return
        from offchain.actions.deploy import same_build  # deploy imports this module

        current = build_info(self.base)
        for kind in sorted(deployed):
            if not same_build(compiled[kind], runtime_code(current, kind)):
                raise UpgradeSafetyError(
                    f"{kind}: the build-info compiled from contracts/ differs from ape's build; "
                    "run `make compile`"
                )
            if not same_build(deployed[kind], runtime_code(self.reference, kind)):
                raise UpgradeSafetyError(
                    f"{kind}: the deployed implementation was not built from {self.reference}; "
                    "its storage layout is unknown, so the upgrade is refused"
                )
        assert_safe(current, self.reference, sorted(deployed))

    def record(self) -> None:
        """Keep the current build-info as the reference: the deployment now runs it."""
        current = build_info(self.base)
        if self.reference.exists() and _same_file(current, self.reference):
            return
        self.reference.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.reference.with_suffix(".tmp")
        shutil.copyfile(current, tmp)
        tmp.replace(self.reference)


def _same_file(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def main(argv: list[str]) -> int:
    if argv != ["build-info"]:
        print("usage: python -m offchain.actions.upgrade_safety build-info", file=sys.stderr)
        return 2
    try:
        print(build_info())
    except CarbonError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
