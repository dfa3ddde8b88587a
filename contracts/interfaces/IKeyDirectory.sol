// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";

/// @title IKeyDirectory
/// @notice Where readers publish the secp256k1 public key that encrypted documents are wrapped
/// for (ECIES). A key is accepted only from the account it belongs to: its keccak-256 hash must
/// end in the sender's address, so nobody can publish a key for someone else.
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
}
