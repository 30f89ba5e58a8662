// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IClaimsEscrow} from "./IClaimsEscrow.sol";
import {IConsentRegistry} from "./IConsentRegistry.sol";

/// @title IClaimsAdjudicator
/// @notice Health insurance claims of the hygeia suite: plans with a fee schedule per procedure
/// code, enrolment of pseudonymous members, prior authorizations, claims submitted by credentialed
/// providers, on-chain adjudication with X12 835 adjustments (group code + CARC + amount),
/// payments from the insurer's ERC-20 escrow (held by its ClaimsEscrow), reversals and appeals.
/// Its views ({IClaimsReader}) are answered at this contract's address too, by its ClaimsReader.
/// @dev Units: amounts are integer cents of the payment token (2 decimals); dates are day numbers
/// (whole days since 1970-01-01 UTC), so "received - service date" is an exact count of days.
/// Privacy: member ids, claim references and authorization ids are salted hashes computed
/// off-chain; clinical details travel as an encrypted IPFS attachment whose CID is only emitted.
interface IClaimsAdjudicator {
    // ---------------------------------------------------------------- types

    /// @notice Life of a claim record. `Settled`: adjudicated and its payment (possibly 0)
    /// credited to the provider. `PaymentPending`: adjudicated, payment waiting for escrow funds.
    /// `Reversed`: an adjudicated claim a reversal record cancelled. `Reversal`: that record.
    enum ClaimState {
        None,
        Submitted,
        Settled,
        PaymentPending,
        Reversed,
        Reversal
    }

    /// @notice Why a whole line was denied (rules 1 to 7 of the adjudication); `None` if it was not.
    enum Denial {
        None,
        NotInsured,
        BeforeCoverage,
        AfterCoverage,
        TimelyFiling,
        Duplicate,
        NotCovered,
        NoAuthorization,
        LimitReached
    }

    /// @notice Where a claim's received day, from which timely filing counts, comes from.
    /// `Live`: the day of the block that submits the claim, so a provider cannot backdate it.
    /// `Stated`: the day the submission states (not after today), for an insurer replaying
    /// claims it received earlier, e.g. a payer's batch file.
    enum ReceiptMode {
        Live,
        Stated
    }

    /// @notice Appeal of a claim with a denial: filed by the provider, decided by the insurer.
    enum AppealStatus {
        None,
        Open,
        Upheld,
        Overturned
    }

    /// @notice A plan of an insurer for one plan year. Two storage slots.
    /// @param insurer the payer that owns the plan.
    /// @param yearStart first day of the plan year (day number, inclusive).
    /// @param yearEnd last day of the plan year (day number, inclusive).
    /// @param coinsuranceBps member coinsurance in basis points (at most 10,000).
    /// @param receiptMode where the received day of the plan's claims comes from (packed in the
    /// first slot, which submission reads anyway).
    /// @param timelyFilingDays days after the service date a claim may be received.
    /// @param deductible annual deductible (cents).
    /// @param oopMax annual out-of-pocket maximum (cents).
    struct Plan {
        address insurer;
        uint32 yearStart;
        uint32 yearEnd;
        uint16 coinsuranceBps;
        ReceiptMode receiptMode;
        uint16 timelyFilingDays;
        uint40 deductible;
        uint40 oopMax;
    }

    /// @notice The fee schedule entry of one procedure code (CPT/HCPCS). One storage slot.
    /// @param allowedPerUnit allowed amount per unit (cents).
    /// @param copay copay per line (cents).
    /// @param annualLimit units allowed per member and plan year (only if `hasLimit`).
    /// @param listed whether the code is in the fee schedule (set by the contract).
    struct Service {
        uint40 allowedPerUnit;
        uint40 copay;
        uint32 annualLimit;
        bool listed;
        bool hasLimit;
        bool deductibleApplies;
        bool coinsuranceApplies;
        bool priorAuthRequired;
    }

    /// @notice A fee schedule entry to add: `code` is the ASCII procedure code, right-padded with zeros.
    struct ServiceInput {
        bytes8 code;
        uint40 allowedPerUnit;
        uint40 copay;
        uint32 annualLimit;
        bool hasLimit;
        bool deductibleApplies;
        bool coinsuranceApplies;
        bool priorAuthRequired;
    }

    /// @notice An enrolled member. One storage slot; `patient` is zero for an unknown member.
    /// @param patient the patient's (pseudonymous) account, whose consent claims need.
    /// @param coverageStart first covered day (inclusive).
    /// @param coverageEnd last covered day (inclusive).
    struct Member {
        address patient;
        uint32 coverageStart;
        uint32 coverageEnd;
    }

