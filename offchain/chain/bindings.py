"""The suite's on-chain structs and enums as Python sees them: the only code that knows the order
of a struct's fields or the numbering of an enum.

Each struct a public function returns or takes is a frozen dataclass whose `ABI` lists the
Solidity components in order (name, ABI type); its fields are those names in snake_case, in the
same order, plus any fields outside the struct (defaulted, after them). `decode` turns the tuple
web3 or eth_abi returns into named fields (digests as `0x` hex, addresses checksummed, enums as
the IntEnums below); `encode` turns named fields into the tuple a call takes. The tests hold every
binding against the compiled ABI and every enum against the Solidity sources.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from enum import IntEnum
from functools import cache, lru_cache
from types import UnionType
from typing import Any, ClassVar, Self, get_args, get_type_hints

from eth_utils import keccak, to_checksum_address

ZERO32 = b"\x00" * 32


class SolidityEnum(IntEnum):
    """An enum of the contracts; members spelled in Python style, `solidity` as declared."""

    @property
    def solidity(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    def __str__(self) -> str:
        return self.solidity

    def __format__(self, spec: str) -> str:
        return format(self.solidity, spec)


class EntryStatus(SolidityEnum):
    """`IDataLayer.Status`: an entry is created InProgress and ends Completed or Cancelled."""

    NONE = 0
    IN_PROGRESS = 1
    COMPLETED = 2
    CANCELLED = 3

    @property
    def final(self) -> bool:
        return self in (EntryStatus.COMPLETED, EntryStatus.CANCELLED)


class StorageMode(SolidityEnum):
    """`DataLayer.Storage`: where an entry's bytes are."""

    DIGEST_ONLY = 0
    STATE = 1
    LOG = 2


class VerificationState(SolidityEnum):
    """`CarbonVerification.State`: where the verification of an enterprise-year stands."""

    NONE = 0
    OPEN = 1
    ASSIGNED = 2
    PASSED = 3
    FAILED = 4
    CLOSED = 5
    REJECTED = 6  # the regulator took back a passing verdict; waits for an assignment


class AgencyStatus(SolidityEnum):
    """`IVerifierRegistry.AgencyStatus`."""

    NONE = 0
    APPROVED = 1
    SUSPENDED = 2
    REVOKED = 3


class ComplianceState(SolidityEnum):
    """`ICompliance.ComplianceState`: where an enterprise-year stands in the compliance cycle."""

    NONE = 0
    NOTIFIED = 1
    ACKNOWLEDGED = 2
    APPLIED = 3
    REJECTED = 4
    FULFILLED = 5
    DEFAULTED = 6


class ComplianceStatus(SolidityEnum):
    """`ICompliance.ComplianceStatus`: A covered, B deficit, C verified emissions missing."""

    NONE = 0
    A = 1
    B = 2
    C = 3

    @property
    def letter(self) -> str:
        return "-" if self is ComplianceStatus.NONE else self.name


# Each enum by the name Solidity declares it under.
ENUMS: dict[str, type[SolidityEnum]] = {
    "Status": EntryStatus,
    "Storage": StorageMode,
    "State": VerificationState,
    "AgencyStatus": AgencyStatus,
    "ComplianceState": ComplianceState,
    "ComplianceStatus": ComplianceStatus,
}

# The AccessControl roles of UserAuth; the regulator holds DEFAULT_ADMIN_ROLE.
ROLES: dict[str, bytes] = {
    "REGULATOR": ZERO32,
    **{
        name: keccak(text=name)
        for name in ("STANDARDS_EDITOR", "DATA_WRITER", "ENTERPRISE_ADMIN", "VERIFIER")
    },
}
ROLE_NAMES: dict[bytes, str] = {value: name for name, value in ROLES.items()}


