"""The local node the project runs in the background: anvil by default, or Hardhat's node.

Both come from npm (`make setup`): anvil from `@foundry-rs/anvil` (its binary linked into
`.toolchain/bin`), Hardhat's node (EDR) from `hardhat`, configured by
`tools/hardhat/hardhat.config.cjs`. Which one runs is a named choice, $CARBON_NODE (`make demo
NODE=hardhat`, `carbon node --impl hardhat`); each keeps its own pid and log file in `.chain`.

anvil keeps its state in a file: `--state` loads it at start and writes it on exit, and
`--state-interval` writes it every few seconds, so a restart or a crash loses at most that much.
anvil writes the file in place, so a node killed mid-write leaves it truncated; `start` checks
the file first and keeps the last one that loaded as `anvil-state.json.bak`. Hardhat's node keeps
no state: each start is an empty chain, and the deploy deploys afresh.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from web3 import Web3

from offchain.errors import ChainError
from offchain.paths import CHAIN_DIR, ROOT, TOOLCHAIN_BIN

DEFAULT_PORT = 8545
PORT_VARIABLE = "CARBON_NODE_PORT"
IMPL_VARIABLE = "CARBON_NODE"
# ape's `ethereum:local` network signs for chain 1337, so the long-running node uses that id.
CHAIN_ID = 1337
HARDHAT_CONFIG = ROOT / "tools" / "hardhat" / "hardhat.config.cjs"


@dataclass(frozen=True)
class NodeImpl:
    """A node implementation: how to start it listening on a port, and whether it keeps state."""

    name: str
    # Keeps the chain in a file across restarts (`--state`); one that does not starts empty.
    keeps_state: bool

    def command(self, port: int) -> list[str]:
        if self.name == "anvil":
            return [_anvil(), "--port", str(port), "--chain-id", str(CHAIN_ID)]
        # The chain id, hardfork, accounts and gas limit are in the config file.
        return [
            _hardhat(),
            "--config",
            str(HARDHAT_CONFIG),
            "node",
            "--hostname",
            "127.0.0.1",
            "--port",
            str(port),
        ]

    def state_arguments(self, state_file: Path) -> list[str]:
        return ["--state", str(state_file), "--state-interval", "2"] if self.keeps_state else []


IMPLEMENTATIONS = {
    "anvil": NodeImpl("anvil", keeps_state=True),
    "hardhat": NodeImpl("hardhat", keeps_state=False),
}
DEFAULT_IMPL = "anvil"


def configured_port() -> int:
    """The node's port: $CARBON_NODE_PORT, else 8545 (several clones on one machine each pick
    their own)."""
    text = os.environ.get(PORT_VARIABLE, str(DEFAULT_PORT))
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ChainError(f"{PORT_VARIABLE}={text!r} is not a TCP port (1 to 65535)")
    return int(text)


def configured_impl() -> str:
    """The node implementation: $CARBON_NODE, else anvil."""
    name = os.environ.get(IMPL_VARIABLE) or DEFAULT_IMPL
    implementation(name)
    return name


def implementation(name: str) -> NodeImpl:
    try:
        return IMPLEMENTATIONS[name]
    except KeyError:
        raise ChainError(
            f"{IMPL_VARIABLE}={name!r} is not a node implementation; "
            f"choose one of {', '.join(IMPLEMENTATIONS)}"
        ) from None


@dataclass(frozen=True)
class LocalNode:
    """Where the node's files live, where it listens, and which implementation it is."""

    directory: Path = CHAIN_DIR
    port: int = field(default_factory=configured_port)
    # A throwaway node (a benchmark's) keeps no state: anvil rewrites the whole file each time.
    persist: bool = True
    impl: str = field(default_factory=configured_impl)
    # Further command-line options of the implementation (a benchmark's node: bigger blocks).
    options: tuple[str, ...] = ()

    @property
    def implementation(self) -> NodeImpl:
        return implementation(self.impl)

    @property
    def keeps_state(self) -> bool:
        return self.persist and self.implementation.keeps_state

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state_file(self) -> Path:
        return self.directory / "anvil-state.json"

    @property
    def backup_file(self) -> Path:
        return self.directory / "anvil-state.json.bak"

    @property
    def pid_file(self) -> Path:
        return self.directory / f"{self.impl}.pid"

    @property
    def log_file(self) -> Path:
        return self.directory / f"{self.impl}.log"

    def command(self) -> list[str]:
        state = self.implementation.state_arguments(self.state_file) if self.persist else []
        return self.implementation.command(self.port) + state + list(self.options)

    def is_up(self) -> bool:
        try:
            return Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 1})).is_connected()
        except Exception:
            return False

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _alive(pid) else None

    def ours(self) -> bool:
        """Whether the node on the port is the one this project started from this folder: its
        pid file names a live process run with this node's arguments (port, state file)."""
        pid = self.pid()
        if pid is None:
            return False
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        except OSError:  # no /proc: the pid file is all there is
            return True
        return all(a in args for a in self.command()[1:])

    def start(self, timeout: float = 30.0) -> bool:
        """Starts the node unless this project's node already answers; returns whether it
        started one. A node someone else started on the port is never taken for this project's."""
        if self.is_up():
            if self.ours():
                return False
            raise ChainError(self._foreign())
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.keeps_state:
            self._keep_loadable_state()
        command = self.command()
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                # Hardhat asks about telemetry on first use; a background node cannot answer.
                env={**os.environ, "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true"},
            )
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ChainError(
                    f"{self.impl} exited with code {process.returncode}; see {self.log_file}"
                )
            if self.is_up():
                return True
            time.sleep(0.2)
        raise ChainError(
            f"{self.impl} did not answer on {self.url} within {timeout:.0f} s; see {self.log_file}"
        )

    def _foreign(self) -> str:
        for other in IMPLEMENTATIONS:
            if other != self.impl and replace(self, impl=other).ours():
                return (
                    f"this project's {other} node answers at {self.url}; stop it first "
                    f"(`carbon node --impl {other} stop`) or run {self.impl} on another port"
                )
        return (
            f"a node this project did not start answers at {self.url}; stop it, or run this "
            f"project's node on another port: `carbon node --port N start` "
            f"(or {PORT_VARIABLE}=N)"
        )

    def _keep_loadable_state(self) -> None:
        """Refuses a state file anvil could not load; backs up one it can."""
        if not self.state_file.exists():
            return
        state = self.state_file.read_bytes()
        try:
            json.loads(state)
        except ValueError as exc:  # UnicodeDecodeError is one
            raise ChainError(_unloadable(self.state_file, self.backup_file, exc)) from exc
        self.backup_file.write_bytes(state)

    def stop(self, timeout: float = 20.0) -> bool:
        """Stops the node this project started (anvil writes its state on exit)."""
        pid = self.pid()
        if pid is None or not self.ours():
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True


def _alive(pid: int) -> bool:
    # A node this process started stays a zombie, still answering kill(pid, 0), until reaped.
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def free_port() -> int:
    """A TCP port nothing listens on now, for a throwaway node."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unloadable(state: Path, backup: Path, exc: Exception) -> str:
    message = (
        f"{state} is not a complete anvil state ({exc}); the node was probably stopped while "
        "writing it"
    )
    if backup.exists():
        saved = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(backup.stat().st_mtime))
        return f"{message}. The last state that loaded ({saved}) is kept: `cp {backup} {state}`"
    return f"{message}. Move it aside to start an empty chain: `mv {state} {state}.broken`"


def _anvil() -> str:
    for candidate in (TOOLCHAIN_BIN / "anvil", shutil.which("anvil")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise ChainError("anvil is not installed; run `make setup`")


def _hardhat() -> str:
    cli = ROOT / "node_modules" / ".bin" / "hardhat"
    if not cli.exists():
        raise ChainError("Hardhat is not installed; run `make setup`")
    return str(cli)
