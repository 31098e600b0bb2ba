import { getFlightState } from '../../workflows/flight-messages';
import { flightWorkflowId } from '../../workflows/ids';
import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let stack: TestStack;
let movement: string;
let officer: string;

beforeAll(async () => {
  stack = await startTestStack();
  movement = await stack.token('movement_officer', { sub: 'moussa' });
  officer = await stack.token('case_officer', { sub: 'awa', centres: ['BKO-MMEIA'] });
});

afterAll(async () => {
  await stack?.stop();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

async function planFlight(capacity = 160) {
  const res = await stack.api
    .post('/v1/flights')
    .set(auth(movement))
    .send({
      flightNumber: '5A 1033',
      origin: 'LBY-TIP',
      destination: 'MLI-BKO',
      scheduledDeparture: new Date(Date.now() + 2 * HOUR).toISOString(),
      capacity,
    });
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('planned');
  return res.body.flightId as string;
}

let serial = 0;

/** A passenger body: a person as in POST /v1/cases, plus the checks. */
function passengerBody(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    person: { familyName: 'Konaté', givenName: `Bakary ${serial}`, sex: 'M', dateOfBirth: '1994-05-20', nationality: 'MLI' },
    residenceRegion: 'Kayes',
    vulnerabilities: [],
    unaccompaniedMinor: false,
    biometricRef: `BIO-FL-${process.pid}-${Date.now()}-${serial}`,
    consentSignedAt: new Date(Date.now() - 24 * HOUR).toISOString(),
    fitToTravelAt: new Date(Date.now() - HOUR).toISOString(),
    ...overrides,
  };
}

/** A child's date of birth: `years` old today. */
const bornYearsAgo = (years: number) => `${new Date().getUTCFullYear() - years}-01-15`;

/** A child as a manifest entry or a registration names them. */
const childPerson = (givenName: string, years = 14) => ({
  familyName: 'Diarra',
  givenName,
  sex: 'M',
  dateOfBirth: bornYearsAgo(years),
  nationality: 'MLI',
});

/** Safeguards that allow a child to travel (the escort is the manifest entry's). */
function favourable() {
  return {
    bestInterests: {
      assessedAt: new Date(Date.now() - 7 * DAY).toISOString(),
      reference: `BID-TIP-${serial}`,
      determination: 'return_in_best_interests',
    },
    familyTracing: { status: 'done', outcome: 'family_found' },
    consents: { minor: true, guardian: true },
  };
}

async function addPassenger(flightId: string, body: object = passengerBody()) {
  const res = await stack.api.post(`/v1/flights/${flightId}/passengers`).set(auth(movement)).send(body);
  if (res.status !== 201) throw new Error(`add passenger: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.passengerId as string;
}

async function waitForStatus(flightId: string, status: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await stack.api.get(`/v1/flights/${flightId}`).set(auth(movement));
    if (res.body.status === status) return res.body;
    if (Date.now() > deadline) throw new Error(`flight ${flightId} is ${res.body.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a 160-passenger charter: manifest, lock, departure with no-shows, arrival opens one case per boarded passenger', async () => {
  const flightId = await planFlight(160);
  const passengerIds: string[] = [];
  // One at a time: the workflow takes its updates one by one anyway, and concurrent updates to one
  // workflow only queue up on the server.
  for (let i = 0; i < 160; i++) passengerIds.push(await addPassenger(flightId));
  const full = await stack.api.post(`/v1/flights/${flightId}/passengers`).set(auth(movement)).send(passengerBody());
  expect(full.status).toBe(409);
  expect(full.body.detail).toMatch(/full \(capacity 160\)/);

  const locked = await stack.api.post(`/v1/flights/${flightId}/lock`).set(auth(movement));
  expect(locked.status).toBe(200);
  expect(locked.body.status).toBe('locked');

  const noShows = [passengerIds[3], passengerIds[77], passengerIds[150]];
  const departure = await stack.api
    .post(`/v1/flights/${flightId}/departure`)
    .set(auth(movement))
    .send({ departedAt: new Date(Date.now() - 3 * HOUR).toISOString(), noShows });
  expect(departure.status).toBe(200);
  expect(departure.body).toMatchObject({ status: 'departed', boarded: 157, noShows: 3 });

  const arrival = { arrivedAt: new Date(Date.now() - HOUR).toISOString(), centreCode: 'BKO-MMEIA' };
  const arrived = await stack.api.post(`/v1/flights/${flightId}/arrival`).set(auth(movement)).send(arrival);
  expect(arrived.status).toBe(200);
  expect(['arrived', 'closed']).toContain(arrived.body.status);
  // Sent again while the cases open, and again after: nothing new.
  expect((await stack.api.post(`/v1/flights/${flightId}/arrival`).set(auth(movement)).send(arrival)).status).toBe(200);

  const closed = await waitForStatus(flightId, 'closed');
  expect(closed.cases).toEqual({ opened: 157, attached: 0, unresolved: 0 });
  expect((await stack.api.post(`/v1/flights/${flightId}/arrival`).set(auth(movement)).send(arrival)).status).toBe(200);

  const cases = await stack.db('cases').where({ flight_id: flightId }).select('case_id', 'centre_code', 'arrival_mode', 'stage', 'biometric_ref');
  expect(cases).toHaveLength(157);
  expect(new Set(cases.map((c) => c.case_id)).size).toBe(157);
  expect(cases.every((c) => c.centre_code === 'BKO-MMEIA' && c.arrival_mode === 'charter' && c.stage === 'registered')).toBe(true);
  const boarded = await stack.db('flight_passengers').where({ flight_id: flightId, boarding: 'boarded' }).select('case_id', 'biometric_ref');
  expect(new Set(boarded.map((b) => b.case_id))).toEqual(new Set(cases.map((c) => c.case_id)));
  const noShowRows = await stack.db('flight_passengers').whereIn('passenger_id', noShows).select('boarding', 'case_id');
  expect(noShowRows).toEqual(noShows.map(() => ({ boarding: 'no_show', case_id: null })));

  // Each case is in Temporal, findable by its flight (visibility may lag a moment behind).
  const query = `TaskQueue = '${stack.taskQueue}' AND WorkflowType = 'returneeCase' AND FlightId = '${flightId}'`;
  const listed = new Set<string>();
  for (let tries = 0; tries < 50 && listed.size < 157; tries++) {
    if (tries > 0) await new Promise((r) => setTimeout(r, 200));
    for await (const wf of stack.client.workflow.list({ query })) listed.add(wf.workflowId);
  }
  expect(listed).toEqual(new Set(cases.map((c) => `case:${c.case_id}`)));

  // A case officer of the reception centre reads the cases and the flight.
  const page = await stack.api.get('/v1/cases?centre=BKO-MMEIA&pageSize=200').set(auth(officer));
  expect(page.body.items.filter((c: { flightId: string }) => c.flightId === flightId)).toHaveLength(157);
  const read = await stack.api.get(`/v1/flights/${flightId}`).set(auth(officer));
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ status: 'closed', boarded: 157, noShows: 3 });
  expect(read.body.history.map((h: { step: string }) => h.step).slice(-4)).toEqual(['lockManifest', 'recordDeparture', 'recordArrival', 'closeFlight']);

  const result = await stack.client.workflow.getHandle(flightWorkflowId(flightId)).result();
  expect(result).toMatchObject({ status: 'closed', cases: { opened: 157 } });
}, 180_000);

