"""A content-addressed document store: bytes kept under their SHA-256 digest.

The embedded default is a local folder. The chain holds only digests of large documents, so
anything that keeps bytes by digest (IPFS, an object store) can stand behind the same interface.
"""

import os
import tempfile
from pathlib import Path
from typing import Protocol

from offchain.core.documents import sha256_hex
from offchain.errors import DigestMismatchError, StoreError


class DocumentStore(Protocol):
    """Keeps bytes by digest; `get` returns only bytes that hash to the digest asked for."""

    def put(self, data: bytes) -> str: ...

    def get(self, digest: str) -> bytes: ...

    def has(self, digest: str) -> bool: ...


class FolderStore:
    """A DocumentStore in a local folder, one file per digest, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes) -> str:
        digest = sha256_hex(data)
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return digest

    def get(self, digest: str) -> bytes:
        path = self._path(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise StoreError(f"document {digest} is not in the store at {self.root}") from exc
        actual = sha256_hex(data)
        if actual != digest:
            raise DigestMismatchError(f"document {digest} in {self.root} hashes to {actual}")
        return data

    def has(self, digest: str) -> bool:
        return self._path(digest).exists()

    def _path(self, digest: str) -> Path:
        name = digest.lower().removeprefix("0x")
        if len(name) != 64 or any(c not in "0123456789abcdef" for c in name):
            raise StoreError(f"{digest!r} is not a SHA-256 digest (0x and 64 hex digits)")
        return self.root / name[:2] / name
