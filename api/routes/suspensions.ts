import { z } from 'zod';
import type { Actor } from '../../domain/case-state';
import { resumeSignal, suspendSignal } from '../../workflows/case-messages';
import { caseWorkflowId } from '../../workflows/ids';
import { seesAllCentres } from '../auth';
import type { ApiDeps } from '../deps';
import { route } from '../route';
import { BulkSuspensionSchema } from '../schemas/cases';
import { visibilityScope } from '../visibility';

const CONCURRENCY = 32;

/** Workflow IDs of the open cases a bulk hold targets, always within the caller's centres. */
async function targets(deps: ApiDeps, body: z.output<typeof BulkSuspensionSchema>, caller: Parameters<typeof visibilityScope>[1]) {
  if (body.caseIds) {
    const rows = await deps.db('cases')
      .whereIn('case_id', body.caseIds)
      .whereNotIn('stage', ['completed', 'closed'])
      .modify((q) => {
        if (!seesAllCentres(caller)) q.whereIn('centre_code', caller.centres);
      })
      .pluck('case_id');
    return rows.map((id: string) => caseWorkflowId(id));
  }
  const q = body.query ?? {};
  const scope = visibilityScope(deps.config, caller, q.centre);
  if (scope === null) return [];
  const clauses = ["WorkflowType = 'returneeCase'", "ExecutionStatus = 'Running'", ...scope];
  if (q.stage) clauses.push(`CaseStage = '${q.stage}'`);
  if (q.nationality) clauses.push(`CaseNationality = '${q.nationality}'`);
  if (q.track) clauses.push(`CaseTrack = '${q.track}'`);
  const ids: string[] = [];
  for await (const wf of deps.temporal.workflow.list({ query: clauses.join(' AND ') })) ids.push(wf.workflowId);
  return ids;
}

/** Signals every target, CONCURRENCY at a time; cases that cannot take the hold ignore it. */
async function signalAll(deps: ApiDeps, workflowIds: string[], send: (id: string) => Promise<void>) {
  let next = 0;
  let failed = 0;
  const lanes = Array.from({ length: Math.min(CONCURRENCY, workflowIds.length) }, async () => {
    while (next < workflowIds.length) {
      const id = workflowIds[next++];
      await send(id).catch((error) => {
        failed += 1;
        deps.logger.warn({ workflowId: id, err: error }, 'bulk hold not delivered');
      });
    }
  });
  await Promise.all(lanes);
  return { matched: workflowIds.length, signalled: workflowIds.length - failed, failed };
}

const bulk = (method: 'post' | 'delete') =>
  route({
    method,
    path: '/v1/cases/suspensions',
    summary: method === 'post' ? 'Suspend many cases' : 'Resume many cases',
    tag: 'cases',
    roles: ['supervisor', 'manager'],
    body: BulkSuspensionSchema,
    responses: {
      202: {
        description: 'Each matching open case was sent the hold; a case that cannot take it (already held, closed) ignores it',
        schema: z.object({ matched: z.number(), signalled: z.number(), failed: z.number() }),
      },
    },
    async handler({ body, caller, deps }) {
      const actor: Actor = { sub: caller.sub, role: caller.role };
      const ids = await targets(deps, body, caller);
      const result = await signalAll(deps, ids, (id) => {
        const handle = deps.temporal.workflow.getHandle(id);
        return method === 'post'
          ? handle.signal(suspendSignal, { actor, reason: body.reason })
          : handle.signal(resumeSignal, { actor, reason: body.reason });
      });
      return { status: 202, body: result };
    },
  });

export const suspensionRoutes = [bulk('post'), bulk('delete')];
