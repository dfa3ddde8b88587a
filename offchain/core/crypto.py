"""Optional per-document encryption, so that a public chain can hold enterprise documents.

A document is encrypted once with AES-256-GCM under a random 32-byte data key; the data key is
then wrapped separately for each reader's secp256k1 public key (ECIES with Ethereum keys):

- the sender makes a fresh ephemeral key pair for every recipient and runs ECDH with the
  recipient's public key;
- HKDF-SHA256 turns the shared secret into a key-encryption key, with `info` binding the scheme
  name, the recipient's address and the ephemeral public key, so an entry cannot be re-labelled
  for another address or another ephemeral key;
- the data key is wrapped under that key with AES-256-GCM.

The result is an *envelope*: strict JSON, compact, keys sorted, UTF-8::

    {"ciphertext": "<b64>", "commitment": "0x<64 hex>", "nonce": "<b64 12 bytes>",
     "recipients": [{"address": "0x<checksummed>", "ephemeral_public_key": "0x<128 hex>",
                     "nonce": "<b64 12 bytes>", "wrapped_key": "<b64 48 bytes>"}, ...],
     "scheme": "ecies-secp256k1-aes256gcm-v2"}

with recipients sorted by address. Base64 is the standard alphabet with padding.

Readers added later: grants
---------------------------
The envelope's bytes never change once stored (the chain commits to their digest), so a reader
added afterwards (the verification agency, assigned after the records are submitted) gets a
*grant*: the same data key wrapped for its key exactly as in a recipient entry, made by any
current reader (`grant`) and kept beside the envelope (on chain: `KeyDirectory.grantAccess`).
A grant is 124 bytes: ephemeral public key (64) ‖ nonce (12) ‖ wrapped key (48).

What is committed: a salted commitment
--------------------------------------
The DataLayer is content-addressed, so the chain commits to the SHA-256 *of the envelope*, and
the envelope carries `commitment` = HMAC-SHA256(key = salt, message = plaintext), where `salt`
is 32 random bytes that travel *inside* the ciphertext (the encrypted payload is
salt ‖ plaintext). Nothing public is a function of the plaintext alone, so a document with
little entropy (a template with a few quantities in it) cannot be confirmed by hashing guesses:
without the salt every candidate is equally consistent with what is published.

AES-GCM is not key-committing: a dishonest sender could wrap different data keys for different
recipients and craft one ciphertext that decrypts to different documents under each (the
"invisible salamanders" attack), showing the regulator one document and the agency another.
Every reader therefore recomputes the commitment from the salt and plaintext it decrypted
(DigestMismatchError otherwise); HMAC-SHA256 is collision resistant in (salt, plaintext), and all
readers compare with the same published value, so they have all read the same document. The
ciphertext's associated data binds the scheme and the commitment, so an honest envelope whose
header was swapped or edited fails authentication instead of reaching that check.
"""

import base64
import hashlib
import hmac
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eth_utils import is_checksum_address, keccak, to_checksum_address

from offchain.core.documents import parse_json
from offchain.errors import DigestMismatchError, DocumentError, EncryptionError, NotARecipientError

SCHEME = "ecies-secp256k1-aes256gcm-v2"

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
PUBLIC_KEY_BYTES = 64
SALT_BYTES = 32
GRANT_BYTES = PUBLIC_KEY_BYTES + NONCE_BYTES + KEY_BYTES + TAG_BYTES

_CURVE = ec.SECP256K1()
# The order n of secp256k1's base point (SEC 2, section 2.4.1).
_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_DIGEST = re.compile(r"0x[0-9a-f]{64}")
_PUBLIC_KEY_HEX = re.compile(r"0x[0-9a-f]{128}")
_TOP_FIELDS = frozenset({"scheme", "commitment", "nonce", "ciphertext", "recipients"})
_RECIPIENT_FIELDS = frozenset({"address", "ephemeral_public_key", "nonce", "wrapped_key"})
# With sorted keys, `ciphertext` is always first and `scheme` always last, which lets
# is_envelope recognise an envelope without parsing a possibly large document.
_ENVELOPE_HEAD = b'{"ciphertext":"'
_ENVELOPE_TAIL = b',"scheme":"' + SCHEME.encode("ascii") + b'"}'


