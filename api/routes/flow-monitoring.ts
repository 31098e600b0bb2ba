import { listFlowObservations, recordFlowObservation } from '../../db/queries/flow-monitoring';
import { route } from '../route';
import { FlowObservationPage, FlowObservationQuery, FlowObservationSchema, FlowObservationView } from '../schemas/flow-monitoring';

const RECORDERS = ['flow_monitor', 'admin'] as const;
const READERS = ['flow_monitor', 'manager', 'admin'] as const;

// Counts by nationality at a point, never a person: no personal data, so no audit row (`audit: false`).
export const flowMonitoringRoutes = [
  route({
    method: 'post',
    path: '/v1/flow-monitoring/observations',
    summary: 'Record the day’s count at a flow-monitoring point',
    tag: 'flow monitoring',
    roles: RECORDERS,
    audit: false,
    body: FlowObservationSchema,
    responses: {
      201: { description: 'The count is recorded', schema: FlowObservationView },
      200: {
        description: 'The point already had a count for that day: the same counts (a retry) are left as they were, other counts replace them (a correction)',
        schema: FlowObservationView,
      },
    },
    async handler({ body, caller, deps }) {
      const { observation, created } = await recordFlowObservation(deps.db, { ...body, recordedBy: caller.sub });
      return { status: created ? 201 : 200, body: observation };
    },
  }),

  route({
    method: 'get',
    path: '/v1/flow-monitoring/observations',
    summary: 'List flow-monitoring counts',
    tag: 'flow monitoring',
    roles: READERS,
    audit: false,
    query: FlowObservationQuery,
    responses: { 200: { description: 'A page of counts by day, then point', schema: FlowObservationPage } },
    async handler({ query, deps }) {
      const { items, total } = await listFlowObservations(deps.db, query);
      return { status: 200, body: { items, total, page: query.page, pageSize: query.pageSize } };
    },
  }),
];
