/**
 * What a workflow says about itself in the Temporal UI, like the cover page of a case file: a
 * summary fixed at start (what it is: type, centre, track, nationality) and current details kept up
 * to date (what it waits for, since when, due when, who was told). Codes, dates and counts only:
 * never a name, a date of birth, a phone number, a document number or a free-text reason, because
 * these texts are shown to everyone who opens the UI, without decoding.
 */

import type { CaseState } from './case-state';
import type { FlightPlan, FlightPolicy, FlightState } from './flight';
import { dueAt, escalateAt } from './open-task';
import type { Track } from './stages';
import type { TravelDocumentPolicy, TravelDocumentRequest, TravelDocumentState } from './travel-document';

/**
 * Every cover text starts with this invisible mark (U+2060 WORD JOINER): the payload codec keeps
 * such texts readable (not encrypted), so that the UI shows them to everyone without decoding.
 * Nothing else starts with it, since only these functions add it.
 */
export const COVER_MARK = '\u2060';

export function isCoverText(text: unknown): text is string {
  return typeof text === 'string' && text.startsWith(COVER_MARK);
}

const cover = (lines: (string | undefined | false)[]) => COVER_MARK + lines.filter((l): l is string => !!l).join('\n');

/** `2026-11-29 10:00 UTC`: read at a glance, in the programme's time zone (Bamako is UTC). */
export function when(at: number | string): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const TRACK_WORDS: Record<Track, string> = { reintegration: 'reintegration', onward_return: 'onward return' };

export interface CaseCover {
  caseId: string;
  track: Track;
  centreCode: string;
  nationality: string;
  minor: boolean;
  flightId?: string;
  /** The arrival's mode (charter, commercial, land, in transit). */
  arrivalMode?: string;
}

/** The case's static summary: one line, for the UI's header and lists. */
export function caseSummary(c: CaseCover): string {
  return cover([`Returnee case · ${TRACK_WORDS[c.track]} · centre ${c.centreCode} · nationality ${c.nationality}${c.minor ? ' · unaccompanied minor' : ''}`]);
}

/** The case's static details: how to read it and where its personal data lives. */
export function caseStaticDetails(c: CaseCover): string {
  return cover([
    `**Case** \`${c.caseId}\``,
    `**Track:** ${TRACK_WORDS[c.track]} (${c.track === 'reintegration' ? 'a Malian national, helped to resettle' : 'a foreign national, helped home'})`,
    `**Centre:** ${c.centreCode} · **Nationality:** ${c.nationality}`,
    c.arrivalMode && `**Arrival:** ${c.arrivalMode.replace('_', ' ')}${c.flightId ? ` on flight ${c.flightId}` : ''}`,
    c.minor && '**Unaccompanied minor:** safeguards bind plans and travel',
    `The person's data stays in Sira: \`GET /v1/cases/${c.caseId}\`. Payloads here are encrypted.`,
  ]);
}

/** Who hears of a case's open task at each overdue level. */
function overdueLine(state: CaseState): string | undefined {
  const task = state.task;
  if (!task || task.overdueLevel === 0) return undefined;
  const first = `**Overdue** since ${when(dueAt(task))}: the supervisor of ${state.centreCode} was e-mailed`;
  if (task.overdueLevel === 1) return first;
  return `${first}; past twice its time since ${when(escalateAt(task))}: the programme manager was e-mailed too`;
}