def snake(name: str) -> str:
    """`blockNumber` -> `block_number`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Struct:
    """A Solidity struct: `SOLIDITY` is its name, `ABI` its components in order."""

    SOLIDITY: ClassVar[str]
    ABI: ClassVar[tuple[tuple[str, str], ...]]

    @classmethod
    def abi_type(cls) -> str:
        """The tuple type for eth_abi, e.g. `(address,uint40,uint8,…)`."""
        return "(" + ",".join(abi_type for _, abi_type in cls.ABI) + ")"

    @classmethod
    def decode(cls, raw: Sequence[Any], **extra: Any) -> Self:
        """Named fields from the tuple a call returned, and `extra` fields outside the struct."""
        if len(raw) != len(cls.ABI):
            raise ValueError(f"{cls.SOLIDITY} has {len(cls.ABI)} components, got {len(raw)}")
        values = {
            name: value if convert is None else convert(value)
            for (name, convert), value in zip(_decoders(cls), raw, strict=True)
        }
        return cls(**values, **extra)

    def encode(self) -> tuple[Any, ...]:
        """The tuple a call takes for this struct."""
        names = [f.name for f in fields(self)]  # type: ignore[arg-type]
        return tuple(
            _to_abi(abi_type, getattr(self, name))
            for name, (_, abi_type) in zip(names, self.ABI, strict=False)
        )


@cache
def _decoders(cls: type[Struct]) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """Per component of `cls`: its field name and the conversion of its raw value, None where
    the raw value is the field's (computed once per struct: reading type hints is slow, and the
    verifier decodes hundreds of thousands of structs)."""
    hints = get_type_hints(cls)
    names = [f.name for f in fields(cls)][: len(cls.ABI)]  # type: ignore[arg-type]
    return tuple(
        (name, _converter(abi_type, hints[name]))
        for name, (_, abi_type) in zip(names, cls.ABI, strict=True)
    )


# A verification decodes the same few addresses (writers, admins, contracts) tens of thousands of
# times; EIP-55 checksumming hashes each one.
_checksummed = lru_cache(maxsize=65536)(to_checksum_address)


def _converter(abi_type: str, hint: Any) -> Callable[[Any], Any] | None:
    """The conversion from what eth_abi gives for `abi_type` to the field's Python value."""
    if abi_type.endswith("[]"):
        item = _converter(abi_type[:-2], None)
        return tuple if item is None else lambda values: tuple(map(item, values))
    if isinstance(hint, type) and issubclass(hint, SolidityEnum):
        return hint
    if abi_type == "address":
        return _checksummed
    if abi_type == "bytes32":
        if isinstance(hint, UnionType) and type(None) in get_args(hint):
            return lambda value: None if value == ZERO32 else "0x" + bytes(value).hex()
        return lambda value: "0x" + bytes(value).hex()
    if abi_type == "bytes2":
        return lambda value: bytes(value).decode("ascii", "replace")
    if abi_type == "bytes16":
        return lambda value: bytes(value).rstrip(b"\x00").decode("ascii", "replace")
    if abi_type == "bytes":
        return bytes
    return None


def _to_abi(abi_type: str, value: Any) -> Any:
    if abi_type.endswith("[]"):
        return [_to_abi(abi_type[:-2], v) for v in value]
    if abi_type == "address":
        return to_checksum_address(value)
    if abi_type == "bytes32":
        return bytes.fromhex(value[2:]) if value else ZERO32
    if abi_type == "bytes2":
        return value.encode("ascii")
    if abi_type == "bytes16":
        return short_label(value)
    if isinstance(value, SolidityEnum):
        return int(value)
    return value


# -- DataLayer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry(Struct):
    """One document of a DataLayer, without its bytes."""

    SOLIDITY = "DataLayer.Entry"
    ABI = (
        ("creator", "address"),
        ("createdAt", "uint40"),
        ("status", "uint8"),
        ("mode", "uint8"),
        ("size", "uint32"),
        ("blockNumber", "uint40"),
        ("chunks", "address[]"),
        ("dependencies", "bytes32[]"),
    )

    creator: str
    created_at: int
    status: EntryStatus
    mode: StorageMode
    size: int
    block_number: int  # the block of its EntryContent log (Log mode)
    chunks: tuple[str, ...]  # its SSTORE2 chunks (State mode)
    dependencies: tuple[str, ...]


@dataclass(frozen=True)
class DataDocument(Struct):
    """A document for `DataLayer.storeCompleted`: kept in a log when `content` is given, as a
    digest only when it is empty."""

    SOLIDITY = "DataLayer.Document"
    ABI = (
        ("digest", "bytes32"),
        ("size", "uint256"),
        ("content", "bytes"),
        ("dependencies", "bytes32[]"),
    )

    digest: str
    size: int
    content: bytes
    dependencies: tuple[str, ...]


# -- standards and the index -------------------------------------------------------------------


@dataclass(frozen=True)
class Revision(Struct):
    """One published revision of a factor library, formula library or calculation code."""

    SOLIDITY = "IStandardDocument.Revision"
    ABI = (
        ("version", "string"),
        ("document", "bytes32"),
        ("dataLayer", "address"),
        ("publisher", "address"),
        ("publishedAt", "uint40"),
    )

    version: str
    document: str
    data_layer: str
    publisher: str
    published_at: int


