import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ARRIVAL_CONCURRENCY } from '../activities/flight-activities';
import type { Registration } from '../domain/registration';
import { startCase } from '../platform/case-starter';
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { startTestStack, type TestStack } from '../tests/support/stack';
import { buildWorkflowBundle } from '../worker/bundle';

/**
 * Arrival of a charter flight: seconds from the arrival request until every passenger's case
 * workflow is running (its row exists), next to starting the same number of case workflows directly
 * from a client loop with the same concurrency, in the same run against the same servers. The servers
 * are started here as the tests start them (embedded Postgres unless DATABASE_URL is set, a Temporal
 * dev server), or taken from DATABASE_URL and TEMPORAL_ADDRESS when both are set (that Temporal must
 * have Sira's search attributes registered). The worker and the API run in this process, on a fresh
 * database and their own task queue.
 *
 *   npm run bench:flights -- [passengers=160]
 */
const PASSENGERS = Number(process.argv[2] ?? 160);
const HOUR = 3_600_000;
const TARGET_RATIO = 1.5;

const seconds = (ms: number) => (ms / 1000).toFixed(2);

function person(i: number) {
  return { familyName: 'Traoré', givenName: `Passenger ${i}`, sex: i % 5 === 0 ? 'F' : 'M', dateOfBirth: '1995-03-02', nationality: 'MLI' } as const;
}

async function buildDepartedFlight(stack: TestStack, token: string): Promise<string> {
  const auth = { Authorization: `Bearer ${token}` };
  const created = await stack.api
    .post('/v1/flights')
    .set(auth)
    .send({ flightNumber: '5A 1033', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + HOUR).toISOString(), capacity: PASSENGERS });
  if (created.status !== 201) throw new Error(`plan: ${created.status} ${JSON.stringify(created.body)}`);
  const flightId = created.body.flightId as string;
  for (let i = 0; i < PASSENGERS; i++) {
    const res = await stack.api
      .post(`/v1/flights/${flightId}/passengers`)
      .set(auth)
      .send({
        person: person(i),
        vulnerabilities: [],
        unaccompaniedMinor: false,
        biometricRef: `BENCH-FL-${flightId.slice(0, 8)}-${i}`,
        consentSignedAt: new Date(Date.now() - 24 * HOUR).toISOString(),
        fitToTravelAt: new Date(Date.now() - HOUR).toISOString(),
      });
    if (res.status !== 201) throw new Error(`passenger ${i}: ${res.status} ${JSON.stringify(res.body)}`);
    if ((i + 1) % 40 === 0) process.stdout.write(`  manifest ${i + 1}/${PASSENGERS}\n`);
  }
  for (const [path, body] of [
    ['lock', undefined],
    ['departure', { departedAt: new Date(Date.now() - 3 * HOUR).toISOString(), noShows: [] }],
  ] as const) {
    const res = await stack.api.post(`/v1/flights/${flightId}/${path}`).set(auth).send(body);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return flightId;
}

async function countCases(stack: TestStack, where: Record<string, string>): Promise<number> {
  const [{ count }] = await stack.db('cases').where(where).count<{ count: number }[]>({ count: '*' });
  return Number(count);
}

