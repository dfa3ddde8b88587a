// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";

/// @title ICompliance
/// @notice The compliance cycle (履约, seed 002) of each enterprise and year. The regulator opens
/// a year's cycle (deadline, acknowledgement window, offset cap, digest of the rules document),
/// then sends each controlled enterprise a notice carrying its quota for the year (read from
/// CarbonQuota). The enterprise's carbon administrator acknowledges it and applies: the verified
/// emissions are read from CarbonVerification (the year must be Closed; never typed in) and the
/// application lists offsets (amount, kind such as CCER, evidence digest). The regulator reviews:
/// a pass surrenders, through CarbonQuota, the quota that covers the verified emissions minus the
/// accepted offsets (less what was surrendered for the year already) and the year is Fulfilled;
/// a reject gives a reason and the enterprise may apply again until the deadline. After the
/// deadline anyone may declare an unfulfilled enterprise-year Defaulted, which records the
/// shortfall and freezes its status; a defaulted enterprise may still apply and be fulfilled
/// late. Offsets count up to the cycle's cap (basis points of the verified emissions; 500 = 5 %,
/// China's national ETS): a pass with offsets over the cap or over the verified emissions is
/// refused with the numbers. Every step emits an event; every illegal step reverts naming the
/// state.
///
/// Status (UK ETS registry terms): A when the year is Fulfilled (quota surrendered and offsets
/// accepted cover the verified emissions), B when verified emissions exist and are not covered
/// (a deficit), C when verified emissions are missing. The live status changes with the cycle;
/// the frozen status is the one at the deadline: A for a year fulfilled by then, otherwise the
/// one `declareDefault` recorded (B or C), and None before the deadline.
interface ICompliance is IUpgradeable {
    /// @notice Where an enterprise-year stands in the cycle (named apart from the other
    /// contracts' State/Status enums, which share one namespace in the bindings).
    enum ComplianceState {
        None,
        Notified,
        Acknowledged,
        Applied,
        Rejected,
        Fulfilled,
        Defaulted
    }

    /// @notice Compliance status of an enterprise-year.
    enum ComplianceStatus {
        None,
        A,
        B,
        C
    }

    /// @notice The rules of one year's cycle, part of every notice of the year.
    /// @param deadline Block timestamp after which unfulfilled enterprise-years may be declared
    /// Defaulted and no application is taken except from a Defaulted year (late).
    /// @param ackWindow Seconds after a notice within which it must be acknowledged (alarms only).
    /// @param offsetCapBps Offsets accepted at most, in basis points of the verified emissions.
    /// @param rules SHA-256 digest of the rules document (a DataLayer entry or any stored document).
    struct Cycle {
        uint40 deadline;
        uint32 ackWindow;
        uint16 offsetCapBps;
        bytes32 rules;
    }

    /// @notice One offset an enterprise applies with.
    /// @param amount Micro-tonnes CO2e.
    /// @param kind The kind of credit, e.g. "CCER".
    /// @param evidence SHA-256 digest of the evidence (certificate, registry statement).
    struct Offset {
        uint64 amount;
        bytes16 kind;
        bytes32 evidence;
    }

    /// @notice An enterprise-year in the cycle as `compliance()` returns it.
    /// @param state Where it stands.
    /// @param quota The enterprise's quota for the year when notified, micro-tonnes CO2e.
    /// @param notifiedAt Block timestamp of the notice.
    /// @param acknowledgedAt Block timestamp of the acknowledgement (0 before).
    /// @param appliedAt Block timestamp of the latest application (0 before).
    /// @param reviewedAt Block timestamp of the latest review (0 before).
    /// @param fulfilledAt Block timestamp of the passing review (0 before).
    /// @param verified Verified emissions read at the latest application, micro-tonnes CO2e.
    /// @param offsets Offsets of the latest application, micro-tonnes CO2e in all.
    /// @param offsetsHash keccak256 of the ABI-encoded `Offset[]` of the latest application.
    /// @param surrendered Quota surrendered by the passing review, micro-tonnes CO2e.
    /// @param shortfall Verified emissions not covered when declared Defaulted, micro-tonnes CO2e.
    /// @param frozen The status recorded by `declareDefault` (None otherwise).
    /// @param applications How many applications were made.
    /// @param rejections How many were rejected.
    struct Entry {
        ComplianceState state;
        uint64 quota;
        uint40 notifiedAt;
        uint40 acknowledgedAt;
        uint40 appliedAt;
        uint40 reviewedAt;
        uint40 fulfilledAt;
        uint64 verified;
        uint64 offsets;
        bytes32 offsetsHash;
        uint64 surrendered;
        uint64 shortfall;
        ComplianceStatus frozen;
        uint16 applications;
        uint16 rejections;
    }