    /// @notice A member to enrol; `memberId` is a salted hash of the insurer's member number.
    struct Enrolment {
        bytes32 memberId;
        address patient;
        uint32 coverageStart;
        uint32 coverageEnd;
    }

    /// @notice Deductible and out-of-pocket amounts a member met in the plan year (cents).
    struct Accumulator {
        uint40 deductibleMet;
        uint40 oopMet;
    }

    /// @notice A prior authorization of one code for one member; `code` zero means none.
    struct Authorization {
        bytes8 code;
        uint32 start;
        uint32 end;
    }

    /// @notice A prior authorization to record; `authId` is a hash of the payer's reference number.
    struct AuthorizationInput {
        bytes32 memberId;
        bytes32 authId;
        bytes8 code;
        uint32 start;
        uint32 end;
    }

    /// @notice One service line of a claim as submitted; `authId` zero means none.
    struct ClaimLineInput {
        bytes8 code;
        uint32 serviceDate;
        uint32 units;
        uint40 charge;
        bytes32 authId;
    }

    /// @notice A claim as submitted by a provider.
    /// @param claimRef salted hash of the provider's claim number; the claim id is
    /// keccak256(abi.encode(provider, claimRef)).
    /// @param planId the plan the member's coverage is under.
    /// @param memberId the member (salted hash).
    /// @param received the day the claim was received, used only under a `Stated` plan (there,
    /// not in the future); a `Live` plan ignores it and takes the block's day. Timely filing
    /// counts to the received day, and no line's service date may be after it.
    /// @param lines 1 to {MAX_LINES_PER_CLAIM} service lines.
    /// @param attachmentCid CID of the encrypted clinical attachment (may be empty); emitted only.
    struct ClaimInput {
        bytes32 claimRef;
        uint32 planId;
        bytes32 memberId;
        uint32 received;
        ClaimLineInput[] lines;
        bytes attachmentCid;
    }

    /// @notice A stored claim record (original or reversal). Two storage slots; `received` is the
    /// received day the plan's receipt mode decided.
    /// @param status X12 835 CLP02 once adjudicated (1 processed as primary, 4 denied, 22 reversal).
    /// @param memberKnown whether the member was enrolled in the plan when the claim was submitted.
    struct Claim {
        address provider;
        uint32 planId;
        uint32 received;
        ClaimState state;
        uint8 status;
        uint8 lineCount;
        bool memberKnown;
        bytes32 memberId;
    }

    /// @notice What adjudication decided for one line. One storage slot. A denied line carries
    /// only its `denial`; otherwise the amounts of its adjustments and the units it used.
    struct LineResult {
        Denial denial;
        uint40 limitExcess;
        uint40 contractual;
        uint40 copay;
        uint40 deductible;
        uint40 coinsurance;
        uint32 unitsAllowed;
    }

    /// @notice An X12 835 CAS adjustment: group code ("CO", "PR", "OA"), CARC and amount (cents;
    /// negative in a reversal).
    struct Adjustment {
        bytes2 group;
        uint16 reason;
        int256 amount;
    }

    /// @notice The remittance of one line, as an 835 SVC with its CAS adjustments.
    struct LineRemittance {
        int256 charge;
        int256 allowed;
        int256 paid;
        Adjustment[] adjustments;
    }

    /// @notice The remittance of one claim, as an 835 CLP: patient responsibility is the sum of
    /// the PR adjustments. Amounts are negative in a reversal record.
    struct Remittance {
        uint8 status;
        int256 charge;
        int256 paid;
        int256 patientResponsibility;
        LineRemittance[] lines;
    }

    // ---------------------------------------------------------------- events

    /// @notice `insurer` registered plan `planId` under its own key `planKey`.
    event PlanRegistered(uint32 indexed planId, address indexed insurer, bytes32 indexed planKey, Plan plan);

    /// @notice Procedure `code` was added to the fee schedule of plan `planId`.
    event ServiceAdded(uint32 indexed planId, bytes8 indexed code, Service service);

    /// @notice `memberId` was enrolled in plan `planId` and linked to the `patient` account.
    event MemberEnrolled(
        uint32 indexed planId,
        bytes32 indexed memberId,
        address indexed patient,
        uint32 coverageStart,
        uint32 coverageEnd
    );

    /// @notice Prior authorization `authId` of `code` for `memberId` in plan `planId`, valid from
    /// day `start` to day `end` (inclusive).
    event AuthorizationRecorded(
        uint32 indexed planId,
        bytes32 indexed memberId,
        bytes32 indexed authId,
        bytes8 code,
        uint32 start,
        uint32 end
    );

