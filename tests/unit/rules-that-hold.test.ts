/**
 * The rules of issue 10, one test (or more) per rule, named after it. Rules whose existing tests
 * live in case-steps.test.ts (holds, completion, closure, reopening, eligibility, documents) are
 * referenced there; these cover the rest and the cases opened under the first rules.
 */
import type { CaseState } from '../../domain/case-state';
import type { CaseStep } from '../../domain/case-steps';
import { adultOn, ageOn, isMinorOn } from '../../domain/age';
import {
  approve,
  DAY,
  HOUR,
  drive,
  eligible,
  officer,
  onwardCase,
  otherSupervisor,
  payment,
  reception,
  registeredCase,
  reintegrationCaseAt,
  rejection,
  step,
  supervisor,
  T0,
  tranche,
  visit,
  counselling,
  completeSafeguards,
} from './fixtures';

describe('money controls', () => {
  const disbursing = () => reintegrationCaseAt('disbursing');

  it('a tranche is paid to a vendor of the reference data (vendorId)', () => {
    const error = rejection(disbursing(), { ...tranche(100_000), vendorId: undefined } as CaseStep);
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/vendorId/);
  });

  it("a tranche's items add up to its amount, each with its unit cost", () => {
    const items = [
      { description: 'poultry feed, 50 kg', quantity: 4, unitCostXof: 20_000 },
      { description: 'drinkers', quantity: 10, unitCostXof: 2_000 },
    ];
    expect(step(disbursing(), { ...tranche(100_000), items } as CaseStep).tranches[0].amountXof).toBe(100_000);
    expect(rejection(disbursing(), { ...tranche(120_000), items } as CaseStep).message).toMatch(/add up to 100000 XOF, not to amountXof 120000/);
    const noUnitCost = [{ description: 'feed', quantity: 1 }];
    expect(rejection(disbursing(), { ...tranche(100_000), items: noUnitCost } as CaseStep).message).toMatch(/unitCostXof/);
  });

  it('a payment names its reference', () => {
    const approved = drive(disbursing(), [tranche(500_000), [approve('tranche', 1), supervisor]]);
    const error = rejection(approved, { ...payment(1), reference: undefined } as CaseStep);
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/reference/);
  });

  it('a payment is recorded by someone other than its approver', () => {
    const approved = drive(disbursing(), [tranche(500_000), [approve('tranche', 1), supervisor]]);
    expect(approved.tranches[0].approvedBy).toBe(supervisor.sub);
    expect(rejection(approved, payment(1), { actor: supervisor }).message).toMatch(/someone other than its approver/);
    expect(step(approved, payment(1), { actor: otherSupervisor }).tranches[0]).toMatchObject({ status: 'paid', paidAt: '2026-01-02T12:00:00.000Z' });
  });

  it('the arrival cash grant applies to the reintegration track only', () => {
    const error = rejection(onwardCase(), { ...reception, cashGrantXof: 52_000 } as CaseStep);
    expect(error.code).toBe('rule_violation');
    expect(step(onwardCase(), reception).cashGrant).toMatchObject({ amountXof: 0, status: 'granted' });
  });

  it('a cash grant above the configured cap waits for a supervisor, whose approval grants it', () => {
    const big = step(registeredCase(), { ...reception, cashGrantXof: 500_000 } as CaseStep);
    expect(big.cashGrant).toEqual({ amountXof: 500_000, status: 'awaiting_approval', recordedBy: officer.sub });
    expect(big.task?.key).toBe('received:cash-grant-approval');
    const granted = step(big, approve('cash_grant'), { actor: supervisor });
    expect(granted.cashGrant?.status).toBe('granted');
    expect(granted.task?.key).toBe('received:counselling');
    expect(step(registeredCase(), { ...reception, cashGrantXof: 52_000 } as CaseStep).cashGrant?.status).toBe('granted');
    expect(step(registeredCase(), { ...reception, cashGrantXof: 500_000 } as CaseStep, { actor: supervisor }).cashGrant?.status).toBe('granted');
  });

  it('a supervisor alone reduces an approved budget, never below what tranches already commit', () => {
    const paid = drive(disbursing(), [tranche(500_000), [approve('tranche', 1), supervisor], payment(1)]);
    expect(rejection(paid, { type: 'reduceBudget', budgetXof: 600_000, reason: 'x' }).message).toMatch(/only a supervisor/);
    expect(rejection(paid, { type: 'reduceBudget', budgetXof: 400_000, reason: 'x' }, { actor: supervisor }).message).toMatch(/already committed/);
    const reduced = step(paid, { type: 'reduceBudget', budgetXof: 500_000, reason: 'second kit not needed' }, { actor: supervisor });
    expect(reduced.stage).toBe('monitoring');
    expect(reduced.monitoringStartedAt).toBe(Date.parse('2026-01-02T12:00:00.000Z'));
  });
});