    /// @notice The regulator opened the cycle of `year`.
    /// @param year The compliance year.
    /// @param deadline See `Cycle`.
    /// @param ackWindow See `Cycle`.
    /// @param offsetCapBps See `Cycle`.
    /// @param rules See `Cycle`.
    event CycleOpened(uint16 indexed year, uint40 deadline, uint32 ackWindow, uint16 offsetCapBps, bytes32 rules);

    /// @notice The regulator sent `enterprise` its notice for `year`.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The compliance year.
    /// @param quota Its quota for the year, micro-tonnes CO2e.
    event Notified(address indexed enterprise, uint16 indexed year, uint64 quota);

    /// @notice The enterprise acknowledged its notice.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The compliance year.
    /// @param by The administrator who acknowledged.
    event Acknowledged(address indexed enterprise, uint16 indexed year, address by);

    /// @notice The enterprise applied (application number `number`, from 0).
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The compliance year.
    /// @param number The application's number.
    /// @param verified Verified emissions read from CarbonVerification, micro-tonnes CO2e.
    /// @param offsets The offsets applied with.
    /// @param by The administrator who applied.
    event Applied(
        address indexed enterprise, uint16 indexed year, uint256 number, uint64 verified, Offset[] offsets, address by
    );

    /// @notice The regulator passed the application: `surrendered` was burnt and the year is Fulfilled.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The compliance year.
    /// @param surrendered Quota surrendered, micro-tonnes CO2e.
    /// @param offsets Offsets accepted, micro-tonnes CO2e.
    /// @param late Whether it was fulfilled after the deadline.
    event Fulfilled(address indexed enterprise, uint16 indexed year, uint64 surrendered, uint64 offsets, bool late);

    /// @notice The regulator rejected the application.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The compliance year.
    /// @param number The application's number.
    /// @param reason Why.
    event ApplicationRejected(address indexed enterprise, uint16 indexed year, uint256 number, string reason);

    /// @notice The enterprise-year was declared Defaulted after the deadline.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param year The compliance year.
    /// @param shortfall Verified emissions not covered, micro-tonnes CO2e (0 when they are missing).
    /// @param frozen The status at the deadline: B, or C when verified emissions are missing.
    /// @param by Who declared it.
    event Defaulted(address indexed enterprise, uint16 indexed year, uint64 shortfall, ComplianceStatus frozen, address by);

    /// @notice `enterprise` is not an EnterpriseCarbon of the factory.
    /// @param enterprise The address given.
    error NotAnEnterprise(address enterprise);

    /// @notice `caller` is no carbon administrator of `enterprise`.
    /// @param caller The caller.
    /// @param enterprise The enterprise.
    error NotEnterpriseAdmin(address caller, address enterprise);

    /// @notice The cycle of `year` is already open.
    /// @param year The year.
    error CycleAlreadyOpen(uint16 year);

    /// @notice The cycle of `year` is not open.
    /// @param year The year.
    error CycleNotOpen(uint16 year);

    /// @notice A deadline in the past, a cap over 10,000 basis points, or a zero rules digest.
    /// @param year The year.
    error InvalidCycle(uint16 year);

    /// @notice The step is not allowed in the enterprise-year's state.
    /// @param enterprise The enterprise.
    /// @param year The year.
    /// @param state Its state.
    error WrongState(address enterprise, uint16 year, ComplianceState state);

    /// @notice The step is only allowed before the deadline (`now` is past it).
    /// @param year The year.
    /// @param deadline The deadline.
    /// @param now_ The block timestamp.
    error DeadlinePassed(uint16 year, uint40 deadline, uint40 now_);

    /// @notice Default may only be declared after the deadline.
    /// @param year The year.
    /// @param deadline The deadline.
    /// @param now_ The block timestamp.
    error DeadlineNotReached(uint16 year, uint40 deadline, uint40 now_);

    /// @notice The year's verification is not Closed, so there are no verified emissions.
    /// @param enterprise The enterprise.
    /// @param year The year.
    error VerifiedEmissionsMissing(address enterprise, uint16 year);

    /// @notice The offsets exceed the cycle's cap.
    /// @param enterprise The enterprise.
    /// @param year The year.
    /// @param offsets Offsets applied with, micro-tonnes CO2e.
    /// @param cap Offsets accepted at most, micro-tonnes CO2e.
    /// @param verified Verified emissions, micro-tonnes CO2e.
    error OffsetsOverCap(address enterprise, uint16 year, uint64 offsets, uint64 cap, uint64 verified);

    /// @notice An offset of zero amount, or a zero kind or evidence digest.
    /// @param position The offset's position in the application.
    error InvalidOffset(uint256 position);

    /// @notice A rejection without a reason.
    error MissingReason();

