// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IDrugProvenance} from "../interfaces/IDrugProvenance.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {CustodyTree} from "./libraries/CustodyTree.sol";
import {GS1} from "./libraries/GS1.sol";
import {ProvenanceStatus} from "./libraries/ProvenanceStatus.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title DrugProvenance
/// @notice DSCSA supply chain on-chain in GS1 EPCIS 2.0 terms: products registered only by the
/// licensee of their GS1 company prefix, lots commissioned as a Merkle root over their serials,
/// shipments between authorized trading partners with custody kept apart from ownership,
/// dispensing with cloned-serial detection, recalls, quarantine of suspect product, cold-chain
/// excursions and the DSCSA verification of a product identifier.
/// Only ids, digests, roots, EPCIS event hashes and IPFS CIDs are stored or emitted.
/// @dev Custody design. No storage is kept per unit in stock: units live in *holdings*. A holding
/// is the set of units of one lot in one party's possession (commissioned stock, or a shipment),
/// stored as the root of the lot's Merkle tree pruned to those units (see {CustodyTree}), with
/// its custodian (possessing party), owner (owning party), state and unit count. Commissioning
/// creates the lot's first holding, the whole tree, held and owned by the manufacturer: one
/// root, whatever the lot size. A shipment moves either a whole holding (no proof at all) or a
/// subset proven by one OpenZeppelin multiproof; in one pass over that proof the contract checks
/// the units are in the sender's holding and computes the root the sender keeps and the root of
/// the new holding, the shipment, whose id is the shipping event's EPCIS hash scoped to the
/// sender (a commissioning's likewise, to the manufacturer). Each unit is
/// therefore in exactly one holding at a time, and only that holding's custodian can prove it
/// there: nobody can ship, dispense or destroy units it does not hold. Dispensing and destroying
/// prune the unit from its holding with its single proof and write one slot for the unit, so
/// both are final and a second dispense of the serial is detected as a clone.
/// Limits: a subset shipment costs calldata and proof work linear in the units listed, and each
/// proof node costs more to hash and queue than its calldata, while a whole holding costs the
/// same at any size, so large quantities are best shipped as whole holdings (docs/benchmarks.md
/// gives the figures); the SDK must know each holding's units to build proofs, which
/// it reads from the EPCIS documents and checks against the roots here; unit counts are as
/// declared at commissioning (the contract cannot count a tree's leaves). {verify} checks a
/// unit against its lot's commissioned root, so it sees lot-level states (recall, lot
/// quarantine, open excursions of any holding of the lot) and unit-level ones (decommissioned,
/// quarantined, illegitimate), but not which holding the unit is in: an excursion makes the
/// whole lot answer Quarantined until the manufacturer or a regulator clears it. Ownership
/// changes only in a sale shipped by an owner that also holds the units; a third-party logistics
/// provider moves units it holds without selling them.
/// Suspect product stops moving (DSCSA quarantine): a holding of a recalled, quarantined or
/// illegitimate lot ships only back to the product's manufacturer. The rule is lot-wide, because
/// a whole-holding shipment names no units: a unit quarantined on its own still ships with its
/// holding, and is stopped where it would leave the supply chain ({dispense} refuses it). A
/// shipment already in transit when its lot is recalled or quarantined is still received: the
/// receiver has the packages in hand, so the record follows them, and from there they can only
/// go back to the manufacturer or be destroyed.
/// Standing. Stopping product is reserved to those with standing over it, so that no trading
/// partner can freeze a rival's product: a quarantine is placed by the product's manufacturer, a
/// regulator, or a party in the chain of custody of the target's lot, proven without storage per
/// party by a holding of that lot the caller is the custodian of (holdings are never deleted)
/// and, for a unit, the unit's proof in the lot's commissioned tree. A temperature excursion,
/// which also stops the lot, is opened only by the party that has the units now. A regulator
/// bars a party that abuses either ({setQuarantineBar}) and lifts quarantines and excursions.
/// Anyone else who finds suspect product raises an alert that changes nothing ({reportSuspect},
/// and {SuspectUnitFlagged} from a refused dispense).
contract DrugProvenance is IDrugProvenance {
    using SafeCast for uint256;

    /// @notice The ParticipantRegistry that says who is an authorized trading partner or regulator.
    IParticipantRegistry public immutable participants;

    mapping(uint8 length => mapping(uint64 companyPrefix => address manufacturer)) private _licensees;
    mapping(uint64 gtin => Product) private _products;
    mapping(uint64 gtin => bytes32[] lotKeys) private _productLots;
    mapping(bytes32 lotKey => Lot) private _lots;
    mapping(bytes32 holdingId => Holding) private _holdings;
    mapping(bytes32 unitId => Unit) private _units;
    mapping(address account => bool barred) private _barred;
    mapping(uint64 gln => GlnHolder) private _glnHolders;
    mapping(address party => uint64 gln) private _partyGlns;

    /// @notice Deploys the provenance registry over the suite's participants, with no company
    /// prefix licensed yet.
    /// @param participantRegistry the suite's ParticipantRegistry.
    constructor(IParticipantRegistry participantRegistry) {
        if (address(participantRegistry) == address(0)) revert DrugProvenanceZeroAddress();
        participants = participantRegistry;
    }

    // ---------------------------------------------------------------- products and lots

    /// @inheritdoc IDrugProvenance
    function licenseCompanyPrefix(uint64 companyPrefix, uint8 length, address manufacturer) external {
        _requireRegulator();
        if (!GS1.isValidCompanyPrefixLength(length)) revert DrugProvenanceInvalidCompanyPrefixLength(length);
        if (!GS1.fitsCompanyPrefix(companyPrefix, length)) {
            revert DrugProvenanceInvalidCompanyPrefix(companyPrefix, length);
        }
        if (manufacturer == address(0)) revert DrugProvenanceZeroAddress();

        address previous = _licensees[length][companyPrefix];
        _licensees[length][companyPrefix] = manufacturer;
        emit CompanyPrefixLicensed(companyPrefix, length, manufacturer, previous, msg.sender);
    }

    /// @inheritdoc IDrugProvenance
    function revokeCompanyPrefix(uint64 companyPrefix, uint8 length) external {
        _requireRegulator();
        address previous = _licensees[length][companyPrefix];
        if (previous == address(0)) revert DrugProvenanceCompanyPrefixNotFound(companyPrefix, length);

        delete _licensees[length][companyPrefix];
        emit CompanyPrefixRevoked(companyPrefix, length, previous, msg.sender);
    }

    /// @inheritdoc IDrugProvenance
    function registerProduct(
        uint64 gtin,
        uint8 companyPrefixLength,
        bytes32 nameHash,
        int16 minTemperature,
        int16 maxTemperature,
        bytes32 epcisHash,
        bytes calldata cid
    ) external {
        if (!participants.isActive(msg.sender, Roles.MANUFACTURER)) revert DrugProvenanceNotManufacturer(msg.sender);
        if (!GS1.isValidGtin(gtin)) revert DrugProvenanceInvalidGtin(gtin);
        if (!GS1.isValidCompanyPrefixLengthOf(gtin, companyPrefixLength)) {
            revert DrugProvenanceInvalidCompanyPrefixLength(companyPrefixLength);
        }
        _requireSoleLicensee(gtin, companyPrefixLength);
        if (nameHash == bytes32(0)) revert DrugProvenanceZeroValue();
        if (minTemperature > maxTemperature) {
            revert DrugProvenanceInvalidTemperatureRange(minTemperature, maxTemperature);
        }
        _requireAnchor(epcisHash, cid);
        // A product stays its registrant's while the registrant holds the prefix; after a transfer
        // or revocation the prefix's licensee registers it again and takes it over.
        Product storage existing = _products[gtin];
        if (
            existing.manufacturer != address(0)
            && _isLicensee(existing.manufacturer, gtin, existing.companyPrefixLength)
        ) {
            revert DrugProvenanceProductExists(gtin);
        }

        _products[gtin] = Product({
            manufacturer: msg.sender,
            companyPrefixLength: companyPrefixLength,
            minTemperature: minTemperature,
            maxTemperature: maxTemperature,
            nameHash: nameHash
        });
        emit ProductRegistered(
            gtin,
            msg.sender,
            companyPrefixLength,
            nameHash,
            minTemperature,
            maxTemperature,
            epcisHash,
            cid
        );
    }

    /// @inheritdoc IDrugProvenance
    function commission(
        uint64 gtin,
        bytes32 lot,
        uint32 expiry,
        uint32 quantity,
        bytes32 serialsRoot,
        bytes32 epcisHash,
        bytes calldata cid
    ) external {
        _requireManufacturerOf(gtin);
        uint8 prefixLength = _products[gtin].companyPrefixLength;
        if (!_isLicensee(msg.sender, gtin, prefixLength)) {
            revert DrugProvenanceCompanyPrefixNotLicensed(gtin, prefixLength, msg.sender);
        }
        if (lot == bytes32(0) || serialsRoot == bytes32(0)) revert DrugProvenanceZeroValue();
        if (!GS1.isValidExpiry(expiry)) revert DrugProvenanceInvalidExpiry(expiry);
        if (quantity == 0) revert DrugProvenanceInvalidQuantity();
        _requireAnchor(epcisHash, cid);
        bytes32 lotKey = _lotKey(gtin, lot);
        if (_lots[lotKey].serialsRoot != bytes32(0)) revert DrugProvenanceLotExists(lotKey);
        bytes32 id = _newHolding(epcisHash);

        _lots[lotKey] = Lot({
            serialsRoot: serialsRoot,
            gtin: gtin,
            expiry: expiry,
            quantity: quantity,
            commissionedAt: uint40(block.timestamp),
            recalled: false,
            investigation: Investigation.None,
            openExcursions: 0
        });
        _productLots[gtin].push(lotKey);
        Holding storage stock = _holdings[id];
        stock.root = serialsRoot;
        stock.lotKey = lotKey;
        stock.custodian = msg.sender;
        stock.state = HoldingState.Held;
        stock.units = quantity;
        stock.owner = msg.sender;
        emit LotCommissioned(lotKey, gtin, msg.sender, lot, expiry, quantity, serialsRoot, id, epcisHash, cid);
    }

    // ---------------------------------------------------------------- custody

    /// @inheritdoc IDrugProvenance
    function ship(
        bytes32 holding,
        UnitSelection calldata selection,
        address receiver,
        bool transfersOwnership,
        bytes32 epcisHash,
        bytes calldata cid
    ) external {
        _requireTradingPartner(msg.sender);
        Holding storage parent = _heldBy(holding, msg.sender);
        if (parent.root == bytes32(0)) revert DrugProvenanceEmptyHolding(holding);
        if (transfersOwnership && parent.owner != msg.sender) revert DrugProvenanceNotOwner(holding, msg.sender);
        if (receiver == address(0)) revert DrugProvenanceZeroAddress();
        if (receiver == msg.sender) revert DrugProvenanceInvalidReceiver(receiver);
        _requireTradingPartner(receiver);
        _requireMovable(holding, parent.lotKey, receiver);
        _requireAnchor(epcisHash, cid);
        bytes32 id = _newHolding(epcisHash);

        _dispatch(holding, parent, selection, receiver, transfersOwnership, id);
        Holding storage shipment = _holdings[id];
        emit ShipmentDispatched(
            id,
            shipment.lotKey,
            receiver,
            holding,
            msg.sender,
            transfersOwnership,
            shipment.units,
            shipment.root,
            parent.root,
            epcisHash,
            cid
        );
    }

    /// @inheritdoc IDrugProvenance
    function receiveShipment(bytes32 shipment, bytes32 epcisHash, bytes calldata cid) external {
        Holding storage h = _inTransit(shipment);
        if (h.receiver != msg.sender) revert DrugProvenanceNotReceiver(shipment, msg.sender);
        _requireTradingPartner(msg.sender);
        _requireAnchor(epcisHash, cid);

        h.custodian = msg.sender;
        h.state = HoldingState.Held;
        if (h.transfersOwnership) h.owner = msg.sender;
        delete h.receiver;
        emit ShipmentReceived(shipment, h.lotKey, msg.sender, h.owner, epcisHash, cid);
    }

    /// @inheritdoc IDrugProvenance
    function voidShipment(bytes32 shipment, bytes32 reasonHash, bytes32 epcisHash, bytes calldata cid) external {
        Holding storage h = _inTransit(shipment);
        if (h.custodian != msg.sender) revert DrugProvenanceNotCustodian(shipment, msg.sender);
        _requireTradingPartner(msg.sender);
        if (reasonHash == bytes32(0)) revert DrugProvenanceZeroValue();
        _requireAnchor(epcisHash, cid);

        h.state = HoldingState.Voided;
        delete h.receiver;
        emit ShipmentVoided(shipment, h.lotKey, msg.sender, reasonHash, epcisHash, cid);
    }

    // ---------------------------------------------------------------- decommissioning

    /// @inheritdoc IDrugProvenance
    function dispense(
        bytes32 holding,
        bytes32 serial,
        bytes32[] calldata proof,
        bytes32 epcisHash,
        bytes calldata cid
    ) external returns (bool dispensed) {
        if (!participants.isActive(msg.sender, Roles.DISPENSER)) revert DrugProvenanceNotDispenser(msg.sender);
        Holding storage h = _heldBy(holding, msg.sender);
        _requireAnchor(epcisHash, cid);

        (bytes32 unitId, bool suspect, SuspectReason reason) = _dispenseFrom(h, serial, proof);
        if (suspect) {
            _flagSuspect(h, unitId, holding, reason, epcisHash, cid);
            return false;
        }
        emit UnitDispensed(unitId, h.lotKey, msg.sender, holding, epcisHash, cid);
        return true;
    }

    /// @inheritdoc IDrugProvenance
    function destroy(
        bytes32 holding,
        bytes32 serial,
        bytes32[] calldata proof,
        bytes32 epcisHash,
        bytes calldata cid
    ) external {
        _requireTradingPartner(msg.sender);
        Holding storage h = _heldBy(holding, msg.sender);
        _requireAnchor(epcisHash, cid);

        bytes32 unitId = _unitId(_lots[h.lotKey].gtin, serial);
        (bytes32 root, bytes32 remainder) = CustodyTree.remove(proof, CustodyTree.leaf(unitId));
        if (root != h.root) revert DrugProvenanceUnitNotHeld(holding, unitId);

        _decommission(h, _units[unitId], remainder, UnitState.Destroyed);
        emit UnitDestroyed(unitId, h.lotKey, msg.sender, holding, epcisHash, cid);
    }

    // ---------------------------------------------------------------- recall and investigations

    /// @inheritdoc IDrugProvenance
    function recall(uint64 gtin, bytes32 lot, bytes32 reasonHash, bytes32 epcisHash, bytes calldata cid) external {
        _requireAuthority(gtin);
        if (reasonHash == bytes32(0)) revert DrugProvenanceZeroValue();
        _requireAnchor(epcisHash, cid);
        bytes32 lotKey = _lotKey(gtin, lot);
        Lot storage record = _requireLot(lotKey);
        if (record.recalled) revert DrugProvenanceLotRecalled(lotKey);

        record.recalled = true;
        emit LotRecalled(lotKey, gtin, msg.sender, reasonHash, epcisHash, cid);
    }

    /// @inheritdoc IDrugProvenance
    function quarantine(
        Scope scope,
        uint64 gtin,
        bytes32 id,
        Standing calldata standing,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes calldata cid
    ) external {
        _requireNotBarred();
        address manufacturer = _requireProduct(gtin).manufacturer;
        if (id == bytes32(0) || reasonHash == bytes32(0)) revert DrugProvenanceZeroValue();
        _requireAnchor(epcisHash, cid);
        bytes32 target = _investigationTarget(scope, gtin, id);
        _requireStanding(scope, gtin, manufacturer, target, standing);
        _moveInvestigation(scope, target, Investigation.None, Investigation.Quarantined);
        emit ProductQuarantined(target, gtin, msg.sender, scope, reasonHash, epcisHash, cid);
    }

    /// @inheritdoc IDrugProvenance
    function reportSuspect(
        Scope scope,
        uint64 gtin,
        bytes32 id,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes calldata cid
    ) external {
        _requireTradingPartner(msg.sender);
        address manufacturer = _requireProduct(gtin).manufacturer;
        if (id == bytes32(0) || reasonHash == bytes32(0)) revert DrugProvenanceZeroValue();
        _requireAnchor(epcisHash, cid);
        bytes32 target = scope == Scope.Lot ? _lotKey(gtin, id) : _unitId(gtin, id);
        emit SuspectProductReported(gtin, manufacturer, msg.sender, scope, target, reasonHash, epcisHash, cid);
    }

    /// @inheritdoc IDrugProvenance
    function setQuarantineBar(address account, bool barred) external {
        _requireRegulator();
        if (account == address(0)) revert DrugProvenanceZeroAddress();
        if (_barred[account] == barred) revert DrugProvenanceBarUnchanged(account, barred);

        _barred[account] = barred;
        emit QuarantineBarSet(account, barred, msg.sender);
    }

    /// @inheritdoc IDrugProvenance
    function clear(Scope scope, uint64 gtin, bytes32 id, bytes32 epcisHash, bytes calldata cid) external {
        _requireAuthority(gtin);
        _requireAnchor(epcisHash, cid);
        bytes32 target = _investigationTarget(scope, gtin, id);
        _moveInvestigation(scope, target, Investigation.Quarantined, Investigation.None);
        emit ProductCleared(target, gtin, msg.sender, scope, epcisHash, cid);
    }

    /// @inheritdoc IDrugProvenance
    function confirmIllegitimate(
        Scope scope,
        uint64 gtin,
        bytes32 id,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes calldata cid
    ) external {
        _requireAuthority(gtin);
        if (reasonHash == bytes32(0)) revert DrugProvenanceZeroValue();
        _requireAnchor(epcisHash, cid);
        bytes32 target = _investigationTarget(scope, gtin, id);
        _moveInvestigation(scope, target, Investigation.Quarantined, Investigation.Illegitimate);
        emit ProductConfirmedIllegitimate(target, gtin, msg.sender, scope, reasonHash, epcisHash, cid);
    }

    // ---------------------------------------------------------------- cold chain

    /// @inheritdoc IDrugProvenance
    function recordSensorReadings(
        bytes32 holding,
        int16 minReading,
        int16 maxReading,
        bytes32 epcisHash,
        bytes calldata cid
    ) external {
        _requireTradingPartner(msg.sender);
        Holding storage h = _requireHolding(holding);
        bool receiving = h.state == HoldingState.InTransit && h.receiver == msg.sender;
        if (h.custodian != msg.sender && !receiving) revert DrugProvenanceNotCustodian(holding, msg.sender);
        if (minReading > maxReading) revert DrugProvenanceInvalidReadings(minReading, maxReading);
        _requireAnchor(epcisHash, cid);

        Lot storage lot = _lots[h.lotKey];
        Product storage product = _products[lot.gtin];
        bool excursion = minReading < product.minTemperature || maxReading > product.maxTemperature;
        if (excursion) {
            // An excursion stops the whole lot: only the party that has the units now reports one.
            _requireNotBarred();
            if (h.state == HoldingState.InTransit && !receiving) {
                revert DrugProvenanceUnexpectedHoldingState(holding, HoldingState.InTransit);
            }
            if (h.root == bytes32(0)) revert DrugProvenanceEmptyHolding(holding);
            if (!h.excursion) {
                h.excursion = true;
                ++lot.openExcursions;
            }
        }
        emit SensorReadingsAnchored(holding, h.lotKey, msg.sender, minReading, maxReading, excursion, epcisHash, cid);
    }

    /// @inheritdoc IDrugProvenance
    function clearExcursion(bytes32 holding, bytes32 epcisHash, bytes calldata cid) external {
        Holding storage h = _requireHolding(holding);
        Lot storage lot = _lots[h.lotKey];
        _requireAuthority(lot.gtin);
        if (!h.excursion) revert DrugProvenanceNoExcursion(holding);
        _requireAnchor(epcisHash, cid);

        h.excursion = false;
        --lot.openExcursions;
        emit ExcursionCleared(holding, h.lotKey, msg.sender, epcisHash, cid);
    }

    // ---------------------------------------------------------------- parties' GS1 identifiers

    /// @inheritdoc IDrugProvenance
    function registerGln(uint64 gln, uint8 companyPrefixLength, bool isParty) external {
        _requireTradingPartner(msg.sender);
        if (!GS1.isValidGln(gln)) revert DrugProvenanceInvalidGln(gln);
        if (!GS1.isValidCompanyPrefixLength(companyPrefixLength)) {
            revert DrugProvenanceInvalidCompanyPrefixLength(companyPrefixLength);
        }
        // A GLN-13 is a GTIN-14 with indicator digit 0: its prefix is its first digits.
        _requireSoleLicensee(gln, companyPrefixLength);

        GlnHolder storage holder = _glnHolders[gln];
        address previous = holder.party;
        holder.party = msg.sender;
        holder.companyPrefixLength = companyPrefixLength;
        holder.isParty = isParty;
        if (isParty) _partyGlns[msg.sender] = gln;
        emit GlnRegistered(gln, msg.sender, companyPrefixLength, isParty, previous);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDrugProvenance
    function verify(
        uint64 gtin,
        bytes32 serial,
        bytes32 lot,
        uint32 expiry,
        bytes32[] calldata proof
    ) external view returns (VerificationStatus) {
        if (_products[gtin].manufacturer == address(0)) return VerificationStatus.Unknown;
        bytes32 unitId = _unitId(gtin, serial);
        bytes32 leaf = CustodyTree.leaf(unitId);
        bytes32 claimedKey = _lotKey(gtin, lot);
        Lot memory claimed = _lots[claimedKey];
        if (claimed.serialsRoot != bytes32(0) && MerkleProof.verifyCalldata(proof, claimed.serialsRoot, leaf)) {
            if (claimed.expiry != expiry) return VerificationStatus.Mismatch;
            return ProvenanceStatus.statusOf(claimed, _units[unitId], block.timestamp);
        }
        bytes32[] storage lotKeys = _productLots[gtin];
        for (uint256 i = lotKeys.length; i > 0; --i) {
            bytes32 key = lotKeys[i - 1];
            if (key != claimedKey && MerkleProof.verifyCalldata(proof, _lots[key].serialsRoot, leaf)) {
                return VerificationStatus.Mismatch;
            }
        }
        return VerificationStatus.Unknown;
    }

    /// @inheritdoc IDrugProvenance
    function productOf(uint64 gtin) external view returns (Product memory) {
        return _products[gtin];
    }

    /// @inheritdoc IDrugProvenance
    function licenseeOf(uint64 companyPrefix, uint8 length) external view returns (address) {
        return _licensees[length][companyPrefix];
    }

    /// @inheritdoc IDrugProvenance
    function lotOf(bytes32 lotKey) external view returns (Lot memory) {
        return _lots[lotKey];
    }

    /// @inheritdoc IDrugProvenance
    function lotsOf(uint64 gtin) external view returns (bytes32[] memory) {
        return _productLots[gtin];
    }

    /// @inheritdoc IDrugProvenance
    function holdingOf(bytes32 holding) external view returns (Holding memory) {
        return _holdings[holding];
    }

    /// @inheritdoc IDrugProvenance
    function unitOf(uint64 gtin, bytes32 serial) external view returns (Unit memory) {
        return _units[_unitId(gtin, serial)];
    }

    /// @inheritdoc IDrugProvenance
    function isTradingPartner(address account) external view returns (bool) {
        return _isTradingPartner(account, participants.rolesOf(account));
    }

    /// @inheritdoc IDrugProvenance
    function isBarred(address account) external view returns (bool) {
        return _barred[account];
    }

    /// @inheritdoc IDrugProvenance
    function glnHolderOf(uint64 gln) external view returns (address, uint8) {
        GlnHolder storage holder = _glnHolders[gln];
        address party = holder.party;
        uint8 length = holder.companyPrefixLength;
        // A binding lasts while its binder holds the prefix: void after a revocation or a move.
        if (party == address(0) || !_isLicensee(party, gln, length)) return (address(0), 0);
        return (party, length);
    }

    /// @inheritdoc IDrugProvenance
    function partyGlnOf(address account) external view returns (uint64) {
        uint64 gln = _partyGlns[account];
        GlnHolder storage holder = _glnHolders[gln];
        bool held = holder.party == account && holder.isParty && _isLicensee(account, gln, holder.companyPrefixLength);
        return held ? gln : 0;
    }

    /// @inheritdoc IDrugProvenance
    function lotKeyOf(uint64 gtin, bytes32 lot) external pure returns (bytes32) {
        return _lotKey(gtin, lot);
    }

    /// @inheritdoc IDrugProvenance
    function unitIdOf(uint64 gtin, bytes32 serial) external pure returns (bytes32) {
        return _unitId(gtin, serial);
    }

    /// @inheritdoc IDrugProvenance
    function holdingIdOf(address creator, bytes32 epcisHash) external pure returns (bytes32) {
        return _holdingId(creator, epcisHash);
    }

    // ---------------------------------------------------------------- internals: custody

    /// @dev The units that leave `parent` in a shipment: the whole holding when none are selected,
    /// else the units the multiproof shows in it. Returns the shipment's root, the parent's new
    /// root and the number of units shipped.
    function _take(
        bytes32 holding,
        Holding storage parent,
        UnitSelection calldata selection
    ) private view returns (bytes32 shipped, bytes32 remainder, uint32 count) {
        bytes32[] calldata units = selection.units;
        if (units.length == 0) return (parent.root, bytes32(0), parent.units);
        (bool valid, bytes32 root, bytes32 rest, bytes32 part) = CustodyTree.split(
            units,
            selection.proof,
            selection.proofFlags
        );
        if (!valid || root != parent.root) revert DrugProvenanceUnitsNotHeld(holding);
        return (part, rest, units.length.toUint32());
    }

    /// @dev Moves the selected units of `parent` into the new in-transit holding `id`.
    function _dispatch(
        bytes32 holding,
        Holding storage parent,
        UnitSelection calldata selection,
        address receiver,
        bool transfersOwnership,
        bytes32 id
    ) private {
        (bytes32 shipped, bytes32 remainder, uint32 count) = _take(holding, parent, selection);
        parent.root = remainder;
        parent.units = remainder == bytes32(0) ? 0 : _less(parent.units, count);

        Holding storage shipment = _holdings[id];
        shipment.root = shipped;
        shipment.lotKey = parent.lotKey;
        shipment.custodian = msg.sender;
        shipment.state = HoldingState.InTransit;
        shipment.transfersOwnership = transfersOwnership;
        shipment.units = count;
        shipment.owner = parent.owner;
        shipment.receiver = receiver;
    }

    function _decommission(Holding storage h, Unit storage unit, bytes32 remainder, UnitState state) private {
        h.root = remainder;
        h.units = _less(h.units, 1);
        unit.state = state;
        unit.decommissionedAt = uint40(block.timestamp);
        unit.decommissionedBy = msg.sender;
    }

    /// @dev Dispenses unit `serial` of `h` if it is there and saleable; a decommissioned serial,
    /// or one the proof does not show in the holding, is reported as suspect instead.
    function _dispenseFrom(
        Holding storage h,
        bytes32 serial,
        bytes32[] calldata proof
    ) private returns (bytes32 unitId, bool suspect, SuspectReason reason) {
        Lot storage lot = _lots[h.lotKey];
        unitId = _unitId(lot.gtin, serial);
        Unit storage unit = _units[unitId];
        if (unit.state != UnitState.Active) return (unitId, true, SuspectReason.Decommissioned);
        (bytes32 root, bytes32 remainder) = CustodyTree.remove(proof, CustodyTree.leaf(unitId));
        if (root != h.root) return (unitId, true, SuspectReason.NotHeld);
        VerificationStatus status = ProvenanceStatus.statusOf(lot, unit, block.timestamp);
        if (status != VerificationStatus.Valid) revert DrugProvenanceNotSaleable(unitId, status);
        _decommission(h, unit, remainder, UnitState.Dispensed);
    }

    /// @dev The alert of a dispense that found a cloned or unknown serial in `h`: an event for the
    /// product's manufacturer and regulators, and nothing else. The dispenser cannot prove it
    /// holds the unit, so it has no standing to quarantine it.
    function _flagSuspect(
        Holding storage h,
        bytes32 unitId,
        bytes32 holding,
        SuspectReason reason,
        bytes32 epcisHash,
        bytes calldata cid
    ) private {
        uint64 gtin = _lots[h.lotKey].gtin;
        emit SuspectUnitFlagged(
            unitId,
            _products[gtin].manufacturer,
            msg.sender,
            gtin,
            holding,
            reason,
            epcisHash,
            cid
        );
    }

    /// @dev The key of an investigation's target: a commissioned lot's key or a unit's id.
    function _investigationTarget(Scope scope, uint64 gtin, bytes32 id) private view returns (bytes32 target) {
        if (scope == Scope.Lot) {
            target = _lotKey(gtin, id);
            _requireLot(target);
        } else {
            target = _unitId(gtin, id);
        }
    }

    /// @dev Moves the investigation status of lot or unit `target` from `from` to `to`.
    function _moveInvestigation(Scope scope, bytes32 target, Investigation from, Investigation to) private {
        Investigation current;
        if (scope == Scope.Lot) {
            Lot storage lot = _lots[target];
            current = lot.investigation;
            if (current == from) lot.investigation = to;
        } else {
            Unit storage unit = _units[target];
            current = unit.investigation;
            if (current == from) unit.investigation = to;
        }
        if (current != from) revert DrugProvenanceUnexpectedInvestigation(target, current);
    }

    // ---------------------------------------------------------------- internals: checks

    function _requireAnchor(bytes32 epcisHash, bytes calldata cid) private pure {
        if (epcisHash == bytes32(0) || cid.length == 0) revert DrugProvenanceInvalidAnchor();
    }

    /// @dev The id of the holding the caller makes with `epcisHash`, which must be new.
    function _newHolding(bytes32 epcisHash) private view returns (bytes32 id) {
        id = _holdingId(msg.sender, epcisHash);
        if (_holdings[id].state != HoldingState.None) revert DrugProvenanceHoldingExists(id);
    }

    function _requireHolding(bytes32 id) private view returns (Holding storage h) {
        h = _holdings[id];
        if (h.state == HoldingState.None) revert DrugProvenanceHoldingNotFound(id);
    }

    /// @dev A holding `account` holds now: it is its custodian and the holding is not in transit.
    function _heldBy(bytes32 id, address account) private view returns (Holding storage h) {
        h = _requireHolding(id);
        if (h.custodian != account) revert DrugProvenanceNotCustodian(id, account);
        if (h.state == HoldingState.InTransit) revert DrugProvenanceUnexpectedHoldingState(id, h.state);
    }

    /// @dev DSCSA: recalled, quarantined or illegitimate product stops moving, except back to its
    /// manufacturer (a return). The rule is lot-wide; a quarantined unit is stopped at dispense.
    function _requireMovable(bytes32 holding, bytes32 lotKey, address receiver) private view {
        Lot storage lot = _lots[lotKey];
        VerificationStatus hold = ProvenanceStatus.lotHoldOf(lot);
        if (hold != VerificationStatus.Valid && receiver != _products[lot.gtin].manufacturer) {
            revert DrugProvenanceNotMovable(holding, hold);
        }
    }

    function _inTransit(bytes32 id) private view returns (Holding storage h) {
        h = _requireHolding(id);
        if (h.state != HoldingState.InTransit) revert DrugProvenanceUnexpectedHoldingState(id, h.state);
    }

    function _requireProduct(uint64 gtin) private view returns (Product storage product) {
        product = _products[gtin];
        if (product.manufacturer == address(0)) revert DrugProvenanceProductNotFound(gtin);
    }

    function _requireLot(bytes32 lotKey) private view returns (Lot storage lot) {
        lot = _lots[lotKey];
        if (lot.serialsRoot == bytes32(0)) revert DrugProvenanceLotNotFound(lotKey);
    }

    function _requireNotBarred() private view {
        if (_barred[msg.sender]) revert DrugProvenanceBarred(msg.sender);
    }

    /// @dev The caller may quarantine `target` (key of a lot, or id of a unit, of `gtin`, made by
    /// `manufacturer`): it is the product's active manufacturer or an active regulator, or an
    /// authorized trading partner whose `standing` shows it in the target lot's chain of custody.
    /// The caller's role set is read once, so each path asks the registry two questions.
    function _requireStanding(
        Scope scope,
        uint64 gtin,
        address manufacturer,
        bytes32 target,
        Standing calldata standing
    ) private view {
        uint256 roles = participants.rolesOf(msg.sender);
        if (manufacturer == msg.sender && _isActiveAs(msg.sender, roles, Roles.MANUFACTURER)) return;
        if (_isActiveAs(msg.sender, roles, Roles.REGULATOR)) return;
        if (!_isTradingPartner(msg.sender, roles)) revert DrugProvenanceNotTradingPartner(msg.sender);
        if (!_inChainOfCustody(scope, gtin, target, standing)) revert DrugProvenanceNoStanding(msg.sender, target);
    }

    /// @dev Whether `standing` shows the caller in the chain of custody of `target`'s lot: it is
    /// the custodian of the standing holding (which a receiver becomes only on receipt), the
    /// holding is of the target lot or, for a unit, of a lot of `gtin` whose commissioned tree
    /// the proof shows the unit in. A holding that does not exist has no custodian.
    function _inChainOfCustody(
        Scope scope,
        uint64 gtin,
        bytes32 target,
        Standing calldata standing
    ) private view returns (bool) {
        Holding storage h = _holdings[standing.holding];
        if (h.custodian != msg.sender) return false;
        bytes32 lotKey = h.lotKey;
        if (scope == Scope.Lot) return lotKey == target;
        Lot storage lot = _lots[lotKey];
        return
            lot.gtin == gtin && MerkleProof.verifyCalldata(standing.proof, lot.serialsRoot, CustodyTree.leaf(target));
    }

    function _requireRegulator() private view {
        if (!participants.isActive(msg.sender, Roles.REGULATOR)) revert DrugProvenanceNotRegulator(msg.sender);
    }

    /// @dev Whether `account` is the licensee of the company prefix of `gtin` of `length` digits.
    function _isLicensee(address account, uint64 gtin, uint8 length) private view returns (bool) {
        return _licensees[length][GS1.companyPrefixOf(gtin, length)] == account;
    }

    /// @dev The caller holds the prefix of `gtin` at `declared` digits, and nobody else holds its
    /// prefix at another length (GS1 prefixes never overlap; a regulator's records might).
    function _requireSoleLicensee(uint64 gtin, uint8 declared) private view {
        for (uint8 length = GS1.MIN_COMPANY_PREFIX_LENGTH; length <= GS1.MAX_COMPANY_PREFIX_LENGTH; ++length) {
            address licensee = _licensees[length][GS1.companyPrefixOf(gtin, length)];
            bool allowed =
                length == declared ? licensee == msg.sender : licensee == address(0) || licensee == msg.sender;
            if (!allowed) revert DrugProvenanceCompanyPrefixNotLicensed(gtin, length, msg.sender);
        }
    }

    /// @dev The caller is an active MANUFACTURER and registered `gtin`.
    function _requireManufacturerOf(uint64 gtin) private view {
        if (!participants.isActive(msg.sender, Roles.MANUFACTURER)) revert DrugProvenanceNotManufacturer(msg.sender);
        if (_requireProduct(gtin).manufacturer != msg.sender) {
            revert DrugProvenanceNotProductManufacturer(gtin, msg.sender);
        }
    }

    /// @dev The caller is the active manufacturer of `gtin`, or a regulator.
    function _requireAuthority(uint64 gtin) private view {
        Product storage product = _requireProduct(gtin);
        bool manufacturer = product.manufacturer == msg.sender && participants.isActive(msg.sender, Roles.MANUFACTURER);
        if (!manufacturer && !participants.isActive(msg.sender, Roles.REGULATOR)) {
            revert DrugProvenanceNotAuthority(gtin, msg.sender);
        }
    }

    function _requireTradingPartner(address account) private view {
        if (!_isTradingPartner(account, participants.rolesOf(account))) revert DrugProvenanceNotTradingPartner(account);
    }

    /// @dev DSCSA's authorized trading partner: an active credential as manufacturer, wholesale
    /// distributor or dispenser. Only the roles the account holds (`roles`, its role set) are
    /// asked about.
    function _isTradingPartner(address account, uint256 roles) private view returns (bool) {
        return
            _isActiveAs(account, roles, Roles.MANUFACTURER)
            || _isActiveAs(account, roles, Roles.DISTRIBUTOR)
            || _isActiveAs(account, roles, Roles.DISPENSER);
    }

    /// @dev Whether `account`, whose role set is `roles`, may act as `role` now; the registry is
    /// asked only about a role the account holds.
    function _isActiveAs(address account, uint256 roles, bytes32 role) private view returns (bool) {
        return roles & Roles.bit(role) != 0 && participants.isActive(account, role);
    }

    // ---------------------------------------------------------------- internals: helpers

    function _lotKey(uint64 gtin, bytes32 lot) private pure returns (bytes32) {
        return keccak256(abi.encode(gtin, lot));
    }

    function _unitId(uint64 gtin, bytes32 serial) private pure returns (bytes32) {
        return keccak256(abi.encode(gtin, serial));
    }

    function _holdingId(address creator, bytes32 epcisHash) private pure returns (bytes32) {
        return keccak256(abi.encode(creator, epcisHash));
    }

    /// @dev `a - b`, or zero: unit counts are as declared, so they must not make a transfer revert.
    function _less(uint32 a, uint32 b) private pure returns (uint32) {
        return a > b ? a - b : 0;
    }
}
