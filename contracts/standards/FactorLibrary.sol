// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {StandardDocument} from "./StandardDocument.sol";
import {IStandardDocument} from "../interfaces/IStandardDocument.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title FactorLibrary
/// @notice A published document of emission factors (EF): groups of co, od and sd factors, every number with its source. Registered in CarbonIndex under
/// names whose kind segment is `factor`.
contract FactorLibrary is StandardDocument {
    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.1.0";
    }

    /// @inheritdoc IStandardDocument
    function kind() external pure returns (string memory) {
        return "factor";
    }
}