@dataclass(frozen=True)
class StandardsSet(Struct):
    """The exact versions a calculation used: three index names and their revisions."""

    SOLIDITY = "CarbonIndex.StandardsSet"
    ABI = (
        ("factor", "string"),
        ("factorRevision", "uint32"),
        ("formula", "string"),
        ("formulaRevision", "uint32"),
        ("code", "string"),
        ("codeRevision", "uint32"),
    )

    factor: str
    factor_revision: int
    formula: str
    formula_revision: int
    code: str
    code_revision: int


@dataclass(frozen=True)
class ResolvedStandard(Struct):
    """One standard of a set resolved down to where its document's bytes are."""

    SOLIDITY = "CarbonIndex.ResolvedStandard"
    ABI = (
        ("name", "string"),
        ("revision", "uint32"),
        ("standard", "address"),
        ("document", "bytes32"),
        ("dataLayer", "address"),
        ("chunks", "address[]"),
        ("pinned", "bytes32"),
    )

    name: str
    revision: int
    standard: str
    document: str
    data_layer: str
    chunks: tuple[str, ...]
    # The digest the set pinned at registration; None for a set registered before pinning.
    pinned: str | None = None

    @property
    def content_moved(self) -> bool:
        """Whether the revision names another document than the set pinned."""
        return self.pinned is not None and self.pinned != self.document


@dataclass(frozen=True)
class Registration(Struct):
    """What the index keeps of a name."""

    SOLIDITY = "CarbonIndex.Registration"
    ABI = (
        ("target", "address"),
        ("registrar", "address"),
        ("registeredAt", "uint40"),
        ("series", "string"),
    )

    target: str
    registrar: str
    registered_at: int
    series: str


@dataclass(frozen=True)
class ImplementationRecord(Struct):
    """One implementation a proxy the index knows ran, from `since` on."""

    SOLIDITY = "CarbonIndex.ImplementationRecord"
    ABI = (("implementation", "address"), ("since", "uint40"), ("blockNumber", "uint64"))

    implementation: str
    since: int
    block_number: int


# -- enterprises -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Onboarding(Struct):
    """What the regulator supplies to onboard an enterprise."""

    SOLIDITY = "EnterpriseFactory.Onboarding"
    ABI = (
        ("name", "string"),
        ("creditCode", "string"),
        ("industryCode", "bytes2"),
        ("region", "string"),
        ("admin", "address"),
        ("account", "address"),
    )

    name: str
    credit_code: str
    industry_code: str
    region: str
    admin: str
    account: str


@dataclass(frozen=True)
class EnterpriseContracts(Struct):
    """The two contracts of one enterprise."""

    SOLIDITY = "EnterpriseFactory.Enterprise"
    ABI = (("carbon", "address"), ("dataLayer", "address"))

    carbon: str
    data_layer: str


@dataclass(frozen=True)
class Profile(Struct):
    """Who an EnterpriseCarbon belongs to."""

    SOLIDITY = "EnterpriseCarbon.Profile"
    ABI = (
        ("name", "string"),
        ("creditCode", "string"),
        ("region", "string"),
        ("dataLayer", "address"),
        ("industryCode", "bytes2"),
    )

    name: str
    credit_code: str
    region: str
    data_layer: str
    industry_code: str


@dataclass(frozen=True)
class RecordSubmission(Struct):
    """What the enterprise's carbon administrator submits as a record."""

    SOLIDITY = "EnterpriseCarbon.Submission"
    ABI = (
        ("year", "uint16"),
        ("data", "bytes32"),
        ("title", "string"),
        ("result", "uint64"),
        ("standardsSet", "uint32"),
        ("aggregated", "bool"),
        ("selfMeasured", "bool"),
    )

    year: int
    data: str
    title: str
    result: int  # micro-tonnes CO2e
    standards_set: int
    aggregated: bool
    self_measured: bool


@dataclass(frozen=True)
class Record(Struct):
    """A record of an enterprise-year; `index` (its position in the year) is not in the struct."""

    SOLIDITY = "EnterpriseCarbon.Record"
    ABI = (
        ("data", "bytes32"),
        ("valid", "bool"),
        ("aggregated", "bool"),
        ("selfMeasured", "bool"),
        ("result", "uint64"),
        ("standardsSet", "uint32"),
        ("replaces", "uint32"),
        ("submitter", "address"),
        ("submittedAt", "uint32"),
        ("rectificationEvidence", "bytes32"),
        ("dataStatus", "uint8"),
    )

    data: str
    valid: bool
    aggregated: bool
    self_measured: bool
    result: int  # micro-tonnes CO2e
    standards_set: int
    replaces: int  # 1-based index of the record this one replaces, 0 for none
    submitter: str
    submitted_at: int
    rectification_evidence: str | None
    data_status: EntryStatus
    index: int = -1

    @property
    def replaced_index(self) -> int | None:
        """The 0-based index of the record this one replaces, if it is a rectification."""
        return self.replaces - 1 if self.replaces else None


