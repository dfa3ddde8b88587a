// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC1822Proxiable} from "@openzeppelin/contracts/interfaces/draft-IERC1822.sol";
import {IUserAuth} from "./IUserAuth.sol";

/// @title IUpgradeable
/// @notice What every contract of the suite answers about its own code and roles (seed 001: all
/// contracts can be upgraded). Singletons sit behind an ERC1967Proxy and upgrade themselves
/// (UUPS, ERC-1822), by the regulator only, reporting every upgrade to the CarbonIndex.
/// Per-enterprise contracts sit behind beacon proxies and are upgraded all at once through their
/// beacon; there the regulator is whoever holds REGULATOR_ROLE in the contract that owns the
/// beacon (the EnterpriseFactory).
/// @dev The UUPS entry point `upgradeToAndCall(address newImplementation, bytes data)` (payable;
/// `Upgradeable` overrides it to report to the index) and `UPGRADE_INTERFACE_VERSION()` are
/// OpenZeppelin's `UUPSUpgradeable`, and are not repeated here: an interface declaring them would
/// oblige every contract of the suite to override them again.
interface IUpgradeable is IUserAuth, IERC1822Proxiable {
    /// @notice The index this contract reports its upgrades to changed.
    /// @param previousIndex The CarbonIndex reported to until now (zero for none).
    /// @param newIndex The CarbonIndex reported to from now on (zero for none).
    event IndexChanged(address indexed previousIndex, address indexed newIndex);

    /// @notice The implementation the proxy currently delegates to.
    /// @return The ERC-1967 implementation, or the beacon's implementation behind a beacon.
    function implementation() external view returns (address);

    /// @notice The semantic version of the implementation.
    /// @return The version, e.g. `1.0.0`.
    function version() external view returns (string memory);

    /// @notice The CarbonIndex that records this contract's upgrades (zero when none).
    /// @return The index's address.
    function upgradeIndex() external view returns (address);

    /// @notice Points upgrade reports at another index. Regulator only.
    /// @param newIndex The CarbonIndex to report to, or zero to stop reporting.
    function setUpgradeIndex(address newIndex) external;
}
