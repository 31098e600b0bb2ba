import type { CaseState } from '../../domain/case-state';
import { type CaseStep, checkStep, hasDocumentConflict, StepRejected } from '../../domain/case-steps';
import {
  allCriteriaMet,
  approve,
  ARRIVED_AT,
  completeSafeguards,
  safeguardsWithoutEscort,
  counselling,
  DAY,
  drive,
  eligible,
  HOUR,
  iso,
  manager,
  MINUTE,
  officer,
  onwardCase,
  otherSupervisor,
  payment,
  plan,
  policy,
  reception,
  registeredCase,
  reintegrationCaseAt,
  reject,
  rejection,
  step,
  supervisor,
  T0,
  tranche,
  visit,
} from './fixtures';

const ctx = (actor = officer, now = T0) => ({ actor, now, policy: policy() });

describe('StepRejected', () => {
  it('is an Error named StepRejected that carries its code', () => {
    const error = rejection(registeredCase(), counselling);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(StepRejected);
    expect(error.name).toBe('StepRejected');
    expect(error.code).toBe('stage_conflict');
  });
});

describe('every applied step', () => {
  it('increments seq by one', () => {
    const state = drive(registeredCase(), [reception, counselling, counselling]);
    expect(state.seq).toBe(3);
  });

  it('leaves the previous state untouched (applyStep is pure)', () => {
    const before = reintegrationCaseAt('disbursing');
    const snapshot = structuredClone(before);
    const after = step(before, tranche(500_000));
    expect(before).toEqual(snapshot);
    expect(after.tranches).toHaveLength(1);
    expect(before.tranches).toHaveLength(0);
  });

  it('checkStep changes nothing even when it accepts the step', () => {
    const state = registeredCase();
    const snapshot = structuredClone(state);
    checkStep(state, reception, ctx());
    expect(state).toEqual(snapshot);
  });
});

describe('reception', () => {
  it('moves a registered case to received at the centre, stamped with the time of the step', () => {
    const state = step(
      registeredCase(),
      { type: 'recordReception', centreCode: 'GAO-PC' },
      { now: T0 + HOUR },
    );
    expect(state.stage).toBe('received');
    expect(state.centreCode).toBe('GAO-PC');
    expect(state.receivedAt).toBe(iso(T0 + HOUR));
  });

  it('opens the counselling task for a Malian returnee with the counselling SLA', () => {
    const state = step(registeredCase(), reception, { now: T0 + HOUR });
    expect(state.task).toMatchObject({
      key: 'received:counselling',
      startedAt: T0 + HOUR,
      slaMs: 14 * DAY,
      pausedMs: 0,
    });
  });

  it('accepts a zero cash grant but refuses a negative one as a rule violation', () => {
    expect(step(registeredCase(), { ...reception, cashGrantXof: 0 } as CaseStep).stage).toBe('received');
    const error = rejection(registeredCase(), {
      type: 'recordReception',
      centreCode: 'BKO-MMEIA',
      cashGrantXof: -1,
    });
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/cashGrantXof/);
  });

  it('is a stage conflict once the case was received', () => {
    const error = rejection(reintegrationCaseAt('received'), reception);
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/stage received/);
  });
});

describe('counselling sessions', () => {
  it('move a received case to counselling and count every session without leaving the stage', () => {
    const once = step(reintegrationCaseAt('received'), counselling);
    expect(once.stage).toBe('counselling');
    expect(once.counsellingSessions).toBe(1);
    const twice = step(once, counselling);
    expect(twice.stage).toBe('counselling');
    expect(twice.counsellingSessions).toBe(2);
  });

  it('are a stage conflict before reception', () => {
    expect(rejection(registeredCase(), counselling).code).toBe('stage_conflict');
  });

  it('are a stage conflict once a reintegration case reached planning', () => {
    expect(rejection(reintegrationCaseAt('planning'), counselling).code).toBe('stage_conflict');
  });

  it('are still allowed while an onward-return case waits for its travel document', () => {
    const waiting = drive(onwardCase(), [
      reception,
      { type: 'recordTravelDocumentRequest', requestId: 'TD-1' },
    ]);
    const state = step(waiting, counselling);
    expect(state.stage).toBe('travel_document');
    expect(state.counsellingSessions).toBe(1);
  });

  it('may not be held in the future (beyond five minutes of clock skew)', () => {
    const received = reintegrationCaseAt('received');
    const future = { type: 'recordCounsellingSession', heldAt: iso(T0 + 6 * MINUTE) } as const;
    const error = rejection(received, future);
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/heldAt is in the future/);
    expect(step(received, { ...future, heldAt: iso(T0 + 4 * MINUTE) }).counsellingSessions).toBe(1);
  });

  it('may not be held before the arrival', () => {
    const error = rejection(reintegrationCaseAt('received'), {
      type: 'recordCounsellingSession',
      heldAt: iso(Date.parse(ARRIVED_AT) - HOUR),
    });
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/before the arrival/);
  });
});