# -- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agency(Struct):
    """What the VerifierRegistry knows of an agency."""

    SOLIDITY = "VerifierRegistry.Agency"
    ABI = (
        ("name", "string"),
        ("licence", "string"),
        ("publicKey", "bytes"),
        ("status", "uint8"),
    )

    name: str
    licence: str
    public_key: bytes
    status: AgencyStatus


@dataclass(frozen=True)
class StatusChange(Struct):
    """One change of an agency's status."""

    SOLIDITY = "VerifierRegistry.StatusChange"
    ABI = (("status", "uint8"), ("at", "uint40"), ("reason", "string"))

    status: AgencyStatus
    at: int
    reason: str


@dataclass(frozen=True)
class Verdict(Struct):
    """One verdict an agency recorded on an enterprise-year."""

    SOLIDITY = "CarbonVerification.Verdict"
    ABI = (
        ("passed", "bool"),
        ("recomputed", "uint64"),
        ("report", "bytes32"),
        ("agency", "address"),
        ("at", "uint40"),
        ("reason", "string"),
    )

    passed: bool
    recomputed: int  # micro-tonnes CO2e
    report: str
    agency: str
    at: int
    reason: str


@dataclass(frozen=True)
class VerdictPin(Struct):
    """What a verdict judged: the record count and record-set hash of the enterprise-year."""

    SOLIDITY = "CarbonVerification.Pin"
    ABI = (("records", "uint32"), ("recordSet", "bytes32"))

    records: int
    record_set: str | None  # None for a verdict recorded before verdicts were pinned


@dataclass(frozen=True)
class Rejection(Struct):
    """The regulator took back a passing verdict."""

    SOLIDITY = "CarbonVerification.Rejection"
    ABI = (
        ("verdict", "uint256"),
        ("regulator", "address"),
        ("at", "uint40"),
        ("reason", "string"),
    )

    verdict: int
    regulator: str
    at: int
    reason: str


@dataclass(frozen=True)
class VerificationSummary(Struct):
    """Where the verification of an enterprise-year stands."""

    SOLIDITY = "CarbonVerification.Summary"
    ABI = (
        ("state", "uint8"),
        ("agency", "address"),
        ("verifiedEmissions", "uint64"),
        ("verdicts", "uint256"),
    )

    state: VerificationState
    agency: str
    verified_emissions: int  # micro-tonnes CO2e
    verdicts: int


@dataclass(frozen=True)
class QuotaAllocation(Struct):
    """An enterprise's quota account and its quota of one year."""

    SOLIDITY = "CarbonQuota.Allocation"
    ABI = (("account", "address"), ("allocated", "uint64"), ("surrendered", "uint64"))

    account: str  # the zero address until the regulator names one
    allocated: int  # micro-tonnes CO2e
    surrendered: int  # micro-tonnes CO2e


# -- Compliance --------------------------------------------------------------------------------


def short_label(text: str) -> bytes:
    """A short ASCII label (an offset's kind, e.g. `CCER`) as `bytes16`, zero-padded."""
    raw = text.encode("ascii", "strict") if text.isascii() else b""
    if not raw or len(raw) > 16:
        raise ValueError(f"{text!r} is not 1 to 16 ASCII characters")
    return raw.ljust(16, b"\x00")


@dataclass(frozen=True)
class ComplianceCycle(Struct):
    """The rules of one year's compliance cycle, part of every notice of the year."""

    SOLIDITY = "Compliance.Cycle"
    ABI = (
        ("deadline", "uint40"),
        ("ackWindow", "uint32"),
        ("offsetCapBps", "uint16"),
        ("rules", "bytes32"),
    )

    deadline: int  # block timestamp; 0 when the cycle is not open
    ack_window: int  # seconds
    offset_cap_bps: int  # basis points of the verified emissions
    rules: str | None  # SHA-256 of the rules document

    @property
    def open(self) -> bool:
        return self.deadline != 0

    def cap(self, verified: int) -> int:
        """Offsets accepted at most against `verified` micro-tonnes (rounded down, as on chain)."""
        return verified * self.offset_cap_bps // 10_000


