// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LibClone} from "solady/utils/LibClone.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {Upgradeable} from "../base/Upgradeable.sol";
import {DataLayer} from "../data/DataLayer.sol";
import {EnterpriseCarbon} from "./EnterpriseCarbon.sol";

/// @title EnterpriseFactory
/// @notice Onboards enterprises for the regulator: one transaction creates the enterprise's
/// DataLayer and EnterpriseCarbon, each a beacon proxy of the beacon of its kind. The factory
/// owns both beacons (OpenZeppelin's UpgradeableBeacon), so one upgrade here reaches every
/// enterprise at once. The proxies are Solady's minimal ERC-1967 beacon proxies: the same
/// ERC-1967 beacon slot as OpenZeppelin's BeaconProxy in a fraction of the code, which is most
/// of what onboarding an enterprise costs. Enterprises are keyed by their unified social credit
/// code (统一社会信用代码): the proxies are created with CREATE2 salted by it, so their
/// addresses follow from the code and a second onboarding of the same code is refused.
contract EnterpriseFactory is Upgradeable {
    /// @notice What the regulator supplies to onboard an enterprise.
    struct Onboarding {
        string name;
        string creditCode;
        bytes2 industryCode;
        string region;
        address admin;
        address account;
    }

    /// @notice The contracts of one enterprise.
    struct Enterprise {
        address carbon;
        address dataLayer;
    }

    /// @custom:storage-location erc7201:carbon.storage.EnterpriseFactory
    struct EnterpriseFactoryStorage {
        UpgradeableBeacon carbonBeacon;
        UpgradeableBeacon dataLayerBeacon;
        address[] carbons;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.EnterpriseFactory")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ENTERPRISE_FACTORY_STORAGE =
        0x7cc0fba352df6b6158a07216317a44bc39307ea8f9ae973b93e2641bc84c3d00;

    /// @notice An enterprise was onboarded.
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
    event EnterprisesUpgraded(string kind, address implementation);

    /// @notice An enterprise with this credit code is already onboarded.
    error EnterpriseExists(string creditCode, address carbon);
    /// @notice No enterprise has this credit code.
    error UnknownEnterprise(string creditCode);
    /// @notice The credit code is empty.
    error EmptyCreditCode();

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
    ) external initializer {
        __Upgradeable_init(regulator, index_);
        EnterpriseFactoryStorage storage $ = _enterpriseFactoryStorage();
        $.carbonBeacon = new UpgradeableBeacon(carbonImplementation, address(this));
        $.dataLayerBeacon = new UpgradeableBeacon(dataLayerImplementation, address(this));
    }

    /// @notice Version of this implementation.
    function version() external pure override returns (string memory) {
        return "1.0.0";
    }

    /// @notice Creates an enterprise's DataLayer and EnterpriseCarbon. Regulator only.
    /// @dev Whoever is regulator here is regulator (admin) of both, through the beacons this
    /// factory owns; `o.admin` gets ENTERPRISE_ADMIN on the EnterpriseCarbon and `o.account`
    /// DATA_WRITER on the DataLayer.
    function onboard(Onboarding calldata o)
        external
        onlyRole(REGULATOR_ROLE)
        returns (address carbon, address dataLayer)
    {
        EnterpriseFactoryStorage storage $ = _enterpriseFactoryStorage();
        if (bytes(o.creditCode).length == 0) revert EmptyCreditCode();
        bytes32 salt = keccak256(bytes(o.creditCode));
        address existing = _predict($.carbonBeacon, salt);
        if (existing.code.length != 0) revert EnterpriseExists(o.creditCode, existing);
        dataLayer = LibClone.deployDeterministicERC1967BeaconProxy(address($.dataLayerBeacon), salt);
        DataLayer(dataLayer).initialize(address(0), o.account, address(0));
        carbon = LibClone.deployDeterministicERC1967BeaconProxy(address($.carbonBeacon), salt);
        EnterpriseCarbon(carbon).initialize(
            o.admin, EnterpriseCarbon.Profile(o.name, o.creditCode, o.region, dataLayer, o.industryCode)
        );
        $.carbons.push(carbon);
        _emitOnboarded($.carbons.length - 1, o, carbon, dataLayer);
    }

    /// @notice Points every enterprise's EnterpriseCarbon at a new implementation. Regulator only.
    function upgradeEnterpriseCarbon(address implementation_) external onlyRole(REGULATOR_ROLE) {
        _enterpriseFactoryStorage().carbonBeacon.upgradeTo(implementation_);
        emit EnterprisesUpgraded("EnterpriseCarbon", implementation_);
    }

    /// @notice Points every enterprise's DataLayer at a new implementation. Regulator only.
    function upgradeEnterpriseDataLayer(address implementation_) external onlyRole(REGULATOR_ROLE) {
        _enterpriseFactoryStorage().dataLayerBeacon.upgradeTo(implementation_);
        emit EnterprisesUpgraded("DataLayer", implementation_);
    }

    /// @notice The beacons of EnterpriseCarbon and DataLayer.
    function beacons() external view returns (address carbonBeacon, address dataLayerBeacon) {
        EnterpriseFactoryStorage storage $ = _enterpriseFactoryStorage();
        return (address($.carbonBeacon), address($.dataLayerBeacon));
    }

    /// @notice How many enterprises are onboarded.
    function enterpriseCount() external view returns (uint256) {
        return _enterpriseFactoryStorage().carbons.length;
    }

    /// @notice The EnterpriseCarbon of every enterprise, in onboarding order; each names its
    /// DataLayer in its profile.
    function enterprises() external view returns (address[] memory) {
        return _enterpriseFactoryStorage().carbons;
    }

    /// @notice The contracts of the enterprise with unified social credit code `creditCode`.
    function enterpriseOf(string calldata creditCode) external view returns (Enterprise memory) {
        EnterpriseFactoryStorage storage $ = _enterpriseFactoryStorage();
        bytes32 salt = keccak256(bytes(creditCode));
        address carbon = _predict($.carbonBeacon, salt);
        if (carbon.code.length == 0) revert UnknownEnterprise(creditCode);
        return Enterprise(carbon, _predict($.dataLayerBeacon, salt));
    }

    function _predict(UpgradeableBeacon beacon, bytes32 salt) private view returns (address) {
        return LibClone.predictDeterministicAddressERC1967BeaconProxy(address(beacon), salt, address(this));
    }

    function _emitOnboarded(uint256 id, Onboarding calldata o, address carbon, address dataLayer) private {
        emit EnterpriseOnboarded(id, o.creditCode, carbon, dataLayer, o.name, o.industryCode, o.region);
    }

    function _enterpriseFactoryStorage() private pure returns (EnterpriseFactoryStorage storage $) {
        assembly {
            $.slot := ENTERPRISE_FACTORY_STORAGE
        }
    }
}
