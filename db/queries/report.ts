import type { Knex } from 'knex';
import type { BreakdownKey, BreakdownRow, Count, FigureKey } from '../../domain/report';

/**
 * The programme report's counts (domain/report.ts defines each figure), one function per group of
 * figures, every one over business dates: `cases.arrived_at`, `case_events.occurred_at`,
 * `tranches.paid_at`, `monitoring_visits.visited_at`, `travel_documents.requested_at` and the embassy's
 * answer, `flights.arrived_at`. Counts only: no row that names a person leaves these functions.
 */
export interface ReportScope {
  /** The period as the half-open range [start, end) of instants (domain/report.ts periodBounds). */
  start: string;
  end: string;
  /** The centres counted; null for all. */
  centres: string[] | null;
}

type Figures = Partial<Record<FigureKey, Count>>;

const HOST_NATIONALITY = 'MLI';
// `cast(… as text[])` rather than `::text[]`, which knex would read as a named identifier binding.
const IN_SCOPE = (column: string) => `(cast(:centres as text[]) is null or ${column} = any(cast(:centres as text[])))`;
const IN_PERIOD = (column: string) => `(${column} >= :start and ${column} < :end)`;

const bindings = (s: ReportScope) => ({ start: s.start, end: s.end, centres: s.centres, host: HOST_NATIONALITY });

async function one(db: Knex, sql: string, scope: ReportScope): Promise<Record<string, number | null>> {
  const { rows } = await db.raw(sql, bindings(scope));
  return rows[0];
}

const n = (value: unknown) => Number(value ?? 0);

/** Arrivals of the period: Malian returns, second returns and minors. */
export async function arrivalFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `with arrived as (
       select c.track, c.nationality, c.sex, c.minor, c.second_return,
              -- An erased case keeps its age at arrival in place of the date of birth.
              coalesce(c.age_at_arrival, extract(year from age((c.arrived_at at time zone 'UTC')::date, c.date_of_birth))) < 18 as under_18
       from cases c
       where ${IN_PERIOD('c.arrived_at')} and ${IN_SCOPE('c.centre_code')})
     select
       count(*) filter (where track = 'reintegration') as malians,
       count(*) filter (where track = 'reintegration' and sex = 'F') as malian_women,
       count(*) filter (where second_return) as second,
       count(*) filter (where second_return and sex = 'F') as second_women,
       count(*) filter (where nationality = :host and under_18 and sex = 'F') as malian_girls,
       count(*) filter (where nationality = :host and under_18 and sex <> 'F') as malian_boys,
       count(*) filter (where nationality <> :host and minor and sex = 'F') as uasc_girls,
       count(*) filter (where nationality <> :host and minor and sex <> 'F') as uasc_boys
     from arrived`,
    scope,
  );
  return {
    'returns.malians': { value: n(r.malians), women: n(r.malian_women) },
    'returns.second': { value: n(r.second), women: n(r.second_women) },
    'minors.malian': { value: n(r.malian_girls) + n(r.malian_boys), girls: n(r.malian_girls), boys: n(r.malian_boys) },
    'minors.nonMalianUnaccompanied': { value: n(r.uasc_girls) + n(r.uasc_boys), girls: n(r.uasc_girls), boys: n(r.uasc_boys) },
  };
}

/** Departures home of onward-return cases: the business date of their `recordDeparture` step. */
export async function departureFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `select count(distinct c.case_id) as departed, count(distinct c.case_id) filter (where c.sex = 'F') as women
     from case_events e join cases c on c.case_id = e.case_id
     where e.kind = 'recordDeparture' and ${IN_PERIOD('e.occurred_at')}
       and c.track = 'onward_return' and ${IN_SCOPE('c.centre_code')}`,
    scope,
  );
  return { 'returns.nonMalians': { value: n(r.departed), women: n(r.women) } };
}

/** Charters landed in the period, counted for the centre they brought their passengers to. */
export async function charterFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `select count(*) as arrived from flights f where ${IN_PERIOD('f.arrived_at')} and ${IN_SCOPE('f.centre_code')}`,
    scope,
  );
  return { 'charters.arrived': { value: n(r.arrived) } };
}

