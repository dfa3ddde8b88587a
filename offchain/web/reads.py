"""The portal's batched reads: what a page shows of many enterprises, in a few JSON-RPC round
trips whatever their number (the reader's `batch` of `eth_call`s).

The regulator's overview is three batches after the list of enterprises: every profile with its
record years; then for each enterprise's latest year its records, verification, compliance entry
and status, and quota allocation; then the balance of every named quota account.

At 1,000 enterprises eth_abi's general encoder and decoder cost more than the node (about 100 µs
a call here), so these reads encode and decode flat values word by word: every argument is an
address or an unsigned integer, and every struct read is flat (static fields and strings), its
field order taken from `bindings` (`Struct.ABI`), the one place that knows it.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from eth_utils import function_abi_to_4byte_selector

from offchain.chain.bindings import (
    ComplianceEntry,
    ComplianceState,
    ComplianceStatus,
    Profile,
    QuotaAllocation,
    Record,
    Struct,
    VerificationState,
    VerificationSummary,
    snake,
)
from offchain.chain.manifest import Manifest
from offchain.chain.reader import PAGE, ChainReader, Request
from offchain.inspect.catalog import Catalog

CARBON = "EnterpriseCarbon"
S = TypeVar("S", bound=Struct)
_STATIC = re.compile(r"uint[0-9]+|bool|address|bytes[0-9]+")


@dataclass(frozen=True)
class YearFigures:
    """One enterprise-year as the overview shows it."""

    year: int
    records: int
    valid: int
    reported: (
        int  # micro-tonnes CO2e of the valid non-aggregated records (what the verifier totals)
    )
    verification: VerificationSummary
    compliance: ComplianceEntry
    status: ComplianceStatus  # live: A covered, B deficit, C verified emissions missing
    allocation: QuotaAllocation

    @property
    def verified(self) -> int | None:
        if self.verification.state is VerificationState.CLOSED:
            return self.verification.verified_emissions
        return None

    @property
    def compliance_state(self) -> ComplianceState:
        return self.compliance.state


@dataclass(frozen=True)
class OverviewRow:
    carbon: str
    profile: Profile
    latest: YearFigures | None  # None until the enterprise records anything
    quota_account: str | None
    held: int  # micro-tonnes CO2e of quota its account holds


def overview(reader: ChainReader) -> list[OverviewRow]:
    """Every onboarded enterprise with its latest year of records, in onboarding order."""
    carbons = reader.enterprises()
    calls = Calls(reader)
    first = reader.batch(
        [
            request
            for carbon in carbons
            for request in (
                calls.request(CARBON, carbon, "profile"),
                calls.request(CARBON, carbon, "recordYears"),
            )
        ]
    )
    profiles = [calls.struct(CARBON, "profile", Profile, a) for a in first[0::2]]
    latest = [max(calls.uint_array(CARBON, "recordYears", a), default=None) for a in first[1::2]]
    dated = [(c, y) for c, y in zip(carbons, latest, strict=True) if y is not None]
    figures = dict(zip(dated, year_figures(reader, dated), strict=True))
    accounts = {
        c: f.allocation.account
        for (c, _), f in figures.items()
        if int(f.allocation.account, 16) != 0
    }
    held = balances(reader, list(accounts.values()))
    return [
        OverviewRow(
            carbon,
            profile,
            figures.get((carbon, year)) if year is not None else None,
            accounts.get(carbon),
            held.get(accounts.get(carbon, ""), 0),
        )
        for carbon, profile, year in zip(carbons, profiles, latest, strict=True)
    ]


def year_figures(reader: ChainReader, pairs: list[tuple[str, int]]) -> list[YearFigures]:
    """Records, verification, compliance and allocation of each (EnterpriseCarbon, year), one
    batch (a year of more than `PAGE` records reads the rest page by page)."""
    calls = Calls(reader)
    verification = reader.manifest.address("CarbonVerification")
    compliance = reader.manifest.address("Compliance")
    quota = reader.manifest.address("CarbonQuota")
    requests: list[Request] = []
    for carbon, year in pairs:
        requests += [
            calls.request(CARBON, carbon, "recordsPage", year, 0, PAGE),
            calls.request("CarbonVerification", verification, "verification", carbon, year),
            calls.request("Compliance", compliance, "compliance", carbon, year),
            calls.request("Compliance", compliance, "status", carbon, year),
            calls.request("CarbonQuota", quota, "allocation", carbon, year),
        ]
    answers = reader.batch(requests)
    found = []
    for n, (carbon, year) in enumerate(pairs):
        records, summary, entry, status, allocation = answers[5 * n : 5 * n + 5]
        columns = calls.record_columns(records, ("valid", "aggregated", "result"))
        if len(columns) >= PAGE:  # more than a page: the rest page by page
            columns = [
                {"valid": r.valid, "aggregated": r.aggregated, "result": r.result}
                for r in reader.records(carbon, year)
            ]
        valid = [c for c in columns if c["valid"]]
        live = calls.words("Compliance", "status", status)[0]
        found.append(
            YearFigures(
                year,
                len(columns),
                len(valid),
                sum(c["result"] for c in valid if not c["aggregated"]),
                calls.struct("CarbonVerification", "verification", VerificationSummary, summary),
                calls.struct("Compliance", "compliance", ComplianceEntry, entry),
                ComplianceStatus(live),
                calls.struct("CarbonQuota", "allocation", QuotaAllocation, allocation),
            )
        )
    return found


def balances(reader: ChainReader, accounts: list[str]) -> dict[str, int]:
    """Quota held by each account, one batch."""
    if not accounts:
        return {}
    calls = Calls(reader)
    quota = reader.manifest.address("CarbonQuota")
    answers = reader.batch([calls.request("CarbonQuota", quota, "balanceOf", a) for a in accounts])
    return {
        a: calls.words("CarbonQuota", "balanceOf", answer)[0]
        for a, answer in zip(accounts, answers, strict=True)
    }


def submission_tx(
    reader: ChainReader, catalog: Catalog, carbon: str, year: int, index: int
) -> str | None:
    """The transaction that submitted record `index` of `year` (its RecordSubmitted event)."""
    topics = [catalog.topics_of("RecordSubmitted"), _hex_word(year), _hex_word(index)]
    query = {"address": carbon, "fromBlock": "0x0", "toBlock": "latest", "topics": topics}
    (answer,) = reader.batch([("eth_getLogs", [query])])
    logs: list[dict[str, Any]] = answer.get("result") or []
    return logs[0]["transactionHash"] if logs else None


class Calls:
    """Requests and answers of reads whose arguments are addresses and unsigned integers and
    whose results are flat: encoded and decoded a word at a time."""

    def __init__(self, reader: ChainReader) -> None:
        self.reader = reader
        self.selectors: dict[tuple[str, str], str] = {}

    def request(self, kind: str, to: str, function: str, *args: int | str) -> Request:
        if (kind, function) not in self.selectors:
            self.selectors[kind, function] = _selector(self.reader.manifest, kind, function)
        data = self.selectors[kind, function] + "".join(map(_arg, args))
        return ("eth_call", [{"to": to, "data": data}, "latest"])

    def raw(self, kind: str, function: str, answer: dict[str, Any]) -> bytes:
        """The answer's bytes; a refusal (or no contract) raises what `reader.decode` says."""
        if "error" in answer or answer.get("result") in (None, "0x"):
            self.reader.decode(kind, function, answer)
        return bytes.fromhex(answer["result"][2:])

    def words(self, kind: str, function: str, answer: dict[str, Any]) -> list[int]:
        """The outputs of a function returning only unsigned integers (an enum is one)."""
        raw = self.raw(kind, function, answer)
        return [int.from_bytes(raw[n : n + 32], "big") for n in range(0, len(raw), 32)]

    def uint_array(self, kind: str, function: str, answer: dict[str, Any]) -> list[int]:
        return uint_array(self.raw(kind, function, answer))

    def struct(self, kind: str, function: str, struct: type[S], answer: dict[str, Any]) -> S:
        return flat_struct(struct, self.raw(kind, function, answer))

    def record_columns(self, answer: dict[str, Any], names: Sequence[str]) -> list[dict[str, Any]]:
        return record_fields(self.raw(CARBON, "recordsPage", answer), names)


