import { DAY_MS } from './calendar';
import type { CaseStepPlan, Journey, PlanType, TrancheItem } from './journey';
import { atScale, type Programme } from './programme';
import type { Random } from './random';
import { after, afterHours } from './schedule';

/**
 * The steps of the Malian returnees' cases (the reintegration track), from reception to completion.
 * Each case's dates are drawn first as if nothing stopped it; then the seed's figures, at scale, choose
 * which cases go how far: the completed ones among those whose last visit fits in the period, the
 * approved plans among those whose approval does, and so on down to the pending ones. A step that
 * would fall after the period is not taken: the case is still at that stage when the period ends.
 */
interface Timeline {
  journey: Journey;
  reception?: number;
  sessions: number[];
  decision?: number;
  /** A supervisor's review of the decision, when it needs one (an exception, or an officer's `ineligible`). */
  review?: number;
  exception: boolean;
  effective?: number;
  planSubmitted?: number;
  planRejected?: { at: number; resubmitted?: number };
  planApproved?: number;
  tranches: { request?: number; approval?: number; payment?: number }[];
  visits: (number | undefined)[];
}

export interface ReintegrationContext {
  rng: Random;
  programme: Programme;
  scale: number;
  start: number;
  end: number;
  holdAt: number;
}

const last = <T>(items: T[]): T | undefined => items[items.length - 1];

/** Draws each case's dates as if it went all the way. */
function timelineOf(ctx: ReintegrationContext, journey: Journey): Timeline {
  const { rng, programme: p, end } = ctx;
  const t: Timeline = { journey, sessions: [], exception: false, tranches: [], visits: [] };
  t.reception = afterHours(rng, journey.arrival.at, p.reception.hoursAfterArrival, end);
  const first = after(rng, t.reception, p.counselling.daysAfterReception, end);
  if (first !== undefined) {
    t.sessions.push(first);
    const second = rng.chance(p.counselling.secondSessionShare)
      ? after(rng, first, p.counselling.secondSessionDays, end)
      : undefined;
    if (second !== undefined) t.sessions.push(second);
  }
  t.decision = after(rng, last(t.sessions), p.eligibility.daysAfterCounselling, end);
  t.exception = rng.chance(p.eligibility.exceptionShare);
  t.review = after(rng, t.decision, p.eligibility.approvalDays, end);
  t.effective = t.exception ? t.review : t.decision;
  t.planSubmitted = after(rng, t.effective, p.plans.daysAfterEligibility, end);
  let submitted = t.planSubmitted;
  if (submitted !== undefined && rng.chance(p.plans.rejectedFirstShare)) {
    const rejected = after(rng, submitted, p.plans.approvalDays, end);
    if (rejected !== undefined) {
      const resubmitted = after(rng, rejected, p.plans.resubmitDays, end);
      t.planRejected = { at: rejected, resubmitted };
      submitted = resubmitted;
    }
  }
  t.planApproved = after(rng, submitted, p.plans.approvalDays, end);
  const tranches = Number(rng.weighted(p.disbursement.tranches));
  let previous = t.planApproved;
  for (let i = 0; i < tranches; i++) {
    const request = after(rng, previous, p.disbursement.requestDays, end);
    const approval = after(rng, request, p.disbursement.approvalDays, end);
    const payment = after(rng, approval, p.disbursement.paymentDays, end);
    t.tranches.push({ request, approval, payment });
    previous = payment;
  }
  // Monitoring starts on the day the help was delivered: the last payment.
  const delivered = last(t.tranches)?.payment;
  const early = p.monitoring.earlyWindowDays;
  for (const offset of p.monitoring.visitOffsetsDays) {
    const from = delivered === undefined ? undefined : delivered + (offset - early) * DAY_MS;
    t.visits.push(
      from === undefined || from > end ? undefined : after(ctx.rng, from, p.monitoring.lateDays, end),
    );
  }
  return t;
}

