// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {StandardDocument} from "./StandardDocument.sol";
import {IStandardDocument} from "../interfaces/IStandardDocument.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title CalcCode
/// @notice A published document of the JavaScript that applies FORMULA to AD and EF (plain ES2020, no imports, deterministic). Registered in CarbonIndex under
/// names whose kind segment is `calculate`.
contract CalcCode is StandardDocument {
    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.1.0";
    }

    /// @inheritdoc IStandardDocument
    function kind() external pure returns (string memory) {
        return "calculate";
    }
}
