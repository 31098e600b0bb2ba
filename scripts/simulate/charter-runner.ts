import type { Actor } from './actors';
import { iso } from './calendar';
import { biometricRefOf } from './case-step-requests';
import { keyOf, send, type SimulationContext } from './context';
import type { CharterPlan, Person } from './journey';

const MOVEMENT: Actor = { role: 'movement_officer' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Manifest entries added at once: the flight's workflow takes them one by one, the requests overlap. */
const ADDING_AT_ONCE = 4;

/**
 * A charter from Libya as the movement officer records it: planned, its manifest filled (each passenger
 * with consent and a fit-to-travel check), locked, departed with its no-shows, landed. The arrival opens
 * a case for every boarded passenger; once the flight has closed, their cases are known.
 *
 * Sira takes a flight's plan and fit-to-travel checks on the real calendar (a scheduled departure is not
 * in the past, a check is at most FIT_TO_TRAVEL_WINDOW before it): the flight is planned for the coming
 * hour, and only its departure and arrival carry the programme's business dates.
 */
export async function flyCharter(ctx: SimulationContext, charter: CharterPlan): Promise<boolean> {
  const what = (step: string) => ({ journey: charter.ref, step });
  const key = (...parts: (string | number)[]) => keyOf(ctx, charter.ref, ...parts);
  const now = Date.now();
  const planned = await send(
    ctx,
    what('flight plan'),
    MOVEMENT,
    'POST',
    '/v1/flights',
    {
      flightNumber: charter.flightNumber,
      origin: charter.origin,
      destination: charter.destination,
      scheduledDeparture: iso(now + 3_600_000),
      capacity: charter.capacity,
    },
    key('plan'),
  );
  if (!planned) return false;
  const flightId = (planned.body as { flightId: string }).flightId;
  const flight = `/v1/flights/${flightId}`;

  const entries: {
    ref: string;
    identity: string;
    person: Person;
    region?: string;
    vulnerabilities: string[];
  }[] = [
    ...charter.passengers.map((j) => ({
      ref: j.ref,
      identity: j.biometricRef,
      person: j.person,
      region: j.residenceRegion,
      vulnerabilities: j.vulnerabilities,
    })),
    ...charter.noShows.map((n) => ({ ref: n.ref, identity: n.ref, person: n.person, vulnerabilities: [] })),
  ];
  const passengerIds = new Map<string, string>();
  let next = 0;
  let failed = false;
  const add = async () => {
    while (next < entries.length && !failed) {
      const entry = entries[next++];
      const answer = await send(
        ctx,
        what(`passenger ${entry.ref}`),
        MOVEMENT,
        'POST',
        `${flight}/passengers`,
        {
          person: entry.person,
          ...(entry.region ? { residenceRegion: entry.region } : {}),
          vulnerabilities: entry.vulnerabilities,
          unaccompaniedMinor: false,
          biometricRef: biometricRefOf(entry.identity, ctx.runTag),
          consentSignedAt: iso(charter.consentSignedAt),
          fitToTravelAt: iso(Date.now() - 60_000),
        },
        key('passenger', entry.ref),
      );
      if (!answer) failed = true;
      else passengerIds.set(entry.ref, (answer.body as { passengerId: string }).passengerId);
    }
  };
  await Promise.all(Array.from({ length: ADDING_AT_ONCE }, add));
  if (failed) return false;

  if (!(await send(ctx, what('lock'), MOVEMENT, 'POST', `${flight}/lock`, undefined, key('lock'))))
    return false;
  const noShows = charter.noShows.map((n) => passengerIds.get(n.ref)!);
  if (
    !(await send(
      ctx,
      what('departure'),
      MOVEMENT,
      'POST',
      `${flight}/departure`,
      { departedAt: iso(charter.departedAt), noShows },
      key('departure'),
    ))
  )
    return false;
  if (
    !(await send(
      ctx,
      what('arrival'),
      MOVEMENT,
      'POST',
      `${flight}/arrival`,
      { arrivedAt: iso(charter.arrivedAt), centreCode: charter.centreCode },
      key('arrival'),
    ))
  )
    return false;
  ctx.ledger.chartersLanded.push({ ref: charter.ref, arrivedAt: charter.arrivedAt });

  // The flight closes once every boarded passenger's case exists.
  const token = await ctx.actors.token(MOVEMENT);
  const until = Date.now() + 10 * 60_000;
  while (Date.now() < until) {
    const answer = await ctx.http.request('GET', flight, { token });
    const detail = answer.body as {
      status?: string;
      passengers?: { passengerId: string; caseId: string | null }[];
    };
    if (answer.status === 200 && detail.status === 'closed') {
      const caseOf = new Map(detail.passengers!.map((p) => [p.passengerId, p.caseId]));
      for (const journey of charter.passengers) {
        const caseId = caseOf.get(passengerIds.get(journey.ref)!);
        if (caseId) {
          ctx.ledger.open(journey, caseId);
          ctx.stats.casesOpened += 1;
        } else {
          ctx.stats.refuse({
            status: 0,
            journey: journey.ref,
            step: 'charter case',
            body: `flight ${charter.flightNumber} closed without a case for passenger ${journey.ref}`,
          });
        }
      }
      return true;
    }
    await sleep(500);
  }
  ctx.stats.refuse({
    status: 0,
    journey: charter.ref,
    step: 'flight closure',
    body: `flight ${flightId} did not close within 10 minutes of its arrival`,
  });
  return false;
}
