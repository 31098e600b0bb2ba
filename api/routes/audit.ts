import { z } from 'zod';
import { listAuditEntries } from '../../db/queries/audit';
import { route } from '../route';
import { CaseIdParams, Page } from '../schemas/common';

const AuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actorSub: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  route: z.string(),
  outcome: z.enum(['succeeded', 'denied', 'rejected', 'failed']),
  httpStatus: z.number(),
  requestId: z.string().nullable(),
  clientIp: z.string().nullable(),
});

export const auditRoutes = [
  route({
    method: 'get',
    path: '/v1/cases/:caseId/audit',
    summary: "Read a case's audit trail",
    tag: 'audit',
    roles: ['manager', 'admin'],
    scope: 'case',
    params: CaseIdParams,
    query: Page,
    responses: {
      200: {
        description: 'Who read or changed the case, or tried to, newest first (denied attempts included)',
        schema: z.object({ items: z.array(AuditEntry), total: z.number(), page: z.number(), pageSize: z.number() }),
      },
      404: { description: 'No such case' },
    },
    async handler({ params, query, deps }) {
      const { items, total } = await listAuditEntries(deps.db, 'case', params.caseId, query);
      return { status: 200, body: { items, total, page: query.page, pageSize: query.pageSize } };
    },
  }),
];
