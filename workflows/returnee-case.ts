import type { UpdateDefinition } from '@temporalio/common';
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { CaseActivities } from '../activities/case-activities';
import type { ConsentActivities } from '../activities/consent-activities';
import type { CasePolicy } from '../domain/case-policy';
import { adultOn } from '../domain/age';
import { type Actor, type CaseState, newCaseState } from '../domain/case-state';
import { applyStep, type CaseStep, checkStep } from '../domain/case-steps';
import { nextDeadline, refreshTask } from '../domain/open-task';
import type { Registration, RegistrationResult } from '../domain/registration';
import { caseDetails } from '../domain/cover-page';
import { isTerminal } from '../domain/stages';
import {
  awaitRegistration,
  caseStepUpdates,
  getCaseState,
  CASE_STEP_UPDATES,
  resumeSignal,
  suspendSignal,
} from './case-messages';
import { type CaseView, caseView } from './case-view';
import { inputRefusal } from './input-refusal';
import { leanSteps, RECORD_OPTIONS } from './lean-steps';
import { enforce, StepCore } from './step-core';
import {
  CaseCentre,
  CaseDueAt,
  CaseMinor,
  CaseNationality,
  CaseOfficer,
  CaseOpenTask,
  CaseOverdue,
  CaseStage,
  CaseSuspended,
  CaseTrack,
  FlightId,
} from './search-attributes';

/** Patch: the case's workflow, not the API, opens a travel-document request it records. */
const CASE_OPENS_TRAVEL_DOCUMENT = 'case-opens-travel-document-request';
/** Patches: cases opened from each on follow the second, then the third rules (RULES_VERSION in domain/case-state.ts). */
const CASE_RULES_2 = 'case-rules-2';
const CASE_RULES_3 = 'case-rules-3';

/** The workflow itself, when it takes a step of its own (a minor coming of age). */
const SYSTEM = { sub: 'sira', role: 'system' } as unknown as Actor;

/** Steps that reach beyond Postgres (another workflow, SMTP) are remote activities in every run. */
const acts = proxyActivities<CaseActivities>(RECORD_OPTIONS);
/** A step's own Postgres writes, inside the Update's workflow task in lean runs. */
const localRecords = proxyLocalActivities<CaseActivities>(RECORD_OPTIONS);
/** A consent withdrawal's reach beyond Postgres (the embassy's request, its e-mail). */
const consent = proxyActivities<ConsentActivities>(RECORD_OPTIONS);

