import { ageOn, DAY_MS } from './calendar';
import type { CaseStepPlan, Journey } from './journey';
import type { Ledger } from './ledger';
import type { Programme } from './programme';

/** A figure as the report gives it: a value, and women, girls or boys among it where it splits them. */
export interface Count {
  value: number | null;
  women?: number;
  girls?: number;
  boys?: number;
}

interface DoneCase {
  journey: Journey;
  steps: CaseStepPlan[];
}

/** percentile_cont(0.5): the middle value, or the mean of the two middle ones. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (
    sorted[Math.floor(mid)] + (sorted[Math.ceil(mid)] - sorted[Math.floor(mid)]) * (mid - Math.floor(mid))
  );
}

const tenth = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** A count of cases with the women among them. */
function countOf(cases: Journey[]): Count {
  return { value: cases.length, women: cases.filter((j) => j.person.sex === 'F').length };
}

/** The cases whose step of one kind satisfies `match`: each case once. */
const casesWith = (done: DoneCase[], match: (s: CaseStepPlan, c: DoneCase) => boolean) =>
  done.filter((c) => c.steps.some((s) => match(s, c))).map((c) => c.journey);

/** When eligibility took effect: an `eligible` needing no review, or the supervisor's approval of an exception. */
function startedAt(c: DoneCase): number | undefined {
  const decision = c.steps.find((s) => s.kind === 'eligibility');
  if (decision?.kind !== 'eligibility' || decision.decision !== 'eligible') return undefined;
  if (decision.screeningDone) return decision.at;
  return c.steps.find((s) => s.kind === 'eligibilityApproval' && s.at > decision.at)?.at;
}

/** When the case closed (a closure the supervisor approved), if it did. */
const closedAt = (c: DoneCase) => c.steps.find((s) => s.kind === 'closureApproval')?.at;

/** The approved plan and when it was approved: the plan submitted last before the approval. */
function approvedPlan(c: DoneCase): { at: number; planType: string } | undefined {
  let submitted: string | undefined;
  for (const s of c.steps) {
    if (s.kind === 'plan') submitted = s.planType;
    if (s.kind === 'planDecision' && s.decision === 'approved' && submitted)
      return { at: s.at, planType: submitted };
  }
  return undefined;
}

/** The step that completed the case: help fully delivered and the last scheduled visit done. */
function completedAt(c: DoneCase, visitsToComplete: number): number | undefined {
  let budget = 0;
  let paid = 0;
  let visits = 0;
  const amounts = new Map<number, number>();
  for (const s of c.steps) {
    if (s.kind === 'plan') budget = s.budgetXof;
    if (s.kind === 'tranche') amounts.set(s.n, s.amountXof);
    if (s.kind === 'payment') paid += amounts.get(s.n) ?? 0;
    if (s.kind === 'visit') visits += 1;
    if (
      (s.kind === 'payment' || s.kind === 'visit') &&
      budget > 0 &&
      paid >= budget &&
      visits >= visitsToComplete
    )
      return s.at;
  }
  return undefined;
}

/**
 * The programme report's figures counted from what the simulation itself did (the ledger), with the
 * report's definitions (REPORT.md) and never with Sira's own records: what the report should say.
 */