describe('eligibility decisions', () => {
  const counselled = () => reintegrationCaseAt('counselling');

  it('an eligible decision meeting every criterion moves the case to planning', () => {
    const state = step(counselled(), eligible);
    expect(state.stage).toBe('planning');
    expect(state.eligibility).toMatchObject({
      decision: 'eligible',
      exception: false,
      decidedBy: officer.sub,
    });
    expect(state.task?.key).toBe('planning:plan');
    expect(state.task?.slaMs).toBe(30 * DAY);
  });

  it('an eligible decision with unmet criteria is an exception awaiting a supervisor', () => {
    const state = step(counselled(), {
      ...eligible,
      criteria: { ...(eligible as { criteria: object }).criteria, vulnerabilityScreeningDone: false },
    } as CaseStep);
    expect(state.stage).toBe('eligibility');
    expect(state.eligibility?.exception).toBe(true);
    expect(state.eligibility?.approval).toBeUndefined();
    expect(state.task).toMatchObject({ key: 'eligibility:exception-approval', slaMs: 7 * DAY });
  });

  it('refuses a new decision while an exception awaits a supervisor', () => {
    const exception = step(counselled(), exceptionStep());
    const error = rejection(exception, eligible);
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/decision already awaits a supervisor/);
  });

  it("an officer's ineligible decision awaits a supervisor's confirmation, which closes the case", () => {
    const decided = step(counselled(), { ...eligible, decision: 'ineligible', reason: 'not a returnee of the programme' } as CaseStep, {
      now: T0 + DAY,
    });
    expect(decided.stage).toBe('eligibility');
    expect(decided.eligibility).toMatchObject({ decision: 'ineligible', exception: true });
    expect(decided.task?.key).toBe('eligibility:exception-approval');
    const confirmed = step(decided, approve('eligibility'), { actor: supervisor, now: T0 + 2 * DAY });
    expect(confirmed.stage).toBe('closed');
    expect(confirmed.closure).toEqual({ reason: 'ineligible', at: iso(T0 + 2 * DAY), by: supervisor.sub, stage: 'eligibility' });
    expect(confirmed.task).toBeUndefined();
  });

  it("a supervisor's own ineligible decision closes the case at once", () => {
    const state = step(counselled(), { ...eligible, decision: 'ineligible', reason: 'not a returnee' } as CaseStep, { actor: supervisor });
    expect(state.stage).toBe('closed');
    expect(state.closure?.reason).toBe('ineligible');
  });

  it('the programme window and earlier assistance come from the records, not from the officer', () => {
    const claimed = { ...allCriteriaMet, withinProgrammeWindow: false };
    const inWindow = step(counselled(), { ...eligible, criteria: claimed } as CaseStep);
    expect(inWindow.stage).toBe('planning');
    expect(inWindow.eligibility?.criteria.withinProgrammeWindow).toBe(true);
    const before = drive(registeredCase({ arrivedAt: '2017-05-16T23:00:00.000Z' }), [reception, counselling]);
    expect(step(before, eligible).eligibility).toMatchObject({ exception: true, criteria: { withinProgrammeWindow: false } });
    const assisted = drive({ ...registeredCase(), previouslyAssisted: true }, [reception, counselling]);
    expect(step(assisted, eligible).eligibility).toMatchObject({ exception: true, criteria: { notPreviouslyAssisted: false } });
    const ended = policy({ programmeWindow: { startsOn: '2017-05-17', endsOn: '2025-12-31' } });
    expect(step(counselled(), eligible, { policy: ended }).stage).toBe('eligibility');
  });

  it('a referred case stays in eligibility and can be decided again later', () => {
    const referred = step(counselled(), {
      ...eligible,
      decision: 'referred',
      reason: 'legal advice first',
    } as CaseStep);
    expect(referred.stage).toBe('eligibility');
    expect(referred.eligibility).toMatchObject({ decision: 'referred', exception: false });
    expect(referred.task?.key).toBe('eligibility:decision');
    expect(step(referred, eligible).stage).toBe('planning');
  });

  it('is a stage conflict on the onward-return track', () => {
    const error = rejection(step(onwardCase(), reception), eligible);
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/reintegration track/);
  });

  it('is a stage conflict before counselling and after planning started', () => {
    expect(rejection(reintegrationCaseAt('received'), eligible).code).toBe('stage_conflict');
    expect(rejection(reintegrationCaseAt('planning'), eligible).code).toBe('stage_conflict');
  });
});

function exceptionStep(): CaseStep {
  return {
    type: 'decideEligibility',
    decision: 'eligible',
    criteria: {
      returnedThroughProgramme: false,
      withinProgrammeWindow: true,
      notPreviouslyAssisted: true,
      vulnerabilityScreeningDone: true,
    },
    reason: 'came back by road, outside the programme, but highly vulnerable',
  };
}

describe('approving an eligibility exception', () => {
  const awaiting = () => step(reintegrationCaseAt('counselling'), exceptionStep());

  it('a supervisor’s approval moves the case to planning', () => {
    const state = step(awaiting(), approve('eligibility'), { actor: supervisor });
    expect(state.stage).toBe('planning');
    expect(state.eligibility?.approval).toBe('approved');
  });

  it('a supervisor’s rejection keeps the case in eligibility for a new decision', () => {
    const state = step(awaiting(), reject('eligibility'), { actor: supervisor });
    expect(state.stage).toBe('eligibility');
    expect(state.eligibility?.approval).toBe('rejected');
    expect(state.task?.key).toBe('eligibility:decision');
    expect(step(state, { ...eligible, decision: 'ineligible' } as CaseStep, { actor: otherSupervisor }).stage).toBe('closed');
  });

  it("a supervisor's rejection binds: the same decision again needs a counselling session held after it", () => {
    const rejected = step(awaiting(), reject('eligibility'), { actor: supervisor });
    const again = rejection(rejected, { ...eligible, reason: 'ticked every box this time' } as CaseStep);
    expect(again.code).toBe('stage_conflict');
    expect(again.message).toMatch(/record a counselling session with the new facts/);
    const withNewFacts = step(rejected, counselling);
    expect(step(withNewFacts, eligible).stage).toBe('planning');
    // Another decision (referral) needs no new facts.
    expect(step(rejected, { ...eligible, decision: 'referred', reason: 'legal advice' } as CaseStep).stage).toBe('eligibility');
  });

  it.each([officer, manager])('only a supervisor approves (not a $role)', (actor) => {
    const error = rejection(awaiting(), approve('eligibility'), { actor });
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/only a supervisor/);
  });

  it('four eyes: the supervisor who decided the exception cannot approve it, another can', () => {
    const decidedBySupervisor = step(reintegrationCaseAt('counselling'), exceptionStep(), {
      actor: supervisor,
    });
    const error = rejection(decidedBySupervisor, approve('eligibility'), { actor: supervisor });
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/own request/);
    expect(step(decidedBySupervisor, approve('eligibility'), { actor: otherSupervisor }).stage).toBe(
      'planning',
    );
  });

  it('is a stage conflict when no exception awaits approval', () => {
    expect(
      rejection(reintegrationCaseAt('counselling'), approve('eligibility'), { actor: supervisor }).code,
    ).toBe('stage_conflict');
    const approved = step(awaiting(), approve('eligibility'), { actor: supervisor });
    expect(rejection(approved, approve('eligibility'), { actor: otherSupervisor }).code).toBe(
      'stage_conflict',
    );
  });
});