@dataclass(frozen=True)
class Offset(Struct):
    """One offset an enterprise applies with."""

    SOLIDITY = "Compliance.Offset"
    ABI = (("amount", "uint64"), ("kind", "bytes16"), ("evidence", "bytes32"))

    amount: int  # micro-tonnes CO2e
    kind: str  # e.g. CCER
    evidence: str  # SHA-256 of the evidence


@dataclass(frozen=True)
class ComplianceEntry(Struct):
    """Where an enterprise-year stands in the compliance cycle."""

    SOLIDITY = "Compliance.Entry"
    ABI = (
        ("state", "uint8"),
        ("quota", "uint64"),
        ("notifiedAt", "uint40"),
        ("acknowledgedAt", "uint40"),
        ("appliedAt", "uint40"),
        ("reviewedAt", "uint40"),
        ("fulfilledAt", "uint40"),
        ("verified", "uint64"),
        ("offsets", "uint64"),
        ("offsetsHash", "bytes32"),
        ("surrendered", "uint64"),
        ("shortfall", "uint64"),
        ("frozen", "uint8"),
        ("applications", "uint16"),
        ("rejections", "uint16"),
    )

    state: ComplianceState
    quota: int  # micro-tonnes CO2e
    notified_at: int
    acknowledged_at: int
    applied_at: int
    reviewed_at: int
    fulfilled_at: int
    verified: int  # micro-tonnes CO2e
    offsets: int  # micro-tonnes CO2e
    offsets_hash: str | None
    surrendered: int  # micro-tonnes CO2e
    shortfall: int  # micro-tonnes CO2e
    frozen: ComplianceStatus
    applications: int
    rejections: int


STRUCTS: tuple[type[Struct], ...] = (
    Entry,
    Revision,
    StandardsSet,
    ResolvedStandard,
    Registration,
    ImplementationRecord,
    Onboarding,
    EnterpriseContracts,
    Profile,
    RecordSubmission,
    Record,
    Agency,
    StatusChange,
    Verdict,
    VerdictPin,
    Rejection,
    VerificationSummary,
    QuotaAllocation,
    ComplianceCycle,
    Offset,
    ComplianceEntry,
)


def record_set_hash(records: Sequence[Record]) -> str:
    """`IEnterpriseCarbon.recordSetHash` of a year's records (in submission order): keccak-256
    over each record's 32-byte activity-data digest followed by one byte, 1 when valid, else 0."""
    packed = b"".join(bytes.fromhex(r.data[2:]) + bytes([1 if r.valid else 0]) for r in records)
    return "0x" + keccak(packed).hex()


# -- metering devices (DeviceRegistry) ----------------------------------------------------------


@dataclass(frozen=True)
class Device(Struct):
    """One metering device of an enterprise: the address its readings must recover to."""

    SOLIDITY = "IDeviceRegistry.Device"
    ABI = (
        ("id", "bytes32"),
        ("signer", "address"),
        ("registeredAt", "uint40"),
        ("retiredAt", "uint40"),
        ("description", "string"),
    )

    id: str  # the device id as text (its bytes32 without the zero padding)
    signer: str
    registered_at: int
    retired_at: int  # 0 while in service
    description: str

    @classmethod
    def decode(cls, raw: Sequence[Any], **extra: Any) -> Self:
        decoded = super().decode(raw, **extra)
        return cls(**{**vars(decoded), "id": device_label(decoded.id)})

    def encode(self) -> tuple[Any, ...]:
        encoded = super().encode()
        return (device_id_bytes(self.id), *encoded[1:])

    def active_between(self, start: int, end: int) -> bool:
        """Whether the device was in service at some moment of [start, end] (unix seconds)."""
        return self.registered_at <= end and (self.retired_at == 0 or self.retired_at > start)


def device_id_bytes(label: str) -> bytes:
    """A device id as the DeviceRegistry keeps it: its ASCII bytes, right-padded to 32."""
    data = label.encode("ascii")
    if not 0 < len(data) <= 32:
        raise ValueError(f"a device id is 1 to 32 ASCII characters, not {len(data)}: {label!r}")
    return data.ljust(32, b"\x00")


def device_label(value: str) -> str:
    """The device id text of a bytes32 as `decode` gives it (`0x` hex)."""
    return bytes.fromhex(value[2:]).rstrip(b"\x00").decode("ascii", "replace")


STRUCTS = (*STRUCTS, Device)
