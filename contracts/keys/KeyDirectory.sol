// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {IKeyDirectory} from "../interfaces/IKeyDirectory.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title KeyDirectory
/// @notice Implements IKeyDirectory: readers' secp256k1 public keys, each published by its own
/// account.
contract KeyDirectory is Upgradeable, IKeyDirectory {
    /// @custom:storage-location erc7201:carbon.storage.KeyDirectory
    struct KeyDirectoryStorage {
        mapping(address account => bytes publicKey) keys;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.KeyDirectory")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant KEY_DIRECTORY_STORAGE =
        0x9bd106da4a18b19d1befc0915642d84eb22994a9c68ec270ae9882b301005300;

    /// @inheritdoc IKeyDirectory
    function initialize(address regulator, address index_) external initializer {
        __Upgradeable_init(regulator, index_);
    }

    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.0.0";
    }

    /// @inheritdoc IKeyDirectory
    function publish(bytes calldata publicKey) external {
        address owner = publicKey.length == 64 ? address(uint160(uint256(keccak256(publicKey)))) : address(0);
        if (owner != msg.sender) revert KeyDoesNotMatchSender(msg.sender, owner);
        _keyDirectoryStorage().keys[msg.sender] = publicKey;
        emit KeyPublished(msg.sender, publicKey);
    }

    /// @inheritdoc IKeyDirectory
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
