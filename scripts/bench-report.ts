import { rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb, type Db } from '../db';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { buildProgrammeReport } from '../platform/programme-report';
import { freePort } from '../tests/support/free-port';
import { freshDatabase } from '../tests/support/stack';

/**
 * `npm run bench:report`: the programme report over a programme the size of the seed's (15,712
 * returns: 11,505 Malians, 4,207 non-Malians, 17 May 2017 – 31 March 2019), timed as the median of
 * several runs. The programme is SYNTHETIC: rows bulk-inserted with `insert … select generate_series`,
 * shaped like the records the case steps write (events with business dates, plans, approvals, tranches,
 * visits, travel-document requests, charters), not journeys run through the workflows (that is the
 * simulation of issue 13). Postgres: a fresh database on DATABASE_URL's server, or an embedded one.
 */

const MALIANS = 11_505;
const NON_MALIANS = 4_207;
const CASES = MALIANS + NON_MALIANS;
const RUNS = 7;
const TARGET_MS = 1_000;
const FROM = '2017-05-17';
const TO = '2019-03-31';

/** One statement per table; `i` numbers the cases, and every "random" choice is a function of it. */
const SEED = [
  `create temp table synthetic as
   select i,
          ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid as case_id,
          i <= ${MALIANS} as malian,
          timestamptz '${FROM}T08:00:00Z' + ((i * 7919) % 680) * interval '1 day' as arrived_at,
          (array['BKO-MMEIA','BKO-AJDM','BKO-ENDA','BKO-KANUYA','BKO-VER','BKO-ARACEM','GAO-PC','GAO-DIREYBEN','GAO-MDM','KAY-TRANSIT','GAO-TRANSIT'])[1 + (i * 31) % 11] as centre,
          case when (i * 13) % 100 < 12 then 'F' else 'M' end as sex
   from generate_series(1, ${CASES}) as i`,
  `insert into cases (case_id, workflow_id, track, stage, seq, centre_code, officer, nationality, minor, family_name, given_name,
                      sex, date_of_birth, arrival_mode, arrived_at, from_country, residence_region, consent_at, created_at, updated_at, second_return,
                      closure_reason, closed_at)
   select case_id, 'case:' || case_id, case when malian then 'reintegration' else 'onward_return' end,
          case when not malian and i % 10 < 8 then 'completed' when malian and i % 100 < 6 then 'completed' when malian and i % 100 >= 97 then 'closed' else 'counselling' end,
          9, centre, 'officer-' || (i % 40),
          case when malian then 'MLI' else (array['GHA','TGO','GIN','CIV','COG','NGA','NER'])[1 + i % 7] end,
          not malian and i % 50 = 0, 'Synthetic', 'Person ' || i, sex,
          (arrived_at - (case when i % 211 = 0 then 16 else 19 + i % 30 end) * interval '1 year')::date,
          case when i % 3 = 0 then 'charter' else 'commercial' end, arrived_at, 'LBY',
          (array['Bamako','Koulikoro','Mopti','Ségou','Sikasso','Kayes','Gao','Tombouctou'])[1 + i % 8],
          arrived_at, arrived_at, arrived_at, i % 97 = 0,
          case when not malian and i % 10 < 8 then 'completed' when malian and i % 100 < 6 then 'completed' when malian and i % 100 >= 97 then 'withdrew' end,
          case when malian and i % 100 >= 97 then arrived_at + interval '40 days' end
   from synthetic`,
  // Every case: registered at its arrival and received the next day (some with medical care, some with first aid).
  `insert into case_events (case_id, seq, kind, actor_sub, actor_role, at, occurred_at, stage_after, detail)
   select case_id, 0, 'registered', 'officer', 'case_officer', arrived_at, arrived_at, 'registered', '{}'::jsonb from synthetic
   union all
   select case_id, 1, 'recordReception', 'officer', 'case_officer', arrived_at + interval '1 day', arrived_at + interval '1 day', 'received',
          jsonb_build_object('centreCode', centre, 'medical', jsonb_build_object('provided', i % 10 = 0), 'psychologicalFirstAid', i % 43 = 0)
   from synthetic`,
  // Counselling for 72% of Malians and every non-Malian; eligibility for 43% of Malians (a few through a supervisor's approval).
  `insert into case_events (case_id, seq, kind, actor_sub, actor_role, at, occurred_at, stage_after, detail)
   select case_id, 2, 'recordCounsellingSession', 'officer', 'case_officer', now(), arrived_at + interval '5 days', 'counselling', '{}'::jsonb
   from synthetic where not malian or i % 100 < 72
   union all
   select case_id, 3, 'decideEligibility', 'officer', 'case_officer', now(), arrived_at + interval '10 days',
          case when i % 100 between 40 and 42 then 'eligibility' else 'planning' end, '{"decision":"eligible"}'::jsonb
   from synthetic where malian and i % 100 < 43
   union all
   select case_id, 4, 'recordApproval', 'supervisor', 'supervisor', now(), arrived_at + interval '12 days', 'planning',
          '{"subject":"eligibility","decision":"approved"}'::jsonb
   from synthetic where malian and i % 100 between 40 and 42
   union all
   select case_id, 5, 'submitPlan', 'officer', 'case_officer', now(), arrived_at + interval '20 days', 'planning', '{}'::jsonb
   from synthetic where malian and i % 100 < 25
   union all
   select case_id, 6, 'recordApproval', 'supervisor', 'supervisor', now(), arrived_at + (20 + i % 30) * interval '1 day', 'disbursing',
          '{"subject":"plan","decision":"approved"}'::jsonb
   from synthetic where malian and i % 100 < 25
   union all
   select case_id, 7, 'recordTranchePayment', 'finance', 'case_officer', now(), arrived_at + interval '60 days', 'monitoring', '{}'::jsonb
   from synthetic where malian and i % 100 < 20
   union all
   select case_id, 8, 'recordMonitoringVisit', 'officer', 'case_officer', now(), arrived_at + interval '150 days',
          case when i % 100 < 6 then 'completed' else 'monitoring' end, '{}'::jsonb
   from synthetic where malian and i % 100 < 12
   union all
   select case_id, 9, 'requestClosure', 'supervisor', 'supervisor', now(), arrived_at + interval '40 days', 'closed', '{"reason":"withdrew"}'::jsonb
   from synthetic where malian and i % 100 >= 97
   union all
   select case_id, 3, 'recordDeparture', 'officer', 'case_officer', now(), arrived_at + interval '30 days', 'completed', '{}'::jsonb
   from synthetic where not malian and i % 10 < 8`,
  `insert into projects (project_id, type, sector, created_at)
   select 'PRJ-' || g, case when g % 2 = 0 then 'collective' else 'community' end, 'agriculture', timestamptz '${FROM}' from generate_series(0, 199) g`,
  `insert into plans (case_id, version, type, project_id, sector, budget_xof, dimensions, status, submitted_by, submitted_at, decided_by, decided_at)
   select case_id, 1, case when i % 5 < 2 then 'collective' else 'individual' end, case when i % 5 < 2 then 'PRJ-' || (i % 200) end,
          'agriculture', 1000000, '["economic"]'::jsonb, 'approved', 'officer', now(), 'supervisor', now()
   from synthetic where malian and i % 100 < 25`,
  `insert into approvals (case_id, seq, subject, decision, decided_by, decided_at)
   select case_id, 6, 'plan', 'approved', 'supervisor', now() from synthetic where malian and i % 100 < 25`,
  `insert into tranches (case_id, n, amount_xof, vendor, items, status, requested_by, requested_at, paid_at)
   select case_id, 1, 600000 + (i % 5) * 100000, 'Vendor', '[]'::jsonb, 'paid', 'officer', now(), arrived_at + interval '60 days'
   from synthetic where malian and i % 100 < 20`,
  `insert into monitoring_visits (case_id, n, visited_at, economic, social, psychosocial, composite, sustainable, recorded_by)
   select case_id, 1, arrived_at + interval '150 days', 0.7, 0.7, 0.6, 0.67, i % 3 > 0, 'officer' from synthetic where malian and i % 100 < 12`,
  `insert into travel_documents (request_id, workflow_id, case_id, country, centre_code, document_type, planned_departure, status,
                                 requested_by, requested_at, answered_at, updated_at)
   select case_id, 'traveldoc:' || case_id, case_id, 'GIN', centre, 'laissez_passer', '2019-01-01',
          case when i % 10 < 8 then 'issued' else 'refused' end, 'officer', arrived_at + interval '6 days',
          arrived_at + (6 + i % 20) * interval '1 day', now()
   from synthetic where not malian`,
  `insert into travel_document_events (request_id, seq, kind, at, status_after, detail)
   select case_id, 0, 'requested', arrived_at + interval '6 days', 'requested', '{}'::jsonb from synthetic where not malian
   union all
   select case_id, 1, case when i % 10 < 8 then 'answered_issued' else 'answered_refused' end, arrived_at + (6 + i % 20) * interval '1 day',
          case when i % 10 < 8 then 'issued' else 'refused' end, '{}'::jsonb
   from synthetic where not malian`,
  `insert into flights (flight_id, workflow_id, flight_number, origin, destination, scheduled_departure, capacity, status, arrived_at,
                        centre_code, created_by, created_at, updated_at)
   select ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, 'flight:' || g, 'TIP-' || g, 'MJI', 'BKO',
          timestamptz '${FROM}T06:00:00Z' + g * interval '21 days', 160, 'closed', timestamptz '${FROM}T12:00:00Z' + g * interval '21 days',
          'BKO-MMEIA', 'movement', now(), now()
   from generate_series(1, 31) g`,
];

