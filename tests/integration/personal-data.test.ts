import { WorkflowNotFoundError } from '@temporalio/client';
import { ROLES } from '../../domain/reference';
import { RETENTION_SCHEDULE_ID, upsertRetentionSchedule } from '../../platform/retention-schedule';
import { caseWorkflowId, erasureWorkflowId, travelDocumentWorkflowId } from '../../workflows/ids';
import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { aVendor } from '../support/vendors';

/**
 * The personal-data lifecycle against real Postgres and Temporal: need-to-know manifests, the data
 * subject's export, consent withdrawal, erasure (every table scanned, executions gone, audit and report
 * counts kept, finished after a worker restart) and retention by Schedule.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const HOME = 'BKO-MMEIA';
const START = Date.now() - 60 * DAY;
const at = (days: number) => new Date(START + days * DAY).toISOString();
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const criteria = { returnedThroughProgramme: true, withinProgrammeWindow: true, notPreviouslyAssisted: true, vulnerabilityScreeningDone: true };

// Distinctive values: found anywhere after the erasure, they can only have come from these people.
const A = { familyName: 'Zounkarwadi', givenName: 'Quimbalette', phone: '+22379135792', documentNumber: 'MLZ-4471-QXA', biometricRef: 'MIMOSA-ZQ-90017' };
const B = { familyName: 'Wobrakelli', givenName: 'Yessamonde', phone: '+22466120931', documentNumber: 'GNZ-8812-WYB', biometricRef: 'MIMOSA-ZQ-90018' };
const D = { familyName: 'Vantorrique', givenName: 'Hulmaride', phone: '+22370445566', documentNumber: 'MLZ-5500-VHD', biometricRef: 'MIMOSA-ZQ-90019' };
const secretsOf = (p: typeof A) => [p.familyName, p.givenName, p.phone, p.phone.replace('+', ''), p.documentNumber, p.biometricRef];

let stack: TestStack;
let officer: string;
let supervisor: string;
let manager: string;
let admin: string;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  stack = await startTestStack({
    RATE_LIMIT_API_PER_MINUTE: '100000',
    RATE_LIMIT_LIAISON_PER_MINUTE: '10000',
    MONITORING_VISITS: '1d',
    MONITORING_EARLY_WINDOW: '0d',
    RETENTION_AFTER_CLOSURE: '3s',
  });
  officer = await stack.token('case_officer', { centres: [HOME], sub: 'awa' });
  supervisor = await stack.token('supervisor', { centres: [HOME], sub: 'sidi' });
  manager = await stack.token('manager', { sub: 'mariam' });
  admin = await stack.token('admin', { sub: 'adama' });
}, 60_000);

afterAll(async () => {
  await stack?.client.schedule.getHandle(RETENTION_SCHEDULE_ID).delete().catch(() => undefined);
  await stack?.stop();
});

async function register(person: typeof A, overrides: Record<string, unknown> = {}) {
  const { documentNumber, biometricRef, ...names } = person;
  const { person: personOverrides, ...rest } = overrides as { person?: object };
  const body = registrationBody({ person: { ...names, ...personOverrides }, documentNumber, biometricRef, ...rest });
  const res = await stack.api.post('/v1/cases').set(auth(officer)).send(body);
  if (res.status !== 201) throw new Error(`registration: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.caseId as string;
}

async function ok(caseId: string, path: string, body: object, token = officer) {
  const res = await stack.api.post(`/v1/cases/${caseId}${path}`).set(auth(token)).send(body);
  if (res.status !== 200 && res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every row of every table of the database (information_schema), as text: where each secret is found. */
async function scanEveryTable(secrets: string[]): Promise<string[]> {
  const tables: string[] = await stack.db('information_schema.tables').where({ table_schema: 'public', table_type: 'BASE TABLE' }).pluck('table_name');
  expect(tables).toEqual(expect.arrayContaining(['cases', 'case_events', 'flight_passengers', 'notifications', 'travel_documents', 'audit_log', 'erasures']));
  const found: string[] = [];
  for (const table of tables) {
    const { rows } = await stack.db.raw(`select t::text as row from "${table}" t`);
    for (const { row } of rows as { row: string }[]) for (const secret of secrets) if (row.includes(secret)) found.push(`${table}: ${secret}`);
  }
  return [...new Set(found)];
}