describe('reintegration plans', () => {
  const planning = () => reintegrationCaseAt('planning');

  it('a submitted plan is version 1, awaits a supervisor and opens the approval task', () => {
    const state = step(planning(), plan(1_200_000));
    expect(state.stage).toBe('planning');
    expect(state.plan).toMatchObject({
      version: 1,
      status: 'submitted',
      budgetXof: 1_200_000,
      submittedBy: officer.sub,
    });
    expect(state.task).toMatchObject({ key: 'planning:plan-approval-v1', slaMs: 7 * DAY });
  });

  it('a budget above the ceiling is a rule violation; exactly the ceiling is accepted', () => {
    const error = rejection(planning(), plan(1_967_872));
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/above the ceiling of 1967871 XOF/);
    expect(step(planning(), plan(1_967_871)).plan?.budgetXof).toBe(1_967_871);
  });

  it('the ceiling comes from the policy', () => {
    const error = rejection(planning(), plan(600_000), { policy: policy({ ceilingXof: 500_000 }) });
    expect(error.code).toBe('rule_violation');
  });

  it('a collective or community plan needs the projectId it shares with other cases', () => {
    const collective = { ...plan(), planType: 'collective' } as CaseStep;
    const error = rejection(planning(), collective);
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/projectId/);
    expect(rejection(planning(), { ...plan(), planType: 'community' } as CaseStep).code).toBe(
      'rule_violation',
    );
    const state = step(planning(), { ...collective, projectId: 'PRJ-GAO-12' } as CaseStep);
    expect(state.plan).toMatchObject({ type: 'collective', projectId: 'PRJ-GAO-12' });
  });

  it('a second plan while one awaits approval is a stage conflict', () => {
    const error = rejection(step(planning(), plan()), plan());
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/already awaits approval/);
  });

  it('a plan before eligibility is decided is a stage conflict', () => {
    expect(rejection(reintegrationCaseAt('counselling'), plan()).code).toBe('stage_conflict');
  });

  it('an approved plan moves the case to disbursing', () => {
    const state = step(step(planning(), plan()), approve('plan'), { actor: supervisor });
    expect(state.stage).toBe('disbursing');
    expect(state.plan?.status).toBe('approved');
    expect(state.task).toMatchObject({ key: 'disbursing:tranche', slaMs: 60 * DAY });
  });

  it('a rejected plan returns to drafting, and the next submission is version 2', () => {
    const rejected = step(step(planning(), plan()), reject('plan'), { actor: supervisor });
    expect(rejected.stage).toBe('planning');
    expect(rejected.plan?.status).toBe('rejected');
    expect(rejected.task?.key).toBe('planning:plan');
    const resubmitted = step(rejected, plan(900_000));
    expect(resubmitted.plan).toMatchObject({ version: 2, status: 'submitted', budgetXof: 900_000 });
    expect(resubmitted.task?.key).toBe('planning:plan-approval-v2');
  });

  it('only a supervisor approves a plan', () => {
    const error = rejection(step(planning(), plan()), approve('plan'), { actor: officer });
    expect(error.code).toBe('rule_violation');
  });

  it('four eyes: a supervisor cannot approve a plan they submitted', () => {
    const submitted = step(planning(), plan(), { actor: supervisor });
    const error = rejection(submitted, approve('plan'), { actor: supervisor });
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/cannot approve their own request/);
    expect(step(submitted, approve('plan'), { actor: otherSupervisor }).stage).toBe('disbursing');
  });

  it('approving when no plan awaits approval is a stage conflict', () => {
    expect(rejection(planning(), approve('plan'), { actor: supervisor }).code).toBe('stage_conflict');
  });
});

describe("a minor's plan", () => {
  const submittedForMinor = (safeguards?: object) => {
    let state = reintegrationCaseAt('counselling', { minor: true });
    if (safeguards) state = step(state, { type: 'recordMinorSafeguards', ...safeguards } as CaseStep);
    return drive(state, [eligible, plan()]);
  };

  it('cannot be approved before any safeguard is recorded', () => {
    const error = rejection(submittedForMinor(), approve('plan'), { actor: supervisor });
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(
      /a best-interests determination in favour of return, family tracing that allows return, minor's consent, guardian's consent/,
    );
  });

  it('cannot be approved while family tracing is still in progress', () => {
    const state = submittedForMinor({ ...completeSafeguards, familyTracing: { status: 'in_progress' } });
    const error = rejection(state, approve('plan'), { actor: supervisor });
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/family tracing/);
    expect(error.message).not.toMatch(/consent/);
  });

  it.each([
    ["minor's consent", { minor: false, guardian: true }],
    ["guardian's consent", { minor: true, guardian: false }],
  ])('cannot be approved without the %s', (missing, consents) => {
    const error = rejection(submittedForMinor({ ...completeSafeguards, consents }), approve('plan'), {
      actor: supervisor,
    });
    expect(error.code).toBe('rule_violation');
    expect(error.message).toContain(missing);
  });

  it('cannot be approved when the determination is not in favour of return', () => {
    const state = submittedForMinor({
      ...completeSafeguards,
      bestInterests: { ...completeSafeguards.bestInterests, determination: 'return_not_in_best_interests' },
    });
    expect(rejection(state, approve('plan'), { actor: supervisor }).message).toMatch(/best-interests determination in favour of return/);
  });

  it('is approved once best interests, family tracing and both consents are recorded (no escort needed)', () => {
    const state = step(submittedForMinor(safeguardsWithoutEscort), approve('plan'), { actor: supervisor });
    expect(state.stage).toBe('disbursing');
  });

  it('can still be rejected before the safeguards are recorded', () => {
    const state = step(submittedForMinor(), reject('plan'), { actor: supervisor });
    expect(state.stage).toBe('planning');
    expect(state.plan?.status).toBe('rejected');
  });
});

describe('minor safeguards', () => {
  it('are recorded on an unaccompanied or separated minor’s case, without the step type', () => {
    const state = step(registeredCase({ minor: true }), {
      type: 'recordMinorSafeguards',
      ...completeSafeguards,
    });
    expect(state.safeguards).toEqual(completeSafeguards);
    expect(state.stage).toBe('registered');
  });

  it('are a stage conflict for an adult', () => {
    const error = rejection(registeredCase(), { type: 'recordMinorSafeguards', ...completeSafeguards });
    expect(error.code).toBe('stage_conflict');
  });
});

