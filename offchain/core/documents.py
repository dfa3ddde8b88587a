"""Reading the project's JSON documents strictly and checking them against their schemas.

Documents are opaque bytes on chain; their meaning is fixed by the JSON Schemas in
`seeds/schemas/`, checked on every write and every read.
"""

import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from offchain.errors import DocumentError
from offchain.paths import SCHEMAS

Kind = Literal[
    "factor-library",
    "formula-library",
    "activity",
    "allocation-history",
    "allocation-benchmarks",
    "quota-proposal",
    "enterprise-target",
]


def sha256_hex(data: bytes) -> str:
    """The `0x`-prefixed SHA-256 digest under which `data` is stored everywhere."""
    return "0x" + hashlib.sha256(data).hexdigest()


def parse_json(data: bytes, origin: str) -> Any:
    """Strict JSON (no NaN, no duplicate keys); errors name line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{origin}: not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{origin}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except _Refused as exc:
        # The hooks see values, not positions: find where the refused token stands.
        at = exc.locate(text)
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise DocumentError(f"{origin}: {exc} at line {line} column {column}") from exc


class _Refused(ValueError):
    """Valid to Python's json module, refused here; `locate` finds it in the text."""

    def __init__(self, message: str, pattern: str) -> None:
        super().__init__(message)
        self.pattern = pattern

    def locate(self, text: str) -> int:
        found = re.search(self.pattern, text)
        return found.start(found.lastindex or 0) if found else 0


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):  # the common case, at the speed of dict()
        return result
    result = {}
    for key, value in pairs:
        if key in result:
            quoted = re.escape(json.dumps(key, ensure_ascii=False))
            # the second occurrence of the key (a first approximation: keys of nested objects
            # with the same name come first only if they are written first)
            raise _Refused(f"duplicate key {key!r}", rf"{quoted}\s*:[\s\S]*?({quoted})\s*:")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise _Refused(
        f"{name} is not a JSON number (JSON has no NaN or Infinity)",
        rf"(?<![\w\"])({re.escape(name)})(?![\w\"])",
    )


@cache  # checking the schema itself costs more than validating a document
def _schema(kind: Kind) -> dict[str, Any]:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _validator(kind: Kind) -> Draft202012Validator:
    return Draft202012Validator(_schema(kind))


@cache
def _fast_validator(kind: Kind) -> Any:
    return jsonschema_rs.Draft202012Validator(_schema(kind))


def validate(document: Any, kind: Kind, origin: str) -> None:
    """Raises DocumentError naming the first violation's path, e.g. `records/2/FC`.

    jsonschema-rs (compiled, ~200x faster) accepts valid documents; a document it rejects goes
    through the reference Python validator, which has the last word and orders the violations.
    """
    if _fast_validator(kind).is_valid(document):
        return
    error = _first_error(_validator(kind), document)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(document)"
        raise DocumentError(f"{origin}: {kind} schema violation at {where}: {error.message}")


def _first_error(validator: Draft202012Validator, document: Any) -> ValidationError | None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
    return errors[0] if errors else None


def load(data: bytes, kind: Kind, origin: str) -> Any:
    """Parses and validates a document given as bytes."""
    document = parse_json(data, origin)
    validate(document, kind, origin)
    return document


def read_file(path: Path) -> bytes:
    """The bytes of `path`, or a DocumentError saying why they cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror})") from exc


def load_file(path: Path, kind: Kind) -> Any:
    """Reads, parses and validates a document file."""
    return load(read_file(path), kind, str(path))
