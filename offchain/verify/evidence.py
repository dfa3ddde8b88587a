"""What one piece of evidence comes to: its DataLayer entry Completed, its bytes found and
hashing to the digest, and, when encrypted, an envelope that the verifier's key opens (as a
recipient, or through a grant made to it later) and whose plaintext is the one extrainfo names.
Encrypted activity documents are opened the same way (`EvidenceJudge.open`)."""

from collections.abc import Mapping
from typing import Any, NamedTuple

from offchain.chain.bindings import EntryStatus
from offchain.core import crypto
from offchain.core.documents import sha256_hex
from offchain.errors import CarbonError
from offchain.verify.reads import YearData


class UnreadableError(CarbonError):
    """An encrypted document the verifier's key does not open: neither a recipient nor granted."""


class Finding(NamedTuple):
    """What a check came to: `pass`, `fail` or `warning`, and why."""

    status: str
    reason: str


class EvidenceJudge:
    """Judges extrainfo entries against the chain, with the agency's key when one is given.

    The same entry listed by several records is judged once.
    """

    def __init__(self, documents: Mapping[str, bytes], agency_key: bytes | None) -> None:
        """`agency_key` is the key documents are decrypted with: the agency's, or the
        regulator's (a recipient of every encrypted enterprise document)."""
        self.documents = documents
        self.agency_key = agency_key
        self.agency = (
            crypto.address_of_public_key(crypto.public_key_of(agency_key)) if agency_key else None
        )
        self._findings: dict[tuple[str, str, bool, str | None], Finding] = {}

    def judge(self, y: YearData, info: dict[str, Any]) -> Finding:
        """The finding on one extrainfo entry's content, whatever record lists it."""
        digest = info["datalayerhash"]
        key = (y.layer, digest, bool(info.get("encrypted")), info.get("sha256"))
        if key not in self._findings:
            self._findings[key] = self._evidence(y, digest, info)
        return self._findings[key]

    def _evidence(self, y: YearData, digest: str, info: dict[str, Any]) -> Finding:
        if digest in y.entry_errors:
            return Finding("fail", y.entry_errors[digest])
        entry = y.entries.get(digest)
        if entry is None:
            return Finding("fail", f"the DataLayer entry {digest} was not read")
        if entry.status is not EntryStatus.COMPLETED:
            return Finding("fail", f"its DataLayer entry {digest} is {entry.status}, not Completed")
        if digest in y.content_errors or digest not in self.documents:
            why = y.content_errors.get(digest, "its bytes were not found")
            return Finding("fail", f"{entry.mode} entry {digest}: {why}")
        data = self.documents[digest]
        where = f"{entry.mode} entry {digest}, {len(data):,} bytes, Completed, hashes to its digest"
        if not info.get("encrypted"):
            return Finding("pass", where)
        return self._encrypted(y, digest, data, info, where)

    def open(self, y: YearData, digest: str, envelope: bytes) -> tuple[bytes, str]:
        """The plaintext of an encrypted document of `y` and how it was opened; UnreadableError
        when the key is not one of its readers', EncryptionError or DigestMismatchError when it
        is and the envelope is broken or its commitment does not match."""
        readers = ", ".join(crypto.recipients_of(envelope))
        if self.agency_key is None:
            raise UnreadableError(f"encrypted for {readers}; no key given")
        granted = y.grants.get(digest)
        if self.agency not in crypto.recipients_of(envelope) and granted is None:
            revoked = "; its access was revoked" if y.revoked else ""
            grants = f" ({y.grants_error})" if y.grants_error else ""
            raise UnreadableError(
                f"encrypted for {readers}; {self.agency} is not a recipient and was granted no "
                f"access{grants}{revoked}"
            )
        plaintext = crypto.decrypt(envelope, self.agency_key, granted)
        how = "as a recipient" if granted is None else "through its grant"
        return plaintext, f"decrypted with the key of {self.agency} ({how}), commitment checked"

    def _encrypted(
        self, y: YearData, digest: str, data: bytes, info: dict[str, Any], where: str
    ) -> Finding:
        plain = info.get("sha256")
        if plain is None:
            return Finding(
                "fail", f"{where}, but extrainfo marks it encrypted without the plaintext's sha256"
            )
        if not crypto.is_envelope(data):
            return Finding("fail", f"{where}, but it is marked encrypted and is not an envelope")
        try:
            plaintext, how = self.open(y, digest, data)
        except UnreadableError as exc:
            return Finding(
                "warning", f"encrypted, not readable with the key given ({exc}); {where}"
            )
        except CarbonError as exc:
            return Finding("fail", f"decrypting with the key of {self.agency}: {exc}")
        actual = sha256_hex(plaintext)
        if actual != plain:
            return Finding(
                "fail", f"{how}: the plaintext hashes to {actual}, extrainfo says {plain}"
            )
        return Finding("pass", f"{where}; {how}, plaintext sha256 {plain}")