/** Seconds from the arrival request until every boarded passenger's case workflow is running. */
async function timeArrival(stack: TestStack, token: string, flightId: string) {
  const started = performance.now();
  const res = await stack.api
    .post(`/v1/flights/${flightId}/arrival`)
    .set({ Authorization: `Bearer ${token}` })
    .send({ arrivedAt: new Date(Date.now() - HOUR).toISOString(), centreCode: 'BKO-MMEIA' });
  if (res.status !== 200) throw new Error(`arrival: ${res.status} ${JSON.stringify(res.body)}`);
  const answered = performance.now() - started;
  while ((await countCases(stack, { flight_id: flightId })) < PASSENGERS) await new Promise((r) => setTimeout(r, 10));
  const allRunning = performance.now() - started;
  for (;;) {
    const row = await stack.db('flights').where({ flight_id: flightId }).first('status');
    if (row.status === 'closed') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { answered, allRunning, closed: performance.now() - started };
}

/** Seconds to start the same number of case workflows straight from a client, as many at once as the fan-out. */
async function timeClientLoop(stack: TestStack, officer: string) {
  const flightId = `direct-${randomUUID()}`;
  const registrations = Array.from({ length: PASSENGERS }, (_, i) => benchRegistration(flightId, i, 'DIRECT', officer));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: ARRIVAL_CONCURRENCY }, async () => {
      while (next < registrations.length) await startCase(stack.client, stack.config, registrations[next++]);
    }),
  );
  const elapsed = performance.now() - started;
  const rows = await countCases(stack, { flight_id: flightId });
  if (rows !== PASSENGERS) throw new Error(`the client loop left ${rows} cases, not ${PASSENGERS}`);
  return elapsed;
}

/** Starts the servers the way the tests do, unless external ones are configured; returns how to stop them. */
async function servers(): Promise<() => Promise<void>> {
  const { DATABASE_URL, TEMPORAL_ADDRESS } = process.env;
  if (!TEMPORAL_ADDRESS) {
    await globalSetup();
    return globalTeardown;
  }
  if (!DATABASE_URL) throw new Error('with TEMPORAL_ADDRESS, set DATABASE_URL too (a Postgres where the benchmark may create a database)');
  process.env.SIRA_TEST_ADMIN_DATABASE_URL = DATABASE_URL;
  process.env.SIRA_TEST_TEMPORAL_ADDRESS = TEMPORAL_ADDRESS;
  process.env.SIRA_TEST_WORKFLOW_BUNDLE = await buildWorkflowBundle(path.resolve(__dirname, '../.data/bench/workflow-bundle.js'));
  return async () => {};
}

async function main() {
  const stopServers = await servers();
  const stack = await startTestStack();
  try {
    const movement = await stack.token('movement_officer', { sub: 'bench-movement' });
    console.log(`flight arrival benchmark: ${PASSENGERS} passengers, ${ARRIVAL_CONCURRENCY} case starts at a time`);
    // Warm the worker's workflow cache and connections so neither measurement pays for it.
    await timeClientLoopWarmUp(stack);
    const flightId = await buildDepartedFlight(stack, movement);
    const arrival = await timeArrival(stack, movement, flightId);
    const direct = await timeClientLoop(stack, 'bench-officer');
    const ratio = arrival.allRunning / direct;
    console.log(`  arrival answered                  ${seconds(arrival.answered)} s`);
    console.log(`  arrival → every case running      ${seconds(arrival.allRunning)} s   (flight closed at ${seconds(arrival.closed)} s)`);
    console.log(`  client loop → every case running  ${seconds(direct)} s`);
    console.log(`  ratio                             ${ratio.toFixed(2)}   (target ≤ ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? 'OK' : 'ABOVE TARGET'}`);
  } finally {
    await stack.stop();
    await stopServers();
  }
}

/** A charter passenger's registration, as the arrival fan-out would build it. */
function benchRegistration(flightId: string, i: number, tag: string, officer: string): Registration {
  return {
    caseId: randomUUID(),
    track: 'reintegration',
    person: person(i),
    arrival: { mode: 'charter', arrivedAt: new Date(Date.now() - HOUR).toISOString(), fromCountry: 'LBY', flightId },
    centreCode: 'BKO-MMEIA',
    vulnerabilities: [],
    unaccompaniedMinor: false,
    biometricRef: `BENCH-${tag}-${flightId.slice(7, 15)}-${i}`,
    consentToDataProcessing: true,
    officer,
    registeredAt: new Date().toISOString(),
  };
}

async function timeClientLoopWarmUp(stack: TestStack) {
  const flightId = `warmup-${randomUUID()}`;
  await Promise.all(
    Array.from({ length: ARRIVAL_CONCURRENCY }, (_, i) =>
      startCase(stack.client, stack.config, benchRegistration(flightId, i, 'WARM', 'bench-officer')),
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
