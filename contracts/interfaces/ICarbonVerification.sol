// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";
import {IVerifierRegistry} from "./IVerifierRegistry.sol";

/// @title ICarbonVerification
/// @notice The yearly verification of each enterprise (seed 001 §1.8). The regulator opens it
/// and assigns an approved agency; the agency recomputes offline and records a verdict (pass or
/// fail, its recomputed total, the digest of its report, a reason when it fails); after a fail
/// the enterprise rectifies its records and the agency verifies again; the regulator closes the
/// year on a pass, fixing the verified emissions that compliance reads. Every step emits an
/// event; every illegal step reverts naming the state the verification is in.
interface ICarbonVerification is IUpgradeable {
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
    /// @param passed Whether every check passed.
    /// @param recomputed The agency's recomputed total, micro-tonnes CO2e.
    /// @param report SHA-256 digest of the agency's verification report.
    /// @param agency The agency that recorded it.
    /// @param at Block timestamp of the verdict.
    /// @param reason Why it failed (empty when it passed).
    struct Verdict {
        bool passed;
        uint64 recomputed;
        bytes32 report;
        address agency;
        uint40 at;
        string reason;
    }

    /// @notice A verification as `verification()` returns it.
    /// @param state Where it stands.
    /// @param agency The assigned agency (zero before assignment).
    /// @param verifiedEmissions The verified emissions once Closed, micro-tonnes CO2e.
    /// @param verdicts How many verdicts were recorded.
    struct Summary {
        State state;
        address agency;
        uint64 verifiedEmissions;
        uint256 verdicts;
    }

    /// @notice The regulator opened the verification of `enterprise` for `year`.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    event VerificationOpened(address indexed enterprise, uint16 indexed year);

    /// @notice `agency` is to verify `enterprise` for `year`.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param agency The agency's account.
    event AgencyAssigned(address indexed enterprise, uint16 indexed year, address indexed agency);

    /// @notice The agency recorded verdict number `number`.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param number The verdict's number, from 0.
    /// @param passed Whether every check passed.
    /// @param recomputed The agency's recomputed total, micro-tonnes CO2e.
    /// @param report SHA-256 digest of the agency's verification report.
    /// @param reason Why it failed (empty when it passed).
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
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param verifiedEmissions The verified emissions, micro-tonnes CO2e.
    event VerificationClosed(address indexed enterprise, uint16 indexed year, uint64 verifiedEmissions);

    /// @notice This step is not allowed while the verification is `state`.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param state Where the verification stands.
    error InvalidState(address enterprise, uint16 year, State state);

    /// @notice Only the assigned agency records verdicts.
    /// @param caller The caller.
    /// @param assigned The assigned agency.
    error NotAssignedAgency(address caller, address assigned);

    /// @notice The agency is not approved in the VerifierRegistry.
    /// @param agency The agency's account.
    /// @param status Its status there.
    error AgencyNotApproved(address agency, IVerifierRegistry.AgencyStatus status);

    /// @notice A failing verdict must say why.
    error EmptyReason();

    /// @notice `enterprise` has no code: not an EnterpriseCarbon.
    /// @param enterprise The address.
    error NotAnEnterprise(address enterprise);

    /// @notice Initialises the proxy.
    /// @param regulator Admin of roles and upgrades; opens, assigns and closes.
    /// @param index_ CarbonIndex to report upgrades to.
    /// @param registry_ The VerifierRegistry whose approved agencies may be assigned.
    function initialize(address regulator, address index_, address registry_) external;

    /// @notice Opens the verification of `enterprise` (its EnterpriseCarbon) for `year`. Regulator only.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    function open(address enterprise, uint16 year) external;

    /// @notice Assigns an approved agency; also replaces the agency before any verdict passed.
    /// Regulator only.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param agency The agency's account, approved in the VerifierRegistry.
    function assign(address enterprise, uint16 year, address agency) external;

    /// @notice Records the assigned agency's verdict. After a fail the enterprise rectifies and
    /// the agency records a new verdict.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
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
    ) external;

    /// @notice Closes a passed verification with the agency's recomputed total as the verified
    /// emissions. Regulator only.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    function close(address enterprise, uint16 year) external;

    /// @notice State, agency, verified emissions and number of verdicts.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @return The verification's summary.
    function verification(address enterprise, uint16 year) external view returns (Summary memory);

    /// @notice Every verdict recorded, oldest first.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @return The verdicts.
    function verdicts(address enterprise, uint16 year) external view returns (Verdict[] memory);

    /// @notice The verified emissions of a closed year, micro-tonnes CO2e; reverts otherwise.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @return The verified emissions.
    function verifiedEmissions(address enterprise, uint16 year) external view returns (uint64);

    /// @notice The VerifierRegistry consulted for agencies.
    /// @return The registry's address.
    function registry() external view returns (address);
}
