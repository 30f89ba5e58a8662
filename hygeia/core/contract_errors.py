"""One exception class per custom error of the suite's contracts, by Solidity name.

    from hygeia.core import contract_errors as errors
    try:
        client.issue_credential(...)
    except errors.ParticipantRegistryCredentialExists as exc:
        print(exc.error_args["account"])

Each derives from hygeia.core.errors.ContractRevertError; enum arguments arrive as their
enum (hygeia.core.contract_types).

Generated from the compiler output by tools/export_artifacts.py: do not edit. Run
`bin/brownie compile --all && .venv/bin/python tools/export_artifacts.py` after changing a contract.
"""

from __future__ import annotations

from enum import IntEnum

from hygeia.core import contract_types
from hygeia.core.errors import ContractRevertError


class AccessControlBadConfirmation(ContractRevertError):
    """The caller of a function is not the expected one. NOTE: Don't confuse with
    {AccessControlUnauthorizedAccount}. Arguments: none.
    """


class AccessControlUnauthorizedAccount(ContractRevertError):
    """The `account` is missing a role. Arguments: account (address), neededRole (bytes32)."""


class AddressEmptyCode(ContractRevertError):
    """A revert of the suite's contracts. Arguments: target (address)."""


class ClaimsAdjudicatorAppealExists(ContractRevertError):
    """Claim `claimId` already has an appeal in status `status`. Arguments: claimId (bytes32),
    status (uint8).
    """


class ClaimsAdjudicatorAppealNotOpen(ContractRevertError):
    """Claim `claimId` has no open appeal (its appeal is in status `status`). Arguments:
    claimId (bytes32), status (uint8).
    """


class ClaimsAdjudicatorAuthorizationExists(ContractRevertError):
    """Authorization `authId` of `memberId` already exists in plan `planId`. Arguments: planId
    (uint32), memberId (bytes32), authId (bytes32).
    """


class ClaimsAdjudicatorClaimExists(ContractRevertError):
    """Claim `claimId` already exists. Arguments: claimId (bytes32)."""


class ClaimsAdjudicatorClaimNotFound(ContractRevertError):
    """There is no claim `claimId`. Arguments: claimId (bytes32)."""


class ClaimsAdjudicatorConsentRequired(ContractRevertError):
    """`patient` has not allowed `insurer` DISCLOSE for HPAYMT (ConsentRegistry said `reason`).
    Arguments: patient (address), insurer (address), reason (uint8).
    """


class ClaimsAdjudicatorInvalidAuthorization(ContractRevertError):
    """An authorization id or code of zero, or a period that ends before it starts. Arguments:
    authId (bytes32).
    """


class ClaimsAdjudicatorInvalidClaim(ContractRevertError):
    """A claim reference or member id of zero, or no lines or more than {MAX_LINES_PER_CLAIM}.
    Arguments: claimRef (bytes32).
    """


class ClaimsAdjudicatorInvalidCode(ContractRevertError):
    """A procedure code of zero was given. Arguments: none."""


class ClaimsAdjudicatorInvalidDecision(ContractRevertError):
    """An appeal decision must be Upheld or Overturned, not `outcome`. Arguments: outcome
    (uint8).
    """


class ClaimsAdjudicatorInvalidEnrolment(ContractRevertError):
    """A member id or patient of zero, or coverage that ends before it starts. Arguments:
    memberId (bytes32).
    """


class ClaimsAdjudicatorInvalidLine(ContractRevertError):
    """Line `line` (from 1) of claim `claimRef` has a zero code, units or charge. Arguments:
    claimRef (bytes32), line (uint256).
    """


class ClaimsAdjudicatorInvalidPlan(ContractRevertError):
    """A plan key of zero, an empty plan year, or a coinsurance above 10,000 bps. Arguments:
    planKey (bytes32).
    """


class ClaimsAdjudicatorMemberExists(ContractRevertError):
    """`memberId` is already enrolled in plan `planId`. Arguments: planId (uint32), memberId
    (bytes32).
    """


class ClaimsAdjudicatorMemberNotFound(ContractRevertError):
    """`memberId` is not enrolled in plan `planId`. Arguments: planId (uint32), memberId
    (bytes32).
    """


class ClaimsAdjudicatorNotActiveInsurer(ContractRevertError):
    """`account` is not an active INSURER. Arguments: account (address)."""


class ClaimsAdjudicatorNotActiveProvider(ContractRevertError):
    """`account` is not an active PROVIDER. Arguments: account (address)."""


class ClaimsAdjudicatorNotClaimParty(ContractRevertError):
    """`account` is neither the insurer nor the provider of claim `claimId`. Arguments: claimId
    (bytes32), account (address).
    """


class ClaimsAdjudicatorNotClaimProvider(ContractRevertError):
    """`account` is not the provider of claim `claimId`. Arguments: claimId (bytes32), account
    (address).
    """


class ClaimsAdjudicatorNotPlanInsurer(ContractRevertError):
    """`account` is not the insurer of plan `planId`. Arguments: planId (uint32), account
    (address).
    """


class ClaimsAdjudicatorNothingToAppeal(ContractRevertError):
    """Claim `claimId` has no denied line to appeal. Arguments: claimId (bytes32)."""


class ClaimsAdjudicatorPlanExists(ContractRevertError):
    """`insurer` already registered a plan under `planKey`. Arguments: insurer (address),
    planKey (bytes32).
    """


