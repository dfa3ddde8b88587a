"""offchain.core.crypto: envelopes the enterprise, regulator and agency can open, nobody else."""

import base64
import json
from typing import Any

import pytest
from eth_account import Account
from eth_keys import keys
from eth_utils import keccak
from hypothesis import example, given, settings
from hypothesis import strategies as st

from offchain.core import crypto
from offchain.core.documents import parse_json, sha256_hex
from offchain.errors import (
    CarbonError,
    DigestMismatchError,
    EncryptionError,
    NotARecipientError,
)

SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
DOCUMENT = b'{"title":"2024 emissions","total":12345.678901}'


def key(name: str) -> keys.PrivateKey:
    """A fixed key per role, so failures are reproducible."""
    return keys.PrivateKey(keccak(text=name))


ENTERPRISE = key("enterprise")
REGULATOR = key("regulator")
AGENCY = key("agency")
OUTSIDER = key("outsider")
READERS = (ENTERPRISE, REGULATOR, AGENCY)
BY_ADDRESS = {r.public_key.to_checksum_address(): r for r in READERS}


def recipients(*readers: keys.PrivateKey) -> dict[str, bytes]:
    return {r.public_key.to_checksum_address(): r.public_key.to_bytes() for r in readers or READERS}


def seal(plaintext: bytes = DOCUMENT) -> bytes:
    return crypto.encrypt(plaintext, recipients())


def edit(envelope: bytes, change: Any) -> bytes:
    """Applies `change` to the parsed envelope and writes it back in the canonical form."""
    document = json.loads(envelope)
    change(document)
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def flip_first_byte(b64: str) -> str:
    data = bytearray(base64.b64decode(b64))
    data[0] ^= 0x01
    return base64.b64encode(bytes(data)).decode()


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS, ids=["enterprise", "regulator", "agency"])
def test_each_recipient_decrypts_the_same_plaintext(reader):
    assert crypto.decrypt(seal(), reader.to_bytes()) == DOCUMENT


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=4096))
@example(b"")
@example(bytes(range(256)) * 400)  # 100 KB
def test_any_plaintext_round_trips(plaintext):
    assert crypto.decrypt(seal(plaintext), AGENCY.to_bytes()) == plaintext


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1, max_value=SECP256K1_ORDER - 1))
def test_any_valid_private_key_can_be_a_recipient(scalar):
    private = scalar.to_bytes(32, "big")
    public = crypto.public_key_of(private)
    envelope = crypto.encrypt(DOCUMENT, {crypto.address_of_public_key(public): public})
    assert crypto.decrypt(envelope, private) == DOCUMENT


def test_a_lowercase_address_is_accepted_and_written_checksummed():
    address = AGENCY.public_key.to_checksum_address()
    envelope = crypto.encrypt(DOCUMENT, {address.lower(): AGENCY.public_key.to_bytes()})
    assert crypto.recipients_of(envelope) == [address]


def test_encryption_is_randomised_yet_both_envelopes_decrypt():
    first, second = seal(), seal()
    assert first != second
    assert crypto.decrypt(first, REGULATOR.to_bytes()) == DOCUMENT
    assert crypto.decrypt(second, REGULATOR.to_bytes()) == DOCUMENT


def test_the_envelope_does_not_contain_the_plaintext():
    secret = b"confidential-coal-consumption-figure-8813.5"
    assert secret not in seal(secret)


# --- who can read -----------------------------------------------------------------------------


def test_a_fourth_key_is_not_a_recipient():
    outsider = OUTSIDER.public_key.to_checksum_address()
    with pytest.raises(NotARecipientError, match=f"^{outsider} is not a recipient") as caught:
        crypto.decrypt(seal(), OUTSIDER.to_bytes())
    for reader in READERS:
        assert reader.public_key.to_checksum_address() in str(caught.value)


def test_not_a_recipient_is_an_encryption_error_and_a_carbon_error():
    assert issubclass(NotARecipientError, EncryptionError)
    assert issubclass(EncryptionError, CarbonError)


def test_recipients_of_lists_the_checksummed_addresses_sorted():
    expected = sorted(
        (r.public_key.to_checksum_address() for r in READERS), key=lambda a: a.lower()
    )
    assert crypto.recipients_of(seal()) == expected


# --- refused at encryption --------------------------------------------------------------------


def test_a_public_key_that_does_not_match_its_address_is_refused():
    claimed = AGENCY.public_key.to_checksum_address()
    wrong = {claimed: OUTSIDER.public_key.to_bytes()}
    with pytest.raises(EncryptionError, match=f"public key given for {claimed} belongs to"):
        crypto.encrypt(DOCUMENT, wrong)


