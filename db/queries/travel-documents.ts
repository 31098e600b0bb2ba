import type { Knex } from 'knex';
import { messageKeyPrefix, type TravelDocumentConflict, type TravelDocumentState } from '../../domain/travel-document';
import { travelDocumentWorkflowId } from '../../workflows/ids';
import { insertEventOnce } from './events';
import { page, type PageRequest } from './page';

function columns(state: TravelDocumentState, at: string) {
  return {
    // The departure can move after the request (movePlannedDeparture), so it follows the state.
    planned_departure: state.plannedDeparture,
    status: state.status,
    seq: state.seq,
    round: state.round,
    reminders_sent: state.remindersSent,
    overdue: state.overdue,
    waiting_since: state.waitingSince === undefined ? null : new Date(state.waitingSince).toISOString(),
    document_number: state.document?.number ?? null,
    valid_until: state.document?.validUntil.slice(0, 10) ?? null,
    issued_at: state.document?.issuedAt ?? null,
    interview_at: state.interview?.at ?? null,
    interview_place: state.interview?.place ?? null,
    refusal_reason: state.refusalReason ?? null,
    cancellation_reason: state.cancellation?.reason ?? null,
    conflict: state.conflict ? JSON.stringify(state.conflict) : null,
    state: JSON.stringify(state),
    updated_at: at,
  };
}

/**
 * Records one change of a request: its event row and, unless a later change got there first, the
 * request's row. Run twice, it writes nothing the second time.
 */
export async function recordTravelDocumentChange(
  db: Knex,
  state: TravelDocumentState,
  event: { kind: string; detail: Record<string, unknown> },
  at: string,
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('travel_documents')
      .insert({
        request_id: state.requestId,
        workflow_id: travelDocumentWorkflowId(state.requestId),
        case_id: state.caseId,
        country: state.country,
        centre_code: state.centreCode,
        document_type: state.documentType,
        requested_by: state.requestedBy,
        requested_at: state.requestedAt,
        ...columns(state, at),
        seq: -1,
      })
      .onConflict('request_id')
      .ignore();
    const first = await insertEventOnce(trx, 'travel_document_events', {
      request_id: state.requestId,
      seq: state.seq,
      kind: event.kind,
      at,
      status_after: state.status,
      detail: JSON.stringify(event.detail),
    });
    if (!first) return;
    const answered = event.kind.startsWith('answered_') ? { answered_at: at } : {};
    await trx('travel_documents')
      .where({ request_id: state.requestId })
      .andWhere('seq', '<', state.seq)
      .update({ ...columns(state, at), ...answered });
  });
}

export interface TravelDocumentFilter extends PageRequest {
  status?: string;
  country?: string;
  overdue?: boolean;
  caseId?: string;
  /** Only requests of cases at these centres; undefined for every centre. */
  centres?: string[];
}

const summary = (r: Record<string, unknown>) => ({
  requestId: r.request_id,
  caseId: r.case_id,
  country: r.country,
  centreCode: r.centre_code,
  documentType: r.document_type,
  plannedDeparture: r.planned_departure,
  status: r.status,
  round: r.round,
  remindersSent: r.reminders_sent,
  overdue: r.overdue,
  validUntil: r.valid_until ?? null,
  /** The issued document lapses before the planned departure: `{ kind, validUntil, plannedDeparture }`. */
  conflict: (r.conflict as TravelDocumentConflict | null) ?? null,
  requestedAt: (r.requested_at as Date).toISOString(),
  updatedAt: (r.updated_at as Date).toISOString(),
});

/** Requests for lists: codes and dates only, no personal data. The centre is the case's, as it is now. */
export async function listTravelDocuments(db: Knex, f: TravelDocumentFilter) {
  const filtered = db('travel_documents as t')
    .join('cases as c', 'c.case_id', 't.case_id')
    .modify((q) => {
      if (f.status) q.where('t.status', f.status);
      if (f.country) q.where('t.country', f.country);
      if (f.overdue !== undefined) q.where('t.overdue', f.overdue);
      if (f.caseId) q.where('t.case_id', f.caseId);
      if (f.centres) q.whereIn('c.centre_code', f.centres);
    });
  const { rows, total } = await page(filtered, f, (q) => q.select('t.*', 'c.centre_code as centre_code').orderBy('t.requested_at', 'desc'));
  return { items: rows.map(summary), total };
}

/**
 * The case's current request when a new one may replace it without being told to: the embassy
 * never answered it past every reminder (escalated), or it ended without a document (cancelled,
 * refused, expired). Undefined when there is none, or when it is still live.
 */
export async function replaceableRequestOf(db: Knex, caseId: string): Promise<string | undefined> {
  const row = await db('cases as c')
    .join('travel_documents as t', 't.request_id', db.raw("(c.state->'travelDocument'->>'requestId')::uuid"))
    .where('c.case_id', caseId)
    .andWhere((q) => q.where('t.overdue', true).orWhereIn('t.status', ['cancelled', 'refused', 'expired']))
    .first('t.request_id');
  return row?.request_id;
}

