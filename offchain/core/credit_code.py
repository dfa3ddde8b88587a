"""The unified social credit code (统一社会信用代码) of GB 32100-2015, normalised and checked.

An enterprise is known on chain by its credit code: its contracts' addresses follow from it, so
`91110000…` and ` 91110000…` must not be two enterprises. The code has 18 characters from a
31-character alphabet (digits and capitals without I, O, S, V, Z): registration authority,
organisation type, the 6-digit administrative division, the 9-character organisation code, and
a check character over the first 17 (weights 3^i mod 31).
"""

import re

from offchain.errors import CarbonError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}")


class CreditCodeError(CarbonError):
    """A credit code that is not a unified social credit code."""


def check_character(first17: str) -> str:
    """The check character of the first 17 characters of a code."""
    bad = sorted({c for c in first17 if c not in _VALUE})
    if len(first17) != 17 or bad:
        raise CreditCodeError(
            f"{first17!r} is not the first 17 characters of a credit code (digits and capitals "
            f"without I, O, S, V and Z{'; it contains ' + ', '.join(bad) if bad else ''})"
        )
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    """`code` trimmed and upper-cased, or CreditCodeError saying what is wrong with it."""
    text = code.strip().upper()
    if len(text) != 18:
        raise CreditCodeError(
            f"credit code {code!r} has {len(text)} characters; a unified social credit code "
            "(GB 32100-2015) has 18"
        )
    bad = sorted({c for c in text if c not in _VALUE})
    if bad:
        raise CreditCodeError(
            f"credit code {text} contains {', '.join(bad)}; the code uses digits and capitals "
            "without I, O, S, V and Z"
        )
    if not _SHAPE.fullmatch(text):
        raise CreditCodeError(
            f"credit code {text}: characters 3 to 8 must be the 6-digit administrative division"
        )
    expected = check_character(text[:17])
    if text[17] != expected:
        raise CreditCodeError(
            f"credit code {text}: its check character is {text[17]}, GB 32100-2015 gives "
            f"{expected} for the first 17 characters"
        )
    return text


def with_check(first17: str) -> str:
    """A complete code from its first 17 characters (sample and generated enterprises)."""
    return first17 + check_character(first17)