def test_an_empty_recipient_list_is_refused():
    with pytest.raises(EncryptionError, match="at least one recipient"):
        crypto.encrypt(DOCUMENT, {})


def test_a_public_key_with_the_0x04_prefix_is_refused_with_the_expected_form():
    address = AGENCY.public_key.to_checksum_address()
    prefixed = b"\x04" + AGENCY.public_key.to_bytes()
    with pytest.raises(EncryptionError, match=r"must be 64 bytes .* got 65"):
        crypto.encrypt(DOCUMENT, {address: prefixed})


def test_a_mixed_case_address_with_a_bad_checksum_is_refused():
    address = AGENCY.public_key.to_checksum_address()
    letters = [i for i, c in enumerate(address) if c.isalpha() and i > 1]
    broken = list(address)
    broken[letters[0]] = broken[letters[0]].swapcase()
    with pytest.raises(EncryptionError, match="invalid EIP-55 checksum"):
        crypto.encrypt(DOCUMENT, {"".join(broken): AGENCY.public_key.to_bytes()})


def test_the_same_recipient_twice_in_different_case_is_refused():
    address = AGENCY.public_key.to_checksum_address()
    public = AGENCY.public_key.to_bytes()
    with pytest.raises(EncryptionError, match="listed twice"):
        crypto.encrypt(DOCUMENT, {address: public, address.lower(): public})


# --- tampering --------------------------------------------------------------------------------


def test_a_tampered_ciphertext_is_detected():
    def tamper(doc):
        doc["ciphertext"] = flip_first_byte(doc["ciphertext"])

    with pytest.raises(EncryptionError, match="ciphertext or wrapped key was tampered with"):
        crypto.decrypt(edit(seal(), tamper), ENTERPRISE.to_bytes())


def test_a_tampered_wrapped_key_is_detected():
    def tamper(doc):
        for entry in doc["recipients"]:
            entry["wrapped_key"] = flip_first_byte(entry["wrapped_key"])

    with pytest.raises(EncryptionError, match="ciphertext or wrapped key was tampered with"):
        crypto.decrypt(edit(seal(), tamper), ENTERPRISE.to_bytes())


def test_a_replaced_commitment_fails_authentication():
    def tamper(doc):
        doc["commitment"] = sha256_hex(b"another document")

    with pytest.raises(EncryptionError, match="ciphertext or wrapped key was tampered with"):
        crypto.decrypt(edit(seal(), tamper), REGULATOR.to_bytes())


def test_swapped_recipient_addresses_are_detected():
    def tamper(doc):
        first, second = doc["recipients"][0], doc["recipients"][1]
        first["address"], second["address"] = second["address"], first["address"]

    envelope = edit(seal(), tamper)
    for address in crypto.recipients_of(envelope)[:2]:
        with pytest.raises(EncryptionError, match="ciphertext or wrapped key was tampered with"):
            crypto.decrypt(envelope, BY_ADDRESS[address].to_bytes())


def test_a_recipient_entry_taken_from_another_envelope_is_detected():
    donor = json.loads(seal(b"another document"))

    def tamper(doc):
        doc["recipients"] = donor["recipients"]

    with pytest.raises(EncryptionError, match="ciphertext or wrapped key was tampered with"):
        crypto.decrypt(edit(seal(), tamper), AGENCY.to_bytes())


def test_a_sender_whose_commitment_lies_is_caught_by_the_commitment_check():
    # Only a dishonest sender can produce this: the header is authenticated, so it must be
    # forged at sealing time, which the public API never does.
    envelope = crypto._seal(DOCUMENT, recipients(), claimed=sha256_hex(b"what the chain was told"))
    with pytest.raises(DigestMismatchError, match="but the envelope publishes"):
        crypto.decrypt(envelope, AGENCY.to_bytes())


# --- format -----------------------------------------------------------------------------------


def test_the_envelope_is_compact_strict_json_with_sorted_keys():
    envelope = seal()
    document = parse_json(envelope, "envelope")  # strict: no NaN, no duplicate keys
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert envelope == canonical.encode("utf-8")


def test_the_envelope_names_its_scheme_and_a_commitment_that_is_not_the_plaintext_digest():
    document = json.loads(seal())
    assert document["scheme"] == "ecies-secp256k1-aes256gcm-v2"
    assert document["commitment"] != sha256_hex(DOCUMENT)
    assert set(document) == {"scheme", "commitment", "nonce", "ciphertext", "recipients"}
    assert set(document["recipients"][0]) == {
        "address",
        "ephemeral_public_key",
        "nonce",
        "wrapped_key",
    }