export function groundTruth(programme: Programme, ledger: Ledger): Record<string, Count> {
  const start = Date.parse(`${programme.period.from}T00:00:00Z`);
  const end = Date.parse(`${programme.period.to}T00:00:00Z`) + DAY_MS;
  const within = (at: number | undefined) => at !== undefined && at >= start && at < end;
  const host = programme.hostCountry;
  const done: DoneCase[] = [...ledger.opened.values()].map(({ journey }) => ({
    journey,
    steps: ledger.steps.get(journey.ref) ?? [],
  }));
  const arrived = done.filter((c) => within(c.journey.arrival.at)).map((c) => c.journey);
  const isMalian = (j: Journey) => j.person.nationality === host;
  const minorsOf = (cases: Journey[]): Count => {
    const girls = cases.filter((j) => j.person.sex === 'F').length;
    return { value: cases.length, girls, boys: cases.length - girls };
  };

  const malians = countOf(arrived.filter((j) => j.track === 'reintegration'));
  const nonMalians = countOf(
    casesWith(done, (s, c) => s.kind === 'departure' && within(s.at) && c.journey.track === 'onward_return'),
  );
  // A second return is a person back after an earlier case of theirs (same biometric reference).
  const earlier = new Set<string>();
  const second = [...done]
    .sort((a, b) => a.journey.arrival.at - b.journey.arrival.at)
    .filter((c) => {
      const person = c.journey.biometricRef;
      const again = earlier.has(person);
      earlier.add(person);
      return again && within(c.journey.arrival.at);
    })
    .map((c) => c.journey);

  const reception = (
    match: (s: Extract<CaseStepPlan, { kind: 'reception' }>) => boolean,
    who: (j: Journey) => boolean,
  ) =>
    countOf(casesWith(done, (s, c) => s.kind === 'reception' && within(s.at) && match(s) && who(c.journey)));

  const started = done.filter((c) => within(startedAt(c)));
  const standing = started.filter((c) => !((closedAt(c) ?? Infinity) < end));
  const planAtEnd = (c: DoneCase) => {
    const plan = approvedPlan(c);
    return plan && plan.at < end ? plan.planType : undefined;
  };
  const approvals = done.flatMap((c) => {
    const plan = approvedPlan(c);
    return plan && within(plan.at) ? [(plan.at - c.journey.arrival.at) / DAY_MS] : [];
  });

  const payments = done.flatMap((c) => {
    const amounts = new Map(
      c.steps.flatMap((s) => (s.kind === 'tranche' ? [[s.n, s.amountXof] as const] : [])),
    );
    return c.steps.flatMap((s) =>
      s.kind === 'payment' && within(s.at) ? [{ journey: c.journey, xof: amounts.get(s.n) ?? 0 }] : [],
    );
  });

  const requests = done.flatMap((c) => {
    const facts = ledger.travelDocuments.get(c.journey.ref);
    return facts && !facts.held && within(facts.requestedAt) ? [facts] : [];
  });
  const decidedIn = requests.flatMap((r) => {
    const first = r.answers.find((a) => a.decision !== 'interview');
    return first ? [(first.answeredAt - r.requestedAt) / DAY_MS] : [];
  });

  const threshold = programme.monitoring.sustainabilityThreshold;
  const composite = (s: { economic: number; social: number; psychosocial: number }) =>
    Math.round(((s.economic + s.social + s.psychosocial) / 3) * 1000) / 1000;
  const surveyed = done.flatMap((c) => {
    const visits = c.steps.filter((s) => s.kind === 'visit' && within(s.at));
    const lastVisit = visits[visits.length - 1];
    return lastVisit?.kind === 'visit'
      ? [{ journey: c.journey, sustainable: composite(lastVisit.scores) >= threshold }]
      : [];
  });

  const figures: Record<string, Count> = {
    'returns.malians': malians,
    'returns.nonMalians': nonMalians,
    'returns.total': {
      value: (malians.value ?? 0) + (nonMalians.value ?? 0),
      women: (malians.women ?? 0) + (nonMalians.women ?? 0),
    },
    'returns.second': countOf(second),
    'charters.arrived': { value: ledger.chartersLanded.filter((c) => within(c.arrivedAt)).length },
    'minors.malian': minorsOf(
      arrived.filter((j) => isMalian(j) && ageOn(j.person.dateOfBirth, j.arrival.at) < 18),
    ),
    'minors.nonMalianUnaccompanied': minorsOf(arrived.filter((j) => !isMalian(j) && j.unaccompaniedMinor)),
    'medical.malian': reception((s) => s.medical, isMalian),
    'medical.nonMalian': reception(
      (s) => s.medical,
      (j) => !isMalian(j),
    ),
    psychologicalFirstAid: reception(
      (s) => s.psychologicalFirstAid,
      () => true,
    ),
    'counselling.attended': countOf(casesWith(done, (s) => s.kind === 'counselling' && within(s.at))),
    'reintegration.started': countOf(started.map((c) => c.journey)),
    'reintegration.beingPrepared': countOf(
      standing.filter((c) => planAtEnd(c) === undefined).map((c) => c.journey),
    ),
    'reintegration.collective': countOf(
      standing
        .filter((c) => planAtEnd(c) === 'collective' || planAtEnd(c) === 'community')
        .map((c) => c.journey),
    ),
    'reintegration.individual': countOf(
      standing.filter((c) => planAtEnd(c) === 'individual').map((c) => c.journey),
    ),
    'reintegration.completed': countOf(
      done
        .filter(
          (c) =>
            c.journey.track === 'reintegration' &&
            within(completedAt(c, programme.monitoring.visitOffsetsDays.length)),
        )
        .map((c) => c.journey),
    ),
    'planning.medianDaysFromArrivalToApprovedPlan': { value: tenth(median(approvals)) },
    'planning.shareWithinOneMonth': {
      value: approvals.length
        ? Math.round((100 * approvals.filter((d) => d <= 30).length) / approvals.length)
        : null,
    },
    'disbursed.xof': { value: payments.reduce((sum, p) => sum + p.xof, 0) },
    'disbursed.tranches': { value: payments.length },
    'disbursed.cases': { value: new Set(payments.map((p) => p.journey.ref)).size },
    'travelDocuments.requested': { value: requests.length },
    'travelDocuments.issued': {
      value: requests.filter((r) => r.answers.some((a) => a.decision === 'issued')).length,
    },
    'travelDocuments.refused': {
      value: requests.filter(
        (r) =>
          r.answers.some((a) => a.decision === 'refused') && !r.answers.some((a) => a.decision === 'issued'),
      ).length,
    },
    'travelDocuments.medianDaysToAnswer': { value: tenth(median(decidedIn)) },
    'sustainability.surveyed': countOf(surveyed.map((s) => s.journey)),
    'sustainability.sustainable': countOf(surveyed.filter((s) => s.sustainable).map((s) => s.journey)),
    'flowMonitoring.observed': {
      value: ledger.flowObservations
        .filter((o) => within(Date.parse(`${o.date}T00:00:00Z`)))
        .reduce((sum, o) => sum + Object.values(o.counts).reduce((a, b) => a + b, 0), 0),
    },
  };
  return figures;
}
