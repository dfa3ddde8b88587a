// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Upgradeable} from "../base/Upgradeable.sol";
import {IKeyDirectory} from "../interfaces/IKeyDirectory.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title KeyDirectory
/// @notice Implements IKeyDirectory: readers' secp256k1 public keys, each published by its own
/// account, and grants of enterprises' encrypted documents to readers added later.
contract KeyDirectory is Upgradeable, IKeyDirectory {
    /// @custom:storage-location erc7201:carbon.storage.KeyDirectory
    struct KeyDirectoryStorage {
        mapping(address account => bytes publicKey) keys;
        mapping(address enterprise => mapping(address reader => bool)) revoked;
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
        return "1.1.0";
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

    /// @inheritdoc IKeyDirectory
    function grantAccess(
        address enterprise,
        address reader,
        bytes32[] calldata documents,
        bytes[] calldata wrappedKeys
    ) external {
        _checkGrantor(enterprise);
        if (documents.length == 0 || documents.length != wrappedKeys.length) {
            revert GrantMismatch(documents.length, wrappedKeys.length);
        }
        if (_keyDirectoryStorage().revoked[enterprise][reader]) revert ReaderRevoked(enterprise, reader);
        for (uint256 i = 0; i < documents.length; ++i) {
            emit AccessGranted(enterprise, reader, documents[i], msg.sender, wrappedKeys[i]);
        }
    }

    /// @inheritdoc IKeyDirectory
    function revokeAccess(address enterprise, address reader) external {
        _setRevoked(enterprise, reader, true);
        emit AccessRevoked(enterprise, reader, msg.sender);
    }

    /// @inheritdoc IKeyDirectory
    function restoreAccess(address enterprise, address reader) external {
        _setRevoked(enterprise, reader, false);
        emit AccessRestored(enterprise, reader, msg.sender);
    }

    /// @inheritdoc IKeyDirectory
    function isRevoked(address enterprise, address reader) external view returns (bool) {
        return _keyDirectoryStorage().revoked[enterprise][reader];
    }

    function _setRevoked(address enterprise, address reader, bool revoked) private {
        _checkGrantor(enterprise);
        mapping(address => bool) storage flags = _keyDirectoryStorage().revoked[enterprise];
        if (flags[reader] == revoked) revert RevocationUnchanged(enterprise, reader, revoked);
        flags[reader] = revoked;
    }

    /// @dev The regulator of this directory, or an ENTERPRISE_ADMIN of `enterprise` by its own
    /// account: a contract that is no EnterpriseCarbon answers for itself only, and readers
    /// consult grants under real enterprises' addresses.
    function _checkGrantor(address enterprise) private view {
        if (hasRole(REGULATOR_ROLE, msg.sender)) return;
        if (enterprise.code.length != 0) {
            try IAccessControl(enterprise).hasRole(ENTERPRISE_ADMIN_ROLE, msg.sender) returns (bool admin) {
                if (admin) return;
            } catch {}
        }
        revert NotEnterpriseAdminOrRegulator(enterprise, msg.sender);
    }

    function _keyDirectoryStorage() private pure returns (KeyDirectoryStorage storage $) {
        assembly {
            $.slot := KEY_DIRECTORY_STORAGE
        }
    }
}
