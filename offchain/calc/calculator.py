"""The Python face of the on-chain calculation code.

The numbers are computed by the published JavaScript, run in the sandbox, never by Python: a
verifier that runs the same code on the same documents gets the same decimal strings, and the
integer of micro-tonnes recorded on chain follows from them exactly.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NotRequired, TypedDict

from offchain.calc import sandbox
from offchain.calc.plausibility import ImplausibleValueError, non_finite
from offchain.calc.sandbox import DEFAULT_LIMITS, Limits
from offchain.core.units import AmountError, six_places, to_micro
from offchain.errors import CalculationError, FormulaSyntaxError, SandboxError


class SelfMeasured(TypedDict):
    """The self-measured factors of one activity record, or of one of its sub-records (`item`,
    its index in the record's `items`), with the evidence the record cites (None if none)."""

    record: int
    item: NotRequired[int]
    group: str
    evidence: str | None
    values: dict[str, float]  # symbol -> the value as written, in the factor cell's unit


@dataclass(frozen=True)
class CalculationResult:
    """Emissions in tCO2e, exact decimals with six places, as the calculation code wrote them."""

    total: Decimal
    items: dict[str, Decimal]
    warnings: list[str] = field(default_factory=list)
    self_measured: list[SelfMeasured] = field(default_factory=list)

    def total_micro_tonnes(self) -> int:
        """The total as the integer the chain stores (tCO2e × 10^6)."""
        try:
            return to_micro(self.total)
        except AmountError as exc:
            raise CalculationError(str(exc)) from exc

    def items_micro_tonnes(self) -> dict[str, int]:
        return {name: to_micro(value) for name, value in self.items.items()}

    def to_json(self) -> dict[str, Any]:
        """The result in the calculation code's own JSON shape (decimal strings)."""
        return {
            "total": six_places(self.total),
            "items": {name: six_places(value) for name, value in self.items.items()},
            "warnings": list(self.warnings),
            "self_measured": [
                {**entry, "values": dict(entry["values"])} for entry in self.self_measured
            ],
        }

    @classmethod
    def from_json(cls, data: Any) -> "CalculationResult":
        """Reads a result the (untrusted) calculation code returned; malformed → SandboxError."""
        if not isinstance(data, dict):
            raise SandboxError("calculation code returned a result that is not an object")
        items = data.get("items")
        warnings = data.get("warnings")
        measured = data.get("self_measured")
        if not isinstance(items, dict) or not isinstance(warnings, list):
            raise SandboxError("calculation code returned a result without 'items' or 'warnings'")
        if not isinstance(measured, list) or not all(_is_measured_entry(m) for m in measured):
            raise SandboxError("calculation code returned a malformed 'self_measured' list")
        if not all(isinstance(w, str) for w in warnings):
            raise SandboxError("calculation code returned a warning that is not a string")
        return cls(
            total=_decimal(data.get("total"), "total"),
            items={str(k): _decimal(v, f"items.{k}") for k, v in items.items()},
            warnings=warnings,
            self_measured=measured,
        )


_MEASURED_KEYS = {"record", "group", "evidence", "values"}


def _is_measured_entry(m: Any) -> bool:
    """Whether `m` has the shape of SelfMeasured."""
    if not isinstance(m, dict) or not _MEASURED_KEYS <= m.keys() <= _MEASURED_KEYS | {"item"}:
        return False
    values = m["values"]
    return (
        _is_index(m["record"])
        and ("item" not in m or _is_index(m["item"]))
        and isinstance(m["group"], str)
        and (m["evidence"] is None or isinstance(m["evidence"], str))
        and isinstance(values, dict)
        and len(values) > 0
        and all(type(v) in (int, float) for v in values.values())
    )


def _is_index(v: Any) -> bool:
    return type(v) is int and v >= 0


def calculate(
    factors: dict[str, Any],
    formulas: dict[str, Any],
    code: str,
    activity: dict[str, Any],
    limits: Limits = DEFAULT_LIMITS,
) -> CalculationResult:
    """Runs `calculate` of the calculation code on one activity document.

    A number JSON cannot carry (1e400 read as infinity) is refused here, naming record and key,
    as the code would refuse it if JSON could bring it there (ImplausibleValueError).
    """
    _require_finite(activity)
    payload = _encode({"factors": factors, "formulas": formulas, "activity": activity})
    return CalculationResult.from_json(_decode(_call(code, "calculate", payload, limits)))


def calculate_batch(
    factors: dict[str, Any],
    formulas: dict[str, Any],
    code: str,
    activities: Sequence[dict[str, Any]],
    limits: Limits = DEFAULT_LIMITS,
) -> list[CalculationResult | CalculationError]:
    """Many documents in one sandbox call; a document the code refuses yields its error, in place.

    Errors of the libraries themselves (a formula that does not parse) raise, as they concern
    every document. A document with a number JSON cannot carry yields its error without being
    sent.
    """
    refused: dict[int, CalculationError] = {}
    sent = list(activities)
    try:  # the encoder finds out whether any number is not finite; the walk says which
        payload = _encode({"factors": factors, "formulas": formulas, "activities": sent})
    except CalculationError:
        for i, activity in enumerate(activities):
            try:
                _require_finite(activity)
            except ImplausibleValueError as exc:
                refused[i] = exc
        sent = [a for i, a in enumerate(activities) if i not in refused]
        payload = _encode({"factors": factors, "formulas": formulas, "activities": sent})
    answers = _decode(_call(code, "calculateBatch", payload, limits))
    if not isinstance(answers, list) or len(answers) != len(sent):
        raise SandboxError("calculateBatch returned a list that does not match the documents")
    entries = iter([_batch_entry(answer) for answer in answers])
    return [refused[i] if i in refused else next(entries) for i in range(len(activities))]


def check_formulas(
    formulas: dict[str, Any], code: str, limits: Limits = DEFAULT_LIMITS
) -> list[str]:
    """Parses every formula of a library; returns the formula ids checked."""
    ids = _decode(_call(code, "checkFormulas", _encode(formulas), limits))
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise SandboxError("checkFormulas returned something other than a list of formula ids")
    return ids


def _call(code: str, function: str, payload: str, limits: Limits) -> str:
    try:
        return sandbox.call(code, function, payload, limits)
    except sandbox.ScriptError as exc:
        if exc.name == "FormulaSyntaxError":
            raise FormulaSyntaxError(str(exc)) from exc
        if exc.name == "ImplausibleValueError":
            raise ImplausibleValueError(str(exc)) from exc
        raise


def _batch_entry(answer: Any) -> CalculationResult | CalculationError:
    if isinstance(answer, dict) and "result" in answer:
        return CalculationResult.from_json(answer["result"])
    if isinstance(answer, dict) and isinstance(answer.get("error"), str):
        if answer.get("name") == "ImplausibleValueError":
            return ImplausibleValueError(answer["error"])
        return CalculationError(answer["error"])
    raise SandboxError("calculateBatch returned an entry with neither 'result' nor 'error'")


def _require_finite(activity: Any) -> None:
    where = non_finite(activity)
    if where is not None:
        raise ImplausibleValueError(
            f"{where} is not a finite number (a JSON number beyond ±1.8e308, or NaN)"
        )


def _encode(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:
        raise CalculationError(f"input holds a number JSON cannot carry: {exc}") from exc


def _decode(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SandboxError(f"calculation code returned malformed JSON: {exc.msg}") from exc


def _decimal(value: Any, where: str) -> Decimal:
    if not isinstance(value, str):
        raise SandboxError(f"calculation code returned {where} that is not a decimal string")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise SandboxError(f"calculation code returned {where} = {value!r}, not a decimal") from exc
    if not number.is_finite():
        raise SandboxError(f"calculation code returned {where} = {value!r}, not finite")
    return number