async function adminDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const dir = path.resolve(__dirname, '..', '.data', `bench-report-${process.pid}`);
  const pg = await startEmbeddedPostgres(dir, await freePort());
  return {
    url: pg.url,
    async stop() {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function seed(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    for (const statement of SEED) await trx.raw(statement);
  });
  await db.raw('analyze');
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const admin = await adminDatabase();
  const database = await freshDatabase(admin.url);
  const db = createDb(database.url);
  try {
    const seeding = performance.now();
    await seed(db);
    console.log(`synthetic programme of ${CASES.toLocaleString('en')} cases inserted in ${Math.round(performance.now() - seeding)} ms`);
    const times: number[] = [];
    let report;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      report = await buildProgrammeReport(db, { from: FROM, to: TO, lang: 'en' });
      times.push(performance.now() - started);
    }
    for (const [key, f] of Object.entries(report!.figures)) {
      const split = [f.women !== undefined && `women ${f.women}`, f.girls !== undefined && `girls ${f.girls}`, f.boys !== undefined && `boys ${f.boys}`].filter(Boolean);
      console.log(`  ${key.padEnd(46)} ${String(f.value ?? '—').padStart(12)}${split.length ? `  (${split.join(', ')})` : ''}`);
    }
    const ms = Math.round(median(times));
    console.log(`report over ${CASES.toLocaleString('en')} cases: ${ms} ms (median of ${RUNS}; runs ${times.map(Math.round).join(', ')} ms), target < ${TARGET_MS} ms`);
    if (ms >= TARGET_MS) process.exitCode = 1;
  } finally {
    await db.destroy();
    await database.drop();
    await admin.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
