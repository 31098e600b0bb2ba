import type { SimulationResult } from '../simulate';
import type { BenchFigure } from './bench-figures';
import type { HistoryLengths } from './history-length';
import type { Latency } from './latency';

const MiB = 1024 * 1024;

/** Wall time and rate of the simulation itself. */
export function simulationFigures(r: SimulationResult): BenchFigure[] {
  return [
    {
      key: 'simulation.wallTime',
      value: r.wallSeconds,
      unit: 's',
      meaning: `the whole programme at scale ${r.scale} (seed ${r.seed}), first request to last`,
    },
    {
      key: 'simulation.stepsPerSecond',
      value: r.stepsPerSecond,
      unit: 'steps/s',
      meaning: `${r.stepsTaken} requests taken (registrations, steps, liaison answers, flights) over the wall time`,
    },
    {
      key: 'simulation.errors',
      value: r.stats.errors,
      unit: 'steps',
      meaning: 'steps refused (409/422) or unavailable after every retry',
    },
  ];
}

/** History events per journey, from a sample of the run's case workflows. */
export function historyFigures(h: HistoryLengths): BenchFigure[] {
  return [
    {
      key: 'history.eventsPerJourney.median',
      value: h.median,
      unit: 'events',
      meaning: `median historyLength of ${h.sampled} case workflows sampled across the run (min ${h.min}, max ${h.max})`,
    },
    ...Object.entries(h.byTrack).map(([track, mean]) => ({
      key: `history.eventsPerJourney.${track}`,
      value: mean,
      unit: 'events' as const,
      meaning: `mean historyLength of the sampled ${track} cases`,
    })),
  ];
}

/** The worker's memory (the dev-stack process: API and worker) while the run's cases were open. */
export function memoryFigures(
  rss: { first: number; peak: number; last: number },
  openCases: number,
): BenchFigure[] {
  return [
    {
      key: 'worker.rssPeak',
      value: rss.peak / MiB,
      unit: 'MiB',
      meaning: `peak RSS of the API + worker process during the run (${openCases} cases opened; ${(rss.first / MiB).toFixed(0)} MiB when it began)`,
    },
    {
      key: 'worker.rssAfterRun',
      value: rss.last / MiB,
      unit: 'MiB',
      meaning: 'RSS of the same process when the run ended, every case of the run open or finished',
    },
  ];
}

export function reportFigures(l: Latency, cases: number): BenchFigure[] {
  return [
    {
      key: 'report.latency.first',
      value: l.first,
      unit: 's',
      meaning: `GET /v1/reports/programme over the whole period, first call, with ${cases} cases`,
    },
    {
      key: 'report.latency.median',
      value: l.median,
      unit: 's',
      meaning: `median of the next ${l.runs - 1} calls (slowest ${l.max.toFixed(3)} s)`,
    },
  ];
}

export function overdueQueryFigures(q: { count: Latency; list: Latency; overdue: number }): BenchFigure[] {
  return [
    {
      key: 'visibility.overdue.count',
      value: q.count.median,
      unit: 's',
      meaning: `median of ${q.count.runs} counts of CaseOverdue = true (${q.overdue} cases found)`,
    },
    {
      key: 'visibility.overdue.list',
      value: q.list.median,
      unit: 's',
      meaning: `median of ${q.list.runs} full listings of the same query`,
    },
  ];
}

/** The January 2019 hold: from the POST until every targeted case reads as suspended, and the release. */
export function bulkHoldFigures(r: SimulationResult): BenchFigure[] {
  const figures: BenchFigure[] = [];
  if (r.bulkSuspension) {
    figures.push({
      key: 'bulkSuspension.cases',
      value: r.bulkSuspension.cases,
      unit: 'cases',
      meaning: 'pending cases held at once (POST /v1/cases/suspensions)',
    });
    figures.push({
      key: 'bulkSuspension.answered',
      value: r.bulkSuspension.answeredSeconds,
      unit: 's',
      meaning: 'from the POST until its 202',
    });
    figures.push({
      key: 'bulkSuspension.settled',
      value: r.bulkSuspension.settledSeconds,
      unit: 's',
      meaning: 'from the POST until every targeted case lists as suspended',
    });
  }
  if (r.bulkResumption)
    figures.push({
      key: 'bulkResumption.settled',
      value: r.bulkResumption.settledSeconds,
      unit: 's',
      meaning: 'from the DELETE until none of them lists as suspended',
    });
  return figures;
}

/**
 * The simulation's rate next to the engine's floor on the same server: bare workflows taking Updates
 * through the Temporal client alone, as many at once (no HTTP, no Postgres, no activity or timer).
 */
export function floorFigures(r: SimulationResult, floorUpdatesPerSecond: number): BenchFigure[] {
  return [
    {
      key: 'engine.floorUpdatesPerSecond',
      value: floorUpdatesPerSecond,
      unit: 'steps/s',
      meaning: 'bare workflows on the same Temporal server, same concurrency: Updates with no work (the limit)',
    },
    {
      key: 'simulation.shareOfFloor',
      value: r.stepsPerSecond / floorUpdatesPerSecond,
      unit: 'ratio',
      meaning: 'simulation steps/s (through the HTTP API, Postgres and the workflows) over the floor',
    },
  ];
}