/** What the reception recorded (`recordReception` detail), by the reception's business date. */
export async function receptionFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `with received as (
       select distinct on (c.case_id) c.nationality, c.sex,
              coalesce((e.detail #>> '{medical,provided}')::boolean, false) as medical,
              coalesce((e.detail ->> 'psychologicalFirstAid')::boolean, false) as first_aid
       from case_events e join cases c on c.case_id = e.case_id
       where e.kind = 'recordReception' and ${IN_PERIOD('e.occurred_at')} and ${IN_SCOPE('c.centre_code')}
       order by c.case_id, e.seq)
     select
       count(*) filter (where medical and nationality = :host) as medical_malian,
       count(*) filter (where medical and nationality = :host and sex = 'F') as medical_malian_women,
       count(*) filter (where medical and nationality <> :host) as medical_other,
       count(*) filter (where medical and nationality <> :host and sex = 'F') as medical_other_women,
       count(*) filter (where first_aid) as first_aid,
       count(*) filter (where first_aid and sex = 'F') as first_aid_women
     from received`,
    scope,
  );
  return {
    'medical.malian': { value: n(r.medical_malian), women: n(r.medical_malian_women) },
    'medical.nonMalian': { value: n(r.medical_other), women: n(r.medical_other_women) },
    psychologicalFirstAid: { value: n(r.first_aid), women: n(r.first_aid_women) },
  };
}

export async function counsellingFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `select count(distinct c.case_id) as attended, count(distinct c.case_id) filter (where c.sex = 'F') as women
     from case_events e join cases c on c.case_id = e.case_id
     where e.kind = 'recordCounsellingSession' and ${IN_PERIOD('e.occurred_at')} and ${IN_SCOPE('c.centre_code')}`,
    scope,
  );
  return { 'counselling.attended': { value: n(r.attended), women: n(r.women) } };
}

/**
 * Reintegration started in the period and where each such case stood at its end. Eligibility takes
 * effect on the step that moved the case to planning: an `eligible` decision that needed no review,
 * or the supervisor's approval of one that did. A case's stage at the end of the period is the stage
 * after its last step dated before the end (business dates never go back within a case).
 */
export async function reintegrationFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `with effective as (
       select e.case_id, min(e.occurred_at) as started_at
       from case_events e
       where e.stage_after = 'planning'
         and ((e.kind = 'decideEligibility' and e.detail ->> 'decision' = 'eligible')
           or (e.kind = 'recordApproval' and e.detail ->> 'subject' = 'eligibility' and e.detail ->> 'decision' = 'approved'))
       group by e.case_id),
     -- Materialised: each case's stage and plan at the end are looked up once, not once per count below.
     started as materialized (
       select c.case_id, c.sex,
              (select e.stage_after from case_events e
               where e.case_id = c.case_id and e.occurred_at < :end order by e.seq desc limit 1) as stage_at_end,
              (select p.type from case_events e join plans p on p.case_id = e.case_id and p.status = 'approved'
               where e.case_id = c.case_id and e.kind = 'recordApproval' and e.stage_after = 'disbursing'
                 and e.detail ->> 'subject' = 'plan' and e.detail ->> 'decision' = 'approved' and e.occurred_at < :end
               limit 1) as approved_plan
       from effective f join cases c on c.case_id = f.case_id
       where ${IN_PERIOD('f.started_at')} and ${IN_SCOPE('c.centre_code')})
     select
       count(*) as started,
       count(*) filter (where sex = 'F') as started_women,
       count(*) filter (where stage_at_end <> 'closed' and approved_plan is null) as preparing,
       count(*) filter (where stage_at_end <> 'closed' and approved_plan is null and sex = 'F') as preparing_women,
       count(*) filter (where stage_at_end <> 'closed' and approved_plan in ('collective', 'community')) as collective,
       count(*) filter (where stage_at_end <> 'closed' and approved_plan in ('collective', 'community') and sex = 'F') as collective_women,
       count(*) filter (where stage_at_end <> 'closed' and approved_plan = 'individual') as individual,
       count(*) filter (where stage_at_end <> 'closed' and approved_plan = 'individual' and sex = 'F') as individual_women
     from started`,
    scope,
  );
  return {
    'reintegration.started': { value: n(r.started), women: n(r.started_women) },
    'reintegration.beingPrepared': { value: n(r.preparing), women: n(r.preparing_women) },
    'reintegration.collective': { value: n(r.collective), women: n(r.collective_women) },
    'reintegration.individual': { value: n(r.individual), women: n(r.individual_women) },
  };
}

