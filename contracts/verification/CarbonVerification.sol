// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {IVerifierRegistry} from "../interfaces/IVerifierRegistry.sol";

/// @title CarbonVerification
/// @notice The yearly verification of each enterprise (seed 001 §1.8). The regulator opens it
/// and assigns an approved agency; the agency recomputes offline and records a verdict (pass or
/// fail, its recomputed total, the digest of its report, a reason when it fails); after a fail
/// the enterprise rectifies its records and the agency verifies again; the regulator closes the
/// year on a pass, fixing the verified emissions that compliance reads. Every step emits an
/// event; every illegal step reverts naming the state the verification is in.
contract CarbonVerification is Upgradeable {
    /// @notice Where a verification stands.
    enum State {
        None,
        Open,
        Assigned,
        Passed,
        Failed,
        Closed
    }

    /// @notice One verdict of the assigned agency.
    struct Verdict {
        bool passed;
        uint64 recomputed;
        bytes32 report;
        address agency;
        uint40 at;
        string reason;
    }

    /// @notice A verification as `verification()` returns it.
    struct Summary {
        State state;
        address agency;
        uint64 verifiedEmissions;
        uint256 verdicts;
    }

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

    /// @notice The regulator opened the verification of `enterprise` for `year`.
    event VerificationOpened(address indexed enterprise, uint16 indexed year);
    /// @notice `agency` is to verify `enterprise` for `year`.
    event AgencyAssigned(address indexed enterprise, uint16 indexed year, address indexed agency);
    /// @notice The agency recorded verdict number `number`.
    event VerdictRecorded(
        address indexed enterprise,
        uint16 indexed year,
        uint256 number,
        bool passed,
        uint64 recomputed,
        bytes32 report,
        string reason
    );
    /// @notice The year is closed with `verifiedEmissions` micro-tonnes CO2e.
    event VerificationClosed(address indexed enterprise, uint16 indexed year, uint64 verifiedEmissions);

    /// @notice This step is not allowed while the verification is `state`.
    error InvalidState(address enterprise, uint16 year, State state);
    /// @notice Only the assigned agency records verdicts.
    error NotAssignedAgency(address caller, address assigned);
    /// @notice The agency is not approved in the VerifierRegistry.
    error AgencyNotApproved(address agency, IVerifierRegistry.AgencyStatus status);
    /// @notice A failing verdict must say why.
    error EmptyReason();
    /// @notice `enterprise` has no code: not an EnterpriseCarbon.
    error NotAnEnterprise(address enterprise);

    /// @notice Initialises the proxy.
    /// @param regulator Admin of roles and upgrades; opens, assigns and closes.
    /// @param index_ CarbonIndex to report upgrades to.
    /// @param registry_ The VerifierRegistry whose approved agencies may be assigned.
    function initialize(address regulator, address index_, address registry_) external initializer {
        __Upgradeable_init(regulator, index_);
        _carbonVerificationStorage().registry = IVerifierRegistry(registry_);
    }

    /// @notice Version of this implementation.
    function version() external pure override returns (string memory) {
        return "1.0.0";
    }

    /// @notice Opens the verification of `enterprise` (its EnterpriseCarbon) for `year`. Regulator only.
    function open(address enterprise, uint16 year) external onlyRole(REGULATOR_ROLE) {
        if (enterprise.code.length == 0) revert NotAnEnterprise(enterprise);
        Verification storage v = _in(enterprise, year, State.None);
        v.state = State.Open;
        emit VerificationOpened(enterprise, year);
    }

    /// @notice Assigns an approved agency; also replaces the agency before any verdict passed.
    /// Regulator only.
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

    /// @notice Records the assigned agency's verdict. After a fail the enterprise rectifies and
    /// the agency records a new verdict.
    /// @param passed Whether every check passed.
    /// @param recomputed The agency's recomputed total, micro-tonnes CO2e.
    /// @param report SHA-256 digest of the agency's verification report in the content store.
    /// @param reason Why it failed (required when `passed` is false).
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

    /// @notice Closes a passed verification with the agency's recomputed total as the verified
    /// emissions. Regulator only.
    function close(address enterprise, uint16 year) external onlyRole(REGULATOR_ROLE) {
        Verification storage v = _in(enterprise, year, State.Passed);
        v.verifiedEmissions = v.verdicts[v.verdicts.length - 1].recomputed;
        v.state = State.Closed;
        emit VerificationClosed(enterprise, year, v.verifiedEmissions);
    }

    /// @notice State, agency, verified emissions and number of verdicts.
    function verification(address enterprise, uint16 year) external view returns (Summary memory) {
        Verification storage v = _verification(enterprise, year);
        return Summary(v.state, v.agency, v.verifiedEmissions, v.verdicts.length);
    }

    /// @notice Every verdict recorded, oldest first.
    function verdicts(address enterprise, uint16 year) external view returns (Verdict[] memory) {
        return _verification(enterprise, year).verdicts;
    }

    /// @notice The verified emissions of a closed year, micro-tonnes CO2e; reverts otherwise.
    function verifiedEmissions(address enterprise, uint16 year) external view returns (uint64) {
        Verification storage v = _verification(enterprise, year);
        if (v.state != State.Closed) revert InvalidState(enterprise, year, v.state);
        return v.verifiedEmissions;
    }

    /// @notice The VerifierRegistry consulted for agencies.
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