class ClaimsAdjudicatorPlanNotFound(ContractRevertError):
    """There is no plan `planId`. Arguments: planId (uint32)."""


class ClaimsAdjudicatorReceivedInFuture(ContractRevertError):
    """The received day `received` a claim under a `Stated` plan states is after today
    (`today`). Arguments: received (uint32), today (uint32).
    """


class ClaimsAdjudicatorServiceAfterReceipt(ContractRevertError):
    """Line `line` (from 1) of claim `claimRef` has a service date `serviceDate` after the
    claim's received day `received`: a service cannot be billed before it is rendered.
    Arguments: claimRef (bytes32), line (uint256), serviceDate (uint32), received (uint32).
    """


class ClaimsAdjudicatorServiceExists(ContractRevertError):
    """`code` is already in the fee schedule of plan `planId` (entries are never edited).
    Arguments: planId (uint32), code (bytes8).
    """


class ClaimsAdjudicatorUnexpectedClaimState(ContractRevertError):
    """Claim `claimId` is in `state`, which the operation does not accept. Arguments: claimId
    (bytes32), state (uint8).
    """


class ClaimsAdjudicatorZeroAddress(ContractRevertError):
    """The zero address was given where a contract or an account is required. Arguments: none."""


class ClaimsEscrowInsufficientEscrow(ContractRevertError):
    """`insurer` asked for `amount` of its escrow, which holds only `available`. Arguments:
    insurer (address), amount (uint256), available (uint256).
    """


class ClaimsEscrowNotActiveInsurer(ContractRevertError):
    """`account` is not an active INSURER. Arguments: account (address)."""


class ClaimsEscrowNotAdjudicator(ContractRevertError):
    """`account` is not the ClaimsAdjudicator of this escrow. Arguments: account (address)."""


class ClaimsEscrowNothingToWithdraw(ContractRevertError):
    """`account` has no credited payments to withdraw. Arguments: account (address)."""


class ClaimsEscrowZeroAddress(ContractRevertError):
    """The zero address was given where a contract is required. Arguments: none."""


class ClaimsEscrowZeroAmount(ContractRevertError):
    """An amount of zero was given. Arguments: none."""


class ClaimsReaderNotDelegated(ContractRevertError):
    """A view was called at the reader's own address instead of the adjudicator's. Arguments:
    none.
    """


class ConsentRegistryAccessDenied(ContractRevertError):
    """The consent policy refuses `accessor` the operation on `patient`'s data. Arguments:
    patient (address), accessor (address), reason (uint8).
    """


class ConsentRegistryBreakGlassLimitReached(ContractRevertError):
    """`provider` opened break-glass to `patient` {MAX_BREAK_GLASS_OPENINGS} times in the
    current window (or the patient closed it): it may open again from `retryAt`. Arguments:
    patient (address), provider (address), retryAt (uint40).
    """


class ConsentRegistryBreakGlassNotOpen(ContractRevertError):
    """`provider` has no break-glass access to `patient` open. Arguments: patient (address),
    provider (address).
    """


class ConsentRegistryBreakGlassOpen(ContractRevertError):
    """`provider` already has break-glass access to `patient` open. Arguments: patient
    (address), provider (address).
    """


class ConsentRegistryClassDropped(ContractRevertError):
    """A provider's amendment of `recordId` leaves out its data class `dataClass`: only the
    patient or a delegate takes a class off a record. Arguments: recordId (bytes32),
    dataClass (bytes32).
    """


class ConsentRegistryClassIsRecord(ContractRevertError):
    """A record's data class is the id of an anchored record: consents given on that record
    would cover this one. Arguments: dataClass (bytes32).
    """


class ConsentRegistryConsentMismatch(ContractRevertError):
    """The access is allowed under consent `expected`, not the `given` one. Arguments: expected
    (uint256), given (uint256).
    """


class ConsentRegistryConsentNotFound(ContractRevertError):
    """`patient` has no unrevoked consent `consentId` at the given grantee and targets (for
    {shareConsentKeys}: no unrevoked permit). Arguments: patient (address), consentId
    (uint256).
    """


class ConsentRegistryConsentNotInForce(ContractRevertError):
    """Consent `consentId` of `patient` is not in force now (its period is [`start`, `end`]).
    Arguments: patient (address), consentId (uint256), start (uint40), end (uint40).
    """


class ConsentRegistryDelegateExists(ContractRevertError):
    """`delegate` is already a delegate of `patient`. Arguments: patient (address), delegate
    (address).
    """


class ConsentRegistryDelegateNotFound(ContractRevertError):
    """`delegate` was not appointed by `patient` (a guardian is not revoked here but in the
    ParticipantRegistry). Arguments: patient (address), delegate (address).
    """


class ConsentRegistryInvalidActions(ContractRevertError):
    """`actions` is empty or has unknown bits (or, in a query, is not a single action).
    Arguments: actions (uint8).
    """


class ConsentRegistryInvalidBreakGlassDuration(ContractRevertError):
    """A break-glass duration of zero or above {MAX_BREAK_GLASS_DURATION}. Arguments: duration
    (uint40).
    """


class ConsentRegistryInvalidClassCount(ContractRevertError):
    """A record is given no data class, or more than {MAX_RECORD_CLASSES}. Arguments: count
    (uint256).
    """