test('a returnee who already has a case joins it on arrival instead of opening a second one', async () => {
  const registered = registrationBody();
  const caseRes = await stack.api.post('/v1/cases').set(auth(officer)).send(registered);
  expect(caseRes.status).toBe(201);
  const flightId = await planFlight(5);
  await addPassenger(flightId, passengerBody({ biometricRef: registered.biometricRef }));
  const other = await addPassenger(flightId);
  await stack.api.post(`/v1/flights/${flightId}/lock`).set(auth(movement)).expect(200);
  await stack.api.post(`/v1/flights/${flightId}/departure`).set(auth(movement)).send({ departedAt: new Date(Date.now() - 3 * HOUR).toISOString() }).expect(200);
  await stack.api
    .post(`/v1/flights/${flightId}/arrival`)
    .set(auth(movement))
    .send({ arrivedAt: new Date(Date.now() - HOUR).toISOString(), centreCode: 'BKO-MMEIA' })
    .expect(200);
  const closed = await waitForStatus(flightId, 'closed');
  expect(closed.cases).toEqual({ opened: 1, attached: 1, unresolved: 0 });
  const joined = await stack.api.get(`/v1/cases/${caseRes.body.caseId}`).set(auth(officer));
  expect(joined.body.flightId).toBe(flightId);
  expect(joined.body.history.map((h: { step: string }) => h.step)).toEqual(['registered', 'attachFlight']);
  const passengers = closed.passengers as { passengerId: string; caseId: string; caseOutcome: string }[];
  expect(passengers.find((p) => p.passengerId !== other)).toMatchObject({ caseId: caseRes.body.caseId, caseOutcome: 'attached' });
}, 60_000);

