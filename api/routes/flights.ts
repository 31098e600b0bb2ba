import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  boardingSafeguards,
  childCaseSafeguards,
  escortSeatOf,
  findOpenBooking,
  manifestEntry,
  manifestMinors,
} from '../../db/queries/flight-manifest';
import { flightDetail, flightStandingOf, listFlights } from '../../db/queries/flight-reads';
import { isMinorOn } from '../../domain/age';
import type { Actor } from '../../domain/case-state';
import type { PassengerIdentity } from '../../domain/flight';
import { isFinished, PRE_DEPARTURE } from '../../domain/flight';
import type { MinorSafeguards } from '../../domain/minor-safeguards';
import { type Role, ROLES } from '../../domain/reference';
import { startFlight } from '../../platform/flight-starter';
import { type FlightSummary, flightUpdates, type MinorOnBoard } from '../../workflows/flight-messages';
import { flightWorkflowId } from '../../workflows/ids';
import type { Caller } from '../auth';
import type { ApiDeps } from '../deps';
import { problem } from '../problem';
import { route, type RouteSpec } from '../route';
import { updateProblem } from '../update-problem';
import {
  ArrivalSchema,
  CancellationSchema,
  DepartureSchema,
  FlightIdParams,
  FlightListQuery,
  FlightPlanSchema,
  PassengerChecksSchema,
  PassengerParams,
  minorAtDeparture,
  PassengerSchema,
  RescheduleSchema,
} from '../schemas/flights';
import { executeUpdate } from '../../platform/update-delivery';

const MOVEMENT_OFFICERS = ['movement_officer'] as const;
const READERS = ROLES;
/**
 * Who reads a manifest's passengers (names, dates of birth, identity keys): those who build it and
 * those who answer for the programme. Everyone else reads the flight without them (status, dates,
 * counts: what a reception centre needs to expect an arrival) and its history without step details.
 */
export const MANIFEST_READERS: readonly Role[] = ['movement_officer', 'manager', 'admin'];

const STEP_RESPONSES = {
  200: { description: 'The step was taken; the new state of the flight' },
  404: { description: 'No such flight' },
  409: { description: "The step does not fit the flight's state (or the person is already booked)" },
  422: {
    description: 'The content breaks a rule; a refused lock lists each failing passenger in `failures`',
  },
};

/** The flight as a step's checks need it; 404 when there is no such flight. */
async function flightStanding(deps: ApiDeps, flightId: string) {
  const flight = await flightStandingOf(deps.db, flightId);
  if (!flight) throw problem(404, `no flight ${flightId}`);
  return flight;
}

/**
 * What a manifest entry of an unaccompanied minor carries besides the person: the safeguards given
 * with them or, for a child who already has a case, those recorded on it (the escort named there
 * too, unless the entry names one); and the seat of their escort, shared with the other children
 * the same escort accompanies on this flight.
 */
async function minorOnBoard(
  deps: ApiDeps,
  flightId: string,
  child: PassengerIdentity,
  given: { safeguards?: Omit<MinorSafeguards, 'escort'>; caseId?: string; escort?: string },
): Promise<MinorOnBoard & { escort?: string }> {
  let { safeguards, escort } = given;
  if (given.caseId) {
    const recorded = await childCaseSafeguards(deps.db, given.caseId, child);
    if (!recorded) {
      throw problem(422, `case ${given.caseId} is not this child's open case`, {
        errors: [
          {
            path: 'caseId',
            message: 'must be the open case of the same person (biometricRef or documentNumber)',
          },
        ],
      });
    }
    safeguards = recorded.safeguards;
    escort ??= recorded.escort;
  }
  const escortSeat = escort ? ((await escortSeatOf(deps.db, flightId, escort)) ?? randomUUID()) : undefined;
  return { safeguards, safeguardsCaseId: given.caseId, escort, escortSeat };
}

type Updates = typeof flightUpdates;
type ArgsOf<K extends keyof Updates> =
  Updates[K] extends UpdateDefinition<FlightSummary, [infer A]> ? A : never;

