import type { CasePolicy } from '../../domain/case-policy';
import { type Actor, type CaseRegistration, type CaseState, newCaseState } from '../../domain/case-state';
import { applyStep, type CaseStep, checkStep, StepRejected } from '../../domain/case-steps';
import type { EligibilityCriteria } from '../../domain/eligibility';
import type { MinorSafeguards } from '../../domain/minor-safeguards';
import { refreshTask } from '../../domain/open-task';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** The returnee arrived at midnight on 1 January 2026; the tests' clock starts two days later. */
export const ARRIVED_AT = '2026-01-01T00:00:00.000Z';
export const T0 = Date.parse(ARRIVED_AT) + 2 * DAY;
export const iso = (ms: number) => new Date(ms).toISOString();

export const officer: Actor = { sub: 'officer-1', role: 'case_officer' };
export const supervisor: Actor = { sub: 'supervisor-1', role: 'supervisor' };
export const otherSupervisor: Actor = { sub: 'supervisor-2', role: 'supervisor' };
export const manager: Actor = { sub: 'manager-1', role: 'manager' };

/** The Mali programme's parameters: €3,000 ceiling, 3/6/12-month monitoring visits. */
export const policy = (overrides: Partial<CasePolicy> = {}): CasePolicy => ({
  hostCountry: 'MLI',
  ceilingXof: 1_967_871,
  defaultCashGrantXof: 52_000,
  slaMs: {
    reception: 3 * DAY,
    counselling: 14 * DAY,
    eligibility: 14 * DAY,
    planning: 30 * DAY,
    approval: 7 * DAY,
    disbursing: 60 * DAY,
    travel_document: 30 * DAY,
  },
  monitoringVisitOffsetsMs: [90 * DAY, 180 * DAY, 365 * DAY],
  sustainabilityThreshold: 0.66,
  monitoringEarlyWindowMs: 14 * DAY,
  programmeWindow: { startsOn: '2017-05-17' },
  cashGrantCapXof: 52_000,
  ...overrides,
});

export const allCriteriaMet: EligibilityCriteria = {
  returnedThroughProgramme: true,
  withinProgrammeWindow: true,
  notPreviouslyAssisted: true,
  vulnerabilityScreeningDone: true,
};

/** Everything a minor's plan needs: return in the child's best interests, family found, both consents; no escort yet. */
export const safeguardsWithoutEscort: MinorSafeguards = {
  bestInterests: { assessedAt: '2026-01-02T10:00:00.000Z', reference: 'BID-BKO-0042', determination: 'return_in_best_interests' },
  familyTracing: { status: 'done', outcome: 'family_found' },
  consents: { minor: true, guardian: true },
};

/** Everything a minor's travel needs, escort included. */
export const completeSafeguards: MinorSafeguards = { ...safeguardsWithoutEscort, escort: 'escort-7' };

/** A freshly registered case with its first task (record reception) opened at `at`. */
export function registeredCase(overrides: Partial<CaseRegistration> = {}, at = T0, p = policy()): CaseState {
  const onward = overrides.nationality !== undefined && overrides.nationality !== 'MLI';
  const state = newCaseState({
    caseId: 'case-1',
    track: onward ? 'onward_return' : 'reintegration',
    centreCode: 'BKO-MMEIA',
    nationality: 'MLI',
    minor: false,
    officer: officer.sub,
    arrivedAt: ARRIVED_AT,
    ...overrides,
  });
  // The fixtures' named dates (heldAt, paidAt, visits) predate the clock: the second rules' order; the
  // third rules' ordering of named dates has its own tests (rules-that-hold.test.ts).
  return { ...state, rulesVersion: 2, task: refreshTask({ ...state, rulesVersion: 2 }, p, at) };
}

/** A Ghanaian in transit in Mali: the onward-return track. */
export const onwardCase = (overrides: Partial<CaseRegistration> = {}) =>
  registeredCase({ nationality: 'GHA', track: 'onward_return', centreCode: 'KAY-TRANSIT', ...overrides });

export interface Options {
  actor?: Actor;
  now?: number;
  policy?: CasePolicy;
}

/** Checks then applies one step, as the case workflow does for each Workflow Update. */
export function step(state: CaseState, s: CaseStep, opts: Options = {}): CaseState {
  const ctx = { actor: opts.actor ?? officer, now: opts.now ?? T0, policy: opts.policy ?? policy() };
  checkStep(state, s, ctx);
  return applyStep(state, s, ctx);
}

