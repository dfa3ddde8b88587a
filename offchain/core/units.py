"""Amounts of CO2e: integers of micro-tonnes on chain, decimal strings of tonnes for people.

The one place that converts between them, exactly: no float ever stands between the chain and
a screen. A record's result, a verdict's recomputed total and verified emissions are all
micro-tonnes (tCO2e × 10^6), so they compare as integers.
"""

from decimal import Context, Decimal, InvalidOperation

from offchain.errors import CarbonError

MICRO_PER_TONNE = 1_000_000
_SIX_PLACES = Decimal("0.000001")
# Doubles reach 1.8e308: enough digits that quantizing to six places never overflows precision.
EXACT = Context(prec=400)


class AmountError(CarbonError):
    """An amount of tCO2e that is not a decimal, or has more than six decimals."""


def tonnes(micro: int) -> str:
    """Micro-tonnes as an exact decimal string of tonnes with six places: 1500000 -> `1.500000`."""
    sign = "-" if micro < 0 else ""
    whole, part = divmod(abs(micro), MICRO_PER_TONNE)
    return f"{sign}{whole}.{part:06d}"


def to_micro(value: Decimal) -> int:
    """tCO2e -> micro-tonnes; refuses a value with more than six decimals rather than round it."""
    if not value.is_finite():
        raise AmountError(f"{value} tCO2e is not a finite amount")
    scaled = value.scaleb(6, context=EXACT)
    if scaled != scaled.to_integral_value(context=EXACT):
        raise AmountError(f"{value} tCO2e has more than six decimals")
    return int(scaled)


def parse_tonnes(text: str) -> int:
    """A decimal string of tCO2e, as a person or a document writes it, in micro-tonnes."""
    try:
        return to_micro(Decimal(text.strip()))
    except InvalidOperation as exc:
        raise AmountError(f"{text!r} is not an amount of tCO2e (a decimal number)") from exc


def six_places(value: Decimal) -> str:
    """A calculated decimal of tCO2e as the calculation code writes it: six places, rounded once."""
    return f"{value.quantize(_SIX_PLACES, context=EXACT):f}"
