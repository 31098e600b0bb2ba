import { type CaseScope, caseScopeOf } from '../db/queries/cases';
import type { CaseStepType, StepInput } from '../domain/case-steps';
import { isTerminal } from '../domain/stages';
import { caseStepUpdates } from '../workflows/case-messages';
import type { CaseView } from '../workflows/case-view';
import { caseWorkflowId } from '../workflows/ids';
import { type Caller, inCentreScope } from './auth';
import type { ApiDeps } from './deps';
import { problem } from './problem';
import { updateProblem } from './update-problem';
import { executeUpdate } from '../platform/update-delivery';

/**
 * The case when the caller may see it. Outside the caller's centres the answer is the same 404 as
 * for a case that does not exist, so that existence does not leak.
 */
export async function caseInScope(deps: ApiDeps, caller: Caller, caseId: string): Promise<CaseScope> {
  const kase = await caseScopeOf(deps.db, caseId);
  if (!kase || !inCentreScope(caller, kase.centreCode)) throw problem(404, `no case ${caseId}`);
  return kase;
}

/** Sends a step to the case's workflow (the case as the route's scope check read it) and answers with the new state, or the reason it was refused. */
export async function runCaseStep<K extends CaseStepType & keyof typeof caseStepUpdates>(
  deps: ApiDeps,
  caller: Caller,
  kase: CaseScope,
  step: K,
  input: Omit<StepInput<K>, 'actor'>,
  /** The Update ID: the same for a retry with the same Idempotency-Key, so Temporal applies the step once. */
  updateId?: string,
): Promise<CaseView> {
  const { caseId } = kase;
  if (isTerminal(kase.stage)) throw problem(409, `the case is ${kase.stage}`, { caseId });
  const handle = deps.temporal.workflow.getHandle(caseWorkflowId(caseId));
  const actor = { sub: caller.sub, role: caller.role };
  try {
    return await deps.temporal.withDeadline(Date.now() + deps.config.UPDATE_DEADLINE, () =>
      executeUpdate(handle, caseStepUpdates[step], { args: [{ ...input, actor } as StepInput<K>], updateId }),
    );
  } catch (error) {
    throw stepProblem(error, caseId);
  }
}

export function stepProblem(error: unknown, caseId: string): unknown {
  return updateProblem(error, { noun: 'case', ids: { caseId } });
}

/** The case a `scope: 'case'` route resolved before its handler ran. */
export function scopedCase(scoped: unknown): CaseScope {
  const kase = scoped as CaseScope | undefined;
  if (!kase?.caseId) throw new Error('the route does not declare the case scope');
  return kase;
}
