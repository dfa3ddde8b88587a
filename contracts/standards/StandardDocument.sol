// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {ICarbonIndex} from "../interfaces/ICarbonIndex.sol";
import {IDataLayer} from "../interfaces/IDataLayer.sol";
import {IStandardDocument} from "../interfaces/IStandardDocument.sol";

/// @title StandardDocument
/// @notice Implements IStandardDocument, less `kind()` and `version()`, which FactorLibrary,
/// FormulaLibrary and CalcCode give.
abstract contract StandardDocument is Upgradeable, IStandardDocument {
    /// @custom:storage-location erc7201:carbon.storage.StandardDocument
    struct StandardDocumentStorage {
        Metadata metadata;
        Revision[] revisions;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.StandardDocument")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STANDARD_DOCUMENT_STORAGE =
        0xd50fd7e34746bcd98c4abcf59fdd98fcd28c36f484c81e1dec486496e1012f00;

    /// @inheritdoc IStandardDocument
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

    /// @inheritdoc IStandardDocument
    function publish(string calldata version_, address dataLayer, bytes32 document)
        external
        onlyRole(STANDARDS_EDITOR_ROLE)
        returns (uint256 revision)
    {
        return _publish(version_, dataLayer, document);
    }

    /// @inheritdoc IStandardDocument
    function updateMetadata(Metadata calldata metadata_) external onlyRole(STANDARDS_EDITOR_ROLE) {
        _setMetadata(metadata_);
    }

    /// @inheritdoc IStandardDocument
    function metadata() external view returns (Metadata memory) {
        return _standardDocumentStorage().metadata;
    }

    /// @inheritdoc IStandardDocument
    function latest() external view returns (uint256 number, Revision memory revision_) {
        Revision[] storage revisions = _standardDocumentStorage().revisions;
        number = revisions.length - 1;
        revision_ = revisions[number];
    }

    /// @inheritdoc IStandardDocument
    function revision(uint256 number) external view returns (Revision memory) {
        Revision[] storage revisions = _standardDocumentStorage().revisions;
        if (number >= revisions.length) revert RevisionNotFound(number, revisions.length);
        return revisions[number];
    }

    /// @inheritdoc IStandardDocument
    function revisionCount() external view returns (uint256) {
        return _standardDocumentStorage().revisions.length;
    }

    function _publish(string calldata version_, address dataLayer, bytes32 document)
        private
        returns (uint256 number)
    {
        if (bytes(version_).length == 0) revert EmptyVersion();
        address index_ = upgradeIndex();
        address official = address(0);
        if (index_ != address(0)) (official,) = ICarbonIndex(index_).officialDataLayer();
        if (dataLayer != official || official == address(0)) revert NotOfficialDataLayer(dataLayer, official);
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