def uint_array(raw: bytes) -> list[int]:
    """The one output `uintN[]` of a call, from its ABI encoding."""
    start = int.from_bytes(raw[:32], "big") + 32
    count = int.from_bytes(raw[start - 32 : start], "big")
    return [int.from_bytes(raw[start + 32 * n : start + 32 * n + 32], "big") for n in range(count)]


def flat_struct(struct: type[S], raw: bytes) -> S:
    """The one struct output of a call, from its ABI encoding: static fields and strings only."""
    kinds = [k for _, k in struct.ABI]
    if any(k != "string" and not _STATIC.fullmatch(k) for k in kinds):
        raise TypeError(f"{struct.SOLIDITY} is not flat: decode it with eth_abi")
    # A struct with a string is encoded after an offset word; a static one in place.
    head = int.from_bytes(raw[:32], "big") if "string" in kinds else 0
    values = []
    for n, k in enumerate(kinds):
        word = raw[head + 32 * n : head + 32 * n + 32]
        if k == "string":
            at = head + int.from_bytes(word, "big")
            size = int.from_bytes(raw[at : at + 32], "big")
            values.append(raw[at + 32 : at + 32 + size].decode("utf-8"))
        else:
            values.append(_static(k, word))
    return struct.decode(values)


def record_fields(raw: bytes, names: Sequence[str]) -> list[dict[str, Any]]:
    """Fields `names` of every record of a `recordsPage` answer, without building whole
    records: a Record has only static fields, so a page is its length and then one word per
    field and record."""
    kinds = _static_kinds(Record)
    where = {snake(name): n for n, (name, _) in enumerate(Record.ABI)}
    start = int.from_bytes(raw[:32], "big") + 32
    count = int.from_bytes(raw[start - 32 : start], "big")

    def field(k: int, name: str) -> Any:
        at = start + 32 * (k * len(kinds) + where[name])
        return _static(kinds[where[name]], raw[at : at + 32])

    return [{name: field(k, name) for name in names} for k in range(count)]