async function gone(workflowId: string): Promise<boolean> {
  try {
    await stack.client.workflow.getHandle(workflowId).describe();
    return false;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return true;
    throw error;
  }
}

const report = async () => {
  const res = await stack.api.get(`/v1/reports/programme?from=${isoDate(START - DAY)}&to=${isoDate(Date.now())}&format=json`).set(auth(manager));
  expect(res.status).toBe(200);
  const { generatedAt: _generatedAt, ...figures } = res.body;
  return figures;
};

async function erase(caseId: string, token = admin) {
  return stack.api.post(`/v1/cases/${caseId}/erasure`).set(auth(token)).send({ reason: 'the data subject asked for erasure (ticket DP-17)' });
}

/** Waits (on Postgres, so as not to fill the audit trail) for the erasure, then reads its status as an admin would. */
async function erased(caseId: string) {
  await until(`the erasure of ${caseId}`, async () => (await stack.db('erasures').where({ case_id: caseId }).whereNotNull('completed_at').first()) ?? undefined, 90_000);
  const res = await stack.api.get(`/v1/cases/${caseId}/erasure`).set(auth(admin));
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('erased');
  return res.body;
}

let caseA = '';
let caseB = '';
let requestB = '';

test('a manifest names its passengers only to movement officers, managers and admins', async () => {
  const movement = await stack.token('movement_officer', { sub: 'moussa' });
  const flight = await stack.api
    .post('/v1/flights')
    .set(auth(movement))
    .send({ flightNumber: '5A 1040', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + 2 * HOUR).toISOString(), capacity: 10 });
  expect(flight.status).toBe(201);
  const flightId = flight.body.flightId as string;
  const passenger = await stack.api
    .post(`/v1/flights/${flightId}/passengers`)
    .set(auth(movement))
    .send({
      person: { familyName: 'Manifestorra', givenName: 'Kelibanou', sex: 'M', dateOfBirth: '1993-02-11', nationality: 'MLI' },
      vulnerabilities: [],
      unaccompaniedMinor: false,
      biometricRef: 'MIMOSA-MANIFEST-1',
      consentSignedAt: new Date(Date.now() - 24 * HOUR).toISOString(),
      fitToTravelAt: new Date(Date.now() - HOUR).toISOString(),
    });
  expect(passenger.status).toBe(201);
  for (const role of ROLES) {
    const token = await stack.token(role, { centres: role === 'case_officer' || role === 'supervisor' ? [HOME] : [] });
    const read = await stack.api.get(`/v1/flights/${flightId}`).set(auth(token));
    expect([role, read.status]).toEqual([role, 200]);
    const names = JSON.stringify(read.body).includes('Manifestorra');
    if (['movement_officer', 'manager', 'admin'].includes(role)) {
      expect([role, names, read.body.passengers?.length]).toEqual([role, true, 1]);
    } else {
      expect([role, names, read.body.passengers, read.body.manifestWithheld]).toEqual([role, false, undefined, true]);
      expect(read.body.passengerCount).toBe(1);
    }
    // Lists carry no passengers for anyone.
    const list = await stack.api.get('/v1/flights').set(auth(token));
    expect([role, list.status, JSON.stringify(list.body).includes('Manifestorra')]).toEqual([role, 200, false]);
  }
}, 60_000);

