import { runWithWorker, startTimeSkippingEnv } from '../support/time-skipping';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { type FlightActivities, openWithHeartbeats, passengerCaseId } from '../../activities/flight-activities';
import { type FlightPlan, type FlightPolicy, type FlightState, newFlightState } from '../../domain/flight';
import type { MinorSafeguards } from '../../domain/minor-safeguards';
import { charterFlight } from '../../workflows/flight';
import { awaitFlightRecorded, flightUpdates, getFlightState, type PassengerInput } from '../../workflows/flight-messages';
import { FlightOverdue } from '../../workflows/search-attributes';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const officer = { sub: 'moussa', role: 'movement_officer' as const };
const policy: FlightPolicy = { fitToTravelWindowMs: 72 * HOUR, departureGraceMs: 6 * HOUR };

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

/**
 * Activities standing in for Postgres and Temporal: they record the steps, can play another flight
 * holding a person's seat, and open "cases" in memory through the real fan-out and resume logic.
 */
function fakeActivities(options: { heldElsewhere?: Set<string>; failOnOpenCall?: number; gate?: Promise<void> } = {}) {
  const calls = {
    steps: [] as string[],
    openCalls: 0,
    opened: new Map<string, number>(),
    attempts: [] as { attempt: number; resumedFrom: number }[],
  };
  // The manifest as Postgres would hold it: passenger → boarding outcome.
  const manifest = new Map<string, string | undefined>();
  const activities: FlightActivities = {
    async recordFlightCreated() {},
    async recordFlightStep({ step, passenger }) {
      if (step.type === 'addPassenger' && passenger?.biometricRef && options.heldElsewhere?.has(passenger.biometricRef)) {
        return { conflict: { flightId: 'other-flight', passengerId: 'other-passenger' } };
      }
      calls.steps.push(step.type);
      if (step.type === 'addPassenger') manifest.set(step.entry.passengerId, undefined);
      if (step.type === 'removePassenger') manifest.delete(step.passengerId);
      if (step.type === 'recordDeparture') for (const id of manifest.keys()) manifest.set(id, step.noShows.includes(id) ? 'no_show' : 'boarded');
      return {};
    },
    async openArrivalCases({ flightId, expected }) {
      const ctx = Context.current();
      calls.attempts.push({ attempt: ctx.info.attempt, resumedFrom: (ctx.info.heartbeatDetails as { done?: number } | undefined)?.done ?? 0 });
      await options.gate;
      const boarded = [...manifest].filter(([, boarding]) => boarding === 'boarded').map(([passengerId]) => ({ passengerId }));
      expect(boarded).toHaveLength(expected);
      await openWithHeartbeats(boarded, async (p) => {
        calls.openCalls += 1;
        if (calls.openCalls === options.failOnOpenCall) {
          // Let the other starts in flight land first, as a real failure mid-way would.
          await new Promise((r) => setTimeout(r, 50));
          throw new Error('Temporal frontend unavailable');
        }
        const caseId = passengerCaseId(flightId, p.passengerId);
        calls.opened.set(caseId, (calls.opened.get(caseId) ?? 0) + 1);
      });
      return { opened: boarded.length, attached: 0, unresolved: 0 };
    },
  };
  return { calls, activities };
}

/** The reason a Workflow Update was refused, and the details it carried. */
async function refusal(update: Promise<unknown>): Promise<{ message: string; type?: string; details: unknown[] }> {
  try {
    await update;
  } catch (error) {
    const cause = (error as { cause?: { message?: string; type?: string; details?: unknown[] } }).cause;
    return { message: cause?.message ?? String(error), type: cause?.type, details: cause?.details ?? [] };
  }
  throw new Error('the update was not refused');
}

type FlightHandle = WorkflowHandle<typeof charterFlight>;
type Start = (plan?: { capacity?: number; departsInMs?: number; carried?: (plan: FlightPlan) => FlightState }) => Promise<FlightHandle>;

