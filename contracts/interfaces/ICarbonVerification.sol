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
///
/// Integrity: from the assignment of an agency on, the year is frozen for the enterprise (its
/// EnterpriseCarbon asks `lockOf` before any change to the year's records): nothing is submitted
/// or invalidated, and a record is rectified only while the latest verdict is a fail. Each
/// verdict pins the record set it judged (number of records and `recordSetHash`); `close`
/// refuses when the set changed since the passing verdict or when the agency is no longer
/// approved. The regulator can reject a passing verdict (with a reason kept in the history) and
/// assign again. A Closed year never changes. Only enterprises the factory created are verified.
interface ICarbonVerification is IUpgradeable {
    /// @notice Where a verification stands.
    enum State {
        None,
        Open,
        Assigned,
        Passed,
        Failed,
        Closed,
        Rejected
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

    /// @notice What a verdict judged: the enterprise-year's record set when it was recorded.
    /// @param records How many records the year had (valid or not).
    /// @param recordSet The year's `IEnterpriseCarbon.recordSetHash` (zero for a verdict recorded
    /// before verdicts were pinned).
    struct Pin {
        uint32 records;
        bytes32 recordSet;
    }

    /// @notice The regulator took back a passing verdict.
    /// @param verdict The number of the verdict rejected, from 0.
    /// @param regulator The regulator who rejected it.
    /// @param at Block timestamp of the rejection.
    /// @param reason Why.
    struct Rejection {
        uint256 verdict;
        address regulator;
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

    /// @notice `agency` is to verify `enterprise` for `year`; from now on the year is frozen.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param agency The agency's account.
    /// @param previous The agency assigned before (zero for the first assignment).
    event AgencyAssigned(address indexed enterprise, uint16 indexed year, address indexed agency, address previous);

    /// @notice The agency recorded verdict number `number`.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param number The verdict's number, from 0.
    /// @param passed Whether every check passed.
    /// @param recomputed The agency's recomputed total, micro-tonnes CO2e.
    /// @param report SHA-256 digest of the agency's verification report.
    /// @param reason Why it failed (empty when it passed).
    /// @param records How many records the year had: the verdict's pin.
    /// @param recordSet The year's record-set hash: the verdict's pin.
    event VerdictRecorded(
        address indexed enterprise,
        uint16 indexed year,
        uint256 number,
        bool passed,
        uint64 recomputed,
        bytes32 report,
        string reason,
        uint32 records,
        bytes32 recordSet
    );

    /// @notice The regulator rejected passing verdict `number`; the year waits for an assignment.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param number The verdict's number, from 0.
    /// @param regulator The regulator who rejected it.
    /// @param reason Why.
    event VerdictRejected(
        address indexed enterprise, uint16 indexed year, uint256 number, address regulator, string reason
    );

    /// @notice The year is closed with `verifiedEmissions` micro-tonnes CO2e.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param verifiedEmissions The verified emissions, micro-tonnes CO2e.
    /// @param records How many records the closed year has.
    /// @param recordSet The closed year's record-set hash.
    event VerificationClosed(
        address indexed enterprise, uint16 indexed year, uint64 verifiedEmissions, uint32 records, bytes32 recordSet
    );

    /// @notice The EnterpriseFactory whose enterprises are verified changed.
    /// @param previous The factory until now (zero for none).
    /// @param current The factory from now on.
    event FactoryChanged(address indexed previous, address indexed current);

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

    /// @notice `enterprise` is not an EnterpriseCarbon the suite's factory created.
    /// @param enterprise The address.
    error NotAnEnterprise(address enterprise);

    /// @notice The record set of the year changed since the passing verdict, so it cannot close.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param state Where the verification stands.
    /// @param pinned What the passing verdict judged.
    /// @param current The record set now.
    error RecordSetChanged(address enterprise, uint16 year, State state, Pin pinned, Pin current);

    /// @notice Initialises the proxy.
    /// @param regulator Admin of roles and upgrades; opens, assigns and closes.
    /// @param index_ CarbonIndex to report upgrades to.
    /// @param registry_ The VerifierRegistry whose approved agencies may be assigned.
    function initialize(address regulator, address index_, address registry_) external;

    /// @notice Opens the verification of `enterprise` (its EnterpriseCarbon) for `year`. Regulator only.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    function open(address enterprise, uint16 year) external;

    /// @notice Assigns an approved agency; also replaces the agency before any verdict passed, and
    /// after the regulator rejected a passing verdict. From the first assignment on, the year is
    /// frozen for the enterprise (this contract registers itself with the EnterpriseCarbon,
    /// which asks `lockOf` before changing the year's records). Regulator only.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param agency The agency's account, approved in the VerifierRegistry.
    function assign(address enterprise, uint16 year, address agency) external;

    /// @notice Records the assigned agency's verdict, pinning the year's record set (number of
    /// records and `recordSetHash`, read from the EnterpriseCarbon). After a fail the enterprise
    /// rectifies and the agency records a new verdict.
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
    /// emissions. Refuses when the agency is no longer approved (AgencyNotApproved) or the record
    /// set is not the one the passing verdict pinned (RecordSetChanged). Regulator only.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    function close(address enterprise, uint16 year) external;

    /// @notice Takes back the passing verdict of a year that is not closed; the rejection is kept
    /// in `rejections`, the verdict in `verdicts`, and the year (still frozen) waits for `assign`.
    /// Regulator only.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param reason Why (not empty).
    function rejectVerdict(address enterprise, uint16 year, string calldata reason) external;

    /// @notice Names the EnterpriseFactory whose enterprises (and only those) are verified.
    /// Regulator only.
    /// @param factory_ The EnterpriseFactory proxy.
    function setFactory(address factory_) external;

    /// @notice Whether the records of `enterprise` for `year` are frozen, as EnterpriseCarbon asks
    /// before every change: frozen from the assignment of an agency on (states Assigned, Passed,
    /// Failed, Closed, Rejected); rectifiable while frozen only when the year is not Closed and
    /// its latest verdict is a fail.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @return frozen Whether records may not be submitted or invalidated.
    /// @return rectifiable Whether a record may be rectified although the year is frozen.
    /// @return state Where the verification stands.
    function lockOf(address enterprise, uint16 year)
        external
        view
        returns (bool frozen, bool rectifiable, State state);

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

    /// @notice A page of `verdicts`: at most `limit` from number `offset` on (empty past the end).
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @param offset The number of the first, from 0.
    /// @param limit The most to return.
    /// @return page The verdicts.
    function verdictsPage(address enterprise, uint16 year, uint256 offset, uint256 limit)
        external
        view
        returns (Verdict[] memory page);

    /// @notice What each verdict judged, in the order of `verdicts`.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @return The pins, one per verdict.
    function verdictPins(address enterprise, uint16 year) external view returns (Pin[] memory);

    /// @notice Every rejection of a passing verdict, oldest first.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @return The rejections.
    function rejections(address enterprise, uint16 year) external view returns (Rejection[] memory);

    /// @notice The verified emissions of a closed year, micro-tonnes CO2e; reverts otherwise.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The year.
    /// @return The verified emissions.
    function verifiedEmissions(address enterprise, uint16 year) external view returns (uint64);

    /// @notice The VerifierRegistry consulted for agencies.
    /// @return The registry's address.
    function registry() external view returns (address);

    /// @notice The EnterpriseFactory whose enterprises are verified.
    /// @return The factory's address (zero until the regulator names it).
    function factory() external view returns (address);
}
