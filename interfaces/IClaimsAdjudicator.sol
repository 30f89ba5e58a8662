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

    /// @notice Life of a claim record. `None`: no such record. `Submitted`: awaiting adjudication.
    /// `Settled`: adjudicated and its payment (possibly 0) credited to the provider.
    /// `PaymentPending`: adjudicated, its payment waiting for escrow funds ({settlePayments}).
    /// `Reversed`: an adjudicated claim a reversal record cancelled. `Reversal`: that record.
    enum ClaimState {
        None,
        Submitted,
        Settled,
        PaymentPending,
        Reversed,
        Reversal
    }

    /// @notice Why adjudication denied a whole line: the first of rules 1 to 7 that applies;
    /// `None` if none did. A denied line is one CAS adjustment of its whole charge, by denial:
    /// `NotInsured` CO-31 (rule 1: the member was not enrolled in the plan at submission);
    /// `BeforeCoverage` PR-26 and `AfterCoverage` PR-27 (rule 2: service date outside the member's
    /// coverage); `TimelyFiling` CO-29 (rule 3: received more than the plan's timely-filing days
    /// after the service date); `Duplicate` OA-18 (rule 4: same member, provider, code and service
    /// date as a line already allowed, in this claim or another, and not reversed); `NotCovered`
    /// CO-96 (rule 5: the code is not in the plan's fee schedule); `NoAuthorization` CO-197
    /// (rule 6: the code needs a prior authorization and the line names none of this member and
    /// code that covers its service date); `LimitReached` CO-119 (rule 7: every unit of the line
    /// is over the code's annual unit limit).
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

    /// @notice Where a claim's received day, to which timely filing counts, comes from.
    /// `Live`: the day of the block that submits the claim, so a provider cannot backdate it.
    /// `Stated`: the day the submission states (not after today), for an insurer replaying
    /// claims it received earlier, e.g. a payer's batch file.
    enum ReceiptMode {
        Live,
        Stated
    }

    /// @notice Appeal of a claim with a denied line: filed by the provider, decided by the
    /// insurer. `None`: no appeal. `Open`: filed, not decided. `Upheld`: the denial stands.
    /// `Overturned`: the denial is withdrawn (the insurer pays by reversing the claim and
    /// adjudicating the corrected resubmission).
    enum AppealStatus {
        None,
        Open,
        Upheld,
        Overturned
    }

    /// @notice A plan of an insurer for one plan year. Two storage slots.
    /// @dev The member's accumulators (deductible, out-of-pocket, units of limited codes) count per
    /// plan, so a plan is one plan year. The plan year is recorded, not checked against service
    /// dates: coverage is the member's (rule 2).
    /// @param insurer the payer that owns the plan.
    /// @param yearStart first day of the plan year (day number, inclusive).
    /// @param yearEnd last day of the plan year (day number, inclusive).
    /// @param coinsuranceBps the member's coinsurance in basis points of the allowed amount left
    /// after copay and deductible (2,500 = 25%; at most 10,000; 0: none), CAS PR-2.
    /// @param receiptMode where the received day of the plan's claims comes from (packed in the
    /// first slot, which submission reads anyway).
    /// @param timelyFilingDays the most days from a line's service date to the claim's received
    /// day for the line to be on time (rule 3; 0: received on the day of service).
    /// @param deductible annual deductible per member, in cents (0: none), CAS PR-1.
    /// @param oopMax annual out-of-pocket maximum per member, in cents: copay, deductible and
    /// coinsurance together never exceed it (0: the member pays no cost share).
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
    /// @param allowedPerUnit allowed amount per unit, in cents: a line's allowed amount is the
    /// lesser of its charge and this times its units, the rest of the charge is CO-45 (0: nothing
    /// is allowed, the whole charge is CO-45).
    /// @param copay copay per line, in cents, taken first from the allowed amount (0: none), CAS PR-3.
    /// @param annualLimit units of the code allowed per member and plan (plan year), counted only
    /// if `hasLimit`; units over it are cut (CO-119) and a line wholly over it is denied.
    /// @param listed whether the code is in the fee schedule (set by the contract; false: no entry).
    /// @param hasLimit whether `annualLimit` applies (false: no unit limit).
    /// @param deductibleApplies whether the line's allowed amount counts toward the deductible.
    /// @param coinsuranceApplies whether the plan's coinsurance applies to the line.
    /// @param priorAuthRequired whether a line needs a prior authorization of this code (rule 6).
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

    /// @notice A fee schedule entry to add; the fields after `code` are those of {Service}.
    /// @param code the procedure code (CPT/HCPCS) in ASCII, right-padded with zero bytes; not zero.
    /// @param allowedPerUnit allowed amount per unit, in cents.
    /// @param copay copay per line, in cents (0: none).
    /// @param annualLimit units allowed per member and plan, if `hasLimit`.
    /// @param hasLimit whether `annualLimit` applies.
    /// @param deductibleApplies whether the deductible applies.
    /// @param coinsuranceApplies whether coinsurance applies.
    /// @param priorAuthRequired whether lines need a prior authorization.
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
    /// @param coverageStart first covered day (day number, inclusive).
    /// @param coverageEnd last covered day (day number, inclusive).
    struct Member {
        address patient;
        uint32 coverageStart;
        uint32 coverageEnd;
    }

    /// @notice A member to enrol.
    /// @param memberId salted hash of the insurer's member number; not zero.
    /// @param patient the patient's (pseudonymous) account; not zero.
    /// @param coverageStart first covered day (day number, inclusive).
    /// @param coverageEnd last covered day (day number, inclusive; not before `coverageStart`).
    struct Enrolment {
        bytes32 memberId;
        address patient;
        uint32 coverageStart;
        uint32 coverageEnd;
    }

    /// @notice What a member met in the plan (plan year) so far. One storage slot.
    /// @param deductibleMet cents of the plan's deductible met (PR-1 amounts).
    /// @param oopMet cents of the out-of-pocket maximum met (PR-1, PR-2 and PR-3 amounts).
    struct Accumulator {
        uint40 deductibleMet;
        uint40 oopMet;
    }

    /// @notice A prior authorization of one code for one member.
    /// @param code the authorized procedure code; zero: no such authorization.
    /// @param start first day the authorization covers (day number, inclusive).
    /// @param end last day it covers (day number, inclusive).
    struct Authorization {
        bytes8 code;
        uint32 start;
        uint32 end;
    }

    /// @notice A prior authorization to record.
    /// @param memberId the member (salted hash), enrolled in the plan.
    /// @param authId salted hash of the payer's authorization number; not zero, new for the member.
    /// @param code the authorized procedure code; not zero.
    /// @param start first day covered (day number, inclusive).
    /// @param end last day covered (day number, inclusive; not before `start`).
    struct AuthorizationInput {
        bytes32 memberId;
        bytes32 authId;
        bytes8 code;
        uint32 start;
        uint32 end;
    }

    /// @notice One service line of a claim as submitted.
    /// @param code the procedure code (CPT/HCPCS), ASCII right-padded with zero bytes; not zero.
    /// @param serviceDate the day the service was rendered (day number); not after the received day.
    /// @param units service units billed; not zero.
    /// @param charge the line's billed charge for all its units, in cents; not zero.
    /// @param authId the prior authorization the line relies on (salted hash); zero: none.
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

    /// @notice A stored claim record (original or reversal). Two storage slots.
    /// @param provider the provider that submitted the claim, and is paid.
    /// @param planId the plan.
    /// @param received the received day (day number) the plan's receipt mode decided.
    /// @param state where the record is in its life.
    /// @param status X12 835 CLP02 claim status once adjudicated: 1 processed as primary (a known
    /// member, even if every line was denied), 4 denied (an unknown member), 22 reversal of
    /// previous payment (a reversal record); 0 before adjudication.
    /// @param lineCount number of service lines (1 to {MAX_LINES_PER_CLAIM}).
    /// @param memberKnown whether the member was enrolled in the plan when the claim was submitted.
    /// @param memberId the member (salted hash).
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
    /// only its `denial` (every amount zero); otherwise the amounts of its adjustments, in cents,
    /// and the units it used. The line's allowed amount is its charge less `limitExcess` and
    /// `contractual`; the plan pays the allowed amount less `copay`, `deductible` and `coinsurance`.
    /// @param denial why the whole line was denied; `None` if it was not.
    /// @param limitExcess the part of the charge carried by units over the annual unit limit, CO-119.
    /// @param contractual the rest of the charge above the allowed amount, CO-45 (the provider
    /// writes it off).
    /// @param copay the member's copay, PR-3.
    /// @param deductible what went to the member's deductible, PR-1.
    /// @param coinsurance the member's coinsurance, PR-2.
    /// @param unitsAllowed units allowed after the annual unit limit (counted against it).
    struct LineResult {
        Denial denial;
        uint40 limitExcess;
        uint40 contractual;
        uint40 copay;
        uint40 deductible;
        uint40 coinsurance;
        uint32 unitsAllowed;
    }

    /// @notice An X12 835 CAS adjustment.
    /// @param group the claim adjustment group code: "CO" contractual obligation (the provider
    /// writes it off), "PR" patient responsibility (the member owes it), "OA" other adjustment.
    /// @param reason the claim adjustment reason code (CARC), e.g. 1 deductible, 45 fee schedule.
    /// @param amount in cents; positive, negated in a reversal record.
    struct Adjustment {
        bytes2 group;
        uint16 reason;
        int256 amount;
    }

    /// @notice The remittance of one line, as an 835 SVC with its CAS adjustments:
    /// charge = paid + the sum of the adjustments. Amounts in cents, negated in a reversal record.
    /// @param charge the line's billed charge (SVC02).
    /// @param allowed the allowed amount (AMT B6); 0 for a denied line.
    /// @param paid what the plan pays for the line (SVC03).
    /// @param adjustments the CAS adjustments with a non-zero amount, in the order CO-119, CO-45,
    /// PR-3, PR-1, PR-2; a denied line has one, of its whole charge.
    struct LineRemittance {
        int256 charge;
        int256 allowed;
        int256 paid;
        Adjustment[] adjustments;
    }

    /// @notice The remittance of one claim, as an 835 CLP with its service lines. Amounts in cents,
    /// negated in a reversal record.
    /// @param status the claim status (CLP02): 1 processed as primary, 4 denied, 22 reversal.
    /// @param charge the total billed charge (CLP03).
    /// @param paid the claim payment amount (CLP04), whether credited yet or pending.
    /// @param patientResponsibility the sum of the PR adjustments (CLP05), the PR-26 and PR-27
    /// denials included.
    /// @param lines one per service line, in order.
    struct Remittance {
        uint8 status;
        int256 charge;
        int256 paid;
        int256 patientResponsibility;
        LineRemittance[] lines;
    }

    // ---------------------------------------------------------------- events

    /// @notice `insurer` registered plan `planId` under its own key `planKey`.
    /// @param planId the new plan's id (from 1).
    /// @param insurer the active INSURER that registered and owns the plan.
    /// @param planKey the insurer's own key for the plan.
    /// @param plan the plan's terms as stored (`insurer` set to the caller), public to all.
    event PlanRegistered(uint32 indexed planId, address indexed insurer, bytes32 indexed planKey, Plan plan);

    /// @notice Procedure `code` was added to the fee schedule of plan `planId`.
    /// @param planId the plan.
    /// @param code the procedure code (CPT/HCPCS), ASCII right-padded with zero bytes.
    /// @param service the entry as stored (`listed` true); it is never edited.
    event ServiceAdded(uint32 indexed planId, bytes8 indexed code, Service service);

    /// @notice `memberId` was enrolled in plan `planId` and linked to the `patient` account.
    /// @param planId the plan.
    /// @param memberId the member (salted hash of the insurer's member number).
    /// @param patient the patient's (pseudonymous) account, whose consent the member's claims need.
    /// @param coverageStart first covered day (day number, inclusive).
    /// @param coverageEnd last covered day (day number, inclusive).
    event MemberEnrolled(
        uint32 indexed planId,
        bytes32 indexed memberId,
        address indexed patient,
        uint32 coverageStart,
        uint32 coverageEnd
    );

    /// @notice Prior authorization `authId` of `code` for `memberId` in plan `planId`, valid from
    /// day `start` to day `end` (inclusive).
    /// @param planId the plan.
    /// @param memberId the member (salted hash).
    /// @param authId the authorization (salted hash of the payer's authorization number).
    /// @param code the authorized procedure code.
    /// @param start first day covered (day number).
    /// @param end last day covered (day number).
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
    /// @param claimId the new claim's id: keccak256(abi.encode(provider, claimRef)).
    /// @param provider the active PROVIDER that submitted the claim, and is paid.
    /// @param planId the plan.
    /// @param claimRef the provider's claim reference (salted hash of its claim number).
    /// @param memberId the member (salted hash); it may be unknown to the plan (then denied CO-31).
    /// @param received the received day (day number), to which timely filing counts.
    /// @param lineCount number of service lines (1 to {MAX_LINES_PER_CLAIM}).
    /// @param attachmentCid binary CID of the encrypted clinical attachment; empty if none.
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
    /// @param claimId the claim.
    /// @param line the line's number, from 1.
    /// @param charge the line's billed charge, in cents (835 SVC02).
    /// @param allowed the allowed amount, in cents (AMT B6); 0 for a denied line.
    /// @param paid what the plan pays for the line, in cents (SVC03); 0 for a denied line.
    /// @param adjustments the line's CAS adjustments (group code, CARC, positive amount in cents),
    /// those of zero amount left out; a denied line has one, of its whole charge.
    event ClaimLineAdjudicated(
        bytes32 indexed claimId,
        uint256 indexed line,
        uint256 charge,
        uint256 allowed,
        uint256 paid,
        Adjustment[] adjustments
    );

    /// @notice Claim `claimId` was adjudicated with 835 status `status` and these totals.
    /// @param claimId the claim.
    /// @param planId the plan.
    /// @param provider the provider paid.
    /// @param status the claim status (CLP02): 1 processed as primary (a known member), 4 denied
    /// (an unknown member: every line CO-31).
    /// @param charge the total billed charge, in cents (CLP03).
    /// @param paid the claim payment amount, in cents (CLP04): credited to the provider now, or
    /// pended when the escrow is short ({PaymentPended}); 0 if nothing is payable.
    /// @param patientResponsibility the sum of the PR adjustments, in cents (CLP05).
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
    /// @param claimId the claim, now PaymentPending.
    /// @param provider the provider to be paid.
    /// @param insurer whose escrow could not cover the payment.
    /// @param amount the payment waiting, in cents; {settlePayments} pays it once the escrow can.
    event PaymentPended(bytes32 indexed claimId, address indexed provider, address indexed insurer, uint256 amount);

    /// @notice `insurer` reversed claim `claimId` (835 status 22) by the new record `reversalId`,
    /// which carries the negated amounts; the member's accumulators were restored.
    /// @param claimId the original claim, now Reversed.
    /// @param reversalId the reversal record: keccak256(abi.encode(claimId, REVERSAL_TAG)).
    /// @param insurer the plan's insurer.
    /// @param charge the original's total billed charge, in cents (positive here; the reversal
    /// record's remittance negates it).
    /// @param paid the original's payment amount, in cents: recouped if it was credited,
    /// cancelled if it was pending.
    /// @param patientResponsibility the original's patient responsibility, in cents.
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
    /// @param claimId the claim appealed.
    /// @param provider the claim's provider.
    /// @param reasonDigest sha256 of the CID of the encrypted appeal letter (not checked on-chain).
    event AppealFiled(bytes32 indexed claimId, address indexed provider, bytes32 reasonDigest);

    /// @notice `insurer` decided the appeal of claim `claimId`; `decisionDigest` is the sha256 of
    /// the CID of its encrypted decision letter.
    /// @param claimId the claim appealed.
    /// @param insurer the plan's insurer.
    /// @param outcome `Upheld` (the denial stands) or `Overturned`.
    /// @param decisionDigest sha256 of the CID of the encrypted decision letter (not checked on-chain).
    event AppealDecided(bytes32 indexed claimId, address indexed insurer, AppealStatus outcome, bytes32 decisionDigest);

    // ---------------------------------------------------------------- errors

    /// @notice The zero address was given where a contract or an account is required.
    error ClaimsAdjudicatorZeroAddress();

    /// @notice `account` is not an active INSURER.
    /// @param account the caller, without an active INSURER credential.
    error ClaimsAdjudicatorNotActiveInsurer(address account);

    /// @notice `account` is not an active PROVIDER.
    /// @param account the caller, without an active PROVIDER credential.
    error ClaimsAdjudicatorNotActiveProvider(address account);

    /// @notice `account` is not the insurer of plan `planId`.
    /// @param planId the plan.
    /// @param account the caller.
    error ClaimsAdjudicatorNotPlanInsurer(uint32 planId, address account);

    /// @notice `account` is not the provider of claim `claimId`.
    /// @param claimId the claim.
    /// @param account the caller.
    error ClaimsAdjudicatorNotClaimProvider(bytes32 claimId, address account);

    /// @notice `account` is neither the insurer nor the provider of claim `claimId`.
    /// @param claimId the claim.
    /// @param account the caller.
    error ClaimsAdjudicatorNotClaimParty(bytes32 claimId, address account);

    /// @notice A plan key of zero, an empty plan year, or a coinsurance above 10,000 bps.
    /// @param planKey the plan key given.
    error ClaimsAdjudicatorInvalidPlan(bytes32 planKey);

    /// @notice `insurer` already registered a plan under `planKey`.
    /// @param insurer the caller.
    /// @param planKey the plan key given.
    error ClaimsAdjudicatorPlanExists(address insurer, bytes32 planKey);

    /// @notice There is no plan `planId`.
    /// @param planId the plan id given.
    error ClaimsAdjudicatorPlanNotFound(uint32 planId);

    /// @notice A procedure code of zero was given.
    error ClaimsAdjudicatorInvalidCode();

    /// @notice `code` is already in the fee schedule of plan `planId` (entries are never edited).
    /// @param planId the plan.
    /// @param code the procedure code, listed already or earlier in the same call.
    error ClaimsAdjudicatorServiceExists(uint32 planId, bytes8 code);

    /// @notice A member id or patient of zero, or coverage that ends before it starts.
    /// @param memberId the member id given (zero if that is the fault).
    error ClaimsAdjudicatorInvalidEnrolment(bytes32 memberId);

    /// @notice `memberId` is already enrolled in plan `planId`.
    /// @param planId the plan.
    /// @param memberId the member.
    error ClaimsAdjudicatorMemberExists(uint32 planId, bytes32 memberId);

    /// @notice `memberId` is not enrolled in plan `planId`.
    /// @param planId the plan.
    /// @param memberId the member.
    error ClaimsAdjudicatorMemberNotFound(uint32 planId, bytes32 memberId);

    /// @notice An authorization id or code of zero, or a period that ends before it starts.
    /// @param authId the authorization id given (zero if that is the fault).
    error ClaimsAdjudicatorInvalidAuthorization(bytes32 authId);

    /// @notice Authorization `authId` of `memberId` already exists in plan `planId`.
    /// @param planId the plan.
    /// @param memberId the member.
    /// @param authId the authorization id.
    error ClaimsAdjudicatorAuthorizationExists(uint32 planId, bytes32 memberId, bytes32 authId);

    /// @notice A claim reference or member id of zero, or no lines or more than {MAX_LINES_PER_CLAIM}.
    /// @param claimRef the claim reference given (zero if that is the fault).
    error ClaimsAdjudicatorInvalidClaim(bytes32 claimRef);

    /// @notice Line `line` (from 1) of claim `claimRef` has a zero code, units or charge.
    /// @param claimRef the claim reference.
    /// @param line the line's number, from 1.
    error ClaimsAdjudicatorInvalidLine(bytes32 claimRef, uint256 line);

    /// @notice The received day `received` a claim under a `Stated` plan states is after today (`today`).
    /// @param received the received day stated (day number).
    /// @param today the day of the submitting block (day number).
    error ClaimsAdjudicatorReceivedInFuture(uint32 received, uint32 today);

    /// @notice Line `line` (from 1) of claim `claimRef` has a service date `serviceDate` after the
    /// claim's received day `received`: a service cannot be billed before it is rendered.
    /// @param claimRef the claim reference.
    /// @param line the line's number, from 1.
    /// @param serviceDate the line's service date (day number).
    /// @param received the claim's received day (day number).
    error ClaimsAdjudicatorServiceAfterReceipt(bytes32 claimRef, uint256 line, uint32 serviceDate, uint32 received);

    /// @notice Claim `claimId` already exists.
    /// @param claimId the id the provider and claim reference give.
    error ClaimsAdjudicatorClaimExists(bytes32 claimId);

    /// @notice There is no claim `claimId`.
    /// @param claimId the claim id given.
    error ClaimsAdjudicatorClaimNotFound(bytes32 claimId);

    /// @notice Claim `claimId` is in `state`, which the operation does not accept.
    /// @param claimId the claim or reversal record.
    /// @param state its state now.
    error ClaimsAdjudicatorUnexpectedClaimState(bytes32 claimId, ClaimState state);

    /// @notice `patient` has not allowed `insurer` DISCLOSE for HPAYMT (ConsentRegistry said `reason`).
    /// @param patient the member's patient account.
    /// @param insurer the plan's insurer.
    /// @param reason the ConsentRegistry's answer, e.g. NoPermit, Denied, Expired, Revoked.
    error ClaimsAdjudicatorConsentRequired(address patient, address insurer, IConsentRegistry.AccessReason reason);

    /// @notice Claim `claimId` has no denied line to appeal.
    /// @param claimId the claim.
    error ClaimsAdjudicatorNothingToAppeal(bytes32 claimId);

    /// @notice Claim `claimId` already has an appeal in status `status`.
    /// @param claimId the claim.
    /// @param status its appeal's status (Open, Upheld or Overturned).
    error ClaimsAdjudicatorAppealExists(bytes32 claimId, AppealStatus status);

    /// @notice Claim `claimId` has no open appeal (its appeal is in status `status`).
    /// @param claimId the claim.
    /// @param status its appeal's status (None, Upheld or Overturned).
    error ClaimsAdjudicatorAppealNotOpen(bytes32 claimId, AppealStatus status);

    /// @notice An appeal decision must be Upheld or Overturned, not `outcome`.
    /// @param outcome the outcome given.
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
    /// @return planId the new plan's id: one counter for all insurers, from 1 (0 is never a plan).
    function registerPlan(bytes32 planKey, Plan calldata terms) external returns (uint32 planId);

    /// @notice Adds procedure codes to the fee schedule of plan `planId`.
    /// @dev Entries are never edited, so units counted against a limit always follow one rule.
    /// Requirements: caller is the plan's insurer and an active INSURER; every code is non-zero
    /// and not yet listed (nor repeated). Emits {ServiceAdded} per code.
    /// @param planId the plan.
    /// @param services the entries to add, one per procedure code.
    function addServices(uint32 planId, ServiceInput[] calldata services) external;

    // ---------------------------------------------------------------- members

    /// @notice Enrols members in plan `planId`, each linked to its patient's pseudonymous account.
    /// @dev The link is what lets a claim find whose consent it needs. Requirements: caller is
    /// the plan's insurer and an active INSURER; each member id and patient is non-zero, coverage
    /// `start <= end`, the member not yet enrolled. Emits {MemberEnrolled} per member.
    /// @param planId the plan.
    /// @param members the members to enrol, with their patients and coverage periods.
    function enrolMembers(uint32 planId, Enrolment[] calldata members) external;

    /// @notice Records prior authorizations in plan `planId`.
    /// @dev Requirements: caller is the plan's insurer and an active INSURER; each member enrolled;
    /// each id and code non-zero, `start <= end`, the id new for the member. Emits
    /// {AuthorizationRecorded} per authorization.
    /// @param planId the plan.
    /// @param authorizations the authorizations, each of one member and procedure code.
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
    /// @param claims the claims, each under one plan (they may be under different plans).
    /// @return claimIds the claims' ids, in order: keccak256(abi.encode(caller, claimRef)).
    function submitClaims(ClaimInput[] calldata claims) external returns (bytes32[] memory claimIds);

    /// @notice Adjudicates submitted claims, in the order given, and pays or pends each payment.
    /// @dev Applies the adjudication rules to each line against the plan's fee schedule and the
    /// member's accumulators, stores and emits the results, then has the escrow credit the
    /// provider from the insurer's escrow ({IClaimsEscrow-pay}), or pends the payment if the escrow
    /// is short. Requirements: for each claim, caller is its plan's insurer and an active INSURER;
    /// the claim exists and is Submitted (one that is not reverts the whole batch). Emits
    /// {ClaimLineAdjudicated} per line, {ClaimAdjudicated}, and, when the claim pays anything,
    /// either the escrow's {IClaimsEscrow-PaymentCredited} or {PaymentPended}.
    /// @param claimIds the claims to adjudicate, in order (the order decides which line meets the
    /// member's deductible and limits first).
    function adjudicate(bytes32[] calldata claimIds) external;

    /// @notice Pays pending claims, in the order given, as far as the insurer's escrow allows;
    /// the others stay pending.
    /// @dev Requirements: each claim exists and is PaymentPending; caller is its plan's insurer or
    /// its provider. A claim the escrow still cannot cover stays PaymentPending. The escrow emits
    /// {IClaimsEscrow-PaymentCredited} per claim paid.
    /// @param claimIds the pending claims to pay, in order.
    /// @return settled how many of them were paid (now Settled); 0 if the escrow covered none.
    function settlePayments(bytes32[] calldata claimIds) external returns (uint256 settled);

    /// @notice Reverses an adjudicated claim (835 status 22) by a new reversal record; the original
    /// record keeps its amounts.
    /// @dev Restores the member's deductible, out-of-pocket and unit accumulators, and frees the
    /// claim's lines as "earlier lines" for the duplicate rule. A paid amount is recouped by the
    /// escrow ({IClaimsEscrow-recoup}) from the provider's credit, the rest from its later
    /// payments by this insurer; a pending payment is cancelled. Requirements: caller is the
    /// plan's insurer and an active INSURER; the claim is Settled or PaymentPending. Emits
    /// {ClaimReversed} (and the escrow {IClaimsEscrow-PaymentRecouped} when a payment is taken back).
    /// @param claimId the claim to reverse (an original record, not a reversal).
    /// @return reversalId the reversal record's id: keccak256(abi.encode(claimId, REVERSAL_TAG)).
    function reverseClaim(bytes32 claimId) external returns (bytes32 reversalId);

    // ---------------------------------------------------------------- appeals

    /// @notice The provider appeals the denial in an adjudicated claim.
    /// @dev Requirements: caller is the claim's provider; the claim is Settled or PaymentPending;
    /// it has at least one denied line; no earlier appeal. Emits {AppealFiled}.
    /// @param claimId the adjudicated claim.
    /// @param reasonDigest sha256 of the CID of the encrypted appeal letter (only emitted).
    function fileAppeal(bytes32 claimId, bytes32 reasonDigest) external;

    /// @notice Records the insurer's decision on an open appeal. An overturned denial is paid by
    /// reversing the claim and adjudicating the corrected resubmission (new records).
    /// @dev Requirements: caller is the plan's insurer and an active INSURER; the appeal is Open;
    /// `outcome` is Upheld or Overturned. Emits {AppealDecided}.
    /// @param claimId the appealed claim.
    /// @param outcome `Upheld` (the denial stands) or `Overturned`.
    /// @param decisionDigest sha256 of the CID of the encrypted decision letter (only emitted).
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