@dataclass(frozen=True)
class _Recipient:
    address: str
    ephemeral_public_key: bytes
    nonce: bytes
    wrapped_key: bytes


@dataclass(frozen=True)
class _Envelope:
    commitment: str
    nonce: bytes
    ciphertext: bytes
    recipients: tuple[_Recipient, ...]


# ---------------------------------------------------------------------------------------------
# Keys and addresses


def public_key_of(private_key: bytes) -> bytes:
    """The 64-byte uncompressed public key (x‖y, no 0x04 prefix) of a 32-byte private key."""
    return _public_bytes(_private_key(private_key).public_key())


def address_of_public_key(pub: bytes) -> str:
    """The checksummed Ethereum address of a 64-byte public key: keccak256(pub)[-20:]."""
    if len(pub) != PUBLIC_KEY_BYTES:
        raise EncryptionError(
            f"a public key must be {PUBLIC_KEY_BYTES} bytes (x‖y without the 0x04 prefix), "
            f"got {len(pub)}"
        )
    return to_checksum_address(keccak(pub)[-20:])


def _private_key(private_key: bytes) -> ec.EllipticCurvePrivateKey:
    if not isinstance(private_key, bytes) or len(private_key) != KEY_BYTES:
        raise EncryptionError(f"a private key must be {KEY_BYTES} bytes")
    try:
        return ec.derive_private_key(int.from_bytes(private_key, "big"), _CURVE)
    except ValueError as exc:
        raise EncryptionError("the private key is not a valid secp256k1 scalar") from exc


def _public_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    encoded = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return encoded[1:]


def _public_key(pub: bytes, what: str) -> ec.EllipticCurvePublicKey:
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, b"\x04" + pub)
    except ValueError as exc:
        raise EncryptionError(f"{what} is not a point on secp256k1") from exc


def _checksummed(address: Any, what: str) -> str:
    """Accepts all-lower or all-upper hex; mixed case must be a valid EIP-55 checksum."""
    if not isinstance(address, str) or not _ADDRESS.fullmatch(address):
        raise EncryptionError(f"{what} {address!r} is not an address (0x and 40 hex digits)")
    digits = address[2:]
    mixed_case = digits != digits.lower() and digits != digits.upper()
    # A mixed-case address that fails its checksum is most likely a typo; refuse it rather
    # than encrypt for a key nobody holds.
    if mixed_case and not is_checksum_address(address):
        raise EncryptionError(f"{what} {address} has an invalid EIP-55 checksum")
    return to_checksum_address(address)


# ---------------------------------------------------------------------------------------------
# Encryption


def encrypt(plaintext: bytes, recipients: Mapping[str, bytes], seed: bytes | None = None) -> bytes:
    """An envelope that only the holders of the recipients' private keys can open.

    `recipients` maps each reader's Ethereum address to its 64-byte public key (what eth_keys'
    `PublicKey.to_bytes()` gives); each key must belong to its address.

    With a `seed` (at least 32 secret bytes) every random value — data key, nonces, ephemeral
    keys — is derived from it instead of drawn, so the same seed, plaintext and recipients give
    the same envelope and so the same digest on chain: a submission that is retried after a
    crash finds its entry instead of storing a second one. The seed must be secret and should
    bind the plaintext (the enterprise backend hashes the writer's private key with the
    plaintext's digest and the recipients); nonces are then reused only for the same plaintext
    under the same key, which reveals nothing but that equality.
    """
    if seed is not None and len(seed) < KEY_BYTES:
        raise EncryptionError(f"a seed needs at least {KEY_BYTES} bytes")
    return _seal(plaintext, _checked_recipients(recipients), _Randomness(seed))


class _Randomness:
    """Fresh randomness, or values derived from a seed with HKDF under distinct labels."""

    def __init__(self, seed: bytes | None) -> None:
        self._seed = seed

    def bytes(self, n: int, label: str) -> bytes:
        if self._seed is None:
            return os.urandom(n)
        info = f"{SCHEME}\x00seed\x00{label}".encode()
        return HKDF(algorithm=hashes.SHA256(), length=n, salt=None, info=info).derive(self._seed)

    def private_key(self, label: str) -> ec.EllipticCurvePrivateKey:
        if self._seed is None:
            return ec.generate_private_key(_CURVE)
        # 48 bytes reduced modulo the order keeps the bias negligible (below 2^-128).
        scalar = int.from_bytes(self.bytes(48, label), "big") % (_ORDER - 1) + 1
        return ec.derive_private_key(scalar, _CURVE)