def test_is_envelope_recognises_an_envelope():
    assert crypto.is_envelope(seal())


@given(st.binary(max_size=512))
@example(DOCUMENT)
@example(b'{"ciphertext":"AAAA"}')
def test_is_envelope_rejects_other_bytes(data):
    assert not crypto.is_envelope(data)


@pytest.mark.parametrize(
    ("envelope", "message"),
    [
        (b"not json", "malformed envelope: .*malformed JSON"),
        (b"[]", "envelope is not a JSON object"),
        (b'{"scheme":"x"}', "envelope lacks ciphertext, commitment, nonce, recipients"),
    ],
)
def test_a_malformed_envelope_is_refused_with_its_reason(envelope, message):
    with pytest.raises(EncryptionError, match=message):
        crypto.decrypt(envelope, AGENCY.to_bytes())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(scheme="rot13"), "scheme 'rot13' is not"),
        (lambda d: d.update(nonce="***"), r"envelope\.nonce is not base64"),
        (lambda d: d.update(nonce="AAAA"), r"envelope\.nonce is 3 bytes, expected 12"),
        (lambda d: d.update(ciphertext=""), "ciphertext is shorter than its 16-byte tag"),
        (lambda d: d.update(commitment="0xABC"), "commitment is not 0x"),
        (lambda d: d.update(recipients=[]), "recipients is not a non-empty list"),
        (lambda d: d.update(extra=1), "envelope has unknown extra"),
        (lambda d: d["recipients"][1].pop("nonce"), r"recipients\[1\] lacks nonce"),
        (
            lambda d: d["recipients"][0].update(address="0x12"),
            r"recipients\[0\]\.address '0x12' is not an address",
        ),
        (
            lambda d: d["recipients"][2].update(ephemeral_public_key="0x00"),
            r"recipients\[2\]\.ephemeral_public_key is not 0x and 128",
        ),
        (
            lambda d: d["recipients"][0].update(wrapped_key=base64.b64encode(b"k").decode()),
            r"recipients\[0\]\.wrapped_key is 1 bytes, expected 48",
        ),
    ],
)
def test_a_malformed_field_is_named(change, message):
    with pytest.raises(EncryptionError, match=message):
        crypto.decrypt(edit(seal(), change), AGENCY.to_bytes())


def test_an_ephemeral_key_off_the_curve_is_refused():
    address = AGENCY.public_key.to_checksum_address()

    def tamper(doc):
        for entry in doc["recipients"]:
            if entry["address"] == address:
                entry["ephemeral_public_key"] = "0x" + "01" * 64

    with pytest.raises(EncryptionError, match="is not a point on secp256k1"):
        crypto.decrypt(edit(seal(), tamper), AGENCY.to_bytes())


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS, ids=["enterprise", "regulator", "agency"])
def test_public_key_of_matches_eth_keys(reader):
    assert crypto.public_key_of(reader.to_bytes()) == reader.public_key.to_bytes()


@pytest.mark.parametrize("reader", READERS, ids=["enterprise", "regulator", "agency"])
def test_address_of_public_key_matches_eth_account(reader):
    public = crypto.public_key_of(reader.to_bytes())
    assert crypto.address_of_public_key(public) == Account.from_key(reader.to_bytes()).address


@pytest.mark.parametrize(
    "private",
    [bytes(32), SECP256K1_ORDER.to_bytes(32, "big"), b"\x01" * 31],
    ids=["zero", "curve-order", "31-bytes"],
)
def test_an_invalid_private_key_is_refused(private):
    with pytest.raises(EncryptionError, match="private key"):
        crypto.decrypt(seal(), private)


def _recipients(*private_keys: bytes) -> dict[str, bytes]:
    return {
        crypto.address_of_public_key(crypto.public_key_of(k)): crypto.public_key_of(k)
        for k in private_keys
    }


def test_a_seed_makes_encryption_reproducible_and_still_decryptable():
    private_keys = [(7).to_bytes(32, "big"), (11).to_bytes(32, "big")]
    recipients = _recipients(*private_keys)
    first = crypto.encrypt(b"ledger", recipients, seed=b"s" * 32)
    assert crypto.encrypt(b"ledger", recipients, seed=b"s" * 32) == first
    assert crypto.encrypt(b"ledger", recipients, seed=b"t" * 32) != first
    assert all(crypto.decrypt(first, k) == b"ledger" for k in private_keys)