test("the export holds everything on the person: identity, steps, plan, tranche, visit, audit", async () => {
  // A minor at arrival (17), not unaccompanied: the report counts them among Malian minors.
  caseA = await register(A, {
    person: { sex: 'F', dateOfBirth: isoDate(START - 17 * 365 * DAY - 30 * DAY), nationality: 'MLI' },
    arrival: { mode: 'commercial', arrivedAt: at(0), fromCountry: 'LBY' },
    vulnerabilities: ['medical_condition'],
  });
  await ok(caseA, '/reception', { centreCode: HOME, occurredAt: at(1), medical: { provided: true, notes: `asthma, seen with ${A.givenName}'s aunt` }, psychologicalFirstAid: true });
  await ok(caseA, '/counselling-sessions', { heldAt: at(2), summary: `${A.givenName} wants to open a tailoring shop` });
  await ok(caseA, '/eligibility', { decision: 'eligible', criteria, reason: 'meets every criterion', occurredAt: at(3) });
  await ok(caseA, '/plan', { type: 'individual', sector: 'tailoring', budgetXof: 300_000, dimensions: ['economic'], occurredAt: at(4) });
  await ok(caseA, '/approvals', { subject: 'plan', decision: 'approved', comment: `call ${A.phone} first`, occurredAt: at(5) }, supervisor);
  const vendorId = await aVendor(stack);
  await ok(caseA, '/tranches', { amountXof: 300_000, vendorId, items: [{ description: 'sewing machine', quantity: 1, unitCostXof: 300_000 }], occurredAt: at(6) });
  await ok(caseA, '/approvals', { subject: 'tranche', ref: 1, decision: 'approved', occurredAt: at(7) }, supervisor);
  await ok(caseA, '/tranches/1/payment', { reference: 'PAY-ZQ-1', paidAt: at(8) });
  const done = await ok(caseA, '/monitoring-visits', { visitedAt: at(10), scores: { economic: 0.8, social: 0.7, psychosocial: 0.9 } });
  expect(done.stage).toBe('completed');

  expect((await stack.api.get(`/v1/cases/${caseA}/personal-data`).set(auth(officer))).status).toBe(403);
  const res = await stack.api.get(`/v1/cases/${caseA}/personal-data`).set(auth(manager));
  expect(res.status).toBe(200);
  const data = res.body;
  expect(data.identity).toMatchObject({ familyName: A.familyName, givenName: A.givenName, phone: A.phone, documentNumber: A.documentNumber, biometricRef: A.biometricRef, sex: 'F' });
  expect(data.registration).toMatchObject({ centreCode: HOME, vulnerabilities: ['medical_condition'], arrival: { mode: 'commercial', fromCountry: 'LBY' } });
  expect(data.steps.map((s: { step: string }) => s.step)).toEqual([
    'registered',
    'recordReception',
    'recordCounsellingSession',
    'decideEligibility',
    'submitPlan',
    'recordApproval',
    'requestTranche',
    'recordApproval',
    'recordTranchePayment',
    'recordMonitoringVisit',
  ]);
  expect(JSON.stringify(data.steps)).toContain('tailoring shop');
  expect(data.plans).toEqual([expect.objectContaining({ sector: 'tailoring', status: 'approved' })]);
  expect(data.approvals).toHaveLength(2);
  expect(data.tranches).toEqual([expect.objectContaining({ n: 1, status: 'paid', paymentReference: 'PAY-ZQ-1' })]);
  expect(data.monitoringVisits).toEqual([expect.objectContaining({ n: 1, sustainable: true })]);
  expect(data.travelDocuments).toEqual([]);
  expect(data.manifestEntries).toEqual([]);
  expect(Array.isArray(data.emails)).toBe(true);
  expect(data.audit.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['Register a returnee', 'Record a counselling session']));
  // The export itself is audited.
  const audit = await stack.api.get(`/v1/cases/${caseA}/audit?pageSize=100`).set(auth(manager));
  expect(audit.body.items.map((e: { action: string }) => e.action)).toContain("Export the person's data");
}, 120_000);