/** Completion is the step (the last visit or payment) that took a reintegration case to `completed`. */
export async function completionFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `select count(distinct c.case_id) as completed, count(distinct c.case_id) filter (where c.sex = 'F') as women
     from case_events e join cases c on c.case_id = e.case_id
     where e.stage_after = 'completed' and ${IN_PERIOD('e.occurred_at')}
       and c.track = 'reintegration' and c.closure_reason = 'completed' and ${IN_SCOPE('c.centre_code')}`,
    scope,
  );
  return { 'reintegration.completed': { value: n(r.completed), women: n(r.women) } };
}

/** Time from arrival to an approved plan, for plans approved (business date) in the period. */
export async function planningFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `with approved as (
       select extract(epoch from (e.occurred_at - c.arrived_at)) / 86400 as days
       from case_events e join cases c on c.case_id = e.case_id
       where e.kind = 'recordApproval' and e.stage_after = 'disbursing'
         and e.detail ->> 'subject' = 'plan' and e.detail ->> 'decision' = 'approved'
         and ${IN_PERIOD('e.occurred_at')} and ${IN_SCOPE('c.centre_code')})
     select round((percentile_cont(0.5) within group (order by days))::numeric, 1) as median_days,
            round(100.0 * count(*) filter (where days <= 30) / nullif(count(*), 0)) as within_month
     from approved`,
    scope,
  );
  return {
    'planning.medianDaysFromArrivalToApprovedPlan': { value: r.median_days === null ? null : Number(r.median_days) },
    'planning.shareWithinOneMonth': { value: r.within_month === null ? null : Number(r.within_month) },
  };
}

export async function disbursementFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `select coalesce(sum(t.amount_xof), 0) as xof, count(*) as tranches, count(distinct t.case_id) as cases
     from tranches t join cases c on c.case_id = t.case_id
     where t.status = 'paid' and ${IN_PERIOD('t.paid_at')} and ${IN_SCOPE('c.centre_code')}`,
    scope,
  );
  return {
    'disbursed.xof': { value: n(r.xof) },
    'disbursed.tranches': { value: n(r.tranches) },
    'disbursed.cases': { value: n(r.cases) },
  };
}

/**
 * Requests to an embassy made in the period and what the embassy answered. A document the migrant
 * already held asked nothing of an embassy and is left out. The answer's date is when the liaison
 * answered (the link records it as it happens).
 */
export async function travelDocumentFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `with requests as (
       select t.request_id, t.requested_at from travel_documents t
       where ${IN_PERIOD('t.requested_at')} and ${IN_SCOPE('t.centre_code')}),
     answers as (
       select e.request_id,
              min(e.at) filter (where e.kind in ('answered_issued', 'answered_refused')) as decided_at,
              bool_or(e.kind = 'answered_issued') as issued,
              bool_or(e.kind = 'answered_refused') as refused,
              bool_or(e.kind = 'held_document_recorded') as held
       from travel_document_events e join requests r on r.request_id = e.request_id
       group by e.request_id)
     select count(*) as requested,
            count(*) filter (where a.issued) as issued,
            count(*) filter (where a.refused and not a.issued) as refused,
            round((percentile_cont(0.5) within group (order by extract(epoch from (a.decided_at - r.requested_at)) / 86400))::numeric, 1) as median_days
     from requests r left join answers a on a.request_id = r.request_id
     where not coalesce(a.held, false)`,
    scope,
  );
  return {
    'travelDocuments.requested': { value: n(r.requested) },
    'travelDocuments.issued': { value: n(r.issued) },
    'travelDocuments.refused': { value: n(r.refused) },
    'travelDocuments.medianDaysToAnswer': { value: r.median_days === null ? null : Number(r.median_days) },
  };
}