describe('tranches', () => {
  const disbursing = (budget = 1_500_000) => reintegrationCaseAt('disbursing', {}, budget);

  it('a requested tranche is numbered, remembers who asked and opens the approval task', () => {
    const state = step(disbursing(), tranche(500_000));
    expect(state.tranches).toEqual([
      {
        n: 1,
        amountXof: 500_000,
        vendor: 'Quincaillerie du Fleuve',
        vendorId: 'vendor-7',
        status: 'requested',
        requestedBy: officer.sub,
      },
    ]);
    expect(state.task).toMatchObject({ key: 'disbursing:tranche-1-approval', slaMs: 7 * DAY });
  });

  it('a tranche above the approved budget is a rule violation; the whole budget is accepted', () => {
    const error = rejection(disbursing(), tranche(1_500_001));
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/exceeds the 1500000 XOF left/);
    expect(step(disbursing(), tranche(1_500_000)).tranches[0].amountXof).toBe(1_500_000);
  });

  it('the sum of tranches may not go above the approved budget', () => {
    const afterFirst = drive(disbursing(), [
      tranche(1_000_000),
      [approve('tranche', 1), supervisor],
      payment(1),
    ]);
    expect(afterFirst.stage).toBe('disbursing');
    const error = rejection(afterFirst, tranche(500_001));
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/500000 XOF left/);
    expect(step(afterFirst, tranche(500_000)).tranches).toHaveLength(2);
  });

  it('a rejected tranche does not count against the budget', () => {
    const rejected = drive(disbursing(), [tranche(1_500_000), [reject('tranche', 1), supervisor]]);
    expect(rejected.tranches[0].status).toBe('rejected');
    const state = step(rejected, tranche(1_500_000));
    expect(state.tranches[1]).toMatchObject({ n: 2, status: 'requested' });
  });

  it('a new tranche while the previous one awaits approval is a stage conflict', () => {
    const error = rejection(step(disbursing(), tranche(100_000)), tranche(100_000));
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/previous tranche is not settled/);
  });

  it('a new tranche while the previous one is approved but unpaid is a stage conflict', () => {
    const approved = drive(disbursing(), [tranche(100_000), [approve('tranche', 1), supervisor]]);
    expect(rejection(approved, tranche(100_000)).code).toBe('stage_conflict');
  });

  it('a tranche before the plan is approved is a stage conflict', () => {
    expect(rejection(step(reintegrationCaseAt('planning'), plan()), tranche(100_000)).code).toBe(
      'stage_conflict',
    );
  });

  it('an approved tranche opens the payment task with the disbursing SLA', () => {
    const state = drive(disbursing(), [tranche(500_000), [approve('tranche', 1), supervisor]]);
    expect(state.tranches[0].status).toBe('approved');
    expect(state.task).toMatchObject({ key: 'disbursing:tranche-1-payment', slaMs: 60 * DAY });
  });

  it('approving a tranche needs its number, and an existing requested tranche', () => {
    const requested = step(disbursing(), tranche(500_000));
    const noRef = rejection(requested, approve('tranche'), { actor: supervisor });
    expect(noRef.code).toBe('stage_conflict');
    expect(noRef.message).toMatch(/ref \(the tranche number\) is required/);
    expect(rejection(requested, approve('tranche', 2), { actor: supervisor }).message).toMatch(
      /no tranche 2/,
    );
    const approved = step(requested, approve('tranche', 1), { actor: supervisor });
    const again = rejection(approved, approve('tranche', 1), { actor: otherSupervisor });
    expect(again.code).toBe('stage_conflict');
    expect(again.message).toMatch(/not awaiting approval/);
  });

  it('four eyes: a supervisor cannot approve a tranche they requested', () => {
    const requested = step(disbursing(), tranche(500_000), { actor: supervisor });
    expect(rejection(requested, approve('tranche', 1), { actor: supervisor }).code).toBe('rule_violation');
    expect(step(requested, approve('tranche', 1), { actor: otherSupervisor }).tranches[0].status).toBe(
      'approved',
    );
  });

  it('only a supervisor approves a tranche', () => {
    const requested = step(disbursing(), tranche(500_000));
    expect(rejection(requested, approve('tranche', 1), { actor: officer }).code).toBe('rule_violation');
  });

  it('paying a tranche that is not approved, or does not exist, is a stage conflict', () => {
    const requested = step(disbursing(), tranche(500_000));
    expect(rejection(requested, payment(1)).message).toMatch(/tranche 1 is requested, not approved/);
    expect(rejection(requested, payment(3)).message).toMatch(/no tranche 3/);
    expect(rejection(requested, payment(1)).code).toBe('stage_conflict');
  });

  it('a payment dated in the future is a rule violation', () => {
    const approved = drive(disbursing(), [tranche(500_000), [approve('tranche', 1), supervisor]]);
    const error = rejection(approved, { type: 'recordTranchePayment', n: 1, paidAt: iso(T0 + DAY) });
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/paidAt/);
  });

  it('a partial payment keeps the case disbursing and asks for the next tranche', () => {
    const state = drive(disbursing(), [tranche(500_000), [approve('tranche', 1), supervisor], payment(1)]);
    expect(state.stage).toBe('disbursing');
    expect(state.tranches[0].status).toBe('paid');
    expect(state.monitoringStartedAt).toBeUndefined();
    expect(state.task?.key).toBe('disbursing:tranche');
  });

  it('full payment of the approved budget moves the case from disbursing to monitoring', () => {
    const approved = drive(disbursing(), [
      tranche(1_000_000),
      [approve('tranche', 1), supervisor],
      payment(1),
      tranche(500_000),
      [approve('tranche', 2), supervisor],
    ]);
    const state = step(approved, { ...payment(2), paidAt: iso(T0 + 9 * DAY) } as CaseStep, { now: T0 + 10 * DAY });
    expect(state.stage).toBe('monitoring');
    // Monitoring starts when the help was delivered: the payment's date, not the day it was recorded.
    expect(state.monitoringStartedAt).toBe(T0 + 9 * DAY);
    expect(state.task).toMatchObject({
      key: 'monitoring:visit-1',
      slaMs: 90 * DAY,
      startedAt: T0 + 10 * DAY,
    });
  });

  it('in monitoring a tranche is still accepted by stage but nothing is left of a fully paid budget', () => {
    const error = rejection(reintegrationCaseAt('monitoring'), tranche(1));
    expect(error.code).toBe('rule_violation');
  });
});

