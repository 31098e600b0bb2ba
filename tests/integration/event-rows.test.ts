import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '../../db';
import { recordRegistration } from '../../db/queries/case-registration';
import { insertEventOnce } from '../../db/queries/events';
import { newCaseState } from '../../domain/case-state';
import { registration } from '../support/fixtures';
import { freshDatabase } from '../support/stack';

/**
 * A step's event row is written once: run again (an activity's retry), it writes nothing; a row of
 * another kind at the same number (left by a workflow task that failed after its local activity)
 * is replaced, with every row recorded after it.
 */
let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;
let caseId: string;

beforeAll(async () => {
  database = await freshDatabase();
  db = createDb(database.url);
  caseId = randomUUID();
  const reg = registration(caseId, { biometricRef: `EVENT-ROWS-${caseId}` });
  const state = newCaseState({
    caseId,
    track: reg.track,
    centreCode: reg.centreCode,
    nationality: reg.person.nationality,
    minor: false,
    officer: reg.officer,
    arrivedAt: reg.arrival.arrivedAt,
  });
  await recordRegistration(db, reg, state);
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

const row = (seq: number, kind: string) => ({
  case_id: caseId,
  seq,
  kind,
  actor_sub: 'officer-1',
  actor_role: 'case_officer',
  at: '2026-01-02T00:00:00Z',
  occurred_at: '2026-01-02T00:00:00Z',
  stage_after: 'received',
  detail: JSON.stringify({ kind }),
});

const kinds = async () =>
  (await db('case_events').where({ case_id: caseId }).andWhere('seq', '>', 1).orderBy('seq')).map(
    (r) => `${r.seq}:${r.kind}`,
  );

test('a new step is written and says so', async () => {
  expect(await insertEventOnce(db, 'case_events', row(2, 'recordReception'))).toBe(true);
  expect(await insertEventOnce(db, 'case_events', row(3, 'recordCounsellingSession'))).toBe(true);
  expect(await kinds()).toEqual(['2:recordReception', '3:recordCounsellingSession']);
});

test('the same step again writes nothing and says so', async () => {
  expect(await insertEventOnce(db, 'case_events', row(3, 'recordCounsellingSession'))).toBe(false);
  expect(await kinds()).toEqual(['2:recordReception', '3:recordCounsellingSession']);
});

test('another step at a taken number replaces that row and the ones after it', async () => {
  expect(await insertEventOnce(db, 'case_events', row(4, 'decideEligibility'))).toBe(true);
  expect(await db.transaction((trx) => insertEventOnce(trx, 'case_events', row(3, 'suspend')))).toBe(true);
  expect(await kinds()).toEqual(['2:recordReception', '3:suspend']);
});