describe('children, end to end', () => {
  it('age is counted in calendar years: born 2000-01-01, 18 on 2018-01-01 and not the day before', () => {
    expect(ageOn('2000-01-01', '2017-12-31T23:59:59Z')).toBe(17);
    expect(ageOn('2000-01-01', '2018-01-01T00:00:00Z')).toBe(18);
    expect(isMinorOn('2000-01-01', '2017-12-31')).toBe(true);
    expect(adultOn('2000-01-01')).toBe('2018-01-01');
    expect(adultOn('2004-02-29')).toBe('2022-03-01');
  });

  it('the state follows the 18th birthday: a minor comes of age on that day, not before', () => {
    const minor = registeredCase({ minor: true, adultOn: '2026-03-01' });
    expect(rejection(minor, { type: 'cameOfAge' }, { now: Date.parse('2026-02-28T23:00:00Z') }).message).toMatch(/turns 18 on 2026-03-01/);
    const adult = step(minor, { type: 'cameOfAge' }, { now: Date.parse('2026-03-01T00:00:00Z') });
    expect(adult.minor).toBe(false);
    expect(adult.adultOn).toBe('2026-03-01');
  });

  it("from the 18th birthday the safeguards no longer bind travel, even before the workflow has taken its cameOfAge step", () => {
    const ready = step(onwardCase({ minor: true, adultOn: '2026-03-01' }), reception, { now: T0 });
    const held = { ...ready, stage: 'ready_to_depart' as const, travelDocument: { requestId: 'rq-1', status: 'issued' as const, validUntil: '2026-12-31' } };
    const departure = { type: 'recordDeparture', departedAt: '2026-02-28T10:00:00.000Z', transport: 'bus', handoverTo: 'IOM Ghana' } as CaseStep;
    expect(rejection(held, departure, { now: Date.parse('2026-02-28T12:00:00Z') }).message).toMatch(/a minor cannot travel before/);
    expect(step(held, departure, { now: Date.parse('2026-03-01T12:00:00Z') }).stage).toBe('completed');
  });

  it('no safeguard date in the future', () => {
    const minor = registeredCase({ minor: true, adultOn: '2030-01-01' });
    const later = { ...completeSafeguards, bestInterests: { ...completeSafeguards.bestInterests, assessedAt: '2030-01-01T00:00:00Z' } };
    const error = rejection(minor, { type: 'recordMinorSafeguards', ...later });
    expect(error.code).toBe('rule_violation');
    expect(error.message).toMatch(/bestInterests.assessedAt is in the future/);
  });
});

describe('cases opened under the first rules keep them', () => {
  const firstRules = (state: CaseState): CaseState => ({ ...state, rulesVersion: undefined });

  it("an officer's ineligible decision still closes at once", () => {
    const counselled = firstRules(drive(registeredCase(), [reception, counselling]));
    expect(step({ ...counselled }, { ...eligible, decision: 'ineligible' } as CaseStep).stage).toBe('closed');
  });

  it('visits are not held to the schedule, and tranches need no vendorId or reference', () => {
    const monitoring = firstRules(reintegrationCaseAt('monitoring'));
    const done = drive(monitoring, [visit(), visit(), visit()]);
    expect(done.stage).toBe('completed');
    const disbursing = firstRules(reintegrationCaseAt('disbursing'));
    const legacyTranche = { type: 'requestTranche', amountXof: 100, vendor: 'Agro Kayes', items: [{ description: 'seeds', quantity: 10 }] } as CaseStep;
    expect(step(disbursing, legacyTranche).tranches).toHaveLength(1);
  });

  it('the planning clock starts when planning does, not at the return', () => {
    const planning = reintegrationCaseAt('planning');
    expect(planning.task?.startedAt).toBe(Date.parse(planning.arrivedAt));
    const old = firstRules(drive(registeredCase(), [reception, counselling]));
    expect(step(old, eligible, { now: T0 + DAY }).task?.startedAt).toBe(T0 + DAY);
  });

  it('a suspended case of the first rules records facts too (a relaxation is safe for every case)', () => {
    const held = step(firstRules(reintegrationCaseAt('counselling')), { type: 'suspend', reason: 'x' }, { actor: supervisor });
    expect(step(held, { type: 'requestClosure', reason: 'deceased' }, { actor: supervisor, now: T0 + DAY }).closure?.reason).toBe('deceased');
  });
});

