// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {IUserAuth} from "../interfaces/IUserAuth.sol";

/// @title UserAuth
/// @notice Who may write (seed 001 §1): the owner, who is the regulator, plus accounts the owner
/// authorises under named roles. Reads stay public; a denied write reverts with OpenZeppelin's
/// `AccessControlUnauthorizedAccount(account, role)`, which names the missing role.
abstract contract UserAuth is AccessControlUpgradeable, IUserAuth {
    /// @inheritdoc IUserAuth
    bytes32 public constant REGULATOR_ROLE = DEFAULT_ADMIN_ROLE;
    /// @inheritdoc IUserAuth
    bytes32 public constant STANDARDS_EDITOR_ROLE = keccak256("STANDARDS_EDITOR");
    /// @inheritdoc IUserAuth
    bytes32 public constant DATA_WRITER_ROLE = keccak256("DATA_WRITER");
    /// @inheritdoc IUserAuth
    bytes32 public constant ENTERPRISE_ADMIN_ROLE = keccak256("ENTERPRISE_ADMIN");

    // solhint-disable-next-line func-name-mixedcase
    function __UserAuth_init(address regulator) internal onlyInitializing {
        __AccessControl_init();
        // Zero behind a beacon, where the beacon's owner vouches for the regulator.
        if (regulator != address(0)) _grantRole(REGULATOR_ROLE, regulator);
    }
}
