// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IDrugProvenance
/// @notice DSCSA drug provenance in the vocabulary of GS1 EPCIS 2.0 / CBV 2.0: products by GTIN,
/// lots commissioned as a Merkle root over their serials, custody of units moving in shipments
/// between authorized trading partners, dispensing, recalls, quarantine of suspect product, cold
/// chain excursions, and the DSCSA verification of a product identifier.
/// @dev Identifiers. A product is its GTIN-14 as a number. A lot number (GS1 AI 10) and a serial
/// number (AI 21) are never put on-chain as text: the SDK passes `keccak256` of their UTF-8 bytes
/// (the "lot digest" and "serial digest"), which a partner holding the package can recompute.
/// `lotKey = keccak256(abi.encode(gtin, lot))` names a lot and
/// `unitId = keccak256(abi.encode(gtin, serial))` a unit, and
/// `holdingId = keccak256(abi.encode(creator, epcisHash, holder))` the holding that a
/// commissioning or a shipment by `creator` makes for `holder` (the manufacturer itself, or the
/// receiver): scoped to its creator, so nobody who sees a pending transaction can take its id
/// first and make it fail, and binding a shipment's receiver, which is not stored. A unit's
/// *position* is its place (0 to quantity - 1) in its lot's commissioning document; the Merkle
/// leaf of a unit is
/// `keccak256(bytes.concat(keccak256(abi.encode(unitId, position))))`, the OpenZeppelin
/// StandardMerkleTree leaf of the values `[unitId, position]` with types `["bytes32", "uint32"]`,
/// so a proof ties a serial to its position. Expiry dates are GS1 AI 17 `YYMMDD`
/// numbers (`DD = 00`: the last day of the month).
/// Every state change emits the EPCIS event hash it anchors (`ni:///sha-256;<hex>?ver=CBV2.0`,
/// the 32-byte digest) and the CID of the EPCIS document on IPFS that holds the event.
interface IDrugProvenance {
    /// @notice The answer to a DSCSA verification request, see {verify}. `Unknown` is zero.
    enum VerificationStatus {
        Unknown,
        Valid,
        Mismatch,
        Expired,
        Recalled,
        Dispensed,
        Quarantined,
        Illegitimate
    }

    /// @notice Where a holding of units is. A voided shipment stays with its sender, who holds it
    /// like any other holding; only its receipt is refused.
    enum HoldingState {
        None,
        Held,
        InTransit,
        Voided
    }

    /// @notice The investigation status of a lot or a unit (DSCSA suspect/illegitimate product).
    /// `Illegitimate` is final.
    enum Investigation {
        None,
        Quarantined,
        Illegitimate
    }

    /// @notice A unit's life after its lot was commissioned. `Dispensed` and `Destroyed` are final.
    enum UnitState {
        Active,
        Dispensed,
        Destroyed
    }

    /// @notice Why a dispense attempt flagged a unit as suspect instead of dispensing it.
    /// @param Decommissioned the serial was already dispensed or destroyed: a cloned serial.
    /// @param NotHeld the serial is not in the dispenser's holding: never commissioned, or held elsewhere.
    enum SuspectReason {
        Decommissioned,
        NotHeld
    }

    /// @notice Whether a quarantine, clearance or confirmation is about a whole lot or one unit.
    enum Scope {
        Lot,
        Unit
    }

    /// @notice A product (GS1 trade item). One storage slot plus the name hash.
    /// @param manufacturer the account that registered it and alone commissions its lots.
    /// @param companyPrefixLength digits of the GS1 company prefix, which are GTIN-14 digits 2 to
    /// 1 + length (the EPC URIs need the split).
    /// @param minTemperature lowest allowed storage temperature, hundredths of a degree Celsius.
    /// @param maxTemperature highest allowed storage temperature, hundredths of a degree Celsius.
    /// @param nameHash keccak256 of the product's name (the name itself is in the master data on IPFS).
    struct Product {
        address manufacturer;
        uint8 companyPrefixLength;
        int16 minTemperature;
        int16 maxTemperature;
        bytes32 nameHash;
    }

    /// @notice A commissioned lot. Two storage slots.
    /// @param serialsRoot Merkle root over the leaves of the lot's units.
    /// @param gtin the product.
    /// @param expiry GS1 `YYMMDD`.
    /// @param quantity number of units, as declared by the manufacturer.
    /// @param commissionedAt block time of commissioning.
    /// @param recalled whether the lot was recalled (final).
    /// @param investigation quarantine status of the whole lot.
    /// @param openExcursions holdings of the lot with a temperature excursion not yet cleared.
    struct Lot {
        bytes32 serialsRoot;
        uint64 gtin;
        uint32 expiry;
        uint32 quantity;
        uint40 commissionedAt;
        bool recalled;
        Investigation investigation;
        uint16 openExcursions;
    }

    /// @notice Units of one lot in the possession of one party: commissioned stock, or a shipment.
    /// @dev Its id is {holdingIdOf}(creator, EPCIS hash of the commissioning or shipping event,
    /// holder it was made for: the manufacturer itself, or the shipment's receiver).
    /// The set of positions it holds is kept as a commitment to its *words*: the 256-position
    /// words (word `i` covers positions `256 i` to `256 i + 255`, bit `p % 256` for position `p`)
    /// in which the set differs from the holding's base, in ascending index order, none zero.
    /// The base is the whole lot for `complement` holdings (the commissioned stock, and whole
    /// holdings shipped from it: their words are the positions gone) and nothing for the others
    /// (their words are the positions held).
    /// @param commitment `keccak256(abi.encode(words))` of the holding's words (`Word[]`); zero
    /// when the holding is empty.
    /// @param lotKey the lot.
    /// @param custodian the possessing party; while in transit, still the sender.
    /// @param state held, in transit, or voided.
    /// @param transfersOwnership whether the receiver becomes the owner on receipt (a sale).
    /// @param excursion whether a temperature excursion is open on this holding.
    /// @param complement whether the words are the positions gone from the whole lot (else held).
    /// @param units number of units in the holding.
    /// @param owner the owning party.
    struct Holding {
        bytes32 commitment;
        bytes32 lotKey;
        address custodian;
        HoldingState state;
        bool transfersOwnership;
        bool excursion;
        bool complement;
        uint32 units;
        address owner;
    }

    /// @notice One 256-position word of a set of positions of a lot.
    /// @param index the word's index: it covers positions `256 index` to `256 index + 255`.
    /// @param bits bit `p % 256` set for each position `p` of the set in the word.
    struct Word {
        uint256 index;
        uint256 bits;
    }

    /// @notice A unit taken out of a holding by position (to dispense or destroy it).
    /// @param position the unit's position in its lot.
    /// @param proof the OpenZeppelin proof of its leaf (unit id, position) in the lot's tree.
    /// @param words the holding's words (see {Holding}) as committed now, ascending.
    struct HeldUnit {
        uint32 position;
        bytes32[] proof;
        Word[] words;
    }

    /// @notice Units chosen out of a holding, by position. No taken words: the whole holding.
    /// @param held the holding's words (see {Holding}) as committed now, ascending.
    /// @param taken the positions shipped, by word: ascending indexes, none repeated, no word zero.
    struct UnitSelection {
        Word[] held;
        Word[] taken;
    }

