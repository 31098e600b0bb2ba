import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { findOpenBooking, flightDetail, listFlights } from '../../db/queries/flights';
import type { Actor } from '../../domain/case-state';
import type { FlightPlan, FlightPolicy, FlightStatus as Status } from '../../domain/flight';
import { isFinished } from '../../domain/flight';
import { ROLES } from '../../domain/reference';
import type { Config } from '../../platform/config';
import { charterFlight } from '../../workflows/flight';
import { awaitFlightRecorded, type FlightSummary, flightUpdates } from '../../workflows/flight-messages';
import { flightWorkflowId } from '../../workflows/ids';
import { FlightId, FlightOverdue, FlightStatus } from '../../workflows/search-attributes';
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
  PassengerSchema,
  RescheduleSchema,
} from '../schemas/flights';

const MANAGERS = ['movement_officer'] as const;
const READERS = ROLES;

const STEP_RESPONSES = {
  200: { description: 'The step was taken; the new state of the flight' },
  404: { description: 'No such flight' },
  409: { description: "The step does not fit the flight's state (or the person is already booked)" },
  422: {
    description: 'The content breaks a rule; a refused lock lists each failing passenger in `failures`',
  },
};

export function flightPolicy(config: Config): FlightPolicy {
  return {
    fitToTravelWindowMs: config.FIT_TO_TRAVEL_WINDOW,
    departureGraceMs: config.FLIGHT_DEPARTURE_GRACE,
  };
}

/** Starts the flight's workflow and waits until its row exists; starting the same flightId twice reuses it. */
export async function startFlight(client: Client, config: Config, plan: FlightPlan): Promise<void> {
  const start = new WithStartWorkflowOperation(charterFlight, {
    workflowId: flightWorkflowId(plan.flightId),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ policy: flightPolicy(config), plan }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: FlightId, value: plan.flightId },
      { key: FlightStatus, value: 'planned' },
      { key: FlightOverdue, value: false },
    ],
  });
  await client.withDeadline(Date.now() + config.UPDATE_DEADLINE, () =>
    client.workflow.executeUpdateWithStart(awaitFlightRecorded, { startWorkflowOperation: start }),
  );
}

async function flightRow(
  deps: ApiDeps,
  flightId: string,
): Promise<{ status: Status; arrived_at: Date | null; centre_code: string | null }> {
  const row = await deps
    .db('flights')
    .where({ flight_id: flightId })
    .first('status', 'arrived_at', 'centre_code');
  if (!row) throw problem(404, `no flight ${flightId}`);
  return row;
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
): Promise<FlightSummary> {
  const row = await flightRow(deps, flightId);
  if (isFinished(row.status)) throw problem(409, `the flight is ${row.status}`, { flightId });
  const actor: Actor = { sub: caller.sub, role: caller.role };
  const handle = deps.temporal.workflow.getHandle(flightWorkflowId(flightId));
  try {
    return await deps.temporal.withDeadline(Date.now() + deps.config.UPDATE_DEADLINE, () =>
      handle.executeUpdate(flightUpdates[name] as Updates['lockManifest'], {
        args: [{ ...input, actor } as never],
      }),
    );
  } catch (error) {
    throw flightProblem(error, flightId);
  }
}

function flightProblem(error: unknown, flightId: string): unknown {
  // A refused lock lists the failing passengers; a lost booking race names the other flight.
  return updateProblem(error, { noun: 'flight', ids: { flightId } }, (details) =>
    Array.isArray(details) ? { failures: details } : details && typeof details === 'object' ? { bookedOn: details } : {},
  );
}