/** Splits an amount into tranches that add up to it, none below a tenth of an even share. */
function splitAmount(rng: Random, total: number, parts: number): number[] {
  const weights = Array.from({ length: parts }, () => rng.between(0.6, 1.4));
  const sum = weights.reduce((a, b) => a + b, 0);
  const amounts = weights.map((w) => Math.max(1000, Math.floor((total * w) / sum / 1000) * 1000));
  amounts[parts - 1] = total - amounts.slice(0, -1).reduce((a, b) => a + b, 0);
  return amounts;
}

/** In-kind items of a sector whose quantities times unit costs add up to `amountXof` exactly. */
function itemsFor(
  rng: Random,
  catalogue: { description: string; unitCostXof: number }[],
  amountXof: number,
): TrancheItem[] {
  const items: TrancheItem[] = [];
  let left = amountXof;
  for (const item of rng.shuffle(catalogue)) {
    const quantity = Math.min(rng.int(1, 4), Math.floor(left / item.unitCostXof));
    if (quantity >= 1 && left - quantity * item.unitCostXof >= 0) {
      items.push({ description: item.description, quantity, unitCostXof: item.unitCostXof });
      left -= quantity * item.unitCostXof;
    }
  }
  if (left > 0)
    items.push({ description: 'Petit matériel et transport du kit', quantity: 1, unitCostXof: left });
  return items;
}

const closureSteps = (
  rng: Random,
  ctx: ReintegrationContext,
  from: number | undefined,
  days: readonly [number, number],
  reasons: Record<string, number>,
): CaseStepPlan[] => {
  const at = after(rng, from, days, ctx.end);
  const approved = after(rng, at, ctx.programme.eligibility.closureApprovalDays, ctx.end);
  if (at === undefined || approved === undefined) return [];
  return [
    { kind: 'closure', at, reason: rng.weighted(reasons) },
    { kind: 'closureApproval', at: approved },
  ];
};

interface PlanDraft {
  planType: PlanType;
  projectId?: string;
  sector: string;
  budgetXof: number;
}

/** Plans of the approved cases: individual ones, and collective or community projects shared by several cases. */
function draftPlans(
  ctx: ReintegrationContext,
  approved: Timeline[],
  individual: number,
): Map<Timeline, PlanDraft> {
  const { rng, programme: p } = ctx;
  const drafts = new Map<Timeline, PlanDraft>();
  const sectors = Object.keys(p.plans.sectors);
  const budget = (type: PlanType) => {
    const [min, max] = p.plans.budgetXof[type];
    return Math.round(rng.between(min, max) / 5000) * 5000;
  };
  const shuffled = rng.shuffle(approved);
  for (const t of shuffled.slice(0, individual))
    drafts.set(t, { planType: 'individual', sector: rng.pick(sectors), budgetXof: budget('individual') });
  const shared = shuffled.slice(individual);
  const community = Math.round(shared.length * p.plans.communityShareOfCollective);
  let project = 0;
  const group = (members: Timeline[], type: PlanType, size: [number, number]) => {
    for (let i = 0; i < members.length;) {
      const n = rng.int(size[0], size[1]);
      const sector = rng.pick(sectors);
      const projectId = `${type === 'community' ? 'COM' : 'COL'}-${String(++project).padStart(4, '0')}`;
      for (const t of members.slice(i, i + n))
        drafts.set(t, { planType: type, projectId, sector, budgetXof: budget(type) });
      i += n;
    }
  };
  group(shared.slice(0, community), 'community', p.plans.communityProjectSize);
  group(shared.slice(community), 'collective', p.plans.collectiveProjectSize);
  return drafts;
}

