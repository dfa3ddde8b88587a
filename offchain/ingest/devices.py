"""The DeviceRegistry from off chain: registering and retiring devices (the enterprise's carbon
administrator), and the reads the service and the verifier make, cached for a short time.

Enterprise addresses never change, so they are cached for good; a device can be retired at any
moment and an industry's standards can get a new revision, so those are read again after `ttl`
seconds: a retirement reaches the service within that time.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3

from offchain.calc import standards
from offchain.chain.bindings import Device, device_id_bytes
from offchain.chain.reader import ChainReader
from offchain.chain.revert import RevertError
from offchain.chain.transact import Transactor
from offchain.errors import CarbonError

KIND = "DeviceRegistry"


class DeviceError(CarbonError):
    """A device cannot be registered or retired as asked."""


def device_key(device_id: str) -> bytes:
    """A device id as the registry keys it; DeviceError when it cannot be one."""
    try:
        return device_id_bytes(device_id)
    except (ValueError, UnicodeEncodeError) as exc:
        raise DeviceError(f"device id {device_id!r}: 1 to 32 ASCII characters") from exc


def registry(reader: ChainReader) -> Any:
    return reader.singleton(KIND)


def device(reader: ChainReader, carbon: str, device_id: str) -> Device | None:
    """Device `device_id` of the enterprise at `carbon`, None when it has none."""
    functions = registry(reader).functions
    try:
        raw = reader.call(functions.device(carbon, device_key(device_id)), "device")
    except RevertError:
        return None
    return Device.decode(raw)


def devices(reader: ChainReader, carbon: str) -> list[Device]:
    """Every device of the enterprise at `carbon`, retired ones included, in registration
    order."""
    functions = registry(reader).functions
    raw = reader.pages(
        lambda offset, limit: functions.devicesPage(carbon, offset, limit), f"devices of {carbon}"
    )
    return [Device.decode(d) for d in raw]


def registered(reader: ChainReader, credit_code: str) -> dict[str, Device]:
    """Every device of the enterprise with `credit_code`, by id: what a verifier checks the
    signatures of its readings against."""
    return {d.id: d for d in devices(reader, reader.enterprise(credit_code).carbon)}


def register(
    reader: ChainReader,
    tx: Transactor,
    admin: LocalAccount,
    credit_code: str,
    device_id: str,
    signer: str,
    description: str,
) -> bool:
    """Registers a device of `credit_code` (idempotent: False when it is registered with this
    signer already). Checked before the transaction: the administrator's role, the address,
    and that the id is not taken by another signer or retired."""
    if not Web3.is_address(signer):
        raise DeviceError(f"--signer {signer!r} is not an Ethereum address")
    carbon = _admin_carbon(reader, admin, credit_code, "register its devices")
    existing = device(reader, carbon, device_id)
    if existing is not None:
        if existing.signer == Web3.to_checksum_address(signer) and not existing.retired_at:
            return False
        raise DeviceError(
            f"{credit_code} already has device {device_id!r} (signer {existing.signer}"
            f"{', retired' if existing.retired_at else ''}); a device id is used once"
        )
    call = registry(reader).functions.register(
        carbon, device_key(device_id), Web3.to_checksum_address(signer), description
    )
    tx.send(admin, call, f"registering device {device_id} of {credit_code}")
    return True


def retire(
    reader: ChainReader, tx: Transactor, admin: LocalAccount, credit_code: str, device_id: str
) -> bool:
    """Retires a device of `credit_code` (idempotent: False when it already is)."""
    carbon = _admin_carbon(reader, admin, credit_code, "retire its devices")
    existing = device(reader, carbon, device_id)
    if existing is None:
        raise DeviceError(f"{credit_code} has no device {device_id!r}")
    if existing.retired_at:
        return False
    call = registry(reader).functions.retire(carbon, device_key(device_id))
    tx.send(admin, call, f"retiring device {device_id} of {credit_code}")
    return True


def _admin_carbon(reader: ChainReader, admin: LocalAccount, credit_code: str, what: str) -> str:
    carbon = reader.enterprise(credit_code).carbon
    if not reader.has_role("EnterpriseCarbon", carbon, "ENTERPRISE_ADMIN", admin.address):
        raise DeviceError(
            f"{admin.address} lacks ENTERPRISE_ADMIN of {credit_code} (EnterpriseCarbon "
            f"{carbon}) and cannot {what}"
        )
    return carbon


class DeviceDirectory:
    """What the service asks the chain per reading, cached: an enterprise's EnterpriseCarbon,
    its devices, and its industry's factor library."""

    def __init__(
        self, reader: ChainReader, ttl: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.reader = reader
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._carbon: dict[str, str] = {}
        self._cached: dict[tuple[str, ...], tuple[float, Any]] = {}

    def carbon(self, credit_code: str) -> str:
        """The EnterpriseCarbon of `credit_code`; NotDeployedError when it is not onboarded."""
        with self._lock:
            found = self._carbon.get(credit_code)
        if found is None:
            found = self.reader.enterprise(credit_code).carbon
            with self._lock:
                self._carbon[credit_code] = found
        return found

    def device(self, credit_code: str, device_id: str) -> Device | None:
        carbon = self.carbon(credit_code)
        return self._fresh(
            ("device", carbon, device_id), lambda: device(self.reader, carbon, device_id)
        )

    def factors(self, credit_code: str) -> dict[str, Any]:
        """The latest factor library of the enterprise's industry."""
        carbon = self.carbon(credit_code)

        def read() -> dict[str, Any]:
            industry = self.reader.profile(carbon).industry_code
            return standards.from_chain(self.reader, industry).factors

        return self._fresh(("factors", carbon), read)

    def _fresh(self, key: tuple[str, ...], read: Callable[[], Any]) -> Any:
        now = self.clock()
        with self._lock:
            hit = self._cached.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = read()
        with self._lock:
            self._cached[key] = (now, value)
        return value