class ConsentRegistryInvalidDataClass(ContractRevertError):
    """A record's data class is zero or repeated. Arguments: dataClass (bytes32)."""


class ConsentRegistryInvalidDelegate(ContractRevertError):
    """`delegate` cannot be appointed (zero or the patient itself). Arguments: delegate
    (address).
    """


class ConsentRegistryInvalidGrantee(ContractRevertError):
    """Exactly one of grantee and granteeRole must be set, and the grantee is not the patient.
    Arguments: grantee (address), granteeRole (bytes32).
    """


class ConsentRegistryInvalidPeriod(ContractRevertError):
    """The period is empty (`start > end`) or already over. Arguments: start (uint40), end
    (uint40).
    """


class ConsentRegistryInvalidPurposes(ContractRevertError):
    """`purposes` is empty or has unknown bits (or, in a query, is not a single purpose).
    Arguments: purposes (uint8).
    """


class ConsentRegistryInvalidReason(ContractRevertError):
    """A reason hash of zero was given. Arguments: none."""


class ConsentRegistryInvalidRecord(ContractRevertError):
    """A record id or digest of zero, or an empty or over-long CID, was given. Arguments: none."""


class ConsentRegistryInvalidSigner(ContractRevertError):
    """The grant was signed by `signer`, not by `patient`. Arguments: signer (address), patient
    (address).
    """


class ConsentRegistryInvalidTarget(ContractRevertError):
    """A target is zero or repeated. Arguments: target (bytes32)."""


class ConsentRegistryNonceNotYetValid(ContractRevertError):
    """Nonce `nonce` of `patient` is ahead of the current one, `current`: an earlier signed
    grant must be relayed or cancelled first. Arguments: patient (address), nonce (uint256),
    current (uint256).
    """


class ConsentRegistryNonceUsed(ContractRevertError):
    """Nonce `nonce` of `patient` was already used: its signed grant was relayed or cancelled.
    Arguments: patient (address), nonce (uint256).
    """


class ConsentRegistryNotActiveProvider(ContractRevertError):
    """`account` is not an active PROVIDER. Arguments: account (address)."""


class ConsentRegistryNotPatient(ContractRevertError):
    """`account` is not a registered patient, so it cannot grant consents. Arguments: account
    (address).
    """


class ConsentRegistryNotPatientOrDelegate(ContractRevertError):
    """`caller` is neither `patient` nor a delegate of `patient` (nor, to write a record, an
    active PROVIDER). Arguments: patient (address), caller (address).
    """


class ConsentRegistryProvisionLimitReached(ContractRevertError):
    """All {MAX_PROVISIONS_PER_KEY} provisions of `patient` about `granteeKey` and `target` are
    in force. Arguments: patient (address), granteeKey (bytes32), target (bytes32).
    """


class ConsentRegistryRecordErased(ContractRevertError):
    """`recordId` was erased. Arguments: recordId (bytes32)."""


class ConsentRegistryRecordExists(ContractRevertError):
    """`recordId` is already anchored (the author used the same salt for this patient twice).
    Arguments: recordId (bytes32).
    """


class ConsentRegistryRecordNotFound(ContractRevertError):
    """`recordId` is not anchored (for this patient). Arguments: recordId (bytes32)."""


class ConsentRegistrySignatureExpired(ContractRevertError):
    """The signature's deadline `deadline` has passed. Arguments: deadline (uint256)."""


class ConsentRegistryTooManyTargets(ContractRevertError):
    """More than {MAX_TARGETS} targets. Arguments: count (uint256)."""


class ConsentRegistryUnknownRole(ContractRevertError):
    """`role` is not a suite role. Arguments: role (bytes32)."""


class ConsentRegistryZeroAddress(ContractRevertError):
    """The zero address was given where an account is required. Arguments: none."""


class DrugProvenanceBarUnchanged(ContractRevertError):
    """The quarantine bar of `account` is already `barred`. Arguments: account (address),
    barred (bool).
    """


class DrugProvenanceBarred(ContractRevertError):
    """A regulator barred `account` from quarantining and from opening temperature excursions.
    Arguments: account (address).
    """


class DrugProvenanceCompanyPrefixNotFound(ContractRevertError):
    """Company prefix `companyPrefix` of `length` digits is licensed to nobody. Arguments:
    companyPrefix (uint64), length (uint8).
    """


class DrugProvenanceCompanyPrefixNotLicensed(ContractRevertError):
    """The company prefix of `gtin` of `length` digits (the digits after the indicator digit)
    is not licensed to `account`, or is licensed to another account at a length `account`
    did not declare, so `account` may not register or commission `gtin` (or, for
    {registerGln}, bind the GLN `gtin`, whose prefix is its first `length` digits).
    Arguments: gtin (uint64), length (uint8), account (address).
    """


class DrugProvenanceEmptyHolding(ContractRevertError):
    """`holding` holds no units. Arguments: holding (bytes32)."""


class DrugProvenanceHoldingExists(ContractRevertError):
    """A holding with id `holding` exists already (its creator used an EPCIS event hash twice
    for the same holder). Arguments: holding (bytes32).
    """


class DrugProvenanceHoldingNotFound(ContractRevertError):
    """No holding has id `holding`. Arguments: holding (bytes32)."""


