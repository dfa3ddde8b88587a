"""A meter reading, its canonical bytes, and its secp256k1 signature.

A device signs the canonical JSON of its reading with EIP-191 `personal_sign` (version 0x45):
keccak-256 of `"\\x19Ethereum Signed Message:\\n" + len(message) + message`. EIP-191 rather than
EIP-712 because the bytes signed are then exactly the bytes kept in the readings file, so a
verifier needs nothing but that file to recompute every hash; any Ethereum library (and most
hardware wallets and HSM firmwares) signs a message this way without a typed-data schema; and
the `schema` field inside the message separates readings from any other message the key signs,
which is what EIP-712's domain would have added.

Canonical JSON: keys sorted, no whitespace, UTF-8 (non-ASCII characters as they are), integers
as integers, the quantity as a decimal string. The signature is 65 bytes r ‖ s ‖ v (v 27 or 28,
s in the lower half of the curve order, EIP-2) and is not part of the signed message.
"""

import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import coincurve
from eth_hash.auto import keccak
from eth_utils import to_checksum_address

from offchain.core.credit_code import CreditCodeError, normalise
from offchain.errors import CarbonError

SCHEMA = "carbon-mrv/meter-reading/1"
# A reading given by timestamp belongs to the month it falls in in China Standard Time (UTC+8),
# the time the reporting months of Chinese enterprises are counted in.
CHINA_TIME = timezone(timedelta(hours=8), "CST")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_DEVICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,31}")
_GROUP = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_QUANTITY = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")
_SIGNATURE = re.compile(r"0x[0-9a-fA-F]{130}")
_HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
_FIELDS = {
    "schema",
    "reading_id",
    "device",
    "enterprise",
    "group",
    "row",
    "quantity",
    "unit",
    "period",
    "timestamp",
    "signature",
}

Row = str | dict[str, str]


class ReadingError(CarbonError):
    """A reading is malformed, or its signature cannot be recovered."""


@dataclass(frozen=True)
class Reading:
    """One meter reading: what a device measured, for which enterprise, group, row and month."""

    reading_id: str
    device: str
    enterprise: str  # unified social credit code
    group: str  # factor group, e.g. `fuel`
    row: Row  # the group's row, as an activity record selects it
    quantity: str  # decimal string, in `unit`
    unit: str
    year: int
    month: int
    timestamp: int | None = None  # unix seconds; when given, it fixes year and month
    signature: str = ""  # 0x + 130 hex digits; empty until signed

    def payload(self) -> dict[str, Any]:
        """The signed fields."""
        body: dict[str, Any] = {
            "schema": SCHEMA,
            "reading_id": self.reading_id,
            "device": self.device,
            "enterprise": self.enterprise,
            "group": self.group,
            "row": self.row,
            "quantity": self.quantity,
            "unit": self.unit,
        }
        if self.timestamp is None:
            body["period"] = {"year": self.year, "month": self.month}
        else:
            body["timestamp"] = self.timestamp
        return body

    def message(self) -> bytes:
        """The canonical bytes the device signs."""
        return canonical(self.payload())

    def signing_hash(self) -> bytes:
        """The EIP-191 (personal_sign) hash of `message`."""
        message = self.message()
        return keccak(b"\x19Ethereum Signed Message:\n" + str(len(message)).encode() + message)

    def line(self) -> bytes:
        """The reading as one line of a readings file: the canonical JSON of the signed fields
        and the signature."""
        return canonical({**self.payload(), "signature": self.signature})

    def to_json(self) -> dict[str, Any]:
        return json.loads(self.line())

    def signed(self, private_key: bytes) -> "Reading":
        """This reading signed with `private_key` (32 bytes)."""
        raw = coincurve.PrivateKey(private_key).sign_recoverable(self.signing_hash(), hasher=None)
        return replace(self, signature="0x" + (raw[:64] + bytes([raw[64] + 27])).hex())

    def signer(self) -> str:
        """The checksummed address whose key made the signature."""
        raw = bytes.fromhex(self.signature[2:])
        if raw[64] not in (27, 28):
            raise ReadingError(f"reading {self.reading_id}: signature v must be 27 or 28")
        if int.from_bytes(raw[32:64], "big") > _HALF_ORDER:
            raise ReadingError(f"reading {self.reading_id}: signature s is not canonical (EIP-2)")
        try:
            key = coincurve.PublicKey.from_signature_and_message(
                raw[:64] + bytes([raw[64] - 27]), self.signing_hash(), hasher=None
            )
        except Exception as exc:  # coincurve raises a bare Exception for an invalid signature
            raise ReadingError(f"reading {self.reading_id}: signature does not recover") from exc
        return to_checksum_address(keccak(key.format(compressed=False)[1:])[-20:])

    @property
    def period_bounds(self) -> tuple[int, int]:
        """The interval of time the reading speaks for, unix seconds: its timestamp, or its
        month in China Standard Time."""
        if self.timestamp is not None:
            return self.timestamp, self.timestamp
        return month_bounds(self.year, self.month)

    @classmethod
    def from_json(cls, data: Any) -> "Reading":
        """A reading from its JSON object, every field checked; ReadingError names what is
        wrong (and the reading id, when there is one)."""
        if not isinstance(data, dict):
            raise ReadingError(f"a reading is a JSON object, not {type(data).__name__}")
        where = f"reading {data.get('reading_id')!r}" if "reading_id" in data else "reading"
        unknown = sorted(set(data) - _FIELDS)
        if unknown:
            raise ReadingError(f"{where}: unknown field {unknown[0]!r} (the signature covers none)")
        if data.get("schema", SCHEMA) != SCHEMA:
            raise ReadingError(f"{where}: schema must be {SCHEMA!r}")
        reading_id = _text(data, "reading_id", _ID, where)
        device = _text(data, "device", _DEVICE, where)
        group = _text(data, "group", _GROUP, where)
        quantity = _text(data, "quantity", _QUANTITY, where)
        unit = data.get("unit")
        if not isinstance(unit, str) or not unit.strip():
            raise ReadingError(f"{where}: 'unit' must be a non-empty string")
        enterprise = _text(data, "enterprise", None, where)
        try:
            if normalise(enterprise) != enterprise:
                raise ReadingError(
                    f"{where}: 'enterprise' must be written as {normalise(enterprise)!r}"
                )
        except CreditCodeError as exc:
            raise ReadingError(f"{where}: 'enterprise': {exc}") from exc
        row = _row(data.get("row"), where)
        year, month, timestamp = _when(data, where)
        signature = data.get("signature", "")
        if not isinstance(signature, str) or not _SIGNATURE.fullmatch(signature):
            raise ReadingError(f"{where}: 'signature' must be 0x and 130 hex digits")
        return cls(
            reading_id,
            device,
            enterprise,
            group,
            row,
            quantity,
            unit,
            year,
            month,
            timestamp,
            signature.lower(),
        )

    @classmethod
    def from_line(cls, line: bytes) -> "Reading":
        try:
            data = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReadingError(f"not JSON: {exc}") from exc
        return cls.from_json(data)

    @property
    def amount(self) -> Decimal:
        return Decimal(self.quantity)


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def month_bounds(year: int, month: int) -> tuple[int, int]:
    """First and last second of a month in China Standard Time, unix seconds."""
    start = datetime(year, month, 1, tzinfo=CHINA_TIME)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=CHINA_TIME)
    return int(start.timestamp()), int(end.timestamp()) - 1