export type Planned = CaseStep | [CaseStep, Actor];

/** Drives a case through steps, one hour apart from `now`, each by the officer unless another actor is given. */
export function drive(state: CaseState, steps: Planned[], opts: Options = {}): CaseState {
  let now = opts.now ?? T0;
  for (const planned of steps) {
    const [s, actor] = Array.isArray(planned) ? planned : [planned, opts.actor ?? officer];
    state = step(state, s, { ...opts, actor, now });
    now += HOUR;
  }
  return state;
}

/** The StepRejected that checkStep throws for this step; fails the test when the step is accepted. */
export function rejection(state: CaseState, s: CaseStep, opts: Options = {}): StepRejected {
  const ctx = { actor: opts.actor ?? officer, now: opts.now ?? T0, policy: opts.policy ?? policy() };
  try {
    checkStep(state, s, ctx);
  } catch (error) {
    if (error instanceof StepRejected) return error;
    throw error;
  }
  throw new Error(`expected ${s.type} to be rejected at stage ${state.stage}`);
}

// Steps the tests reuse, with times before the clock T0.
export const reception: CaseStep = { type: 'recordReception', centreCode: 'BKO-MMEIA' };
export const counselling: CaseStep = { type: 'recordCounsellingSession', heldAt: '2026-01-02T09:00:00.000Z' };
export const eligible: CaseStep = {
  type: 'decideEligibility',
  decision: 'eligible',
  criteria: allCriteriaMet,
  reason: 'meets the published criteria',
};
export const plan = (budgetXof = 1_500_000): CaseStep => ({
  type: 'submitPlan',
  planType: 'individual',
  sector: 'poultry farming',
  budgetXof,
  dimensions: ['economic', 'social'],
});
export const approve = (subject: 'eligibility' | 'plan' | 'tranche' | 'closure' | 'cash_grant', ref?: number): CaseStep => ({
  type: 'recordApproval',
  subject,
  decision: 'approved',
  ref,
});
export const reject = (subject: 'eligibility' | 'plan' | 'tranche' | 'closure', ref?: number): CaseStep => ({
  type: 'recordApproval',
  subject,
  decision: 'rejected',
  ref,
});
export const tranche = (amountXof: number): CaseStep => ({
  type: 'requestTranche',
  amountXof,
  vendor: 'Quincaillerie du Fleuve',
  vendorId: 'vendor-7',
  items: [{ description: 'chicken coop kit', quantity: 1, unitCostXof: amountXof }],
});
export const payment = (n: number): CaseStep => ({
  type: 'recordTranchePayment',
  n,
  paidAt: '2026-01-02T12:00:00.000Z',
  reference: `RCPT-${n}`,
});
export const visit = (score = 0.8, visitedAt = '2026-01-02T12:00:00.000Z'): CaseStep => ({
  type: 'recordMonitoringVisit',
  visitedAt,
  scores: { economic: score, social: score, psychosocial: score },
});

/** A reintegration case driven by real steps to the given stage (a €1.5M-XOF plan when a plan exists). */
export function reintegrationCaseAt(
  stage: 'registered' | 'received' | 'counselling' | 'planning' | 'disbursing' | 'monitoring',
  overrides: Partial<CaseRegistration> = {},
  budgetXof = 1_500_000,
): CaseState {
  const route: Planned[] = [reception, counselling, eligible, plan(budgetXof), [approve('plan'), supervisor]];
  const pay: Planned[] = [tranche(budgetXof), [approve('tranche', 1), supervisor], payment(1)];
  const minor = overrides.minor ? [{ type: 'recordMinorSafeguards', ...completeSafeguards } as CaseStep] : [];
  const upTo: Record<typeof stage, Planned[]> = {
    registered: [],
    received: route.slice(0, 1),
    counselling: route.slice(0, 2),
    planning: [...minor, ...route.slice(0, 3)],
    disbursing: [...minor, ...route],
    monitoring: [...minor, ...route, ...pay],
  };
  const state = drive(registeredCase(overrides), upTo[stage]);
  if (state.stage !== stage) throw new Error(`fixture reached ${state.stage}, not ${stage}`);
  return state;
}
