// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title CarbonProxy
/// @notice The ERC-1967 proxy every singleton of the suite is deployed behind. It adds nothing to
/// OpenZeppelin's; it exists so that the project compiles and deploys it from its own sources.
contract CarbonProxy is ERC1967Proxy {
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}
