// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";

/// @title IDeviceRegistry
/// @notice The metering devices that report an enterprise's activity data automatically (seed
/// 001: data "can be reported automatically by IoT devices"). Each device signs its readings with
/// a secp256k1 key of its own; the enterprise's carbon administrator (ENTERPRISE_ADMIN on its
/// EnterpriseCarbon) registers the device's id and the address of that key here, and retires the
/// device when it leaves service. A verifier then checks that every reading behind a record was
/// signed by a device registered for the enterprise at the time. Nothing is ever deleted: a
/// device id is used once per enterprise, and a retired device keeps its registration and the
/// time it was retired.
interface IDeviceRegistry is IUpgradeable {
    /// @notice One device of an enterprise.
    /// @param id Its id within the enterprise (printable ASCII, right-padded with zero bytes).
    /// @param signer The address of the secp256k1 key it signs readings with.
    /// @param registeredAt Block timestamp of its registration.
    /// @param retiredAt Block timestamp of its retirement; 0 while it is in service.
    /// @param description What and where it measures (may be empty).
    struct Device {
        bytes32 id;
        address signer;
        uint40 registeredAt;
        uint40 retiredAt;
        string description;
    }

    /// @notice `enterprise`'s administrator registered device `deviceId`, signing with `signer`.
    /// @param enterprise The EnterpriseCarbon of the enterprise.
    /// @param deviceId The device's id.
    /// @param signer The address of its signing key.
    /// @param description What and where it measures.
    event DeviceRegistered(
        address indexed enterprise, bytes32 indexed deviceId, address indexed signer, string description
    );

    /// @notice `enterprise`'s administrator retired device `deviceId`: readings it signs from now
    /// on are refused.
    /// @param enterprise The EnterpriseCarbon of the enterprise.
    /// @param deviceId The device's id.
    event DeviceRetired(address indexed enterprise, bytes32 indexed deviceId);

    /// @notice The EnterpriseFactory whose enterprises may register devices changed.
    /// @param previous The factory until now (zero for none).
    /// @param current The factory from now on.
    event FactoryChanged(address indexed previous, address indexed current);

    /// @notice `enterprise` is not an EnterpriseCarbon of the factory.
    /// @param enterprise The address given.
    error NotAnEnterprise(address enterprise);

    /// @notice `account` is not the carbon administrator (ENTERPRISE_ADMIN) of `enterprise`.
    /// @param enterprise The EnterpriseCarbon.
    /// @param account The caller.
    error NotEnterpriseAdmin(address enterprise, address account);

    /// @notice The device id is zero (empty).
    error EmptyDeviceId();

    /// @notice The signer is the zero address.
    /// @param deviceId The device being registered.
    error ZeroSigner(bytes32 deviceId);

    /// @notice `enterprise` already has (or had) a device with this id; ids are never reused.
    /// @param enterprise The EnterpriseCarbon.
    /// @param deviceId The id.
    error DeviceExists(address enterprise, bytes32 deviceId);

    /// @notice `enterprise` has no device with this id.
    /// @param enterprise The EnterpriseCarbon.
    /// @param deviceId The id.
    error UnknownDevice(address enterprise, bytes32 deviceId);

    /// @notice The device is already retired.
    /// @param enterprise The EnterpriseCarbon.
    /// @param deviceId The id.
    /// @param retiredAt When it was retired.
    error DeviceAlreadyRetired(address enterprise, bytes32 deviceId, uint40 retiredAt);

    /// @notice Initialises the proxy.
    /// @param regulator Admin of roles and upgrades.
    /// @param index_ CarbonIndex to report upgrades to (zero for none).
    /// @param factory_ The EnterpriseFactory whose enterprises may register devices.
    function initialize(address regulator, address index_, address factory_) external;

    /// @notice Names the EnterpriseFactory whose enterprises may register devices. Regulator only.
    /// @param factory_ The factory.
    function setFactory(address factory_) external;

    /// @notice Registers a device of `enterprise`. Its carbon administrator only.
    /// @param enterprise The EnterpriseCarbon of the enterprise.
    /// @param deviceId The device's id, new for the enterprise and not zero.
    /// @param signer The address of the device's secp256k1 signing key, not zero.
    /// @param description What and where it measures (may be empty).
    function register(address enterprise, bytes32 deviceId, address signer, string calldata description)
        external;

    /// @notice Retires a device of `enterprise`: it stays listed with the time it was retired.
    /// Its carbon administrator only.
    /// @param enterprise The EnterpriseCarbon of the enterprise.
    /// @param deviceId The device's id.
    function retire(address enterprise, bytes32 deviceId) external;

    /// @notice One device of `enterprise`; reverts with UnknownDevice when there is none.
    /// @param enterprise The EnterpriseCarbon.
    /// @param deviceId The device's id.
    /// @return The device.
    function device(address enterprise, bytes32 deviceId) external view returns (Device memory);

    /// @notice How many devices `enterprise` has registered, retired ones included.
    /// @param enterprise The EnterpriseCarbon.
    /// @return The number of devices.
    function deviceCount(address enterprise) external view returns (uint256);

    /// @notice Up to `limit` devices of `enterprise` from position `offset`, in registration
    /// order; empty past the end.
    /// @param enterprise The EnterpriseCarbon.
    /// @param offset The first position.
    /// @param limit The most devices to return.
    /// @return page The devices.
    function devicesPage(address enterprise, uint256 offset, uint256 limit)
        external
        view
        returns (Device[] memory page);

    /// @notice The EnterpriseFactory whose enterprises may register devices.
    /// @return The factory.
    function factory() external view returns (address);
}