def _checked_recipients(recipients: Mapping[str, bytes]) -> dict[str, bytes]:
    if not recipients:
        raise EncryptionError("an envelope needs at least one recipient")
    checked: dict[str, bytes] = {}
    for claimed, pub in recipients.items():
        address = _checksummed(claimed, "recipient")
        if address in checked:
            raise EncryptionError(f"recipient {address} is listed twice")
        if not isinstance(pub, bytes):
            raise EncryptionError(f"the public key for {address} must be bytes")
        owner = address_of_public_key(pub)
        if owner != address:
            raise EncryptionError(f"the public key given for {address} belongs to {owner}")
        checked[address] = pub
    return checked


def commitment(salt: bytes, plaintext: bytes) -> str:
    """The published commitment to `plaintext`: HMAC-SHA256 keyed by the secret salt."""
    return "0x" + hmac.new(salt, plaintext, hashlib.sha256).hexdigest()


def _seal(
    plaintext: bytes,
    recipients: Mapping[str, bytes],
    randomness: "_Randomness | None" = None,
    claimed: str | None = None,
) -> bytes:
    """Builds the envelope for checked recipients.

    `claimed` replaces the true commitment only so that a test can play a dishonest sender and
    show that readers catch the lie.
    """
    randomness = randomness or _Randomness(None)
    data_key = randomness.bytes(KEY_BYTES, "data key")
    nonce = randomness.bytes(NONCE_BYTES, "document nonce")
    salt = randomness.bytes(SALT_BYTES, "salt")
    committed = claimed or commitment(salt, plaintext)
    payload = salt + plaintext
    ciphertext = AESGCM(data_key).encrypt(nonce, payload, _document_aad(committed))
    entries = [
        _wrap(data_key, address, _public_key(pub, f"the public key for {address}"), randomness)
        for address, pub in sorted(recipients.items(), key=lambda item: item[0].lower())
    ]
    return _serialise(_Envelope(committed, nonce, ciphertext, tuple(entries)))


def _wrap(
    data_key: bytes, address: str, recipient: ec.EllipticCurvePublicKey, randomness: "_Randomness"
) -> _Recipient:
    ephemeral = randomness.private_key(f"ephemeral key {address.lower()}")
    ephemeral_public = _public_bytes(ephemeral.public_key())
    kek = _key_encryption_key(ephemeral.exchange(ec.ECDH(), recipient), address, ephemeral_public)
    nonce = randomness.bytes(NONCE_BYTES, f"wrap nonce {address.lower()}")
    wrapped = AESGCM(kek).encrypt(nonce, data_key, _wrap_aad(address))
    return _Recipient(address, ephemeral_public, nonce, wrapped)


def _key_encryption_key(shared_secret: bytes, address: str, ephemeral_public: bytes) -> bytes:
    # The fields have fixed lengths after the scheme name, so plain concatenation is
    # unambiguous.
    info = SCHEME.encode("ascii") + b"\x00" + bytes.fromhex(address[2:]) + ephemeral_public
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info)
    return hkdf.derive(shared_secret)


def _document_aad(committed: str) -> bytes:
    return f"{SCHEME}\x00document\x00{committed}".encode("ascii")


# Distinct labels keep the two AES-GCM uses (document, wrapped key) from ever being
# interchangeable, even though their keys already differ.
def _wrap_aad(address: str) -> bytes:
    return f"{SCHEME}\x00wrapped-key\x00{address.lower()}".encode("ascii")


