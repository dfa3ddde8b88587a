// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StandardDocument} from "./StandardDocument.sol";

/// @title FormulaLibrary
/// @notice A published document of formulas (FORMULA) that combine activity data with factors. Registered in CarbonIndex under
/// names whose kind segment is `formula`.
contract FormulaLibrary is StandardDocument {
    /// @notice Version of this implementation.
    function version() external pure override returns (string memory) {
        return "1.0.0";
    }

    /// @notice `formula`: the kind segment of the index names this contract may be registered under.
    function kind() external pure returns (string memory) {
        return "formula";
    }
}
