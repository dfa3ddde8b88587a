// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {ICarbonVerification} from "../interfaces/ICarbonVerification.sol";
import {IEnterpriseCarbon} from "../interfaces/IEnterpriseCarbon.sol";
import {IEnterpriseFactory} from "../interfaces/IEnterpriseFactory.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";
import {IVerifierRegistry} from "../interfaces/IVerifierRegistry.sol";

/// @title CarbonVerification
/// @notice Implements ICarbonVerification: the yearly verification of each enterprise, from
/// opening to the verified emissions of a closed year.
/// @dev The factory is named with `setFactory` rather than at `initialize`, so that proxies
/// initialised before it existed are wired by the same (idempotent) deployment step. Pins and
/// rejections live in mappings appended to the namespace: the `Verification` and `Verdict`
/// structs already stored keep their layout.
contract CarbonVerification is Upgradeable, ICarbonVerification {
    struct Verification {
        State state;
        address agency;
        uint64 verifiedEmissions;
        Verdict[] verdicts;
    }

    /// @custom:storage-location erc7201:carbon.storage.CarbonVerification
    struct CarbonVerificationStorage {
        IVerifierRegistry registry;
        mapping(address enterprise => mapping(uint16 year => Verification)) verifications;
        // Appended (storage compatibility):
        IEnterpriseFactory factory;
        mapping(address enterprise => mapping(uint16 year => mapping(uint256 verdict => Pin))) pins;
        mapping(address enterprise => mapping(uint16 year => Rejection[])) rejections;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.CarbonVerification")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CARBON_VERIFICATION_STORAGE =
        0xf2a5b78ee8a81fa76a92dc09724c4db15b970dcd0bb4b69d5cf3ba0533733c00;

    /// @inheritdoc ICarbonVerification
    function initialize(address regulator, address index_, address registry_) external initializer {
        __Upgradeable_init(regulator, index_);
        _carbonVerificationStorage().registry = IVerifierRegistry(registry_);
    }

    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.1.0";
    }

    /// @inheritdoc ICarbonVerification
    function setFactory(address factory_) external onlyRole(REGULATOR_ROLE) {
        CarbonVerificationStorage storage $ = _carbonVerificationStorage();
        emit FactoryChanged(address($.factory), factory_);
        $.factory = IEnterpriseFactory(factory_);
    }

    /// @inheritdoc ICarbonVerification
    function open(address enterprise, uint16 year) external onlyRole(REGULATOR_ROLE) {
        IEnterpriseFactory factory_ = _carbonVerificationStorage().factory;
        if (address(factory_) == address(0) || !factory_.isEnterprise(enterprise)) revert NotAnEnterprise(enterprise);
        Verification storage v = _in(enterprise, year, State.None);
        v.state = State.Open;
        emit VerificationOpened(enterprise, year);
    }

    /// @inheritdoc ICarbonVerification
    function assign(address enterprise, uint16 year, address agency) external onlyRole(REGULATOR_ROLE) {
        Verification storage v = _verification(enterprise, year);
        State state = v.state;
        if (state != State.Open && state != State.Assigned && state != State.Failed && state != State.Rejected) {
            revert InvalidState(enterprise, year, state);
        }
        _requireApproved(agency);
        address previous = v.agency;
        v.agency = agency;
        v.state = State.Assigned;
        emit AgencyAssigned(enterprise, year, agency, previous);
        // From now on the enterprise asks this contract before changing the year's records.
        if (IEnterpriseCarbon(enterprise).verificationOf(year) != address(this)) {
            IEnterpriseCarbon(enterprise).registerVerification(year);
        }
    }

    /// @inheritdoc ICarbonVerification
    function recordVerdict(
        address enterprise,
        uint16 year,
        bool passed,
        uint64 recomputed,
        bytes32 report,
        string calldata reason
    ) external {
        Verification storage v = _verification(enterprise, year);
        if (v.state != State.Assigned && v.state != State.Failed) revert InvalidState(enterprise, year, v.state);
        if (msg.sender != v.agency) revert NotAssignedAgency(msg.sender, v.agency);
        _requireApproved(msg.sender);
        if (!passed && bytes(reason).length == 0) revert EmptyReason();
        Pin memory pin = _currentPin(enterprise, year);
        uint256 number = v.verdicts.length;
        v.verdicts.push(Verdict(passed, recomputed, report, msg.sender, uint40(block.timestamp), reason));
        _carbonVerificationStorage().pins[enterprise][year][number] = pin;
        v.state = passed ? State.Passed : State.Failed;
        emit VerdictRecorded(enterprise, year, number, passed, recomputed, report, reason, pin.records, pin.recordSet);
    }

    /// @inheritdoc ICarbonVerification
    function rejectVerdict(address enterprise, uint16 year, string calldata reason)
        external
        onlyRole(REGULATOR_ROLE)
    {
        Verification storage v = _in(enterprise, year, State.Passed);
        if (bytes(reason).length == 0) revert EmptyReason();
        uint256 number = v.verdicts.length - 1;
        _carbonVerificationStorage().rejections[enterprise][year].push(
            Rejection(number, msg.sender, uint40(block.timestamp), reason)
        );
        v.state = State.Rejected;
        emit VerdictRejected(enterprise, year, number, msg.sender, reason);
    }

    /// @inheritdoc ICarbonVerification
    function close(address enterprise, uint16 year) external onlyRole(REGULATOR_ROLE) {
        Verification storage v = _in(enterprise, year, State.Passed);
        _requireApproved(v.agency);
        uint256 number = v.verdicts.length - 1;
        Pin memory pinned = _carbonVerificationStorage().pins[enterprise][year][number];
        Pin memory current = _currentPin(enterprise, year);
        if (pinned.recordSet == bytes32(0) || pinned.recordSet != current.recordSet || pinned.records != current.records) {
            revert RecordSetChanged(enterprise, year, State.Passed, pinned, current);
        }
        uint64 verified = v.verdicts[number].recomputed;
        v.verifiedEmissions = verified;
        v.state = State.Closed;
        emit VerificationClosed(enterprise, year, verified, current.records, current.recordSet);
    }

    /// @inheritdoc ICarbonVerification
    function lockOf(address enterprise, uint16 year)
        external
        view
        returns (bool frozen, bool rectifiable, State state)
    {
        Verification storage v = _verification(enterprise, year);
        state = v.state;
        frozen = state != State.None && state != State.Open;
        uint256 count = v.verdicts.length;
        rectifiable = (state == State.Failed || state == State.Assigned) && count > 0 && !v.verdicts[count - 1].passed;
    }

    /// @inheritdoc ICarbonVerification
    function verification(address enterprise, uint16 year) external view returns (Summary memory) {
        Verification storage v = _verification(enterprise, year);
        return Summary(v.state, v.agency, v.verifiedEmissions, v.verdicts.length);
    }

    /// @inheritdoc ICarbonVerification
    function verdicts(address enterprise, uint16 year) external view returns (Verdict[] memory) {
        return _verification(enterprise, year).verdicts;
    }

    /// @inheritdoc ICarbonVerification
    function verdictsPage(address enterprise, uint16 year, uint256 offset, uint256 limit)
        external
        view
        returns (Verdict[] memory page)
    {
        Verdict[] storage all = _verification(enterprise, year).verdicts;
        uint256 end = _pageEnd(all.length, offset, limit);
        page = new Verdict[](end > offset ? end - offset : 0);
        for (uint256 i = 0; i < page.length; ++i) {
            page[i] = all[offset + i];
        }
    }

    /// @inheritdoc ICarbonVerification
    function verdictPins(address enterprise, uint16 year) external view returns (Pin[] memory all) {
        CarbonVerificationStorage storage $ = _carbonVerificationStorage();
        all = new Pin[]($.verifications[enterprise][year].verdicts.length);
        for (uint256 i = 0; i < all.length; ++i) {
            all[i] = $.pins[enterprise][year][i];
        }
    }

    /// @inheritdoc ICarbonVerification
    function rejections(address enterprise, uint16 year) external view returns (Rejection[] memory) {
        return _carbonVerificationStorage().rejections[enterprise][year];
    }

    /// @inheritdoc ICarbonVerification
    function verifiedEmissions(address enterprise, uint16 year) external view returns (uint64) {
        Verification storage v = _verification(enterprise, year);
        if (v.state != State.Closed) revert InvalidState(enterprise, year, v.state);
        return v.verifiedEmissions;
    }

    /// @inheritdoc ICarbonVerification
    function registry() external view returns (address) {
        return address(_carbonVerificationStorage().registry);
    }

    /// @inheritdoc ICarbonVerification
    function factory() external view returns (address) {
        return address(_carbonVerificationStorage().factory);
    }

    function _currentPin(address enterprise, uint16 year) private view returns (Pin memory) {
        IEnterpriseCarbon carbon = IEnterpriseCarbon(enterprise);
        return Pin(uint32(carbon.recordCount(year)), carbon.recordSetHash(year));
    }

    function _requireApproved(address agency) private view {
        IVerifierRegistry.AgencyStatus status = _carbonVerificationStorage().registry.statusOf(agency);
        if (status != IVerifierRegistry.AgencyStatus.Approved) revert AgencyNotApproved(agency, status);
    }

    function _in(address enterprise, uint16 year, State expected) private view returns (Verification storage v) {
        v = _verification(enterprise, year);
        if (v.state != expected) revert InvalidState(enterprise, year, v.state);
    }

    function _verification(address enterprise, uint16 year) private view returns (Verification storage) {
        return _carbonVerificationStorage().verifications[enterprise][year];
    }

    function _pageEnd(uint256 length, uint256 offset, uint256 limit) private pure returns (uint256) {
        if (offset >= length) return offset;
        return limit > length - offset ? length : offset + limit;
    }

    function _carbonVerificationStorage() private pure returns (CarbonVerificationStorage storage $) {
        assembly {
            $.slot := CARBON_VERIFICATION_STORAGE
        }
    }
}
