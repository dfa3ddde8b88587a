"""What one piece of evidence comes to: its DataLayer entry Completed, its bytes found and
hashing to the digest, and, when encrypted, an envelope that commits to the plaintext named in
extrainfo and that the agency's key opens."""

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from offchain.chain.bindings import EntryStatus
from offchain.core import crypto
from offchain.errors import CarbonError, DigestMismatchError, NotARecipientError
from offchain.verify.reads import YearData


class Finding(NamedTuple):
    """What a check came to: `pass`, `fail` or `warning`, and why."""

    status: str
    reason: str


class EvidenceJudge:
    """Judges extrainfo entries against the chain, with the agency's key when one is given.

    The same entry listed by several records is judged once.
    """

    def __init__(self, documents: Mapping[str, bytes], agency_key: bytes | None) -> None:
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
        return self._encrypted(data, info, where)

    def _encrypted(self, data: bytes, info: dict[str, Any], where: str) -> Finding:
        plain = info.get("sha256")
        if plain is None:
            return Finding(
                "fail", f"{where}, but extrainfo marks it encrypted without the plaintext's sha256"
            )
        try:
            committed = json.loads(data)["plaintext_sha256"]
        except (ValueError, KeyError, TypeError):
            return Finding("fail", f"{where}, but it is marked encrypted and is not an envelope")
        if committed != plain:
            return Finding(
                "fail", f"the envelope commits to plaintext {committed}, extrainfo says {plain}"
            )
        if self.agency_key is None:
            return Finding(
                "warning", f"encrypted, not readable with the key given (no key); {where}"
            )
        try:
            crypto.decrypt(data, self.agency_key)
        except NotARecipientError:
            return Finding(
                "warning",
                f"encrypted, not readable with the key given ({self.agency} is not a recipient); "
                f"{where}",
            )
        except (CarbonError, DigestMismatchError) as exc:
            return Finding("fail", f"decrypting with the key of {self.agency}: {exc}")
        return Finding(
            "pass", f"{where}; decrypted with the key of {self.agency}, plaintext sha256 {plain}"
        )