    /// @notice Initialises the proxy.
    /// @param regulator Holder of REGULATOR_ROLE.
    /// @param index_ The CarbonIndex (zero: upgrades not reported).
    /// @param quota_ The CarbonQuota this contract surrenders through (it needs SURRENDERER_ROLE there).
    /// @param verification_ The CarbonVerification verified emissions are read from.
    /// @param factory_ The EnterpriseFactory whose enterprises are controlled.
    function initialize(address regulator, address index_, address quota_, address verification_, address factory_)
        external;

    /// @notice Opens the cycle of `year`, once. Regulator only.
    /// @dev Reverts CycleAlreadyOpen, or InvalidCycle (deadline not in the future, cap over 10,000
    /// basis points, zero rules digest).
    /// @param year The compliance year.
    /// @param cycle_ Its rules.
    function openCycle(uint16 year, Cycle calldata cycle_) external;

    /// @notice Sends `enterprise` its notice for `year` with its quota as CarbonQuota allocated it.
    /// Regulator only; before the deadline.
    /// @dev Reverts NotAnEnterprise, CycleNotOpen, DeadlinePassed, or WrongState (notified already).
    /// @param enterprise The enterprise.
    /// @param year The compliance year.
    function notify(address enterprise, uint16 year) external;

    /// @notice Acknowledges the notice. The enterprise's carbon administrators only.
    /// @dev Reverts NotEnterpriseAdmin or WrongState (not Notified).
    /// @param enterprise The enterprise.
    /// @param year The compliance year.
    function acknowledge(address enterprise, uint16 year) external;

    /// @notice Applies with the verified emissions (read here) and `offsets`. The enterprise's
    /// carbon administrators only; from Acknowledged or Rejected before the deadline, from
    /// Defaulted after it.
    /// @dev Reverts NotEnterpriseAdmin, WrongState, DeadlinePassed, VerifiedEmissionsMissing, or
    /// InvalidOffset.
    /// @param enterprise The enterprise.
    /// @param year The compliance year.
    /// @param offsets The offsets (may be empty).
    function submitApplication(address enterprise, uint16 year, Offset[] calldata offsets) external;

    /// @notice Accepts (passes) the application: surrenders the quota that covers the verified emissions
    /// minus the offsets, less what CarbonQuota records as surrendered for the year already.
    /// Regulator only; state Applied.
    /// @dev Reverts WrongState, OffsetsOverCap (offsets over the cap or over the verified
    /// emissions), or CarbonQuota's NotEnoughQuota (burning nothing).
    /// @param enterprise The enterprise.
    /// @param year The compliance year.
    function accept(address enterprise, uint16 year) external;

    /// @notice Rejects the application with a reason. Regulator only; state Applied.
    /// @dev Reverts WrongState or MissingReason.
    /// @param enterprise The enterprise.
    /// @param year The compliance year.
    /// @param reason Why.
    function reject(address enterprise, uint16 year, string calldata reason) external;

    /// @notice Declares an unfulfilled enterprise-year Defaulted after the deadline, recording the
    /// shortfall and the frozen status. Anyone.
    /// @dev Reverts CycleNotOpen, DeadlineNotReached, or WrongState (None, Fulfilled, Defaulted).
    /// @param enterprise The enterprise.
    /// @param year The compliance year.
    function declareDefault(address enterprise, uint16 year) external;

    /// @notice The rules of `year`'s cycle (zeros when not open).
    /// @param year The compliance year.
    /// @return The cycle.
    function cycle(uint16 year) external view returns (Cycle memory);

    /// @notice Where `enterprise` stands for `year`.
    /// @param enterprise The enterprise.
    /// @param year The compliance year.
    /// @return The entry (zeros when not notified).
    function compliance(address enterprise, uint16 year) external view returns (Entry memory);

    /// @notice The live and frozen compliance status of `enterprise` for `year` (None when not
    /// notified; frozen None before the deadline).
    /// @param enterprise The enterprise.
    /// @param year The compliance year.
    /// @return live The status now.
    /// @return frozen The status at the deadline.
    function status(address enterprise, uint16 year) external view returns (ComplianceStatus live, ComplianceStatus frozen);

    /// @notice The enterprises notified for `year`, in order of notice, `limit` from `offset`.
    /// @param year The compliance year.
    /// @param offset The first position.
    /// @param limit How many at most.
    /// @return page The enterprises.
    function notifiedPage(uint16 year, uint256 offset, uint256 limit) external view returns (address[] memory page);

    /// @notice How many enterprises were notified for `year`.
    /// @param year The compliance year.
    /// @return The number.
    function notifiedCount(uint16 year) external view returns (uint256);

    /// @notice The CarbonQuota surrendered through.
    /// @return Its address.
    function quota() external view returns (address);

    /// @notice The CarbonVerification verified emissions are read from.
    /// @return Its address.
    function verification() external view returns (address);

    /// @notice The EnterpriseFactory whose enterprises are controlled.
    /// @return Its address.
    function factory() external view returns (address);
}
