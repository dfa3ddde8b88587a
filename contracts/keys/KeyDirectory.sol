// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";

/// @title KeyDirectory
/// @notice Where readers publish the secp256k1 public key that encrypted documents are wrapped
/// for (ECIES). A key is accepted only from the account it belongs to: its keccak-256 hash must
/// end in the sender's address, so nobody can publish a key for someone else.
contract KeyDirectory is Upgradeable {
    /// @custom:storage-location erc7201:carbon.storage.KeyDirectory
    struct KeyDirectoryStorage {
        mapping(address account => bytes publicKey) keys;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.KeyDirectory")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant KEY_DIRECTORY_STORAGE =
        0x9bd106da4a18b19d1befc0915642d84eb22994a9c68ec270ae9882b301005300;

    /// @notice `account` published `publicKey` (64 bytes, uncompressed without the 0x04 prefix).
    event KeyPublished(address indexed account, bytes publicKey);

    /// @notice The key is not 64 bytes or does not belong to the sender.
    error KeyDoesNotMatchSender(address sender, address keyAccount);
    /// @notice `account` has published no key.
    error NoPublicKey(address account);

    /// @notice Initialises the proxy.
    function initialize(address regulator, address index_) external initializer {
        __Upgradeable_init(regulator, index_);
    }

    /// @notice Version of this implementation.
    function version() external pure override returns (string memory) {
        return "1.0.0";
    }

    /// @notice Publishes (or replaces) the caller's public key.
    /// @param publicKey 64-byte uncompressed secp256k1 key (x ‖ y) of the caller's account.
    function publish(bytes calldata publicKey) external {
        address owner = publicKey.length == 64 ? address(uint160(uint256(keccak256(publicKey)))) : address(0);
        if (owner != msg.sender) revert KeyDoesNotMatchSender(msg.sender, owner);
        _keyDirectoryStorage().keys[msg.sender] = publicKey;
        emit KeyPublished(msg.sender, publicKey);
    }

    /// @notice The public key `account` published; reverts when there is none.
    function publicKeyOf(address account) external view returns (bytes memory key) {
        key = _keyDirectoryStorage().keys[account];
        if (key.length == 0) revert NoPublicKey(account);
    }

    function _keyDirectoryStorage() private pure returns (KeyDirectoryStorage storage $) {
        assembly {
            $.slot := KEY_DIRECTORY_STORAGE
        }
    }
}
