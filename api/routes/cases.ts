import { z } from 'zod';
import type { Registration } from '../../domain/registration';
import { trackFor } from '../../domain/stages';
import { caseIdFromWorkflowId, caseWorkflowId, requestIdFromWorkflowId } from '../../workflows/ids';
import { reopenCase, startCase } from '../../platform/case-starter';
import { CaseCentre, CaseDueAt, CaseNationality, CaseOpenTask, CaseStage, CaseTrack, TravelDocStatus } from '../../workflows/search-attributes';
import { parseDuration } from '../../domain/duration';
import type { Db } from '../../db';
import { type Caller, inCentreScope, seesAllCentres } from '../auth';
import { stepProblem } from '../case-access';
import { getCaseState } from '../../workflows/case-messages';
import { problem } from '../problem';
import { route } from '../route';
import { CaseIdParams } from '../schemas/common';
import { CaseListQuery, RegistrationSchema, ReopeningSchema } from '../schemas/cases';
import { openCaseOf } from '../../db/queries/case-identity';
import { caseDetail, listCases } from '../../db/queries/case-reads';
import { caseScopeOf, caseStateOf } from '../../db/queries/cases';
import { erasureOf } from '../../db/queries/personal-data';
import { technicalProblemReader } from '../technical-problems';
import { visibilityScope } from '../visibility';

const CASE_READERS = ['case_officer', 'supervisor', 'manager', 'admin'] as const;

const CreatedCase = z.object({ caseId: z.uuid(), workflowId: z.string(), stage: z.string(), track: z.string() });