/** Sends a step to the flight's workflow; a refusal becomes 409 or 422, with the failing passengers of a lock. */
async function runFlightStep<K extends keyof Updates>(
  deps: ApiDeps,
  caller: Caller,
  flightId: string,
  name: K,
  input: Omit<ArgsOf<K>, 'actor'>,
  /** The Update ID: the same for a retry with the same Idempotency-Key, so Temporal applies the step once. */
  updateId?: string,
): Promise<FlightSummary> {
  const flight = await flightStanding(deps, flightId);
  if (isFinished(flight.status)) throw problem(409, `the flight is ${flight.status}`, { flightId });
  const actor: Actor = { sub: caller.sub, role: caller.role };
  const handle = deps.temporal.workflow.getHandle(flightWorkflowId(flightId));
  try {
    return await deps.temporal.withDeadline(Date.now() + deps.config.UPDATE_DEADLINE, () =>
      executeUpdate(handle, flightUpdates[name] as Updates['lockManifest'], {
        args: [{ ...input, actor } as never],
        updateId,
      }),
    );
  } catch (error) {
    throw flightProblem(error, flightId);
  }
}

function flightProblem(error: unknown, flightId: string): unknown {
  // A refused lock lists the failing passengers; a lost booking race names the other flight.
  return updateProblem(error, { noun: 'flight', ids: { flightId } }, (details) =>
    Array.isArray(details)
      ? { failures: details }
      : details && typeof details === 'object'
        ? { bookedOn: details }
        : {},
  );
}

/**
 * A route that turns a validated body into one Update of the flight's workflow. A boarding step also
 * carries the current safeguards of the manifest's unaccompanied minors, which the workflow cannot read.
 */
function flightStepRoute<B extends z.ZodType, K extends keyof Updates>(spec: {
  method: 'post' | 'put';
  path: string;
  summary: string;
  body?: B;
  step: K;
  boarding?: true;
}): RouteSpec {
  return route({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tag: 'flights',
    roles: MOVEMENT_OFFICERS,
    params: FlightIdParams,
    body: spec.body,
    responses: STEP_RESPONSES,
    async handler({ params, body, caller, deps, operation }) {
      const safeguards = spec.boarding
        ? { safeguards: await boardingSafeguards(deps.db, params.flightId) }
        : {};
      const input = { ...(body ?? {}), ...safeguards } as Omit<ArgsOf<K>, 'actor'>;
      return {
        status: 200,
        body: await runFlightStep(deps, caller, params.flightId, spec.step, input, operation.id),
      };
    },
  });
}

const CreatedFlight = z.object({ flightId: z.uuid(), workflowId: z.string(), status: z.string() });