/** A route that turns a validated body into one Update of the flight's workflow. */
function flightStepRoute<B extends z.ZodType, K extends keyof Updates>(spec: {
  method: 'post' | 'put';
  path: string;
  summary: string;
  body?: B;
  step: K;
}): RouteSpec {
  return route({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tag: 'flights',
    roles: MANAGERS,
    params: FlightIdParams,
    body: spec.body,
    responses: STEP_RESPONSES,
    async handler({ params, body, caller, deps }) {
      const input = (body ?? {}) as Omit<ArgsOf<K>, 'actor'>;
      return { status: 200, body: await runFlightStep(deps, caller, params.flightId, spec.step, input) };
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
    roles: MANAGERS,
    body: FlightPlanSchema,
    responses: { 201: { description: 'Flight planned; its workflow runs', schema: CreatedFlight } },
    async handler({ body, caller, deps }) {
      const flightId = randomUUID();
      await startFlight(deps.temporal, deps.config, {
        ...body,
        flightId,
        createdBy: caller.sub,
        createdAt: new Date().toISOString(),
      });
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
      200: { description: 'The flight with its manifest, boarding outcomes, cases and history' },
      404: { description: 'No such flight' },
    },
    async handler({ params, deps }) {
      const detail = await flightDetail(deps.db, params.flightId);
      if (!detail) throw problem(404, `no flight ${params.flightId}`);
      return { status: 200, body: detail };
    },
  }),

  route({
    method: 'post',
    path: '/v1/flights/:flightId/passengers',
    summary: 'Add a passenger to the manifest',
    tag: 'flights',
    roles: MANAGERS,
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
          capacity: z.number(),
        }),
      },
    },
    async handler({ params, body, caller, deps }) {
      await flightRow(deps, params.flightId);
      // The partial unique index settles a race; this answers the common case before the workflow is asked.
      const booked = await findOpenBooking(deps.db, body);
      if (booked) {
        throw problem(
          409,
          `the same person is already on ${booked.flightId === params.flightId ? 'this manifest' : `open flight ${booked.flightId}`}`,
          {
            flightId: params.flightId,
            bookedOn: booked,
          },
        );
      }
      const passengerId = randomUUID();
      const view = await runFlightStep(deps, caller, params.flightId, 'addPassenger', {
        passenger: { ...body, passengerId },
      });
      return {
        status: 201,
        headers: { Location: `/v1/flights/${params.flightId}/passengers/${passengerId}` },
        body: {
          passengerId,
          flightId: params.flightId,
          status: view.status,
          passengerCount: view.passengerCount,
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
    roles: MANAGERS,
    params: PassengerParams,
    responses: STEP_RESPONSES,
    async handler({ params, caller, deps }) {
      return {
        status: 200,
        body: await runFlightStep(deps, caller, params.flightId, 'removePassenger', {
          passengerId: params.passengerId,
        }),
      };
    },
  }),

  route({
    method: 'put',
    path: '/v1/flights/:flightId/passengers/:passengerId/checks',
    summary: "Record a passenger's new checks",
    tag: 'flights',
    roles: MANAGERS,
    params: PassengerParams,
    body: PassengerChecksSchema,
    responses: STEP_RESPONSES,
    async handler({ params, body, caller, deps }) {
      const view = await runFlightStep(deps, caller, params.flightId, 'updatePassengerChecks', {
        passengerId: params.passengerId,
        ...body,
      });
      return { status: 200, body: view };
    },
  }),

  flightStepRoute({
    method: 'put',
    path: '/v1/flights/:flightId/schedule',
    summary: 'Reschedule a flight',
    body: RescheduleSchema,
    step: 'reschedule',
  }),

  flightStepRoute({
    method: 'post',
    path: '/v1/flights/:flightId/lock',
    summary: 'Lock the manifest',
    step: 'lockManifest',
  }),

  flightStepRoute({
    method: 'post',
    path: '/v1/flights/:flightId/departure',
    summary: 'Record the departure',
    body: DepartureSchema,
    step: 'recordDeparture',
  }),

  route({
    method: 'post',
    path: '/v1/flights/:flightId/arrival',
    summary: 'Record the arrival',
    tag: 'flights',
    roles: MANAGERS,
    params: FlightIdParams,
    body: ArrivalSchema,
    responses: {
      ...STEP_RESPONSES,
      200: {
        description:
          "The flight arrived; each boarded passenger's case opens, and the flight closes once every one exists",
      },
    },
    async handler({ params, body, caller, deps }) {
      const row = await flightRow(deps, params.flightId);
      // The same arrival sent again after the flight closed: nothing to do, and nothing new is opened.
      const repeat =
        row.status === 'closed' &&
        row.arrived_at?.getTime() === Date.parse(body.arrivedAt) &&
        row.centre_code === body.centreCode;
      if (repeat) return { status: 200, body: await flightDetail(deps.db, params.flightId) };
      return { status: 200, body: await runFlightStep(deps, caller, params.flightId, 'recordArrival', body) };
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