describe('monitoring visits', () => {
  /** Monitoring starts when the last tranche was paid (the fixture's payment date). */
  const START = Date.parse('2026-01-02T12:00:00.000Z');
  const OFFSETS = [90 * DAY, 180 * DAY, 365 * DAY];
  /** The n-th visit on its scheduled day, recorded an hour later. */
  const scheduled = (n: number, score = 0.8): [CaseStep, { now: number }] => [visit(score, iso(START + OFFSETS[n - 1])), { now: START + OFFSETS[n - 1] + HOUR }];
  const visitNo = (state: CaseState, n: number, score?: number) => step(state, ...scheduled(n, score));

  it('are a stage conflict while nothing has been paid', () => {
    const error = rejection(reintegrationCaseAt('disbursing'), visit());
    expect(error.code).toBe('stage_conflict');
  });

  it('after a partial payment a visit starts monitoring, from the first payment', () => {
    const partlyPaid = drive(reintegrationCaseAt('disbursing'), [tranche(500_000), [approve('tranche', 1), supervisor], payment(1)]);
    const state = visitNo(partlyPaid, 1, 0.7);
    expect(state.stage).toBe('monitoring');
    expect(state.monitoringStartedAt).toBe(START);
    expect(state.visits).toHaveLength(1);
  });

  it('a visit after a partial payment is still refused when dated in the future', () => {
    const partlyPaid = drive(reintegrationCaseAt('disbursing'), [tranche(500_000), [approve('tranche', 1), supervisor], payment(1)]);
    const error = rejection(partlyPaid, visit(0.7, iso(T0 + 365 * DAY)));
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/visitedAt/);
  });

  it('record the composite score and whether it reaches the sustainability threshold', () => {
    const monitoring = reintegrationCaseAt('monitoring');
    const [first, at] = scheduled(1);
    const sustainable = step(monitoring, { ...first, scores: { economic: 0.9, social: 0.6, psychosocial: 0.5 } } as CaseStep, at);
    expect(sustainable.visits[0]).toEqual({ visitedAt: iso(START + 90 * DAY), composite: 0.667, sustainable: true });
    expect(visitNo(monitoring, 1, 0.65).visits[0]).toMatchObject({ composite: 0.65, sustainable: false });
  });

  it('each visit opens the next one, due after the gap between configured offsets', () => {
    const first = visitNo(reintegrationCaseAt('monitoring'), 1);
    expect(first.stage).toBe('monitoring');
    expect(first.task).toMatchObject({ key: 'monitoring:visit-2', slaMs: 90 * DAY, startedAt: START + 90 * DAY + HOUR });
    const second = visitNo(first, 2);
    expect(second.task).toMatchObject({ key: 'monitoring:visit-3', slaMs: 185 * DAY });
  });

  it('the last configured monitoring visit completes the case', () => {
    const state = visitNo(visitNo(visitNo(reintegrationCaseAt('monitoring'), 1), 2), 3);
    expect(state.stage).toBe('completed');
    expect(state.closure?.reason).toBe('completed');
    expect(state.task).toBeUndefined();
    expect(state.visits).toHaveLength(3);
  });

  it('visits on one day never complete a case: each counts only from its offset, less the early window', () => {
    const monitoring = reintegrationCaseAt('monitoring');
    const later = { now: START + 400 * DAY };
    const tooEarly = rejection(monitoring, visit(0.8, iso(START + 75 * DAY)), later);
    expect(tooEarly.code).toBe('rule_violation');
    expect(tooEarly.message).toMatch(/visit 1 is due from 2026-04-02; it counts from 2026-03-19/);
    const withinWindow = step(monitoring, visit(0.8, iso(START + 77 * DAY)), later);
    const sameDayAgain = rejection(withinWindow, visit(0.8, iso(START + 77 * DAY)), later);
    expect(sameDayAgain.message).toMatch(/visit 2 is due from/);
  });

  it('visits are ordered and dated after monitoring started', () => {
    const first = visitNo(reintegrationCaseAt('monitoring'), 2 - 1);
    const later = { now: START + 400 * DAY };
    expect(rejection(first, visit(0.8, iso(START + 80 * DAY)), later).message).toMatch(/before the previous visit/);
    const beforeStart = rejection(reintegrationCaseAt('monitoring'), visit(0.8, iso(START - DAY)), later);
    expect(beforeStart.message).toMatch(/before monitoring started/);
  });

  it('the schedule and the early window come from the policy', () => {
    const p = policy({ monitoringVisitOffsetsMs: [20_000], monitoringEarlyWindowMs: 0 });
    const state = step(reintegrationCaseAt('monitoring'), visit(0.8, iso(START + 20_000)), { policy: p, now: START + HOUR });
    expect(state.stage).toBe('completed');
  });

  it('a visit dated in the future is a rule violation', () => {
    const error = rejection(reintegrationCaseAt('monitoring'), visit(0.8, iso(T0 + DAY)));
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/visitedAt/);
  });

  it('the last visit does not complete a case while a tranche is still owed; its payment does', () => {
    const partlyPaid = drive(reintegrationCaseAt('disbursing'), [tranche(500_000), [approve('tranche', 1), supervisor], payment(1)]);
    const owed = drive(visitNo(partlyPaid, 1), [tranche(1_000_000), [approve('tranche', 2), supervisor]], { now: START + 100 * DAY });
    const visited = visitNo(visitNo(owed, 2), 3);
    expect(visited.stage).toBe('monitoring');
    expect(visited.task?.key).toBe('monitoring:tranche-2-payment');
    const paid = step(visited, { ...payment(2), paidAt: iso(START + 370 * DAY) } as CaseStep, { now: START + 371 * DAY });
    expect(paid.stage).toBe('completed');
  });

  it('completion means the help is delivered: a case with most of its budget unpaid does not complete', () => {
    const partlyPaid = drive(reintegrationCaseAt('disbursing'), [tranche(100_000), [approve('tranche', 1), supervisor], payment(1)]);
    const visited = visitNo(visitNo(visitNo(partlyPaid, 1), 2), 3);
    expect(visited.stage).toBe('monitoring');
    expect(visited.task?.key).toBe('monitoring:tranche');
    // A supervisor's approved reduction settles it: the budget becomes what was paid.
    const reduced = step(visited, { type: 'reduceBudget', budgetXof: 100_000, reason: 'the returnee found work; no second kit' }, {
      actor: supervisor,
      now: START + 366 * DAY,
    });
    expect(reduced.stage).toBe('completed');
    expect(reduced.plan).toMatchObject({ budgetXof: 100_000, reducedFromXof: 1_500_000 });
  });

  it('a visit before any plan is a stage conflict', () => {
    expect(rejection(reintegrationCaseAt('planning'), visit()).code).toBe('stage_conflict');
  });
});

