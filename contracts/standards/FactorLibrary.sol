// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StandardDocument} from "./StandardDocument.sol";

/// @title FactorLibrary
/// @notice A published document of emission factors (EF): groups of co, od and sd factors, every number with its source. Registered in CarbonIndex under
/// names whose kind segment is `factor`.
contract FactorLibrary is StandardDocument {
    /// @notice Version of this implementation.
    function version() external pure override returns (string memory) {
        return "1.0.0";
    }

    /// @notice `factor`: the kind segment of the index names this contract may be registered under.
    function kind() external pure returns (string memory) {
        return "factor";
    }
}