test('a consent withdrawal closes the case, cancels its open request and tells the embassy once', async () => {
  caseB = await register(B, { person: { sex: 'M', nationality: 'GIN', dateOfBirth: '1991-08-14' }, arrival: { mode: 'land', arrivedAt: at(20), fromCountry: 'DZA' } });
  await ok(caseB, '/reception', { centreCode: HOME, occurredAt: at(21) });
  const request = await ok(caseB, '/travel-documents', { documentType: 'laissez_passer', plannedDeparture: isoDate(Date.now() + 20 * DAY) });
  requestB = request.requestId;
  const mail = await stack.smtp.waitFor((m) => m.text.includes(requestB), 30_000);
  const link = /http:\/\/sira\.test(\/liaison\/requests\/[0-9a-f-]+\?token=[A-Za-z0-9._-]+)/.exec(mail.text)![1];
  const interviewAt = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 16);
  expect((await stack.api.post(link).type('form').send({ decision: 'interview', interviewAt, interviewPlace: 'Consulat, Hamdallaye ACI 2000' })).status).toBe(200);
  await until('the interview', async () => {
    const row = await stack.db('travel_documents').where({ request_id: requestB }).first('status');
    return row?.status === 'interview_scheduled' ? row : undefined;
  });

  // Only staff who handle the case may record it; a reason is required.
  expect((await stack.api.post(`/v1/cases/${caseB}/consent-withdrawal`).set(auth(await stack.token('movement_officer'))).send({ reason: 'x' })).status).toBe(403);
  expect((await stack.api.post(`/v1/cases/${caseB}/consent-withdrawal`).set(auth(officer)).send({})).status).toBe(422);
  const withdrawn = await ok(caseB, '/consent-withdrawal', { reason: 'wants to travel on his own, asked us to stop' });
  expect(withdrawn).toMatchObject({ stage: 'closed', closure: { reason: 'withdrew' } });
  expect(withdrawn.consentWithdrawnAt).toEqual(expect.any(String));

  const row = await stack.db('cases').where({ case_id: caseB }).first('stage', 'closure_reason', 'consent_withdrawn_at');
  expect(row).toMatchObject({ stage: 'closed', closure_reason: 'withdrew' });
  expect(row.consent_withdrawn_at).toBeInstanceOf(Date);
  const doc = await until('the cancellation', async () => {
    const r = await stack.db('travel_documents').where({ request_id: requestB }).first('status');
    return r?.status === 'cancelled' ? r : undefined;
  });
  expect(doc.status).toBe('cancelled');
  const told = await stack.smtp.waitFor((m) => m.text.includes(requestB) && /retirée|withdrawn/.test(m.subject), 30_000);
  expect(told.text).not.toContain(B.familyName);

  // Nothing further: a second withdrawal and a reopening are refused, and the embassy was told once.
  expect((await stack.api.post(`/v1/cases/${caseB}/consent-withdrawal`).set(auth(officer)).send({ reason: 'again' })).status).toBe(409);
  const reopen = await stack.api.post(`/v1/cases/${caseB}/reopening`).set(auth(supervisor)).send({ reason: 'came back' });
  expect(reopen.status).toBe(409);
  await new Promise((r) => setTimeout(r, 1000));
  expect(stack.smtp.messages.filter((m) => m.text.includes(requestB) && /retirée|withdrawn/.test(m.subject))).toHaveLength(1);
  await until('the case workflow to end', async () => {
    const d = await stack.client.workflow.getHandle(caseWorkflowId(caseB)).describe();
    return d.status.name === 'COMPLETED' ? d : undefined;
  });


  // The export of an onward case: its request with the embassy's answer, and the e-mails about it (no bodies).
  const data = (await stack.api.get(`/v1/cases/${caseB}/personal-data`).set(auth(admin))).body;
  expect(data.travelDocuments).toHaveLength(1);
  expect(data.travelDocuments[0]).toMatchObject({ requestId: requestB, status: 'cancelled', interviewPlace: 'Consulat, Hamdallaye ACI 2000' });
  expect(data.travelDocuments[0].history.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['requested', 'sent', 'answered_interview', 'cancelled']));
  expect(data.emails.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['traveldoc_request', 'traveldoc_withdrawn']));
  for (const e of data.emails) expect(Object.keys(e)).not.toContain('text');
  expect(data.registration.consentWithdrawnAt).toEqual(expect.any(String));
}, 120_000);

