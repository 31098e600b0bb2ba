import { erasureOf, personalDataOf } from '../../db/queries/personal-data';
import { isTerminal } from '../../domain/stages';
import { startErasure } from '../../platform/erasure-starter';
import { erasureWorkflowId } from '../../workflows/ids';
import { runCaseStep, scopedCase, stepProblem } from '../case-access';
import type { ApiDeps } from '../deps';
import { problem } from '../problem';
import { route } from '../route';
import { CaseIdParams } from '../schemas/common';
import { ConsentWithdrawalSchema, ErasureSchema, ErasureStatus, PersonalDataExport } from '../schemas/personal-data';

/**
 * The person's rights over what Sira holds on them: their export, the withdrawal of their consent,
 * and the erasure of their data (README, Personal data). Each route is audited (case scope).
 */

async function erasureStatus(deps: ApiDeps, caseId: string) {
  const erasure = await erasureOf(deps.db, caseId);
  return {
    caseId,
    workflowId: erasureWorkflowId(caseId),
    status: !erasure ? ('none' as const) : erasure.completedAt ? ('erased' as const) : ('erasing' as const),
    requestedAt: erasure?.requestedAt ?? null,
    requestedBy: erasure?.requestedBy ?? null,
    reason: erasure?.reason ?? null,
    erasedAt: erasure?.completedAt ?? null,
  };
}

export const personalDataRoutes = [
  route({
    method: 'get',
    path: '/v1/cases/:caseId/personal-data',
    summary: "Export the person's data",
    tag: 'personal data',
    roles: ['manager', 'admin'],
    scope: 'case',
    params: CaseIdParams,
    responses: {
      200: {
        description:
          'Everything Sira holds on the person: identity, registration, every step with its data, plans, tranches, visits, travel-document requests and their answers, the e-mails sent about them (metadata), manifest entries and the audit entries about the case',
        schema: PersonalDataExport,
      },
      404: { description: 'No such case' },
    },
    async handler({ params, deps }) {
      const data = await personalDataOf(deps.db, params.caseId);
      if (!data) throw problem(404, `no case ${params.caseId}`);
      return { status: 200, body: data, headers: { 'Content-Disposition': `attachment; filename="personal-data-${params.caseId}.json"` } };
    },
  }),

  route({
    method: 'post',
    path: '/v1/cases/:caseId/consent-withdrawal',
    summary: 'Record a withdrawal of consent',
    tag: 'personal data',
    roles: ['case_officer', 'supervisor', 'manager', 'admin'],
    scope: 'case',
    params: CaseIdParams,
    body: ConsentWithdrawalSchema,
    responses: {
      200: { description: 'The case is closed as `withdrew`, its open travel-document request cancelled (the embassy told once); the new state of the case' },
      409: { description: 'The case is already closed or completed' },
      422: { description: 'No reason, or an invalid occurredAt' },
      404: { description: 'No such case in your centres' },
    },
    async handler({ body, caller, deps, operation, scoped }) {
      const kase = scopedCase(scoped);
      const view = await runCaseStep(deps, caller, kase, 'withdrawConsent', { reason: body.reason, occurredAt: body.occurredAt }, operation.id);
      return { status: 200, body: view };
    },
  }),

  route({
    method: 'post',
    path: '/v1/cases/:caseId/erasure',
    summary: "Erase the person's data",
    tag: 'personal data',
    roles: ['admin'],
    scope: 'case',
    params: CaseIdParams,
    body: ErasureSchema,
    responses: {
      202: { description: 'The erasure runs (workflow `erasure:<caseId>`); GET the same path for its progress', schema: ErasureStatus },
      200: { description: 'The case was erased already', schema: ErasureStatus },
      409: { description: 'The case is still open: withdraw consent or close it first' },
      404: { description: 'No such case' },
    },
    async handler({ params, body, caller, deps, scoped }) {
      const kase = scopedCase(scoped);
      const done = await erasureOf(deps.db, kase.caseId);
      if (done?.completedAt) return { status: 200, body: await erasureStatus(deps, kase.caseId) };
      if (!done && !isTerminal(kase.stage)) throw problem(409, `the case is ${kase.stage}; only a closed case is erased`, { caseId: kase.caseId });
      let started: 'erasing' | 'erased';
      try {
        started = await deps.temporal.withDeadline(Date.now() + deps.config.UPDATE_DEADLINE, () =>
          startErasure(deps.temporal, deps.config, { caseId: kase.caseId, by: { sub: caller.sub, role: caller.role }, reason: body.reason }),
        );
      } catch (error) {
        throw stepProblem(error, params.caseId);
      }
      const status = await erasureStatus(deps, kase.caseId);
      if (started === 'erased' && status.status === 'erased') return { status: 200, body: status };
      // The workflow records the request as it starts: until then the answer says it is under way.
      return { status: 202, headers: { Location: `/v1/cases/${kase.caseId}/erasure` }, body: { ...status, status: 'erasing' } };
    },
  }),

  route({
    method: 'get',
    path: '/v1/cases/:caseId/erasure',
    summary: "Read the erasure of a case's data",
    tag: 'personal data',
    roles: ['manager', 'admin'],
    scope: 'case',
    params: CaseIdParams,
    responses: {
      200: { description: 'Whether the case was erased (`none`, `erasing`, `erased`), and when', schema: ErasureStatus },
      404: { description: 'No such case' },
    },
    async handler({ params, deps }) {
      return { status: 200, body: await erasureStatus(deps, params.caseId) };
    },
  }),
];
