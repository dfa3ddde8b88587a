// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {IDataLayer} from "../interfaces/IDataLayer.sol";
import {IStandardDocument} from "../interfaces/IStandardDocument.sol";

/// @title StandardDocument
/// @notice A published standard (a factor library, a formula library or calculation code), as
/// seed 001 §1 describes them: metadata (industry code, year, name, version) and a reference to
/// its document in the regulator's DataLayer. Editors publish revisions; every revision stays
/// readable, so a record that names revision N can always be recomputed against it.
abstract contract StandardDocument is Upgradeable, IStandardDocument {
    /// @notice Descriptive metadata, as in seed 001 §5.
    struct Metadata {
        string industryCode;
        string year;
        string name;
    }

    /// @custom:storage-location erc7201:carbon.storage.StandardDocument
    struct StandardDocumentStorage {
        Metadata metadata;
        Revision[] revisions;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.StandardDocument")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STANDARD_DOCUMENT_STORAGE =
        0xd50fd7e34746bcd98c4abcf59fdd98fcd28c36f484c81e1dec486496e1012f00;

    /// @notice Revision `revision` was published.
    event RevisionPublished(
        uint256 indexed revision, string version, bytes32 indexed document, address dataLayer, address publisher
    );
    /// @notice The descriptive metadata changed.
    event MetadataUpdated(string industryCode, string year, string name);

    /// @notice The document is not a Completed entry of the DataLayer it names.
    error DocumentNotCompleted(address dataLayer, bytes32 document, IDataLayer.Status status);
    /// @notice No revision has this number.
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
    ) external initializer {
        __Upgradeable_init(regulator, index_);
        _grantRole(STANDARDS_EDITOR_ROLE, editor);
        _setMetadata(metadata_);
        _publish(version_, dataLayer, document);
    }

    /// @notice Publishes a new revision; earlier ones stay readable. Standards editors only.
    /// @param version_ Version of the revision.
    /// @param dataLayer DataLayer holding the document.
    /// @param document SHA-256 digest of the document (a Completed entry of `dataLayer`).
    /// @return revision The number of the new revision.
    function publish(string calldata version_, address dataLayer, bytes32 document)
        external
        onlyRole(STANDARDS_EDITOR_ROLE)
        returns (uint256 revision)
    {
        return _publish(version_, dataLayer, document);
    }

    /// @notice Changes the descriptive metadata. Standards editors only.
    function updateMetadata(Metadata calldata metadata_) external onlyRole(STANDARDS_EDITOR_ROLE) {
        _setMetadata(metadata_);
    }

    /// @notice Industry code, year and name.
    function metadata() external view returns (Metadata memory) {
        return _standardDocumentStorage().metadata;
    }

    /// @notice The latest revision and its number.
    function latest() external view returns (uint256 number, Revision memory revision_) {
        Revision[] storage revisions = _standardDocumentStorage().revisions;
        number = revisions.length - 1;
        revision_ = revisions[number];
    }

    /// @notice Revision number `number`.
    function revision(uint256 number) external view returns (Revision memory) {
        Revision[] storage revisions = _standardDocumentStorage().revisions;
        if (number >= revisions.length) revert RevisionNotFound(number, revisions.length);
        return revisions[number];
    }

    /// @notice How many revisions have been published.
    function revisionCount() external view returns (uint256) {
        return _standardDocumentStorage().revisions.length;
    }

    function _publish(string calldata version_, address dataLayer, bytes32 document)
        private
        returns (uint256 number)
    {
        if (bytes(version_).length == 0) revert EmptyVersion();
        IDataLayer.Status status = IDataLayer(dataLayer).statusOf(document);
        if (status != IDataLayer.Status.Completed) revert DocumentNotCompleted(dataLayer, document, status);
        Revision[] storage revisions = _standardDocumentStorage().revisions;
        number = revisions.length;
        revisions.push(Revision(version_, document, dataLayer, msg.sender, uint40(block.timestamp)));
        emit RevisionPublished(number, version_, document, dataLayer, msg.sender);
    }

    function _setMetadata(Metadata calldata metadata_) private {
        _standardDocumentStorage().metadata = metadata_;
        emit MetadataUpdated(metadata_.industryCode, metadata_.year, metadata_.name);
    }

    function _standardDocumentStorage() private pure returns (StandardDocumentStorage storage $) {
        assembly {
            $.slot := STANDARD_DOCUMENT_STORAGE
        }
    }
}