test('bad input is 422 naming the field; a step out of order is 409; a refused step leaves nothing behind', async () => {
  const badPlan = await stack.api.post('/v1/flights').set(auth(movement)).send({ flightNumber: '5A 1', origin: 'Tripoli', destination: 'MLI-BKO', scheduledDeparture: 'soon', capacity: 0 });
  expect(badPlan.status).toBe(422);
  expect(new Set(badPlan.body.errors.map((e: { path: string }) => e.path))).toEqual(new Set(['capacity', 'origin', 'scheduledDeparture']));

  const flightId = await planFlight(3);
  const badPassenger = await stack.api
    .post(`/v1/flights/${flightId}/passengers`)
    .set(auth(movement))
    .send(passengerBody({ fitToTravelAt: 'yesterday' }));
  expect(badPassenger.status).toBe(422);
  expect(badPassenger.body.errors[0].path).toBe('fitToTravelAt');

  const stale = await stack.api
    .post(`/v1/flights/${flightId}/passengers`)
    .set(auth(movement))
    .send(passengerBody({ fitToTravelAt: new Date(Date.now() - 80 * HOUR).toISOString() }));
  expect(stale.status).toBe(422);
  expect(stale.body.detail).toMatch(/more than 72h before the scheduled departure/);
  const adult = await stack.api.post(`/v1/flights/${flightId}/passengers`).set(auth(movement)).send(passengerBody({ unaccompaniedMinor: true }));
  expect(adult.status).toBe(422);
  expect(adult.body.errors).toEqual([{ path: 'unaccompaniedMinor', message: expect.stringMatching(/must be under 18 on the scheduled departure/) }]);
  const safeguarded = await stack.api.post(`/v1/flights/${flightId}/passengers`).set(auth(movement)).send(passengerBody({ safeguards: favourable() }));
  expect(safeguarded.status).toBe(422);
  expect(safeguarded.body.errors[0]).toEqual({ path: 'safeguards', message: 'only an unaccompanied minor carries safeguards' });
  expect(await stack.db('flight_passengers').where({ flight_id: flightId }).count<{ count: number }[]>({ count: '*' })).toEqual([{ count: 0 }]);
  const history = (await stack.client.workflow.getHandle(flightWorkflowId(flightId)).fetchHistory()).events!.length;

  const early = await stack.api.post(`/v1/flights/${flightId}/departure`).set(auth(movement)).send({ departedAt: new Date().toISOString() });
  expect(early.status).toBe(409);
  expect(early.body.detail).toMatch(/does not fit a flight that is planned/);
  expect((await stack.api.post(`/v1/flights/${flightId}/lock`).set(auth(movement))).status).toBe(409);
  expect((await stack.client.workflow.getHandle(flightWorkflowId(flightId)).fetchHistory()).events!.length).toBe(history);

  // The same person on two open flights: refused before the workflow is asked.
  const body = passengerBody();
  await addPassenger(flightId, body);
  const second = await planFlight(3);
  const twice = await stack.api.post(`/v1/flights/${second}/passengers`).set(auth(movement)).send(passengerBody({ biometricRef: body.biometricRef }));
  expect(twice.status).toBe(409);
  expect(twice.body.bookedOn.flightId).toBe(flightId);
  // Once the first flight is cancelled the person may be booked again.
  await stack.api.post(`/v1/flights/${flightId}/cancellation`).set(auth(movement)).send({ reason: 'aircraft unavailable' }).expect(200);
  await addPassenger(second, passengerBody({ biometricRef: body.biometricRef }));
  expect((await stack.api.post(`/v1/flights/${flightId}/passengers`).set(auth(movement)).send(passengerBody())).status).toBe(409);
}, 60_000);

