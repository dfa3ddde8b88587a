"""The local anvil node the project runs: started in the background, state kept in a file.

anvil comes from npm (`@foundry-rs/anvil`); `make setup` links its binary into
`.toolchain/bin`. `--state` loads the file at start and writes it on exit, and
`--state-interval` writes it every few seconds, so a restart or a crash loses at most that much.
anvil writes the file in place, so a node killed mid-write leaves it truncated; `start` checks
the file first and keeps the last one that loaded as `anvil-state.json.bak`.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from web3 import Web3

from offchain.errors import ChainError
from offchain.paths import CHAIN_DIR, TOOLCHAIN_BIN

DEFAULT_PORT = 8545
PORT_VARIABLE = "CARBON_NODE_PORT"
# ape's `ethereum:local` network signs for chain 1337, so the long-running node uses that id.
CHAIN_ID = 1337


def configured_port() -> int:
    """The node's port: $CARBON_NODE_PORT, else 8545 (several clones on one machine each pick
    their own)."""
    text = os.environ.get(PORT_VARIABLE, str(DEFAULT_PORT))
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ChainError(f"{PORT_VARIABLE}={text!r} is not a TCP port (1 to 65535)")
    return int(text)


@dataclass(frozen=True)
class LocalNode:
    """Where the node's files live and where it listens."""

    directory: Path = CHAIN_DIR
    port: int = field(default_factory=configured_port)
    # A throwaway node (a benchmark's) keeps no state: anvil rewrites the whole file each time.
    persist: bool = True

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
        return self.directory / "anvil.pid"

    @property
    def log_file(self) -> Path:
        return self.directory / "anvil.log"

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
        pid file names a live anvil listening on this port (with this state file)."""
        pid = self.pid()
        if pid is None:
            return False
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        except OSError:  # no /proc: the pid file is all there is
            return True
        mine = ["--port", str(self.port)]
        if self.persist:
            mine += ["--state", str(self.state_file)]
        return all(a in args for a in mine)

    def start(self, timeout: float = 20.0) -> bool:
        """Starts anvil unless this project's node already answers; returns whether it started
        one. A node someone else started on the port is never taken for this project's."""
        if self.is_up():
            if self.ours():
                return False
            raise ChainError(
                f"a node this project did not start answers at {self.url}; stop it, or run this "
                f"project's node on another port: `carbon node --port N start` "
                f"(or {PORT_VARIABLE}=N)"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [_anvil(), "--port", str(self.port), "--chain-id", str(CHAIN_ID)]
        if self.persist:
            self._keep_loadable_state()
            command += ["--state", str(self.state_file), "--state-interval", "2"]
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ChainError(
                    f"anvil exited with code {process.returncode}; see {self.log_file}"
                )
            if self.is_up():
                return True
            time.sleep(0.2)
        raise ChainError(
            f"anvil did not answer on {self.url} within {timeout:.0f} s; see {self.log_file}"
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
        """Stops the node this project started (its state is written on exit)."""
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
