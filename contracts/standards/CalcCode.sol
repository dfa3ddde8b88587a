// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StandardDocument} from "./StandardDocument.sol";

/// @title CalcCode
/// @notice A published document of the JavaScript that applies FORMULA to AD and EF (plain ES2020, no imports, deterministic). Registered in CarbonIndex under
/// names whose kind segment is `calculate`.
contract CalcCode is StandardDocument {
    /// @notice Version of this implementation.
    function version() external pure override returns (string memory) {
        return "1.0.0";
    }

    /// @notice `calculate`: the kind segment of the index names this contract may be registered under.
    function kind() external pure returns (string memory) {
        return "calculate";
    }
}
