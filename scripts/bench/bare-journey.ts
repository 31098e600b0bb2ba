import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import type { RegistrationResult } from '../../domain/registration';
import { awaitRegistration, CASE_STEP_UPDATES, caseStepUpdates } from '../../workflows/case-messages';
import type { CaseView } from '../../workflows/case-view';

/**
 * The engine's floor for a journey (bench:journeys only, never deployed): a workflow that takes the
 * same Updates as a case and does nothing with them: no activity, no timer, no search attribute.
 */
export async function bareJourney({ caseId, steps }: { caseId: string; steps: number }): Promise<{ caseId: string; stage: string }> {
  let taken = 0;
  setHandler(awaitRegistration, (): RegistrationResult => ({ caseId }));
  for (const name of CASE_STEP_UPDATES) {
    setHandler(caseStepUpdates[name], () => {
      taken += 1;
      return { caseId } as CaseView;
    });
  }
  await condition(() => taken >= steps);
  await condition(allHandlersFinished);
  return { caseId, stage: 'completed' };
}
