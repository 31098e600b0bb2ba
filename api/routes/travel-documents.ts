import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { listTravelDocuments, travelDocumentDetail } from '../../db/queries/travel-documents';
import type { TravelDocumentRequest } from '../../domain/travel-document';
import { travelDocumentWorkflowId } from '../../workflows/ids';
import { CaseCentre, CaseNationality, TravelDocOverdue, TravelDocStatus } from '../../workflows/search-attributes';
import { travelDocument } from '../../workflows/travel-document';
import { cancelTravelDocumentRequest } from '../../workflows/travel-document-messages';
import type { Role } from '../../domain/reference';
import { seesAllCentres } from '../auth';
import type { ApiDeps } from '../deps';
import { caseInScope, runCaseStep } from '../case-access';
import { problem } from '../problem';
import { route } from '../route';
import { CaseIdParams } from '../schemas/common';
import {
  CancellationSchema,
  CreatedTravelDocument,
  RequestIdParams,
  TravelDocumentListQuery,
  TravelDocumentRequestSchema,
} from '../schemas/travel-documents';

const OFFICERS = ['case_officer', 'supervisor'] as const;
const READERS = ['case_officer', 'supervisor', 'manager', 'admin'] as const;

/** A request replaced by a new one stops chasing the embassy; one already finished is left as it is. */
async function cancelReplaced(deps: ApiDeps, requestId: string, by: string, caller: { sub: string; role: Role }) {
  await deps.temporal.workflow
    .getHandle(travelDocumentWorkflowId(requestId))
    .executeUpdate(cancelTravelDocumentRequest, { args: [{ actor: { sub: caller.sub, role: caller.role }, reason: `replaced by request ${by}` }] })
    .catch((error) => deps.logger.info({ err: error, requestId }, 'replaced request not cancelled (already finished)'));
}

export const travelDocumentRoutes = [
  route({
    method: 'post',
    path: '/v1/cases/:caseId/travel-documents',
    summary: 'Request a travel document',
    tag: 'travel documents',
    roles: OFFICERS,
    scope: 'case',
    params: CaseIdParams,
    body: TravelDocumentRequestSchema,
    responses: {
      201: { description: "Requested; the embassy liaison of the person's nationality is e-mailed", schema: CreatedTravelDocument },
      409: { description: 'The case is not on the onward-return track or not at a stage that takes a request' },
      422: { description: 'No embassy liaison on file for the nationality, or invalid content' },
      404: { description: 'No such case in your centres' },
    },
    async handler({ params, body, caller, deps }) {
      const kase = await caseInScope(deps, caller, params.caseId);
      const embassy = await deps.db('embassies').where({ country: kase.nationality }).first('country');
      if (kase.track === 'onward_return' && !embassy) {
        throw problem(422, `no embassy liaison on file for ${kase.nationality}; an admin sets it with PUT /v1/embassies/${kase.nationality}`);
      }
      const requestId = randomUUID();
      const previous = (await deps.db('cases').where({ case_id: params.caseId }).first('state')).state?.travelDocument;
      // The case decides first: a case at the wrong stage or on the wrong track refuses, and nothing starts.
      const view = await runCaseStep(deps, caller, params.caseId, 'recordTravelDocumentRequest', { requestId });
      if (previous?.status === 'requested') await cancelReplaced(deps, previous.requestId, requestId, caller);
      const request: TravelDocumentRequest = {
        requestId,
        caseId: params.caseId,
        country: kase.nationality,
        centreCode: view.centreCode,
        documentType: body.documentType,
        plannedDeparture: body.plannedDeparture,
        requestedBy: caller.sub,
        requestedAt: new Date().toISOString(),
      };
      const workflowId = travelDocumentWorkflowId(requestId);
      await deps.temporal.workflow.start(travelDocument, {
        workflowId,
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        args: [{ policy: deps.config.travelDocumentPolicy, request }],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: TravelDocStatus, value: 'requested' },
          { key: TravelDocOverdue, value: false },
          { key: CaseCentre, value: view.centreCode },
          { key: CaseNationality, value: kase.nationality },
        ],
      });
      return {
        status: 201,
        headers: { Location: `/v1/travel-documents/${requestId}` },
        body: { requestId, workflowId, status: 'requested' },
      };
    },
  }),

  route({
    method: 'get',
    path: '/v1/travel-documents',
    summary: 'List travel-document requests',
    tag: 'travel documents',
    roles: READERS,
    query: TravelDocumentListQuery,
    responses: { 200: { description: 'A page of requests (codes and dates, no personal data), from Postgres' } },
    async handler({ query, caller, deps }) {
      const centres = seesAllCentres(caller) ? undefined : caller.centres;
      const { items, total } = await listTravelDocuments(deps.db, { ...query, centres });
      return { status: 200, body: { items, total, page: query.page, pageSize: query.pageSize } };
    },
  }),

  route({
    method: 'get',
    path: '/v1/travel-documents/:requestId',
    summary: 'Read a travel-document request',
    tag: 'travel documents',
    roles: READERS,
    scope: 'travel_document',
    params: RequestIdParams,
    responses: {
      200: { description: 'The request, its answer, its history and the delivery state of each e-mail' },
      404: { description: 'No such request for a case in your centres' },
    },
    async handler({ params, deps }) {
      return { status: 200, body: await travelDocumentDetail(deps.db, params.requestId) };
    },
  }),

  route({
    method: 'post',
    path: '/v1/travel-documents/:requestId/cancellation',
    summary: 'Cancel a travel-document request',
    tag: 'travel documents',
    roles: OFFICERS,
    scope: 'travel_document',
    params: RequestIdParams,
    body: CancellationSchema,
    responses: {
      200: { description: 'Cancelled; no more reminders' },
      409: { description: 'The embassy has already answered' },
      404: { description: 'No such request for a case in your centres' },
    },
    async handler({ params, body, caller, deps }) {
      const handle = deps.temporal.workflow.getHandle(travelDocumentWorkflowId(params.requestId));
      try {
        const state = await handle.executeUpdate(cancelTravelDocumentRequest, {
          args: [{ actor: { sub: caller.sub, role: caller.role }, reason: body.reason }],
        });
        return { status: 200, body: { requestId: params.requestId, status: state.status } };
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) throw problem(409, error.cause.message);
        if (error instanceof WorkflowNotFoundError) throw problem(409, 'the request is no longer open');
        throw error;
      }
    },
  }),
];
