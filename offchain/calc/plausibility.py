"""Plausibility of activity data beyond what the calculation code itself refuses (DESIGN §4).

The calculation code (seeds/calc) refuses implausible *values*: a negative or non-finite
activity value or formula input (unless the factor group lists it in `negative_allowed`), a
self-measured percentage outside 0–100. Those rules are part of the published standard, so an
enterprise and a verifier that run the same code apply the same rules.

What the code cannot see is here, for the enterprise backend (before its first transaction) and
the verifier (as checks): the period a document is filed under, two valid records for the same
period, the months of a year, and results the chain and the calculation's doubles cannot carry.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from offchain.core.units import MICRO_PER_TONNE, tonnes
from offchain.errors import CalculationError, CarbonError

UINT64_MICRO = 2**64 - 1  # the largest result a record can hold on chain (µt)
# Below 2^33 t a double still resolves a micro-tonne (its spacing is at most 2^-20 t ≈ 0.95 µt),
# so a total and its items written with six decimals mean what they say and agree with each
# other; above it the sixth decimal, and soon the units, are noise (1e15 t gives a total that
# disagrees with its items). It is far below what uint64 micro-tonnes could carry (≈ 1.8e13 t)
# and far above any real installation's emissions.
LIMIT_MICRO = 2**33 * MICRO_PER_TONNE
MONTHS = range(1, 13)


class ImplausibleValueError(CalculationError):
    """An activity value, formula input or self-measured factor that cannot be right: negative
    where the factor library does not allow it, not finite, or a percentage outside 0–100."""


class OutOfRangeError(CalculationError):
    """A result the chain's uint64 micro-tonnes, or the calculation's precision, cannot carry."""


class PeriodError(CarbonError):
    """A document's period is not the year (and month) it is filed under."""


class DuplicatePeriodError(CarbonError):
    """A second valid record for a period the year already has a valid record for."""


@dataclass(frozen=True)
class Period:
    """What a record covers: a month of the year, or the whole year (`month` None)."""

    year: int
    month: int | None
    aggregated: bool

    def overlaps(self, other: "Period") -> bool:
        """Whether two valid records of one year would count the same emissions twice: the same
        kind (aggregated or not) and the same month, or one of them covering the whole year."""
        if self.year != other.year or self.aggregated != other.aggregated:
            return False
        return self.month is None or other.month is None or self.month == other.month

    def describe(self) -> str:
        kind = "aggregated " if self.aggregated else ""
        if self.month is None:
            return f"{kind}year {self.year}"
        return f"{kind}month {self.year}-{self.month:02d}"


def period_of(document: Mapping[str, Any], filed_year: int, aggregated: bool) -> Period:
    """The period a document states; a document without one covers the year it is filed under."""
    period = document.get("period") or {}
    return Period(period.get("year", filed_year), period.get("month"), aggregated)


def check_period(document: Mapping[str, Any], year: int, month: int | None, origin: str) -> None:
    """The document's period must be the filed year, and the filed month when one is given."""
    period = document.get("period")
    if period is None:
        if month is not None:
            raise PeriodError(
                f"{origin}: key 'period' is missing; the record is filed for {year}-{month:02d}"
            )
        return
    if period["year"] != year:
        raise PeriodError(
            f"{origin}: key 'period.year' is {period['year']}, but the record is filed under {year}"
        )
    if month is not None and period.get("month") != month:
        stated = period.get("month")
        what = "missing" if stated is None else str(stated)
        raise PeriodError(
            f"{origin}: key 'period.month' is {what}, but the record is filed for "
            f"{year}-{month:02d}"
        )


def non_finite(document: Any) -> str | None:
    """Where an activity document holds a number JSON cannot carry (1e400 reads as infinity):
    `record 2: key 'FC'`, `record 3: key 'items[1].ADr'`, `key 'total'`; None if nowhere."""

    def walk(value: Any, path: str) -> str | None:
        if isinstance(value, float) and not math.isfinite(value):
            return path
        children: Iterable[tuple[str, Any]] = ()
        if isinstance(value, dict):
            children = ((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            children = ((f"{path}[{i}]", v) for i, v in enumerate(value))
        for child_path, child in children:
            found = walk(child, child_path)
            if found is not None:
                return found
        return None

    if isinstance(document, dict) and isinstance(document.get("records"), list):
        for i, record in enumerate(document["records"]):
            found = walk(record, "")
            if found is not None:
                return f"record {i}: key {found!r}"
        document = {k: v for k, v in document.items() if k != "records"}
    found = walk(document, "")
    return None if found is None else f"key {found!r}"


def range_problem(total: Decimal, items: Mapping[str, Decimal]) -> str | None:
    """Why a result cannot be recorded (negative total, beyond the limit), or None."""
    if total < 0:
        return (
            f"total {total} tCO2e is negative; a record's result is an unsigned integer of "
            "micro-tonnes"
        )
    limit = Decimal(LIMIT_MICRO) / MICRO_PER_TONNE
    for name, value in [("total", total), *items.items()]:
        if abs(value) >= limit:
            return (
                f"{name} {value} tCO2e is beyond {tonnes(LIMIT_MICRO)} tCO2e (2^33 t), the "
                "largest amount the calculation resolves to one micro-tonne (a record's uint64 "
                f"would end at {tonnes(UINT64_MICRO)} tCO2e)"
            )
    return None


def check_range(total: Decimal, items: Mapping[str, Decimal], origin: str) -> None:
    problem = range_problem(total, items)
    if problem is not None:
        raise OutOfRangeError(f"{origin}: {problem}")


def overlapping(new: Period, existing: Iterable[tuple[int, Period]]) -> list[int]:
    """The indexes of the valid records whose periods `new` overlaps."""
    return [index for index, period in existing if new.overlaps(period)]


@dataclass(frozen=True)
class Completeness:
    """How the valid records of a year cover its months."""

    duplicated: dict[str, list[int]]  # period described -> record indexes (two or more)
    missing: list[int]  # months no valid non-aggregated record covers
    covered: list[int]

    @property
    def complete(self) -> bool:
        return not self.duplicated and not self.missing


def completeness(records: Sequence[tuple[int, Period]]) -> Completeness:
    """Months covered, missing and reported twice, from (record index, period) of valid records."""
    duplicated: dict[str, list[int]] = {}
    for position, (index, period) in enumerate(records):
        for other_index, other in records[position + 1 :]:
            if period.overlaps(other):
                key = period.describe() if period.month is not None else other.describe()
                listed = duplicated.setdefault(key, [])
                listed += [i for i in (index, other_index) if i not in listed]
    monthly = [p for _, p in records if not p.aggregated]
    covered = sorted(
        set(MONTHS) if any(p.month is None for p in monthly) else {p.month for p in monthly}  # type: ignore[misc]
    )
    missing = [m for m in MONTHS if m not in covered]
    return Completeness(duplicated, missing, covered)


def months_text(months: Sequence[int]) -> str:
    """[1, 2, 3, 5] -> '1–3, 5'."""
    runs: list[list[int]] = []
    for m in months:
        if runs and runs[-1][-1] == m - 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(f"{r[0]}" if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)