/** Runs `body` with a worker on its own task queue, then terminates the flights it started. */
async function withWorker<T>(activities: FlightActivities, body: (start: Start) => Promise<T>): Promise<T> {
  const taskQueue = `flight-${randomUUID()}`;
  const started: FlightHandle[] = [];
  const start: Start = async (plan = {}) => {
    const flightId = randomUUID();
    const now = await env.currentTimeMs();
    const flightPlan: FlightPlan = {
      flightId,
      flightNumber: '5A 1033',
      origin: 'LBY-TIP',
      destination: 'MLI-BKO',
      scheduledDeparture: new Date(now + (plan.departsInMs ?? DAY)).toISOString(),
      capacity: plan.capacity ?? 160,
      createdBy: officer.sub,
      createdAt: new Date(now).toISOString(),
    };
    const handle = await env.client.workflow.start(charterFlight, {
      workflowId: `flight:${flightId}`,
      taskQueue,
      // A carried-over state stands for a flight that continued as new from an older run.
      args: [plan.carried ? { policy, state: plan.carried(flightPlan) } : { policy, plan: flightPlan }],
    });
    started.push(handle);
    await handle.executeUpdate(awaitFlightRecorded);
    return handle;
  };
  return runWithWorker(env, { taskQueue, activities, started }, () => body(start));
}

let serial = 0;

/** A passenger whose checks pass for a flight departing within a day of `now`. */
function passenger(now: number, overrides: Partial<PassengerInput> = {}): PassengerInput {
  serial += 1;
  return {
    passengerId: randomUUID(),
    person: { familyName: 'Coulibaly', givenName: 'Issa', sex: 'M', dateOfBirth: '1996-07-14', nationality: 'MLI' },
    vulnerabilities: [],
    unaccompaniedMinor: false,
    biometricRef: `BIO-WF-${serial}`,
    consentSignedAt: new Date(now - 2 * DAY).toISOString(),
    fitToTravelAt: new Date(now - HOUR).toISOString(),
    ...overrides,
  };
}

const add = (handle: FlightHandle, p: PassengerInput) => handle.executeUpdate(flightUpdates.addPassenger, { args: [{ actor: officer, passenger: p }] });

/** Events the workflow itself recorded (the time-skipping server keeps a rejected update's workflow task). */
async function recordedEvents(handle: FlightHandle): Promise<number> {
  return ((await handle.fetchHistory()).events ?? []).filter(
    (e) => !String(temporal.api.enums.v1.EventType[e.eventType!]).startsWith('EVENT_TYPE_WORKFLOW_TASK_'),
  ).length;
}

/** Fills a flight with `n` passengers, locks it and departs it with the given no-shows (by index). */
async function departed(handle: FlightHandle, n: number, noShowIndexes: number[] = []) {
  const now = await env.currentTimeMs();
  const passengers: PassengerInput[] = [];
  for (let i = 0; i < n; i++) {
    const p = passenger(now);
    passengers.push(p);
    await add(handle, p);
  }
  await handle.executeUpdate(flightUpdates.lockManifest, { args: [{ actor: officer }] });
  const noShows = noShowIndexes.map((i) => passengers[i].passengerId);
  const departedAt = now - 3 * HOUR;
  const view = await handle.executeUpdate(flightUpdates.recordDeparture, { args: [{ actor: officer, departedAt: new Date(departedAt).toISOString(), noShows }] });
  return { passengers, view, departedAt };
}

test('the manifest never goes over capacity, and a refused passenger leaves no trace', async () => {
  const { calls, activities } = fakeActivities();
  await withWorker(activities, async (start) => {
    const handle = await start({ capacity: 2 });
    const now = await env.currentTimeMs();
    expect((await add(handle, passenger(now))).status).toBe('manifest_open');
    await add(handle, passenger(now));
    const before = await recordedEvents(handle);
    const refused = await refusal(add(handle, passenger(now)));
    expect(refused.message).toMatch(/the flight is full \(capacity 2\)/);
    expect(refused.type).toBe('stage_conflict');
    expect(await recordedEvents(handle)).toBe(before);
    expect(calls.steps).toEqual(['addPassenger', 'addPassenger']);
    expect((await handle.query(getFlightState)).passengers).toHaveLength(2);
  });
});

