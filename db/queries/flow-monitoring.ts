import type { Db } from '../index';
import { page, type PageRequest } from './page';
import { iso } from './rows';

type Row = Record<string, unknown>;

/** One day's count at one flow-monitoring point: ISO alpha-3 nationalities to numbers of migrants. */
export interface FlowObservation {
  point: string;
  date: string;
  counts: Record<string, number>;
  total: number;
  recordedBy: string;
  recordedAt: string;
}

export interface FlowObservationFilter extends PageRequest {
  from?: string;
  to?: string;
  point?: string;
}

function observationFromRow(row: Row): FlowObservation {
  return {
    point: row.point as string,
    date: row.observed_on as string,
    counts: row.counts as Record<string, number>,
    total: row.total as number,
    recordedBy: row.recorded_by as string,
    recordedAt: iso(row.recorded_at)!,
  };
}

/**
 * Records a point's count for a day. The same counts again (a retry) change nothing, not even who
 * recorded them or when; other counts for the same point and day replace the earlier ones (a
 * correction) and are recorded as the caller's. Tells whether the row was created.
 */
export async function recordFlowObservation(
  db: Db,
  observation: { point: string; date: string; counts: Record<string, number>; recordedBy: string },
): Promise<{ observation: FlowObservation; created: boolean }> {
  const total = Object.values(observation.counts).reduce((sum, n) => sum + n, 0);
  const written: Row[] = await db('flow_monitoring_observations')
    .insert({
      point: observation.point,
      observed_on: observation.date,
      counts: JSON.stringify(observation.counts),
      total,
      recorded_by: observation.recordedBy,
    })
    .onConflict(['point', 'observed_on'])
    .merge({ counts: db.raw('excluded.counts'), total: db.raw('excluded.total'), recorded_by: db.raw('excluded.recorded_by'), recorded_at: db.fn.now() })
    .where(db.raw('flow_monitoring_observations.counts is distinct from excluded.counts'))
    // xmax is 0 on a row this statement inserted, and set on one it updated.
    .returning(['*', db.raw('(xmax = 0) as created')]);
  if (written.length > 0) return { observation: observationFromRow(written[0]), created: Boolean(written[0].created) };
  const unchanged = await db('flow_monitoring_observations').where({ point: observation.point, observed_on: observation.date }).first();
  return { observation: observationFromRow(unchanged), created: false };
}

/** Observations by day, then point, within the filter. */
export async function listFlowObservations(db: Db, filter: FlowObservationFilter): Promise<{ items: FlowObservation[]; total: number }> {
  const filtered = db('flow_monitoring_observations').modify((q) => {
    if (filter.from) q.where('observed_on', '>=', filter.from);
    if (filter.to) q.where('observed_on', '<=', filter.to);
    if (filter.point) q.where('point', filter.point);
  });
  const { rows, total } = await page<Row>(filtered, filter, (q) => q.select('*').orderBy([{ column: 'observed_on' }, { column: 'point' }]));
  return { items: rows.map(observationFromRow), total };
}

export interface FlowMonitoringFigures {
  /** Migrants counted at every point on the days of the period (a person seen at two points counts twice). */
  observed: number;
  /** The most counted nationalities, largest first; `share` is of `observed`, from 0 to 1. */
  topNationalities: { nationality: string; count: number; share: number }[];
}

/** The flow-monitoring figures of a period `[from, to]`, both days included. */
export async function flowMonitoringFigures(db: Db, period: { from: string; to: string }, top = 5): Promise<FlowMonitoringFigures> {
  const inPeriod = () => db('flow_monitoring_observations').whereBetween('observed_on', [period.from, period.to]);
  const [{ observed }] = await inPeriod().select(db.raw('coalesce(sum(total), 0)::bigint as observed'));
  const rows: { nationality: string; count: number }[] = await inPeriod()
    .crossJoin(db.raw('jsonb_each_text(counts) as c(nationality, n)'))
    .groupBy('c.nationality')
    .select('c.nationality as nationality', db.raw('sum(c.n::bigint)::bigint as count'))
    .havingRaw('sum(c.n::bigint) > 0')
    .orderBy([{ column: 'count', order: 'desc' }, { column: 'nationality' }])
    .limit(top);
  return {
    observed: Number(observed),
    topNationalities: rows.map((r) => ({ nationality: r.nationality, count: Number(r.count), share: observed > 0 ? Number(r.count) / Number(observed) : 0 })),
  };
}
