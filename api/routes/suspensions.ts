import { z } from 'zod';
import { openCasesAmong } from '../../db/queries/cases';
import type { Actor } from '../../domain/case-state';
import { resumeSignal, suspendSignal } from '../../workflows/case-messages';
import { caseWorkflowId } from '../../workflows/ids';
import { seesAllCentres } from '../auth';
import type { ApiDeps } from '../deps';
import { problem } from '../problem';
import { route } from '../route';
import { BulkSuspensionSchema } from '../schemas/cases';
import { isUnavailable } from '../unavailable';
import { visibilityScope } from '../visibility';

const CONCURRENCY = 32;
// One deadline for the listing and one for all the signals: Temporal out of reach is a 503 in bounded time.
const LIST_DEADLINE_MS = 10_000;
const SIGNALS_DEADLINE_MS = 30_000;

/** Workflow IDs of the open cases a bulk hold targets, always within the caller's centres. */
async function targets(deps: ApiDeps, body: z.output<typeof BulkSuspensionSchema>, caller: Parameters<typeof visibilityScope>[1]) {
  if (body.caseIds) {
    const open = await openCasesAmong(deps.db, body.caseIds, seesAllCentres(caller) ? undefined : caller.centres);
    return open.map(caseWorkflowId);
  }
  const q = body.query ?? {};
  const scope = visibilityScope(deps.config, caller, q.centre);
  if (scope === null) return [];
  const clauses = ["WorkflowType = 'returneeCase'", "ExecutionStatus = 'Running'", ...scope];
  if (q.stage) clauses.push(`CaseStage = '${q.stage}'`);
  if (q.nationality) clauses.push(`CaseNationality = '${q.nationality}'`);
  if (q.track) clauses.push(`CaseTrack = '${q.track}'`);
  const ids: string[] = [];
  await deps.temporal.withDeadline(Date.now() + LIST_DEADLINE_MS, async () => {
    for await (const wf of deps.temporal.workflow.list({ query: clauses.join(' AND ') })) ids.push(wf.workflowId);
  });
  return ids;
}

/**
 * Signals every target, CONCURRENCY at a time; cases that cannot take the hold ignore it. When
 * Temporal is out of reach the rest would fail too: the lanes stop and the whole hold is a 503.
 */
async function signalAll(deps: ApiDeps, workflowIds: string[], send: (id: string) => Promise<void>) {
  let next = 0;
  let failed = 0;
  let unavailable = false;
  const lane = async () => {
    while (next < workflowIds.length && !unavailable) {
      const id = workflowIds[next++];
      await send(id).catch((error) => {
        if (isUnavailable(error)) unavailable = true;
        else {
          failed += 1;
          deps.logger.warn({ workflowId: id, err: error }, 'bulk hold not delivered');
        }
      });
    }
  };
  // The lanes start inside the deadline's context, so that every signal they send carries it.
  await deps.temporal.withDeadline(Date.now() + SIGNALS_DEADLINE_MS, () =>
    Promise.all(Array.from({ length: Math.min(CONCURRENCY, workflowIds.length) }, lane)),
  );
  if (unavailable) throw problem(503, 'Temporal did not answer; some cases may have the hold already, and sending it again is safe');
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
          ? handle.signal(suspendSignal, { actor, reason: body.reason, occurredAt: body.occurredAt })
          : handle.signal(resumeSignal, { actor, reason: body.reason, occurredAt: body.occurredAt });
      });
      return { status: 202, body: result };
    },
  });

export const suspensionRoutes = [bulk('post'), bulk('delete')];
