// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";

/// @title UserAuth
/// @notice Who may write (seed 001 §1): the owner, who is the regulator, plus accounts the owner
/// authorises under named roles. Reads stay public; a denied write reverts with OpenZeppelin's
/// `AccessControlUnauthorizedAccount(account, role)`, which names the missing role.
abstract contract UserAuth is AccessControlUpgradeable {
    /// @notice The environment authority. It is the admin of every other role and of upgrades.
    bytes32 public constant REGULATOR_ROLE = DEFAULT_ADMIN_ROLE;
    /// @notice Publishes factor libraries, formula libraries and calculation code.
    bytes32 public constant STANDARDS_EDITOR_ROLE = keccak256("STANDARDS_EDITOR");
    /// @notice Creates and edits entries of a DataLayer.
    bytes32 public constant DATA_WRITER_ROLE = keccak256("DATA_WRITER");
    /// @notice The enterprise's carbon administrator: adds and modifies its emission records.
    bytes32 public constant ENTERPRISE_ADMIN_ROLE = keccak256("ENTERPRISE_ADMIN");

    // solhint-disable-next-line func-name-mixedcase
    function __UserAuth_init(address regulator) internal onlyInitializing {
        __AccessControl_init();
        // Zero behind a beacon, where the beacon's owner vouches for the regulator.
        if (regulator != address(0)) _grantRole(REGULATOR_ROLE, regulator);
    }
}