export const caseRoutes = [
  route({
    method: 'post',
    path: '/v1/cases',
    summary: 'Register a returnee',
    tag: 'cases',
    roles: ['case_officer', 'supervisor'],
    body: RegistrationSchema,
    responses: {
      201: { description: 'Case registered; its workflow runs', schema: CreatedCase },
      409: { description: 'The biometric reference or document number belongs to an open case (a second return after a closed one is a new, linked case)' },
    },
    async handler({ body, caller, deps, operation }) {
      if (!inCentreScope(caller, body.centreCode)) throw problem(403, `you do not work at centre ${body.centreCode}`);
      // With an Idempotency-Key the case id is the operation's: a retry finds the case it created.
      const caseId = operation.id;
      await rejectKnownDuplicate(deps.db, caller, caseId, body.biometricRef, body.documentNumber);
      const workflowId = caseWorkflowId(caseId);
      const track = trackFor(body.person.nationality, deps.config.casePolicy.hostCountry);
      const registration: Registration = {
        ...body,
        caseId,
        track,
        consentToDataProcessing: true,
        officer: caller.sub,
        registeredAt: new Date().toISOString(),
      };
      let result;
      try {
        // Registration waits for the case row; a worker that does not answer in time gives a 503, not a hang.
        result = await deps.temporal.withDeadline(Date.now() + deps.config.UPDATE_DEADLINE, () =>
          startCase(deps.temporal, deps.config, registration),
        );
      } catch (error) {
        throw stepProblem(error, caseId);
      }
      if (result.duplicateOf) {
        const existing = await caseScopeOf(deps.db, result.duplicateOf);
        throw duplicate(caller, { caseId: result.duplicateOf, centreCode: existing?.centreCode ?? '' });
      }
      return {
        status: 201,
        headers: { Location: `/v1/cases/${caseId}` },
        body: { caseId, workflowId, stage: 'registered', track },
      };
    },
  }),

  route({
    method: 'get',
    path: '/v1/cases',
    summary: 'List cases',
    tag: 'cases',
    roles: CASE_READERS,
    query: CaseListQuery,
    responses: { 200: { description: 'A page of cases, from the Postgres projection' } },
    async handler({ query, caller, deps }) {
      if (query.centre && !inCentreScope(caller, query.centre)) return { status: 200, body: { items: [], total: 0, page: query.page } };
      const centres = seesAllCentres(caller) ? undefined : caller.centres;
      const { items, total } = await listCases(deps.db, { ...query, centres });
      return { status: 200, body: { items, total, page: query.page, pageSize: query.pageSize } };
    },
  }),

  route({
    method: 'get',
    path: '/v1/cases/stuck',
    summary: 'List stuck cases',
    tag: 'cases',
    roles: CASE_READERS,
    query: z.object({
      centre: z.string().optional(),
      kind: z.enum(['overdue', 'technical']).default('overdue').meta({ description: 'overdue: past a due date; technical: activities retrying, workflow tasks failing' }),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
      retryingFor: z
        .string()
        .optional()
        .refine((v) => v === undefined || parseDuration(v) !== undefined, 'must be a duration such as 15m or 2h')
        .meta({ description: 'kind=technical: how long an activity must have been retrying (default STUCK_ACTIVITY_AFTER)' }),
      scan: z.coerce.number().int().min(1).max(10_000).default(2000).meta({ description: 'kind=technical: how many running workflows to look into at most' }),
    }),
    responses: {
      200: {
        description:
          '`kind=overdue` (the default): open cases and travel-document requests past their due date (CaseOverdue = true), ' +
          'from Temporal visibility. `kind=technical`: running workflows whose activities have been retrying for longer than ' +
          '`retryingFor` (STUCK_ACTIVITY_AFTER), with the last failure and what to do, and workflows whose own tasks keep failing ' +
          '(TemporalReportedProblems); `scanned` running workflows were looked into, `truncated` when there were more. Either ' +
          'kind keeps a case officer or supervisor to their centres; flights, which have no centre, show to managers and admins.',
      },
    },
    async handler({ query, caller, deps }) {
      const scope = visibilityScope(deps.config, caller, query.centre);
      if (query.kind === 'technical') {
        if (scope === null) return { status: 200, body: { items: [], total: 0, scanned: 0, truncated: false } };
        const retryingForMs = query.retryingFor === undefined ? deps.config.STUCK_ACTIVITY_AFTER : parseDuration(query.retryingFor)!;
        const found = await technicalProblemReader(deps)(scope, { limit: query.limit, scan: query.scan, retryingForMs });
        return { status: 200, body: found };
      }
      // Overdue travel-document requests (the embassy has not answered) are stuck work of a case too.
      const filters = ["WorkflowType IN ('returneeCase', 'travelDocument')", "ExecutionStatus = 'Running'", 'CaseOverdue = true'];
      if (scope === null) return { status: 200, body: { items: [], total: 0 } };
      const items = [];
      for await (const wf of deps.temporal.workflow.list({ query: [...filters, ...scope].join(' AND ') })) {
        const sa = wf.typedSearchAttributes;
        const isCase = wf.type === 'returneeCase';
        items.push({
          kind: isCase ? 'case' : 'travel_document',
          caseId: isCase ? caseIdFromWorkflowId(wf.workflowId) : undefined,
          requestId: isCase ? undefined : requestIdFromWorkflowId(wf.workflowId),
          workflowId: wf.workflowId,
          stage: isCase ? sa.get(CaseStage) : sa.get(TravelDocStatus),
          centreCode: sa.get(CaseCentre),
          nationality: sa.get(CaseNationality),
          track: sa.get(CaseTrack),
          openTask: isCase ? (sa.get(CaseOpenTask) ?? null) : null,
          dueAt: sa.get(CaseDueAt)?.toISOString() ?? null,
        });
        if (items.length >= query.limit) break;
      }
      return { status: 200, body: { items, total: items.length } };
    },
  }),

  route({
    method: 'post',
    path: '/v1/cases/:caseId/reopening',
    summary: 'Reopen a closed case',
    tag: 'cases',
    roles: ['supervisor'],
    scope: 'case',
    params: CaseIdParams,
    body: ReopeningSchema,
    responses: {
      200: { description: 'Reopened at the stage it was closed at; the new state of the case' },
      409: { description: 'The case is not closed (open, or completed), or was closed before closures kept their stage' },
      404: { description: 'No such case in your centres' },
    },
    async handler({ params, body, caller, deps, operation }) {
      // The route's scope has found the case already.
      const { stage, state } = (await caseStateOf(deps.db, params.caseId))!;
      if (stage !== 'closed' || !state.closure?.stage) {
        const why = stage === 'completed' ? 'a completed case is not reopened' : stage !== 'closed' ? 'the case is not closed' : 'the case was closed before closures kept their stage';
        throw problem(409, why, { caseId: params.caseId });
      }
      // A person who withdrew their consent, or whose data was erased, comes back only as a new registration.
      if (state.consentWithdrawnAt || (await erasureOf(deps.db, params.caseId))) {
        throw problem(409, 'the person withdrew their consent or their data was erased; only a new registration with new consent opens a case again', { caseId: params.caseId });
      }
      try {
        const view = await deps.temporal.withDeadline(Date.now() + deps.config.UPDATE_DEADLINE, () =>
          reopenCase(deps.temporal, deps.config, state, { actor: { sub: caller.sub, role: caller.role }, reason: body.reason, occurredAt: body.occurredAt }, operation.id),
        );
        return { status: 200, body: view };
      } catch (error) {
        throw stepProblem(error, params.caseId);
      }
    },
  }),

  route({
    method: 'get',
    path: '/v1/cases/:caseId/live',
    summary: 'Read the live state of a case',
    tag: 'cases',
    roles: CASE_READERS,
    scope: 'case',
    params: CaseIdParams,
    responses: { 200: { description: "The case workflow's own state (a Query), with its open task and due date" } },
    async handler({ params, deps }) {
      const handle = deps.temporal.workflow.getHandle(caseWorkflowId(params.caseId));
      try {
        return { status: 200, body: await deps.temporal.withDeadline(Date.now() + 10_000, () => handle.query(getCaseState)) };
      } catch (error) {
        throw stepProblem(error, params.caseId);
      }
    },
  }),

  route({
    method: 'get',
    path: '/v1/cases/:caseId',
    summary: 'Read a case',
    tag: 'cases',
    roles: CASE_READERS,
    scope: 'case',
    params: CaseIdParams,
    responses: { 200: { description: 'The case with its history, open task and due date' } },
    async handler({ params, deps }) {
      return { status: 200, body: await caseDetail(deps.db, params.caseId) };
    },
  }),
];

/** A person with an open case (same biometric reference or document number) is not registered twice. */
async function rejectKnownDuplicate(db: Db, caller: Caller, caseId: string, biometricRef?: string, documentNumber?: string) {
  const existing = await openCaseOf(db, { biometricRef, documentNumber }, caseId);
  if (existing) throw duplicate(caller, existing);
}

/** The existing case is named only to a caller who may open it; anyone else learns whom to ask. */
function duplicate(caller: Caller, existing: { caseId: string; centreCode: string }) {
  const detail = 'a case with this biometric reference or document number is already open';
  if (inCentreScope(caller, existing.centreCode)) return problem(409, detail, { caseId: existing.caseId });
  return problem(409, `${detail} at a centre outside yours; a programme manager can find it for you`);
}
