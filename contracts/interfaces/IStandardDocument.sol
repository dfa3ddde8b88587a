// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice What CarbonIndex asks of a contract registered under a standards name.
interface IStandardDocument {
    /// @notice One published revision of the document.
    struct Revision {
        string version;
        bytes32 document;
        address dataLayer;
        address publisher;
        uint40 publishedAt;
    }

    /// @notice `factor`, `formula` or `calculate`: the kind segment of the index names it may hold.
    function kind() external pure returns (string memory);

    /// @notice How many revisions have been published; they are numbered from 0.
    function revisionCount() external view returns (uint256);

    /// @notice Revision number `number`.
    function revision(uint256 number) external view returns (Revision memory);
}