test('the database itself refuses a second open booking of the same person', async () => {
  const flightId = await planFlight(3);
  const body = passengerBody({ documentNumber: `LP-${Date.now()}` });
  await addPassenger(flightId, body);
  const row = await stack.db('flight_passengers').where({ flight_id: flightId }).first();
  await expect(
    stack.db('flight_passengers').insert({
      ...row,
      vulnerabilities: JSON.stringify(row.vulnerabilities),
      passenger_id: '00000000-0000-4000-8000-000000000001',
      biometric_ref: 'BIO-ELSE',
    }),
  ).rejects.toThrow(/flight_passengers_open_document/);
});

test('movement officers manage flights; others may only read', async () => {
  const flightId = await planFlight(3);
  const forbidden = await stack.api.post('/v1/flights').set(auth(officer)).send({});
  expect(forbidden.status).toBe(403);
  expect((await stack.api.post(`/v1/flights/${flightId}/lock`).set(auth(officer))).status).toBe(403);
  for (const role of ['case_officer', 'supervisor', 'manager', 'admin'] as const) {
    const token = await stack.token(role);
    expect((await stack.api.get(`/v1/flights/${flightId}`).set(auth(token))).status).toBe(200);
    expect((await stack.api.get('/v1/flights?status=planned').set(auth(token))).body.items.length).toBeGreaterThan(0);
  }
  expect((await stack.api.get(`/v1/flights/00000000-0000-4000-8000-00000000abcd`).set(auth(movement))).status).toBe(404);
});

/** Locks, departs and lands a flight; resolves with it once closed. */
async function fly(flightId: string) {
  await stack.api.post(`/v1/flights/${flightId}/lock`).set(auth(movement)).expect(200);
  await stack.api
    .post(`/v1/flights/${flightId}/departure`)
    .set(auth(movement))
    .send({ departedAt: new Date(Date.now() - 3 * HOUR).toISOString() })
    .expect(200);
  await stack.api
    .post(`/v1/flights/${flightId}/arrival`)
    .set(auth(movement))
    .send({ arrivedAt: new Date(Date.now() - HOUR).toISOString(), centreCode: 'BKO-MMEIA' })
    .expect(200);
  return waitForStatus(flightId, 'closed');
}