/** What the case's workflow is waiting for now: its current details. */
export function caseDetails(state: CaseState): string {
  if (state.stage === 'completed') return cover([`**Completed**${state.closure ? ` on ${when(state.closure.at)}` : ''}. Nothing is waiting.`]);
  if (state.stage === 'closed') {
    return cover([`**Closed**${state.closure ? ` (${state.closure.reason}) on ${when(state.closure.at)} by \`${state.closure.by}\`` : ''}. A supervisor may reopen it.`]);
  }
  const task = state.task;
  const lines: (string | undefined)[] = [`**Stage:** ${state.stage.replace('_', ' ')} · **Officer:** \`${state.officer}\``];
  if (task) {
    lines.push(`**Waiting for:** ${task.label} (\`${task.key}\`)`, `**Since:** ${when(task.startedAt)}`);
    lines.push(state.suspension ? '**Due:** clock stopped while suspended' : `**Due:** ${when(dueAt(task))}`);
    lines.push(overdueLine(state) ?? (state.suspension ? undefined : '**On time:** nobody has been told yet'));
  } else if (state.stage === 'ready_to_depart') {
    lines.push('**Waiting for:** the departure (`POST /v1/cases/:caseId/departure`); no due date');
  } else if (state.stage === 'travel_document') {
    lines.push("**Waiting for:** the embassy's answer; the travel-document workflow chases it");
  } else {
    lines.push('**Waiting for:** nothing due');
  }
  if (state.travelDocument) lines.push(`**Travel document:** request \`${state.travelDocument.requestId}\` ${state.travelDocument.status}`);
  if (state.suspension) {
    lines.push(`**Suspended** since ${when(state.suspension.since)} by \`${state.suspension.by}\`: clocks stop until \`DELETE /v1/cases/:caseId/suspension\``);
  }
  return cover(lines);
}

/** The flight's static summary. */
export function flightSummary(plan: Pick<FlightPlan, 'flightId' | 'flightNumber' | 'origin' | 'destination'>): string {
  return cover([`Charter flight ${plan.flightNumber} · ${plan.origin} → ${plan.destination} · flight ${plan.flightId}`]);
}

export function flightStaticDetails(plan: FlightPlan): string {
  return cover([
    `**Flight** \`${plan.flightId}\` (${plan.flightNumber}) from ${plan.origin} to ${plan.destination}`,
    `**Scheduled departure:** ${when(plan.scheduledDeparture)} · **Capacity:** ${plan.capacity}`,
    `**Planned by** \`${plan.createdBy}\` on ${when(plan.createdAt)}. The manifest's names stay in Sira: \`GET /v1/flights/${plan.flightId}\`.`,
  ]);
}

/** When a flight that has not departed becomes overdue; undefined once it has left or ended. */
export function flightDueAt(state: Pick<FlightState, 'status' | 'scheduledDeparture'>, policy: FlightPolicy): number | undefined {
  return ['planned', 'manifest_open', 'locked'].includes(state.status) ? Date.parse(state.scheduledDeparture) + policy.departureGraceMs : undefined;
}

export function flightDetails(state: FlightState, policy: FlightPolicy): string {
  const seats = `${state.passengers.length} on the manifest of ${state.capacity} seats`;
  const due = flightDueAt(state, policy);
  const lines: (string | undefined)[] = [`**Status:** ${state.status.replace('_', ' ')} · ${seats}`];
  switch (state.status) {
    case 'planned':
    case 'manifest_open':
      lines.push(`**Waiting for:** passengers and the manifest's lock (since ${when(state.createdAt)})`);
      break;
    case 'locked':
      lines.push(`**Waiting for:** the departure (manifest locked ${state.lockedAt ? when(state.lockedAt) : ''})`.replace(' )', ')'));
      break;
    case 'departed':
      lines.push(`**Waiting for:** the arrival (departed ${state.departure ? when(state.departure.departedAt) : ''})`.replace(' )', ')'));
      break;
    case 'arrived':
      lines.push(`**Opening cases** for the passengers who boarded (arrived ${state.arrival ? when(state.arrival.arrivedAt) : ''})`.replace(' )', ')'));
      break;
    case 'closed':
      lines.push(`**Closed**${state.cases ? `: ${state.cases.opened} cases opened, ${state.cases.attached} attached, ${state.cases.unresolved} unresolved` : ''}`);
      break;
    case 'cancelled':
      lines.push(`**Cancelled**${state.cancellation ? ` on ${when(state.cancellation.at)} by \`${state.cancellation.by}\`` : ''}`);
      break;
  }
  if (due !== undefined) lines.push(`**Due to depart by:** ${when(due)} (scheduled ${when(state.scheduledDeparture)})`);
  if (state.overdue) lines.push('**Overdue:** past departure and its grace, not recorded as departed; the movement officer records the departure, reschedules or cancels');
  return cover(lines);
}

/** The travel-document request's static summary. */
export function travelDocumentSummary(r: Pick<TravelDocumentRequest, 'documentType' | 'country' | 'centreCode'>): string {
  return cover([`Travel document · ${r.documentType.replace(/_/g, ' ')} from the ${r.country} embassy · centre ${r.centreCode}`]);
}

export function travelDocumentStaticDetails(r: TravelDocumentRequest): string {
  return cover([
    `**Request** \`${r.requestId}\` for case \`${r.caseId}\``,
    `**Document:** ${r.documentType.replace(/_/g, ' ')} · **Embassy:** ${r.country} · **Centre:** ${r.centreCode}`,
    `**Requested by** \`${r.requestedBy}\` on ${when(r.requestedAt)}`,
  ]);
}

/** When the embassy's answer is due: its first escalation to the programme manager, while it owes one. */
export function travelDocumentDueAt(state: TravelDocumentState, policy: Pick<TravelDocumentPolicy, 'reminderIntervalMs' | 'maxReminders'>): number | undefined {
  if (state.finished || state.waitingSince === undefined || !['sent', 'interview_scheduled', 'renewal_requested'].includes(state.status)) return undefined;
  return state.waitingSince + (policy.maxReminders + 1) * policy.reminderIntervalMs;
}

export function travelDocumentDetails(state: TravelDocumentState, policy: Pick<TravelDocumentPolicy, 'reminderIntervalMs' | 'maxReminders'>): string {
  const lines: (string | undefined)[] = [`**Status:** ${state.status.replace('_', ' ')}${state.round > 0 ? ` (renewal ${state.round})` : ''}`];
  const due = travelDocumentDueAt(state, policy);
  if (due !== undefined) {
    lines.push(`**Waiting for:** the ${state.country} embassy's answer${state.status === 'interview_scheduled' ? ' after the interview' : ''}`);
    lines.push(`**Since:** ${when(state.waitingSince!)} · **Due:** ${when(due)}`);
    lines.push(`**Reminders** to the embassy's liaison: ${state.remindersSent} of ${policy.maxReminders}`);
    const escalations = state.escalations ?? (state.overdue ? 1 : 0);
    if (escalations > 0) lines.push(`**Overdue:** escalated to the programme manager ${escalations} time${escalations > 1 ? 's' : ''}`);
  } else if (state.status === 'requested') {
    lines.push('**Sending** the request to the embassy');
  } else if (state.status === 'issued') {
    lines.push(`**Issued**; planned departure ${state.plannedDeparture}${state.conflict ? ': the document lapses before it (move the departure or request a new document)' : ''}`);
  } else if (state.finished) {
    lines.push('**Finished**: nothing is waiting');
  }
  if (state.outcomeRaised) lines.push('**The case could not take the outcome:** raised to the centre\'s supervisor');
  return cover(lines);
}

/** The monthly programme report's summary (a Schedule's runs). */
export function monthlyReportSummary(): string {
  return cover(["Monthly programme report · last month's counts, e-mailed to the programme manager"]);
}
