// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";
import {IDataLayer} from "./IDataLayer.sol";

/// @title IStandardDocument
/// @notice A published standard (a factor library, a formula library or calculation code), as
/// seed 001 §1 describes them: metadata (industry code, year, name, version) and a reference to
/// its document in the regulator's DataLayer. Editors publish revisions; every revision stays
/// readable, so a record that names revision N can always be recomputed against it. FactorLibrary,
/// FormulaLibrary and CalcCode implement it; CarbonIndex registers them under names whose kind
/// segment is their `kind()`.
interface IStandardDocument is IUpgradeable {
    /// @notice Descriptive metadata, as in seed 001 §5.
    /// @param industryCode Two-digit industry code, e.g. `01` (empty for calculation code).
    /// @param year The year the standard applies from, e.g. `2023`.
    /// @param name A human-readable name.
    struct Metadata {
        string industryCode;
        string year;
        string name;
    }

    /// @notice One published revision of the document.
    /// @param version Version of the revision, e.g. `1.0.0`.
    /// @param document SHA-256 digest of the document, a Completed entry of `dataLayer`.
    /// @param dataLayer The DataLayer holding the document.
    /// @param publisher The standards editor who published it.
    /// @param publishedAt Block timestamp of publication.
    struct Revision {
        string version;
        bytes32 document;
        address dataLayer;
        address publisher;
        uint40 publishedAt;
    }

    /// @notice Revision `revision` was published.
    /// @param revision The revision's number, from 0.
    /// @param version Its version.
    /// @param document SHA-256 digest of its document.
    /// @param dataLayer The DataLayer holding the document.
    /// @param publisher The standards editor who published it.
    event RevisionPublished(
        uint256 indexed revision, string version, bytes32 indexed document, address dataLayer, address publisher
    );

    /// @notice The descriptive metadata changed.
    /// @param industryCode The new industry code.
    /// @param year The new year.
    /// @param name The new name.
    event MetadataUpdated(string industryCode, string year, string name);

    /// @notice The document is not a Completed entry of the DataLayer it names.
    /// @param dataLayer The DataLayer named.
    /// @param document The digest named.
    /// @param status The entry's status there.
    error DocumentNotCompleted(address dataLayer, bytes32 document, IDataLayer.Status status);

    /// @notice Standards documents live only in the official DataLayer of the index this
    /// standard reports to (`ICarbonIndex.officialDataLayer`).
    /// @param dataLayer The DataLayer named.
    /// @param official The official DataLayer (zero when there is no index or it names none).
    error NotOfficialDataLayer(address dataLayer, address official);

    /// @notice No revision has this number.
    /// @param revision The number asked for.
    /// @param count How many revisions there are.
    error RevisionNotFound(uint256 revision, uint256 count);

    /// @notice The version string is empty.
    error EmptyVersion();

    /// @notice Initialises the proxy with its first revision.
    /// @param regulator Admin of roles and upgrades.
    /// @param editor First holder of STANDARDS_EDITOR_ROLE.
    /// @param index_ CarbonIndex to report upgrades to.
    /// @param metadata_ Industry code, year and name.
    /// @param version_ Version of the first revision, e.g. `1.0.0`.
    /// @param dataLayer DataLayer holding the document.
    /// @param document SHA-256 digest of the document (a Completed entry of `dataLayer`).
    function initialize(
        address regulator,
        address editor,
        address index_,
        Metadata calldata metadata_,
        string calldata version_,
        address dataLayer,
        bytes32 document
    ) external;

    /// @notice Publishes a new revision; earlier ones stay readable. Standards editors only. The
    /// document must be a Completed entry of the official DataLayer of the standard's index (this
    /// holds for the first revision, published by `initialize`, too).
    /// @param version_ Version of the revision.
    /// @param dataLayer DataLayer holding the document.
    /// @param document SHA-256 digest of the document (a Completed entry of `dataLayer`).
    /// @return revision The number of the new revision.
    function publish(string calldata version_, address dataLayer, bytes32 document)
        external
        returns (uint256 revision);

    /// @notice Changes the descriptive metadata. Standards editors only.
    /// @param metadata_ The new industry code, year and name.
    function updateMetadata(Metadata calldata metadata_) external;

    /// @notice `factor`, `formula` or `calculate`: the kind segment of the index names it may hold.
    /// @return The kind.
    function kind() external pure returns (string memory);

    /// @notice Industry code, year and name.
    /// @return The metadata.
    function metadata() external view returns (Metadata memory);

    /// @notice The latest revision and its number.
    /// @return number The latest revision's number.
    /// @return revision_ The latest revision.
    function latest() external view returns (uint256 number, Revision memory revision_);

    /// @notice Revision number `number`; reverts when there is none.
    /// @param number The revision's number, from 0.
    /// @return The revision.
    function revision(uint256 number) external view returns (Revision memory);

    /// @notice How many revisions have been published; they are numbered from 0.
    /// @return The number of revisions.
    function revisionCount() external view returns (uint256);
}
