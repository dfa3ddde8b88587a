"""Who signs: an Ethereum account loaded from a key the operator names.

`--as` takes one of
- `dev:N` — account N of the development mnemonic anvil funds (local chains only);
- `env:VAR` — a hex private key in environment variable VAR;
- `keystore:PATH` — an encrypted JSON keystore, its password in CARBON_KEYSTORE_PASSWORD.
"""

import json
import os
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from offchain.errors import CarbonError

DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_CHAIN_IDS = (1337, 31337)

Account.enable_unaudited_hdwallet_features()


class AccountError(CarbonError):
    """The signing account cannot be loaded."""


def dev_account(n: int) -> LocalAccount:
    """Account `n` of the development mnemonic (the one anvil funds)."""
    return Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{n}")


def load_account(spec: str, chain_id: int) -> LocalAccount:
    """The account `spec` names (see the module docstring)."""
    kind, _, value = spec.partition(":")
    if kind == "dev":
        if chain_id not in DEV_CHAIN_IDS:
            raise AccountError(f"dev accounts exist only on local chains, not on chain {chain_id}")
        if not value.isdigit():
            raise AccountError(f"{spec!r}: expected dev:N with N a number")
        return dev_account(int(value))
    if kind == "env":
        key = os.environ.get(value)
        if not key:
            raise AccountError(f"environment variable {value} holds no private key")
        return _from_key(key, f"${value}")
    if kind == "keystore":
        return _from_keystore(Path(value))
    raise AccountError(f"{spec!r}: expected dev:N, env:VAR or keystore:PATH")


def _from_key(key: str, origin: str) -> LocalAccount:
    try:
        return Account.from_key(key)
    except (ValueError, TypeError) as exc:
        raise AccountError(f"{origin} is not a valid private key") from exc


def _from_keystore(path: Path) -> LocalAccount:
    password = os.environ.get("CARBON_KEYSTORE_PASSWORD")
    if password is None:
        raise AccountError("set CARBON_KEYSTORE_PASSWORD to unlock the keystore")
    try:
        keystore = json.loads(path.read_text("utf-8"))
        return Account.from_key(Account.decrypt(keystore, password))
    except OSError as exc:
        raise AccountError(f"{path}: cannot read keystore ({exc.strerror})") from exc
    except ValueError as exc:
        raise AccountError(f"{path}: wrong password or not a keystore") from exc