    /// @notice `provider` submitted claim `claimId` under plan `planId`, received on day `received`
    /// (as the plan's receipt mode decided). The attachment CID is only emitted, never stored.
    event ClaimSubmitted(
        bytes32 indexed claimId,
        address indexed provider,
        uint32 indexed planId,
        bytes32 claimRef,
        bytes32 memberId,
        uint32 received,
        uint256 lineCount,
        bytes attachmentCid
    );

    /// @notice Line `line` (from 1) of `claimId` was adjudicated: charge = paid + sum of adjustments.
    event ClaimLineAdjudicated(
        bytes32 indexed claimId,
        uint256 indexed line,
        uint256 charge,
        uint256 allowed,
        uint256 paid,
        Adjustment[] adjustments
    );

    /// @notice Claim `claimId` was adjudicated with 835 status `status` and these totals.
    event ClaimAdjudicated(
        bytes32 indexed claimId,
        uint32 indexed planId,
        address indexed provider,
        uint8 status,
        uint256 charge,
        uint256 paid,
        uint256 patientResponsibility
    );

    /// @notice The payment of `amount` for claim `claimId` waits: `insurer`'s escrow was short.
    event PaymentPended(bytes32 indexed claimId, address indexed provider, address indexed insurer, uint256 amount);

    /// @notice `insurer` reversed claim `claimId` (835 status 22) by the new record `reversalId`,
    /// which carries the negated amounts; the member's accumulators were restored.
    event ClaimReversed(
        bytes32 indexed claimId,
        bytes32 indexed reversalId,
        address indexed insurer,
        uint256 charge,
        uint256 paid,
        uint256 patientResponsibility
    );

    /// @notice `provider` appealed the denial in claim `claimId`; `reasonDigest` is the sha256 of
    /// the CID of its encrypted appeal letter.
    event AppealFiled(bytes32 indexed claimId, address indexed provider, bytes32 reasonDigest);

    /// @notice `insurer` decided the appeal of claim `claimId`; `decisionDigest` is the sha256 of
    /// the CID of its encrypted decision letter.
    event AppealDecided(bytes32 indexed claimId, address indexed insurer, AppealStatus outcome, bytes32 decisionDigest);

    // ---------------------------------------------------------------- errors

    /// @notice The zero address was given where a contract or an account is required.
    error ClaimsAdjudicatorZeroAddress();

    /// @notice `account` is not an active INSURER.
    error ClaimsAdjudicatorNotActiveInsurer(address account);

    /// @notice `account` is not an active PROVIDER.
    error ClaimsAdjudicatorNotActiveProvider(address account);

    /// @notice `account` is not the insurer of plan `planId`.
    error ClaimsAdjudicatorNotPlanInsurer(uint32 planId, address account);

    /// @notice `account` is not the provider of claim `claimId`.
    error ClaimsAdjudicatorNotClaimProvider(bytes32 claimId, address account);

    /// @notice `account` is neither the insurer nor the provider of claim `claimId`.
    error ClaimsAdjudicatorNotClaimParty(bytes32 claimId, address account);

    /// @notice A plan key of zero, an empty plan year, or a coinsurance above 10,000 bps.
    error ClaimsAdjudicatorInvalidPlan(bytes32 planKey);

    /// @notice `insurer` already registered a plan under `planKey`.
    error ClaimsAdjudicatorPlanExists(address insurer, bytes32 planKey);

    /// @notice There is no plan `planId`.
    error ClaimsAdjudicatorPlanNotFound(uint32 planId);

    /// @notice A procedure code of zero was given.
    error ClaimsAdjudicatorInvalidCode();

    /// @notice `code` is already in the fee schedule of plan `planId` (entries are never edited).
    error ClaimsAdjudicatorServiceExists(uint32 planId, bytes8 code);

    /// @notice A member id or patient of zero, or coverage that ends before it starts.
    error ClaimsAdjudicatorInvalidEnrolment(bytes32 memberId);

    /// @notice `memberId` is already enrolled in plan `planId`.
    error ClaimsAdjudicatorMemberExists(uint32 planId, bytes32 memberId);

    /// @notice `memberId` is not enrolled in plan `planId`.
    error ClaimsAdjudicatorMemberNotFound(uint32 planId, bytes32 memberId);

    /// @notice An authorization id or code of zero, or a period that ends before it starts.
    error ClaimsAdjudicatorInvalidAuthorization(bytes32 authId);