test('a child on a charter: refused at lock without safeguards, boards with them, arrives and gets a case as a minor', async () => {
  const flightId = await planFlight(3);
  const child = passengerBody({ unaccompaniedMinor: true, person: childPerson('Sekou'), escort: 'Aminata Keita' });
  const childId = await addPassenger(flightId, child);
  // A sister with the same escort, spelled another way: the escort takes one seat for both.
  const sister = await stack.api
    .post(`/v1/flights/${flightId}/passengers`)
    .set(auth(movement))
    .send(
      passengerBody({ unaccompaniedMinor: true, person: { ...childPerson('Awa', 12), sex: 'F' }, escort: '  aminata KEITA ', safeguards: favourable() }),
    );
  expect(sister.status).toBe(201);
  expect(sister.body).toMatchObject({ passengerCount: 2, seatsTaken: 3, capacity: 3 });
  const full = await stack.api.post(`/v1/flights/${flightId}/passengers`).set(auth(movement)).send(passengerBody());
  expect(full.status).toBe(409);
  expect(full.body.detail).toMatch(/full \(capacity 3\)/);

  const refused = await stack.api.post(`/v1/flights/${flightId}/lock`).set(auth(movement));
  expect(refused.status).toBe(422);
  expect(refused.body.detail).toContain(childId);
  expect(refused.body.failures).toEqual([
    {
      passengerId: childId,
      problems: [expect.stringMatching(/^an unaccompanied minor cannot travel before: a best-interests determination in favour of return, /)],
    },
  ]);

  const checks = await stack.api.put(`/v1/flights/${flightId}/passengers/${childId}/checks`).set(auth(movement)).send({ safeguards: favourable() });
  expect(checks.status).toBe(200);
  const closed = await fly(flightId);
  expect(closed.cases).toEqual({ opened: 2, attached: 0, unresolved: 0 });
  const entry = closed.passengers.find((p: { passengerId: string }) => p.passengerId === childId);
  expect(entry).toMatchObject({ escort: 'Aminata Keita', safeguards: { consents: { minor: true, guardian: true } }, caseOutcome: 'opened' });
  const caseIds = closed.passengers.map((p: { caseId: string }) => p.caseId);
  const cases = await stack.db('cases').whereIn('case_id', caseIds).select('minor');
  expect(cases).toHaveLength(2);
  expect(cases.every((c) => c.minor === true)).toBe(true);
  // The child's new case starts with the safeguards they boarded on, escort included.
  const childCase = await stack.db('cases').where({ case_id: entry.caseId }).first('state');
  expect(childCase.state.safeguards).toMatchObject({ bestInterests: { determination: 'return_in_best_interests' }, consents: { minor: true, guardian: true }, escort: 'Aminata Keita' });
  expect(childCase.state.adultOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  // The flight's workflow kept the determinations' references, and none of the children's or escort's names.
  const state = await stack.client.workflow.getHandle(flightWorkflowId(flightId)).query(getFlightState);
  expect(state.passengers.find((p) => p.passengerId === childId)?.safeguards).toEqual({ reference: expect.stringMatching(/^BID-TIP-/) });
  expect(JSON.stringify(state)).not.toMatch(/Aminata|aminata|Sekou|Diarra|family_found/);
}, 60_000);

test("a child who already has a case boards on the case's safeguards, read again at lock", async () => {
  const registered = registrationBody({ person: childPerson('Oumar', 15), unaccompaniedMinor: true });
  const caseRes = await stack.api.post('/v1/cases').set(auth(officer)).send(registered);
  expect(caseRes.status).toBe(201);
  const caseId = caseRes.body.caseId as string;
  const flightId = await planFlight(5);
  const body = passengerBody({
    unaccompaniedMinor: true,
    person: childPerson('Oumar', 15),
    biometricRef: registered.biometricRef,
    caseId,
    escort: 'Moussa Traoré',
  });
  // Another person's open case is not this child's.
  const someoneElse = await stack.api
    .post(`/v1/flights/${flightId}/passengers`)
    .set(auth(movement))
    .send({ ...body, biometricRef: `${registered.biometricRef}-X` });
  expect(someoneElse.status).toBe(422);
  expect(someoneElse.body.errors[0].path).toBe('caseId');
  const childId = await addPassenger(flightId, body);

  // The case records no safeguards yet: the lock refuses the child.
  const refused = await stack.api.post(`/v1/flights/${flightId}/lock`).set(auth(movement));
  expect(refused.status).toBe(422);
  expect(refused.body.failures.map((f: { passengerId: string }) => f.passengerId)).toEqual([childId]);
  await stack.api.post(`/v1/cases/${caseId}/minor-safeguards`).set(auth(officer)).send(favourable()).expect(200);

  const closed = await fly(flightId);
  expect(closed.cases).toEqual({ opened: 0, attached: 1, unresolved: 0 });
  expect(closed.passengers[0]).toMatchObject({ passengerId: childId, safeguardsCaseId: caseId, caseId, caseOutcome: 'attached' });
}, 60_000);

test('a second return through a charter: a person whose case closed comes back in a new case linked to it', async () => {
  const registered = registrationBody();
  const first = await stack.api.post('/v1/cases').set(auth(officer)).send(registered);
  expect(first.status).toBe(201);
  const earlier = first.body.caseId as string;
  const supervisor = await stack.token('supervisor', { sub: 'fatou', centres: ['BKO-MMEIA'] });
  await stack.api.post(`/v1/cases/${earlier}/closure`).set(auth(supervisor)).send({ reason: 'moved_away' }).expect(200);
  expect((await stack.db('cases').where({ case_id: earlier }).first('stage')).stage).toBe('closed');

  const flightId = await planFlight(3);
  const passengerId = await addPassenger(flightId, passengerBody({ biometricRef: registered.biometricRef }));
  const closed = await fly(flightId);
  expect(closed.cases).toEqual({ opened: 1, attached: 0, unresolved: 0 });
  const entry = closed.passengers.find((p: { passengerId: string }) => p.passengerId === passengerId);
  expect(entry).toMatchObject({ caseOutcome: 'opened', caseNote: `second return: the earlier case is ${earlier}` });
  expect(entry.caseId).not.toBe(earlier);
  const again = await stack.db('cases').where({ case_id: entry.caseId }).first('previous_case_id', 'second_return', 'stage', 'flight_id');
  expect(again).toEqual({ previous_case_id: earlier, second_return: true, stage: 'registered', flight_id: flightId });
}, 60_000);
