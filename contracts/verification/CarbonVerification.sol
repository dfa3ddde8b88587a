// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {ICarbonVerification} from "../interfaces/ICarbonVerification.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";
import {IVerifierRegistry} from "../interfaces/IVerifierRegistry.sol";

/// @title CarbonVerification
/// @notice Implements ICarbonVerification: the yearly verification of each enterprise, from
/// opening to the verified emissions of a closed year.
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
        return "1.0.0";
    }

    /// @inheritdoc ICarbonVerification
    function open(address enterprise, uint16 year) external onlyRole(REGULATOR_ROLE) {
        if (enterprise.code.length == 0) revert NotAnEnterprise(enterprise);
        Verification storage v = _in(enterprise, year, State.None);
        v.state = State.Open;
        emit VerificationOpened(enterprise, year);
    }

    /// @inheritdoc ICarbonVerification
    function assign(address enterprise, uint16 year, address agency) external onlyRole(REGULATOR_ROLE) {
        Verification storage v = _verification(enterprise, year);
        if (v.state != State.Open && v.state != State.Assigned && v.state != State.Failed) {
            revert InvalidState(enterprise, year, v.state);
        }
        _requireApproved(agency);
        v.agency = agency;
        v.state = State.Assigned;
        emit AgencyAssigned(enterprise, year, agency);
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
        v.verdicts.push(Verdict(passed, recomputed, report, msg.sender, uint40(block.timestamp), reason));
        v.state = passed ? State.Passed : State.Failed;
        emit VerdictRecorded(enterprise, year, v.verdicts.length - 1, passed, recomputed, report, reason);
    }

    /// @inheritdoc ICarbonVerification
    function close(address enterprise, uint16 year) external onlyRole(REGULATOR_ROLE) {
        Verification storage v = _in(enterprise, year, State.Passed);
        v.verifiedEmissions = v.verdicts[v.verdicts.length - 1].recomputed;
        v.state = State.Closed;
        emit VerificationClosed(enterprise, year, v.verifiedEmissions);
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
    function verifiedEmissions(address enterprise, uint16 year) external view returns (uint64) {
        Verification storage v = _verification(enterprise, year);
        if (v.state != State.Closed) revert InvalidState(enterprise, year, v.state);
        return v.verifiedEmissions;
    }

    /// @inheritdoc ICarbonVerification
    function registry() external view returns (address) {
        return address(_carbonVerificationStorage().registry);
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

    function _carbonVerificationStorage() private pure returns (CarbonVerificationStorage storage $) {
        assembly {
            $.slot := CARBON_VERIFICATION_STORAGE
        }
    }
}
