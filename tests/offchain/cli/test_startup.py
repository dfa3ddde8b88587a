"""`carbon` starts fast: its help, and every group's, loads neither web3 nor ape.

Importing web3 alone takes most of a second; whether it is in `sys.modules` after the help is
shown is a stable proxy for the 0.3 s target, where a wall-clock limit would be flaky.
"""

import os
import subprocess
import sys

from offchain.cli import COMMANDS
from offchain.paths import ROOT

HEAVY = ("web3", "ape", "eth_account", "requests", "quickjs", "jsonschema")
SHOW_EVERY_HELP = f"""
import sys
from offchain.cli import main
for args in ([], *([name] for name in {sorted(COMMANDS)!r})):
    try:
        main([*args, "--help"])
    except SystemExit as exc:
        assert exc.code == 0, (args, exc.code)
print("loaded:", ",".join(m for m in {HEAVY!r} if m in sys.modules))
"""


def python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )


def test_python_m_offchain_cli_shows_every_command():
    result = python("-m", "offchain.cli", "--help")
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert f"\n  {name} " in result.stdout


def test_importing_the_cli_loads_no_web3():
    result = python("-c", "import sys, offchain.cli; print('web3' in sys.modules)")
    assert result.stdout.strip() == "False", result.stderr


def test_no_help_loads_a_heavy_library():
    result = python("-c", SHOW_EVERY_HELP)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "loaded: "
