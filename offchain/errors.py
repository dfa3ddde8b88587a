"""Exceptions raised by the off-chain tooling.

Every error carries a message a user can act on: which document, which record, which key.
The CLI prints ``str(error)`` on one line and exits non-zero.
"""


class CarbonError(Exception):
    """Base class of every error this package raises on purpose."""


class DocumentError(CarbonError):
    """A document cannot be read, is not strict JSON, or violates its schema."""


class CalculationError(CarbonError):
    """The calculation refused its input (unknown fuel, missing value, unit mismatch, ...)."""


class FormulaSyntaxError(CalculationError):
    """A formula in a formula library does not parse."""


class SandboxError(CalculationError):
    """The sandboxed JavaScript exceeded its time or memory limit or misbehaved."""


class DigestMismatchError(CarbonError):
    """Bytes fetched for a reference do not hash to the digest committed on chain."""


class ChainError(CarbonError):
    """The chain could not be reached or answered something unexpected."""


class NotDeployedError(ChainError):
    """No deployment manifest, or a name that the index does not know."""


class StoreError(CarbonError):
    """The content-addressed store does not hold, or cannot keep, a document."""


class EncryptionError(CarbonError):
    """An envelope cannot be made or opened: bad key, malformed envelope, or tampering."""


class NotARecipientError(EncryptionError):
    """The key offered is not one of the keys an envelope was encrypted for."""