/** The plan and what follows it: approval (after a first rejection for some), tranches, payments, visits. */
function planSteps(
  ctx: ReintegrationContext,
  t: Timeline,
  draft: PlanDraft,
  approved: boolean,
  completes: boolean,
  vendors: number,
): CaseStepPlan[] {
  const { rng, programme: p } = ctx;
  const steps: CaseStepPlan[] = [];
  const dimensions = p.plans.dimensions[draft.planType];
  const plan = (at: number): CaseStepPlan => ({ kind: 'plan', at, ...draft, dimensions });
  steps.push(plan(t.planSubmitted!));
  if (t.planRejected) {
    steps.push({
      kind: 'planDecision',
      at: t.planRejected.at,
      decision: 'rejected',
      comment: 'Le budget du plan est à revoir avec le fournisseur',
    });
    if (t.planRejected.resubmitted === undefined) return steps;
    steps.push(plan(t.planRejected.resubmitted));
  }
  if (!approved || t.planApproved === undefined) return steps;
  steps.push({
    kind: 'planDecision',
    at: t.planApproved,
    decision: 'approved',
    comment: 'Plan conforme aux critères',
  });
  const amounts = splitAmount(rng, draft.budgetXof, t.tranches.length);
  const vendor = rng.int(0, vendors - 1);
  t.tranches.forEach((tranche, i) => {
    const n = i + 1;
    if (tranche.request === undefined) return;
    const items = itemsFor(rng, p.plans.sectors[draft.sector], amounts[i]);
    steps.push({ kind: 'tranche', at: tranche.request, n, amountXof: amounts[i], vendor, items });
    if (tranche.approval !== undefined) steps.push({ kind: 'trancheApproval', at: tranche.approval, n });
    if (tranche.payment !== undefined)
      steps.push({ kind: 'payment', at: tranche.payment, n, reference: `REC-${t.journey.ref}-${n}` });
  });
  const delivered = t.tranches.every((tr) => tr.payment !== undefined);
  if (!delivered) return steps;
  // A case that is not to complete stops before its last scheduled visit.
  const visits = completes ? t.visits : t.visits.slice(0, -1);
  for (const at of visits) {
    if (at === undefined || (!completes && !rng.chance(p.monitoring.visitShare))) break;
    const [lo, hi] = p.monitoring.scores;
    const score = () => Math.round(rng.between(lo, hi) * 100) / 100;
    steps.push({ kind: 'visit', at, scores: { economic: score(), social: score(), psychosocial: score() } });
  }
  return steps;
}

/**
 * Gives every Malian journey its steps. The seed's figures at scale set how many cases are counselled,
 * held in the January 2019 bulk suspension, started, approved (individual, collective or community) and
 * completed; the programme file sets the others (ineligible, closed).
 */
