// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IClaimsAdjudicator} from "../interfaces/IClaimsAdjudicator.sol";
import {IClaimsEscrow} from "../interfaces/IClaimsEscrow.sol";
import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {ClaimsAdjudicatorStorage} from "./ClaimsAdjudicatorStorage.sol";
import {ClaimsEscrow} from "./ClaimsEscrow.sol";
import {ClaimsReader} from "./ClaimsReader.sol";
import {Adjudication} from "./libraries/Adjudication.sol";
import {ConsentPolicy} from "./libraries/ConsentPolicy.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title ClaimsAdjudicator
/// @notice Plans, enrolment, prior authorizations, claims and their on-chain adjudication into
/// X12 835 remittances, paid from an insurer-funded ERC-20 escrow by pull payments.
/// @dev Three contracts, created together by this one's constructor: this adjudicator (the
/// rules and the claim records; storage in {ClaimsAdjudicatorStorage}); its ClaimsEscrow (the
/// tokens, escrows, credits and recoupments: only this adjudicator pays and recoups there); its
/// ClaimsReader (the views, run on this contract's storage by DELEGATECALL from the fallback, so
/// they are called at this address). The split keeps this contract's code under EIP-170's limit
/// with room for new rules (its size and budget: snapshots/code-size*.json), and keeps the money in
/// a small contract that no claims logic reaches except through {IClaimsEscrow-pay} and
/// {IClaimsEscrow-recoup}.
///
/// Consent: enrolment links a member id (a salted hash) to the patient's pseudonymous account;
/// a claim for a known member needs that patient's consent to the plan's insurer, asked of the
/// ConsentRegistry as DISCLOSE for HPAYMT on the FHIR `Claim` data class (an all-data consent
/// also matches).
///
/// Received day: timely filing (rule 3) counts to it, so a provider must not choose it. A plan is
/// `Live` by default (the submitting block's day) or, set by its insurer at registration,
/// `Stated` (the submission's own day, not in the future) for replaying claims already received.
contract ClaimsAdjudicator is IClaimsAdjudicator, ClaimsAdjudicatorStorage {
    /// @notice The most service lines a claim may have (the X12 837 professional claim's limit).
    uint256 public constant MAX_LINES_PER_CLAIM = 50;
    /// @notice The data class a claim discloses: keccak256 of the FHIR resource type `Claim`.
    bytes32 public constant CLAIM_DATA_CLASS = keccak256("Claim");
    /// @notice keccak256("hygeia.claims.reversal"), mixed into a claim id to name its reversal
    /// record: reversalId = keccak256(abi.encode(claimId, REVERSAL_TAG)).
    bytes32 public constant REVERSAL_TAG = _REVERSAL_TAG;

    /// @dev Seconds per day number.
    uint256 private constant _DAY = 1 days;

    /// @notice The suite's ParticipantRegistry: who is an active PROVIDER or INSURER.
    IParticipantRegistry public immutable participants;
    /// @notice The suite's ConsentRegistry, where patients' consents to disclose claims are evaluated.
    IConsentRegistry public immutable consent;
    /// @inheritdoc IClaimsAdjudicator
    IClaimsEscrow public immutable escrow;
    /// @inheritdoc IClaimsAdjudicator
    address public immutable reader;

    /// @dev What adjudicating one claim needs at hand.
    struct Run {
        bytes32 claimId;
        uint32 planId;
        bytes32 memberId;
        address provider;
        uint32 received;
        Plan plan;
        Member member;
        Accumulator accumulator;
        uint256 charge;
        uint256 paid;
        uint256 patientShare;
    }

    /// @dev The last (patient, insurer) whose consent a batch of submissions checked.
    struct ConsentCache {
        address patient;
        address insurer;
    }

    /// @notice Deploys the claims of a suite: this adjudicator, its ClaimsEscrow and its ClaimsReader.
    /// @dev Creates this adjudicator's ClaimsEscrow (bound to it for good) and ClaimsReader.
    /// Requirements: no argument is the zero address.
    /// @param participantRegistry the suite's ParticipantRegistry.
    /// @param consentRegistry the suite's ConsentRegistry.
    /// @param paymentToken the ERC-20 the escrow holds (a stablecoin with 2 decimals: amounts are cents).
    constructor(IParticipantRegistry participantRegistry, IConsentRegistry consentRegistry, IERC20 paymentToken) {
        if (
            address(participantRegistry) == address(0)
            || address(consentRegistry) == address(0)
            || address(paymentToken) == address(0)
        ) revert ClaimsAdjudicatorZeroAddress();
        participants = participantRegistry;
        consent = consentRegistry;
        escrow = new ClaimsEscrow(participantRegistry, paymentToken);
        reader = address(new ClaimsReader());
    }

    // The fallback is a proxy on purpose (it runs the reader's views here), and a proxy is
    // assembly; slither's `assembly` finding is triaged the same way (audit/slither-triage.md).
    // solhint-disable no-complex-fallback, no-inline-assembly
    /// @notice Answers the views of {IClaimsReader} (plans, members, claims, remittances, appeals)
    /// at this address by running the ClaimsReader's code on this contract's storage.
    /// @dev The reader has only view and pure functions, so nothing is written. Requirements: the
    /// call carries no value and names a function of {IClaimsReader}; the reader's revert data is
    /// passed on as is (empty for an unknown function). The DELEGATECALL is OpenZeppelin's
    /// `Proxy._delegate`, in a non-payable fallback (Proxy's is payable and would invite ether).
    fallback() external {
        address target = reader;
        // Copy the calldata, DELEGATECALL the reader, pass its return or revert data on.
        // slither-disable-next-line assembly -- OpenZeppelin's Proxy._delegate, as is
        assembly {
            calldatacopy(0, 0, calldatasize())
            let success := delegatecall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(success) {
                revert(0, returndatasize())
            }
            return(0, returndatasize())
        }
    }
    // solhint-enable no-complex-fallback, no-inline-assembly

    // ---------------------------------------------------------------- plans

    /// @inheritdoc IClaimsAdjudicator
    function registerPlan(bytes32 planKey, Plan calldata terms) external returns (uint32 planId) {
        _requireActive(msg.sender, Roles.INSURER);
        if (planKey == bytes32(0) || terms.yearStart > terms.yearEnd || terms.coinsuranceBps > Adjudication.BPS) {
            revert ClaimsAdjudicatorInvalidPlan(planKey);
        }
        if (_planIds[msg.sender][planKey] != 0) revert ClaimsAdjudicatorPlanExists(msg.sender, planKey);
        planId = ++_planCount;
        Plan memory plan = terms;
        plan.insurer = msg.sender;
        _plans[planId] = plan;
        _planIds[msg.sender][planKey] = planId;
        emit PlanRegistered(planId, msg.sender, planKey, plan);
    }

    /// @inheritdoc IClaimsAdjudicator
    function addServices(uint32 planId, ServiceInput[] calldata services) external {
        _requirePlanInsurer(planId);
        for (uint256 i = 0; i < services.length; ++i) {
            ServiceInput calldata input = services[i];
            bytes8 code = input.code;
            if (code == bytes8(0)) revert ClaimsAdjudicatorInvalidCode();
            if (_services[planId][code].listed) revert ClaimsAdjudicatorServiceExists(planId, code);
            Service memory service = Service({
                allowedPerUnit: input.allowedPerUnit,
                copay: input.copay,
                annualLimit: input.annualLimit,
                listed: true,
                hasLimit: input.hasLimit,
                deductibleApplies: input.deductibleApplies,
                coinsuranceApplies: input.coinsuranceApplies,
                priorAuthRequired: input.priorAuthRequired
            });
            _services[planId][code] = service;
            emit ServiceAdded(planId, code, service);
        }
    }

    // ---------------------------------------------------------------- members

    /// @inheritdoc IClaimsAdjudicator
    function enrolMembers(uint32 planId, Enrolment[] calldata members) external {
        _requirePlanInsurer(planId);
        for (uint256 i = 0; i < members.length; ++i) {
            Enrolment calldata e = members[i];
            if (e.memberId == bytes32(0) || e.patient == address(0) || e.coverageStart > e.coverageEnd) {
                revert ClaimsAdjudicatorInvalidEnrolment(e.memberId);
            }
            Member storage member = _members[planId][e.memberId];
            if (member.patient != address(0)) revert ClaimsAdjudicatorMemberExists(planId, e.memberId);
            member.patient = e.patient;
            member.coverageStart = e.coverageStart;
            member.coverageEnd = e.coverageEnd;
            emit MemberEnrolled(planId, e.memberId, e.patient, e.coverageStart, e.coverageEnd);
        }
    }

    /// @inheritdoc IClaimsAdjudicator
    function recordAuthorizations(uint32 planId, AuthorizationInput[] calldata authorizations) external {
        _requirePlanInsurer(planId);
        for (uint256 i = 0; i < authorizations.length; ++i) {
            AuthorizationInput calldata a = authorizations[i];
            if (_members[planId][a.memberId].patient == address(0)) {
                revert ClaimsAdjudicatorMemberNotFound(planId, a.memberId);
            }
            if (a.authId == bytes32(0) || a.code == bytes8(0) || a.start > a.end) {
                revert ClaimsAdjudicatorInvalidAuthorization(a.authId);
            }
            Authorization storage stored = _authorizations[planId][a.memberId][a.authId];
            if (stored.code != bytes8(0)) revert ClaimsAdjudicatorAuthorizationExists(planId, a.memberId, a.authId);
            stored.code = a.code;
            stored.start = a.start;
            stored.end = a.end;
            emit AuthorizationRecorded(planId, a.memberId, a.authId, a.code, a.start, a.end);
        }
    }

    // ---------------------------------------------------------------- claims

    /// @inheritdoc IClaimsAdjudicator
    function submitClaims(ClaimInput[] calldata claims) external returns (bytes32[] memory claimIds) {
        _requireActive(msg.sender, Roles.PROVIDER);
        uint32 today = uint32(block.timestamp / _DAY);
        // slither-disable-next-line uninitialized-local -- empty: no (patient, insurer) pair asked yet
        ConsentCache memory cache;
        claimIds = new bytes32[](claims.length);
        for (uint256 i = 0; i < claims.length; ++i) {
            claimIds[i] = _submit(claims[i], today, cache);
        }
    }

    // slither-disable-start reentrancy-no-eth -- the call is to this contract's own ClaimsEscrow, which calls nothing
    /// @inheritdoc IClaimsAdjudicator
    function adjudicate(bytes32[] calldata claimIds) external {
        // slither-disable-next-line uninitialized-local -- 0 is no plan checked yet (plan ids start at 1)
        uint32 checkedPlan;
        for (uint256 i = 0; i < claimIds.length; ++i) {
            bytes32 claimId = claimIds[i];
            Claim storage claim = _existingClaim(claimId);
            if (claim.state != ClaimState.Submitted) revert ClaimsAdjudicatorUnexpectedClaimState(claimId, claim.state);
            uint32 planId = claim.planId;
            // Batches usually hold one plan's claims: check its insurer once.
            if (planId != checkedPlan) {
                _requirePlanInsurer(planId);
                checkedPlan = planId;
            }
            _adjudicateClaim(claimId, claim);
        }
    }
    // slither-disable-end reentrancy-no-eth

    // slither-disable-start reentrancy-no-eth -- the call is to this contract's own ClaimsEscrow, which calls nothing
    /// @inheritdoc IClaimsAdjudicator
    function settlePayments(bytes32[] calldata claimIds) external returns (uint256 settled) {
        for (uint256 i = 0; i < claimIds.length; ++i) {
            bytes32 claimId = claimIds[i];
            Claim storage claim = _existingClaim(claimId);
            if (claim.state != ClaimState.PaymentPending) {
                revert ClaimsAdjudicatorUnexpectedClaimState(claimId, claim.state);
            }
            address insurer = _plans[claim.planId].insurer;
            address provider = claim.provider;
            if (msg.sender != insurer && msg.sender != provider) {
                revert ClaimsAdjudicatorNotClaimParty(claimId, msg.sender);
            }
            // slither-disable-next-line calls-loop -- the escrow this contract created, which calls nothing
            if (escrow.pay(claimId, provider, insurer, _pending[claimId])) {
                claim.state = ClaimState.Settled;
                // slither-disable-next-line costly-loop -- clears the amount settled (a refund), once per claim
                delete _pending[claimId];
                ++settled;
            }
        }
    }
    // slither-disable-end reentrancy-no-eth

    /// @inheritdoc IClaimsAdjudicator
    function reverseClaim(bytes32 claimId) external returns (bytes32 reversalId) {
        Claim storage claim = _existingClaim(claimId);
        uint32 planId = claim.planId;
        _requirePlanInsurer(planId);
        ClaimState state = claim.state;
        if (state != ClaimState.Settled && state != ClaimState.PaymentPending) {
            revert ClaimsAdjudicatorUnexpectedClaimState(claimId, state);
        }
        (uint256 charge, uint256 paid, uint256 patientShare) = _restore(claimId, claim);
        claim.state = ClaimState.Reversed;
        reversalId = _reversalId(claimId);
        Claim memory reversal = claim;
        reversal.state = ClaimState.Reversal;
        reversal.status = Adjudication.STATUS_REVERSAL;
        _claims[reversalId] = reversal;
        _originals[reversalId] = claimId;
        emit ClaimReversed(claimId, reversalId, msg.sender, charge, paid, patientShare);

        if (state == ClaimState.PaymentPending) {
            delete _pending[claimId];
        } else if (paid != 0) {
            escrow.recoup(claimId, claim.provider, msg.sender, paid);
        }
    }

    // ---------------------------------------------------------------- appeals

    /// @inheritdoc IClaimsAdjudicator
    function fileAppeal(bytes32 claimId, bytes32 reasonDigest) external {
        Claim storage claim = _existingClaim(claimId);
        if (msg.sender != claim.provider) revert ClaimsAdjudicatorNotClaimProvider(claimId, msg.sender);
        ClaimState state = claim.state;
        if (state != ClaimState.Settled && state != ClaimState.PaymentPending) {
            revert ClaimsAdjudicatorUnexpectedClaimState(claimId, state);
        }
        AppealStatus status = _appeals[claimId];
        if (status != AppealStatus.None) revert ClaimsAdjudicatorAppealExists(claimId, status);
        if (!_hasDenial(claimId, claim.lineCount)) revert ClaimsAdjudicatorNothingToAppeal(claimId);
        _appeals[claimId] = AppealStatus.Open;
        emit AppealFiled(claimId, msg.sender, reasonDigest);
    }

    /// @inheritdoc IClaimsAdjudicator
    function decideAppeal(bytes32 claimId, AppealStatus outcome, bytes32 decisionDigest) external {
        Claim storage claim = _existingClaim(claimId);
        _requirePlanInsurer(claim.planId);
        AppealStatus status = _appeals[claimId];
        if (status != AppealStatus.Open) revert ClaimsAdjudicatorAppealNotOpen(claimId, status);
        if (outcome != AppealStatus.Upheld && outcome != AppealStatus.Overturned) {
            revert ClaimsAdjudicatorInvalidDecision(outcome);
        }
        _appeals[claimId] = outcome;
        emit AppealDecided(claimId, msg.sender, outcome, decisionDigest);
    }

    // ---------------------------------------------------------------- internals: submission

    /// @dev Checks and stores one claim of {submitClaims}; `today` is the submitting block's day number.
    function _submit(
        ClaimInput calldata input,
        uint32 today,
        ConsentCache memory cache
    ) private returns (bytes32 claimId) {
        uint256 lineCount = input.lines.length;
        if (
            input.claimRef == bytes32(0)
            || input.memberId == bytes32(0)
            || lineCount == 0
            || lineCount > MAX_LINES_PER_CLAIM
        ) revert ClaimsAdjudicatorInvalidClaim(input.claimRef);
        (address insurer, uint32 received) = _planReceipt(input, today);
        claimId = _claimId(msg.sender, input.claimRef);
        if (_claims[claimId].state != ClaimState.None) revert ClaimsAdjudicatorClaimExists(claimId);

        bool known = _memberConsents(input, insurer, cache);
        _claims[claimId] = Claim({
            provider: msg.sender,
            planId: input.planId,
            received: received,
            state: ClaimState.Submitted,
            status: 0,
            lineCount: uint8(lineCount),
            memberKnown: known,
            memberId: input.memberId
        });
        _storeLines(claimId, input, received);
        emit ClaimSubmitted(
            claimId,
            msg.sender,
            input.planId,
            input.claimRef,
            input.memberId,
            received,
            lineCount,
            input.attachmentCid
        );
    }

    /// @dev The claim's plan insurer (reverts if no plan) and its received day under the plan's
    /// receipt mode. A live plan's claims are received when submitted: a stated day could be
    /// backdated to escape timely filing, so only an insurer's `Stated` (replay) plan trusts it.
    function _planReceipt(
        ClaimInput calldata input,
        uint32 today
    ) private view returns (address insurer, uint32 received) {
        Plan storage plan = _plans[input.planId];
        insurer = plan.insurer;
        if (insurer == address(0)) revert ClaimsAdjudicatorPlanNotFound(input.planId);
        received = today;
        if (plan.receiptMode == ReceiptMode.Stated) {
            received = input.received;
            if (received > today) revert ClaimsAdjudicatorReceivedInFuture(received, today);
        }
    }

    /// @dev Checks and stores the lines of a new claim received on day `received`.
    function _storeLines(bytes32 claimId, ClaimInput calldata input, uint32 received) private {
        uint256 lineCount = input.lines.length;
        for (uint256 i = 0; i < lineCount; ++i) {
            ClaimLineInput calldata line = input.lines[i];
            if (line.code == bytes8(0) || line.units == 0 || line.charge == 0) {
                revert ClaimsAdjudicatorInvalidLine(input.claimRef, i + 1);
            }
            if (line.serviceDate > received) {
                revert ClaimsAdjudicatorServiceAfterReceipt(input.claimRef, i + 1, line.serviceDate, received);
            }
            bool hasAuth = line.authId != bytes32(0);
            _lines[claimId][i] = Line(line.code, line.serviceDate, line.units, line.charge, hasAuth);
            if (hasAuth) _lineAuths[claimId][i] = line.authId;
        }
    }

    /// @dev Whether the claim's member is enrolled ("known"); if so, its patient must consent to
    /// the insurer (asked once per run of claims with the same patient and insurer).
    function _memberConsents(
        ClaimInput calldata input,
        address insurer,
        ConsentCache memory cache
    ) private view returns (bool known) {
        address patient = _members[input.planId][input.memberId].patient;
        known = patient != address(0);
        if (known && (patient != cache.patient || insurer != cache.insurer)) {
            _requireConsent(patient, insurer);
            cache.patient = patient;
            cache.insurer = insurer;
        }
    }

    /// @dev Reverts unless `patient` lets `insurer` DISCLOSE the `Claim` data class for HPAYMT now.
    function _requireConsent(address patient, address insurer) private view {
        // slither-disable-next-line calls-loop,unused-return -- own registry, view; the consent id is not needed
        (bool allowed, IConsentRegistry.AccessReason reason, ) = consent.checkAccess(
            patient,
            insurer,
            CLAIM_DATA_CLASS,
            ConsentPolicy.ACTION_DISCLOSE,
            ConsentPolicy.PURPOSE_HPAYMT
        );
        if (!allowed) revert ClaimsAdjudicatorConsentRequired(patient, insurer, reason);
    }

    // ---------------------------------------------------------------- internals: adjudication

    /// @dev Rule 1 (an unknown member's lines are denied CO-31), then rules 2 to 10 per line of a
    /// known member; stores the results and accumulators, sets the 835 status and pays or pends.
    // slither-disable-next-line reentrancy-benign,reentrancy-events -- its own ClaimsEscrow, which calls nothing
    function _adjudicateClaim(bytes32 claimId, Claim storage claim) private {
        // slither-disable-next-line uninitialized-local -- zeroed on purpose; the fields are set below
        Run memory run;
        run.claimId = claimId;
        run.planId = claim.planId;
        run.memberId = claim.memberId;
        run.provider = claim.provider;
        run.received = claim.received;
        run.plan = _plans[run.planId];
        bool known = claim.memberKnown;
        if (known) {
            run.member = _members[run.planId][run.memberId];
            run.accumulator = _accumulators[run.planId][run.memberId];
        }

        uint256 lineCount = claim.lineCount;
        for (uint256 i = 0; i < lineCount; ++i) {
            Line memory line = _lines[claimId][i];
            // slither-disable-next-line uninitialized-local -- zero amounts; an unknown member sets the denial only
            LineResult memory result;
            if (known) result = _adjudicateLine(run, i, line);
            else result.denial = Denial.NotInsured;
            _results[claimId][i] = result;

            (LineRemittance memory remit, int256 patientShare) = Adjudication.remit(line.charge, result, 1);
            emit ClaimLineAdjudicated(
                claimId,
                i + 1,
                line.charge,
                uint256(remit.allowed),
                uint256(remit.paid),
                remit.adjustments
            );
            run.charge += line.charge;
            run.paid += uint256(remit.paid);
            run.patientShare += uint256(patientShare);
        }
        if (known) _accumulators[run.planId][run.memberId] = run.accumulator;

        uint8 status = known ? Adjudication.STATUS_PROCESSED_PRIMARY : Adjudication.STATUS_DENIED;
        claim.status = status;
        claim.state = ClaimState.Settled;
        emit ClaimAdjudicated(claimId, run.planId, run.provider, status, run.charge, run.paid, run.patientShare);

        // slither-disable-next-line calls-loop -- the escrow this contract created, which calls nothing
        if (run.paid != 0 && !escrow.pay(claimId, run.provider, run.plan.insurer, run.paid)) {
            claim.state = ClaimState.PaymentPending;
            _pending[claimId] = run.paid;
            emit PaymentPended(claimId, run.provider, run.plan.insurer, run.paid);
        }
    }

    /// @dev Rules 2 to 10 for one line of a known member; updates the accumulators in `run`.
    function _adjudicateLine(
        Run memory run,
        uint256 index,
        Line memory line
    ) private returns (LineResult memory result) {
        (Denial denial, Service memory service, bytes32 lineKey) = _screen(run, index, line);
        if (denial != Denial.None) return _denied(denial);

        uint256 units = line.units;
        uint256 charge = line.charge;
        if (service.hasLimit) {
            uint32 used = _unitsUsed[run.planId][run.memberId][line.code];
            (uint256 excessUnits, uint256 excessCharge) = Adjudication.unitLimit(
                charge,
                units,
                used,
                service.annualLimit
            );
            if (excessUnits == units) return _denied(Denial.LimitReached);
            units -= excessUnits;
            charge -= excessCharge;
            result.limitExcess = uint40(excessCharge);
            _unitsUsed[run.planId][run.memberId][line.code] = used + uint32(units);
        }
        _price(run, service, charge, units, result);
        _billed[run.planId][lineKey] = true;
    }

    /// @dev Rules 2 to 6, the first that applies wins; also returns the fee schedule entry and
    /// the line's duplicate key for the rules after them.
    function _screen(
        Run memory run,
        uint256 index,
        Line memory line
    ) private view returns (Denial denial, Service memory service, bytes32 lineKey) {
        uint32 date = line.serviceDate;
        if (date < run.member.coverageStart) return (Denial.BeforeCoverage, service, lineKey);
        if (date > run.member.coverageEnd) return (Denial.AfterCoverage, service, lineKey);
        // Submission refused service dates after the received day, so this cannot underflow.
        if (run.received - date > run.plan.timelyFilingDays) {
            return (Denial.TimelyFiling, service, lineKey);
        }
        lineKey = keccak256(abi.encode(run.memberId, run.provider, line.code, date));
        if (_billed[run.planId][lineKey]) return (Denial.Duplicate, service, lineKey);
        service = _services[run.planId][line.code];
        if (!service.listed) return (Denial.NotCovered, service, lineKey);
        if (service.priorAuthRequired && !_authorized(run, index, line)) {
            return (Denial.NoAuthorization, service, lineKey);
        }
    }

    /// @dev Rules 8 to 10 on what rule 7 left of the line: records the amounts in `result` and
    /// adds the member's cost share to the accumulators in `run`.
    function _price(
        Run memory run,
        Service memory service,
        uint256 charge,
        uint256 units,
        LineResult memory result
    ) private pure {
        Accumulator memory acc = run.accumulator;
        Adjudication.CostShare memory share = Adjudication.costShare(
            charge,
            units,
            Adjudication.Terms({
                allowedPerUnit: service.allowedPerUnit,
                copay: service.copay,
                deductibleApplies: service.deductibleApplies,
                coinsuranceApplies: service.coinsuranceApplies,
                coinsuranceBps: run.plan.coinsuranceBps,
                deductibleLeft: run.plan.deductible - acc.deductibleMet,
                oopRoom: run.plan.oopMax - acc.oopMet
            })
        );
        // Each amount is at most the line's charge (a uint40), so the narrowing casts are exact.
        acc.deductibleMet += uint40(share.deductible);
        acc.oopMet += uint40(share.copay + share.deductible + share.coinsurance);
        result.contractual = uint40(charge - share.allowed);
        result.copay = uint40(share.copay);
        result.deductible = uint40(share.deductible);
        result.coinsurance = uint40(share.coinsurance);
        result.unitsAllowed = uint32(units);
    }

    /// @dev Rule 6: the line names an authorization of this member and code covering its date.
    function _authorized(Run memory run, uint256 index, Line memory line) private view returns (bool) {
        if (!line.hasAuth) return false;
        Authorization memory auth = _authorizations[run.planId][run.memberId][_lineAuths[run.claimId][index]];
        return auth.code == line.code && auth.start <= line.serviceDate && line.serviceDate <= auth.end;
    }

    /// @dev The result of a line denied for `denial`: every amount zero.
    function _denied(Denial denial) private pure returns (LineResult memory result) {
        result.denial = denial;
    }

    // ---------------------------------------------------------------- internals: reversal

    /// @dev Gives back what the claim's allowed lines took from the accumulators and frees their
    /// duplicate keys; returns the claim's totals.
    function _restore(
        bytes32 claimId,
        Claim storage claim
    ) private returns (uint256 charge, uint256 paid, uint256 patientShare) {
        uint32 planId = claim.planId;
        bytes32 memberId = claim.memberId;
        address provider = claim.provider;
        Accumulator memory acc = _accumulators[planId][memberId];
        uint256 lineCount = claim.lineCount;
        for (uint256 i = 0; i < lineCount; ++i) {
            Line memory line = _lines[claimId][i];
            LineResult memory result = _results[claimId][i];
            (LineRemittance memory remit, int256 share) = Adjudication.remit(line.charge, result, 1);
            charge += line.charge;
            paid += uint256(remit.paid);
            patientShare += uint256(share);
            if (result.denial != Denial.None) continue;

            acc.deductibleMet -= result.deductible;
            acc.oopMet -= result.copay + result.deductible + result.coinsurance;
            if (_services[planId][line.code].hasLimit) {
                _unitsUsed[planId][memberId][line.code] -= result.unitsAllowed;
            }
            delete _billed[planId][keccak256(abi.encode(memberId, provider, line.code, line.serviceDate))];
        }
        _accumulators[planId][memberId] = acc;
    }

    // ---------------------------------------------------------------- internals: helpers

    /// @dev Reverts unless `account` holds an active `role` credential (INSURER or PROVIDER).
    function _requireActive(address account, bytes32 role) private view {
        // slither-disable-next-line calls-loop -- a view call to the suite's own ParticipantRegistry
        if (participants.isActive(account, role)) return;
        if (role == Roles.INSURER) revert ClaimsAdjudicatorNotActiveInsurer(account);
        revert ClaimsAdjudicatorNotActiveProvider(account);
    }

    /// @dev Reverts unless plan `planId` exists and the caller is its insurer, still active.
    function _requirePlanInsurer(uint32 planId) private view {
        address insurer = _plans[planId].insurer;
        if (insurer == address(0)) revert ClaimsAdjudicatorPlanNotFound(planId);
        if (msg.sender != insurer) revert ClaimsAdjudicatorNotPlanInsurer(planId, msg.sender);
        _requireActive(msg.sender, Roles.INSURER);
    }

    /// @dev Whether any line of claim `claimId` was denied (what an appeal needs).
    function _hasDenial(bytes32 claimId, uint256 lineCount) private view returns (bool) {
        for (uint256 i = 0; i < lineCount; ++i) {
            if (_results[claimId][i].denial != Denial.None) return true;
        }
        return false;
    }
}