    /// @notice The trading partner a GLN names, see {registerGln}. One storage slot.
    /// @param party the licensee of the GLN's company prefix that bound it.
    /// @param companyPrefixLength digits of the GS1 company prefix at the start of the GLN.
    /// @param isParty whether it was bound last as the party's own GLN (PGLN), not a site's.
    struct GlnHolder {
        address party;
        uint8 companyPrefixLength;
        bool isParty;
    }

    /// @notice A caller's standing in a lot's chain of custody, see {quarantine}.
    /// @param holding a holding of the lot whose custodian is the caller: its commissioning, a
    /// shipment it received, or a shipment it sent (and has not yet handed over). Holdings are
    /// never deleted and an emptied holding keeps its custodian, so every party that holds or
    /// has held units of a lot can name one. Zero for the manufacturer or a regulator.
    /// @param position for a unit, its position in the lot (zero for a lot).
    /// @param proof for a unit, the OpenZeppelin Merkle proof of its leaf in the lot's
    /// commissioned tree (`serialsRoot`, the proof {verify} takes), so standing in one lot
    /// cannot be used for a unit of another; empty for a lot, the manufacturer or a regulator.
    struct Standing {
        bytes32 holding;
        uint32 position;
        bytes32[] proof;
    }

    /// @notice What is recorded of a unit beyond its lot: one slot, written only when the unit is
    /// decommissioned or investigated.
    /// @param state Active until the unit is dispensed or destroyed.
    /// @param investigation the unit's own quarantine status (its lot's is in {Lot}).
    /// @param decommissionedAt block time of the dispense or destruction; zero while Active.
    /// @param decommissionedBy the dispenser or custodian that decommissioned it; zero while Active.
    struct Unit {
        UnitState state;
        Investigation investigation;
        uint40 decommissionedAt;
        address decommissionedBy;
    }

    // ---------------------------------------------------------------- events

    /// @notice `regulator` recorded that GS1 licensed company prefix `companyPrefix` (`length`
    /// digits) to `manufacturer`, in place of `previous` (zero if none).
    /// @param companyPrefix the GS1 company prefix, as a number (leading zeros implied by `length`).
    /// @param length the prefix's number of digits, 6 to 12.
    /// @param manufacturer the new licensee.
    /// @param previous the licensee it replaces; zero for a first licence.
    /// @param regulator the REGULATOR that recorded it.
    event CompanyPrefixLicensed(
        uint64 indexed companyPrefix,
        uint8 indexed length,
        address indexed manufacturer,
        address previous,
        address regulator
    );

    /// @notice `regulator` revoked the licence of company prefix `companyPrefix` (`length` digits)
    /// that `previous` held.
    /// @param companyPrefix the GS1 company prefix, as a number.
    /// @param length the prefix's number of digits, 6 to 12.
    /// @param previous the licensee that lost it.
    /// @param regulator the REGULATOR that revoked it.
    event CompanyPrefixRevoked(
        uint64 indexed companyPrefix,
        uint8 indexed length,
        address indexed previous,
        address regulator
    );