export interface ReturneeCaseInput {
  policy: CasePolicy;
  /** On first start: the registration (with personal data, stored by the first activity, then dropped). */
  registration?: Registration;
  /** After continue-as-new, or to reopen a closed case: the state carried over, without personal data. */
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

/** One returnee's journey, from registration to completion or closure. */
export async function returneeCase(input: ReturneeCaseInput): Promise<CaseOutcome> {
  const { policy } = input;
  const lean = leanSteps();
  // Lean runs also describe themselves in the UI (the open task, a due date): same release, one marker.
  const described = lean;
  const registrationInput = input.registration;
  const core = new StepCore<CaseState>(
    input.state ?? initialState(registrationInput, policy, lean),
    (state) => caseAttributes(state, described),
    lean,
    caseDetails,
  );
  let registration: RegistrationResult | undefined = input.state ? { caseId: core.state.caseId } : undefined;
  let refusal: ApplicationFailure | undefined;

  const check = (step: CaseStep, actor: Actor) => {
    if (!registration || registration.duplicateOf) {
      throw ApplicationFailure.create({ type: 'stage_conflict', message: 'the case is not registered', nonRetryable: true });
    }
    checkStep(core.state, step, { now: Date.now(), policy, actor });
  };

  /** Applies a checked step: recorded in Postgres (with what it opens elsewhere), then made the live state. */
  const apply = async (step: CaseStep, actor: Actor) => {
    const now = Date.now();
    const state = core.state;
    const next = applyStep(state, step, { now, policy, actor });
    await core.recordThenCommit(next, async () => {
      const records = core.recorder(localRecords, acts, isTerminal(next.stage));
      await records.recordCaseStep({ step, actor, state: next, at: new Date(now).toISOString() });
      if (step.type === 'recordTravelDocumentRequest' && step.request && (lean || patched(CASE_OPENS_TRAVEL_DOCUMENT))) {
        // Under the case's lock: parallel requests are taken one at a time, and the replaced one is
        // cancelled and the new one started durably, by the activity's retries, not by an HTTP handler.
        await records.openTravelDocumentRequest({ request: step.request, replaces: step.replaces, held: step.held });
      }
      if (step.type === 'movePlannedDeparture' && state.travelDocument && !state.travelDocument.held) {
        await acts.moveTravelDocumentDeparture({ requestId: state.travelDocument.requestId, plannedDeparture: step.plannedDeparture, actor, caseSeq: next.seq });
      }
    });
    if (step.type === 'withdrawConsent' && state.travelDocument?.status === 'requested' && !state.travelDocument.held) {
      // After the withdrawal is on record (it stands whatever the embassy's side does): the request
      // stops chasing the embassy, and an embassy that was asked is told, once.
      await consent.withdrawTravelDocumentRequest({ caseId: state.caseId, requestId: state.travelDocument.requestId, actor });
    }
    return caseView(core.state);
  };

  /** A step the workflow or a signal sends itself: checked and applied under the lock. */
  const perform = (step: CaseStep, actor: Actor) =>
    core.exclusive(async () => {
      enforce(() => check(step, actor));
      return apply(step, actor);
    });

  setHandler(getCaseState, () => caseView(core.state));
  setHandler(awaitRegistration, async () => {
    await condition(() => registration !== undefined || refusal !== undefined);
    if (refusal) throw refusal;
    return registration!;
  });
  for (const name of CASE_STEP_UPDATES) {
    // One handler shape serves every step: the update's name is the step's type.
    const update = caseStepUpdates[name] as unknown as UpdateDefinition<CaseView, [{ actor: Actor }]>;
    core.update(update, {
      check: ({ actor, ...rest }) => check({ type: name, ...rest } as CaseStep, actor),
      perform: ({ actor, ...rest }) => apply({ type: name, ...rest } as CaseStep, actor),
    });
  }
  // Bulk holds are signals: a case they do not fit ignores them, and the log says why.
  const hold = (step: CaseStep, actor: Actor) =>
    perform(step, actor).then(
      () => undefined,
      (error: unknown) => log.info('hold ignored', { caseId: core.state.caseId, reason: String(error) }),
    );
  setHandler(suspendSignal, ({ actor, reason, occurredAt }) => hold({ type: 'suspend', reason, occurredAt }, actor));
  setHandler(resumeSignal, ({ actor, reason, occurredAt }) => hold({ type: 'resume', reason, occurredAt }, actor));

  if (!registration) {
    let result: RegistrationResult;
    try {
      result = await core.recorder(localRecords, acts, false).registerCase({ registration: registrationInput!, state: core.state });
    } catch (error) {
      // A registration Postgres cannot store ends here, refused, leaving neither a row nor a live workflow.
      refusal = inputRefusal(error);
      if (!refusal) throw error;
      await core.settle();
      return { caseId: core.state.caseId, stage: core.state.stage, refused: refusal.message };
    }
    registration = result;
    if (result.duplicateOf) {
      await core.settle();
      return { caseId: core.state.caseId, stage: core.state.stage, duplicateOf: result.duplicateOf };
    }
    // What the records say of the person's earlier cases (a second return, earlier assistance).
    if (result.previousCaseId || result.previouslyAssisted) {
      core.adopt({ ...core.state, previousCaseId: result.previousCaseId, previouslyAssisted: result.previouslyAssisted });
    }
  }
  core.publish();

  if (isTerminal(core.state.stage)) {
    // Started again from a closed case's state to reopen it (Update-with-Start): the reopening comes at once.
    if (!(await condition(() => !isTerminal(core.state.stage), '1 minute'))) {
      await core.settle();
      return { caseId: core.state.caseId, stage: core.state.stage };
    }
  }

  while (!isTerminal(core.state.stage)) {
    const deadline = nextDeadline(core.state);
    const birthday = comingOfAgeAt(core.state);
    const stepped = await core.nextChange(Math.min(deadline?.at ?? Infinity, birthday ?? Infinity));
    if (!stepped && birthday !== undefined && birthday <= Date.now()) {
      // The 18th birthday: the case no longer follows a minor (safeguards no longer bind travel or plans).
      await perform({ type: 'cameOfAge' }, SYSTEM);
    } else if (!stepped && deadline) {
      await core.exclusive(async () => {
        // A step may have landed while the timer fired; only mark the deadline that is still current.
        const state = core.state;
        const current = nextDeadline(state);
        if (current?.level !== deadline.level || current.at !== deadline.at || !state.task) return;
        const next: CaseState = { ...state, seq: state.seq + 1, task: { ...state.task, overdueLevel: deadline.level } };
        await core.recordThenCommit(next, () => acts.markCaseOverdue({ state: next, level: deadline.level, at: new Date().toISOString() }));
      });
    }
    if (core.continueAsNewDue(input.historyLimit)) {
      await core.settle();
      await continueAsNew<typeof returneeCase>({ policy, state: core.state, historyLimit: input.historyLimit });
    }
  }
  await core.drain();
  return { caseId: core.state.caseId, stage: core.state.stage };
}

/**
 * The case's search attributes: what managers filter on in the Temporal UI (never personal data).
 * `described`: lean runs (from this release on) also publish the open task.
 */
function caseAttributes(state: CaseState, described: boolean): SearchAttributeUpdatePair[] {
  const dueAt = caseView(state).dueAt;
  return [
    { key: CaseStage, value: state.stage },
    { key: CaseDueAt, value: dueAt ? new Date(dueAt) : null },
    { key: CaseOverdue, value: (state.task?.overdueLevel ?? 0) > 0 },
    { key: CaseSuspended, value: state.suspension !== undefined },
    { key: CaseCentre, value: state.centreCode },
    { key: CaseNationality, value: state.nationality },
    { key: CaseTrack, value: state.track },
    { key: CaseMinor, value: state.minor },
    { key: CaseOfficer, value: state.officer },
    { key: FlightId, value: state.flightId ?? null },
    ...(described ? [{ key: CaseOpenTask, value: state.task?.key ?? null }] : []),
  ];
}

function initialState(registration: Registration | undefined, policy: CasePolicy, lean: boolean): CaseState {
  if (!registration) throw ApplicationFailure.nonRetryable('a case needs a registration or a carried-over state');
  // A case keeps the rules it was opened under; histories of cases opened earlier replay without the
  // markers. Lean runs began after the third rules, so their one marker stands for those too.
  const rulesVersion = lean ? 3 : patched(CASE_RULES_2) ? (patched(CASE_RULES_3) ? 3 : 2) : undefined;
  const current = rulesVersion !== undefined;
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
  const state = { ...opened, rulesVersion };
  return { ...state, task: refreshTask(state, policy, Date.now()) };
}

/** The moment a minor's case stops counting them as a minor, while it still does. */
function comingOfAgeAt(state: CaseState): number | undefined {
  return state.minor && state.adultOn ? Date.parse(state.adultOn) : undefined;
}
