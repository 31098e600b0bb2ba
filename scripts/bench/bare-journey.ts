import { allHandlersFinished, condition, proxyLocalActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { RegistrationResult } from '../../domain/registration';
import { awaitRegistration, CASE_STEP_UPDATES, caseStepUpdates } from '../../workflows/case-messages';
import type { CaseView } from '../../workflows/case-view';
import { RECORD_OPTIONS } from '../../workflows/lean-steps';
import { CaseCentre, CaseDueAt, CaseOpenTask, CaseStage } from '../../workflows/search-attributes';
import type { BareStepActivities } from './bare-step-activity';

/**
 * The engine's floors for a journey (bench:journeys only, never deployed): workflows that take the
 * same Updates as a case without its rules, each adding one of the costs Sira's design gives a step.
 */
type Journey = (input: { caseId: string; steps: number }) => Promise<{ caseId: string; stage: string }>;

const records = proxyLocalActivities<BareStepActivities>(RECORD_OPTIONS);

/** Takes nothing but the Updates: no activity, no timer, no search attribute (the engine's limit). */
export const bareJourney: Journey = ({ caseId, steps }) => takeSteps(caseId, steps, async () => undefined);

/**
 * Writes one row per step to Postgres through a local activity before answering: the least a step
 * costs when it is recorded before it answers (DESIGN.md, principles 1 and 12).
 */
export const durableJourney: Journey = ({ caseId, steps }) =>
  takeSteps(caseId, steps, (seq, input) => records.recordBareStep({ caseId, seq, input }));

/**
 * The durable journey that also publishes its stage, open task and due date as search attributes
 * at each step, as every case does so that stuck work is visible (principle 6).
 */
export const publishedJourney: Journey = ({ caseId, steps }) => {
  upsertSearchAttributes([{ key: CaseCentre, value: 'BKO-MMEIA' }]);
  return takeSteps(caseId, steps, async (seq, input) => {
    await records.recordBareStep({ caseId, seq, input });
    upsertSearchAttributes([
      { key: CaseStage, value: `stage-${seq}` },
      { key: CaseOpenTask, value: `task-${seq}` },
      { key: CaseDueAt, value: new Date(Date.now() + seq * 86_400_000) },
    ]);
  });
};

async function takeSteps(caseId: string, steps: number, step: (seq: number, input: unknown) => Promise<void>) {
  let taken = 0;
  setHandler(awaitRegistration, (): RegistrationResult => ({ caseId }));
  for (const name of CASE_STEP_UPDATES) {
    setHandler(caseStepUpdates[name], async (input: unknown) => {
      taken += 1;
      await step(taken, input);
      return { caseId } as CaseView;
    });
  }
  await condition(() => taken >= steps);
  await condition(allHandlersFinished);
  return { caseId, stage: 'completed' };
}