/** Monitoring visits of the period; sustainability is the last one's, scored against the configured threshold when recorded. */
export async function sustainabilityFigures(db: Knex, scope: ReportScope): Promise<Figures> {
  const r = await one(
    db,
    `with last_visit as (
       select distinct on (v.case_id) v.case_id, v.sustainable, c.sex
       from monitoring_visits v join cases c on c.case_id = v.case_id
       where ${IN_PERIOD('v.visited_at')} and ${IN_SCOPE('c.centre_code')}
       order by v.case_id, v.n desc)
     select count(*) as surveyed, count(*) filter (where sex = 'F') as surveyed_women,
            count(*) filter (where sustainable) as sustainable, count(*) filter (where sustainable and sex = 'F') as sustainable_women
     from last_visit`,
    scope,
  );
  return {
    'sustainability.surveyed': { value: n(r.surveyed), women: n(r.surveyed_women) },
    'sustainability.sustainable': { value: n(r.sustainable), women: n(r.sustainable_women) },
  };
}

/**
 * The period's returns, one row each with its business date and what it is broken down by: Malian
 * arrivals and non-Malian departures home, as `returns.malians` and `returns.nonMalians` count them.
 */
const RETURNS = `
  with returns as (
    select c.case_id, c.track, c.sex, c.centre_code, c.residence_region, c.nationality, c.arrived_at as returned_at
    from cases c
    where c.track = 'reintegration' and ${IN_PERIOD('c.arrived_at')} and ${IN_SCOPE('c.centre_code')}
    union all
    select c.case_id, c.track, c.sex, c.centre_code, c.residence_region, c.nationality, min(e.occurred_at)
    from case_events e join cases c on c.case_id = e.case_id
    where e.kind = 'recordDeparture' and ${IN_PERIOD('e.occurred_at')} and c.track = 'onward_return' and ${IN_SCOPE('c.centre_code')}
    group by c.case_id)`;

/** The breakdowns of returns (the flow-monitoring ones come from db/queries/flow-monitoring.ts). */
type ReturnBreakdownKey = Extract<BreakdownKey, `returns.${string}`>;

const GROUPINGS: Record<ReturnBreakdownKey, { label: string; where: string }> = {
  'returns.byMonth': { label: `to_char(returned_at at time zone 'UTC', 'YYYY-MM')`, where: 'true' },
  'returns.byCentre': { label: 'centre_code', where: 'true' },
  'returns.malians.byRegion': { label: `coalesce(residence_region, 'unknown')`, where: `track = 'reintegration'` },
  'returns.nonMalians.byNationality': { label: 'nationality', where: `track = 'onward_return'` },
};

/** The returns of the period broken down by month, centre, region of residence and nationality, in one pass. */
export async function returnBreakdowns(db: Knex, scope: ReportScope): Promise<Record<ReturnBreakdownKey, BreakdownRow[]>> {
  const keys = Object.keys(GROUPINGS) as ReturnBreakdownKey[];
  const selects = keys.map(
    (key, i) => `select ${i} as grouping, ${GROUPINGS[key].label} as label, count(*) as value, count(*) filter (where sex = 'F') as women
                 from returns where ${GROUPINGS[key].where} group by 2`,
  );
  const { rows } = await db.raw(`${RETURNS} ${selects.join(' union all ')} order by 1, 2`, bindings(scope));
  const out = Object.fromEntries(keys.map((key) => [key, [] as BreakdownRow[]])) as Record<ReturnBreakdownKey, BreakdownRow[]>;
  for (const row of rows as { grouping: number; label: string; value: unknown; women: unknown }[]) {
    out[keys[row.grouping]].push({ label: row.label, value: n(row.value), women: n(row.women) });
  }
  return out;
}
