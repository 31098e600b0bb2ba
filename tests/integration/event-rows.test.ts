import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '../../db';
import { recordRegistration } from '../../db/queries/case-registration';
import { recordCaseStep } from '../../db/queries/case-steps';
import { insertEventOnce } from '../../db/queries/events';
import { type CaseState, newCaseState } from '../../domain/case-state';
import type { CaseStep } from '../../domain/case-steps';
import { registration } from '../support/fixtures';
import { freshDatabase } from '../support/stack';
import { approve, counselling, drive, eligible, officer, plan, reception, registeredCase, supervisor } from '../unit/fixtures';

/**
 * A step's rows are written once: run again (an activity's retry), it writes nothing; a row of
 * another kind at the same number (left by a workflow task that failed after its local activity)
 * is replaced, with every row recorded after it and the projection it left.
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

describe('a case step: its event, the rows it keeps and the projection', () => {
  let id: string;
  let registered: CaseState;
  const at = '2026-01-03T10:00:00.000Z';
  const record = (state: CaseState, step: CaseStep, actor = officer) => recordCaseStep(db, { step, actor, state, at });
  const projection = () => db('cases').where({ case_id: id }).first('stage', 'seq', 'suspended');

  beforeAll(async () => {
    id = randomUUID();
    registered = { ...registeredCase(), caseId: id };
    await recordRegistration(db, registration(id, { biometricRef: `EVENT-ROWS-${id}` }), registered);
  });

  test('a new step writes its event, its rows and the projection', async () => {
    let state = registered;
    for (const s of [reception, counselling, eligible, plan(900_000)]) {
      state = drive(state, [s]);
      await record(state, s);
    }
    expect(await projection()).toEqual({ stage: 'planning', seq: state.seq, suspended: false });
    expect(await db('plans').where({ case_id: id }).first('status', 'budget_xof')).toEqual({ status: 'submitted', budget_xof: 900_000 });
  });

  test('a step run again after later ones writes nothing: its rows and the projection stay as the later steps left them', async () => {
    const planned = drive(registered, [reception, counselling, eligible, plan(900_000)]);
    const approved = drive(planned, [[approve('plan'), supervisor]]);
    await record(approved, approve('plan'), supervisor);
    await record(planned, plan(900_000));
    expect(await db('plans').where({ case_id: id }).first('status')).toEqual({ status: 'approved' });
    expect(await projection()).toEqual({ stage: approved.stage, seq: approved.seq, suspended: false });
    const kinds = (await db('case_events').where({ case_id: id }).orderBy('seq')).map((e) => e.kind);
    expect(kinds).toEqual(['registered', 'recordReception', 'recordCounsellingSession', 'decideEligibility', 'submitPlan', 'recordApproval']);
  });

  test('a step at a number a failed workflow task took replaces that step, and the projection it left', async () => {
    const approved = drive(registered, [reception, counselling, eligible, plan(900_000), [approve('plan'), supervisor]]);
    const suspend: CaseStep = { type: 'suspend', reason: 'a hold the replay did not take' };
    const phantom = drive(approved, [suspend]);
    await record(phantom, suspend);
    expect(await projection()).toMatchObject({ suspended: true, seq: phantom.seq });
    const withdrawn: CaseStep = { type: 'requestClosure', reason: 'withdrew' };
    const taken = drive(approved, [withdrawn]);
    expect(taken.seq).toBe(phantom.seq);
    await record(taken, withdrawn);
    expect(await projection()).toEqual({ stage: taken.stage, seq: taken.seq, suspended: false });
    const last = await db('case_events').where({ case_id: id }).orderBy('seq', 'desc').first('kind', 'stage_after');
    expect(last).toEqual({ kind: 'requestClosure', stage_after: taken.stage });
  });
});
