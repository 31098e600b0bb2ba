import type { UpdateDefinition } from '@temporalio/common';
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities } from '../activities/case-activities';
import type { CasePolicy } from '../domain/case-policy';
import { adultOn } from '../domain/age';
import { type Actor, type CaseState, newCaseState } from '../domain/case-state';
import { applyStep, type CaseStep, checkStep, StepRejected } from '../domain/case-steps';
import { nextDeadline, refreshTask } from '../domain/open-task';
import type { Registration, RegistrationResult } from '../domain/registration';
import { isTerminal } from '../domain/stages';
import {
  awaitRegistration,
  caseStepUpdates,
  getCaseState,
  HUMAN_STEPS,
  resumeSignal,
  suspendSignal,
} from './case-messages';
import { type CaseView, caseView } from './case-view';
import { Exclusive } from './exclusive';
import { inputRefusal, withInputRefusal } from './input-refusal';
import {
  CaseCentre,
  CaseDueAt,
  CaseMinor,
  CaseNationality,
  CaseOfficer,
  CaseOverdue,
  CaseStage,
  CaseSuspended,
  CaseTrack,
  FlightId,
} from './search-attributes';

/** Patch: the case's workflow, not the API, opens a travel-document request it records. */
const CASE_OPENS_TRAVEL_DOCUMENT = 'case-opens-travel-document-request';
/** Patch: cases opened from now on follow the second rules (RULES_VERSION in domain/case-state.ts). */
const CASE_RULES_2 = 'case-rules-2';

/** The workflow itself, when it takes a step of its own (a minor coming of age). */
const SYSTEM = { sub: 'sira', role: 'system' } as unknown as Actor;

const acts = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export interface ReturneeCaseInput {
  policy: CasePolicy;
  /** On first start: the registration (with personal data, stored by the first activity, then dropped). */
  registration?: Registration;
  /** After continue-as-new: the state carried over, without personal data. */
  state?: CaseState;
  /** Continue-as-new once history passes this many events, even if the server has not suggested it yet. */
  historyLimit?: number;
}

export interface CaseOutcome {
  caseId: string;
  stage: CaseState['stage'];
  duplicateOf?: string;
  /** Why the registration was refused by the database (defence in depth behind the API's input rule). */
  refused?: string;
}

function rejection(error: unknown): unknown {
  return error instanceof StepRejected
    ? ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true })
    : error;
}

