// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// @title IUserAuth
/// @notice Who may write (seed 001 §1): the owner, who is the regulator, plus accounts the owner
/// authorises under named roles. Reads stay public; a denied write reverts with OpenZeppelin's
/// `AccessControlUnauthorizedAccount(account, role)`, which names the missing role. Roles are
/// granted and revoked through OpenZeppelin's `IAccessControl`.
interface IUserAuth is IAccessControl {
    /// @notice The environment authority. It is the admin of every other role and of upgrades.
    /// @return The role's id, OpenZeppelin's `DEFAULT_ADMIN_ROLE` (zero).
    function REGULATOR_ROLE() external view returns (bytes32);

    /// @notice Publishes factor libraries, formula libraries and calculation code.
    /// @return The role's id, `keccak256("STANDARDS_EDITOR")`.
    function STANDARDS_EDITOR_ROLE() external view returns (bytes32);

    /// @notice Creates and edits entries of a DataLayer.
    /// @return The role's id, `keccak256("DATA_WRITER")`.
    function DATA_WRITER_ROLE() external view returns (bytes32);

    /// @notice The enterprise's carbon administrator: adds and modifies its emission records.
    /// @return The role's id, `keccak256("ENTERPRISE_ADMIN")`.
    function ENTERPRISE_ADMIN_ROLE() external view returns (bytes32);
}