test('erasure removes the person from every table and from Temporal, keeps the audit and the report', async () => {
  expect(caseA).not.toBe('');
  // Not vacuous: the person is all over the database before.
  expect((await scanEveryTable(secretsOf(A))).length).toBeGreaterThan(3);
  expect((await erase(caseA, manager)).status).toBe(403);
  const open = await register({ familyName: 'Openly', givenName: 'Stays', phone: '+22370000001', biometricRef: 'MIMOSA-OPEN-1', documentNumber: 'OPEN-1' });
  expect((await erase(open)).status).toBe(409);
  const before = await report();

  const started = await erase(caseA);
  expect([200, 202]).toContain(started.status);
  expect(started.body).toMatchObject({ caseId: caseA, workflowId: erasureWorkflowId(caseA) });
  const status = await erased(caseA);
  expect(status.erasedAt).toEqual(expect.any(String));
  // Idempotent: asked again, it is done.
  const again = await erase(caseA);
  expect(again.status).toBe(200);
  expect(again.body.status).toBe('erased');

  expect(await scanEveryTable(secretsOf(A))).toEqual([]);
  expect(await scanEveryTable(['tailoring shop', 'asthma', 'PAY-ZQ-1', 'sewing machine'])).toEqual([]);
  expect(await gone(caseWorkflowId(caseA))).toBe(true);

  // The audit still tells the case's history, with the erasure: who, and when; the why is on record.
  const audit = await stack.api.get(`/v1/cases/${caseA}/audit?pageSize=100`).set(auth(manager));
  const actions = audit.body.items.map((e: { action: string }) => e.action);
  expect(actions).toEqual(
    expect.arrayContaining([
      'Register a returnee',
      'Record a counselling session',
      "Erase the person's data",
      'Personal data erased (Postgres rows and Temporal executions): the data subject asked for erasure (ticket DP-17)',
    ]),
  );
  expect(audit.body.items.find((e: { action: string }) => e.action.startsWith('Personal data erased'))).toMatchObject({ actorSub: 'adama', actorRole: 'admin', outcome: 'succeeded' });
  expect(status).toMatchObject({ requestedBy: 'adama', reason: 'the data subject asked for erasure (ticket DP-17)' });
  expect(await stack.db('erasures').where({ case_id: caseA }).first('reason', 'requested_by')).toEqual({
    reason: 'the data subject asked for erasure (ticket DP-17)',
    requested_by: 'adama',
  });

  // The programme report counts the same: sex, age at arrival, dates and amounts survive.
  expect(await report()).toEqual(before);
  const kept = await stack.db('cases').where({ case_id: caseA }).first('sex', 'age_at_arrival', 'nationality', 'centre_code', 'closure_reason', 'stage', 'family_name');
  expect(kept).toEqual({ sex: 'F', age_at_arrival: 17, nationality: 'MLI', centre_code: HOME, closure_reason: 'completed', stage: 'completed', family_name: null });
  const exported = (await stack.api.get(`/v1/cases/${caseA}/personal-data`).set(auth(admin))).body;
  expect(exported.identity).toMatchObject({ familyName: null, phone: null, documentNumber: null, ageAtArrival: 17 });
}, 180_000);

