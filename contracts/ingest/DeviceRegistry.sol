// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Upgradeable} from "../base/Upgradeable.sol";
import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IEnterpriseFactory} from "../interfaces/IEnterpriseFactory.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title DeviceRegistry
/// @notice Implements IDeviceRegistry: per enterprise, its metering devices and their signing
/// addresses, registered and retired by its carbon administrator.
contract DeviceRegistry is Upgradeable, IDeviceRegistry {
    /// @custom:storage-location erc7201:carbon.storage.DeviceRegistry
    struct DeviceRegistryStorage {
        IEnterpriseFactory factory;
        mapping(address enterprise => mapping(bytes32 deviceId => Device)) devices;
        mapping(address enterprise => bytes32[]) ids;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.DeviceRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DEVICE_REGISTRY_STORAGE =
        0xaca4a70a33c480dfc93645d9ad8ae7c613730e8cb2753ef1e1b011aa0433f900;

    /// @inheritdoc IDeviceRegistry
    function initialize(address regulator, address index_, address factory_) external initializer {
        __Upgradeable_init(regulator, index_);
        _setFactory(factory_);
    }

    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.0.0";
    }

    /// @inheritdoc IDeviceRegistry
    function setFactory(address factory_) external onlyRole(REGULATOR_ROLE) {
        _setFactory(factory_);
    }

    /// @inheritdoc IDeviceRegistry
    function register(address enterprise, bytes32 deviceId, address signer, string calldata description)
        external
    {
        _requireAdmin(enterprise);
        if (deviceId == bytes32(0)) revert EmptyDeviceId();
        if (signer == address(0)) revert ZeroSigner(deviceId);
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        Device storage d = $.devices[enterprise][deviceId];
        if (d.registeredAt != 0) revert DeviceExists(enterprise, deviceId);
        // The id is the mapping key: reads put it back, storage does not repeat it.
        (d.signer, d.registeredAt, d.description) = (signer, uint40(block.timestamp), description);
        $.ids[enterprise].push(deviceId);
        emit DeviceRegistered(enterprise, deviceId, signer, description);
    }

    /// @inheritdoc IDeviceRegistry
    function retire(address enterprise, bytes32 deviceId) external {
        _requireAdmin(enterprise);
        Device storage d = _existing(enterprise, deviceId);
        if (d.retiredAt != 0) revert DeviceAlreadyRetired(enterprise, deviceId, d.retiredAt);
        d.retiredAt = uint40(block.timestamp);
        emit DeviceRetired(enterprise, deviceId);
    }

    /// @inheritdoc IDeviceRegistry
    function device(address enterprise, bytes32 deviceId) external view returns (Device memory found) {
        found = _existing(enterprise, deviceId);
        found.id = deviceId;
    }

    /// @inheritdoc IDeviceRegistry
    function deviceCount(address enterprise) external view returns (uint256) {
        return _deviceRegistryStorage().ids[enterprise].length;
    }

    /// @inheritdoc IDeviceRegistry
    function devicesPage(address enterprise, uint256 offset, uint256 limit)
        external
        view
        returns (Device[] memory page)
    {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        bytes32[] storage ids = $.ids[enterprise];
        uint256 end = offset + limit;
        if (end > ids.length) end = ids.length;
        if (offset >= end) return page;
        page = new Device[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            page[i - offset] = $.devices[enterprise][ids[i]];
            page[i - offset].id = ids[i];
        }
    }

    /// @inheritdoc IDeviceRegistry
    function factory() external view returns (address) {
        return address(_deviceRegistryStorage().factory);
    }

    function _requireAdmin(address enterprise) private view {
        IEnterpriseFactory factory_ = _deviceRegistryStorage().factory;
        if (address(factory_) == address(0) || !factory_.isEnterprise(enterprise)) {
            revert NotAnEnterprise(enterprise);
        }
        if (!IAccessControl(enterprise).hasRole(ENTERPRISE_ADMIN_ROLE, msg.sender)) {
            revert NotEnterpriseAdmin(enterprise, msg.sender);
        }
    }

    function _existing(address enterprise, bytes32 deviceId) private view returns (Device storage d) {
        d = _deviceRegistryStorage().devices[enterprise][deviceId];
        if (d.registeredAt == 0) revert UnknownDevice(enterprise, deviceId);
    }

    function _setFactory(address factory_) private {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        emit FactoryChanged(address($.factory), factory_);
        $.factory = IEnterpriseFactory(factory_);
    }

    function _deviceRegistryStorage() private pure returns (DeviceRegistryStorage storage $) {
        assembly {
            $.slot := DEVICE_REGISTRY_STORAGE
        }
    }
}
