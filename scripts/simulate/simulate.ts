import { Actors } from './actors';
import { bulkHold, type BulkHoldTiming } from './bulk-hold';
import { flyCharter } from './charter-runner';
import type { SimulationContext } from './context';
import { recordFlowObservations } from './flow-monitoring';
import { type Count, groundTruth } from './ground-truth';
import { SiraHttp } from './http';
import { allJourneys, type ProgrammePlan } from './journey';
import { JourneyRunner } from './journey-runner';
import { Ledger } from './ledger';
import { LiaisonMailbox } from './mailbox';
import { Pool } from './pool';
import { loadProgramme } from './programme';
import { planProgramme } from './programme-plan';
import { ProgressBar } from './progress';
import { compareWithReport, type FigureRow, type ReportFigures, renderComparison } from './report-comparison';
import { RunStats } from './run-stats';
import { listVendors } from './vendors';

export interface SimulateOptions {
  /** Sira's address, e.g. http://localhost:3000. */
  url: string;
  /** The stack's AUTH_SECRET (default: this environment's, or the development default). */
  secret?: string;
  scale: number;
  seed: number;
  /** Journeys played at once. */
  concurrency: number;
  /** Where the stack's SMTP catcher keeps every message as an .eml file. */
  mailDir: string;
  programmeFile?: string;
  /** Names this run apart from others on the same stack; letters, digits, dots, dashes. */
  runTag?: string;
  /** Draw the progress bar (on stderr). */
  progress?: boolean;
  /** Where messages go (rate limiting, phases). */
  log?: (message: string) => void;
}

export interface SimulationResult {
  runTag: string;
  scale: number;
  seed: number;
  wallSeconds: number;
  stepsTaken: number;
  stepsPerSecond: number;
  stats: RunStats;
  rows: FigureRow[];
  /** The report matches what the simulation did. */
  matched: boolean;
  table: string;
  bulkSuspension?: BulkHoldTiming;
  bulkResumption?: BulkHoldTiming;
  /** How long the final report took to answer. */
  reportSeconds: number;
  /** Every case the run opened, with how far its journey went. */
  cases: { ref: string; caseId: string; track: string; steps: number }[];
  truth: Record<string, Count>;
}

export const RATE_LIMIT_ADVICE =
  'Sira answered 429 Too Many Requests: the simulation is throttled by the API rate limit. Start Sira for a simulation with ' +
  'RATE_LIMIT_API_PER_MINUTE=1000000 RATE_LIMIT_LIAISON_PER_MINUTE=1000000 (the defaults, 600 per token and 30 per address a minute, are for people).';

const RUN_TAG = /^[A-Za-z0-9.-]{1,24}$/;

/** Requests the plan makes: registrations, steps, the embassies' answers, charters, vendors, counts, the two bulk holds. */
function requestsPlanned(plan: ProgrammePlan): number {
  const journeys = allJourneys(plan);
  const steps = journeys.reduce(
    (n, j) =>
      n +
      j.steps.length +
      j.steps.reduce((a, s) => a + (s.kind === 'travelDocument' ? s.answers.length : 0), 0),
    0,
  );
  const registrations = plan.registrations.length;
  const charters = plan.charters.reduce((n, c) => n + 4 + c.passengers.length + c.noShows.length, 0);
  return steps + registrations + charters + plan.flowObservations.length + plan.vendors.length + 2;
}