test('an erasure cut short by the worker going down is finished after it restarts', async () => {
  expect(caseB).not.toBe('');
  expect((await scanEveryTable(secretsOf(B))).length).toBeGreaterThan(0);
  const before = await report();
  // The person's case row is held by another transaction, so the erasure stops inside its Postgres step;
  // the worker goes down meanwhile: nothing past that step has run.
  const blocker = await stack.db.transaction();
  await blocker('cases').where({ case_id: caseB }).forNoKeyUpdate().first('case_id');
  try {
    const started = await erase(caseB);
    expect(started.status).toBe(202);
    await until('the erasure to begin', async () => (await stack.db('erasures').where({ case_id: caseB }).first()) ?? undefined, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    const stopping = stack.stopWorker();
    await new Promise((r) => setTimeout(r, 200));
    await blocker.rollback();
    await stopping;
  } finally {
    if (!blocker.isCompleted()) await blocker.rollback();
  }
  expect(await stack.db('erasures').where({ case_id: caseB }).first('completed_at')).toEqual({ completed_at: null });
  expect(await gone(caseWorkflowId(caseB))).toBe(false);
  await stack.startWorker();
  await erased(caseB);
  expect(await scanEveryTable(secretsOf(B))).toEqual([]);
  expect(await scanEveryTable(['Hamdallaye', 'travel on his own'])).toEqual([]);
  expect(await gone(caseWorkflowId(caseB))).toBe(true);
  expect(await gone(travelDocumentWorkflowId(requestB))).toBe(true);
  expect(await report()).toEqual(before);
  // The outbox keeps that the messages went, not what they said.
  const outbox = await stack.db('notifications').where({ case_id: caseB }).select('kind', 'subject', 'status');
  expect(outbox.length).toBeGreaterThan(0);
  for (const m of outbox) expect(m.subject).toBe(`[erased] ${m.kind}`);
}, 180_000);

test('retention: the daily Schedule erases a case closed longer ago than RETENTION_AFTER_CLOSURE', async () => {
  // The person was once put on a charter's manifest, then taken off it: that entry names them too.
  const movement = await stack.token('movement_officer', { sub: 'moussa' });
  const flight = await stack.api
    .post('/v1/flights')
    .set(auth(movement))
    .send({ flightNumber: '5A 1042', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + 2 * HOUR).toISOString(), capacity: 10 });
  const entry = await stack.api
    .post(`/v1/flights/${flight.body.flightId}/passengers`)
    .set(auth(movement))
    .send({
      person: { familyName: D.familyName, givenName: D.givenName, sex: 'M', dateOfBirth: '1990-04-04', nationality: 'MLI', phone: D.phone },
      vulnerabilities: [],
      unaccompaniedMinor: false,
      biometricRef: D.biometricRef,
      consentSignedAt: new Date(Date.now() - 24 * HOUR).toISOString(),
      fitToTravelAt: new Date(Date.now() - HOUR).toISOString(),
    });
  expect(entry.status).toBe(201);
  expect((await stack.api.delete(`/v1/flights/${flight.body.flightId}/passengers/${entry.body.passengerId}`).set(auth(movement))).status).toBe(200);
  const caseD = await register(D);
  await ok(caseD, '/consent-withdrawal', { reason: 'moved to Senegal' });
  expect(await scanEveryTable([D.familyName])).toEqual(expect.arrayContaining(['cases: ' + D.familyName, 'flight_passengers: ' + D.familyName]));
  const fresh = await register({ familyName: 'Stillopen', givenName: 'Remains', phone: '+22370000002', biometricRef: 'MIMOSA-OPEN-2', documentNumber: 'OPEN-2' });
  await new Promise((r) => setTimeout(r, 3500));
  expect(await upsertRetentionSchedule(stack.client, stack.config)).toMatch(/created|updated/);
  const schedule = await stack.client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
  expect(schedule.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 2, end: 2, step: 1 }] });
  await stack.client.schedule.getHandle(RETENTION_SCHEDULE_ID).trigger();
  await erased(caseD);
  expect(await scanEveryTable(secretsOf(D))).toEqual([]);
  expect(await gone(caseWorkflowId(caseD))).toBe(true);
  expect(await stack.db('erasures').where({ case_id: caseD }).first('requested_by', 'requested_role')).toEqual({ requested_by: 'sira', requested_role: 'system' });
  // An open case is never erased by retention.
  expect(await stack.db('cases').where({ case_id: fresh }).first('family_name', 'erased_at')).toEqual({ family_name: 'Stillopen', erased_at: null });
}, 120_000);
