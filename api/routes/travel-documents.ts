import { hasEmbassyLiaison } from '../../db/queries/reference';
import { listTravelDocuments, replaceableRequestOf, travelDocumentDetail } from '../../db/queries/travel-documents';
import type { TravelDocumentRequest } from '../../domain/travel-document';
import { travelDocumentWorkflowId } from '../../workflows/ids';
import { cancelTravelDocumentRequest } from '../../workflows/travel-document-messages';
import { seesAllCentres } from '../auth';
import { runCaseStep, scopedCase } from '../case-access';
import { updateProblem } from '../update-problem';
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
import { executeUpdate } from '../../platform/update-delivery';

const OFFICERS = ['case_officer', 'supervisor'] as const;
const READERS = ['case_officer', 'supervisor', 'manager', 'admin'] as const;

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
    async handler({ params, body, caller, deps, operation, scoped }) {
      const kase = scopedCase(scoped);
      const liaisonOnFile = await hasEmbassyLiaison(deps.db, kase.nationality);
      if (kase.track === 'onward_return' && !liaisonOnFile && !body.existingDocument) {
        throw problem(422, `no embassy liaison on file for ${kase.nationality}; an admin sets it with PUT /v1/embassies/${kase.nationality}`);
      }
      // With an Idempotency-Key the request id is the operation's: a retry finds the request it opened.
      const requestId = operation.id;
      const held = body.existingDocument && { ...body.existingDocument, plannedDeparture: body.plannedDeparture };
      const request: TravelDocumentRequest = {
        requestId,
        caseId: params.caseId,
        country: kase.nationality,
        centreCode: kase.centreCode,
        // A held national ID is kept under its own type; no embassy workflow ever reads it.
        documentType: (held?.type ?? body.documentType!) as TravelDocumentRequest['documentType'],
        plannedDeparture: body.plannedDeparture,
        requestedBy: caller.sub,
        // Recorded later from paper: the request was made when it says.
        requestedAt: body.occurredAt ?? new Date().toISOString(),
      };
      // The case decides, opens the request and cancels the one it replaces, one request at a time:
      // a case at the wrong stage or with a live request refuses, and nothing starts.
      const replaces = body.replaces ?? (await replaceableRequestOf(deps.db, params.caseId));
      await runCaseStep(deps, caller, kase, 'recordTravelDocumentRequest', { requestId, replaces, request, held, occurredAt: body.occurredAt }, operation.id);
      return {
        status: 201,
        headers: { Location: `/v1/travel-documents/${requestId}` },
        body: { requestId, workflowId: travelDocumentWorkflowId(requestId), status: held ? 'issued' : 'requested' },
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
    async handler({ params, body, caller, deps, operation }) {
      const handle = deps.temporal.workflow.getHandle(travelDocumentWorkflowId(params.requestId));
      try {
        const state = await deps.temporal.withDeadline(Date.now() + deps.config.UPDATE_DEADLINE, () =>
          executeUpdate(handle, cancelTravelDocumentRequest, {
            args: [{ actor: { sub: caller.sub, role: caller.role }, reason: body.reason }],
            updateId: operation.id,
          }),
        );
        return { status: 200, body: { requestId: params.requestId, status: state.status } };
      } catch (error) {
        throw updateProblem(error, { noun: 'travel-document request', ids: { requestId: params.requestId } });
      }
    },
  }),
];