describe('business dates (issue 12)', () => {
  it('a step recorded later says when it happened: never in the future, never before the previous step', () => {
    const registered = registeredCase();
    const received = step(registered, { ...reception, occurredAt: '2026-01-02T08:00:00.000Z' } as CaseStep);
    expect(received.lastOccurredAt).toBe('2026-01-02T08:00:00.000Z');
    const beforeArrival = rejection(registered, { ...reception, occurredAt: '2025-12-31T23:00:00.000Z' } as CaseStep);
    expect(beforeArrival.message).toMatch(/occurredAt is before the case's previous step \(2026-01-01T00:00:00.000Z\)/);
    const future = rejection(registered, { ...reception, occurredAt: '2026-02-01T00:00:00.000Z' } as CaseStep);
    expect(future.message).toMatch(/occurredAt is in the future/);
    const beforePrevious = rejection(received, { type: 'suspend', reason: 'x', occurredAt: '2026-01-02T07:00:00.000Z' }, { actor: supervisor });
    expect(beforePrevious.code).toBe('rule_violation');
  });

  it("from the third rules, a step's own date is never before the case's previous step either", () => {
    const third = (state: CaseState): CaseState => ({ ...state, rulesVersion: 3 });
    const received = step(third(registeredCase()), reception, { now: T0 });
    const early = rejection(received, { ...counselling, heldAt: '2026-01-02T09:00:00.000Z' } as CaseStep, { now: T0 + DAY });
    expect(early.message).toMatch(/heldAt is before the case's previous step/);
    expect(step(received, { ...counselling, heldAt: new Date(T0 + HOUR).toISOString() } as CaseStep, { now: T0 + DAY }).counsellingSessions).toBe(1);
    // Recorded later from paper: the reception says when it happened, and the earlier session fits.
    const onPaper = step(third(registeredCase()), { ...reception, occurredAt: '2026-01-02T08:00:00.000Z' } as CaseStep, { now: T0 });
    expect(step(onPaper, counselling, { now: T0 }).counsellingSessions).toBe(1);
  });

  it("the embassy's answer and an 18th birthday, recorded as they reach Sira, do not hold back facts recorded later from paper", () => {
    const third = (state: CaseState): CaseState => ({ ...state, rulesVersion: 3 });
    const requested = drive(third(onwardCase({ minor: true, adultOn: '2026-01-02' })), [
      { ...reception, occurredAt: '2026-01-01T10:00:00.000Z' } as CaseStep,
      { type: 'recordTravelDocumentRequest', requestId: 'rq-1', occurredAt: '2026-01-01T12:00:00.000Z' } as CaseStep,
    ]);
    const adult = step(requested, { type: 'cameOfAge' }, { now: T0 + 30 * DAY });
    const issued = step(adult, { type: 'recordTravelDocumentOutcome', requestId: 'rq-1', outcome: 'issued', validUntil: '2026-12-31' }, { now: T0 + 31 * DAY });
    expect(issued.lastOccurredAt).toBe('2026-01-01T12:00:00.000Z');
    // The embassy answered by letter; the link was clicked later; the departure is recorded from the paper file.
    const departure = { type: 'recordDeparture', departedAt: '2026-01-02T08:00:00.000Z', transport: 'bus', handoverTo: 'IOM Ghana' } as CaseStep;
    expect(step(issued, departure, { now: T0 + 32 * DAY }).stage).toBe('completed');
    // People's own dates still keep the order: nothing before the request.
    expect(rejection(issued, { ...departure, departedAt: '2026-01-01T11:00:00.000Z' } as CaseStep, { now: T0 + 32 * DAY }).message).toMatch(/before the case's previous step/);
  });

  it("a step's own date counts as its business date, and a step without one happened when it was recorded", () => {
    const received = step(registeredCase(), reception, { now: T0 });
    expect(received.lastOccurredAt).toBe(new Date(T0).toISOString());
    const counselled = step(received, counselling, { now: T0 + DAY });
    // The session was held before the reception was recorded: the latest date stays.
    expect(counselled.lastOccurredAt).toBe(new Date(T0).toISOString());
  });
});
