// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";

/// @title IKeyDirectory
/// @notice Where readers publish the secp256k1 public key that encrypted documents are wrapped
/// for (ECIES). A key is accepted only from the account it belongs to: its keccak-256 hash must
/// end in the sender's address, so nobody can publish a key for someone else.
///
/// It also keeps the *grants* of an enterprise's encrypted documents to readers added after the
/// documents were stored (the verification agency is assigned after submission): a grant is the
/// document's data key wrapped for the reader's key, kept in an `AccessGranted` event beside the
/// unchanged document. Only the enterprise's admin (ENTERPRISE_ADMIN_ROLE of its
/// EnterpriseCarbon) or the regulator grants or revokes. Grants are filed under the
/// EnterpriseCarbon address the caller names; readers look them up under the enterprise's real
/// address, so grants filed under any other address are never consulted. A revocation stops
/// further grants to the reader for that enterprise; what was granted before stays readable.
interface IKeyDirectory is IUpgradeable {
    /// @notice `account` published `publicKey` (64 bytes, uncompressed without the 0x04 prefix).
    /// @param account The account the key belongs to.
    /// @param publicKey The key.
    event KeyPublished(address indexed account, bytes publicKey);

    /// @notice The key is not 64 bytes or does not belong to the sender.
    /// @param sender The caller.
    /// @param keyAccount The account the key belongs to (zero when it is not 64 bytes).
    error KeyDoesNotMatchSender(address sender, address keyAccount);

    /// @notice `account` has published no key.
    /// @param account The account asked about.
    error NoPublicKey(address account);

    /// @notice `reader` may read `document` of `enterprise` with `wrappedKey`.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param reader The account the data key is wrapped for.
    /// @param document The DataLayer digest of the encrypted document (its envelope).
    /// @param grantor The admin or regulator who made the grant.
    /// @param wrappedKey The data key wrapped for the reader (ephemeral key ‖ nonce ‖ wrapped key).
    event AccessGranted(
        address indexed enterprise,
        address indexed reader,
        bytes32 indexed document,
        address grantor,
        bytes wrappedKey
    );

    /// @notice No further grants to `reader` for `enterprise` until it is restored.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param reader The reader.
    /// @param by The admin or regulator who revoked.
    event AccessRevoked(address indexed enterprise, address indexed reader, address by);

    /// @notice `reader` may be granted access to `enterprise`'s documents again.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param reader The reader.
    /// @param by The admin or regulator who restored.
    event AccessRestored(address indexed enterprise, address indexed reader, address by);

    /// @notice Only the enterprise's admin or the regulator grants and revokes its readers.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param caller The refused caller.
    error NotEnterpriseAdminOrRegulator(address enterprise, address caller);

    /// @notice `reader`'s access to `enterprise`'s documents was revoked.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param reader The reader.
    error ReaderRevoked(address enterprise, address reader);

    /// @notice A grant needs as many wrapped keys as documents, at least one.
    /// @param documents How many documents were given.
    /// @param wrappedKeys How many wrapped keys were given.
    error GrantMismatch(uint256 documents, uint256 wrappedKeys);

    /// @notice `reader`'s access is already revoked (to revoke) or not revoked (to restore).
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param reader The reader.
    /// @param revoked Whether its access is revoked now.
    error RevocationUnchanged(address enterprise, address reader, bool revoked);

    /// @notice Initialises the proxy.
    /// @param regulator Admin of roles and upgrades.
    /// @param index_ CarbonIndex to report upgrades to (zero for none).
    function initialize(address regulator, address index_) external;

    /// @notice Publishes (or replaces) the caller's public key.
    /// @param publicKey 64-byte uncompressed secp256k1 key (x ‖ y) of the caller's account.
    function publish(bytes calldata publicKey) external;

    /// @notice The public key `account` published; reverts when there is none.
    /// @param account The account.
    /// @return key Its 64-byte public key.
    function publicKeyOf(address account) external view returns (bytes memory key);

    /// @notice Grants `reader` access to encrypted documents of `enterprise`: one
    /// `AccessGranted` per document. The enterprise's admin or the regulator; not to a reader
    /// whose access is revoked.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param reader The account the keys are wrapped for.
    /// @param documents DataLayer digests of the encrypted documents.
    /// @param wrappedKeys Each document's data key wrapped for `reader`, in the same order.
    function grantAccess(
        address enterprise,
        address reader,
        bytes32[] calldata documents,
        bytes[] calldata wrappedKeys
    ) external;

    /// @notice Revokes `reader`'s access to `enterprise`'s future documents: no further grants.
    /// The enterprise's admin or the regulator. What was granted stays readable.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param reader The reader.
    function revokeAccess(address enterprise, address reader) external;

    /// @notice Lets `reader` be granted access to `enterprise`'s documents again.
    /// The enterprise's admin or the regulator.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param reader The reader.
    function restoreAccess(address enterprise, address reader) external;

    /// @notice Whether `reader`'s access to `enterprise`'s documents is revoked.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param reader The reader.
    /// @return Whether it is revoked.
    function isRevoked(address enterprise, address reader) external view returns (bool);
}
