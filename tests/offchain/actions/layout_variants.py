"""Copies of contracts/ with one ERC-7201 namespace struct edited, for the upgrade-safety tests.

Shared by tests/offchain/actions/test_upgrade_safety.py and tests/e2e/test_deploy_upgrade.py
(which loads it by path): both make the same variant, so its build-info, cached by content,
compiles once. It edits the first namespace struct (sources in path order) whose first two
fields differ in type (a swap of two fields of one type reads as a rename, also refused), so the
tests follow whatever the contracts are.
"""

import re
import shutil
from pathlib import Path

import pytest

from offchain.paths import ROOT

_STRUCT = re.compile(
    r"@custom:storage-location\s+erc7201:(\S+)\s*\n\s*struct\s+\w+\s*\{\n(?P<body>.*?)\n\s*\}",
    re.S,
)
_FIELD = re.compile(r"^\s*(?P<type>[^;]+?)\s+(?P<name>\w+);\s*$")


def _first_namespace() -> tuple[Path, str, re.Match]:
    for path in sorted((ROOT / "contracts").rglob("*.sol")):
        for match in _STRUCT.finditer(path.read_text("utf-8")):
            fields = [_FIELD.match(line) for line in match["body"].splitlines()]
            if len(fields) >= 2 and all(fields) and fields[0]["type"] != fields[1]["type"]:
                return path, match.group(1), match
    pytest.fail("no ERC-7201 struct with two fields of different types in contracts/")


def variant(dest: Path, edit: str) -> tuple[Path, str, list[str]]:
    """contracts/ copied under `dest` with the first namespace's first two fields swapped
    (`edit="swap"`) or a field appended (`"append"`): (base, namespace, field names)."""
    path, namespace, match = _first_namespace()
    shutil.copytree(ROOT / "contracts", dest / "contracts")
    lines = match["body"].splitlines()
    names = [_FIELD.match(line)["name"] for line in lines]
    if edit == "swap":
        lines[0], lines[1] = lines[1], lines[0]
    else:
        indent = re.match(r"\s*", lines[-1]).group(0)
        lines.append(f"{indent}uint256 appendedForTheTest;")
    text = path.read_text("utf-8")
    edited = text[: match.start("body")] + "\n".join(lines) + text[match.end("body") :]
    (dest / path.relative_to(ROOT)).write_text(edited, "utf-8")
    return dest, namespace, names
