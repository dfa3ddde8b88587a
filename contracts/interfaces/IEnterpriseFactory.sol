// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";

/// @title IEnterpriseFactory
/// @notice Onboards enterprises for the regulator: one transaction creates the enterprise's
/// DataLayer and EnterpriseCarbon, each a beacon proxy of the beacon of its kind. The factory
/// owns both beacons, so one upgrade here reaches every enterprise at once, and whoever is
/// regulator here is regulator of every enterprise. Enterprises are keyed by their unified social
/// credit code (统一社会信用代码): their addresses follow from the code, and a second onboarding
/// of the same code is refused.
interface IEnterpriseFactory is IUpgradeable {
    /// @notice What the regulator supplies to onboard an enterprise.
    /// @param name The enterprise's name.
    /// @param creditCode Its unified social credit code (not empty).
    /// @param industryCode Two ASCII digits, e.g. `01`.
    /// @param region Its region.
    /// @param admin Its carbon administrator: ENTERPRISE_ADMIN on its EnterpriseCarbon.
    /// @param account The account that writes its documents: DATA_WRITER on its DataLayer.
    struct Onboarding {
        string name;
        string creditCode;
        bytes2 industryCode;
        string region;
        address admin;
        address account;
    }

    /// @notice The contracts of one enterprise.
    /// @param carbon Its EnterpriseCarbon.
    /// @param dataLayer Its DataLayer.
    struct Enterprise {
        address carbon;
        address dataLayer;
    }

    /// @notice An enterprise was onboarded.
    /// @param id Its position in onboarding order, from 0.
    /// @param creditCode Its unified social credit code.
    /// @param carbon Its EnterpriseCarbon.
    /// @param dataLayer Its DataLayer.
    /// @param name Its name.
    /// @param industryCode Its industry code.
    /// @param region Its region.
    event EnterpriseOnboarded(
        uint256 indexed id,
        string creditCode,
        address indexed carbon,
        address indexed dataLayer,
        string name,
        bytes2 industryCode,
        string region
    );

    /// @notice Every enterprise's contracts of `kind` now run `implementation`.
    /// @param kind `EnterpriseCarbon` or `DataLayer`.
    /// @param implementation The new implementation.
    event EnterprisesUpgraded(string kind, address implementation);

    /// @notice An enterprise with this credit code is already onboarded.
    /// @param creditCode The credit code.
    /// @param carbon Its EnterpriseCarbon.
    error EnterpriseExists(string creditCode, address carbon);

    /// @notice No enterprise has this credit code.
    /// @param creditCode The credit code.
    error UnknownEnterprise(string creditCode);

    /// @notice The credit code is empty.
    error EmptyCreditCode();

    /// @notice A unified social credit code is 18 printable ASCII characters (its format and check
    /// character are checked, and the code normalised, before the transaction).
    /// @param creditCode The code as given.
    /// @param position Index of the first offending byte (the length when it is not 18).
    error MalformedCreditCode(string creditCode, uint256 position);

    /// @notice The CarbonVerification every enterprise accepts freezing requests from changed.
    /// @param previous The CarbonVerification until now (zero for none).
    /// @param current The CarbonVerification from now on.
    event VerificationChanged(address indexed previous, address indexed current);

    /// @notice Initialises the proxy and creates the two beacons, owned by the factory.
    /// @param regulator Admin of roles, onboarding and upgrades.
    /// @param index_ CarbonIndex to report the factory's own upgrades to.
    /// @param carbonImplementation First EnterpriseCarbon implementation.
    /// @param dataLayerImplementation First DataLayer implementation.
    function initialize(
        address regulator,
        address index_,
        address carbonImplementation,
        address dataLayerImplementation
    ) external;

    /// @notice Creates an enterprise's DataLayer and EnterpriseCarbon. Regulator only.
    /// @dev Whoever is regulator here is regulator (admin) of both, through the beacons this
    /// factory owns; `o.admin` gets ENTERPRISE_ADMIN on the EnterpriseCarbon, and `o.account` and
    /// the EnterpriseCarbon itself (which stores a submission's documents in the same transaction
    /// as its records, `submitWithData`) DATA_WRITER on the DataLayer.
    /// @param o The enterprise's name, codes, region and accounts.
    /// @return carbon Its EnterpriseCarbon.
    /// @return dataLayer Its DataLayer.
    function onboard(Onboarding calldata o) external returns (address carbon, address dataLayer);

    /// @notice Names the CarbonVerification of the suite: the only contract an EnterpriseCarbon
    /// accepts `registerVerification` from, so that it asks it whether a year is frozen.
    /// Regulator only.
    /// @param verification_ The CarbonVerification proxy.
    function setVerification(address verification_) external;

    /// @notice Points every enterprise's EnterpriseCarbon at a new implementation. Regulator only.
    /// @param implementation_ The new EnterpriseCarbon implementation.
    function upgradeEnterpriseCarbon(address implementation_) external;

    /// @notice Points every enterprise's DataLayer at a new implementation. Regulator only.
    /// @param implementation_ The new DataLayer implementation.
    function upgradeEnterpriseDataLayer(address implementation_) external;

    /// @notice The beacons of EnterpriseCarbon and DataLayer.
    /// @return carbonBeacon The beacon of every EnterpriseCarbon.
    /// @return dataLayerBeacon The beacon of every enterprise's DataLayer.
    function beacons() external view returns (address carbonBeacon, address dataLayerBeacon);

    /// @notice How many enterprises are onboarded.
    /// @return The number of enterprises.
    function enterpriseCount() external view returns (uint256);

    /// @notice The EnterpriseCarbon of every enterprise, in onboarding order; each names its
    /// DataLayer in its profile.
    /// @return The EnterpriseCarbon addresses.
    function enterprises() external view returns (address[] memory);

    /// @notice A page of `enterprises()`: at most `limit` of them from position `offset` on (empty
    /// past the end).
    /// @param offset The position of the first, from 0.
    /// @param limit The most to return.
    /// @return page The EnterpriseCarbon addresses.
    function enterprisesPage(uint256 offset, uint256 limit) external view returns (address[] memory page);

    /// @notice Whether `account` is an EnterpriseCarbon this factory created.
    /// @dev True when `account` is the CREATE2 address this factory gives the credit code its
    /// profile names: only `onboard` deploys there, so a look-alike (a clone of the beacon, a
    /// contract answering the same profile) is refused.
    /// @param account The address.
    /// @return Whether it is one of the factory's enterprises.
    function isEnterprise(address account) external view returns (bool);

    /// @notice The CarbonVerification every enterprise accepts `registerVerification` from.
    /// @return The CarbonVerification (zero until the regulator names it).
    function verification() external view returns (address);

    /// @notice The contracts of the enterprise with unified social credit code `creditCode`;
    /// reverts when there is none.
    /// @param creditCode The credit code.
    /// @return Its EnterpriseCarbon and DataLayer.
    function enterpriseOf(string calldata creditCode) external view returns (Enterprise memory);
}