def test_a_short_seed_is_refused():
    with pytest.raises(crypto.EncryptionError, match="at least 32 bytes"):
        crypto.encrypt(b"x", _recipients((7).to_bytes(32, "big")), seed=b"x")


# --- grants: readers added after the envelope was stored ----------------------------------------

LATE = key("agency assigned later")
LATE_ADDRESS = LATE.public_key.to_checksum_address()


def granted_by(granter: keys.PrivateKey, envelope: bytes) -> bytes:
    return crypto.grant(envelope, granter.to_bytes(), LATE_ADDRESS, LATE.public_key.to_bytes())


def test_a_reader_granted_access_later_decrypts_the_unchanged_envelope():
    envelope = crypto.encrypt(DOCUMENT, recipients(ENTERPRISE, REGULATOR))
    granted = granted_by(REGULATOR, envelope)
    assert len(granted) == crypto.GRANT_BYTES
    assert crypto.decrypt(envelope, LATE.to_bytes(), granted) == DOCUMENT


def test_without_its_grant_a_later_reader_is_not_a_recipient():
    envelope = crypto.encrypt(DOCUMENT, recipients(ENTERPRISE, REGULATOR))
    with pytest.raises(NotARecipientError, match=LATE_ADDRESS):
        crypto.decrypt(envelope, LATE.to_bytes())


def test_a_grant_opens_only_for_the_reader_it_was_made_for():
    envelope = crypto.encrypt(DOCUMENT, recipients(ENTERPRISE, REGULATOR))
    with pytest.raises(EncryptionError, match="tampered with"):
        crypto.decrypt(envelope, OUTSIDER.to_bytes(), granted_by(ENTERPRISE, envelope))


def test_a_grant_made_for_another_envelope_does_not_open_this_one():
    envelope = crypto.encrypt(DOCUMENT, recipients(ENTERPRISE, REGULATOR))
    other = crypto.encrypt(b"another document", recipients(ENTERPRISE, REGULATOR))
    with pytest.raises(EncryptionError, match="tampered with"):
        crypto.decrypt(envelope, LATE.to_bytes(), granted_by(ENTERPRISE, other))


def test_only_a_recipient_can_grant():
    envelope = crypto.encrypt(DOCUMENT, recipients(ENTERPRISE, REGULATOR))
    with pytest.raises(NotARecipientError, match="is not a recipient"):
        granted_by(OUTSIDER, envelope)


def test_a_grant_for_a_key_of_another_address_is_refused():
    envelope = crypto.encrypt(DOCUMENT, recipients(ENTERPRISE, REGULATOR))
    with pytest.raises(EncryptionError, match="belongs to"):
        crypto.grant(envelope, ENTERPRISE.to_bytes(), LATE_ADDRESS, OUTSIDER.public_key.to_bytes())


# --- the salted commitment: a guess cannot be confirmed from what is public ---------------------

# An activity document whose every field but one quantity is known to an outsider (the template
# of the enterprise's industry, the month, the standards): the quantity of coal burnt, in tonnes.
TEMPLATE = (
    '{{"title":"华北示范发电 2023年4月","period":{{"year":2023,"month":4}},"records":'
    '[{{"FC":{quantity},"unit":"t","fuel":"燃煤"}}],"extrainfo":[]}}'
)
SPACE = range(0, 100_001)


def candidates() -> "list[bytes]":
    return [TEMPLATE.format(quantity=q).encode("utf-8") for q in SPACE]


def public_digests(envelope: bytes) -> set[str]:
    """The digests an outsider sees: the envelope's own (the record's data) and its commitment."""
    return {sha256_hex(envelope), json.loads(envelope)["commitment"]}


def test_brute_force_over_every_quantity_finds_nothing_in_the_public_envelope():
    secret = TEMPLATE.format(quantity=73_519).encode("utf-8")
    envelope = crypto.encrypt(secret, recipients(ENTERPRISE, REGULATOR))
    public = public_digests(envelope)
    hits = [q for q, guess in zip(SPACE, candidates(), strict=True) if sha256_hex(guess) in public]
    assert hits == []
    assert crypto.decrypt(envelope, REGULATOR.to_bytes()) == secret  # recipients still check it


def test_the_same_brute_force_finds_the_quantity_from_an_unsalted_digest():
    # What the previous envelope published (plaintext_sha256): the search above would succeed.
    secret = TEMPLATE.format(quantity=73_519).encode("utf-8")
    unsalted = sha256_hex(secret)
    hits = [
        q for q, guess in zip(SPACE, candidates(), strict=True) if sha256_hex(guess) == unsalted
    ]
    assert hits == [73_519]