export function planReintegrationTrack(
  ctx: ReintegrationContext,
  journeys: Journey[],
  vendors: number,
): void {
  const { rng, programme: p, scale } = ctx;
  const figure = (key: string) => atScale(p.figures[key]?.value, scale);
  const timelines = journeys.map((j) => timelineOf(ctx, j));

  for (const t of timelines) {
    if (t.reception !== undefined)
      t.journey.steps.push({
        kind: 'reception',
        at: t.reception,
        medical: false,
        psychologicalFirstAid: false,
        referrals: [],
      });
  }

  const counselled = new Set(
    rng.sample(
      timelines.filter((t) => t.sessions.length > 0),
      figure('counselling.attended'),
    ),
  );
  for (const t of counselled) {
    for (const at of t.sessions)
      t.journey.steps.push({
        kind: 'counselling',
        at,
        summary: 'Conseil en réintégration : projet, besoins, attentes',
      });
  }
  for (const t of timelines) {
    if (!counselled.has(t) && rng.chance(p.eligibility.notCounselledClosedShare)) {
      t.journey.steps.push(
        ...closureSteps(
          rng,
          ctx,
          t.reception,
          p.eligibility.notCounselledClosureDays,
          p.eligibility.notCounselledClosureReasons,
        ),
      );
    }
  }

  // The pending cases of mid-January 2019: counselled, not yet decided, the latest first.
  const beforeHold = [...counselled]
    .filter((t) => last(t.sessions)! < ctx.holdAt)
    .sort((a, b) => last(b.sessions)! - last(a.sessions)!);
  const held = new Set(beforeHold.slice(0, atScale(p.bulkHold.pendingCases, scale)));
  for (const t of held) t.journey.heldInBulk = true;

  const open = [...counselled].filter((t) => !held.has(t));
  const take = (pool: Timeline[], n: number, taken: Set<Timeline>) =>
    rng.sample(
      pool.filter((t) => !taken.has(t)),
      Math.max(0, n),
    );
  const completed = new Set(
    take(
      open.filter((t) => t.visits.every((v) => v !== undefined)),
      figure('reintegration.completed'),
      new Set(),
    ),
  );
  const approvedQuota = figure('reintegration.individual') + figure('reintegration.collective');
  const approved = new Set([
    ...completed,
    ...take(
      open.filter((t) => t.planApproved !== undefined),
      approvedQuota - completed.size,
      completed,
    ),
  ]);
  const started = new Set([
    ...approved,
    ...take(
      open.filter((t) => t.effective !== undefined),
      figure('reintegration.started') - approved.size,
      approved,
    ),
  ]);
  const closedAfter = new Set(
    rng.sample(
      [...started].filter((t) => !approved.has(t)),
      atScale(p.eligibility.closedAfterEligibility, scale),
    ),
  );
  const decided = new Set(started);
  const ineligible = new Set(
    take(
      open.filter((t) => t.review !== undefined),
      atScale(p.eligibility.ineligible, scale),
      decided,
    ),
  );
  for (const t of ineligible) decided.add(t);
  const closedBefore = new Set(take(open, atScale(p.eligibility.closedBeforeDecision, scale), decided));

  const drafts = draftPlans(ctx, [...approved], figure('reintegration.individual'));
  for (const t of open) {
    const steps = t.journey.steps;
    if (closedBefore.has(t)) {
      steps.push(
        ...closureSteps(
          rng,
          ctx,
          last(t.sessions),
          p.eligibility.closedBeforeDecisionDays,
          p.eligibility.closedBeforeDecisionReasons,
        ),
      );
      continue;
    }
    if (ineligible.has(t)) {
      // An officer's `ineligible` waits for a supervisor's confirmation, which closes the case.
      steps.push({
        kind: 'eligibility',
        at: t.decision!,
        decision: 'ineligible',
        screeningDone: true,
        reason: 'Retour hors du cadre du programme',
      });
      steps.push({ kind: 'eligibilityApproval', at: t.review! });
      continue;
    }
    if (!started.has(t)) continue;
    steps.push({
      kind: 'eligibility',
      at: t.decision!,
      decision: 'eligible',
      screeningDone: !t.exception,
      reason: t.exception
        ? 'Éligible ; dépistage des vulnérabilités à compléter (exception)'
        : 'Remplit les critères publiés',
    });
    if (t.exception) steps.push({ kind: 'eligibilityApproval', at: t.effective! });
    if (closedAfter.has(t)) {
      steps.push(
        ...closureSteps(
          rng,
          ctx,
          t.effective,
          p.eligibility.closedAfterEligibilityDays,
          p.eligibility.closedAfterEligibilityReasons,
        ),
      );
      continue;
    }
    const draft = drafts.get(t);
    if (draft) {
      steps.push(...planSteps(ctx, t, draft, true, completed.has(t), vendors));
    } else if (t.planSubmitted !== undefined && rng.chance(p.plans.beingPreparedWithPlanShare)) {
      // Being prepared: some have a plan awaiting the supervisor when the period ends.
      const sectors = Object.keys(p.plans.sectors);
      const [min, max] = p.plans.budgetXof.individual;
      steps.push(
        ...planSteps(
          ctx,
          t,
          {
            planType: 'individual',
            sector: rng.pick(sectors),
            budgetXof: Math.round(rng.between(min, max) / 5000) * 5000,
          },
          false,
          false,
          vendors,
        ),
      );
    }
  }
}