    /// @notice `manufacturer` registered product `gtin` (master data document `epcisHash`, `cid`).
    /// @param gtin the product's GTIN-14, as a number.
    /// @param manufacturer the registrant, licensee of the GTIN's company prefix.
    /// @param companyPrefixLength digits of the GS1 company prefix within the GTIN, 6 to 12.
    /// @param nameHash keccak256 of the product's name.
    /// @param minTemperature lowest allowed storage temperature, hundredths of a degree Celsius.
    /// @param maxTemperature highest allowed storage temperature, hundredths of a degree Celsius.
    /// @param epcisHash the hash of the product's master data document.
    /// @param cid binary CID of the master data document on IPFS.
    event ProductRegistered(
        uint64 indexed gtin,
        address indexed manufacturer,
        uint8 companyPrefixLength,
        bytes32 nameHash,
        int16 minTemperature,
        int16 maxTemperature,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `manufacturer` commissioned lot `lotKey` of `gtin` (EPCIS ObjectEvent ADD,
    /// bizStep commissioning, disposition active); its units form holding `holding`.
    /// @param lotKey the lot's key (see {lotKeyOf}).
    /// @param gtin the product's GTIN-14, as a number.
    /// @param manufacturer the product's manufacturer, first custodian and owner of the lot.
    /// @param lot the lot digest: keccak256 of the lot number's UTF-8 bytes.
    /// @param expiry the expiry date, GS1 `YYMMDD` (`DD = 00`: the month's last day).
    /// @param quantity number of units, as declared by the manufacturer.
    /// @param serialsRoot Merkle root over the leaves (unit id, position) of the lot's units.
    /// @param holding the id of the holding of all the lot's units (see {holdingIdOf}).
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event LotCommissioned(
        bytes32 indexed lotKey,
        uint64 indexed gtin,
        address indexed manufacturer,
        bytes32 lot,
        uint32 expiry,
        uint32 quantity,
        bytes32 serialsRoot,
        bytes32 holding,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `sender` shipped `units` units of holding `parent` as the new holding `shipment`
    /// (bizStep shipping, disposition in_transit) to `receiver`. `commitment` is the shipment's
    /// words commitment and `parentCommitment` the parent's afterwards (see {Holding}).
    /// @param shipment the new holding's id, in transit.
    /// @param lotKey the lot's key (see {lotKeyOf}).
    /// @param receiver the party that must confirm receipt.
    /// @param parent the holding the units left.
    /// @param sender the custodian of `parent`, custodian of the shipment until receipt.
    /// @param transfersOwnership whether the receiver becomes the owner on receipt (a sale).
    /// @param units number of units shipped (for a whole holding, its count as declared).
    /// @param commitment the shipment's words commitment: of the taken words, or for a whole
    /// holding the parent's commitment as it was (with its base).
    /// @param parentCommitment the parent's words commitment after the shipment; zero when no
    /// unit is left in it.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event ShipmentDispatched(
        bytes32 indexed shipment,
        bytes32 indexed lotKey,
        address indexed receiver,
        bytes32 parent,
        address sender,
        bool transfersOwnership,
        uint32 units,
        bytes32 commitment,
        bytes32 parentCommitment,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `receiver` confirmed receipt of `shipment` and is now its custodian; `owner` owns it
    /// (bizStep receiving, disposition sellable_accessible).
    /// @param shipment the holding received.
    /// @param lotKey the lot's key (see {lotKeyOf}).
    /// @param receiver the new custodian.
    /// @param owner the owner after receipt: the receiver after a sale, else the owner before.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event ShipmentReceived(
        bytes32 indexed shipment,
        bytes32 indexed lotKey,
        address indexed receiver,
        address owner,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `sender` voided `shipment` before receipt (bizStep void_shipping) for the reason
    /// hashed in `reasonHash`; it keeps the units.
    /// @param shipment the holding voided; it stays with its sender.
    /// @param lotKey the lot's key (see {lotKeyOf}).
    /// @param sender the shipment's custodian.
    /// @param reasonHash keccak256 of the reason text, which stays off-chain.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event ShipmentVoided(
        bytes32 indexed shipment,
        bytes32 indexed lotKey,
        address indexed sender,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `dispenser` dispensed unit `unitId` from `holding` to a patient (bizStep dispensing,
    /// disposition dispensed).
    /// @param unitId the unit's id (see {unitIdOf}).
    /// @param lotKey the lot's key (see {lotKeyOf}).
    /// @param dispenser the DISPENSER, custodian of `holding`.
    /// @param holding the holding the unit left.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event UnitDispensed(
        bytes32 indexed unitId,
        bytes32 indexed lotKey,
        address indexed dispenser,
        bytes32 holding,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `custodian` destroyed unit `unitId` of `holding` (bizStep destroying, disposition destroyed).
    /// @param unitId the unit's id (see {unitIdOf}).
    /// @param lotKey the lot's key (see {lotKeyOf}).
    /// @param custodian the trading partner that held it.
    /// @param holding the holding the unit left.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event UnitDestroyed(
        bytes32 indexed unitId,
        bytes32 indexed lotKey,
        address indexed custodian,
        bytes32 holding,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice Alert: `reporter` tried to dispense unit `unitId` of product `gtin` (made by
    /// `manufacturer`, who filters on it) from `holding` and it is suspect (a cloned or unknown
    /// serial). Nothing changes: the unit's investigation status is not touched, since the
    /// reporter cannot prove it holds the unit; the manufacturer or a regulator quarantines it.
    /// @param unitId the unit's id (see {unitIdOf}) for the holding's product and the serial given.
    /// @param manufacturer the product's manufacturer.
    /// @param reporter the DISPENSER that tried to dispense it.
    /// @param gtin the product of `holding`'s lot.
    /// @param holding the dispenser's holding named in the attempt.
    /// @param reason a decommissioned serial (a clone) or one not shown in the holding.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event SuspectUnitFlagged(
        bytes32 indexed unitId,
        address indexed manufacturer,
        address indexed reporter,
        uint64 gtin,
        bytes32 holding,
        SuspectReason reason,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice Alert: trading partner `reporter` found `target` (a lot key or a unit id, per
    /// `scope`) of `gtin`, made by `manufacturer`, suspect for the reason hashed in `reasonHash`
    /// (DSCSA: whoever finds suspect product says so). Nothing changes: a report never stops
    /// product; the manufacturer and regulators filter on it and quarantine where warranted.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param manufacturer the product's manufacturer.
    /// @param reporter the trading partner that reported it.
    /// @param scope whether `target` is a lot or a unit.
    /// @param target the lot's key or the unit's id, commissioned or not.
    /// @param reasonHash keccak256 of the reason text, which stays off-chain.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event SuspectProductReported(
        uint64 indexed gtin,
        address indexed manufacturer,
        address indexed reporter,
        Scope scope,
        bytes32 target,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `regulator` barred `account` from quarantining and from opening temperature
    /// excursions (`barred`), or lifted the bar.
    /// @param account the party.
    /// @param barred true when barred, false when the bar was lifted.
    /// @param regulator the REGULATOR that set it.
    event QuarantineBarSet(address indexed account, bool barred, address indexed regulator);

    /// @notice `party`, licensee of the GS1 company prefix of `gln`, bound the Global Location
    /// Number `gln` to itself: as its party GLN (PGLN, `isParty`) or as one of its sites (SGLN).
    /// EPCIS documents name `party` and its sites by these GLNs.
    /// @param gln the GLN-13, as a number.
    /// @param party the trading partner it names now.
    /// @param companyPrefixLength digits of the GS1 company prefix at the start of `gln` (EPC URIs
    /// of the GLN split there).
    /// @param isParty true for the party's own GLN (PGLN), false for a site (SGLN).
    /// @param previous the account it named before (a former licensee of the prefix); zero if none.
    event GlnRegistered(
        uint64 indexed gln,
        address indexed party,
        uint8 companyPrefixLength,
        bool isParty,
        address previous
    );

    /// @notice `by` (the manufacturer or a regulator) recalled lot `lotKey` for the reason hashed in
    /// `reasonHash` (disposition recalled).
    /// @param lotKey the lot's key (see {lotKeyOf}).
    /// @param gtin the product's GTIN-14, as a number.
    /// @param by the product's manufacturer or a REGULATOR.
    /// @param reasonHash keccak256 of the reason text, which stays off-chain.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event LotRecalled(
        bytes32 indexed lotKey,
        uint64 indexed gtin,
        address indexed by,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `by` (the manufacturer, a regulator or a party in the lot's chain of custody)
    /// quarantined `target` (a lot key or a unit id, per `scope`) of `gtin` as suspect product,
    /// for the reason hashed in `reasonHash` (bizStep holding).
    /// @param target the lot's key or the unit's id.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param by the manufacturer, a REGULATOR or a trading partner with standing.
    /// @param scope whether `target` is a lot or a unit.
    /// @param reasonHash keccak256 of the reason text, which stays off-chain.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event ProductQuarantined(
        bytes32 indexed target,
        uint64 indexed gtin,
        address indexed by,
        Scope scope,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `by` (the manufacturer or a regulator) cleared the quarantine of `target` after investigation.
    /// @param target the lot's key or the unit's id.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param by the product's manufacturer or a REGULATOR.
    /// @param scope whether `target` is a lot or a unit.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event ProductCleared(
        bytes32 indexed target,
        uint64 indexed gtin,
        address indexed by,
        Scope scope,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `by` (the manufacturer or a regulator) confirmed `target` illegitimate: the DSCSA
    /// notification to the regulator and to the partners in its chain of custody.
    /// @param target the lot's key or the unit's id.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param by the product's manufacturer or a REGULATOR.
    /// @param scope whether `target` is a lot or a unit.
    /// @param reasonHash keccak256 of the reason text, which stays off-chain.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event ProductConfirmedIllegitimate(
        bytes32 indexed target,
        uint64 indexed gtin,
        address indexed by,
        Scope scope,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `by` anchored a batch of sensor readings of `holding` (EPCIS sensorElementList,
    /// bizStep sensor_reporting) whose temperatures ranged from `minReading` to `maxReading`
    /// (hundredths of a degree Celsius); `excursion` says whether any left the product's range.
    /// @param holding the holding the data logger travelled with.
    /// @param lotKey the lot's key (see {lotKeyOf}).
    /// @param by its custodian, or its receiver while in transit.
    /// @param minReading the lowest reading, hundredths of a degree Celsius.
    /// @param maxReading the highest reading, hundredths of a degree Celsius.
    /// @param excursion whether a reading left the product's range (an excursion is open on the holding).
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event SensorReadingsAnchored(
        bytes32 indexed holding,
        bytes32 indexed lotKey,
        address indexed by,
        int16 minReading,
        int16 maxReading,
        bool excursion,
        bytes32 epcisHash,
        bytes cid
    );

    /// @notice `by` (the manufacturer or a regulator) cleared the temperature excursion of `holding` after review.
    /// @param holding the holding whose excursion was cleared.
    /// @param lotKey the lot's key (see {lotKeyOf}).
    /// @param by the product's manufacturer or a REGULATOR.
    /// @param epcisHash the hash of the EPCIS event anchored (the sha-256 digest of its `ni:///` id).
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    event ExcursionCleared(
        bytes32 indexed holding,
        bytes32 indexed lotKey,
        address indexed by,
        bytes32 epcisHash,
        bytes cid
    );

    // ---------------------------------------------------------------- errors

    /// @notice The zero address was given where an account is required.
    error DrugProvenanceZeroAddress();

    /// @notice An EPCIS event hash of zero, or an empty document CID, was given.
    error DrugProvenanceInvalidAnchor();

    /// @notice A hash, digest or root of zero was given where a value is required.
    error DrugProvenanceZeroValue();

    /// @notice `account` is not an active MANUFACTURER.
    /// @param account the caller.
    error DrugProvenanceNotManufacturer(address account);

    /// @notice `account` is not an active DISPENSER.
    /// @param account the caller.
    error DrugProvenanceNotDispenser(address account);

    /// @notice `account` is not an authorized trading partner (an active MANUFACTURER, DISTRIBUTOR or DISPENSER).
    /// @param account the caller, or the receiver of a shipment.
    error DrugProvenanceNotTradingPartner(address account);

    /// @notice `account` is neither the active manufacturer of `gtin` nor a regulator.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param account the caller.
    error DrugProvenanceNotAuthority(uint64 gtin, address account);

    /// @notice `account` is not the manufacturer that registered `gtin`.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param account the caller.
    error DrugProvenanceNotProductManufacturer(uint64 gtin, address account);

    /// @notice `gtin` is not a GTIN-14 with a correct check digit.
    /// @param gtin the number given.
    error DrugProvenanceInvalidGtin(uint64 gtin);

    /// @notice A GS1 company prefix has 6 to 12 digits.
    /// @param length the number of digits given.
    error DrugProvenanceInvalidCompanyPrefixLength(uint8 length);

    /// @notice `companyPrefix` has more than `length` digits.
    /// @param companyPrefix the prefix given, as a number.
    /// @param length the number of digits given.
    error DrugProvenanceInvalidCompanyPrefix(uint64 companyPrefix, uint8 length);

    /// @notice The company prefix of `gtin` of `length` digits (the digits after the indicator
    /// digit) is not licensed to `account`, or is licensed to another account at a length
    /// `account` did not declare, so `account` may not register or commission `gtin` (or, for
    /// {registerGln}, bind the GLN `gtin`, whose prefix is its first `length` digits).
    /// @param gtin the product's GTIN-14 (or the GLN), as a number.
    /// @param length the prefix length at which the licence is missing or held by another account.
    /// @param account the caller.
    error DrugProvenanceCompanyPrefixNotLicensed(uint64 gtin, uint8 length, address account);

    /// @notice Company prefix `companyPrefix` of `length` digits is licensed to nobody.
    /// @param companyPrefix the prefix given, as a number.
    /// @param length the number of digits given.
    error DrugProvenanceCompanyPrefixNotFound(uint64 companyPrefix, uint8 length);

    /// @notice `account` is not an active REGULATOR.
    /// @param account the caller.
    error DrugProvenanceNotRegulator(address account);

    /// @notice The temperature range is empty (`min > max`).
    /// @param minTemperature the lowest temperature given, hundredths of a degree Celsius.
    /// @param maxTemperature the highest temperature given, hundredths of a degree Celsius.
    error DrugProvenanceInvalidTemperatureRange(int16 minTemperature, int16 maxTemperature);

    /// @notice `expiry` is not a GS1 `YYMMDD` date.
    /// @param expiry the number given.
    error DrugProvenanceInvalidExpiry(uint32 expiry);

    /// @notice A lot of zero units.
    error DrugProvenanceInvalidQuantity();

    /// @notice `gtin` is already registered.
    /// @param gtin the product, registered by a manufacturer that still holds its company prefix.
    error DrugProvenanceProductExists(uint64 gtin);

    /// @notice `gtin` is not registered.
    /// @param gtin the number given.
    error DrugProvenanceProductNotFound(uint64 gtin);

    /// @notice Lot `lotKey` is already commissioned.
    /// @param lotKey the lot's key (see {lotKeyOf}).
    error DrugProvenanceLotExists(bytes32 lotKey);

    /// @notice Lot `lotKey` was never commissioned.
    /// @param lotKey the lot's key (see {lotKeyOf}).
    error DrugProvenanceLotNotFound(bytes32 lotKey);

    /// @notice Lot `lotKey` is already recalled.
    /// @param lotKey the lot's key (see {lotKeyOf}).
    error DrugProvenanceLotRecalled(bytes32 lotKey);

    /// @notice A holding with id `holding` exists already (its creator used an EPCIS event hash
    /// twice for the same holder).
    /// @param holding the id {holdingIdOf}(caller, EPCIS event hash, holder).
    error DrugProvenanceHoldingExists(bytes32 holding);

    /// @notice No holding has id `holding`.
    /// @param holding the id given.
    error DrugProvenanceHoldingNotFound(bytes32 holding);

    /// @notice `account` is not the custodian of `holding`.
    /// @param holding the holding named.
    /// @param account the caller.
    error DrugProvenanceNotCustodian(bytes32 holding, address account);

    /// @notice `account` is not the owner of `holding`, so it cannot sell it.
    /// @param holding the holding named.
    /// @param account the caller.
    error DrugProvenanceNotOwner(bytes32 holding, address account);

    /// @notice `account` is not the receiver of `holding`.
    /// @param holding the shipment named.
    /// @param account the caller.
    error DrugProvenanceNotReceiver(bytes32 holding, address account);

    /// @notice `holding` is `state`, which the operation does not allow.
    /// @param holding the holding named.
    /// @param state its current state.
    error DrugProvenanceUnexpectedHoldingState(bytes32 holding, HoldingState state);

    /// @notice `holding` holds no units.
    /// @param holding the holding named.
    error DrugProvenanceEmptyHolding(bytes32 holding);

    /// @notice The receiver of a shipment is its sender.
    /// @param receiver the receiver given: the caller itself.
    error DrugProvenanceInvalidReceiver(address receiver);

    /// @notice `holding` is product of a lot that is `status` (Recalled, Quarantined or
    /// Illegitimate): it may only be shipped back to the product's manufacturer.
    /// @param holding the holding named.
    /// @param status its lot's hold: Recalled, Quarantined or Illegitimate.
    error DrugProvenanceNotMovable(bytes32 holding, VerificationStatus status);

    /// @notice A position taken is not in `holding`.
    /// @param holding the holding named.
    error DrugProvenanceUnitsNotHeld(bytes32 holding);

    /// @notice The words given for `holding` are not those its commitment commits to: forged, or
    /// stale (the holding changed since they were read).
    /// @param holding the holding named.
    error DrugProvenanceWordsMismatch(bytes32 holding);

    /// @notice A taken word's index is not greater than the one before it (repeated or unsorted),
    /// or the word is zero.
    /// @param index the offending word's index.
    error DrugProvenanceInvalidWord(uint256 index);

    /// @notice A taken word names a position at or past its lot's quantity.
    /// @param index the offending word's index.
    /// @param quantity the lot's quantity.
    error DrugProvenancePositionOutOfRange(uint256 index, uint32 quantity);

    /// @notice The proof does not show unit `unitId` to be in `holding`.
    /// @param holding the holding named.
    /// @param unitId the unit's id.
    error DrugProvenanceUnitNotHeld(bytes32 holding, bytes32 unitId);

    /// @notice Unit `unitId` may not be dispensed: {verify} answers `status` for it.
    /// @param unitId the unit's id.
    /// @param status what {verify} answers for it: Illegitimate, Recalled, Quarantined or Expired.
    error DrugProvenanceNotSaleable(bytes32 unitId, VerificationStatus status);

    /// @notice `target` is under investigation status `status`, which the operation does not allow.
    /// @param target the lot's key or the unit's id.
    /// @param status its current investigation status.
    error DrugProvenanceUnexpectedInvestigation(bytes32 target, Investigation status);

    /// @notice The lowest reading is above the highest.
    /// @param minReading the lowest reading given, hundredths of a degree Celsius.
    /// @param maxReading the highest reading given, hundredths of a degree Celsius.
    error DrugProvenanceInvalidReadings(int16 minReading, int16 maxReading);

    /// @notice `holding` has no open temperature excursion.
    /// @param holding the holding named.
    error DrugProvenanceNoExcursion(bytes32 holding);

    /// @notice `account` has no standing over `target` (a lot key or a unit id): it is neither the
    /// product's active manufacturer nor a regulator, and the standing it gave does not show it
    /// in the chain of custody of the target's lot.
    /// @param account the caller.
    /// @param target the lot's key or the unit's id.
    error DrugProvenanceNoStanding(address account, bytes32 target);

    /// @notice A regulator barred `account` from quarantining and from opening temperature excursions.
    /// @param account the caller.
    error DrugProvenanceBarred(address account);

    /// @notice The quarantine bar of `account` is already `barred`.
    /// @param account the party named.
    /// @param barred the bar it already has (true: barred).
    error DrugProvenanceBarUnchanged(address account, bool barred);

    /// @notice `gln` is not a GLN-13 with a correct GS1 check digit.
    /// @param gln the number given.
    error DrugProvenanceInvalidGln(uint64 gln);

    // ---------------------------------------------------------------- products and lots

    /// @notice Records that GS1 licensed company prefix `companyPrefix` of `length` digits to
    /// `manufacturer`, who alone may then register and commission GTINs under it: nobody else can
    /// register (and so commission and pass off) another company's products. Any trading partner
    /// (a distributor or dispenser too) may be a licensee, to bind its GLNs ({registerGln}). A later call moves
    /// the prefix to a new licensee (a transfer): the former licensee may no longer commission
    /// under it, and the new one takes its products over by registering them again.
    /// @dev Requirements: caller is an active REGULATOR; `length` is 6 to 12; `companyPrefix` has
    /// at most `length` digits; `manufacturer` is not zero. Emits {CompanyPrefixLicensed}.
    /// @param companyPrefix the GS1 company prefix, as a number (leading zeros implied by `length`).
    /// @param length the prefix's number of digits, 6 to 12.
    /// @param manufacturer the licensee.
    function licenseCompanyPrefix(uint64 companyPrefix, uint8 length, address manufacturer) external;

    /// @notice Revokes the licence of company prefix `companyPrefix` of `length` digits: its
    /// licensee may no longer register or commission GTINs under it, and a later licensee may
    /// register them again and take them over.
    /// @dev Requirements: caller is an active REGULATOR; the prefix is licensed. Emits
    /// {CompanyPrefixRevoked}.
    /// @param companyPrefix the GS1 company prefix, as a number.
    /// @param length the prefix's number of digits, 6 to 12.
    function revokeCompanyPrefix(uint64 companyPrefix, uint8 length) external;

    /// @notice Registers product `gtin` of the caller.
    /// @dev Requirements: caller is an active MANUFACTURER; `gtin` is a GTIN-14 with a correct
    /// check digit, not registered by a manufacturer that still holds its prefix;
    /// `companyPrefixLength` is 6 to 12 (12 for a GTIN-8); the caller is the licensee of the
    /// GTIN's company prefix of that length, and no other account holds its prefix at another
    /// length; `nameHash` is not zero; `minTemperature <= maxTemperature`; `epcisHash` (of the
    /// master data document) not zero and `cid` not empty. Emits {ProductRegistered}.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param companyPrefixLength digits of the GS1 company prefix within the GTIN (12 for a GTIN-8).
    /// @param nameHash keccak256 of the product's name (the name is in the master data document).
    /// @param minTemperature lowest allowed storage temperature, hundredths of a degree Celsius.
    /// @param maxTemperature highest allowed storage temperature, hundredths of a degree Celsius.
    /// @param epcisHash the hash of the product's master data document.
    /// @param cid binary CID of the master data document on IPFS.
    function registerProduct(
        uint64 gtin,
        uint8 companyPrefixLength,
        bytes32 nameHash,
        int16 minTemperature,
        int16 maxTemperature,
        bytes32 epcisHash,
        bytes calldata cid
    ) external;

    /// @notice Commissions lot `lot` of `gtin`: its units, the leaves under `serialsRoot`, form a
    /// holding, id {holdingIdOf}(caller, `epcisHash`, caller), held and owned by the caller. The cost does
    /// not depend on the lot's size: only the root is stored.
    /// @dev Requirements: caller is an active MANUFACTURER, registered `gtin` and still holds its
    /// company prefix; `lot` and `serialsRoot` are not zero; the lot is new; `expiry` is a
    /// `YYMMDD` date; `quantity > 0`; `epcisHash` is not zero, the caller made no holding with it
    /// yet, and `cid` not empty.
    /// Emits {LotCommissioned}.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param lot the lot digest: keccak256 of the lot number's UTF-8 bytes.
    /// @param expiry the expiry date, GS1 `YYMMDD` (`DD = 00`: the month's last day).
    /// @param quantity number of units under `serialsRoot` (the contract cannot count them).
    /// @param serialsRoot Merkle root over the leaves of the lot's units.
    /// @param epcisHash the hash of the EPCIS commissioning event; with the caller, the holding's id.
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    function commission(
        uint64 gtin,
        bytes32 lot,
        uint32 expiry,
        uint32 quantity,
        bytes32 serialsRoot,
        bytes32 epcisHash,
        bytes calldata cid
    ) external;

    // ---------------------------------------------------------------- custody

    /// @notice Ships units of `holding` to `receiver` as a new holding, id {holdingIdOf}(caller,
    /// `epcisHash`, `receiver`), in transit until the receiver confirms receipt. With no taken
    /// words in `selection` the whole holding ships, its commitment moved as it is; otherwise the
    /// positions taken leave
    /// it: the contract checks the held words against the holding's commitment and each taken
    /// position against them, then commits the parent's new words and the shipment's (the taken
    /// words). Its cost grows with the words passed, not with the units.
    /// @dev With `transfersOwnership` the shipment is a sale: the receiver becomes the owner on
    /// receipt; otherwise ownership stays (a move to a third-party logistics provider).
    /// Requirements: caller is an authorized trading partner and the custodian of `holding`, which
    /// is held (or voided) and not empty; with `transfersOwnership` the caller is also its owner;
    /// `receiver` is an authorized trading partner other than the caller; if the lot is recalled,
    /// quarantined or illegitimate, `receiver` is the product's manufacturer (a return: suspect
    /// product stops moving; the check is lot-wide, a unit quarantined on its own is stopped at
    /// {dispense}); for a subset, `selection.held` are the holding's words, the taken words have
    /// ascending indexes, none zero, name only positions below the lot's quantity and only
    /// positions the holding holds; `epcisHash` is not zero, the caller made no holding with it
    /// for `receiver` yet, and `cid` not empty. Emits {ShipmentDispatched}.
    /// @param holding the caller's holding the units leave.
    /// @param selection the holding's words and the taken words; no taken words for the whole
    /// holding (and then the held words are not read).
    /// @param receiver the trading partner that must confirm receipt.
    /// @param transfersOwnership whether the receiver becomes the owner on receipt (a sale).
    /// @param epcisHash the hash of the EPCIS shipping event; with the caller and the receiver, the
    /// shipment's id.
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    function ship(
        bytes32 holding,
        UnitSelection calldata selection,
        address receiver,
        bool transfersOwnership,
        bytes32 epcisHash,
        bytes calldata cid
    ) external;

    /// @notice Confirms receipt of `shipment`: the caller becomes its custodian, and its owner if
    /// the shipment was a sale.
    /// @dev A shipment whose lot was recalled or quarantined while it was in transit is still
    /// received: the receiver has the packages, so custody follows them, and {ship} then lets them
    /// go only back to the manufacturer.
    /// The receiver is not stored: the shipment's id binds it, and the caller shows it is the
    /// receiver with the shipping event's hash ({ShipmentDispatched}'s `epcisHash`).
    /// Requirements: `shipment` is in transit; caller is its receiver ({holdingIdOf}(sender,
    /// `dispatchHash`, caller) is `shipment`) and still an authorized trading partner;
    /// `epcisHash` not zero and `cid` not empty. Emits {ShipmentReceived}.
    /// @param shipment the shipment's holding id.
    /// @param dispatchHash the hash of the EPCIS shipping event that made the shipment.
    /// @param epcisHash the hash of the EPCIS receiving event.
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    function receiveShipment(bytes32 shipment, bytes32 dispatchHash, bytes32 epcisHash, bytes calldata cid) external;

    /// @notice Voids `shipment` before receipt (EPCIS void_shipping), for a reason put on the
    /// record: the sender keeps its units and the receiver can no longer receive them.
    /// @dev A race by design: the sender may void until the receiver's {receiveShipment} is
    /// mined, so a void sent after the goods were handed over, but mined first, makes the receipt
    /// revert and keeps the units (on the record) with the sender. The chain cannot tell a
    /// handover from a shipment that never left; receivers should confirm receipt as the goods
    /// arrive, and the reason hashed here is on the record for a dispute.
    /// Requirements: `shipment` is in transit (neither received nor voided); caller is its
    /// custodian (the sender) and still an authorized trading partner; `reasonHash` not zero;
    /// `epcisHash` not zero and `cid` not empty. Emits {ShipmentVoided}.
    /// @param shipment the shipment's holding id.
    /// @param reasonHash keccak256 of the reason for voiding (the text stays off-chain).
    /// @param epcisHash the EPCIS void_shipping event's hash.
    /// @param cid the CID of the EPCIS document holding that event.
    function voidShipment(bytes32 shipment, bytes32 reasonHash, bytes32 epcisHash, bytes calldata cid) external;

    // ---------------------------------------------------------------- decommissioning

    /// @notice Dispenses unit `serial` (its digest) of `holding` to a patient. A serial already
    /// dispensed or destroyed (a clone), or one the proof does not show in the lot at `position`,
    /// or whose position the holding does not hold, is not
    /// dispensed: the alert {SuspectUnitFlagged} is raised for the manufacturer and regulators,
    /// and the transaction succeeds without changing anything. The unit is not quarantined: the
    /// dispenser cannot prove it holds it, so it has no standing over it (see {quarantine}).
    /// @dev Requirements: caller is an active DISPENSER and the custodian of `holding`, which is
    /// held (or voided); `unit.words` are the holding's words; a unit shown in the holding is saleable
    /// ({verify} answers Valid); `epcisHash` not zero and `cid` not empty. Emits {UnitDispensed}
    /// or {SuspectUnitFlagged}.
    /// @param holding the dispenser's holding.
    /// @param serial the serial digest.
    /// @param unit the unit's position, its proof in the lot's tree and the holding's words.
    /// @param epcisHash the EPCIS event's hash (dispensing, or the suspect observation).
    /// @param cid the CID of the EPCIS document holding that event.
    /// @return dispensed whether the unit was dispensed (false: flagged as suspect).
    function dispense(
        bytes32 holding,
        bytes32 serial,
        HeldUnit calldata unit,
        bytes32 epcisHash,
        bytes calldata cid
    ) external returns (bool dispensed);

    /// @notice Destroys unit `serial` (its digest) of `holding` (expired, damaged, recalled or
    /// illegitimate product).
    /// @dev Requirements: caller is an authorized trading partner and the custodian of `holding`,
    /// which is held (or voided); `unit.words` are the holding's words; the proof shows the unit at
    /// `position` in the lot and the holding holds that position; `epcisHash` not zero and `cid`
    /// not empty. Emits {UnitDestroyed}.
    /// @param holding the caller's holding.
    /// @param serial the serial digest: keccak256 of the serial number's UTF-8 bytes.
    /// @param unit the unit's position, its proof in the lot's tree and the holding's words.
    /// @param epcisHash the hash of the EPCIS destroying event.
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    function destroy(
        bytes32 holding,
        bytes32 serial,
        HeldUnit calldata unit,
        bytes32 epcisHash,
        bytes calldata cid
    ) external;

    // ---------------------------------------------------------------- recall and investigations

    /// @notice Recalls lot `lot` of `gtin`: {verify} answers Recalled for each of its units.
    /// @dev Requirements: caller is the active manufacturer of `gtin` or a regulator; the lot is
    /// commissioned and not yet recalled; `reasonHash` not zero; `epcisHash` not zero and `cid`
    /// not empty. Emits {LotRecalled}.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param lot the lot digest.
    /// @param reasonHash keccak256 of the reason text, which stays off-chain.
    /// @param epcisHash the hash of the EPCIS event recording the recall.
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    function recall(uint64 gtin, bytes32 lot, bytes32 reasonHash, bytes32 epcisHash, bytes calldata cid) external;

    /// @notice Quarantines a lot (`scope` Lot, `id` its lot digest) or a unit (`scope` Unit, `id`
    /// its serial digest) of `gtin` as suspect product: it stops moving and is not dispensed until
    /// the manufacturer or a regulator clears it. Only those with standing may stop product: the
    /// product's active manufacturer, an active regulator, or an authorized trading partner in
    /// the chain of custody of the target's lot, which proves it with `standing`: a holding of
    /// that lot whose custodian it is (and, for a unit, the unit's proof in the lot's tree).
    /// Anyone else who finds suspect product reports it with {reportSuspect}.
    /// @dev Standing needs no storage per party: whoever holds or held units of a lot is the
    /// custodian of one of its holdings (its commissioning, a shipment it received or sent), and
    /// holdings are never deleted. The receiver of a shipment in transit has no standing from it
    /// until it receives it. The manufacturer and a regulator need no standing (zero holding,
    /// empty proof), and may quarantine a unit no lot commissioned (a package with an unknown
    /// serial); a party in the chain of custody only a unit its proof shows in its lot.
    /// Requirements: caller is not barred ({setQuarantineBar}); `gtin` is registered; `id` and
    /// `reasonHash` not zero; `epcisHash` not zero and `cid` not empty; for a lot, it is
    /// commissioned; caller is the active manufacturer of `gtin` or an active regulator, or else
    /// an authorized trading partner and the custodian of `standing.holding`, a holding of the
    /// target's lot (for a unit: of a lot of `gtin` whose commissioned tree `standing.proof`
    /// shows the unit in); the target is not under investigation. Emits {ProductQuarantined}.
    /// @param scope whether `id` names a lot or a unit.
    /// @param gtin the product.
    /// @param id the lot digest or the serial digest.
    /// @param standing the caller's standing in the chain of custody (zero and empty for the
    /// manufacturer or a regulator).
    /// @param reasonHash keccak256 of the reason (the text stays off-chain).
    /// @param epcisHash the EPCIS event's hash (bizStep holding).
    /// @param cid the CID of the EPCIS document holding that event.
    function quarantine(
        Scope scope,
        uint64 gtin,
        bytes32 id,
        Standing calldata standing,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes calldata cid
    ) external;

    /// @notice Reports a lot (`scope` Lot, `id` its lot digest) or a unit (`scope` Unit, `id` its
    /// serial digest) of `gtin` as suspect: the DSCSA duty of anyone who finds suspect product.
    /// Changes nothing and never stops product: it raises {SuspectProductReported}, indexed by
    /// the product's manufacturer and by GTIN, for the manufacturer and regulators to act on.
    /// @dev Open to every authorized trading partner, barred from quarantine or not, and about
    /// any lot or serial of a registered product, commissioned or not (a package whose lot or
    /// serial no lot commissioned is suspect too).
    /// Requirements: caller is an authorized trading partner; `gtin` is registered; `id` and
    /// `reasonHash` not zero; `epcisHash` not zero and `cid` not empty. Emits {SuspectProductReported}.
    /// @param scope whether `id` names a lot or a unit.
    /// @param gtin the product.
    /// @param id the lot digest or the serial digest.
    /// @param reasonHash keccak256 of the reason (the text stays off-chain).
    /// @param epcisHash the EPCIS event's hash (the reporter's observation).
    /// @param cid the CID of the EPCIS document holding that event.
    function reportSuspect(
        Scope scope,
        uint64 gtin,
        bytes32 id,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes calldata cid
    ) external;

    /// @notice Bars `account` from quarantining and from opening temperature excursions
    /// (`barred`), or lifts the bar: a regulator's answer to a party that abuses them to freeze
    /// product. A barred party still reports suspect product ({reportSuspect}) and trades.
    /// @dev Requirements: caller is an active REGULATOR; `account` is not zero; the bar changes.
    /// Emits {QuarantineBarSet}.
    /// @param account the party.
    /// @param barred true to bar, false to lift the bar.
    function setQuarantineBar(address account, bool barred) external;

    // ---------------------------------------------------------------- parties' GS1 identifiers

    /// @notice Binds the Global Location Number `gln` to the caller, as its party GLN (PGLN) or
    /// as one of its sites (SGLN), so EPCIS documents name the caller and its places by GS1
    /// identifiers that readers check here. Only the licensee of the GLN's GS1 company prefix
    /// (recorded by a regulator with {licenseCompanyPrefix}) may bind it, so no party can claim
    /// another's GLN; after the prefix moves to a new licensee, the new licensee takes the GLN
    /// over by binding it again; a GLN whose binder no longer holds the prefix (revoked or moved)
    /// names nobody. A new PGLN replaces the caller's previous one; binding the caller's PGLN
    /// again as a site leaves the caller with no PGLN.
    /// @dev Requirements: caller is an authorized trading partner; `gln` is a GLN-13 with a
    /// correct check digit; `companyPrefixLength` is 6 to 12 and the caller is the sole licensee
    /// of the GLN's first `companyPrefixLength` digits. Emits {GlnRegistered}.
    /// @param gln the GLN-13, as a number.
    /// @param companyPrefixLength digits of the GS1 company prefix at the start of `gln`.
    /// @param isParty true for the caller's own GLN (PGLN), false for one of its sites (SGLN).
    function registerGln(uint64 gln, uint8 companyPrefixLength, bool isParty) external;

    /// @notice Clears a quarantined lot or unit (see {quarantine} for `scope` and `id`); a
    /// regulator can so lift a quarantine placed in bad faith.
    /// @dev Requirements: caller is the active manufacturer of `gtin` or a regulator; the target
    /// is quarantined; `epcisHash` not zero and `cid` not empty. Emits {ProductCleared}.
    /// @param scope whether `id` names a lot or a unit.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param id the lot digest or the serial digest.
    /// @param epcisHash the hash of the EPCIS event recording the clearance.
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    function clear(Scope scope, uint64 gtin, bytes32 id, bytes32 epcisHash, bytes calldata cid) external;

    /// @notice Confirms a quarantined lot or unit illegitimate (final), notifying the regulator
    /// and the partners in its chain of custody through {ProductConfirmedIllegitimate}.
    /// @dev Requirements: caller is the active manufacturer of `gtin` or a regulator; the target
    /// is quarantined; `reasonHash` not zero; `epcisHash` not zero and `cid` not empty.
    /// Emits {ProductConfirmedIllegitimate}.
    /// @param scope whether `id` names a lot or a unit.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param id the lot digest or the serial digest.
    /// @param reasonHash keccak256 of the reason text, which stays off-chain.
    /// @param epcisHash the hash of the EPCIS event recording the confirmation.
    /// @param cid binary CID of the EPCIS document on IPFS that holds the event.
    function confirmIllegitimate(
        Scope scope,
        uint64 gtin,
        bytes32 id,
        bytes32 reasonHash,
        bytes32 epcisHash,
        bytes calldata cid
    ) external;

    // ---------------------------------------------------------------- cold chain

    /// @notice Anchors a batch of temperature readings of `holding`, summarised by its lowest and
    /// highest reading. A reading outside the product's range opens an excursion on the holding,
    /// and {verify} answers Quarantined for the lot's units until the manufacturer or a regulator
    /// clears it. Since an excursion stops a whole lot, only the party that has the units now
    /// may report one: the custodian of a non-empty holding it holds (not one it has sent and
    /// that is in transit), or the receiver of a non-empty shipment in transit; never a party
    /// a regulator barred ({setQuarantineBar}).
    /// @dev Readings within the range open nothing and are anchored as before, for the custodian
    /// (also of an empty holding or of a shipment it sent) or the receiver in transit.
    /// Requirements: caller is an authorized trading partner and the custodian of `holding`
    /// or, in transit, its receiver (shown by `dispatchHash`, as {receiveShipment} does);
    /// `minReading <= maxReading`; `epcisHash` not zero and `cid`
    /// not empty; if a reading is outside the product's range: the caller is not barred, the
    /// holding is not empty, and is not in transit unless the caller is its receiver.
    /// Emits {SensorReadingsAnchored}.
    /// @param holding the holding the logger travelled with.
    /// @param dispatchHash for the receiver of a shipment in transit, the hash of the EPCIS
    /// shipping event that made it; ignored for its custodian (zeros will do).
    /// @param minReading the lowest reading, hundredths of a degree Celsius.
    /// @param maxReading the highest reading, hundredths of a degree Celsius.
    /// @param epcisHash the EPCIS sensor_reporting event's hash.
    /// @param cid the CID of the EPCIS document holding that event.
    function recordSensorReadings(
        bytes32 holding,
        bytes32 dispatchHash,
        int16 minReading,
        int16 maxReading,
        bytes32 epcisHash,
        bytes calldata cid
    ) external;

    /// @notice Clears the temperature excursion of `holding` after the manufacturer's or a
    /// regulator's review.
    /// @dev Requirements: caller is the active manufacturer of the holding's product or an active
    /// regulator; the holding has an open excursion; `epcisHash` not zero and `cid` not empty.
    /// Emits {ExcursionCleared}.
    /// @param holding the holding with the excursion.
    /// @param epcisHash the EPCIS inspecting event's hash.
    /// @param cid the CID of the EPCIS document holding that event.
    function clearExcursion(bytes32 holding, bytes32 epcisHash, bytes calldata cid) external;

    // ---------------------------------------------------------------- views

    /// @notice The DSCSA verification of a product identifier: GTIN, serial digest, lot digest and
    /// `YYMMDD` expiry as printed on the package, with a Merkle proof of the unit in its lot.
    /// @dev Answers exactly one status, the first that applies in this order:
    /// 1. Unknown: `gtin` is not registered, or the proof does not show the unit at `position` in
    ///    lot `lot` (which may not exist).
    /// 2. Mismatch: the unit is in lot `lot`, but the lot has another expiry.
    /// 3. Illegitimate: the unit or its lot was confirmed illegitimate.
    /// 4. Recalled: its lot was recalled.
    /// 5. Quarantined: the unit or its lot is quarantined, or the lot has an open temperature
    ///    excursion.
    /// 6. Dispensed: the unit was decommissioned (dispensed, or destroyed).
    /// 7. Expired: the chain's current time is past the end of the expiry day (UTC).
    /// 8. Valid: otherwise.
    /// Identity comes first (is this our unit?), then the states that demand action on it,
    /// then the end of its life, then shelf life. The printed lot names the lot, so only that lot
    /// is asked about and the cost does not grow with the product's lots: whether a serial
    /// unknown in its printed lot is in another lot (a Mismatch in DSCSA terms) is the SDK's
    /// question, answered from its serial index and proven here against that lot.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param serial the serial digest of the printed serial number.
    /// @param lot the lot digest of the printed lot number.
    /// @param expiry the printed expiry date, GS1 `YYMMDD`.
    /// @param position the unit's position in the lot the proof is for.
    /// @param proof the OpenZeppelin Merkle proof of the unit's leaf in its lot's commissioned tree.
    /// @return the one status that applies, by the precedence above.
    function verify(
        uint64 gtin,
        bytes32 serial,
        bytes32 lot,
        uint32 expiry,
        uint32 position,
        bytes32[] calldata proof
    ) external view returns (VerificationStatus);

    /// @notice Product `gtin`.
    /// @param gtin the product's GTIN-14, as a number.
    /// @return the product; all zeros (manufacturer zero) if it is not registered.
    function productOf(uint64 gtin) external view returns (Product memory);

    /// @notice The manufacturer licensed company prefix `companyPrefix` of `length` digits.
    /// @param companyPrefix the GS1 company prefix, as a number.
    /// @param length the prefix's number of digits.
    /// @return the licensee; zero if the prefix of that length is licensed to nobody.
    function licenseeOf(uint64 companyPrefix, uint8 length) external view returns (address);

    /// @notice Lot `lotKey`.
    /// @param lotKey the lot's key (see {lotKeyOf}).
    /// @return the lot; all zeros (serialsRoot zero) if it was never commissioned.
    function lotOf(bytes32 lotKey) external view returns (Lot memory);

    /// @notice The lot keys of `gtin`, in commissioning order.
    /// @param gtin the product's GTIN-14, as a number.
    /// @return the keys of the product's lots; empty if none.
    function lotsOf(uint64 gtin) external view returns (bytes32[] memory);

    /// @notice Holding `holding`.
    /// @param holding the holding's id.
    /// @return the holding; all zeros (state None) if it does not exist.
    function holdingOf(bytes32 holding) external view returns (Holding memory);

    /// @notice What is recorded of unit (`gtin`, `serial`).
    /// @param gtin the product's GTIN-14, as a number.
    /// @param serial the serial digest.
    /// @return the unit's record; all zeros (Active, no investigation) until the unit is
    /// decommissioned or investigated.
    function unitOf(uint64 gtin, bytes32 serial) external view returns (Unit memory);

    /// @notice Whether `account` is an authorized trading partner now.
    /// @param account the account asked about.
    /// @return whether it holds an active MANUFACTURER, DISTRIBUTOR or DISPENSER credential now.
    function isTradingPartner(address account) external view returns (bool);

    /// @notice Whether a regulator barred `account` from quarantining and opening excursions.
    /// @dev Requirements: none.
    /// @param account the party.
    /// @return barred whether `account` is barred.
    function isBarred(address account) external view returns (bool barred);

    /// @notice The party the GLN `gln` names (as its PGLN or one of its sites).
    /// @dev Requirements: none.
    /// @param gln the GLN-13, as a number.
    /// @return party the trading partner that bound it last, while it is still the licensee of
    /// the GLN's company prefix; zero if none, or if the prefix was revoked or moved since.
    /// @return companyPrefixLength digits of the GS1 company prefix at the start of `gln`; zero
    /// when `party` is.
    function glnHolderOf(uint64 gln) external view returns (address party, uint8 companyPrefixLength);

    /// @notice The party GLN (PGLN) of `account`.
    /// @dev Requirements: none.
    /// @param account the party.
    /// @return gln its PGLN; zero if it bound none, its PGLN was bound since as a site or taken
    /// over by a new licensee of the GLN's company prefix, or the prefix is no longer its own.
    function partyGlnOf(address account) external view returns (uint64 gln);

    /// @notice The key of lot `lot` of `gtin`: `keccak256(abi.encode(gtin, lot))`.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param lot the lot digest.
    /// @return the lot's key.
    function lotKeyOf(uint64 gtin, bytes32 lot) external pure returns (bytes32);

    /// @notice The id of unit `serial` of `gtin`: `keccak256(abi.encode(gtin, serial))`.
    /// @param gtin the product's GTIN-14, as a number.
    /// @param serial the serial digest.
    /// @return the unit's id.
    function unitIdOf(uint64 gtin, bytes32 serial) external pure returns (bytes32);

    /// @notice `keccak256(abi.encode(creator, epcisHash, holder))`: the id of the holding that
    /// `creator` made by commissioning or shipping with EPCIS event hash `epcisHash`, for
    /// `holder`. A shipment's id binds its receiver, which shows it is the receiver with the
    /// shipping event's hash.
    /// @param creator the manufacturer that commissioned, or the sender that shipped.
    /// @param epcisHash the hash of the commissioning or shipping event.
    /// @param holder the party the holding was made for: the manufacturer itself for commissioned
    /// stock, the receiver for a shipment.
    /// @return the holding's id.
    function holdingIdOf(address creator, bytes32 epcisHash, address holder) external pure returns (bytes32);
}