def _selector(manifest: Manifest, kind: str, function: str) -> str:
    item = next(
        i for i in manifest.abi(kind) if i.get("type") == "function" and i["name"] == function
    )
    types = [p["type"] for p in item["inputs"]]
    if any(t != "address" and not t.startswith("uint") for t in types):
        raise TypeError(f"{kind}.{function} takes {types}: encode it with reader.eth_call")
    return "0x" + function_abi_to_4byte_selector(item).hex()


def _arg(value: int | str) -> str:
    """An address or an unsigned integer as a 32-byte word, in hex."""
    if isinstance(value, str):
        return value.lower().removeprefix("0x").rjust(64, "0")
    return f"{value:064x}"


def _hex_word(value: int) -> str:
    return "0x" + _arg(value)


def _static_kinds(struct: type[Struct]) -> list[str]:
    kinds = [kind for _, kind in struct.ABI]
    if any(not _STATIC.fullmatch(kind) for kind in kinds):
        raise TypeError(f"{struct.SOLIDITY} has a dynamic field: decode it with eth_abi")
    return kinds


def _static(kind: str, word: bytes) -> Any:
    """One static ABI value from its 32-byte word, as eth_abi gives it."""
    if kind == "bool":
        return word[31] == 1
    if kind == "address":
        return "0x" + word[12:].hex()
    if kind.startswith("bytes"):
        return word[: int(kind[5:])]
    return int.from_bytes(word, "big")
