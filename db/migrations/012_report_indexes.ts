import type { Knex } from 'knex';

/**
 * The programme report (db/queries/report.ts) counts by business dates over the whole programme:
 * these indexes let each figure read its period's rows instead of whole tables (EXPLAIN ANALYZE in
 * scripts/bench-report.ts's programme). Counselling, receptions, departures and approvals already
 * use `case_events (kind, occurred_at)`.
 */
const INDEXES: [name: string, definition: string][] = [
  ['cases_arrived_at', 'cases (arrived_at, centre_code)'],
  // The steps that make eligibility effective (an eligible decision or its approval moving the case to planning).
  [
    'case_events_eligibility_effective',
    "case_events (case_id, occurred_at) where stage_after = 'planning' and kind in ('decideEligibility', 'recordApproval')",
  ],
  // The step that completed a case (the last visit or payment, or an onward return's departure).
  ['case_events_completed_at', "case_events (occurred_at) where stage_after = 'completed'"],
  ['tranches_paid_at', "tranches (paid_at) where status = 'paid'"],
  ['monitoring_visits_visited_at', 'monitoring_visits (visited_at)'],
  ['travel_documents_requested_at', 'travel_documents (requested_at)'],
  ['flights_arrived_at', 'flights (arrived_at) where arrived_at is not null'],
];

export async function up(db: Knex): Promise<void> {
  for (const [name, definition] of INDEXES) await db.raw(`create index ${name} on ${definition}`);
}

export async function down(db: Knex): Promise<void> {
  for (const [name] of INDEXES) await db.raw(`drop index if exists ${name}`);
}