test(`a fit-to-travel check older than the window before departure is refused`, async () => {
  const { calls, activities } = fakeActivities();
  await withWorker(activities, async (start) => {
    const handle = await start({ departsInMs: DAY });
    const now = await env.currentTimeMs();
    // Departure in 24h, window 72h: the check must be from the last 48h.
    const stale = await refusal(add(handle, passenger(now, { fitToTravelAt: new Date(now - 49 * HOUR).toISOString() })));
    expect(stale.message).toMatch(/fit-to-travel check of .* is more than 72h before the scheduled departure/);
    expect(stale.type).toBe('rule_violation');
    const missingConsent = await refusal(add(handle, passenger(now, { consentSignedAt: '' })));
    expect(missingConsent.message).toMatch(/no signed consent/);
    await add(handle, passenger(now, { fitToTravelAt: new Date(now - 47 * HOUR).toISOString() }));
    expect(calls.steps).toEqual(['addPassenger']);
  });
});

test('an unaccompanied minor boards only on safeguards that allow travel, and the flight keeps none of their story', async () => {
  const { activities } = fakeActivities();
  await withWorker(activities, async (start) => {
    const handle = await start();
    const now = await env.currentTimeMs();
    const given = {
      bestInterests: { assessedAt: new Date(now - 7 * DAY).toISOString(), reference: 'BID-TIP-0412', determination: 'return_in_best_interests' as const },
      familyTracing: { status: 'in_progress' as const },
      consents: { minor: true, guardian: true },
    };
    const minor = passenger(now, {
      unaccompaniedMinor: true,
      person: { familyName: 'Diarra', givenName: 'Sekou', sex: 'M', dateOfBirth: '2010-02-01', nationality: 'MLI' },
      escort: 'Aminata Keita (IOM escort)',
      escortSeat: randomUUID(),
      safeguards: given,
    });
    // The seat is held while tracing goes on; boarding is what the safeguards decide.
    await add(handle, minor);
    const lock = (safeguards?: Record<string, MinorSafeguards>) =>
      handle.executeUpdate(flightUpdates.lockManifest, { args: [{ actor: officer, safeguards }] });
    const unknown = await refusal(lock());
    expect(unknown.type).toBe('rule_violation');
    expect(unknown.details[0]).toEqual([
      { passengerId: minor.passengerId, problems: [expect.stringMatching(/^an unaccompanied minor cannot travel before: a best-interests/)] },
    ]);
    const tracing = await refusal(lock({ [minor.passengerId]: { ...given, escort: minor.escort } }));
    expect(tracing.message).toBe(
      `1 passenger cannot board now: ${minor.passengerId} (an unaccompanied minor cannot travel before: ` +
        'family tracing that allows return (family found, or alternative care documented))',
    );

    const traced = { ...given, familyTracing: { status: 'done' as const, outcome: 'family_found' as const } };
    await handle.executeUpdate(flightUpdates.updatePassengerChecks, {
      args: [{ actor: officer, passengerId: minor.passengerId, safeguards: traced }],
    });
    expect((await lock({ [minor.passengerId]: { ...traced, escort: minor.escort } })).status).toBe('locked');
    const view = await handle.query(getFlightState);
    expect(view.passengers[0]).toMatchObject({ unaccompaniedMinor: true, escortNamed: true, safeguards: { reference: 'BID-TIP-0412' } });
    // Names, the date of birth, the escort and the tracing stay out of the workflow's state.
    expect(JSON.stringify(view)).not.toMatch(/Aminata|Sekou|Diarra|2010-02-01|family_found|in_progress/);
  });
});