describe('closure', () => {
  it("a supervisor's closure closes the case immediately", () => {
    const state = step(
      reintegrationCaseAt('counselling'),
      { type: 'requestClosure', reason: 'withdrew' },
      {
        actor: supervisor,
        now: T0 + DAY,
      },
    );
    expect(state.stage).toBe('closed');
    expect(state.closure).toEqual({ reason: 'withdrew', at: iso(T0 + DAY), by: supervisor.sub, stage: 'counselling' });
    expect(state.task).toBeUndefined();
  });

  it("a case officer's closure waits for a supervisor's approval", () => {
    const state = step(reintegrationCaseAt('counselling'), {
      type: 'requestClosure',
      reason: 'unreachable',
      comment: 'no answer for 3 months',
    });
    expect(state.stage).toBe('counselling');
    expect(state.closure).toBeUndefined();
    expect(state.pendingClosure).toEqual({
      reason: 'unreachable',
      requestedBy: officer.sub,
      comment: 'no answer for 3 months',
    });
    expect(state.task).toMatchObject({ key: 'counselling:closure-approval', slaMs: 7 * DAY });
  });

  it("anyone else's closure (a manager's too) waits for a supervisor", () => {
    const state = step(
      reintegrationCaseAt('counselling'),
      { type: 'requestClosure', reason: 'programme_ended' },
      { actor: manager },
    );
    expect(state.stage).toBe('counselling');
    expect(state.pendingClosure).toMatchObject({ reason: 'programme_ended', requestedBy: manager.sub });
  });

  it('a second closure request while one awaits a supervisor is a stage conflict', () => {
    const pending = step(reintegrationCaseAt('counselling'), {
      type: 'requestClosure',
      reason: 'unreachable',
    });
    const error = rejection(
      pending,
      { type: 'requestClosure', reason: 're_migrated' },
      { actor: supervisor },
    );
    expect(error.code).toBe('stage_conflict');
  });

  it("a supervisor's approval closes the case with the requested reason", () => {
    const pending = step(reintegrationCaseAt('planning'), { type: 'requestClosure', reason: 'moved_away' });
    const state = step(pending, approve('closure'), { actor: supervisor, now: T0 + 2 * DAY });
    expect(state.stage).toBe('closed');
    expect(state.pendingClosure).toBeUndefined();
    expect(state.closure).toEqual({ reason: 'moved_away', at: iso(T0 + 2 * DAY), by: supervisor.sub, stage: 'planning' });
  });

  it("a supervisor's rejection keeps the case open at its stage and reopens its task", () => {
    const pending = step(reintegrationCaseAt('planning'), { type: 'requestClosure', reason: 'moved_away' });
    const state = step(pending, reject('closure'), { actor: supervisor });
    expect(state.stage).toBe('planning');
    expect(state.pendingClosure).toBeUndefined();
    expect(state.task?.key).toBe('planning:plan');
  });

  it('approving a closure that nobody requested is a stage conflict; a case officer cannot approve one', () => {
    expect(rejection(reintegrationCaseAt('planning'), approve('closure'), { actor: supervisor }).code).toBe(
      'stage_conflict',
    );
    const pending = step(reintegrationCaseAt('planning'), { type: 'requestClosure', reason: 'deceased' });
    expect(rejection(pending, approve('closure'), { actor: officer }).code).toBe('rule_violation');
  });

  it('a closed or completed case refuses every further step', () => {
    const closed = step(
      reintegrationCaseAt('received'),
      { type: 'requestClosure', reason: 'withdrew' },
      { actor: supervisor },
    );
    for (const s of [
      counselling,
      { type: 'suspend', reason: 'audit' },
      { type: 'requestClosure', reason: 'withdrew' },
    ] as CaseStep[]) {
      const error = rejection(closed, s, { actor: supervisor });
      expect(error.code).toBe('stage_conflict');
      expect(error.message).toBe('the case is closed');
    }
    const completed = step(reintegrationCaseAt('monitoring'), visit(0.8, '2026-01-03T00:00:00.000Z'), {
      policy: policy({ monitoringVisitOffsetsMs: [HOUR] }),
    });
    expect(rejection(completed, visit()).message).toBe('the case is completed');
  });

  it.each(['completed', 'ineligible'] as const)('"%s" is not a reason a case is closed for by hand', (reason) => {
    const error = rejection(reintegrationCaseAt('registered'), { type: 'requestClosure', reason }, { actor: supervisor });
    expect(error.code).toBe('rule_violation');
  });

  it('approved but unpaid tranches are settled or cancelled before closure', () => {
    const approved = drive(reintegrationCaseAt('disbursing'), [tranche(500_000), [approve('tranche', 1), supervisor]]);
    const error = rejection(approved, { type: 'requestClosure', reason: 'moved_away' }, { actor: supervisor });
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/tranche 1 is approved but unpaid: record its payment or cancel it first/);
    const cancelled = step(approved, { type: 'cancelTranche', n: 1, reason: 'the returnee moved to Sikasso' });
    expect(cancelled.tranches[0].status).toBe('cancelled');
    expect(step(cancelled, { type: 'requestClosure', reason: 'moved_away' }, { actor: supervisor }).stage).toBe('closed');
  });
});

describe('reopening', () => {
  const closedAt = (stage: 'counselling' | 'planning') =>
    step(reintegrationCaseAt(stage), { type: 'requestClosure', reason: 'unreachable' }, { actor: supervisor });

  it('a supervisor reopens a closed case to the stage it was closed at, with its task', () => {
    const reopened = step(closedAt('planning'), { type: 'reopen', reason: 'found again through his family' }, { actor: otherSupervisor });
    expect(reopened.stage).toBe('planning');
    expect(reopened.closure).toBeUndefined();
    expect(reopened.reopenings).toBe(1);
    expect(reopened.task?.key).toBe('planning:plan');
  });

  it('only a supervisor reopens, only a closed case, and not a completed one', () => {
    expect(rejection(closedAt('counselling'), { type: 'reopen', reason: 'x' }).code).toBe('rule_violation');
    expect(rejection(reintegrationCaseAt('counselling'), { type: 'reopen', reason: 'x' }, { actor: supervisor }).message).toMatch(/not closed/);
    const completed = step(reintegrationCaseAt('monitoring'), visit(0.8, '2026-01-03T00:00:00.000Z'), {
      policy: policy({ monitoringVisitOffsetsMs: [HOUR] }),
    });
    expect(rejection(completed, { type: 'reopen', reason: 'x' }, { actor: supervisor }).message).toMatch(/completed case is not reopened/);
  });
});

