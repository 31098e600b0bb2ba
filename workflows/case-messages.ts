import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseStepType, StepInput } from '../domain/case-steps';
import type { CaseView } from './case-view';
import type { RegistrationResult } from '../domain/registration';
import type { Actor } from '../domain/case-state';

/**
 * The steps a case takes as Workflow Updates (validated, synchronous): officers' steps through the
 * API, and the facts other workflows' activities bring (a flight's arrival, an embassy's outcome).
 */
export const CASE_STEP_UPDATES = [
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
  'withdrawConsent',
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
  [K in (typeof CASE_STEP_UPDATES)[number]]: UpdateDefinition<CaseView, [StepInput<K>], K>;
};

export const caseStepUpdates = Object.fromEntries(
  CASE_STEP_UPDATES.map((name) => [name, defineUpdate(name)]),
) as unknown as CaseStepUpdates;

/** Resolves once the case row exists (or the registration turned out to be a duplicate). */
export const awaitRegistration = defineUpdate<RegistrationResult>('awaitRegistration');

export const getCaseState = defineQuery<CaseView>('getState');

/** Fire-and-forget holds used by bulk suspension; a case that cannot take them ignores them. */
export const suspendSignal = defineSignal<[{ actor: Actor; reason: string; occurredAt?: string }]>('suspend');
export const resumeSignal = defineSignal<[{ actor: Actor; reason?: string; occurredAt?: string }]>('resume');
