"""Where the project keeps things, relative to the repository root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SCHEMAS = SEEDS / "schemas"
DEPLOYMENTS = ROOT / "deployments"
CHAIN_DIR = ROOT / ".chain"
STORE_DIR = ROOT / ".store"
TOOLCHAIN_BIN = ROOT / ".toolchain" / "bin"