describe('suspension', () => {
  const suspended = (at = T0) =>
    step(
      reintegrationCaseAt('counselling'),
      { type: 'suspend', reason: 're-verify eligibility (Jan 2019)' },
      { actor: supervisor, now: at },
    );

  it('holds the case at its stage, remembering why, since when and by whom', () => {
    const state = suspended(T0 + HOUR);
    expect(state.stage).toBe('counselling');
    expect(state.suspension).toEqual({
      reason: 're-verify eligibility (Jan 2019)',
      since: T0 + HOUR,
      by: supervisor.sub,
    });
  });

  it.each<CaseStep>([
    eligible,
    { type: 'requestClosure', reason: 'moved_away' },
    { type: 'requestClosure', reason: 'unreachable' },
  ])('a hold freezes commitments: a suspended case refuses $type until it is resumed', (s) => {
    const error = rejection(suspended(), s, { actor: supervisor });
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/suspended.*resume it first/);
  });

  it.each<CaseStep>([
    { ...counselling, heldAt: iso(T0 - HOUR) } as CaseStep,
    { type: 'attachFlight', flightId: 'LBY-33' },
    { type: 'requestClosure', reason: 'deceased' },
    { type: 'requestClosure', reason: 'withdrew' },
  ])('a hold never freezes facts: a suspended case records $type', (s) => {
    const state = step(suspended(), s, { actor: supervisor, now: T0 + HOUR });
    expect(state.seq).toBe(suspended().seq + 1);
  });

  it('a suspended case records the payment of a tranche approved before the hold, and visits', () => {
    const approved = drive(reintegrationCaseAt('disbursing'), [tranche(1_500_000), [approve('tranche', 1), supervisor]]);
    const held = step(approved, { type: 'suspend', reason: 're-verification' }, { actor: supervisor });
    const paid = step(held, payment(1));
    expect(paid.stage).toBe('monitoring');
    expect(paid.suspension).toBeDefined();
    const visited = step(paid, visit(0.8, '2026-04-01T10:00:00.000Z'), { now: Date.parse('2026-04-02T00:00:00Z') });
    expect(visited.visits).toHaveLength(1);
    // A new tranche, an approval or a plan is a commitment and waits.
    expect(rejection(held, approve('tranche', 1), { actor: otherSupervisor }).code).toBe('stage_conflict');
  });

  it("a suspended onward-return case takes the embassy's issued document: the laissez-passer is never lost", () => {
    const waiting = step(step(onwardCase(), reception), { type: 'recordTravelDocumentRequest', requestId: 'TD-1' });
    const held = step(waiting, { type: 'suspend', reason: 're-verification' }, { actor: supervisor });
    const issued = step(held, { type: 'recordTravelDocumentOutcome', requestId: 'TD-1', outcome: 'issued', validUntil: '2026-02-01' });
    expect(issued.stage).toBe('ready_to_depart');
    expect(issued.travelDocument?.status).toBe('issued');
    // Travel is a commitment: the departure waits for the resumption.
    expect(rejection(issued, { type: 'recordDeparture', departedAt: iso(T0), transport: 'bus', handoverTo: 'IOM Ghana' }).code).toBe('stage_conflict');
  });

  it('suspending twice is a stage conflict', () => {
    const error = rejection(suspended(), { type: 'suspend', reason: 'again' }, { actor: supervisor });
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/already suspended/);
  });

  it('resuming a case that is not suspended is a stage conflict', () => {
    expect(rejection(reintegrationCaseAt('counselling'), { type: 'resume' }).code).toBe('stage_conflict');
  });

  it('resume lifts the hold, and the case takes steps again', () => {
    const resumed = step(
      suspended(),
      { type: 'resume', reason: 'verified' },
      { actor: supervisor, now: T0 + DAY },
    );
    expect(resumed.suspension).toBeUndefined();
    expect(step(resumed, eligible, { now: T0 + DAY }).stage).toBe('planning');
  });
});

describe('flights', () => {
  it('a case can be attached to its charter, again to the same one, but not to another', () => {
    const attached = step(registeredCase(), { type: 'attachFlight', flightId: 'LBY-2019-04-12' });
    expect(attached.flightId).toBe('LBY-2019-04-12');
    expect(step(attached, { type: 'attachFlight', flightId: 'LBY-2019-04-12' }).flightId).toBe(
      'LBY-2019-04-12',
    );
    const error = rejection(attached, { type: 'attachFlight', flightId: 'LBY-2019-05-02' });
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/already came on flight LBY-2019-04-12/);
  });
});

