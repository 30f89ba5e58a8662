// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IDrugProvenance} from "../interfaces/IDrugProvenance.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
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
/// @dev Custody design. No storage is kept per unit in stock: units live in *holdings*. A unit is
/// a position (0 to quantity - 1, its place in the commissioning document) in its lot, and a
/// holding is the set of positions of one lot in one party's possession (commissioned stock,
/// or a shipment), kept as one commitment to its 256-position words (see {Holding}) with its
/// custodian (possessing party), owner (owning party, stored only when it is not the
/// custodian), state and unit count. Commissioning creates the lot's first holding, every
/// position, held and owned by the manufacturer: one commitment to "nothing gone", whatever
/// the lot size. A shipment moves either a whole holding (its commitment as it is, no words
/// at all) or a subset: the sender passes its holding's words and the taken words, the
/// contract checks the former against the commitment and each taken position against them,
/// then writes the parent's new commitment and the shipment's, the new holding whose id is the
/// shipping event's EPCIS hash scoped to the sender and to the receiver, which is not stored (a
/// commissioning's likewise, to the manufacturer twice). Each position is therefore in exactly
/// one holding at a time, and only that holding's custodian can take it out: nobody can ship,
/// dispense or destroy units it does not hold. A serial is tied to its position by the lot's
/// Merkle tree, whose leaves are (unit id, position): dispensing and destroying prove the leaf,
/// clear the position's bit with the same commitment update and write one slot for the unit, so
/// both are final and a second dispense of the serial is detected as a clone.
/// Limits: a subset shipment costs calldata and work linear in the words its holding differs
/// from its base in and the words it takes (not in the units), a whole holding the same at
/// any size (docs/benchmarks.md gives the figures); the SDK must know each holding's units to
/// build the words, which it reads from the EPCIS documents and checks against the
/// commitments here. {verify} checks a
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

    /// @dev A holding as stored: the commitment, one packed slot, and the owner, written only when
    /// it is not the custodian (which `ownerStored` says, so a holding its custodian owns never
    /// reads the owner slot). A shipment's receiver is not stored: the shipment's id binds it
    /// ({holdingIdOf}), and the receiver shows it by giving the shipping event's hash.
    struct HoldingRecord {
        bytes32 commitment;
        address custodian;
        HoldingState state;
        bool transfersOwnership;
        bool excursion;
        bool complement;
        bool ownerStored;
        uint32 units;
        uint24 lotNumber;
        address owner;
    }

    /// @dev A shipment being made, in memory (the event's arguments fill the stack): its parent's
    /// owner and lot (number and key), read once, then what it took (its commitment and unit
    /// count) and the commitment its parent has left.
    struct Dispatch {
        address owner;
        uint24 lotNumber;
        bytes32 lotKey;
        bytes32 commitment;
        uint32 units;
        bytes32 left;
    }

    /// @dev DSCSA's authorized trading partners: manufacturers, wholesale distributors and
    /// dispensers, as a role set (ParticipantRegistry.activeRolesOf).
    uint256 private constant _TRADING_PARTNER_BITS =
        (1 << Roles.MANUFACTURER_BIT) | (1 << Roles.DISTRIBUTOR_BIT) | (1 << Roles.DISPENSER_BIT);

    /// @dev The commitment of no words: `keccak256(abi.encode(new Word[](0)))`.
    bytes32 private constant _NO_WORDS = keccak256(abi.encode(uint256(0x20), uint256(0)));

    /// @notice The ParticipantRegistry that says who is an authorized trading partner or regulator.
    IParticipantRegistry public immutable participants;

    mapping(uint8 length => mapping(uint64 companyPrefix => address manufacturer)) private _licensees;
    mapping(uint64 gtin => Product) private _products;
    mapping(uint64 gtin => bytes32[] lotKeys) private _productLots;
    mapping(bytes32 lotKey => Lot) private _lots;
    /// @dev Lot numbers (1, 2, ...) in commissioning order, so a holding names its lot in 3 bytes
    /// (16,777,215 lots in all: commissioning reverts past that).
    mapping(uint24 lotNumber => bytes32 lotKey) private _lotKeys;
    uint24 private _lotCount;
    mapping(bytes32 holdingId => HoldingRecord) private _holdings;
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
        bytes32 id = _newHolding(epcisHash, msg.sender);

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
        _openStock(id, lotKey, quantity);
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
        HoldingRecord storage parent = _heldBy(holding, msg.sender);
        if (parent.units == 0) revert DrugProvenanceEmptyHolding(holding);
        // slither-disable-next-line uninitialized-local -- zeroed in memory, filled field by field
        Dispatch memory sent;
        (sent.owner, sent.lotNumber) = (_ownerOf(parent), parent.lotNumber);
        if (transfersOwnership && sent.owner != msg.sender) revert DrugProvenanceNotOwner(holding, msg.sender);
        if (receiver == address(0)) revert DrugProvenanceZeroAddress();
        if (receiver == msg.sender) revert DrugProvenanceInvalidReceiver(receiver);
        _requireTradingPartner(receiver);
        sent.lotKey = _lotKeys[sent.lotNumber];
        _requireMovable(holding, sent.lotKey, receiver);
        _requireAnchor(epcisHash, cid);
        bytes32 id = _newHolding(epcisHash, receiver);

        _dispatch(holding, parent, selection, transfersOwnership, id, sent);
        emit ShipmentDispatched(
            id,
            sent.lotKey,
            receiver,
            holding,
            msg.sender,
            transfersOwnership,
            sent.units,
            sent.commitment,
            sent.left,
            epcisHash,
            cid
        );
    }

    /// @inheritdoc IDrugProvenance
    function receiveShipment(bytes32 shipment, bytes32 dispatchHash, bytes32 epcisHash, bytes calldata cid) external {
        HoldingRecord storage h = _inTransit(shipment);
        if (!_isReceiver(shipment, h, dispatchHash)) revert DrugProvenanceNotReceiver(shipment, msg.sender);
        _requireTradingPartner(msg.sender);
        _requireAnchor(epcisHash, cid);

        // The owner slot is written only when the owner is not the custodian.
        address owner = h.transfersOwnership ? msg.sender : _ownerOf(h);
        bool stored = owner != msg.sender;
        if (stored) h.owner = owner;
        h.ownerStored = stored;
        h.custodian = msg.sender;
        h.state = HoldingState.Held;
        emit ShipmentReceived(shipment, _lotKeys[h.lotNumber], msg.sender, owner, epcisHash, cid);
    }

    /// @inheritdoc IDrugProvenance
    function voidShipment(bytes32 shipment, bytes32 reasonHash, bytes32 epcisHash, bytes calldata cid) external {
        HoldingRecord storage h = _inTransit(shipment);
        if (h.custodian != msg.sender) revert DrugProvenanceNotCustodian(shipment, msg.sender);
        _requireTradingPartner(msg.sender);
        if (reasonHash == bytes32(0)) revert DrugProvenanceZeroValue();
        _requireAnchor(epcisHash, cid);

        h.state = HoldingState.Voided;
        emit ShipmentVoided(shipment, _lotKeys[h.lotNumber], msg.sender, reasonHash, epcisHash, cid);
    }

    // ---------------------------------------------------------------- decommissioning

    /// @inheritdoc IDrugProvenance
    function dispense(
        bytes32 holding,
        bytes32 serial,
        HeldUnit calldata unit,
        bytes32 epcisHash,
        bytes calldata cid
    ) external returns (bool dispensed) {
        if (!participants.isActive(msg.sender, Roles.DISPENSER)) revert DrugProvenanceNotDispenser(msg.sender);
        _requireAnchor(epcisHash, cid);

        (bytes32 unitId, bytes32 lotKey, bool suspect, SuspectReason reason) = _dispenseFrom(holding, serial, unit);
        if (suspect) {
            _flagSuspect(lotKey, unitId, holding, reason, epcisHash, cid);
            return false;
        }
        emit UnitDispensed(unitId, lotKey, msg.sender, holding, epcisHash, cid);
        return true;
    }

    /// @inheritdoc IDrugProvenance
    function destroy(
        bytes32 holding,
        bytes32 serial,
        HeldUnit calldata unit,
        bytes32 epcisHash,
        bytes calldata cid
    ) external {
        _requireTradingPartner(msg.sender);
        _requireAnchor(epcisHash, cid);

        (bytes32 unitId, bytes32 lotKey) = _destroyFrom(holding, serial, unit);
        emit UnitDestroyed(unitId, lotKey, msg.sender, holding, epcisHash, cid);
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
        bytes32 dispatchHash,
        int16 minReading,
        int16 maxReading,
        bytes32 epcisHash,
        bytes calldata cid
    ) external {
        _requireTradingPartner(msg.sender);
        HoldingRecord storage h = _requireHolding(holding);
        bool receiving = h.state == HoldingState.InTransit && _isReceiver(holding, h, dispatchHash);
        if (h.custodian != msg.sender && !receiving) revert DrugProvenanceNotCustodian(holding, msg.sender);
        if (minReading > maxReading) revert DrugProvenanceInvalidReadings(minReading, maxReading);
        _requireAnchor(epcisHash, cid);

        bytes32 lotKey = _lotKeys[h.lotNumber];
        Lot storage lot = _lots[lotKey];
        Product storage product = _products[lot.gtin];
        bool excursion = minReading < product.minTemperature || maxReading > product.maxTemperature;
        if (excursion) {
            // An excursion stops the whole lot: only the party that has the units now reports one.
            _requireNotBarred();
            if (h.state == HoldingState.InTransit && !receiving) {
                revert DrugProvenanceUnexpectedHoldingState(holding, HoldingState.InTransit);
            }
            if (h.units == 0) revert DrugProvenanceEmptyHolding(holding);
            if (!h.excursion) {
                h.excursion = true;
                ++lot.openExcursions;
            }
        }
        emit SensorReadingsAnchored(holding, lotKey, msg.sender, minReading, maxReading, excursion, epcisHash, cid);
    }

    /// @inheritdoc IDrugProvenance
    function clearExcursion(bytes32 holding, bytes32 epcisHash, bytes calldata cid) external {
        HoldingRecord storage h = _requireHolding(holding);
        bytes32 lotKey = _lotKeys[h.lotNumber];
        Lot storage lot = _lots[lotKey];
        _requireAuthority(lot.gtin);
        if (!h.excursion) revert DrugProvenanceNoExcursion(holding);
        _requireAnchor(epcisHash, cid);

        h.excursion = false;
        --lot.openExcursions;
        emit ExcursionCleared(holding, lotKey, msg.sender, epcisHash, cid);
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
        uint32 position,
        bytes32[] calldata proof
    ) external view returns (VerificationStatus) {
        if (_products[gtin].manufacturer == address(0)) return VerificationStatus.Unknown;
        bytes32 unitId = _unitId(gtin, serial);
        Lot memory claimed = _lots[_lotKey(gtin, lot)];
        bool shown =
            claimed.serialsRoot != bytes32(0)
                && MerkleProof.verifyCalldata(proof, claimed.serialsRoot, _leaf(unitId, position));
        if (!shown) return VerificationStatus.Unknown;
        if (claimed.expiry != expiry) return VerificationStatus.Mismatch;
        return ProvenanceStatus.statusOf(claimed, _units[unitId], block.timestamp);
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
        HoldingRecord storage h = _holdings[holding];
        return
            Holding({
                commitment: h.commitment,
                lotKey: _lotKeys[h.lotNumber],
                custodian: h.custodian,
                state: h.state,
                transfersOwnership: h.transfersOwnership,
                excursion: h.excursion,
                complement: h.complement,
                units: h.units,
                owner: _ownerOf(h)
            });
    }

    /// @inheritdoc IDrugProvenance
    function unitOf(uint64 gtin, bytes32 serial) external view returns (Unit memory) {
        return _units[_unitId(gtin, serial)];
    }

    /// @inheritdoc IDrugProvenance
    function isTradingPartner(address account) external view returns (bool) {
        return participants.activeRolesOf(account, _TRADING_PARTNER_BITS) != 0;
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
    function holdingIdOf(address creator, bytes32 epcisHash, address holder) external pure returns (bytes32) {
        return _holdingId(creator, epcisHash, holder);
    }

    // ---------------------------------------------------------------- internals: custody

    /// @dev Numbers lot `lotKey` and makes its first holding `id`: every position of its
    /// `quantity`, held and owned by the caller (nothing gone from the whole lot).
    function _openStock(bytes32 id, bytes32 lotKey, uint32 quantity) private {
        uint24 lotNumber = ++_lotCount;
        _lotKeys[lotNumber] = lotKey;
        HoldingRecord storage stock = _holdings[id];
        stock.commitment = _NO_WORDS;
        stock.custodian = msg.sender;
        stock.state = HoldingState.Held;
        stock.complement = true;
        stock.units = quantity;
        stock.lotNumber = lotNumber;
    }

    /// @dev Moves the selected positions of `parent`, of lot `sent.lotKey`, into the new
    /// in-transit holding `id`: the whole holding (its commitment as it is) when no words are
    /// taken. Fills in the rest of `sent`.
    function _dispatch(
        bytes32 holding,
        HoldingRecord storage parent,
        UnitSelection calldata selection,
        bool transfersOwnership,
        bytes32 id,
        Dispatch memory sent
    ) private {
        HoldingRecord storage shipment = _holdings[id];
        bytes32 shipped;
        uint32 count;
        bool complement = false;
        if (selection.taken.length == 0) {
            (shipped, count, complement) = (parent.commitment, parent.units, parent.complement);
            delete parent.commitment;
            parent.units = 0;
            if (complement) parent.complement = false;
        } else {
            (shipped, count, sent.left) = _takeSelected(holding, parent, _lots[sent.lotKey].quantity, selection);
        }
        (sent.commitment, sent.units) = (shipped, count);
        shipment.commitment = shipped;
        shipment.custodian = msg.sender;
        shipment.state = HoldingState.InTransit;
        shipment.transfersOwnership = transfersOwnership;
        shipment.complement = complement;
        shipment.units = count;
        shipment.lotNumber = sent.lotNumber;
        if (sent.owner != msg.sender) {
            shipment.owner = sent.owner;
            shipment.ownerStored = true;
        }
    }

    /// @dev Takes the selected positions out of `parent`, of a lot of `quantity` units, which must
    /// hold them all. Returns the commitment of the positions taken, their number, and the
    /// parent's commitment left.
    function _takeSelected(
        bytes32 holding,
        HoldingRecord storage parent,
        uint32 quantity,
        UnitSelection calldata selection
    ) private returns (bytes32 shipped, uint32 count, bytes32 left) {
        Word[] calldata taken = selection.taken; // read once: each access checks its offset again
        bool owned;
        (owned, count, left) = _take(holding, parent, quantity, selection.held, _flat(taken));
        if (!owned) revert DrugProvenanceUnitsNotHeld(holding);
        shipped = _hashWords(taken);
    }

    // slither-disable-start assembly -- on purpose: hashing words from calldata without copying structs
    /// @dev Takes the positions of `taken` (words as flat (index, bits) pairs) out of `h`, whose
    /// words the caller gives as `held`, and commits its new words. Returns whether `h` held
    /// every position taken (if not, nothing changes), how many were taken, and the commitment
    /// left (zero once empty). Reverts unless
    /// `held` are the holding's words and the taken words ascend, none zero, within the lot's
    /// `quantity` positions.
    function _take(
        bytes32 holding,
        HoldingRecord storage h,
        uint32 quantity,
        Word[] calldata held,
        uint256[] memory taken
    ) private returns (bool owned, uint32 count, bytes32 committed) {
        if (_hashWords(held) != h.commitment) revert DrugProvenanceWordsMismatch(holding);
        (uint256[] memory next, uint256 total) = _merge(held, taken, h.complement, quantity);
        if (total == type(uint256).max) return (false, 0, 0);
        owned = true;
        count = total.toUint32();
        uint32 left = h.units - count;
        h.units = left;
        if (left != 0) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                committed := keccak256(add(next, 0x20), mul(mload(next), 0x20))
            }
        }
        h.commitment = committed;
    }

    /// @dev The new words of a holding whose words are `held` (positions gone from the whole lot
    /// if `complement`, else held) after the positions of `taken` (flat (index, bits) pairs) left
    /// it, ABI-encoded as `abi.encode(Word[])` is (0x20, length, pairs), and the number of
    /// positions taken; `type(uint256).max` if a taken position is not held. Reverts unless each
    /// taken word is not zero, after the word before it, and of positions that exist in a lot of
    /// `quantity` units.
    function _merge(
        Word[] calldata held,
        uint256[] memory taken,
        bool complement,
        uint32 quantity
    ) private pure returns (uint256[] memory next, uint256 total) {
        next = new uint256[](2 + held.length * 2 + taken.length);
        uint256 n = 2;
        uint256 i;
        // Unchecked: the loops keep every index below its array's length, `next` has room for
        // every pair of `held` and `taken`, and at most 2^32 positions are counted.
        unchecked {
            for (uint256 t = 0; t < taken.length; t += 2) {
                (uint256 index, uint256 bits) = _takenWord(taken, t, quantity);
                uint256 stored;
                (i, n, stored) = _copyHeldBelow(held, i, index, next, n);
                if (bits & ~(complement ? ~stored : stored) != 0) return (next, type(uint256).max);
                stored = complement ? stored | bits : stored & ~bits;
                if (stored != 0) {
                    _put(next, n, index, stored);
                    n += 2;
                }
                total += _popCount(bits);
            }
            (, n, ) = _copyHeldBelow(held, i, type(uint256).max, next, n);
            _put(next, 0, 0x20, (n - 2) >> 1);
        }
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(next, n)
        }
    }

    /// @dev The taken word at `taken[t]` (flat (index, bits) pairs), which must be a word of
    /// positions that exist in a lot of `quantity` units, not zero, after the word before it.
    function _takenWord(
        uint256[] memory taken,
        uint256 t,
        uint32 quantity
    ) private pure returns (uint256 index, uint256 bits) {
        bool disordered;
        bool beyond;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let at := add(taken, shl(5, add(t, 1)))
            index := mload(at)
            bits := mload(add(at, 0x20))
            // Zero, or not after the word before it (at t = 0 the word read is not one, and unused).
            disordered := or(iszero(bits), and(gt(t, 0), iszero(gt(index, mload(sub(at, 0x40))))))
            // A lot has fewer than 2^32 positions, so a word index of 2^24 or more is beyond it;
            // below that, the word's first position must be in the lot, and no bit may stand
            // for a position past its end (a shift by 256 or more leaves nothing).
            let size := and(quantity, 0xffffffff)
            let first := shl(8, index)
            beyond := iszero(iszero(or(or(shr(24, index), iszero(lt(first, size))), shr(sub(size, first), bits))))
        }
        if (disordered) revert DrugProvenanceInvalidWord(index);
        if (beyond) revert DrugProvenancePositionOutOfRange(index, quantity);
    }

    /// @dev Copies the words of `held` from `held[i]` on whose index is below `index` into `next`
    /// from `next[n]` on, and skips the word at `index` if there is one. Returns where both
    /// stopped and the bits of the word skipped (zero if none).
    function _copyHeldBelow(
        Word[] calldata held,
        uint256 i,
        uint256 index,
        uint256[] memory next,
        uint256 n
    ) private pure returns (uint256, uint256, uint256 stored) {
        unchecked {
            for (; i < held.length; ++i) {
                (uint256 heldIndex, uint256 heldBits) = _wordAt(held, i);
                if (heldIndex >= index) {
                    if (heldIndex == index) return (i + 1, n, heldBits);
                    break;
                }
                _put(next, n, heldIndex, heldBits);
                n += 2;
            }
        }
        return (i, n, 0);
    }

    /// @dev Writes `first` and `second` at `values[k]` and `values[k + 1]`, unchecked: the caller
    /// keeps `k + 1` below the length.
    function _put(uint256[] memory values, uint256 k, uint256 first, uint256 second) private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let slot := add(values, shl(5, add(k, 1)))
            mstore(slot, first)
            mstore(add(slot, 0x20), second)
        }
    }

    /// @dev The index and bits of `words[k]`, read from calldata, unchecked: the caller keeps `k`
    /// below the length, and the ABI decoder checked that the array lies within the calldata.
    function _wordAt(Word[] calldata words, uint256 k) private pure returns (uint256 index, uint256 bits) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let at := add(words.offset, shl(6, k))
            index := calldataload(at)
            bits := calldataload(add(at, 0x20))
        }
    }

    /// @dev `words` as flat (index, bits) pairs in memory.
    function _flat(Word[] calldata words) private pure returns (uint256[] memory flat) {
        flat = new uint256[](words.length * 2);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            calldatacopy(add(flat, 0x20), words.offset, mul(words.length, 0x40))
        }
    }

    /// @dev `keccak256(abi.encode(words))`, hashed from calldata without copying structs.
    function _hashWords(Word[] calldata words) private pure returns (bytes32 digest) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, 0x20)
            mstore(add(ptr, 0x20), words.length)
            let size := mul(words.length, 0x40)
            calldatacopy(add(ptr, 0x40), words.offset, size)
            digest := keccak256(ptr, add(size, 0x40))
        }
    }

    /// @dev The lot tree's leaf of unit `unitId` at `position`: OpenZeppelin's StandardMerkleTree
    /// leaf of `[unitId, position]` (`bytes32`, `uint32`),
    /// `keccak256(bytes.concat(keccak256(abi.encode(unitId, position))))`, a double hash so no
    /// 64-byte internal node can pass for a leaf; hashed in scratch space.
    function _leaf(bytes32 unitId, uint32 position) private pure returns (bytes32 value) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, unitId)
            mstore(0x20, position)
            mstore(0x00, keccak256(0x00, 0x40))
            value := keccak256(0x00, 0x20)
        }
    }
    // slither-disable-end assembly

    /// @dev Takes position `position` out of `h` if it holds it (false if not), checking `held`.
    /// An emptied holding holds nothing, whatever words are given: its commitment is cleared,
    /// not that of no words.
    function _removePosition(
        bytes32 holding,
        HoldingRecord storage h,
        uint32 quantity,
        Word[] calldata held,
        uint32 position
    ) private returns (bool owned) {
        if (h.units == 0 || position >= quantity) return false;
        uint256[] memory taken = new uint256[](2);
        (taken[0], taken[1]) = (position >> 8, 1 << (position & 0xff));
        (owned, , ) = _take(holding, h, quantity, held, taken);
    }

    function _decommission(Unit storage unit, UnitState state) private {
        unit.state = state;
        unit.decommissionedAt = uint40(block.timestamp);
        unit.decommissionedBy = msg.sender;
    }

    /// @dev Destroys unit `serial` of `h`, which the proof must show at `position` in the lot and
    /// the holding must hold.
    function _destroyFrom(
        bytes32 holding,
        bytes32 serial,
        HeldUnit calldata unit
    ) private returns (bytes32 unitId, bytes32 lotKey) {
        HoldingRecord storage h = _heldBy(holding, msg.sender);
        lotKey = _lotKeys[h.lotNumber];
        Lot storage lot = _lots[lotKey];
        unitId = _unitId(lot.gtin, serial);
        bool shown = MerkleProof.verifyCalldata(unit.proof, lot.serialsRoot, _leaf(unitId, unit.position));
        if (!shown || !_removePosition(holding, h, lot.quantity, unit.words, unit.position)) {
            revert DrugProvenanceUnitNotHeld(holding, unitId);
        }
        _decommission(_units[unitId], UnitState.Destroyed);
    }

    /// @dev Dispenses unit `serial` of `h` if it is there and saleable; a decommissioned serial,
    /// one the proof does not show at `position` in the lot, or a position the holding does not
    /// hold, is reported as suspect instead.
    function _dispenseFrom(
        bytes32 holding,
        bytes32 serial,
        HeldUnit calldata held
    ) private returns (bytes32 unitId, bytes32 lotKey, bool suspect, SuspectReason reason) {
        HoldingRecord storage h = _heldBy(holding, msg.sender);
        lotKey = _lotKeys[h.lotNumber];
        Lot storage lot = _lots[lotKey];
        unitId = _unitId(lot.gtin, serial);
        Unit storage unit = _units[unitId];
        if (unit.state != UnitState.Active) return (unitId, lotKey, true, SuspectReason.Decommissioned);
        if (!MerkleProof.verifyCalldata(held.proof, lot.serialsRoot, _leaf(unitId, held.position))) {
            return (unitId, lotKey, true, SuspectReason.NotHeld);
        }
        VerificationStatus status = ProvenanceStatus.statusOf(lot, unit, block.timestamp);
        if (!_removePosition(holding, h, lot.quantity, held.words, held.position)) {
            return (unitId, lotKey, true, SuspectReason.NotHeld);
        }
        if (status != VerificationStatus.Valid) revert DrugProvenanceNotSaleable(unitId, status);
        _decommission(unit, UnitState.Dispensed);
    }

    /// @dev The alert of a dispense that found a cloned or unknown serial in `h`: an event for the
    /// product's manufacturer and regulators, and nothing else. The dispenser cannot prove it
    /// holds the unit, so it has no standing to quarantine it.
    function _flagSuspect(
        bytes32 lotKey,
        bytes32 unitId,
        bytes32 holding,
        SuspectReason reason,
        bytes32 epcisHash,
        bytes calldata cid
    ) private {
        uint64 gtin = _lots[lotKey].gtin;
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

    /// @dev The id of the holding the caller makes with `epcisHash` for `holder`, which must be new.
    function _newHolding(bytes32 epcisHash, address holder) private view returns (bytes32 id) {
        id = _holdingId(msg.sender, epcisHash, holder);
        if (_holdings[id].state != HoldingState.None) revert DrugProvenanceHoldingExists(id);
    }

    function _requireHolding(bytes32 id) private view returns (HoldingRecord storage h) {
        h = _holdings[id];
        if (h.state == HoldingState.None) revert DrugProvenanceHoldingNotFound(id);
    }

    /// @dev A holding `account` holds now: it is its custodian and the holding is not in transit.
    function _heldBy(bytes32 id, address account) private view returns (HoldingRecord storage h) {
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

    function _inTransit(bytes32 id) private view returns (HoldingRecord storage h) {
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
    /// The registry is asked one question: which of these roles the caller may act as.
    function _requireStanding(
        Scope scope,
        uint64 gtin,
        address manufacturer,
        bytes32 target,
        Standing calldata standing
    ) private view {
        uint256 active = participants.activeRolesOf(msg.sender, _TRADING_PARTNER_BITS | (1 << Roles.REGULATOR_BIT));
        if (manufacturer == msg.sender && active & (1 << Roles.MANUFACTURER_BIT) != 0) return;
        if (active & (1 << Roles.REGULATOR_BIT) != 0) return;
        if (active == 0) revert DrugProvenanceNotTradingPartner(msg.sender);
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
        HoldingRecord storage h = _holdings[standing.holding];
        if (h.custodian != msg.sender) return false;
        bytes32 lotKey = _lotKeys[h.lotNumber];
        if (scope == Scope.Lot) return lotKey == target;
        Lot storage lot = _lots[lotKey];
        return
            lot.gtin == gtin
            && MerkleProof.verifyCalldata(standing.proof, lot.serialsRoot, _leaf(target, standing.position));
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

    /// @dev DSCSA's authorized trading partner: an active credential as manufacturer, wholesale
    /// distributor or dispenser, asked of the registry in one call.
    function _requireTradingPartner(address account) private view {
        if (participants.activeRolesOf(account, _TRADING_PARTNER_BITS) == 0) {
            revert DrugProvenanceNotTradingPartner(account);
        }
    }

    // ---------------------------------------------------------------- internals: helpers

    function _lotKey(uint64 gtin, bytes32 lot) private pure returns (bytes32) {
        return keccak256(abi.encode(gtin, lot));
    }

    function _unitId(uint64 gtin, bytes32 serial) private pure returns (bytes32) {
        return keccak256(abi.encode(gtin, serial));
    }

    function _holdingId(address creator, bytes32 epcisHash, address holder) private pure returns (bytes32) {
        return keccak256(abi.encode(creator, epcisHash, holder));
    }

    /// @dev Whether the caller is the receiver of `shipment` (`h`, in transit), which it shows
    /// with `dispatchHash`, the hash of the shipping event: the id binds sender, event and
    /// receiver, and while in transit the custodian is the sender.
    function _isReceiver(bytes32 shipment, HoldingRecord storage h, bytes32 dispatchHash) private view returns (bool) {
        return _holdingId(h.custodian, dispatchHash, msg.sender) == shipment;
    }

    /// @dev The owning party of `h`: its stored owner, or its custodian when none is stored
    /// (the owner slot of a holding is read only then).
    function _ownerOf(HoldingRecord storage h) private view returns (address) {
        return h.ownerStored ? h.owner : h.custodian;
    }

    /// @dev The number of set bits of `x` (SWAR population count).
    function _popCount(uint256 x) private pure returns (uint256) {
        unchecked {
            x -= (x >> 1) & 0x5555555555555555555555555555555555555555555555555555555555555555;
            x =
                (x & 0x3333333333333333333333333333333333333333333333333333333333333333)
                + ((x >> 2) & 0x3333333333333333333333333333333333333333333333333333333333333333);
            x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f;
            x = (x + (x >> 8)) & 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff;
            return (x * 0x0001000100010001000100010001000100010001000100010001000100010001) >> 240;
        }
    }
}
