import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The programme a simulation plays: its period, the seed's figures and every parameter drawn from
 * them, in one data file (programme.json). Another programme is simulated by changing that file.
 */
const Range = z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, 'must be [min, max]');
const Weights = z.record(z.string(), z.number().nonnegative());
/** A share of a population, 0 to 1. */
const Share = z.number().min(0).max(1);
const SeedFigure = z.object({
  value: z.number().nonnegative(),
  women: z.number().nonnegative().optional(),
  girls: z.number().nonnegative().optional(),
  boys: z.number().nonnegative().optional(),
});
const Arrivals = z.record(
  z.string(),
  z.object({
    weight: z.number().positive(),
    mode: z.enum(['charter', 'commercial', 'land', 'in_transit']),
    fromCountry: z.string().length(3),
  }),
);
const Item = z.object({ description: z.string(), unitCostXof: z.number().int().positive() });
const PlanTypeOf = <T extends z.ZodType>(t: T) => z.object({ individual: t, collective: t, community: t });

export const ProgrammeSchema = z.object({
  name: z.string(),
  source: z.string(),
  period: z.object({ from: z.iso.date(), to: z.iso.date() }),
  figures: z.record(z.string(), SeedFigure),
  notes: z.record(z.string(), z.string()).default({}),
  hostCountry: z.string().length(3),
  charters: z.object({
    boardedPerCharter: z.number().int().positive(),
    capacity: z.number().int().positive(),
    noShowsPerCharter: Range,
    origins: Weights,
    destination: z.string(),
    fromCountry: z.string().length(3),
    arrivalCentre: z.string(),
    flightHours: Range,
    jitterDays: z.number().nonnegative(),
    consentDaysBeforeDeparture: Range,
    flightNumberPrefix: z.string(),
  }),
  malians: z.object({
    womenShare: Share,
    adultAgeOnArrival: Range,
    minorAgeOnArrival: Range,
    arrivals: Arrivals,
    centres: Weights,
    regions: Weights,
    vulnerableShare: Share,
    vulnerabilities: z.array(z.string()).min(1),
  }),
  nonMalians: z.object({
    womenShare: Share,
    adultAgeOnArrival: Range,
    unaccompaniedMinorAgeOnArrival: Range,
    nationalities: Weights,
    arrivals: Arrivals,
    centres: Weights,
    vulnerableShare: Share,
    vulnerabilities: z.array(z.string()).min(1),
    /** How long before the period ends the last of them arrive: early enough to leave, or to be refused. */
    arrivalDaysBeforeEnd: z.object({ departs: z.number().nonnegative(), others: z.number().nonnegative() }),
    refusedPerDeparture: z.number().min(0),
    unansweredPerDeparture: z.number().min(0),
    closureAfterRefusal: z.string(),
    closureDaysAfterRefusal: Range,
    transport: z.array(z.string()).min(1),
    handoverTo: z.string(),
  }),
  reception: z.object({ hoursAfterArrival: Range, referralShareWithCare: Share }),
  counselling: z.object({
    daysAfterReception: Range,
    secondSessionShare: Share,
    secondSessionDays: Range,
  }),
  eligibility: z.object({
    daysAfterCounselling: Range,
    exceptionShare: Share,
    approvalDays: Range,
    ineligible: z.number().int().nonnegative(),
    closedBeforeDecision: z.number().int().nonnegative(),
    closedBeforeDecisionReasons: Weights,
    closedBeforeDecisionDays: Range,
    closedAfterEligibility: z.number().int().nonnegative(),
    closedAfterEligibilityReasons: Weights,
    closedAfterEligibilityDays: Range,
    notCounselledClosedShare: Share,
    notCounselledClosureReasons: Weights,
    notCounselledClosureDays: Range,
    closureApprovalDays: Range,
  }),
  bulkHold: z.object({
    suspendedOn: z.iso.date(),
    /** The business date of the bulk resumption (recorded at the end of the run, dated here). */
    resumedOn: z.iso.date(),
    pendingCases: z.number().int().nonnegative(),
    reason: z.string(),
    resumeReason: z.string(),
  }),
  plans: z.object({
    daysAfterEligibility: Range,
    approvalDays: Range,
    rejectedFirstShare: Share,
    beingPreparedWithPlanShare: Share,
    resubmitDays: Range,
    communityShareOfCollective: Share,
    collectiveProjectSize: Range,
    communityProjectSize: Range,
    budgetXof: PlanTypeOf(Range),
    dimensions: PlanTypeOf(z.array(z.enum(['economic', 'social', 'psychosocial'])).min(1)),
    sectors: z.record(z.string(), z.array(Item).min(1)),
  }),
  disbursement: z.object({ tranches: Weights, requestDays: Range, approvalDays: Range, paymentDays: Range }),
  monitoring: z.object({
    visitOffsetsDays: z.array(z.number().positive()).min(1),
    earlyWindowDays: z.number().nonnegative(),
    lateDays: Range,
    visitShare: Share,
    scores: Range,
    sustainabilityThreshold: Share,
  }),
  travelDocuments: z.object({
    heldDocumentShare: Share,
    heldDocumentTypes: Weights,
    documentTypes: Weights,
    interviewShare: Share,
    requestDaysAfterReception: Range,
    departureDaysAfterRequest: Range,
    plannedDepartureInDays: z.number().int().nonnegative(),
    validityDays: z.number().int().positive(),
    interviewPlace: z.string(),
  }),
  minorSafeguards: z.object({ daysAfterReception: Range, escort: z.string() }),
  flowMonitoring: z.object({ points: z.array(z.string()).min(1), nationalities: Weights }),
  vendors: z.array(z.object({ name: z.string(), region: z.string() })).min(1),
  names: z.record(
    z.string(),
    z.object({
      family: z.array(z.string()).min(1),
      F: z.array(z.string()).min(1),
      M: z.array(z.string()).min(1),
    }),
  ),
});

export type Programme = z.infer<typeof ProgrammeSchema>;
export type SeedFigures = Programme['figures'];

export const DEFAULT_PROGRAMME_FILE = path.join(__dirname, 'programme.json');

/** The programme of a data file, validated: a bad parameter stops the simulation with its path. */
export function loadProgramme(file = DEFAULT_PROGRAMME_FILE): Programme {
  const parsed = ProgrammeSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`${file} is not a programme:\n${issues}`);
  }
  return parsed.data;
}

/** A seed figure at the simulation's scale, rounded to whole cases. */
export function atScale(value: number | undefined, scale: number): number {
  return Math.round((value ?? 0) * scale);
}