export const flightRoutes = [
  route({
    method: 'post',
    path: '/v1/flights',
    summary: 'Plan a charter flight',
    tag: 'flights',
    roles: MOVEMENT_OFFICERS,
    body: FlightPlanSchema,
    responses: { 201: { description: 'Flight planned; its workflow runs', schema: CreatedFlight } },
    async handler({ body, caller, deps, operation }) {
      // With an Idempotency-Key the flight id is the operation's: a retry finds the flight it planned.
      const flightId = operation.id;
      // The plan waits for the flight's row; a worker that does not answer in time gives a 503, not a hang.
      await deps.temporal.withDeadline(Date.now() + deps.config.UPDATE_DEADLINE, () =>
        startFlight(deps.temporal, deps.config, { ...body, flightId, createdBy: caller.sub, createdAt: new Date().toISOString() }),
      );
      return {
        status: 201,
        headers: { Location: `/v1/flights/${flightId}` },
        body: { flightId, workflowId: flightWorkflowId(flightId), status: 'planned' },
      };
    },
  }),

  route({
    method: 'get',
    path: '/v1/flights',
    summary: 'List flights',
    tag: 'flights',
    roles: READERS,
    query: FlightListQuery,
    responses: { 200: { description: 'A page of flights, from the Postgres projection' } },
    async handler({ query, deps }) {
      const { items, total } = await listFlights(deps.db, query);
      return { status: 200, body: { items, total, page: query.page, pageSize: query.pageSize } };
    },
  }),

  route({
    method: 'get',
    path: '/v1/flights/:flightId',
    summary: 'Read a flight',
    tag: 'flights',
    roles: READERS,
    params: FlightIdParams,
    responses: {
      200: {
        description:
          'The flight with its manifest, boarding outcomes, cases and history; the passengers and step details only for movement officers, managers and admins (`manifestWithheld` for others)',
      },
      404: { description: 'No such flight' },
    },
    async handler({ params, caller, deps }) {
      const detail = await flightDetail(deps.db, params.flightId);
      if (!detail) throw problem(404, `no flight ${params.flightId}`);
      if (MANIFEST_READERS.includes(caller.role)) return { status: 200, body: detail };
      const { passengers: _passengers, history, ...flight } = detail;
      return { status: 200, body: { ...flight, manifestWithheld: true, history: history.map(({ detail: _detail, ...step }) => step) } };
    },
  }),

  route({
    method: 'post',
    path: '/v1/flights/:flightId/passengers',
    summary: 'Add a passenger to the manifest',
    tag: 'flights',
    roles: MOVEMENT_OFFICERS,
    params: FlightIdParams,
    body: PassengerSchema,
    responses: {
      ...STEP_RESPONSES,
      201: {
        description: 'The passenger is on the manifest',
        schema: z.object({
          passengerId: z.uuid(),
          flightId: z.uuid(),
          status: z.string(),
          passengerCount: z.number(),
          seatsTaken: z.number().meta({ description: "Passengers and their minors' escorts" }),
          capacity: z.number(),
        }),
      },
    },
    async handler({ params, body, caller, deps, operation }) {
      const flight = await flightStanding(deps, params.flightId);
      const tooOld = minorAtDeparture(body, flight.scheduledDeparture.toISOString());
      if (tooOld.length) throw problem(422, tooOld[0].message, { errors: tooOld });
      // The partial unique index settles a race; this answers the common case before the workflow is asked.
      const booked = await findOpenBooking(deps.db, body);
      if (booked && booked.passengerId !== operation.id) {
        throw problem(
          409,
          `the same person is already on ${booked.flightId === params.flightId ? 'this manifest' : `open flight ${booked.flightId}`}`,
          {
            flightId: params.flightId,
            bookedOn: booked,
          },
        );
      }
      // With an Idempotency-Key the passenger id is the operation's: a retry finds the entry it added.
      const passengerId = operation.id;
      const { safeguards, caseId, ...passenger } = body;
      const minor = body.unaccompaniedMinor
        ? await minorOnBoard(deps, params.flightId, body, { safeguards, caseId, escort: body.escort })
        : {};
      const view = await runFlightStep(
        deps,
        caller,
        params.flightId,
        'addPassenger',
        {
          passenger: { ...passenger, ...minor, passengerId },
        },
        operation.id,
      );
      return {
        status: 201,
        headers: { Location: `/v1/flights/${params.flightId}/passengers/${passengerId}` },
        body: {
          passengerId,
          flightId: params.flightId,
          status: view.status,
          passengerCount: view.passengerCount,
          seatsTaken: view.seatsTaken,
          capacity: view.capacity,
        },
      };
    },
  }),

  route({
    method: 'delete',
    path: '/v1/flights/:flightId/passengers/:passengerId',
    summary: 'Remove a passenger from the manifest',
    tag: 'flights',
    roles: MOVEMENT_OFFICERS,
    params: PassengerParams,
    responses: STEP_RESPONSES,
    async handler({ params, caller, deps, operation }) {
      return {
        status: 200,
        body: await runFlightStep(
          deps,
          caller,
          params.flightId,
          'removePassenger',
          {
            passengerId: params.passengerId,
          },
          operation.id,
        ),
      };
    },
  }),

  route({
    method: 'put',
    path: '/v1/flights/:flightId/passengers/:passengerId/checks',
    summary: "Record a passenger's new checks",
    tag: 'flights',
    roles: MOVEMENT_OFFICERS,
    params: PassengerParams,
    body: PassengerChecksSchema,
    responses: STEP_RESPONSES,
    async handler({ params, body, caller, deps, operation }) {
      const { safeguards, caseId, ...checks } = body;
      const entry = await manifestEntry(deps.db, params.flightId, params.passengerId);
      if ((safeguards || caseId) && entry && !entry.unaccompaniedMinor) {
        throw problem(422, 'only an unaccompanied minor carries safeguards', {
          errors: [
            {
              path: safeguards ? 'safeguards' : 'caseId',
              message: 'only an unaccompanied minor carries safeguards',
            },
          ],
        });
      }
      // A child's new safeguards or escort come with the escort's seat; the escort already named stays.
      const minor =
        entry?.unaccompaniedMinor && (safeguards || caseId || checks.escort)
          ? await minorOnBoard(deps, params.flightId, entry, {
              safeguards,
              caseId,
              escort: checks.escort ?? entry.escort,
            })
          : {};
      const view = await runFlightStep(
        deps,
        caller,
        params.flightId,
        'updatePassengerChecks',
        {
          passengerId: params.passengerId,
          ...checks,
          ...minor,
        },
        operation.id,
      );
      return { status: 200, body: view };
    },
  }),

  route({
    method: 'put',
    path: '/v1/flights/:flightId/schedule',
    summary: 'Reschedule a flight',
    tag: 'flights',
    roles: MOVEMENT_OFFICERS,
    params: FlightIdParams,
    body: RescheduleSchema,
    responses: STEP_RESPONSES,
    async handler({ params, body, caller, deps, operation }) {
      // An unaccompanied minor must still be one on the new departure.
      const flight = await flightStanding(deps, params.flightId);
      const minors = PRE_DEPARTURE.includes(flight.status)
        ? await manifestMinors(deps.db, params.flightId)
        : [];
      const grownUp = minors.filter((m) => !isMinorOn(m.dateOfBirth, body.scheduledDeparture));
      if (grownUp.length) {
        const ids = grownUp.map((m) => m.passengerId).join(', ');
        throw problem(422, `unaccompanied minors would be 18 by the new departure: ${ids}`, {
          errors: [
            {
              path: 'scheduledDeparture',
              message: `unaccompanied minors on the manifest would be 18 by then: ${ids}`,
            },
          ],
        });
      }
      return {
        status: 200,
        body: await runFlightStep(deps, caller, params.flightId, 'reschedule', body, operation.id),
      };
    },
  }),

  flightStepRoute({
    method: 'post',
    path: '/v1/flights/:flightId/lock',
    summary: 'Lock the manifest',
    step: 'lockManifest',
    boarding: true,
  }),

  flightStepRoute({
    method: 'post',
    path: '/v1/flights/:flightId/departure',
    summary: 'Record the departure',
    body: DepartureSchema,
    step: 'recordDeparture',
    boarding: true,
  }),

  route({
    method: 'post',
    path: '/v1/flights/:flightId/arrival',
    summary: 'Record the arrival',
    tag: 'flights',
    roles: MOVEMENT_OFFICERS,
    params: FlightIdParams,
    body: ArrivalSchema,
    responses: {
      ...STEP_RESPONSES,
      200: {
        description:
          "The flight arrived; each boarded passenger's case opens, and the flight closes once every one exists",
      },
    },
    async handler({ params, body, caller, deps, operation }) {
      const flight = await flightStanding(deps, params.flightId);
      // The same arrival sent again after the flight closed: nothing to do, and nothing new is opened.
      const repeat =
        flight.status === 'closed' &&
        flight.arrivedAt?.getTime() === Date.parse(body.arrivedAt) &&
        flight.centreCode === body.centreCode;
      if (repeat) return { status: 200, body: await flightDetail(deps.db, params.flightId) };
      return {
        status: 200,
        body: await runFlightStep(deps, caller, params.flightId, 'recordArrival', body, operation.id),
      };
    },
  }),

  flightStepRoute({
    method: 'post',
    path: '/v1/flights/:flightId/cancellation',
    summary: 'Cancel a flight',
    body: CancellationSchema,
    step: 'cancelFlight',
  }),
];