describe('travel documents and departure (onward-return track)', () => {
  const request = (requestId = 'TD-1'): CaseStep => ({ type: 'recordTravelDocumentRequest', requestId });
  const issued = (validUntil = '2026-02-01T00:00:00.000Z', requestId = 'TD-1'): CaseStep => ({
    type: 'recordTravelDocumentOutcome',
    requestId,
    outcome: 'issued',
    validUntil,
  });
  const departure = (departedAt = '2026-01-02T22:00:00.000Z'): CaseStep => ({
    type: 'recordDeparture',
    departedAt,
    transport: 'bus Bamako–Accra',
    handoverTo: 'IOM Ghana',
  });
  const received = () => step(onwardCase(), reception);
  const readyToDepart = (validUntil?: string) => drive(received(), [request(), issued(validUntil)]);

  it('a request moves the case to travel_document, where it has a due date while the embassy answers', () => {
    const state = step(received(), request());
    expect(state.stage).toBe('travel_document');
    expect(state.travelDocument).toEqual({ requestId: 'TD-1', status: 'requested' });
    expect(state.task).toMatchObject({ key: 'travel_document:embassy-answer', slaMs: 30 * DAY });
  });

  it('a document the person already holds makes the case ready to depart with no embassy asked', () => {
    const held = { type: 'passport' as const, number: 'G1234567', validUntil: '2027-06-30', plannedDeparture: '2026-01-20' };
    const state = step(received(), { type: 'recordTravelDocumentRequest', requestId: 'TD-H', held });
    expect(state.stage).toBe('ready_to_depart');
    expect(state.travelDocument).toEqual({ requestId: 'TD-H', status: 'issued', validUntil: '2027-06-30', plannedDeparture: '2026-01-20', held: { type: 'passport' } });
    const lapsing = rejection(received(), { type: 'recordTravelDocumentRequest', requestId: 'TD-H', held: { ...held, validUntil: '2026-01-10' } });
    expect(lapsing.message).toMatch(/lapses on 2026-01-10, before the planned departure/);
  });

  it('an issued document that lapses before the planned departure is recorded, and the case waits on the conflict', () => {
    const request: CaseStep = {
      type: 'recordTravelDocumentRequest',
      requestId: 'TD-1',
      request: { requestId: 'TD-1', caseId: 'case-1', country: 'GHA', centreCode: 'KAY-TRANSIT', documentType: 'laissez_passer', plannedDeparture: '2026-03-15', requestedBy: 'officer-1', requestedAt: iso(T0) },
    };
    const issued = drive(received(), [request, { type: 'recordTravelDocumentOutcome', requestId: 'TD-1', outcome: 'issued', validUntil: '2026-02-01' }]);
    expect(issued.stage).toBe('ready_to_depart');
    expect(hasDocumentConflict(issued)).toBe(true);
    expect(issued.task).toMatchObject({ key: 'ready_to_depart:document-conflict', label: 'Move the planned departure or request a new document' });
    // The departure moves within the document's validity: the conflict is gone, and so is the task.
    expect(rejection(issued, { type: 'movePlannedDeparture', plannedDeparture: '2025-12-31' }).message).toMatch(/in the past/);
    const moved = step(issued, { type: 'movePlannedDeparture', plannedDeparture: '2026-01-25' });
    expect(hasDocumentConflict(moved)).toBe(false);
    expect(moved.task).toBeUndefined();
  });

  it('one live request per case: a second one is refused unless it names the live one it replaces', () => {
    const waiting = step(received(), request('TD-1'));
    const error = rejection(waiting, request('TD-2'));
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/request TD-1 still awaits the embassy/);
    expect(rejection(waiting, { type: 'recordTravelDocumentRequest', requestId: 'TD-2', replaces: 'TD-0' }).code).toBe('stage_conflict');
    const replaced = step(waiting, { type: 'recordTravelDocumentRequest', requestId: 'TD-2', replaces: 'TD-1' });
    expect(replaced.travelDocument).toEqual({ requestId: 'TD-2', status: 'requested' });
  });

  it('a request after an answered one needs nothing to replace', () => {
    const refused = drive(received(), [request('TD-1'), { type: 'recordTravelDocumentOutcome', requestId: 'TD-1', outcome: 'refused' }]);
    expect(step(refused, request('TD-2')).travelDocument).toEqual({ requestId: 'TD-2', status: 'requested' });
  });

  it('a received onward-return case is asked for its travel document under the counselling SLA', () => {
    expect(received().task).toMatchObject({ key: 'received:travel-document', slaMs: 14 * DAY });
  });

  it('a request is a stage conflict on the reintegration track and before reception', () => {
    const wrongTrack = rejection(reintegrationCaseAt('received'), request());
    expect(wrongTrack.code).toBe('stage_conflict');
    expect(wrongTrack.message).toMatch(/onward_return track/);
    expect(rejection(onwardCase(), request()).code).toBe('stage_conflict');
  });

  it('an issued document makes the case ready to depart and keeps its validity', () => {
    const state = readyToDepart('2026-02-01T00:00:00.000Z');
    expect(state.stage).toBe('ready_to_depart');
    expect(state.travelDocument).toEqual({
      requestId: 'TD-1',
      status: 'issued',
      validUntil: '2026-02-01T00:00:00.000Z',
    });
  });

  it.each(['refused', 'expired'] as const)('a %s document sends the case back to counselling', (outcome) => {
    const state = drive(received(), [
      request(),
      { type: 'recordTravelDocumentOutcome', requestId: 'TD-1', outcome, reason: 'identity not established' },
    ]);
    expect(state.stage).toBe('counselling');
    expect(state.travelDocument?.status).toBe(outcome);
    expect(state.task?.key).toBe('counselling:travel-document');
  });

  it('an outcome for another request than the current one is a stage conflict', () => {
    const error = rejection(step(received(), request('TD-1')), issued(undefined, 'TD-0'));
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/TD-0 is not the case's current/);
  });

  it('an outcome with no request outstanding is a stage conflict', () => {
    expect(rejection(received(), issued()).code).toBe('stage_conflict');
  });

  it('a new request may replace the document of a case ready to depart', () => {
    const state = step(readyToDepart(), request('TD-2'));
    expect(state.stage).toBe('travel_document');
    expect(state.travelDocument).toEqual({ requestId: 'TD-2', status: 'requested' });
  });

  it('departure hands the migrant over and completes the case', () => {
    const state = step(readyToDepart(), departure(), { now: T0 + HOUR });
    expect(state.stage).toBe('completed');
    expect(state.closure).toEqual({ reason: 'completed', at: iso(T0 + HOUR), by: officer.sub, stage: 'ready_to_depart' });
    expect(state.task).toBeUndefined();
  });

  it('departure after the travel document expired is refused', () => {
    const expiring = readyToDepart('2026-01-02T12:00:00.000Z');
    const error = rejection(expiring, departure('2026-01-02T12:00:01.000Z'));
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/expired on 2026-01-02T12:00:00.000Z/);
    expect(step(expiring, departure('2026-01-02T12:00:00.000Z')).stage).toBe('completed');
  });

  it('departure before the document is issued is a stage conflict', () => {
    expect(rejection(step(received(), request()), departure()).code).toBe('stage_conflict');
  });

  it('departure on the reintegration track is a stage conflict', () => {
    const error = rejection(reintegrationCaseAt('received'), departure());
    expect(error.code).toBe('stage_conflict');
    expect(error.message).toMatch(/onward_return track/);
  });

  it('departure dated in the future is a rule violation', () => {
    const error = rejection(readyToDepart(), departure(iso(T0 + HOUR)));
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/departedAt/);
  });

  describe('an unaccompanied minor', () => {
    const minorReady = (safeguards?: object) => {
      let state = onwardCase({ minor: true });
      if (safeguards) state = step(state, { type: 'recordMinorSafeguards', ...safeguards } as CaseStep);
      return drive(state, [reception, request(), issued()]);
    };

    it('cannot depart without any safeguards, and is told all that is missing', () => {
      const error = rejection(minorReady(), departure());
      expect(error.code).toBe('rule_violation');
      expect(error.message).toBe(
        "a minor cannot travel before: a best-interests determination in favour of return, family tracing that allows return, minor's consent, guardian's consent, escort",
      );
    });

    it('needs a named escort to depart even when every other safeguard is recorded', () => {
      const error = rejection(minorReady(safeguardsWithoutEscort), departure());
      expect(error.code).toBe('rule_violation');
      expect(error.message).toBe('a minor cannot travel before: escort');
    });

    it('departs once every safeguard and the escort are recorded', () => {
      expect(step(minorReady(completeSafeguards), departure()).stage).toBe('completed');
    });
  });
});

describe('applyStep keeps the current task or opens a new one', () => {
  it('keeps the same task, clock and all, when the step does not change what the case waits for', () => {
    const first = step(reintegrationCaseAt('received'), counselling, { now: T0 + DAY });
    const second = step(first, counselling, { now: T0 + 3 * DAY });
    expect(second.task).toBe(first.task);
    expect(second.task?.startedAt).toBe(T0 + DAY);
  });

  it('drops the task when the case reaches a terminal stage', () => {
    const state: CaseState = step(
      reintegrationCaseAt('counselling'),
      { type: 'requestClosure', reason: 'withdrew' },
      { actor: supervisor },
    );
    expect(state.task).toBeUndefined();
  });
});