async function waitForSira(http: SiraHttp, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`${http.baseUrl}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return;
    if (Date.now() > until)
      throw new Error(`Sira is not ready at ${http.baseUrl} (GET /ready): start it first (npm start)`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function programmeReport(
  ctx: SimulationContext,
  period: { from: string; to: string },
): Promise<ReportFigures> {
  const token = await ctx.actors.token({ role: 'manager' });
  const answer = await ctx.http.request(
    'GET',
    `/v1/reports/programme?from=${period.from}&to=${period.to}&format=json&lang=en`,
    { token },
  );
  if (answer.status !== 200)
    throw new Error(
      `GET /v1/reports/programme answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`,
    );
  return answer.body as ReportFigures;
}

/**
 * Plays a synthetic programme through Sira's HTTP API, the way its people use it, then reads the
 * programme report and compares each figure with what the simulation itself did.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const programme = loadProgramme(options.programmeFile);
  const runTag = options.runTag ?? `s${options.seed}-${Date.now().toString(36)}`;
  if (!RUN_TAG.test(runTag))
    throw new Error(`the run tag "${runTag}" must be 1–24 letters, digits, dots or dashes`);
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const plan = planProgramme(programme, options.scale, options.seed);
  const stats = new RunStats();
  let warned = false;
  const display: { bar?: ProgressBar } = {};
  const http = new SiraHttp(options.url.replace(/\/$/, ''), stats, () => {
    if (warned) return;
    warned = true;
    if (display.bar) display.bar.note(RATE_LIMIT_ADVICE);
    else log(RATE_LIMIT_ADVICE);
  });
  const ctx: SimulationContext = {
    http,
    actors: new Actors(options.secret),
    stats,
    ledger: new Ledger(),
    mailbox: new LiaisonMailbox(options.mailDir),
    programme,
    runTag,
    vendorIds: [],
  };
  await waitForSira(http);
  const before = await programmeReport(ctx, programme.period);
  // A point's count for a day replaces the one recorded before: counts already in the period stay as they are.
  const flowRecorded = (before.figures['flowMonitoring.observed']?.value ?? 0) > 0;
  if (flowRecorded)
    log(
      'The stack already holds flow-monitoring counts for the period: the simulation leaves them alone and records none.',
    );
  if (flowRecorded) plan.flowObservations.length = 0;

  const journeys = allJourneys(plan);
  stats.journeysTotal = journeys.length;
  const progress = new ProgressBar(stats, requestsPlanned(plan), process.stderr, options.progress ?? true);
  display.bar = progress;
  progress.start();
  const started = Date.now();

  ctx.vendorIds = await listVendors(ctx, plan.vendors);
  const runners = new Map(journeys.map((j) => [j.ref, new JourneyRunner(ctx, j)]));
  const pool = new Pool(Math.max(1, options.concurrency));
  const flown = new Set<string>();

  /** Plays the programme up to `until`: charters landing before it, then every journey's steps dated before it. */
  const playUntil = async (until: number) => {
    for (const charter of plan.charters) {
      if (flown.has(charter.ref) || charter.arrivedAt >= until) continue;
      flown.add(charter.ref);
      pool.add(async () => {
        const landed = await flyCharter(ctx, charter);
        for (const j of charter.passengers) {
          const runner = runners.get(j.ref)!;
          if (landed && runner.caseId) pool.add(() => runner.run(until));
          else runner.abandon();
        }
      });
    }
    const waiting = [...runners.values()]
      .filter((r) => !r.finished && (r.caseId || !r.journey.arrival.charter))
      .sort((a, b) => a.journey.arrival.at - b.journey.arrival.at);
    for (const runner of waiting) pool.add(() => runner.run(until));
    const counts = plan.flowObservations.filter(
      (o) => Date.parse(`${o.date}T00:00:00Z`) < until && !ctx.ledger.flowObservations.includes(o),
    );
    for (let i = 0; i < counts.length; i += 25)
      pool.add(() => recordFlowObservations(ctx, counts.slice(i, i + 25)));
    await pool.drain();
  };

  progress.setPhase(`to ${programme.bulkHold.suspendedOn}`);
  await playUntil(plan.holdAt);

  const held = journeys
    .filter((j) => j.heldInBulk && runners.get(j.ref)!.caseId)
    .map((j) => runners.get(j.ref)!.caseId!);
  progress.setPhase(`bulk suspension of ${held.length} cases`);
  const bulkSuspension = await bulkHold(ctx, held, true, programme.bulkHold.reason, `${programme.bulkHold.suspendedOn}T09:00:00Z`);
  if (bulkSuspension)
    progress.note(
      `bulk suspension: ${bulkSuspension.cases} cases held in ${bulkSuspension.settledSeconds.toFixed(1)} s (answered in ${bulkSuspension.answeredSeconds.toFixed(1)} s)`,
    );

  progress.setPhase(`to ${programme.period.to}`);
  await playUntil(Infinity);

  progress.setPhase(`bulk resumption of ${held.length} cases`);
  const bulkResumption = await bulkHold(ctx, held, false, programme.bulkHold.resumeReason, `${programme.bulkHold.resumedOn}T09:00:00Z`);
  if (bulkResumption)
    progress.note(
      `bulk resumption: ${bulkResumption.cases} cases released in ${bulkResumption.settledSeconds.toFixed(1)} s`,
    );
  const wallSeconds = (Date.now() - started) / 1000;
  progress.stop();

  const reportStart = Date.now();
  const after = await programmeReport(ctx, programme.period);
  const reportSeconds = (Date.now() - reportStart) / 1000;
  const truth = groundTruth(programme, ctx.ledger);
  const rows = compareWithReport(programme, options.scale, truth, after, before);
  return {
    runTag,
    scale: options.scale,
    seed: options.seed,
    wallSeconds,
    stepsTaken: stats.stepsTaken,
    stepsPerSecond: stats.stepsTaken / wallSeconds,
    stats,
    rows,
    matched: rows.every((r) => r.verdict !== 'differs'),
    table: renderComparison(rows, options.scale),
    bulkSuspension,
    bulkResumption,
    reportSeconds,
    cases: [...ctx.ledger.opened.values()].map(({ journey, caseId }) => ({
      ref: journey.ref,
      caseId,
      track: journey.track,
      steps: ctx.ledger.steps.get(journey.ref)?.length ?? 0,
    })),
    truth,
  };
}
