import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseStepType, StepInput } from '../domain/case-steps';
import type { CaseView } from './case-view';
import type { RegistrationResult } from '../domain/registration';
import type { Actor } from '../domain/case-state';

/** Human steps that officers take through the API, one Workflow Update each (validated, synchronous). */
export const HUMAN_STEPS = [
  'recordReception',
  'recordCounsellingSession',
  'decideEligibility',
  'submitPlan',
  'recordApproval',
  'requestTranche',
  'recordTranchePayment',
  'cancelTranche',
  'reduceBudget',
  'recordMonitoringVisit',
  'recordMinorSafeguards',
  'requestClosure',
  'reopen',
  'suspend',
  'resume',
  'attachFlight',
  'recordTravelDocumentRequest',
  'recordTravelDocumentOutcome',
  'movePlannedDeparture',
  'recordDeparture',
] as const satisfies readonly CaseStepType[];

export type CaseStepUpdates = {
  [K in (typeof HUMAN_STEPS)[number]]: UpdateDefinition<CaseView, [StepInput<K>], K>;
};

export const caseStepUpdates = Object.fromEntries(
  HUMAN_STEPS.map((name) => [name, defineUpdate(name)]),
) as unknown as CaseStepUpdates;

/** Resolves once the case row exists (or the registration turned out to be a duplicate). */
export const awaitRegistration = defineUpdate<RegistrationResult>('awaitRegistration');

export const getCaseState = defineQuery<CaseView>('getState');

/** Fire-and-forget holds used by bulk suspension; a case that cannot take them ignores them. */
export const suspendSignal = defineSignal<[{ actor: Actor; reason: string }]>('suspend');
export const resumeSignal = defineSignal<[{ actor: Actor; reason?: string }]>('resume');