/** One returnee's journey, from registration to completion or closure (DOMAIN.md). */
export async function returneeCase(input: ReturneeCaseInput): Promise<CaseOutcome> {
  const { policy } = input;
  const registrationInput = input.registration;
  let state: CaseState = input.state ?? initialState(registrationInput, policy);
  let registration: RegistrationResult | undefined = input.state ? { caseId: state.caseId } : undefined;
  let refusal: ApplicationFailure | undefined;
  const exclusive = new Exclusive();

  const publish = () =>
    upsertSearchAttributes([
      { key: CaseStage, value: state.stage },
      { key: CaseDueAt, value: caseView(state).dueAt ? new Date(caseView(state).dueAt!) : null },
      { key: CaseOverdue, value: (state.task?.overdueLevel ?? 0) > 0 },
      { key: CaseSuspended, value: state.suspension !== undefined },
      { key: CaseCentre, value: state.centreCode },
      { key: CaseNationality, value: state.nationality },
      { key: CaseTrack, value: state.track },
      { key: CaseMinor, value: state.minor },
      { key: CaseOfficer, value: state.officer },
      { key: FlightId, value: state.flightId ?? null },
    ]);

  const check = (step: CaseStep, actor: Actor) => {
    if (!registration || registration.duplicateOf) {
      throw ApplicationFailure.create({ type: 'stage_conflict', message: 'the case is not registered', nonRetryable: true });
    }
    try {
      checkStep(state, step, { now: Date.now(), policy, actor });
    } catch (error) {
      throw rejection(error);
    }
  };

  /** Applies a step under the lock: re-checked, recorded in Postgres, then made the live state. */
  const perform = (step: CaseStep, actor: Actor) =>
    exclusive.run(async () => {
      check(step, actor);
      const now = Date.now();
      const next = applyStep(state, step, { now, policy, actor });
      await withInputRefusal(acts.recordCaseStep({ step, actor, state: next, at: new Date(now).toISOString() }));
      if (step.type === 'recordTravelDocumentRequest' && step.request && patched(CASE_OPENS_TRAVEL_DOCUMENT)) {
        // Under the case's lock: parallel requests are taken one at a time, and the replaced one is
        // cancelled and the new one started durably, by the activity's retries, not by an HTTP handler.
        await acts.openTravelDocumentRequest({ request: step.request, replaces: step.replaces, held: step.held });
      }
      if (step.type === 'movePlannedDeparture' && state.travelDocument && !state.travelDocument.held) {
        await acts.moveTravelDocumentDeparture({ requestId: state.travelDocument.requestId, plannedDeparture: step.plannedDeparture, actor, caseSeq: next.seq });
      }
      state = next;
      publish();
      return caseView(state);
    });

  setHandler(getCaseState, () => caseView(state));
  setHandler(awaitRegistration, async () => {
    await condition(() => registration !== undefined || refusal !== undefined);
    if (refusal) throw refusal;
    return registration!;
  });
  for (const name of HUMAN_STEPS) {
    // One handler shape serves every step: the update's name is the step's type.
    const update = caseStepUpdates[name] as unknown as UpdateDefinition<CaseView, [{ actor: Actor }]>;
    setHandler(
      update,
      ({ actor, ...rest }) => perform({ type: name, ...rest } as CaseStep, actor),
      { validator: ({ actor, ...rest }) => check({ type: name, ...rest } as CaseStep, actor) },
    );
  }
  // Bulk holds are signals: a case they do not fit ignores them, and the log says why.
  const hold = (step: CaseStep, actor: Actor) =>
    perform(step, actor).then(
      () => undefined,
      (error: unknown) => log.info('hold ignored', { caseId: state.caseId, reason: String(error) }),
    );
  setHandler(suspendSignal, ({ actor, reason }) => hold({ type: 'suspend', reason }, actor));
  setHandler(resumeSignal, ({ actor, reason }) => hold({ type: 'resume', reason }, actor));

  if (!registration) {
    let result: RegistrationResult;
    try {
      result = await acts.registerCase({ registration: registrationInput!, state });
    } catch (error) {
      // A registration Postgres cannot store ends here, refused, leaving neither a row nor a live workflow.
      refusal = inputRefusal(error);
      if (!refusal) throw error;
      await condition(allHandlersFinished);
      return { caseId: state.caseId, stage: state.stage, refused: refusal.message };
    }
    registration = result;
    if (result.duplicateOf) {
      await condition(allHandlersFinished);
      return { caseId: state.caseId, stage: state.stage, duplicateOf: result.duplicateOf };
    }
    // What the records say of the person's earlier cases (a second return, earlier assistance).
    if (result.previousCaseId || result.previouslyAssisted) {
      state = { ...state, previousCaseId: result.previousCaseId, previouslyAssisted: result.previouslyAssisted };
    }
  }
  publish();

  if (isTerminal(state.stage)) {
    // Started again from a closed case's state to reopen it (Update-with-Start): the reopening comes at once.
    if (!(await condition(() => !isTerminal(state.stage), '1 minute'))) {
      await condition(allHandlersFinished);
      return { caseId: state.caseId, stage: state.stage };
    }
  }

  while (!isTerminal(state.stage)) {
    const seen = state.seq;
    const deadline = nextDeadline(state);
    const birthday = comingOfAgeAt(state);
    const wakeAt = Math.min(deadline?.at ?? Infinity, birthday ?? Infinity);
    const stepped = Number.isFinite(wakeAt)
      ? await condition(() => state.seq !== seen, Math.max(1, wakeAt - Date.now()))
      : (await condition(() => state.seq !== seen), true);
    if (!stepped && birthday !== undefined && birthday <= Date.now()) {
      // The 18th birthday: the case no longer follows a minor (safeguards no longer bind travel or plans).
      await perform({ type: 'cameOfAge' }, SYSTEM);
    } else if (!stepped && deadline) {
      await exclusive.run(async () => {
        // A step may have landed while the timer fired; only mark the deadline that is still current.
        const current = nextDeadline(state);
        if (current?.level !== deadline.level || current.at !== deadline.at || !state.task) return;
        const next: CaseState = { ...state, seq: state.seq + 1, task: { ...state.task, overdueLevel: deadline.level } };
        await acts.markCaseOverdue({ state: next, level: deadline.level, at: new Date().toISOString() });
        state = next;
        publish();
      });
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || (input.historyLimit !== undefined && info.historyLength > input.historyLimit)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof returneeCase>({ policy, state, historyLimit: input.historyLimit });
    }
  }
  await condition(allHandlersFinished);
  return { caseId: state.caseId, stage: state.stage };
}

function initialState(registration: Registration | undefined, policy: CasePolicy): CaseState {
  if (!registration) throw ApplicationFailure.nonRetryable('a case needs a registration or a carried-over state');
  // A case keeps the rules it was opened under; histories of cases opened earlier replay without the marker.
  const current = patched(CASE_RULES_2);
  const opened = newCaseState({
    caseId: registration.caseId,
    track: registration.track,
    centreCode: registration.centreCode,
    nationality: registration.person.nationality,
    minor: registration.unaccompaniedMinor,
    officer: registration.officer,
    flightId: registration.arrival.flightId,
    arrivedAt: registration.arrival.arrivedAt,
    // The 18th birthday is the only trace of the date of birth the workflow keeps.
    ...(current && registration.unaccompaniedMinor ? { adultOn: adultOn(registration.person.dateOfBirth) } : {}),
  });
  // A child off a charter starts with the safeguards they boarded on (recorded with the registration).
  if (current && registration.unaccompaniedMinor && registration.safeguards) opened.safeguards = registration.safeguards;
  const state = current ? opened : { ...opened, rulesVersion: undefined };
  return { ...state, task: refreshTask(state, policy, Date.now()) };
}

/** The moment a minor's case stops counting them as a minor, while it still does. */
function comingOfAgeAt(state: CaseState): number | undefined {
  return state.minor && state.adultOn ? Date.parse(state.adultOn) : undefined;
}