test('escorts take seats: one per escort, however many children they accompany', async () => {
  const { activities } = fakeActivities();
  await withWorker(activities, async (start) => {
    const handle = await start({ capacity: 4 });
    const now = await env.currentTimeMs();
    const aminata = randomUUID();
    const child = (escortSeat: string) =>
      passenger(now, {
        unaccompaniedMinor: true,
        person: { familyName: 'Diarra', givenName: 'Awa', sex: 'F', dateOfBirth: '2009-06-01', nationality: 'MLI' },
        escort: 'Aminata Keita',
        escortSeat,
      });
    await add(handle, child(aminata));
    expect((await add(handle, child(aminata))).seatsTaken).toBe(3);
    const refused = await refusal(add(handle, child(randomUUID())));
    expect(refused).toMatchObject({ type: 'stage_conflict', message: expect.stringMatching(/the flight is full \(capacity 4\)/) });
    expect((await add(handle, passenger(now))).seatsTaken).toBe(4);
  });
});

test('a flight carried over from before the safeguards still runs: its minor boards once the safeguards are given', async () => {
  const { activities } = fakeActivities();
  await withWorker(activities, async (start) => {
    const now = await env.currentTimeMs();
    const minorId = randomUUID();
    // The state as the first rules left it: a minor with a named escort, no safeguards and no escort seat.
    const carried = (plan: FlightPlan): FlightState => ({
      ...newFlightState(plan),
      status: 'manifest_open',
      seq: 1,
      passengers: [
        {
          passengerId: minorId,
          nationality: 'MLI',
          consentSignedAt: new Date(now - DAY).toISOString(),
          fitToTravelAt: new Date(now - HOUR).toISOString(),
          unaccompaniedMinor: true,
          escortNamed: true,
          biometricRef: 'BIO-WF-CARRIED',
          addedAt: new Date(now - HOUR).toISOString(),
        },
      ],
    });
    const handle = await start({ capacity: 2, carried });
    // Its escort counts as a seat of its own: the flight is full.
    expect((await refusal(add(handle, passenger(now)))).message).toMatch(/the flight is full \(capacity 2\)/);
    const safeguards = {
      bestInterests: { assessedAt: new Date(now - DAY).toISOString(), reference: 'BID-OLD-1', determination: 'return_in_best_interests' as const },
      familyTracing: { status: 'done' as const, outcome: 'family_found' as const },
      consents: { minor: true, guardian: true },
    };
    const lock = (facts: Record<string, MinorSafeguards>) =>
      handle.executeUpdate(flightUpdates.lockManifest, { args: [{ actor: officer, safeguards: facts }] });
    expect((await refusal(lock({}))).details[0]).toEqual([{ passengerId: minorId, problems: [expect.stringMatching(/cannot travel before/)] }]);
    await handle.executeUpdate(flightUpdates.updatePassengerChecks, {
      args: [{ actor: officer, passengerId: minorId, safeguards, escort: 'Oumou Sangaré', escortSeat: randomUUID() }],
    });
    expect((await lock({ [minorId]: { ...safeguards, escort: 'Oumou Sangaré' } })).status).toBe('locked');
  });
});

test('the same person is never twice on a manifest, nor on two open flights', async () => {
  const { calls, activities } = fakeActivities({ heldElsewhere: new Set(['BIO-HELD']) });
  await withWorker(activities, async (start) => {
    const handle = await start();
    const now = await env.currentTimeMs();
    await add(handle, passenger(now, { biometricRef: 'BIO-ONCE', documentNumber: 'LP-0001' }));
    expect((await refusal(add(handle, passenger(now, { biometricRef: 'BIO-ONCE' })))).message).toMatch(/already on the manifest as passenger/);
    expect((await refusal(add(handle, passenger(now, { biometricRef: 'BIO-OTHER', documentNumber: 'LP-0001' })))).message).toMatch(
      /already on the manifest/,
    );
    // Another flight took the seat between the API's check and the write: the workflow refuses and keeps nothing.
    const raced = await refusal(add(handle, passenger(now, { biometricRef: 'BIO-HELD' })));
    expect(raced.message).toMatch(/already on open flight other-flight/);
    expect(raced.details).toEqual([{ flightId: 'other-flight', passengerId: 'other-passenger' }]);
    const state = await handle.query(getFlightState);
    expect(state.passengers.map((p) => p.biometricRef)).toEqual(['BIO-ONCE']);
    expect(state.seq).toBe(1);
    expect(calls.steps).toEqual(['addPassenger']);
  });
});