class DrugProvenanceInvalidAnchor(ContractRevertError):
    """An EPCIS event hash of zero, or an empty document CID, was given. Arguments: none."""


class DrugProvenanceInvalidCompanyPrefix(ContractRevertError):
    """`companyPrefix` has more than `length` digits. Arguments: companyPrefix (uint64), length
    (uint8).
    """


class DrugProvenanceInvalidCompanyPrefixLength(ContractRevertError):
    """A GS1 company prefix has 6 to 12 digits. Arguments: length (uint8)."""


class DrugProvenanceInvalidExpiry(ContractRevertError):
    """`expiry` is not a GS1 `YYMMDD` date. Arguments: expiry (uint32)."""


class DrugProvenanceInvalidGln(ContractRevertError):
    """`gln` is not a GLN-13 with a correct GS1 check digit. Arguments: gln (uint64)."""


class DrugProvenanceInvalidGtin(ContractRevertError):
    """`gtin` is not a GTIN-14 with a correct check digit. Arguments: gtin (uint64)."""


class DrugProvenanceInvalidQuantity(ContractRevertError):
    """A lot of zero units. Arguments: none."""


class DrugProvenanceInvalidReadings(ContractRevertError):
    """The lowest reading is above the highest. Arguments: minReading (int16), maxReading
    (int16).
    """


class DrugProvenanceInvalidReceiver(ContractRevertError):
    """The receiver of a shipment is its sender. Arguments: receiver (address)."""


class DrugProvenanceInvalidTemperatureRange(ContractRevertError):
    """The temperature range is empty (`min > max`). Arguments: minTemperature (int16),
    maxTemperature (int16).
    """


class DrugProvenanceInvalidWord(ContractRevertError):
    """A taken word's index is not greater than the one before it (repeated or unsorted), or
    the word is zero. Arguments: index (uint256).
    """


class DrugProvenanceLotExists(ContractRevertError):
    """Lot `lotKey` is already commissioned. Arguments: lotKey (bytes32)."""


class DrugProvenanceLotNotFound(ContractRevertError):
    """Lot `lotKey` was never commissioned. Arguments: lotKey (bytes32)."""


class DrugProvenanceLotRecalled(ContractRevertError):
    """Lot `lotKey` is already recalled. Arguments: lotKey (bytes32)."""


class DrugProvenanceNoExcursion(ContractRevertError):
    """`holding` has no open temperature excursion. Arguments: holding (bytes32)."""


class DrugProvenanceNoStanding(ContractRevertError):
    """`account` has no standing over `target` (a lot key or a unit id): it is neither the
    product's active manufacturer nor a regulator, and the standing it gave does not show it
    in the chain of custody of the target's lot. Arguments: account (address), target
    (bytes32).
    """


class DrugProvenanceNotAuthority(ContractRevertError):
    """`account` is neither the active manufacturer of `gtin` nor a regulator. Arguments: gtin
    (uint64), account (address).
    """


class DrugProvenanceNotCustodian(ContractRevertError):
    """`account` is not the custodian of `holding`. Arguments: holding (bytes32), account
    (address).
    """


class DrugProvenanceNotDispenser(ContractRevertError):
    """`account` is not an active DISPENSER. Arguments: account (address)."""


class DrugProvenanceNotManufacturer(ContractRevertError):
    """`account` is not an active MANUFACTURER. Arguments: account (address)."""


class DrugProvenanceNotMovable(ContractRevertError):
    """`holding` is product of a lot that is `status` (Recalled, Quarantined or Illegitimate):
    it may only be shipped back to the product's manufacturer. Arguments: holding (bytes32),
    status (uint8).
    """


class DrugProvenanceNotOwner(ContractRevertError):
    """`account` is not the owner of `holding`, so it cannot sell it. Arguments: holding
    (bytes32), account (address).
    """


class DrugProvenanceNotProductManufacturer(ContractRevertError):
    """`account` is not the manufacturer that registered `gtin`. Arguments: gtin (uint64),
    account (address).
    """


class DrugProvenanceNotReceiver(ContractRevertError):
    """`account` is not the receiver of `holding`. Arguments: holding (bytes32), account
    (address).
    """


class DrugProvenanceNotRegulator(ContractRevertError):
    """`account` is not an active REGULATOR. Arguments: account (address)."""


class DrugProvenanceNotSaleable(ContractRevertError):
    """Unit `unitId` may not be dispensed: {verify} answers `status` for it. Arguments: unitId
    (bytes32), status (uint8).
    """


class DrugProvenanceNotTradingPartner(ContractRevertError):
    """`account` is not an authorized trading partner (an active MANUFACTURER, DISTRIBUTOR or
    DISPENSER). Arguments: account (address).
    """


class DrugProvenancePositionOutOfRange(ContractRevertError):
    """A taken word names a position at or past its lot's quantity. Arguments: index (uint256),
    quantity (uint32).
    """


class DrugProvenanceProductExists(ContractRevertError):
    """`gtin` is already registered. Arguments: gtin (uint64)."""


class DrugProvenanceProductNotFound(ContractRevertError):
    """`gtin` is not registered. Arguments: gtin (uint64)."""


class DrugProvenanceUnexpectedHoldingState(ContractRevertError):
    """`holding` is `state`, which the operation does not allow. Arguments: holding (bytes32),
    state (uint8).
    """