/** The country whose embassy the request asks; undefined when there is no such request. */
export async function embassyCountryOf(db: Knex, requestId: string): Promise<string | undefined> {
  const row = await db('travel_documents').where({ request_id: requestId }).first('country');
  return row?.country;
}

/** The case's centre, for scope checks; undefined when there is no such request. */
export async function travelDocumentScope(db: Knex, requestId: string): Promise<{ caseCentre: string } | undefined> {
  const row = await db('travel_documents as t')
    .join('cases as c', 'c.case_id', 't.case_id')
    .where('t.request_id', requestId)
    .first('c.centre_code');
  return row ? { caseCentre: row.centre_code } : undefined;
}

/** One request with its answer, its history and the state of every e-mail sent about it. */
export async function travelDocumentDetail(db: Knex, requestId: string) {
  const row = await db('travel_documents').where({ request_id: requestId }).first();
  if (!row) return undefined;
  const [events, notifications] = await Promise.all([
    db('travel_document_events').where({ request_id: requestId }).orderBy('seq'),
    db('notifications').where('key', 'like', `${messageKeyPrefix(requestId)}%`).orderBy('created_at'),
  ]);
  return {
    ...summary(row),
    document: row.document_number ? { number: row.document_number, validUntil: row.valid_until, issuedAt: row.issued_at } : null,
    interview: row.interview_at ? { at: (row.interview_at as Date).toISOString(), place: row.interview_place } : null,
    refusalReason: row.refusal_reason,
    cancellationReason: row.cancellation_reason,
    answeredAt: row.answered_at ? (row.answered_at as Date).toISOString() : null,
    history: events.map((e) => ({ seq: e.seq, kind: e.kind, at: (e.at as Date).toISOString(), status: e.status_after, detail: e.detail })),
    notifications: notifications.map((n) => ({
      key: n.key,
      kind: n.kind,
      status: n.status,
      attempts: n.attempts,
      lastError: n.last_error,
      createdAt: (n.created_at as Date).toISOString(),
      sentAt: n.sent_at ? (n.sent_at as Date).toISOString() : null,
    })),
  };
}

/**
 * What the embassy sees and what its e-mails say: the request, and of the person only what the
 * embassy needs to identify its national (names, sex, date of birth, nationality). No phone, no
 * vulnerabilities, no biometric reference.
 */
export interface LiaisonFacts {
  requestId: string;
  caseId: string;
  status: string;
  round: number;
  documentType: string;
  plannedDeparture: string;
  requestedAt: string;
  remindersSent: number;
  document: { number: string; validUntil: string } | null;
  /** The document lapses before the planned departure: recorded all the same, and the liaison is told. */
  conflict: TravelDocumentConflict | null;
  interview: { at: string; place: string } | null;
  refusalReason: string | null;
  person: { familyName: string; givenName: string; sex: string; dateOfBirth: string; nationality: string };
  centre: { code: string; name: string; city: string; supervisorEmail: string };
  embassy: { country: string; name: string; liaisonEmail: string; language: 'fr' | 'en' } | null;
}

export async function liaisonFacts(db: Knex, requestId: string): Promise<LiaisonFacts | undefined> {
  const row = await db('travel_documents as t')
    .join('cases as c', 'c.case_id', 't.case_id')
    .join('centres as ce', 'ce.code', 'c.centre_code')
    .leftJoin('embassies as e', 'e.country', 't.country')
    .where('t.request_id', requestId)
    .first(
      't.*',
      'c.family_name',
      'c.given_name',
      'c.sex',
      'c.date_of_birth',
      'c.nationality',
      'ce.code as centre',
      'ce.name as centre_name',
      'ce.city as centre_city',
      'ce.supervisor_email',
      'e.name as embassy_name',
      'e.liaison_email',
      'e.language',
    );
  if (!row) return undefined;
  return {
    requestId: row.request_id,
    caseId: row.case_id,
    status: row.status,
    round: row.round,
    documentType: row.document_type,
    plannedDeparture: row.planned_departure,
    requestedAt: (row.requested_at as Date).toISOString(),
    remindersSent: row.reminders_sent,
    document: row.document_number ? { number: row.document_number, validUntil: row.valid_until } : null,
    conflict: row.conflict ?? null,
    interview: row.interview_at ? { at: (row.interview_at as Date).toISOString(), place: row.interview_place } : null,
    refusalReason: row.refusal_reason,
    person: {
      familyName: row.family_name,
      givenName: row.given_name,
      sex: row.sex,
      dateOfBirth: row.date_of_birth,
      nationality: row.nationality,
    },
    centre: { code: row.centre, name: row.centre_name, city: row.centre_city, supervisorEmail: row.supervisor_email },
    embassy: row.embassy_name
      ? { country: row.country, name: row.embassy_name, liaisonEmail: row.liaison_email, language: row.language }
      : null,
  };
}