test('locking re-checks every passenger and lists who fails', async () => {
  const { activities } = fakeActivities();
  await withWorker(activities, async (start) => {
    const handle = await start({ departsInMs: DAY });
    const now = await env.currentTimeMs();
    const early = passenger(now, { fitToTravelAt: new Date(now - 30 * HOUR).toISOString() });
    const earlier = passenger(now, { fitToTravelAt: new Date(now - 40 * HOUR).toISOString() });
    const fresh = passenger(now, { fitToTravelAt: new Date(now).toISOString() });
    for (const p of [early, earlier, fresh]) await add(handle, p);
    // Delayed by two days: checks older than the new departure minus 72h (24h ago) no longer count.
    await handle.executeUpdate(flightUpdates.reschedule, { args: [{ actor: officer, scheduledDeparture: new Date(now + 3 * DAY).toISOString() }] });
    const lock = () => handle.executeUpdate(flightUpdates.lockManifest, { args: [{ actor: officer }] });
    const refused = await refusal(lock());
    expect(refused.type).toBe('rule_violation');
    expect(refused.message).toMatch(/^2 passengers cannot board now/);
    const failures = refused.details[0] as { passengerId: string; problems: string[] }[];
    expect(failures.map((f) => f.passengerId)).toEqual([early.passengerId, earlier.passengerId]);
    expect(failures[0].problems[0]).toMatch(/more than 72h before the scheduled departure/);
    expect((await handle.query(getFlightState)).status).toBe('manifest_open');

    await handle.executeUpdate(flightUpdates.updatePassengerChecks, {
      args: [{ actor: officer, passengerId: early.passengerId, fitToTravelAt: new Date(now).toISOString() }],
    });
    await handle.executeUpdate(flightUpdates.removePassenger, { args: [{ actor: officer, passengerId: earlier.passengerId }] });
    const locked = await lock();
    expect(locked.status).toBe('locked');
    expect(locked.passengerCount).toBe(2);
    expect((await refusal(add(handle, passenger(now)))).message).toMatch(/does not fit a flight that is locked/);
  });
});

test('departure records no-shows; only boarded passengers get a case', async () => {
  const { calls, activities } = fakeActivities();
  await withWorker(activities, async (start) => {
    const handle = await start();
    const now = await env.currentTimeMs();
    const ps = [passenger(now), passenger(now), passenger(now), passenger(now)];
    for (const p of ps) await add(handle, p);
    await handle.executeUpdate(flightUpdates.lockManifest, { args: [{ actor: officer }] });
    const depart = (noShows: string[]) =>
      handle.executeUpdate(flightUpdates.recordDeparture, { args: [{ actor: officer, departedAt: new Date(now).toISOString(), noShows }] });
    expect((await refusal(depart([randomUUID()]))).message).toMatch(/noShows names passengers not on the manifest/);
    const view = await depart([ps[1].passengerId]);
    expect(view.status).toBe('departed');
    expect(view.boarded).toBe(3);
    expect(view.noShows).toBe(1);
    expect((await handle.query(getFlightState)).passengers.find((p) => p.passengerId === ps[1].passengerId)?.boarding).toBe('no_show');

    await handle.executeUpdate(flightUpdates.recordArrival, { args: [{ actor: officer, arrivedAt: new Date(now).toISOString(), centreCode: 'BKO-MMEIA' }] });
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'closed', cases: { opened: 3 } });
    expect([...calls.opened.keys()].sort()).toEqual([ps[0], ps[2], ps[3]].map((p) => passengerCaseId(handle.workflowId.slice(7), p.passengerId)).sort());
  });
});