class DrugProvenanceUnexpectedInvestigation(ContractRevertError):
    """`target` is under investigation status `status`, which the operation does not allow.
    Arguments: target (bytes32), status (uint8).
    """


class DrugProvenanceUnitNotHeld(ContractRevertError):
    """The proof does not show unit `unitId` to be in `holding`. Arguments: holding (bytes32),
    unitId (bytes32).
    """


class DrugProvenanceUnitsNotHeld(ContractRevertError):
    """A position taken is not in `holding`. Arguments: holding (bytes32)."""


class DrugProvenanceWordsMismatch(ContractRevertError):
    """The words given for `holding` are not those its commitment commits to: forged, or stale
    (the holding changed since they were read). Arguments: holding (bytes32).
    """


class DrugProvenanceZeroAddress(ContractRevertError):
    """The zero address was given where an account is required. Arguments: none."""


class DrugProvenanceZeroValue(ContractRevertError):
    """A hash, digest or root of zero was given where a value is required. Arguments: none."""


class ERC20InsufficientAllowance(ContractRevertError):
    """Indicates a failure with the `spender`’s `allowance`. Used in transfers. Arguments:
    spender (address), allowance (uint256), needed (uint256).
    """


class ERC20InsufficientBalance(ContractRevertError):
    """Indicates an error related to the current `balance` of a `sender`. Used in transfers.
    Arguments: sender (address), balance (uint256), needed (uint256).
    """


class ERC20InvalidApprover(ContractRevertError):
    """Indicates a failure with the `approver` of a token to be approved. Used in approvals.
    Arguments: approver (address).
    """


class ERC20InvalidReceiver(ContractRevertError):
    """Indicates a failure with the token `receiver`. Used in transfers. Arguments: receiver
    (address).
    """


class ERC20InvalidSender(ContractRevertError):
    """Indicates a failure with the token `sender`. Used in transfers. Arguments: sender
    (address).
    """


class ERC20InvalidSpender(ContractRevertError):
    """Indicates a failure with the `spender` to be approved. Used in approvals. Arguments:
    spender (address).
    """


class FailedCall(ContractRevertError):
    """A revert of the suite's contracts. Arguments: none."""


class InvalidAccountNonce(ContractRevertError):
    """The nonce used for an `account` is not the expected current nonce. Arguments: account
    (address), currentNonce (uint256).
    """


class InvalidShortString(ContractRevertError):
    """A revert of the suite's contracts. Arguments: none."""


class OwnableInvalidOwner(ContractRevertError):
    """The owner is not a valid owner account. (eg. `address(0)`) Arguments: owner (address)."""


class OwnableUnauthorizedAccount(ContractRevertError):
    """The caller account is not authorized to perform an operation. Arguments: account
    (address).
    """


class ParticipantRegistryAccountInUse(ContractRevertError):
    """`account` already takes part in the suite (holds a role or published a key), so a
    guardian may not register it: that would replace the key record keys are wrapped to.
    Arguments: account (address).
    """


class ParticipantRegistryAlreadyRegistered(ContractRevertError):
    """`account` is already a registered patient. Arguments: account (address)."""


class ParticipantRegistryCredentialExists(ContractRevertError):
    """`account` already holds a live (active or suspended) credential for `role`. Arguments:
    account (address), role (bytes32).
    """


class ParticipantRegistryCredentialNotFound(ContractRevertError):
    """`account` holds no live credential for `role`: none was issued, or it was revoked.
    Arguments: account (address), role (bytes32).
    """


class ParticipantRegistryInvalidEncryptionKey(ContractRevertError):
    """An encryption public key of zero was given. Arguments: none."""


class ParticipantRegistryInvalidLicense(ContractRevertError):
    """A license hash or jurisdiction of zero was given. Arguments: none."""


class ParticipantRegistryInvalidSigner(ContractRevertError):
    """The registration or guardianship consent was signed by `signer`, not by `ward`.
    Arguments: signer (address), ward (address).
    """


class ParticipantRegistryInvalidValidity(ContractRevertError):
    """The validity window is empty (`validFrom >= validUntil`) or already over. Arguments:
    validFrom (uint64), validUntil (uint64).
    """


class ParticipantRegistryNoGuardian(ContractRevertError):
    """`ward` has no guardian. Arguments: ward (address)."""


class ParticipantRegistryNotParticipant(ContractRevertError):
    """`account` holds no role in the suite. Arguments: account (address)."""


class ParticipantRegistryNotPatient(ContractRevertError):
    """`account` is not a registered patient. Arguments: account (address)."""


class ParticipantRegistryNotWardOrGuardian(ContractRevertError):
    """`caller` is neither `ward` nor its guardian. Arguments: ward (address), caller
    (address).
    """


class ParticipantRegistryRoleManagedByRegistry(ContractRevertError):
    """`role` is granted and revoked only through registration or credentials, not through
    OpenZeppelin's grantRole, revokeRole or renounceRole. Arguments: role (bytes32).
    """


class ParticipantRegistryRoleNotLicensed(ContractRevertError):
    """`role` is not a licensed role, so it takes no credential. Arguments: role (bytes32)."""


class ParticipantRegistrySignatureExpired(ContractRevertError):
    """The ward's signed consent expired at `deadline`. Arguments: deadline (uint256)."""


