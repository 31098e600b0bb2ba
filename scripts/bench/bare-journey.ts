import { allHandlersFinished, condition, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { RegistrationResult } from '../../domain/registration';
import { awaitRegistration, CASE_STEP_UPDATES, caseStepUpdates } from '../../workflows/case-messages';
import type { CaseView } from '../../workflows/case-view';
import { RECORD_OPTIONS } from '../../workflows/lean-steps';
import type { BareStepActivities } from './bare-step-activity';

const records = proxyLocalActivities<BareStepActivities>(RECORD_OPTIONS);

/**
 * The engine's floor for a journey (bench:journeys only, never deployed): a workflow that takes the
 * same Updates as a case and does nothing with them: no activity, no timer, no search attribute.
 */
export async function bareJourney({
  caseId,
  steps,
}: {
  caseId: string;
  steps: number;
}): Promise<{ caseId: string; stage: string }> {
  return takeSteps(caseId, steps, () => Promise.resolve());
}

/**
 * The least a durable step costs (bench:journeys only): the bare journey, except that each Update
 * writes one row to Postgres through a local activity before it answers, as Sira's steps must
 * (DESIGN.md, principles 1 and 12). No domain rules, no timer, no search attribute.
 */
export async function durableJourney({
  caseId,
  steps,
}: {
  caseId: string;
  steps: number;
}): Promise<{ caseId: string; stage: string }> {
  return takeSteps(caseId, steps, (seq, input) => records.recordBareStep({ caseId, seq, input }));
}

async function takeSteps(
  caseId: string,
  steps: number,
  record: (seq: number, input: unknown) => Promise<void>,
): Promise<{ caseId: string; stage: string }> {
  let taken = 0;
  setHandler(awaitRegistration, (): RegistrationResult => ({ caseId }));
  for (const name of CASE_STEP_UPDATES) {
    setHandler(caseStepUpdates[name], async (input: unknown) => {
      taken += 1;
      await record(taken, input);
      return { caseId } as CaseView;
    });
  }
  await condition(() => taken >= steps);
  await condition(allHandlersFinished);
  return { caseId, stage: 'completed' };
}