test('an arrival sent twice opens each case once; the same flight cannot arrive somewhere else', async () => {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { calls, activities } = fakeActivities({ gate });
  await withWorker(activities, async (start) => {
    const handle = await start();
    const { departedAt } = await departed(handle, 5);
    const arrival = { actor: officer, arrivedAt: new Date(departedAt + 2 * HOUR).toISOString(), centreCode: 'BKO-MMEIA' };
    const [first, second] = await Promise.all([
      handle.executeUpdate(flightUpdates.recordArrival, { args: [arrival] }),
      handle.executeUpdate(flightUpdates.recordArrival, { args: [arrival] }),
    ]);
    expect(first.status).toBe('arrived');
    expect(second.arrival).toEqual(first.arrival);
    expect(second.seq).toBe(first.seq);
    // The cases are still opening: a different arrival is refused, the flight stays as it is.
    const elsewhere = await refusal(handle.executeUpdate(flightUpdates.recordArrival, { args: [{ ...arrival, centreCode: 'GAO-PC' }] }));
    expect(elsewhere.message).toMatch(/does not fit a flight that is arrived/);
    release();
    expect((await handle.result()).status).toBe('closed');
    expect(calls.steps.filter((s) => s === 'recordArrival')).toHaveLength(1);
    expect(calls.attempts).toHaveLength(1);
    expect(calls.opened.size).toBe(5);
    expect([...calls.opened.values()].every((n) => n === 1)).toBe(true);
  });
});

test('a fan-out that fails mid-way is retried from its last heartbeat, and no case is opened twice in effect', async () => {
  const { calls, activities } = fakeActivities({ failOnOpenCall: 50 });
  await withWorker(activities, async (start) => {
    const handle = await start({ capacity: 60 });
    const { departedAt } = await departed(handle, 60, [7]);
    await handle.executeUpdate(flightUpdates.recordArrival, {
      args: [{ actor: officer, arrivedAt: new Date(departedAt + 2 * HOUR).toISOString(), centreCode: 'BKO-MMEIA' }],
    });
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'closed', cases: { opened: 59 } });
    expect(calls.attempts).toHaveLength(2);
    expect(calls.attempts[1].attempt).toBe(2);
    // The retry resumed from a heartbeat. The first one reaches the server at once and later ones are
    // throttled; this test server also drops the details a failure carries (the dev server keeps them),
    // so how far it resumes is checked in tests/unit/flight-fanout.test.ts.
    expect(calls.attempts[1].resumedFrom).toBeGreaterThanOrEqual(1);
    expect(calls.opened.size).toBe(59);
  });
});

test('a flight not departed within the grace period is flagged overdue until it departs', async () => {
  const { calls, activities } = fakeActivities();
  await withWorker(activities, async (start) => {
    const handle = await start({ departsInMs: HOUR });
    const now = await env.currentTimeMs();
    const p = passenger(now);
    await add(handle, p);
    await handle.executeUpdate(flightUpdates.lockManifest, { args: [{ actor: officer }] });
    await env.sleep(HOUR + 6 * HOUR - 60_000);
    expect((await handle.query(getFlightState)).overdue).toBe(false);
    await env.sleep(2 * 60_000);
    expect((await handle.query(getFlightState)).overdue).toBe(true);
    expect((await handle.describe()).typedSearchAttributes.get(FlightOverdue)).toBe(true);
    expect(calls.steps).toEqual(['addPassenger', 'lockManifest', 'markOverdue']);
    const departedAt = new Date(await env.currentTimeMs()).toISOString();
    const view = await handle.executeUpdate(flightUpdates.recordDeparture, { args: [{ actor: officer, departedAt, noShows: [] }] });
    expect(view.overdue).toBe(false);
    expect((await handle.describe()).typedSearchAttributes.get(FlightOverdue)).toBe(false);
  });
});

test('a cancelled flight ends and takes no more steps', async () => {
  const { activities } = fakeActivities();
  await withWorker(activities, async (start) => {
    const handle = await start();
    const now = await env.currentTimeMs();
    await add(handle, passenger(now));
    const view = await handle.executeUpdate(flightUpdates.cancelFlight, { args: [{ actor: officer, reason: 'airspace closed' }] });
    expect(view.status).toBe('cancelled');
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
  });
});