class ParticipantRegistryUnexpectedCredentialStatus(ContractRevertError):
    """The credential is not in the status the operation needs (Active to suspend, Suspended to
    reinstate). Arguments: account (address), role (bytes32), status (uint8).
    """


class ParticipantRegistryZeroAddress(ContractRevertError):
    """The zero address was given where an account is required. Arguments: none."""


class ReentrancyGuardReentrantCall(ContractRevertError):
    """Unauthorized reentrant call. Arguments: none."""


class SafeCastOverflowedUintDowncast(ContractRevertError):
    """Value doesn't fit in an uint of `bits` size. Arguments: bits (uint8), value (uint256)."""


class SafeERC20FailedOperation(ContractRevertError):
    """An operation with an ERC-20 token failed. Arguments: token (address)."""


class StringTooLong(ContractRevertError):
    """A revert of the suite's contracts. Arguments: str (string)."""


#: Every class above, by Solidity name.
BY_NAME: dict[str, type[ContractRevertError]] = {
    "AccessControlBadConfirmation": AccessControlBadConfirmation,
    "AccessControlUnauthorizedAccount": AccessControlUnauthorizedAccount,
    "AddressEmptyCode": AddressEmptyCode,
    "ClaimsAdjudicatorAppealExists": ClaimsAdjudicatorAppealExists,
    "ClaimsAdjudicatorAppealNotOpen": ClaimsAdjudicatorAppealNotOpen,
    "ClaimsAdjudicatorAuthorizationExists": ClaimsAdjudicatorAuthorizationExists,
    "ClaimsAdjudicatorClaimExists": ClaimsAdjudicatorClaimExists,
    "ClaimsAdjudicatorClaimNotFound": ClaimsAdjudicatorClaimNotFound,
    "ClaimsAdjudicatorConsentRequired": ClaimsAdjudicatorConsentRequired,
    "ClaimsAdjudicatorInvalidAuthorization": ClaimsAdjudicatorInvalidAuthorization,
    "ClaimsAdjudicatorInvalidClaim": ClaimsAdjudicatorInvalidClaim,
    "ClaimsAdjudicatorInvalidCode": ClaimsAdjudicatorInvalidCode,
    "ClaimsAdjudicatorInvalidDecision": ClaimsAdjudicatorInvalidDecision,
    "ClaimsAdjudicatorInvalidEnrolment": ClaimsAdjudicatorInvalidEnrolment,
    "ClaimsAdjudicatorInvalidLine": ClaimsAdjudicatorInvalidLine,
    "ClaimsAdjudicatorInvalidPlan": ClaimsAdjudicatorInvalidPlan,
    "ClaimsAdjudicatorMemberExists": ClaimsAdjudicatorMemberExists,
    "ClaimsAdjudicatorMemberNotFound": ClaimsAdjudicatorMemberNotFound,
    "ClaimsAdjudicatorNotActiveInsurer": ClaimsAdjudicatorNotActiveInsurer,
    "ClaimsAdjudicatorNotActiveProvider": ClaimsAdjudicatorNotActiveProvider,
    "ClaimsAdjudicatorNotClaimParty": ClaimsAdjudicatorNotClaimParty,
    "ClaimsAdjudicatorNotClaimProvider": ClaimsAdjudicatorNotClaimProvider,
    "ClaimsAdjudicatorNotPlanInsurer": ClaimsAdjudicatorNotPlanInsurer,
    "ClaimsAdjudicatorNothingToAppeal": ClaimsAdjudicatorNothingToAppeal,
    "ClaimsAdjudicatorPlanExists": ClaimsAdjudicatorPlanExists,
    "ClaimsAdjudicatorPlanNotFound": ClaimsAdjudicatorPlanNotFound,
    "ClaimsAdjudicatorReceivedInFuture": ClaimsAdjudicatorReceivedInFuture,
    "ClaimsAdjudicatorServiceAfterReceipt": ClaimsAdjudicatorServiceAfterReceipt,
    "ClaimsAdjudicatorServiceExists": ClaimsAdjudicatorServiceExists,
    "ClaimsAdjudicatorUnexpectedClaimState": ClaimsAdjudicatorUnexpectedClaimState,
    "ClaimsAdjudicatorZeroAddress": ClaimsAdjudicatorZeroAddress,
    "ClaimsEscrowInsufficientEscrow": ClaimsEscrowInsufficientEscrow,
    "ClaimsEscrowNotActiveInsurer": ClaimsEscrowNotActiveInsurer,
    "ClaimsEscrowNotAdjudicator": ClaimsEscrowNotAdjudicator,
    "ClaimsEscrowNothingToWithdraw": ClaimsEscrowNothingToWithdraw,
    "ClaimsEscrowZeroAddress": ClaimsEscrowZeroAddress,
    "ClaimsEscrowZeroAmount": ClaimsEscrowZeroAmount,
    "ClaimsReaderNotDelegated": ClaimsReaderNotDelegated,
    "ConsentRegistryAccessDenied": ConsentRegistryAccessDenied,
    "ConsentRegistryBreakGlassLimitReached": ConsentRegistryBreakGlassLimitReached,
    "ConsentRegistryBreakGlassNotOpen": ConsentRegistryBreakGlassNotOpen,
    "ConsentRegistryBreakGlassOpen": ConsentRegistryBreakGlassOpen,
    "ConsentRegistryClassDropped": ConsentRegistryClassDropped,
    "ConsentRegistryClassIsRecord": ConsentRegistryClassIsRecord,
    "ConsentRegistryConsentMismatch": ConsentRegistryConsentMismatch,
    "ConsentRegistryConsentNotFound": ConsentRegistryConsentNotFound,
    "ConsentRegistryConsentNotInForce": ConsentRegistryConsentNotInForce,
    "ConsentRegistryDelegateExists": ConsentRegistryDelegateExists,
    "ConsentRegistryDelegateNotFound": ConsentRegistryDelegateNotFound,
    "ConsentRegistryInvalidActions": ConsentRegistryInvalidActions,
    "ConsentRegistryInvalidBreakGlassDuration": ConsentRegistryInvalidBreakGlassDuration,
    "ConsentRegistryInvalidClassCount": ConsentRegistryInvalidClassCount,
    "ConsentRegistryInvalidDataClass": ConsentRegistryInvalidDataClass,
    "ConsentRegistryInvalidDelegate": ConsentRegistryInvalidDelegate,
    "ConsentRegistryInvalidGrantee": ConsentRegistryInvalidGrantee,
    "ConsentRegistryInvalidPeriod": ConsentRegistryInvalidPeriod,
    "ConsentRegistryInvalidPurposes": ConsentRegistryInvalidPurposes,
    "ConsentRegistryInvalidReason": ConsentRegistryInvalidReason,
    "ConsentRegistryInvalidRecord": ConsentRegistryInvalidRecord,
    "ConsentRegistryInvalidSigner": ConsentRegistryInvalidSigner,
    "ConsentRegistryInvalidTarget": ConsentRegistryInvalidTarget,
    "ConsentRegistryNonceNotYetValid": ConsentRegistryNonceNotYetValid,
    "ConsentRegistryNonceUsed": ConsentRegistryNonceUsed,
    "ConsentRegistryNotActiveProvider": ConsentRegistryNotActiveProvider,
    "ConsentRegistryNotPatient": ConsentRegistryNotPatient,
    "ConsentRegistryNotPatientOrDelegate": ConsentRegistryNotPatientOrDelegate,
    "ConsentRegistryProvisionLimitReached": ConsentRegistryProvisionLimitReached,
    "ConsentRegistryRecordErased": ConsentRegistryRecordErased,
    "ConsentRegistryRecordExists": ConsentRegistryRecordExists,
    "ConsentRegistryRecordNotFound": ConsentRegistryRecordNotFound,
    "ConsentRegistrySignatureExpired": ConsentRegistrySignatureExpired,
    "ConsentRegistryTooManyTargets": ConsentRegistryTooManyTargets,
    "ConsentRegistryUnknownRole": ConsentRegistryUnknownRole,
    "ConsentRegistryZeroAddress": ConsentRegistryZeroAddress,
    "DrugProvenanceBarUnchanged": DrugProvenanceBarUnchanged,
    "DrugProvenanceBarred": DrugProvenanceBarred,
    "DrugProvenanceCompanyPrefixNotFound": DrugProvenanceCompanyPrefixNotFound,
    "DrugProvenanceCompanyPrefixNotLicensed": DrugProvenanceCompanyPrefixNotLicensed,
    "DrugProvenanceEmptyHolding": DrugProvenanceEmptyHolding,
    "DrugProvenanceHoldingExists": DrugProvenanceHoldingExists,
    "DrugProvenanceHoldingNotFound": DrugProvenanceHoldingNotFound,
    "DrugProvenanceInvalidAnchor": DrugProvenanceInvalidAnchor,
    "DrugProvenanceInvalidCompanyPrefix": DrugProvenanceInvalidCompanyPrefix,
    "DrugProvenanceInvalidCompanyPrefixLength": DrugProvenanceInvalidCompanyPrefixLength,
    "DrugProvenanceInvalidExpiry": DrugProvenanceInvalidExpiry,
    "DrugProvenanceInvalidGln": DrugProvenanceInvalidGln,
    "DrugProvenanceInvalidGtin": DrugProvenanceInvalidGtin,
    "DrugProvenanceInvalidQuantity": DrugProvenanceInvalidQuantity,
    "DrugProvenanceInvalidReadings": DrugProvenanceInvalidReadings,
    "DrugProvenanceInvalidReceiver": DrugProvenanceInvalidReceiver,
    "DrugProvenanceInvalidTemperatureRange": DrugProvenanceInvalidTemperatureRange,
    "DrugProvenanceInvalidWord": DrugProvenanceInvalidWord,
    "DrugProvenanceLotExists": DrugProvenanceLotExists,
    "DrugProvenanceLotNotFound": DrugProvenanceLotNotFound,
    "DrugProvenanceLotRecalled": DrugProvenanceLotRecalled,
    "DrugProvenanceNoExcursion": DrugProvenanceNoExcursion,
    "DrugProvenanceNoStanding": DrugProvenanceNoStanding,
    "DrugProvenanceNotAuthority": DrugProvenanceNotAuthority,
    "DrugProvenanceNotCustodian": DrugProvenanceNotCustodian,
    "DrugProvenanceNotDispenser": DrugProvenanceNotDispenser,
    "DrugProvenanceNotManufacturer": DrugProvenanceNotManufacturer,
    "DrugProvenanceNotMovable": DrugProvenanceNotMovable,
    "DrugProvenanceNotOwner": DrugProvenanceNotOwner,
    "DrugProvenanceNotProductManufacturer": DrugProvenanceNotProductManufacturer,
    "DrugProvenanceNotReceiver": DrugProvenanceNotReceiver,
    "DrugProvenanceNotRegulator": DrugProvenanceNotRegulator,
    "DrugProvenanceNotSaleable": DrugProvenanceNotSaleable,
    "DrugProvenanceNotTradingPartner": DrugProvenanceNotTradingPartner,
    "DrugProvenancePositionOutOfRange": DrugProvenancePositionOutOfRange,
    "DrugProvenanceProductExists": DrugProvenanceProductExists,
    "DrugProvenanceProductNotFound": DrugProvenanceProductNotFound,
    "DrugProvenanceUnexpectedHoldingState": DrugProvenanceUnexpectedHoldingState,
    "DrugProvenanceUnexpectedInvestigation": DrugProvenanceUnexpectedInvestigation,
    "DrugProvenanceUnitNotHeld": DrugProvenanceUnitNotHeld,
    "DrugProvenanceUnitsNotHeld": DrugProvenanceUnitsNotHeld,
    "DrugProvenanceWordsMismatch": DrugProvenanceWordsMismatch,
    "DrugProvenanceZeroAddress": DrugProvenanceZeroAddress,
    "DrugProvenanceZeroValue": DrugProvenanceZeroValue,
    "ERC20InsufficientAllowance": ERC20InsufficientAllowance,
    "ERC20InsufficientBalance": ERC20InsufficientBalance,
    "ERC20InvalidApprover": ERC20InvalidApprover,
    "ERC20InvalidReceiver": ERC20InvalidReceiver,
    "ERC20InvalidSender": ERC20InvalidSender,
    "ERC20InvalidSpender": ERC20InvalidSpender,
    "FailedCall": FailedCall,
    "InvalidAccountNonce": InvalidAccountNonce,
    "InvalidShortString": InvalidShortString,
    "OwnableInvalidOwner": OwnableInvalidOwner,
    "OwnableUnauthorizedAccount": OwnableUnauthorizedAccount,
    "ParticipantRegistryAccountInUse": ParticipantRegistryAccountInUse,
    "ParticipantRegistryAlreadyRegistered": ParticipantRegistryAlreadyRegistered,
    "ParticipantRegistryCredentialExists": ParticipantRegistryCredentialExists,
    "ParticipantRegistryCredentialNotFound": ParticipantRegistryCredentialNotFound,
    "ParticipantRegistryInvalidEncryptionKey": ParticipantRegistryInvalidEncryptionKey,
    "ParticipantRegistryInvalidLicense": ParticipantRegistryInvalidLicense,
    "ParticipantRegistryInvalidSigner": ParticipantRegistryInvalidSigner,
    "ParticipantRegistryInvalidValidity": ParticipantRegistryInvalidValidity,
    "ParticipantRegistryNoGuardian": ParticipantRegistryNoGuardian,
    "ParticipantRegistryNotParticipant": ParticipantRegistryNotParticipant,
    "ParticipantRegistryNotPatient": ParticipantRegistryNotPatient,
    "ParticipantRegistryNotWardOrGuardian": ParticipantRegistryNotWardOrGuardian,
    "ParticipantRegistryRoleManagedByRegistry": ParticipantRegistryRoleManagedByRegistry,
    "ParticipantRegistryRoleNotLicensed": ParticipantRegistryRoleNotLicensed,
    "ParticipantRegistrySignatureExpired": ParticipantRegistrySignatureExpired,
    "ParticipantRegistryUnexpectedCredentialStatus": ParticipantRegistryUnexpectedCredentialStatus,
    "ParticipantRegistryZeroAddress": ParticipantRegistryZeroAddress,
    "ReentrancyGuardReentrantCall": ReentrancyGuardReentrantCall,
    "SafeCastOverflowedUintDowncast": SafeCastOverflowedUintDowncast,
    "SafeERC20FailedOperation": SafeERC20FailedOperation,
    "StringTooLong": StringTooLong,
}
#: The enum of each enum-typed argument, by error and argument name.
ENUM_ARGUMENTS: dict[str, dict[str, type[IntEnum]]] = {
    "ClaimsAdjudicatorAppealExists": {"status": contract_types.AppealStatus},
    "ClaimsAdjudicatorAppealNotOpen": {"status": contract_types.AppealStatus},
    "ClaimsAdjudicatorConsentRequired": {"reason": contract_types.AccessReason},
    "ClaimsAdjudicatorInvalidDecision": {"outcome": contract_types.AppealStatus},
    "ClaimsAdjudicatorUnexpectedClaimState": {"state": contract_types.ClaimState},
    "ConsentRegistryAccessDenied": {"reason": contract_types.AccessReason},
    "DrugProvenanceNotMovable": {"status": contract_types.VerificationStatus},
    "DrugProvenanceNotSaleable": {"status": contract_types.VerificationStatus},
    "DrugProvenanceUnexpectedHoldingState": {"state": contract_types.HoldingState},
    "DrugProvenanceUnexpectedInvestigation": {"status": contract_types.Investigation},
    "ParticipantRegistryUnexpectedCredentialStatus": {"status": contract_types.CredentialStatus},
}
