/**
 * A travel-document request to an embassy (DOMAIN.md, "Travel documents"): the rules its workflow,
 * its liaison page and its API share. Pure: no I/O, no clock of its own (callers pass `now`).
 */

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

export const LIAISON_DECISIONS = ['issued', 'interview', 'refused'] as const;
export type LiaisonDecision = (typeof LIAISON_DECISIONS)[number];

export type LiaisonAnswer =
  | { decision: 'issued'; documentNumber: string; validUntil: string }
  | { decision: 'interview'; interviewAt: string; interviewPlace: string }
  | { decision: 'refused'; reason: string };

export interface TravelDocumentPolicy {
  reminderIntervalMs: number;
  maxReminders: number;
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
  document?: { number: string; validUntil: string; issuedAt: string };
  interview?: { at: string; place: string };
  refusalReason?: string;
  cancellation?: { reason: string; by: string };
  /** `<round>:<status>` of the last outcome the case has taken in. */
  caseToldOf?: string;
  /** The workflow has nothing left to do. */
  finished: boolean;
}

/** Why an answer or a cancellation is refused; the API maps the code to an HTTP status. */
export class TravelDocumentRejected extends Error {
  constructor(
    /** already_answered → 409, stale_link → 410, invalid_answer → 422. */
    readonly code: 'already_answered' | 'stale_link' | 'invalid_answer',
    message: string,
  ) {
    super(message);
    this.name = 'TravelDocumentRejected';
  }
}

const DAY_MS = 86_400_000;
const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A document valid until a plain date is valid through the whole of that day (as the case rules read it). */
export function validThrough(validUntil: string): number {
  return Date.parse(validUntil) + (PLAIN_DATE.test(validUntil) ? DAY_MS - 1 : 0);
}

/** The first moment of the planned departure (its day's start when it is a plain date). */
export function departureStart(plannedDeparture: string): number {
  return Date.parse(plannedDeparture);
}

export function newTravelDocumentState(request: TravelDocumentRequest): TravelDocumentState {
  return { ...request, status: 'requested', seq: 0, round: 0, cycle: 0, remindersSent: 0, overdue: false, finished: false };
}

const bump = (state: TravelDocumentState, change: Partial<TravelDocumentState>): TravelDocumentState => ({
  ...state,
  ...change,
  seq: state.seq + 1,
});

/** The request (or renewal) e-mail went out: the embassy's clock starts. */
export function markSent(state: TravelDocumentState, now: number): TravelDocumentState {
  return bump(state, { status: state.round === 0 ? 'sent' : 'renewal_requested', waitingSince: now, cycle: 0, remindersSent: 0, overdue: false });
}

/** Throws TravelDocumentRejected unless the embassy may give this answer now, on a link of this round. */
export function checkAnswer(state: TravelDocumentState, answer: LiaisonAnswer, ctx: { now: number; round: number }): void {
  if (state.finished || !ANSWERABLE.includes(state.status)) {
    throw new TravelDocumentRejected('already_answered', `this request was already answered (${state.status}); it cannot be answered again`);
  }
  if (ctx.round !== state.round) {
    throw new TravelDocumentRejected('stale_link', 'this link belongs to an earlier request; use the link in the latest e-mail');
  }
  const invalid = (message: string) => new TravelDocumentRejected('invalid_answer', message);
  switch (answer.decision) {
    case 'issued': {
      if (!answer.documentNumber.trim()) throw invalid('the document number is required');
      const until = validThrough(answer.validUntil);
      if (Number.isNaN(until)) throw invalid('the validity date is not a date');
      const departure = departureStart(state.plannedDeparture);
      if (until < departure) {
        throw invalid(
          `the document is valid until ${answer.validUntil}, before the planned departure on ${state.plannedDeparture}: it must still be valid on the day of departure`,
        );
      }
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
      });
    case 'refused':
      return bump(state, { status: 'refused', refusalReason: answer.reason.trim(), overdue: false });
  }
}

/** A cancellation fits any request the embassy has not answered for good. */
export function checkCancellation(state: TravelDocumentState): void {
  if (state.finished || !ANSWERABLE.includes(state.status)) {
    throw new TravelDocumentRejected('already_answered', `the request is ${state.status}; it can no longer be cancelled`);
  }
}

export function applyCancellation(state: TravelDocumentState, reason: string, by: string): TravelDocumentState {
  return bump(state, { status: 'cancelled', cancellation: { reason, by }, overdue: false, finished: true });
}

export type Chase = { kind: 'reminder'; n: number; at: number } | { kind: 'escalation'; at: number };

/**
 * The next thing to send while the embassy owes an answer: reminders every interval, at most
 * `maxReminders`, then one interval later an escalation to the programme manager; then nothing.
 */
export function nextChase(state: TravelDocumentState, policy: TravelDocumentPolicy): Chase | undefined {
  if (state.finished || !AWAITING_EMBASSY.includes(state.status) || state.waitingSince === undefined) return undefined;
  if (state.remindersSent < policy.maxReminders) {
    const n = state.remindersSent + 1;
    return { kind: 'reminder', n, at: state.waitingSince + n * policy.reminderIntervalMs };
  }
  if (!state.overdue) return { kind: 'escalation', at: state.waitingSince + (policy.maxReminders + 1) * policy.reminderIntervalMs };
  return undefined;
}

export function markReminded(state: TravelDocumentState, n: number): TravelDocumentState {
  return bump(state, { remindersSent: n });
}

export function markOverdue(state: TravelDocumentState): TravelDocumentState {
  return bump(state, { overdue: true });
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
  return bump(state, { round: state.round + 1, status: 'requested', interview: undefined, remindersSent: 0, overdue: false });
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
  if (state.caseToldOf === key) return undefined;
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

export function markCaseTold(state: TravelDocumentState, key: string): TravelDocumentState {
  const finished = state.status === 'refused' || state.status === 'expired';
  return bump(state, { caseToldOf: key, finished });
}

export function markFinished(state: TravelDocumentState): TravelDocumentState {
  return bump(state, { finished: true });
}

/** What Sira sends about a request. Each one has a key, so that it goes out once whatever the retries. */
export type TravelDocumentMessage =
  | { kind: 'request'; round: number }
  | { kind: 'reminder'; round: number; cycle: number; n: number }
  | { kind: 'escalation'; round: number; cycle: number }
  | { kind: 'renewal_notice'; round: number };

/** `traveldoc:<id>:request`, `traveldoc:<id>:reminder:1`, `traveldoc:<id>:renewal:1:reminder:2`, … */
export function messageKey(requestId: string, message: TravelDocumentMessage): string {
  const base = message.round === 0 ? `traveldoc:${requestId}` : `traveldoc:${requestId}:renewal:${message.round}`;
  const cycle = 'cycle' in message && message.cycle > 0 ? `:interview:${message.cycle}` : '';
  switch (message.kind) {
    case 'request':
      return message.round === 0 ? `${base}:request` : base;
    case 'reminder':
      return `${base}${cycle}:reminder:${message.n}`;
    case 'escalation':
      return `${base}${cycle}:escalation`;
    case 'renewal_notice':
      return `${base}:officer`;
  }
}