def month_of(timestamp: int) -> tuple[int, int]:
    """The (year, month) a unix time falls in, in China Standard Time."""
    moment = datetime.fromtimestamp(timestamp, UTC).astimezone(CHINA_TIME)
    return moment.year, moment.month


def address_of(private_key: bytes) -> str:
    """The checksummed address of a secp256k1 private key."""
    public = coincurve.PrivateKey(private_key).public_key.format(compressed=False)[1:]
    return to_checksum_address(keccak(public)[-20:])


def _text(data: dict[str, Any], key: str, pattern: re.Pattern[str] | None, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise ReadingError(f"{where}: '{key}' must be a non-empty string")
    if pattern is not None and not pattern.fullmatch(value):
        raise ReadingError(f"{where}: '{key}' {value!r} does not match {pattern.pattern}")
    return value


def _row(value: Any, where: str) -> Row:
    if isinstance(value, str) and value:
        return value
    if (
        isinstance(value, dict)
        and value
        and all(isinstance(k, str) and isinstance(v, str) and v for k, v in value.items())
    ):
        return dict(value)
    raise ReadingError(
        f"{where}: 'row' must name the group's row: a string, or an object of parameter strings"
    )


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _when(data: dict[str, Any], where: str) -> tuple[int, int, int | None]:
    """(year, month, timestamp) from exactly one of 'period' and 'timestamp'."""
    if ("period" in data) == ("timestamp" in data):
        raise ReadingError(f"{where}: give exactly one of 'period' and 'timestamp'")
    if "timestamp" in data:
        timestamp = data["timestamp"]
        if not _integer(timestamp) or not 0 <= timestamp < 2**40:
            raise ReadingError(f"{where}: 'timestamp' must be unix seconds (an integer)")
        return *month_of(timestamp), timestamp
    period = data["period"]
    if not isinstance(period, dict) or set(period) != {"year", "month"}:
        raise ReadingError(f'{where}: \'period\' must be {{"year": Y, "month": M}}')
    year, month = period["year"], period["month"]
    if not (_integer(year) and 1900 <= year <= 9999 and _integer(month) and 1 <= month <= 12):
        raise ReadingError(f"{where}: 'period' {year}-{month} is not a month")
    return year, month, None
