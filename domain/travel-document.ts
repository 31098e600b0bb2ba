/**
 * A travel-document request to an embassy: the rules its workflow,
 * its liaison page and its API share. Pure: no I/O, no clock of its own (callers pass `now`).
 */

import { StepRejected } from './rejection';
import { isTerminal, type Stage } from './stages';

export const DOCUMENT_TYPES = ['laissez_passer', 'emergency_travel_certificate', 'passport'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/**
 * requested → sent → (interview_scheduled →) issued | refused | expired | cancelled. An issued
 * document that would lapse before the departure goes back out as `renewal_requested`.
 */
export const TRAVEL_DOCUMENT_STATUSES = [
  'requested',
  'sent',
  'interview_scheduled',
  'issued',
  'renewal_requested',
  'refused',
  'expired',
  'cancelled',
] as const;
export type TravelDocumentStatus = (typeof TRAVEL_DOCUMENT_STATUSES)[number];

/** Statuses in which the embassy owes an answer: reminders run, the liaison link answers. */
export const AWAITING_EMBASSY: readonly TravelDocumentStatus[] = ['sent', 'interview_scheduled', 'renewal_requested'];

/**
 * Statuses in which a liaison link may answer. `requested` too: the e-mail is out a moment before
 * the workflow records it as sent, and a quick liaison must not be turned away meanwhile.
 */
export const ANSWERABLE: readonly TravelDocumentStatus[] = ['requested', ...AWAITING_EMBASSY];


export type LiaisonAnswer =
  | { decision: 'issued'; documentNumber: string; validUntil: string }
  | { decision: 'interview'; interviewAt: string; interviewPlace: string }
  | { decision: 'refused'; reason: string };

export interface TravelDocumentPolicy {
  reminderIntervalMs: number;
  maxReminders: number;
  /** After the first escalation, how long until the next one while the embassy still has not answered. */
  escalationIntervalMs: number;
  /** How long before an issued document lapses its renewal is asked for, if the person has not left. */
  renewalLeadMs: number;
}

export interface TravelDocumentRequest {
  requestId: string;
  caseId: string;
  /** The person's nationality: the embassy asked. */
  country: string;
  centreCode: string;
  documentType: DocumentType;
  /** A date (YYYY-MM-DD) or date-time. */
  plannedDeparture: string;
  requestedBy: string;
  requestedAt: string;
}

/**
 * An issued document that lapses before the planned departure. The embassy's answer is a fact and is
 * recorded as it is (a hold or a rule never drops a fact); the case waits on the conflict until the departure
 * moves or a new document comes.
 */
export interface TravelDocumentConflict {
  kind: 'lapses_before_departure';
  validUntil: string;
  plannedDeparture: string;
}

/** The live state of one request, as its workflow holds it: codes and dates, no personal data. */
export interface TravelDocumentState extends TravelDocumentRequest {
  status: TravelDocumentStatus;
  /** Incremented by every change; keys the change's event row. */
  seq: number;
  /** 0 for the first request; n for the n-th renewal. A liaison link answers only its own round. */
  round: number;
  /** When the embassy's current wait started: the e-mail, or the interview. Reminders count from here. */
  waitingSince?: number;
  /** Starts at 0 with each e-mail to the embassy, +1 for each interview: keeps reminder keys apart. */
  cycle: number;
  remindersSent: number;
  overdue: boolean;
  /**
   * Escalations sent in the current wait. Absent in a state carried over from a run that escalated
   * once at most, where `overdue` stands for that one.
   */
  escalations?: number;
  document?: { number: string; validUntil: string; issuedAt: string };
  /** Set while the current document lapses before the planned departure. */
  conflict?: TravelDocumentConflict;
  interview?: { at: string; place: string };
  refusalReason?: string;
  cancellation?: { reason: string; by: string };
  /** `<round>:<status>` of the last outcome the case has taken in. */
  caseToldOf?: string;
  /** The last outcome the case could not take in, raised to the centre's supervisor instead, and why. */
  outcomeRaised?: { key: string; reason: string };
  /** The workflow has nothing left to do. */
  finished: boolean;
}


const DAY_MS = 86_400_000;
const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** EMBASSY_ESCALATION_INTERVAL's default, for requests started before escalations repeated (their policy has none). */
export const DEFAULT_ESCALATION_INTERVAL_MS = 14 * DAY_MS;

/** The last moment of a date: a plain date lasts the whole of its day. */
const lastMomentOf = (date: string) => Date.parse(date) + (PLAIN_DATE.test(date) ? DAY_MS - 1 : 0);

/** A document valid until a plain date is valid through the whole of that day (as the case rules read it). */
export function validThrough(validUntil: string): number {
  return lastMomentOf(validUntil);
}

/** The first moment of the planned departure (its day's start when it is a plain date). */
export function departureStart(plannedDeparture: string): number {
  return Date.parse(plannedDeparture);
}

/** A case's issued document that lapses before its planned departure: the case waits until one of them changes. */
export function lapsesBeforeDeparture(doc: { status: string; validUntil?: string; plannedDeparture?: string } | undefined): boolean {
  if (doc?.status !== 'issued' || !doc.validUntil || !doc.plannedDeparture) return false;
  return documentConflict(doc.validUntil, doc.plannedDeparture) !== undefined;
}

/** The conflict of a document valid until `validUntil` with a departure on `plannedDeparture`, if it lapses first. */
export function documentConflict(validUntil: string, plannedDeparture: string): TravelDocumentConflict | undefined {
  return validThrough(validUntil) < departureStart(plannedDeparture)
    ? { kind: 'lapses_before_departure', validUntil, plannedDeparture }
    : undefined;
}

export function newTravelDocumentState(request: TravelDocumentRequest): TravelDocumentState {
  return { ...request, status: 'requested', seq: 0, round: 0, cycle: 0, remindersSent: 0, overdue: false, escalations: 0, finished: false };
}

const bump = (state: TravelDocumentState, change: Partial<TravelDocumentState>): TravelDocumentState => ({
  ...state,
  ...change,
  seq: state.seq + 1,
});

/** The request (or renewal) e-mail went out: the embassy's clock starts. */
export function markSent(state: TravelDocumentState, now: number): TravelDocumentState {
  return bump(state, {
    status: state.round === 0 ? 'sent' : 'renewal_requested',
    waitingSince: now,
    cycle: 0,
    remindersSent: 0,
    overdue: false,
    escalations: 0,
  });
}

/**
 * Throws StepRejected unless the embassy may give this answer now, on a link of this round.
 * A document that lapses before the planned departure is not refused: it is what the embassy issued,
 * and it is recorded with its conflict.
 */
export function checkAnswer(state: TravelDocumentState, answer: LiaisonAnswer, ctx: { now: number; round: number }): void {
  if (state.finished || !ANSWERABLE.includes(state.status)) {
    throw new StepRejected('already_answered', `this request was already answered (${state.status}); it cannot be answered again`);
  }
  if (ctx.round !== state.round) {
    throw new StepRejected('stale_link', 'this link belongs to an earlier request; use the link in the latest e-mail');
  }
  const invalid = (message: string) => new StepRejected('invalid_answer', message);
  switch (answer.decision) {
    case 'issued': {
      if (!answer.documentNumber.trim()) throw invalid('the document number is required');
      const until = validThrough(answer.validUntil);
      if (Number.isNaN(until)) throw invalid('the validity date is not a date');
      if (until < ctx.now) throw invalid(`the document is valid until ${answer.validUntil}, which has already passed`);
      if (state.document && until <= validThrough(state.document.validUntil)) {
        throw invalid(`a renewed document must be valid after ${state.document.validUntil}, when the current one ends`);
      }
      return;
    }
    case 'interview': {
      const at = Date.parse(answer.interviewAt);
      if (Number.isNaN(at)) throw invalid('the interview date is not a date');
      if (at < ctx.now - DAY_MS) throw invalid('the interview date has already passed');
      if (!answer.interviewPlace.trim()) throw invalid('the interview place is required');
      return;
    }
    case 'refused':
      if (!answer.reason.trim()) throw invalid('the reason for the refusal is required');
      return;
  }
}

/** The state after an answer that checkAnswer accepted. */
export function applyAnswer(state: TravelDocumentState, answer: LiaisonAnswer, now: number): TravelDocumentState {
  switch (answer.decision) {
    case 'issued':
      return bump(state, {
        status: 'issued',
        document: { number: answer.documentNumber.trim(), validUntil: answer.validUntil, issuedAt: new Date(now).toISOString() },
        conflict: documentConflict(answer.validUntil, state.plannedDeparture),
        overdue: false,
      });
    case 'interview':
      // The embassy has answered: the reminder clock starts again from the interview.
      return bump(state, {
        status: 'interview_scheduled',
        interview: { at: answer.interviewAt, place: answer.interviewPlace.trim() },
        waitingSince: Math.max(now, Date.parse(answer.interviewAt)),
        cycle: state.cycle + 1,
        remindersSent: 0,
        overdue: false,
        escalations: 0,
      });
    case 'refused':
      return bump(state, { status: 'refused', refusalReason: answer.reason.trim(), overdue: false });
  }
}

/** A cancellation fits any request the embassy has not answered for good. */
export function checkCancellation(state: TravelDocumentState): void {
  if (state.finished || !ANSWERABLE.includes(state.status)) {
    throw new StepRejected('already_answered', `the request is ${state.status}; it can no longer be cancelled`);
  }
}

export function applyCancellation(state: TravelDocumentState, reason: string, by: string): TravelDocumentState {
  return bump(state, { status: 'cancelled', cancellation: { reason, by }, overdue: false, finished: true });
}

/**
 * Throws StepRejected unless the request's planned departure may move to `plannedDeparture`:
 * not to a day already past, and only while the request may still lead to a departure.
 */
export function checkDepartureMove(state: TravelDocumentState, plannedDeparture: string, now: number): void {
  if (state.finished || state.status === 'cancelled' || state.status === 'refused' || state.status === 'expired') {
    throw new StepRejected('stage_conflict', `the request is ${state.finished ? 'finished' : state.status}; its planned departure can no longer move`);
  }
  const last = lastMomentOf(plannedDeparture);
  if (Number.isNaN(last)) throw new StepRejected('rule_violation', 'the planned departure is not a date');
  if (last < now) throw new StepRejected('rule_violation', `the planned departure ${plannedDeparture} has already passed`);
}

/** The state after a move checkDepartureMove accepted: the conflict is worked out again for the new day. */
export function applyDepartureMove(state: TravelDocumentState, plannedDeparture: string): TravelDocumentState {
  return bump(state, {
    plannedDeparture,
    conflict: state.document ? documentConflict(state.document.validUntil, plannedDeparture) : undefined,
  });
}

export type Chase = { kind: 'reminder'; n: number; at: number } | { kind: 'escalation'; n: number; at: number };

/**
 * The next thing to send while the embassy owes an answer: reminders every interval, at most
 * `maxReminders`, then one interval later an escalation to the programme manager, and another every
 * escalation interval after that, for as long as the wait lasts (an answer, a cancellation or the
 * document's lapse ends it).
 */
export function nextChase(state: TravelDocumentState, policy: TravelDocumentPolicy): Chase | undefined {
  if (state.finished || !AWAITING_EMBASSY.includes(state.status) || state.waitingSince === undefined) return undefined;
  if (state.remindersSent < policy.maxReminders) {
    const n = state.remindersSent + 1;
    return { kind: 'reminder', n, at: state.waitingSince + n * policy.reminderIntervalMs };
  }
  const escalated = state.escalations ?? (state.overdue ? 1 : 0);
  const first = state.waitingSince + (policy.maxReminders + 1) * policy.reminderIntervalMs;
  return { kind: 'escalation', n: escalated + 1, at: first + escalated * policy.escalationIntervalMs };
}

export function markReminded(state: TravelDocumentState, n: number): TravelDocumentState {
  return bump(state, { remindersSent: n });
}

/** The n-th escalation went out: the request is overdue until the embassy answers. */
export function markEscalated(state: TravelDocumentState, n: number): TravelDocumentState {
  return bump(state, { overdue: true, escalations: n });
}

/** When an issued document's renewal is due, if the person is still here by then. */
export function renewalDueAt(state: TravelDocumentState, policy: TravelDocumentPolicy): number | undefined {
  if (state.status !== 'issued' || !state.document) return undefined;
  return validThrough(state.document.validUntil) - policy.renewalLeadMs;
}

/** While a renewal is awaited, the current document still lapses at its own date. */
export function currentDocumentLapsesAt(state: TravelDocumentState): number | undefined {
  return state.round > 0 && AWAITING_EMBASSY.includes(state.status) && state.document
    ? validThrough(state.document.validUntil)
    : undefined;
}

/** The issued document will lapse before a departure that has not happened: ask the embassy again. */
export function startRenewal(state: TravelDocumentState): TravelDocumentState {
  return bump(state, { round: state.round + 1, status: 'requested', interview: undefined, remindersSent: 0, overdue: false, escalations: 0 });
}

export function markExpired(state: TravelDocumentState): TravelDocumentState {
  return bump(state, { status: 'expired', overdue: false });
}

/** The outcome the case must take in now, if any: issued sends it to ready_to_depart, the others back to counselling. */
export function pendingCaseOutcome(
  state: TravelDocumentState,
): { outcome: 'issued' | 'refused' | 'expired'; key: string; validUntil?: string; reason?: string } | undefined {
  if (state.status !== 'issued' && state.status !== 'refused' && state.status !== 'expired') return undefined;
  const key = `${state.round}:${state.status}`;
  if (state.caseToldOf === key || state.outcomeRaised?.key === key) return undefined;
  return {
    outcome: state.status,
    key,
    validUntil: state.status === 'issued' ? state.document?.validUntil : undefined,
    reason:
      state.status === 'refused'
        ? state.refusalReason
        : state.status === 'expired'
          ? `the travel document lapsed on ${state.document?.validUntil} before the departure`
          : undefined,
  };
}

/** A refused or expired request has nothing left to do once its outcome is with the case, or with a person. */
const endsWithOutcome = (state: TravelDocumentState) => state.status === 'refused' || state.status === 'expired';

export function markCaseTold(state: TravelDocumentState, key: string): TravelDocumentState {
  return bump(state, { caseToldOf: key, finished: endsWithOutcome(state) });
}

/**
 * How long the case is asked again after refusing an outcome for now: one minute, then twice as long
 * each time up to an hour apart, for a day. Then a person is told.
 */
const OUTCOME_RETRY = { firstDelayMs: 60_000, maxDelayMs: 3_600_000, forMs: DAY_MS } as const;

/**
 * When to offer the outcome again after the case refused it `refusals` times, the first at
 * `refusedSince`; undefined once the retry window is spent.
 */
export function nextOutcomeAttemptAt(refusedSince: number, refusals: number, now: number): number | undefined {
  const delay = Math.min(OUTCOME_RETRY.firstDelayMs * 2 ** (refusals - 1), OUTCOME_RETRY.maxDelayMs);
  return now + delay <= refusedSince + OUTCOME_RETRY.forMs ? now + delay : undefined;
}

/**
 * Whether a case that refused an outcome may take it later: it is still open and still waits on this
 * request (it was suspended, say). A case that has ended, or waits on another request, never will.
 */
export function mayTakeOutcomeLater(
  caseNow: { stage: Stage; travelDocument?: { requestId: string } } | undefined,
  requestId: string,
): boolean {
  return caseNow !== undefined && !isTerminal(caseNow.stage) && caseNow.travelDocument?.requestId === requestId;
}

/** The case could not take the outcome in: the centre's supervisor has it instead. */
export function markOutcomeRaised(state: TravelDocumentState, key: string, reason: string): TravelDocumentState {
  return bump(state, { outcomeRaised: { key, reason }, finished: endsWithOutcome(state) });
}

export function markFinished(state: TravelDocumentState): TravelDocumentState {
  return bump(state, { finished: true });
}

/** What Sira sends about a request. Each one has a key, so that it goes out once whatever the retries. */
export type TravelDocumentMessage =
  | { kind: 'request'; round: number }
  | { kind: 'reminder'; round: number; cycle: number; n: number }
  | { kind: 'escalation'; round: number; cycle: number; n: number }
  | { kind: 'renewal_notice'; round: number }
  | { kind: 'outcome_not_taken'; round: number; outcome: 'issued' | 'refused' | 'expired'; reason: string };

/** What every message key about a request starts with: its messages are found by it. */
export const messageKeyPrefix = (requestId: string) => `traveldoc:${requestId}`;

/**
 * `traveldoc:<id>:request`, `traveldoc:<id>:reminder:1`, `traveldoc:<id>:renewal:1:reminder:2`,
 * `traveldoc:<id>:escalation:2`, `traveldoc:<id>:outcome:refused`, …
 */
export function messageKey(requestId: string, message: TravelDocumentMessage): string {
  const base = message.round === 0 ? messageKeyPrefix(requestId) : `${messageKeyPrefix(requestId)}:renewal:${message.round}`;
  const cycle = 'cycle' in message && message.cycle > 0 ? `:interview:${message.cycle}` : '';
  switch (message.kind) {
    case 'request':
      return message.round === 0 ? `${base}:request` : base;
    case 'reminder':
      return `${base}${cycle}:reminder:${message.n}`;
    case 'escalation':
      // The first escalation keeps the key it had when there was only one (and when `n` was not sent).
      return message.n > 1 ? `${base}${cycle}:escalation:${message.n}` : `${base}${cycle}:escalation`;
    case 'renewal_notice':
      return `${base}:officer`;
    case 'outcome_not_taken':
      return `${base}:outcome:${message.outcome}`;
  }
}