    /// @notice Authorization `authId` of `memberId` already exists in plan `planId`.
    error ClaimsAdjudicatorAuthorizationExists(uint32 planId, bytes32 memberId, bytes32 authId);

    /// @notice A claim reference or member id of zero, or no lines or more than {MAX_LINES_PER_CLAIM}.
    error ClaimsAdjudicatorInvalidClaim(bytes32 claimRef);

    /// @notice Line `line` (from 1) of claim `claimRef` has a zero code, units or charge.
    error ClaimsAdjudicatorInvalidLine(bytes32 claimRef, uint256 line);

    /// @notice The received day `received` a claim under a `Stated` plan states is after today (`today`).
    error ClaimsAdjudicatorReceivedInFuture(uint32 received, uint32 today);

    /// @notice Line `line` (from 1) of claim `claimRef` has a service date `serviceDate` after the
    /// claim's received day `received`: a service cannot be billed before it is rendered.
    error ClaimsAdjudicatorServiceAfterReceipt(bytes32 claimRef, uint256 line, uint32 serviceDate, uint32 received);

    /// @notice Claim `claimId` already exists.
    error ClaimsAdjudicatorClaimExists(bytes32 claimId);

    /// @notice There is no claim `claimId`.
    error ClaimsAdjudicatorClaimNotFound(bytes32 claimId);

    /// @notice Claim `claimId` is in `state`, which the operation does not accept.
    error ClaimsAdjudicatorUnexpectedClaimState(bytes32 claimId, ClaimState state);

    /// @notice `patient` has not allowed `insurer` DISCLOSE for HPAYMT (ConsentRegistry said `reason`).
    error ClaimsAdjudicatorConsentRequired(address patient, address insurer, IConsentRegistry.AccessReason reason);

    /// @notice Claim `claimId` has no denied line to appeal.
    error ClaimsAdjudicatorNothingToAppeal(bytes32 claimId);

    /// @notice Claim `claimId` already has an appeal in status `status`.
    error ClaimsAdjudicatorAppealExists(bytes32 claimId, AppealStatus status);

    /// @notice Claim `claimId` has no open appeal (its appeal is in status `status`).
    error ClaimsAdjudicatorAppealNotOpen(bytes32 claimId, AppealStatus status);

    /// @notice An appeal decision must be Upheld or Overturned, not `outcome`.
    error ClaimsAdjudicatorInvalidDecision(AppealStatus outcome);

    // ---------------------------------------------------------------- plans

    /// @notice Registers a plan of the caller for one plan year and returns its id (1, 2, ...).
    /// @dev The fee schedule is added with {addServices}. `terms.receiptMode` is `Live` for a plan
    /// providers submit to as claims arrive; `Stated` trusts the received day a submission states,
    /// so it suits only an insurer replaying claims it received (the terms are public in
    /// {PlanRegistered}). Requirements: caller is an active INSURER; `planKey` is not zero and not
    /// yet used by the caller; `yearStart <= yearEnd`; `coinsuranceBps <= 10,000`. Emits
    /// {PlanRegistered}.
    /// @param planKey the insurer's own key for the plan (e.g. keccak256 of its plan code and year).
    /// @param terms the plan; its `insurer` field is ignored (the caller owns the plan).
    function registerPlan(bytes32 planKey, Plan calldata terms) external returns (uint32 planId);

    /// @notice Adds procedure codes to the fee schedule of plan `planId`.
    /// @dev Entries are never edited, so units counted against a limit always follow one rule.
    /// Requirements: caller is the plan's insurer and an active INSURER; every code is non-zero
    /// and not yet listed (nor repeated). Emits {ServiceAdded} per code.
    function addServices(uint32 planId, ServiceInput[] calldata services) external;

    // ---------------------------------------------------------------- members

    /// @notice Enrols members in plan `planId`, each linked to its patient's pseudonymous account.
    /// @dev The link is what lets a claim find whose consent it needs. Requirements: caller is
    /// the plan's insurer and an active INSURER; each member id and patient is non-zero, coverage
    /// `start <= end`, the member not yet enrolled. Emits {MemberEnrolled} per member.
    function enrolMembers(uint32 planId, Enrolment[] calldata members) external;

    /// @notice Records prior authorizations in plan `planId`.
    /// @dev Requirements: caller is the plan's insurer and an active INSURER; each member enrolled;
    /// each id and code non-zero, `start <= end`, the id new for the member. Emits
    /// {AuthorizationRecorded} per authorization.
    function recordAuthorizations(uint32 planId, AuthorizationInput[] calldata authorizations) external;