def _serialise(envelope: _Envelope) -> bytes:
    document = {
        "scheme": SCHEME,
        "commitment": envelope.commitment,
        "nonce": _b64(envelope.nonce),
        "ciphertext": _b64(envelope.ciphertext),
        "recipients": [
            {
                "address": entry.address,
                "ephemeral_public_key": "0x" + entry.ephemeral_public_key.hex(),
                "nonce": _b64(entry.nonce),
                "wrapped_key": _b64(entry.wrapped_key),
            }
            for entry in envelope.recipients
        ],
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# ---------------------------------------------------------------------------------------------
# Decryption


def decrypt(envelope: bytes, private_key: bytes, granted: bytes | None = None) -> bytes:
    """The plaintext of `envelope`, if `private_key` is one of its recipients' keys or the key
    `granted` (a grant made for it by `grant`) was wrapped for; checked against the commitment."""
    key = _private_key(private_key)
    parsed = _parse(envelope)
    address = address_of_public_key(_public_bytes(key.public_key()))
    listed = [entry for entry in parsed.recipients if entry.address == address]
    if listed:
        entry = listed[0]
    elif granted is not None:
        entry = _parse_grant(address, granted)
    else:
        entry = _entry_for(parsed, address)  # NotARecipientError, naming the recipients
    payload = _open(parsed, _unwrap(entry, key))
    salt, plaintext = payload[:SALT_BYTES], payload[SALT_BYTES:]
    actual = commitment(salt, plaintext)
    if len(salt) != SALT_BYTES or actual != parsed.commitment:
        raise DigestMismatchError(
            f"the decrypted document and its salt commit to {actual}, "
            f"but the envelope publishes {parsed.commitment}"
        )
    return plaintext


def grant(envelope: bytes, private_key: bytes, reader: str, reader_public_key: bytes) -> bytes:
    """A grant for `reader`: the envelope's data key, opened with `private_key` (a recipient's),
    wrapped for `reader_public_key` (which must be `reader`'s) as a recipient entry would be."""
    key = _private_key(private_key)
    parsed = _parse(envelope)
    entry = _entry_for(parsed, address_of_public_key(_public_bytes(key.public_key())))
    data_key = _unwrap(entry, key)
    _open(parsed, data_key)  # a key that does not open the document is not passed on
    ((address, public),) = _checked_recipients({reader: reader_public_key}).items()
    wrapped = _wrap(
        data_key, address, _public_key(public, f"the public key of {address}"), _Randomness(None)
    )
    return wrapped.ephemeral_public_key + wrapped.nonce + wrapped.wrapped_key


def commitment_of(envelope: bytes) -> str:
    """The salted commitment an envelope publishes."""
    return _parse(envelope).commitment


def recipients_of(envelope: bytes) -> list[str]:
    """The checksummed addresses that can open `envelope`, sorted."""
    return [entry.address for entry in _parse(envelope).recipients]


def is_envelope(data: bytes) -> bool:
    """Whether `data` looks like an envelope written by this module (no full parse)."""
    return data.startswith(_ENVELOPE_HEAD) and data.endswith(_ENVELOPE_TAIL)


def _entry_for(envelope: _Envelope, address: str) -> _Recipient:
    for entry in envelope.recipients:
        if entry.address == address:
            return entry
    listed = ", ".join(entry.address for entry in envelope.recipients)
    raise NotARecipientError(
        f"{address} is not a recipient of this envelope (recipients: {listed})"
    )


def _unwrap(entry: _Recipient, key: ec.EllipticCurvePrivateKey) -> bytes:
    ephemeral = _public_key(entry.ephemeral_public_key, f"ephemeral key of {entry.address}")
    shared_secret = key.exchange(ec.ECDH(), ephemeral)
    kek = _key_encryption_key(shared_secret, entry.address, entry.ephemeral_public_key)
    try:
        data_key = AESGCM(kek).decrypt(entry.nonce, entry.wrapped_key, _wrap_aad(entry.address))
    except InvalidTag as exc:
        raise EncryptionError(
            f"ciphertext or wrapped key was tampered with (recipient {entry.address})"
        ) from exc
    if len(data_key) != KEY_BYTES:
        raise EncryptionError(f"the wrapped key for {entry.address} is not a {KEY_BYTES}-byte key")
    return data_key


def _open(envelope: _Envelope, data_key: bytes) -> bytes:
    aad = _document_aad(envelope.commitment)
    try:
        return AESGCM(data_key).decrypt(envelope.nonce, envelope.ciphertext, aad)
    except InvalidTag as exc:
        raise EncryptionError("ciphertext or wrapped key was tampered with") from exc


# ---------------------------------------------------------------------------------------------
# Parsing


def _parse(envelope: bytes) -> _Envelope:
    try:
        document = parse_json(envelope, "envelope")
    except DocumentError as exc:
        raise EncryptionError(f"malformed envelope: {exc}") from exc
    _expect_fields(document, _TOP_FIELDS, "envelope")
    if document["scheme"] != SCHEME:
        raise EncryptionError(
            f"malformed envelope: scheme {document['scheme']!r} is not {SCHEME!r}"
        )
    committed = document["commitment"]
    if not isinstance(committed, str) or not _DIGEST.fullmatch(committed):
        raise EncryptionError(
            "malformed envelope: commitment is not 0x and 64 lower-case hex digits"
        )
    return _Envelope(
        commitment=committed,
        nonce=_b64_field(document, "nonce", "envelope", NONCE_BYTES),
        ciphertext=_b64_field(document, "ciphertext", "envelope", None),
        recipients=_parse_recipients(document["recipients"]),
    )


def _parse_recipients(entries: Any) -> tuple[_Recipient, ...]:
    if not isinstance(entries, list) or not entries:
        raise EncryptionError("malformed envelope: recipients is not a non-empty list")
    parsed = tuple(_parse_recipient(entry, f"recipients[{i}]") for i, entry in enumerate(entries))
    addresses = [entry.address for entry in parsed]
    if len(set(addresses)) != len(addresses):
        raise EncryptionError("malformed envelope: a recipient is listed twice")
    return parsed


def _parse_recipient(entry: Any, where: str) -> _Recipient:
    _expect_fields(entry, _RECIPIENT_FIELDS, where)
    try:
        address = _checksummed(entry["address"], f"{where}.address")
    except EncryptionError as exc:
        raise EncryptionError(f"malformed envelope: {exc}") from exc
    ephemeral = entry["ephemeral_public_key"]
    if not isinstance(ephemeral, str) or not _PUBLIC_KEY_HEX.fullmatch(ephemeral):
        raise EncryptionError(
            f"malformed envelope: {where}.ephemeral_public_key is not 0x and 128 lower-case "
            "hex digits"
        )
    return _Recipient(
        address=address,
        ephemeral_public_key=bytes.fromhex(ephemeral[2:]),
        nonce=_b64_field(entry, "nonce", where, NONCE_BYTES),
        wrapped_key=_b64_field(entry, "wrapped_key", where, KEY_BYTES + TAG_BYTES),
    )


def _parse_grant(address: str, granted: bytes) -> _Recipient:
    if len(granted) != GRANT_BYTES:
        raise EncryptionError(
            f"a grant for {address} is {len(granted)} bytes, expected {GRANT_BYTES}"
        )
    ephemeral = granted[:PUBLIC_KEY_BYTES]
    nonce = granted[PUBLIC_KEY_BYTES : PUBLIC_KEY_BYTES + NONCE_BYTES]
    return _Recipient(address, ephemeral, nonce, granted[PUBLIC_KEY_BYTES + NONCE_BYTES :])


def _expect_fields(document: Any, fields: frozenset[str], where: str) -> None:
    if not isinstance(document, dict):
        raise EncryptionError(f"malformed envelope: {where} is not a JSON object")
    missing = sorted(fields - document.keys())
    if missing:
        raise EncryptionError(f"malformed envelope: {where} lacks {', '.join(missing)}")
    unknown = sorted(document.keys() - fields)
    if unknown:
        raise EncryptionError(f"malformed envelope: {where} has unknown {', '.join(unknown)}")


def _b64_field(document: dict[str, Any], name: str, where: str, size: int | None) -> bytes:
    value = document[name]
    if not isinstance(value, str):
        raise EncryptionError(f"malformed envelope: {where}.{name} is not a base64 string")
    try:
        data = base64.b64decode(value, validate=True)
    except ValueError as exc:  # binascii.Error, or non-ASCII text
        raise EncryptionError(f"malformed envelope: {where}.{name} is not base64") from exc
    if size is not None and len(data) != size:
        raise EncryptionError(
            f"malformed envelope: {where}.{name} is {len(data)} bytes, expected {size}"
        )
    if size is None and len(data) < TAG_BYTES:
        raise EncryptionError(
            f"malformed envelope: {where}.{name} is shorter than its {TAG_BYTES}-byte tag"
        )
    return data