    // ---------------------------------------------------------------- claims

    /// @notice Submits claims as the calling provider and returns their ids.
    /// @dev A member enrolled in the plan is "known": its patient must have given the plan's
    /// insurer an active consent to DISCLOSE for HPAYMT (all data or the Claim data class), since
    /// the claim discloses PHI for payment. An unknown member's claim is accepted and later denied
    /// (status 4); there is no patient to ask. The received day is today under a `Live` plan and
    /// the stated `received` under a `Stated` one (see {ReceiptMode}). Requirements: caller is an
    /// active PROVIDER; each plan exists; claim reference and member id non-zero; 1 to
    /// {MAX_LINES_PER_CLAIM} lines, each with non-zero code, units and charge and a service date
    /// not after the received day; under a `Stated` plan, `received` not after today; the claim id
    /// new; consent as above. Emits {ClaimSubmitted} per claim.
    function submitClaims(ClaimInput[] calldata claims) external returns (bytes32[] memory claimIds);

    /// @notice Adjudicates submitted claims, in the order given, and pays or pends each payment.
    /// @dev Applies the adjudication rules to each line against the plan's fee schedule and the
    /// member's accumulators, stores and emits the results, then has the escrow credit the
    /// provider from the insurer's escrow ({IClaimsEscrow-pay}), or pends the payment if the escrow
    /// is short. Requirements: for each claim, caller is its plan's insurer and an active INSURER;
    /// the claim is Submitted. Emits {ClaimLineAdjudicated} per line, {ClaimAdjudicated}, and
    /// either the escrow's {IClaimsEscrow-PaymentCredited} or {PaymentPended}.
    /// @param claimIds the claims to adjudicate, in order.
    function adjudicate(bytes32[] calldata claimIds) external;

    /// @notice Pays pending claims, in the order given, as far as the insurer's escrow allows;
    /// the others stay pending.
    /// @dev Requirements: each claim is PaymentPending; caller is its plan's insurer or its
    /// provider. The escrow emits {IClaimsEscrow-PaymentCredited} per claim paid.
    /// @param claimIds the pending claims to pay, in order.
    /// @return settled how many were paid.
    function settlePayments(bytes32[] calldata claimIds) external returns (uint256 settled);

    /// @notice Reverses an adjudicated claim (835 status 22) by a new reversal record; the original
    /// record keeps its amounts.
    /// @dev Restores the member's deductible, out-of-pocket and unit accumulators, and frees the
    /// claim's lines as "earlier lines" for the duplicate rule. A paid amount is recouped by the
    /// escrow ({IClaimsEscrow-recoup}) from the provider's credit, the rest from its later
    /// payments by this insurer; a pending payment is cancelled. Requirements: caller is the
    /// plan's insurer and an active INSURER; the claim is Settled or PaymentPending. Emits
    /// {ClaimReversed} (and the escrow {IClaimsEscrow-PaymentRecouped} when a payment is taken back).
    /// @param claimId the claim to reverse.
    /// @return reversalId the reversal record's id.
    function reverseClaim(bytes32 claimId) external returns (bytes32 reversalId);

    // ---------------------------------------------------------------- appeals

    /// @notice The provider appeals the denial in an adjudicated claim.
    /// @dev Requirements: caller is the claim's provider; the claim is Settled or PaymentPending;
    /// it has at least one denied line; no earlier appeal. Emits {AppealFiled}.
    function fileAppeal(bytes32 claimId, bytes32 reasonDigest) external;

    /// @notice Records the insurer's decision on an open appeal. An overturned denial is paid by
    /// reversing the claim and adjudicating the corrected resubmission (new records).
    /// @dev Requirements: caller is the plan's insurer and an active INSURER; the appeal is Open;
    /// `outcome` is Upheld or Overturned. Emits {AppealDecided}.
    function decideAppeal(bytes32 claimId, AppealStatus outcome, bytes32 decisionDigest) external;

    // ---------------------------------------------------------------- companions

    /// @notice The ClaimsEscrow this adjudicator created: it holds the insurers' escrows and the
    /// providers' credit; insurers fund it and providers withdraw from it directly.
    /// @dev Requirements: none.
    /// @return the escrow.
    function escrow() external view returns (IClaimsEscrow);

    /// @notice The ClaimsReader this adjudicator created, whose views ({IClaimsReader}) it answers
    /// at its own address through its fallback.
    /// @dev Requirements: none.
    /// @return the reader's address (call the views at this contract's address, not there).
    function reader() external view returns (address);
}
